"""The command line: a thin click layer over the library.

Exit status (SPEC): 0 when the run finished, even with skipped inputs (each listed on
stderr and in the store); 2 for usage errors; 1 for anything else.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import export as export_mod
from .errors import FrontlinesError

DB_OPTION = click.option(
    "--db", default="frontlines.db", show_default=True, type=click.Path(dir_okay=False), help="SQLite ledger file, or a postgresql://user@host/dbname URL."
)


def _ledger_exists(db: str) -> bool:
    """A SQLite ledger file exists; a PostgreSQL URL is checked when the store connects."""
    from .store import is_postgres_url

    return is_postgres_url(db) or Path(db).exists()


def friendly_errors(fn):
    """Turn a FrontlinesError into a one-line message and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except FrontlinesError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="frontlines")
def main() -> None:
    """frontlines: raw conflict news in, a geocoded ACLED-compatible event ledger out."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@DB_OPTION
@click.option("--workers", type=int, default=None, help="Worker processes (default: one per core).")
@click.option("--gazetteer", "gazetteer_path", type=click.Path(dir_okay=False), help="Gazetteer index file.")
@click.option("--lexicon", "lexicons", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra event lexicon (YAML).")
@click.option("--actors", "actor_files", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra actor dictionary (YAML).")
@click.option("--thresholds", type=click.Path(exists=True, dir_okay=False), help="Override thresholds (TOML).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True, help="local: worker processes on this machine; dask: partitions on a Dask cluster.")
@click.option("--scheduler", help="Dask scheduler address (tcp://host:8786); default: a local cluster of --workers processes.")
@click.option("--out-parquet", type=click.Path(file_okay=False), help="Dask engine: write events and articles to this Parquet dataset instead of the store.")
@click.option("--partition-size", type=click.IntRange(1), default=64, show_default=True, help="Dask engine: articles (files or JSONL lines) per partition.")
@friendly_errors
def run(inputs, db, workers, gazetteer_path, lexicons, actor_files, thresholds, engine, scheduler, out_parquet, partition_size) -> None:
    """Ingest INPUTS (files, folders, or - for stdin) and run the pipeline into the store."""
    from .pipeline import Options, run as run_pipeline
    from .store import redact_db

    if engine != "dask" and (scheduler or out_parquet):
        raise click.UsageError("--scheduler and --out-parquet need --engine dask")
    if engine == "dask":
        try:
            from .engine.dask_run import run_dask
        except ImportError as exc:
            from .errors import MissingExtra

            raise MissingExtra(f"the Dask engine needs dask.distributed ({exc.name} is missing)", hint="pip install 'frontlines[dask]'") from exc

        def run_pipeline(inputs, db, *, options, workers, stdin=None, progress=None):  # noqa: F811
            if stdin is not None:
                raise click.UsageError("--engine dask reads files and folders, not stdin")
            return run_dask(inputs, db, options=options, scheduler=scheduler, workers=workers,
                            out_parquet=out_parquet, partition_size=partition_size, progress=progress)  # fmt: skip

    options = Options(
        gazetteer_path=Path(gazetteer_path) if gazetteer_path else None,
        lexicon_files=tuple(Path(p) for p in lexicons),
        actor_files=tuple(Path(p) for p in actor_files),
        thresholds_file=Path(thresholds) if thresholds else None,
    )
    stdin = click.get_text_stream("stdin") if "-" in inputs else None
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as bar:
            task = bar.add_task("articles", total=None)
            summary = run_pipeline(
                inputs, db, options=options, workers=workers, stdin=stdin,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
    else:
        summary = run_pipeline(inputs, db, options=options, workers=workers, stdin=stdin)
    for skip in summary.skips:
        click.echo(f"skipped {skip.source}: [{skip.code}] {skip.reason}", err=True)
    click.echo(
        f"{summary.seen} articles read, {summary.added} new, {summary.already} already stored, "
        f"{summary.events} events added, {len(summary.skips)} inputs skipped -> {out_parquet or redact_db(db)}",
        err=True,
    )


@main.command("export")
@DB_OPTION
@click.option("--format", "fmt", required=True, type=click.Choice(export_mod.FORMATS), help="Output format.")
@click.option("-o", "--output", default="-", show_default=True, help="Output file, or - for stdout.")
@click.option("--since", help="Only events on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only events on or before this date (YYYY-MM-DD).")
@click.option("--where", "admin1", help="Only events in this admin1 (province).")
@friendly_errors
def export_cmd(db, fmt, output, since, until, admin1) -> None:
    """Write the ledger as JSONL (SPEC record), CSV, ACLED's columns, GeoJSON, a GeoPackage
    or Parquet (the last two need -o FILE)."""
    from .store import Store

    if fmt in export_mod.FILE_FORMATS and output == "-":
        raise click.UsageError(f"--format {fmt} writes a binary file: give -o FILE.{fmt}")
    if not _ledger_exists(db):
        raise click.UsageError(f"no ledger at {db}: run `frontlines run INPUT` first")
    with Store(db) as store:
        events = store.events(since=since, until=until, admin1=admin1)
        if output == "-":
            n = export_mod.write(events, fmt, sys.stdout)
        else:
            n = export_mod.write_file(events, fmt, output)
    click.echo(f"{n} events written to {'stdout' if output == '-' else output}", err=True)


@main.command()
@DB_OPTION
@click.option("--since", help="Start of the period (YYYY-MM-DD); default: the first event.")
@click.option("--until", help="End of the period (YYYY-MM-DD); default: the last event.")
@click.option("--where", "admin1", help="Only this admin1 (province / governorate).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="FILE.html (self-contained) or FILE.md.")
@friendly_errors
def report(db, since, until, admin1, output) -> None:
    """Write a situation report (HTML or Markdown) for a period and an area."""
    from . import report as report_mod

    if Path(output).suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
        raise click.UsageError(f"cannot tell the report format from {output!r}: name it FILE.html or FILE.md")
    if not _ledger_exists(db):
        raise click.UsageError(f"no ledger at {db}: run `frontlines run INPUT` first")
    rep = report_mod.report_from_store(db, since=since, until=until, where=admin1)
    report_mod.write(rep, output)
    click.echo(f"report on {rep.n_events} events ({rep.period}, {rep.area}) written to {output}", err=True)


@main.command()
@DB_OPTION
def skips(db) -> None:
    """List the inputs that could not be read, with the reason."""
    from .store import Store

    with Store(db) as store:
        for s in store.skips():
            click.echo(f"{s.source}\t{s.code}\t{s.reason}")


@main.group()
def gazetteer() -> None:
    """Build, extend and query the offline gazetteer."""


GAZ_OPTION = click.option("--gazetteer", "gazetteer_path", type=click.Path(dir_okay=False), help="Gazetteer index file.")


@gazetteer.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@GAZ_OPTION
@friendly_errors
def gazetteer_import(file, gazetteer_path) -> None:
    """Add places from a GeoNames dump (SY.txt, allCountries.txt) or a CSV
    (name,lat,lon,admin1[,admin2,country])."""
    from .gazetteer import Gazetteer

    gaz = Gazetteer.open(Path(gazetteer_path) if gazetteer_path else None)
    n = gaz.import_file(Path(file))
    click.echo(f"{n} places added from {file}", err=True)


@gazetteer.command("build")
@GAZ_OPTION
@friendly_errors
def gazetteer_build(gazetteer_path) -> None:
    """Build the gazetteer index now (otherwise the first run builds it)."""
    from .gazetteer import Gazetteer

    gaz = Gazetteer.open(Path(gazetteer_path) if gazetteer_path else None)
    click.echo(f"gazetteer ready at {gaz.path}", err=True)


@gazetteer.command("lookup")
@click.argument("name")
@click.option("--country", help="ISO3 code to prefer, e.g. SYR.")
@GAZ_OPTION
@friendly_errors
def gazetteer_lookup(name, country, gazetteer_path) -> None:
    """Show the gazetteer candidates for NAME, best first."""
    from .gazetteer import Gazetteer

    gaz = Gazetteer.open(Path(gazetteer_path) if gazetteer_path else None)
    for p in gaz.lookup(name, country=country)[:10]:
        click.echo(f"{p.name}\t{p.feature}\t{p.admin1 or ''}\t{p.country}\t{p.latitude:.4f},{p.longitude:.4f}\t{p.geonameid or ''}")


@main.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--tiles", envvar="FRONTLINES_TILES", help="Online tile layer URL template, e.g. https://tile.example.org/{z}/{x}/{y}.png (default: offline outlines only).")
@click.option("--tiles-attribution", envvar="FRONTLINES_TILES_ATTRIBUTION", help="Attribution shown for --tiles.")
@friendly_errors
def serve(db, host, port, tiles, tiles_attribution) -> None:
    """Serve the event map and the read-only API (OpenAPI at /docs) over the ledger (a
    SQLite file or a postgresql:// URL)."""
    from .store import redact_db
    from .web import create_app, serve as serve_web

    if not _ledger_exists(db):
        raise click.UsageError(f"no ledger at {redact_db(db)}: run `frontlines run INPUT` first")
    app = create_app(db, tiles=tiles, tiles_attribution=tiles_attribution)  # an unreadable ledger fails here, before the banner
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"frontlines map of {redact_db(db)} at http://{shown}:{port}/  (API: http://{shown}:{port}/docs; Ctrl+C to stop)", err=True)
    serve_web(app, host=host, port=port)


if __name__ == "__main__":  # pragma: no cover
    main()
