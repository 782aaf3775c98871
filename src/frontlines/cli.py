"""The command line: a thin click layer over the library.

Exit status (SPEC): 0 when the run finished, even with skipped inputs (each listed on
stderr and in the store); 2 for usage errors (a wrong option value, an unknown filter
value, no named input that exists, a URL as input); 1 for anything else, and for a run
that finished but was named inputs that do not exist.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

import click

from . import export as export_mod
from . import filters
from .errors import ArgumentError, BadCountry, BadDate, FrontlinesError, MissingInput, UrlInput

DB_OPTION = click.option(
    "--db", default="frontlines.db", show_default=True, type=click.Path(dir_okay=False), help="SQLite ledger file, or a postgresql://user@host/dbname URL."
)


def _ledger_exists(db: str) -> bool:
    """A SQLite ledger file exists; a PostgreSQL URL is checked when the store connects."""
    from .store import is_postgres_url

    return is_postgres_url(db) or Path(db).exists()


def _require_ledger(db: str) -> None:
    """Read-only commands never create a ledger: a missing one is a usage error naming it."""
    if not _ledger_exists(db):
        from .store import redact_db

        shown = redact_db(db)  # a postgresql:// URL may carry a password
        raise click.UsageError(f"no ledger at {shown}: run `frontlines run INPUT --db {shown}` first, or give --db PATH")


def _require_folder(output: str, option: str = "-o") -> None:
    """The folder an output file goes in must exist (checked before any work is done)."""
    parent = Path(output).parent
    if not parent.is_dir():
        raise click.UsageError(f"{option} {output}: no folder {str(parent)!r} to write in (create it first)")


def friendly_errors(fn):
    """Turn a FrontlinesError into a one-line message: exit status 2 for an ArgumentError
    (a usage error, with the command's usage line), 1 for the rest."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ArgumentError as exc:
            raise click.UsageError(str(exc)) from exc
        except FrontlinesError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)

    return wrapper


class DateBound(click.ParamType):
    """--since / --until: YYYY-MM-DD, YYYY-MM or YYYY, as the first (or, with ``end``, the
    last) day it covers; filters.date_bound is the one parser."""

    name = "DATE"

    def __init__(self, end: bool = False) -> None:
        self.end = end

    def convert(self, value, param, ctx):
        try:
            return filters.date_bound(value, end=self.end)
        except BadDate as exc:
            self.fail(exc.args[0], param, ctx)


class CountryCode(click.ParamType):
    """An ISO 3166 country code (alpha-3, or alpha-2), as alpha-3."""

    name = "ISO3"

    def convert(self, value, param, ctx):
        try:
            return filters.country_code(value)
        except BadCountry as exc:
            self.fail(exc.args[0].removeprefix("--country: "), param, ctx)


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")


def _check_inputs(inputs: tuple[str, ...]) -> list[str]:
    """The named inputs that do not exist. A URL is refused (frontlines reads local files);
    when no named input exists at all the command line is wrong: a usage error."""
    for item in inputs:
        if _URL.match(item) and not Path(item).exists():
            raise UrlInput(f"{item}: frontlines reads local files and folders, not URLs")
    missing = [i for i in inputs if i != "-" and not Path(i).exists()]
    if missing and len(missing) == len(inputs):
        named = ", ".join(missing)
        raise click.UsageError(f"no such file or folder: {named}")
    return missing


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="frontlines")
def main() -> None:
    """frontlines: raw conflict news in, a geocoded ACLED-compatible event ledger out."""


_TILE_URL = re.compile(r"https?://\S+")
# Dask scheduler addresses: [protocol://]host[:port]
_SCHEDULER = re.compile(r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.\-]+)(?::\d{1,5})?")


def _check_serve_options(host: str, tiles: str | None, attribution: str | None) -> None:
    """serve's address must resolve (uvicorn would log the failure and exit 0), and a tile
    layer must be an http(s) URL template with {z}, {x} and {y} (else every tile 404s)."""
    import socket

    if tiles is not None:
        if not _TILE_URL.fullmatch(tiles) or not all(k in tiles for k in ("{z}", "{x}", "{y}")):
            raise click.BadParameter(f"expected an http(s) URL template with {{z}}, {{x}} and {{y}}, e.g. https://tile.example.org/{{z}}/{{x}}/{{y}}.png (got {tiles!r})", param_hint="--tiles")
    ctx = click.get_current_context()
    if attribution and not tiles and ctx.get_parameter_source("tiles_attribution") == click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--tiles-attribution needs --tiles (the offline map shows Natural Earth's outlines)")
    try:
        socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError) as exc:
        raise click.BadParameter(f"cannot listen on {host!r}: {getattr(exc, 'strerror', None) or exc}", param_hint="--host") from exc


def _check_data_files(options) -> None:
    """Read the user's --lexicon, --actors and --thresholds files now, before any input:
    a broken file or a misspelled key stops the run at once (the pipeline would otherwise
    read them only when an article is new, and in each worker)."""
    if options.lexicon_files:
        from .extract import Lexicon

        Lexicon.load(options.lexicon_files)
    if options.actor_files:
        from .annotate.actors import ActorAnnotator

        ActorAnnotator(extra_files=options.actor_files)
    if options.thresholds_file:
        from .extract import load_thresholds

        load_thresholds(options.thresholds_file)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@DB_OPTION
@click.option("--workers", type=click.IntRange(1), default=None, help="Worker processes, 1 or more (default: one per core).")
@click.option("--gazetteer", "gazetteer_path", type=click.Path(exists=True, dir_okay=False), help="Gazetteer index file (an existing one; `frontlines gazetteer build --gazetteer FILE` makes one).")
@click.option("--lexicon", "lexicons", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra event lexicon (YAML).")
@click.option("--actors", "actor_files", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra actor dictionary (YAML).")
@click.option("--thresholds", type=click.Path(exists=True, dir_okay=False), help="Override thresholds (TOML).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True, help="local: worker processes on this machine; dask: partitions on a Dask cluster.")
@click.option("--scheduler", help="Dask scheduler address (tcp://host:8786); default: a local cluster of --workers processes.")
@click.option("--out-parquet", type=click.Path(file_okay=False), help="Dask engine: write events and articles to this Parquet dataset instead of the store.")
@click.option("--partition-size", type=click.IntRange(1), default=64, show_default=True, help="Dask engine: articles (files or JSONL lines) per partition.")
@click.option("--wait", type=click.FloatRange(0), default=None, help="Seconds to wait for another run writing to the same ledger (default: 60), then stop.")
@friendly_errors
def run(inputs, db, workers, gazetteer_path, lexicons, actor_files, thresholds, engine, scheduler, out_parquet, partition_size, wait) -> None:
    """Ingest INPUTS (files, folders, or - for stdin) and run the pipeline into the store."""
    from .pipeline import Options, run as run_pipeline
    from .store import redact_db

    if engine != "dask" and (scheduler or out_parquet):
        raise click.UsageError("--scheduler and --out-parquet need --engine dask")
    if scheduler and not _SCHEDULER.fullmatch(scheduler):
        raise click.BadParameter(f"expected a scheduler address such as tcp://host:8786 (got {scheduler!r})", param_hint="--scheduler")
    missing = _check_inputs(inputs)
    if engine == "dask":
        try:
            from .engine.dask_run import run_dask
        except ImportError as exc:
            from .errors import MissingExtra

            raise MissingExtra(f"the Dask engine needs dask.distributed ({exc.name} is missing)", hint="pip install 'frontlines[dask]'") from exc

        def run_pipeline(inputs, db, *, options, workers, stdin=None, progress=None, wait=None, on_wait=None):  # noqa: F811
            if stdin is not None:
                raise click.UsageError("--engine dask reads files and folders, not stdin")
            return run_dask(inputs, db, options=options, scheduler=scheduler, workers=workers,
                            out_parquet=out_parquet, partition_size=partition_size, progress=progress,
                            wait=wait, on_wait=on_wait)  # fmt: skip

    options = Options(
        gazetteer_path=Path(gazetteer_path) if gazetteer_path else None,
        lexicon_files=tuple(Path(p) for p in lexicons),
        actor_files=tuple(Path(p) for p in actor_files),
        thresholds_file=Path(thresholds) if thresholds else None,
    )
    _check_data_files(options)
    stdin = sys.stdin if "-" in inputs else None  # click.get_text_stream is deprecated (Click 8.2)
    from .lock import WRITER_WAIT_S, describe

    def on_wait(holder) -> None:
        click.echo(f"waiting up to {WRITER_WAIT_S if wait is None else wait:g} s for the run writing to {db} ({describe(holder)})", err=True)

    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as bar:
            task = bar.add_task("articles", total=None)

            def progress(done, total):
                # the last batch stored, stage 7 follows: the bar names it
                bar.update(task, description="articles" if done < total else "corroborating (stage 7)", completed=done, total=total)

            summary = run_pipeline(inputs, db, options=options, workers=workers, stdin=stdin, wait=wait, on_wait=on_wait, progress=progress)
    else:
        summary = run_pipeline(inputs, db, options=options, workers=workers, stdin=stdin, wait=wait, on_wait=on_wait)
    for skip in summary.skips:
        click.echo(f"skipped {skip.source}: [{skip.code}] {skip.reason}", err=True)
    click.echo(
        f"{summary.seen} articles read, {summary.added} new, {summary.already} already stored, "
        f"{summary.events} reports from the new articles, {len(summary.skips)} inputs skipped -> {out_parquet or redact_db(db)}",
        err=True,
    )
    c = summary.corroboration
    if c is not None and getattr(c, "reports", 0):
        click.echo(
            f"corroborated: {c.created} events new, {c.events - c.created} updated, {c.retired} retired "
            f"({c.merges} merges, {c.splits} splits)",
            err=True,
        )
    if missing:  # the others were read, but a mistyped path must not pass unnoticed
        err = MissingInput(f"{len(missing)} named input(s) do not exist: {', '.join(missing)}", hint="the other inputs were read; check the path")
        click.echo(f"Error: {err}", err=True)
        sys.exit(1)


@main.command("export")
@DB_OPTION
@click.option("--format", "fmt", required=True, type=click.Choice(export_mod.FORMATS), help="Output format.")
@click.option("-o", "--output", default="-", show_default=True, help="Output file, or - for stdout.")
@click.option("--since", type=DateBound(), help="Only events on or after this date: YYYY-MM-DD, YYYY-MM or YYYY (its first day).")
@click.option("--until", type=DateBound(end=True), help="Only events on or before this date: YYYY-MM-DD, YYYY-MM or YYYY (its last day).")
@click.option("--where", "--admin1", "admin1", help="Only events in this admin1 (province), in any spelling (Idleb, Idlib; any case).")
@friendly_errors
def export_cmd(db, fmt, output, since, until, admin1) -> None:
    """Write the ledger as JSONL (SPEC record), CSV, ACLED's columns, GeoJSON, a GeoPackage
    or Parquet (the last two need -o FILE)."""
    from .store import Store

    if fmt in export_mod.FILE_FORMATS and output == "-":
        raise click.UsageError(f"--format {fmt} writes a binary file: give -o FILE.{fmt}")
    if output != "-":
        _require_folder(output)
    _require_ledger(db)
    with Store(db) as store:
        flt = filters.Filter.for_store(store, since=since, until=until, where=admin1)
        events = flt.events(store)
        if output == "-":
            n = export_mod.write(events, fmt, sys.stdout)
        else:
            n = export_mod.write_file(events, fmt, output)
        if n == 0 and flt.active:
            click.echo(filters.empty_note(store, flt), err=True)
    click.echo(f"{n} events written to {'stdout' if output == '-' else output}", err=True)


@main.command()
@DB_OPTION
@click.option("--since", type=DateBound(), help="Start of the period: YYYY-MM-DD, YYYY-MM or YYYY; default: the first event.")
@click.option("--until", type=DateBound(end=True), help="End of the period: YYYY-MM-DD, YYYY-MM or YYYY; default: the last event.")
@click.option("--where", "--admin1", "admin1", help="Only this admin1 (province / governorate), in any spelling (Idleb, Idlib; any case).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="FILE.html (self-contained) or FILE.md.")
@friendly_errors
def report(db, since, until, admin1, output) -> None:
    """Write a situation report (HTML or Markdown) for a period and an area."""
    from . import report as report_mod
    from .store import Store

    if Path(output).suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
        raise click.UsageError(f"cannot tell the report format from {output!r}: name it FILE.html or FILE.md")
    _require_folder(output)
    _require_ledger(db)
    rep = report_mod.report_from_store(db, since=since, until=until, where=admin1)
    report_mod.write(rep, output)
    if rep.n_events == 0 and (since or until or admin1):
        with Store(db) as store:
            flt = filters.Filter.for_store(store, since=since, until=until, where=admin1)
            click.echo(filters.empty_note(store, flt), err=True)
    click.echo(f"report on {rep.n_events} events ({rep.period}, {rep.area}) written to {output}", err=True)


@main.command()
@click.argument("event_id")
@click.option("--set", "assignments", multiple=True, required=True, metavar="FIELD=VALUE", help="A field and its corrected value; repeat for several fields.")
@click.option("--note", required=True, help="Why: the analyst's source or reasoning (kept in the event's history).")
@DB_OPTION
@friendly_errors
def correct(event_id, assignments, note, db) -> None:
    """Correct fields of the event EVENT_ID, e.g. --set fatalities=86 --note "hospital list".
    Kept through later runs: the value overrides what stage 7 computes for the field."""
    from .corrections import correct as correct_event
    from .errors import BadCorrection
    from .store import Store

    _require_ledger(db)
    with Store(db) as store, store.writer():  # one writer at a time, runs included
        try:
            ev = correct_event(store, event_id, assignments, note)
        except BadCorrection as exc:
            raise click.UsageError(str(exc)) from exc
    for c in ev.corrections:
        implied = f" (follows {c['implied_by']})" if c.get("implied_by") else ""
        click.echo(f"{ev.event_id}\t{c['field']}\t{c['computed']!r} -> {c['value']!r}{implied}", err=False)


@main.command()
@click.argument("article_id")
@click.option("--note", required=True, help="Why it is retracted (or, with --undo, restored); kept in the events' history.")
@click.option("--undo", is_flag=True, help="Restore an article retracted before: its reports rejoin the ledger.")
@DB_OPTION
@friendly_errors
def retract(article_id, note, undo, db) -> None:
    """Take the article ARTICLE_ID's reports out of the ledger: its events are rebuilt
    without them, an event left with none is retired; later runs do not re-add it."""
    from .corrections import retract as retract_article, unretract
    from .errors import BadCorrection
    from .store import Store

    _require_ledger(db)
    with Store(db) as store, store.writer():
        try:
            if undo:
                events = unretract(store, article_id, note)
                click.echo(f"article {article_id} restored: its reports are in {len(events)} event(s): {', '.join(events) or '-'}", err=True)
                return
            s = retract_article(store, article_id, note)
        except BadCorrection as exc:
            raise click.UsageError(str(exc)) from exc
    click.echo(
        f"article {article_id} retracted: {len(s.events)} event(s) held its reports, "
        f"{len(s.retired)} retired ({', '.join(s.retired) or '-'}), rebuilt: {', '.join(s.rebuilt) or '-'}",
        err=True,
    )


@main.command()
@DB_OPTION
@friendly_errors
def skips(db) -> None:
    """List the inputs that could not be read, with the reason."""
    from .store import Store

    _require_ledger(db)
    n = 0
    with Store(db) as store:
        for s in store.skips():
            click.echo(f"{s.source}\t{s.code}\t{s.reason}")
            n += 1
    if not n:
        click.echo(f"no skipped inputs in {db}", err=True)


@main.group()
def gazetteer() -> None:
    """Build, extend and query the offline gazetteer."""


GAZ_OPTION = click.option("--gazetteer", "gazetteer_path", type=click.Path(dir_okay=False), help="Gazetteer index file (built there if missing).")
# lookup only reads an index: a mistyped path must not build a fresh one and answer from it
GAZ_EXISTING = click.option("--gazetteer", "gazetteer_path", type=click.Path(exists=True, dir_okay=False), help="Gazetteer index file (an existing one).")


@gazetteer.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--columns", help="For a file without a header: its fields in order, e.g. name,lat,lon,admin1 "
              "(skip for a column to ignore).")
@GAZ_OPTION
@friendly_errors
def gazetteer_import(file, columns, gazetteer_path) -> None:
    """Add places from a GeoNames dump (SY.txt, allCountries.txt) or a CSV/TSV place list
    (a header naming name/place, lat/latitude, lon/longitude, admin1, admin2, country, ...;
    or --columns). Prints what was added, already there, new spellings and skipped rows."""
    from .gazetteer import Gazetteer

    cols = [c.strip() for c in columns.split(",")] if columns is not None else None
    gaz = Gazetteer.open(Path(gazetteer_path) if gazetteer_path else None)
    report = gaz.import_file(Path(file), cols)
    click.echo(report.summary())


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
@click.option("--country", type=CountryCode(), help="ISO 3166 code of the country to prefer, e.g. SYR (alpha-2 SY is accepted too).")
@GAZ_EXISTING
@friendly_errors
def gazetteer_lookup(name, country, gazetteer_path) -> None:
    """Show the gazetteer candidates for NAME, best first."""
    from .gazetteer import Gazetteer

    if not name.strip():
        raise click.BadParameter("give a place name", param_hint="NAME")
    gaz = Gazetteer.open(Path(gazetteer_path) if gazetteer_path else None)
    places = gaz.lookup(name, country=country)[:10]
    for p in places:
        click.echo(f"{p.name}\t{p.feature}\t{p.admin1 or ''}\t{p.country}\t{p.latitude:.4f},{p.longitude:.4f}\t{p.geonameid or ''}")
    if not places:
        click.echo(f"no place named {name!r} in the gazetteer ({gaz.path})", err=True)


@main.command("geoparse")
@click.argument("file")
@click.option("--published", help="Publication date, YYYY-MM-DD (dates in the text are read relative to it).")
@click.option("--outlet", help="The outlet that published the text (e.g. Reuters).")
@click.option("-o", "--output", default="-", show_default=True, help="Output file (JSONL), or - for stdout.")
@GAZ_EXISTING
@friendly_errors
def geoparse_cmd(file, published, outlet, output, gazetteer_path) -> None:
    """Every place named in the text of FILE (- for stdin): one JSON line per mention, with
    its character span, role, resolved place and runner-up candidates."""
    import json

    from .gazetteer import Gazetteer
    from .geoparser import Geoparser, parse_published

    day = parse_published(published)  # a bad date is a usage error before any work
    if output != "-":
        _require_folder(output)
    if file == "-":
        text = sys.stdin.read()
    else:
        if not Path(file).is_file():
            raise click.UsageError(f"no such file: {file}")
        text = Path(file).read_text(encoding="utf-8", errors="replace")
    gaz = Gazetteer.open(Path(gazetteer_path) if gazetteer_path else None)
    mentions = Geoparser(gaz).parse(text, published=day, outlet=outlet)
    lines = "".join(json.dumps(m.to_dict(), ensure_ascii=False) + "\n" for m in mentions)
    if output == "-":
        click.echo(lines, nl=False)
    else:
        Path(output).write_text(lines, encoding="utf-8")
    click.echo(f"{len(mentions)} place mentions written to {'stdout' if output == '-' else output}", err=True)


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

    _require_ledger(db)
    _check_serve_options(host, tiles, tiles_attribution)
    app = create_app(db, tiles=tiles, tiles_attribution=tiles_attribution)  # an unreadable ledger fails here, before the banner
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"frontlines map of {redact_db(db)} at http://{shown}:{port}/  (API: http://{shown}:{port}/docs; Ctrl+C to stop)", err=True)
    serve_web(app, host=host, port=port)


if __name__ == "__main__":  # pragma: no cover
    main()
