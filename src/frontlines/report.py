"""Stage 9 (report): a situation report for a period and an area, as HTML or Markdown.

``build(events)`` turns ledger records into a ``Report`` (numbers, prose sentences written
from the data, charts and a static map rendered offline with matplotlib); ``render_html``
and ``render_markdown`` fill the Jinja2 templates in ``frontlines/templates``. The HTML is
one self-contained file (images inline as base64 PNG, no external URL) so it opens with no
network; all article text is escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import math
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from .errors import FrontlinesError, MissingExtra

# ACLED's six event types, in ACLED's order, each with the colour used in every chart.
TYPE_COLOURS = {
    "Battles": "#c0392b",
    "Explosions/Remote violence": "#e67e22",
    "Violence against civilians": "#8e44ad",
    "Protests": "#2980b9",
    "Riots": "#16a085",
    "Strategic developments": "#7f8c8d",
}
KEY_EVENTS = 10  # how many "most significant events" the report lists
SINGLE_SOURCE_LISTED = 12  # how many single-source events are listed by name
MAP_PANELS = 3  # one map panel per country, for the countries with the most events


class ReportError(FrontlinesError):
    code = "E700"


@dataclass
class Chart:
    """One rendered image: PNG bytes plus the words a reader without images gets."""

    name: str
    title: str
    png: bytes
    alt: str

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class Citation:
    outlet: str
    published: str | None
    sentence: str
    url: str | None
    attributed_to: str | None
    hedges: list[str]


@dataclass
class KeyEvent:
    event: dict[str, Any]
    date: str
    place: str
    summary: str  # one prose sentence written from the record
    status: str  # a short phrase on how well it is sourced
    citations: list[Citation]


@dataclass
class Report:
    """Everything the templates need; plain data, so a test can read it too."""

    title: str
    period: str
    area: str
    generated: str
    headline: list[tuple[str, str]]  # (figure, label)
    summary: list[str]  # paragraphs of prose
    by_type: list[dict[str, Any]]
    by_province: list[dict[str, Any]]
    timeline_text: str
    charts: dict[str, Chart] = field(default_factory=dict)
    map_note: str = ""
    key_events: list[KeyEvent] = field(default_factory=list)
    disputed_text: str = ""
    disputed: list[KeyEvent] = field(default_factory=list)
    single_source: list[KeyEvent] = field(default_factory=list)
    single_source_more: int = 0
    method: list[str] = field(default_factory=list)
    n_events: int = 0


# -- words ------------------------------------------------------------------------------
def fmt_date(iso: str | None) -> str:
    """'2017-04-04' -> '4 April 2017' (the style of a written briefing)."""
    if not iso:
        return "an unknown date"
    try:
        d = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B')} {d.year}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def place_of(ev: dict[str, Any]) -> str:
    loc, adm, country = ev.get("location"), ev.get("admin1"), ev.get("country")
    parts = [p for p in (loc, adm if adm != loc else None, country) if p]
    return ", ".join(parts) if parts else "an unresolved location"


def toll_phrase(ev: dict[str, Any]) -> str:
    n, lo, hi = ev.get("fatalities") or 0, ev.get("fatalities_low") or 0, ev.get("fatalities_high") or 0
    if n <= 0 and hi <= 0:
        return "with no deaths reported"
    killed = f"killing at least {plural(n, 'person', 'people')}" if n else "with deaths reported but not counted"
    if hi > max(n, lo):
        killed += f" (reports range from {lo:,} to {hi:,})"
    return killed


def sourcing_phrase(ev: dict[str, Any]) -> str:
    """How well an event is sourced, in the words an analyst would use."""
    sources = ev.get("sources") or []
    n_src = ev.get("source_count") or len(sources)
    n_ind = ev.get("independent_source_count") or 0
    status = ev.get("claim_status") or "reported"
    outlets = ", ".join(sources) if sources else "an unnamed outlet"
    if status == "confirmed":
        return f"confirmed by {plural(n_ind, 'independent source')} ({outlets})"
    if status == "disputed":
        return f"disputed; reported by {outlets}"
    attributed = sorted({m.get("attributed_to") for m in ev.get("mentions") or [] if m.get("attributed_to")})
    if status == "claimed":
        who = f", attributing it to {', '.join(attributed)}" if attributed else ""
        return f"a claim carried by {outlets}{who}, not independently verified"
    if n_src <= 1:
        return f"single-source ({outlets})"
    return f"reported by {plural(n_src, 'outlet')} ({outlets})"


def phrases() -> dict[str, str]:
    """Sub-event type -> the noun phrase a sentence uses (templates/report_phrases.yaml)."""
    from .datafiles import load_yaml

    path = resources.files("frontlines") / "templates" / "report_phrases.yaml"
    return load_yaml(path.read_text(encoding="utf-8")) or {}


def describe(ev: dict[str, Any], words: dict[str, str] | None = None) -> str:
    """One sentence for one event, written from the record's fields."""
    sub = ev.get("sub_event_type") or ev.get("event_type") or "event"
    what = (words or {}).get(sub) or sub.lower()
    who = f" by {ev['actor1']}" if ev.get("actor1") else ""
    whom = f" against {ev['actor2']}" if ev.get("actor2") and ev.get("actor2") != ev.get("actor1") else ""
    when = f"On {fmt_date(ev.get('event_date'))}" if ev.get("event_date") else "On an unknown date"
    return f"{when}, {_a(what)}{who}{whom} in {place_of(ev)}, {toll_phrase(ev)}; {sourcing_phrase(ev)}."


def significance(ev: dict[str, Any]) -> tuple:
    """Deadliest first; then better corroborated; then civilian targeting; then latest."""
    return (
        -(ev.get("fatalities") or 0),
        -(ev.get("independent_source_count") or 0),
        -int(bool(ev.get("civilian_targeting"))),
        -(ev.get("fatalities_high") or 0),
        "" if not ev.get("event_date") else "".join(chr(255 - ord(c)) for c in ev["event_date"]),
        ev.get("event_id") or "",
    )


def citations_of(ev: dict[str, Any], limit: int = 3) -> list[Citation]:
    out, seen = [], set()
    for m in ev.get("mentions") or []:
        key = (m.get("outlet"), m.get("sentence"))
        if key in seen or not m.get("sentence"):
            continue
        seen.add(key)
        out.append(
            Citation(
                outlet=m.get("outlet") or "unnamed outlet",
                published=fmt_date(m.get("published")) if m.get("published") else None,
                sentence=m["sentence"],
                url=m.get("url"),
                attributed_to=m.get("attributed_to"),
                hedges=list(m.get("hedges") or []),
            )
        )
        if len(out) >= limit:
            break
    return out


def key_event(ev: dict[str, Any], words: dict[str, str] | None = None) -> KeyEvent:
    return KeyEvent(
        event=ev,
        date=fmt_date(ev.get("event_date")),
        place=place_of(ev),
        summary=describe(ev, words),
        status=ev.get("claim_status") or "reported",
        citations=citations_of(ev),
    )


# -- numbers -> prose -------------------------------------------------------------------
def _period(events: list[dict[str, Any]], since: str | None, until: str | None) -> tuple[str, str | None, str | None]:
    dates = sorted(e["event_date"] for e in events if e.get("event_date"))
    first = since or (dates[0] if dates else None)
    last = until or (dates[-1] if dates else None)
    if first and last:
        return f"{fmt_date(first)} to {fmt_date(last)}", first, last
    if first:
        return f"from {fmt_date(first)}", first, last
    if last:
        return f"up to {fmt_date(last)}", first, last
    return "all dates", first, last


def _bins(first: str | None, last: str | None) -> str:
    if not first or not last:
        return "month"
    span = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days
    return "day" if span <= 31 else "week" if span <= 180 else "month"


def _bin_key(date: str, unit: str) -> str:
    d = dt.date.fromisoformat(date)
    if unit == "day":
        return d.isoformat()
    if unit == "week":
        return (d - dt.timedelta(days=d.weekday())).isoformat()
    return d.strftime("%Y-%m")


def _bin_label(key: str, unit: str) -> str:
    if unit == "month":
        d = dt.date.fromisoformat(key + "-01")
        return f"{d.strftime('%B')} {d.year}"
    if unit == "week":
        return f"the week of {fmt_date(key)}"
    return fmt_date(key)


def build(
    events: Iterable[dict[str, Any]],
    *,
    since: str | None = None,
    until: str | None = None,
    where: str | None = None,
    charts: bool = True,
    generated: str | None = None,
) -> Report:
    """A ``Report`` for ``events`` (already filtered to the period and area)."""
    evs = list(events)
    words = phrases()
    period, first, last = _period(evs, since, until)
    countries = Counter(e.get("country") or "an unresolved country" for e in evs)
    names = [c for c, _ in countries.most_common()]
    if where:
        area = where + (f" ({names[0]})" if len(names) == 1 else "")
    elif len(names) > 3:
        area = f"{', '.join(names[:3])} and {plural(len(names) - 3, 'other country', 'other countries')}"
    else:
        area = ", ".join(names) if names else "all areas"
    n = len(evs)
    deaths = sum(e.get("fatalities") or 0 for e in evs)
    deaths_hi = sum(max(e.get("fatalities_high") or 0, e.get("fatalities") or 0) for e in evs)
    civ = [e for e in evs if e.get("civilian_targeting")]
    civ_deaths = sum(e.get("fatalities") or 0 for e in civ)
    corroborated = [e for e in evs if (e.get("independent_source_count") or 0) >= 2]
    single = [e for e in evs if (e.get("source_count") or len(e.get("sources") or [])) <= 1]
    disputed = [e for e in evs if e.get("claim_status") == "disputed"]
    claimed = [e for e in evs if e.get("claim_status") == "claimed"]
    outlets = {m.get("outlet") for e in evs for m in e.get("mentions") or [] if m.get("outlet")}
    articles = {m.get("article_id") for e in evs for m in e.get("mentions") or [] if m.get("article_id")}
    provinces = Counter((e.get("admin1") or "unresolved", e.get("country") or "") for e in evs)
    n_prov = len([p for p in provinces if p[0] != "unresolved"])

    headline = [
        (f"{n:,}", "event" if n == 1 else "events"),
        (f"{deaths:,}", "fatalities (conservative)" + (f"; up to {deaths_hi:,} reported" if deaths_hi > deaths else "")),
        (f"{len(civ):,}", "event targeting civilians" if len(civ) == 1 else "events targeting civilians"),
        (f"{n_prov:,}", "province affected" if n_prov == 1 else "provinces affected"),
        (f"{len(corroborated):,}", "corroborated by 2+ independent sources"),
        (f"{len(disputed) + len(claimed):,}", "disputed or claimed by a party"),
    ]

    # by type
    type_rows = []
    by_type = defaultdict(list)
    for e in evs:
        by_type[e.get("event_type") or "Unknown"].append(e)
    for t, group in sorted(by_type.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        subs = Counter(e.get("sub_event_type") for e in group)
        type_rows.append(
            {
                "type": t,
                "events": len(group),
                "share": share(len(group), n),
                "fatalities": sum(e.get("fatalities") or 0 for e in group),
                "top_sub": ", ".join(f"{s} ({c})" for s, c in subs.most_common(3)),
            }
        )
    # by province
    prov_rows = []
    by_prov = defaultdict(list)
    for e in evs:
        by_prov[(e.get("admin1") or "unresolved", e.get("country") or "")].append(e)
    for (adm, country), group in sorted(by_prov.items(), key=lambda kv: (-len(kv[1]), -sum(e.get("fatalities") or 0 for e in kv[1]), kv[0])):
        t = Counter(e.get("event_type") for e in group).most_common(1)[0][0]
        prov_rows.append(
            {
                "admin1": adm,
                "country": country,
                "events": len(group),
                "fatalities": sum(e.get("fatalities") or 0 for e in group),
                "main_type": t,
                "locations": ", ".join(loc for loc, _ in Counter(e.get("location") for e in group if e.get("location")).most_common(3)),
            }
        )

    # prose
    summary: list[str] = []
    if n == 0:
        summary.append(f"No events were recorded for {area} in the period {period}.")
    else:
        scope = f"in {plural(len(countries), 'country', 'countries')}" if not where else f"in {where}"
        summary.append(
            f"Between {fmt_date(first)} and {fmt_date(last)}, frontlines recorded {plural(n, 'event')} {scope}, drawn from "
            f"{plural(len(articles), 'article')} by {plural(len(outlets), 'outlet')}. Reporting attributes "
            f"at least {plural(deaths, 'death')} to them"
            + (f" (the highest figures reported add up to {deaths_hi:,})" if deaths_hi > deaths else "")
            + "."
        )
        top_t = type_rows[0]
        line = f"{top_t['type']} made up the largest share of activity ({top_t['events']} events, {top_t['share']})"
        if len(type_rows) > 1:
            t2 = type_rows[1]
            line += f", followed by {t2['type'].lower() if t2['type'] not in TYPE_COLOURS else t2['type']} ({t2['events']})"
        deadliest_type = max(type_rows, key=lambda r: r["fatalities"])
        if deadliest_type["fatalities"]:
            line += f"; {deadliest_type['type']} accounted for {share(deadliest_type['fatalities'], deaths)} of the deaths"
        summary.append(line + ".")
        top_p = prov_rows[:3]
        pl = "; ".join(f"{p['admin1']} ({p['country']}): {plural(p['events'], 'event')}, {plural(p['fatalities'], 'death')}" for p in top_p)
        summary.append(f"Activity was concentrated in {pl}.")
        worst = sorted(evs, key=significance)[0]
        if worst.get("fatalities"):
            summary.append(f"The deadliest incident: {describe(worst, words)}")
        if civ:
            summary.append(
                f"Civilians were the target in {plural(len(civ), 'event')} ({share(len(civ), n)}), "
                f"which account for {plural(civ_deaths, 'death')} ({share(civ_deaths, deaths)} of the total)."
            )
        summary.append(
            f"Confidence is limited: {plural(len(single), 'event')} ({share(len(single), n)}) rest on a single source, "
            f"{len(corroborated)} {'is' if len(corroborated) == 1 else 'are'} corroborated by two or more independent sources, "
            f"{len(disputed)} {'is' if len(disputed) == 1 else 'are'} disputed and {len(claimed)} {'is a claim' if len(claimed) == 1 else 'are claims'} "
            f"by a party to the conflict or hedged in the reporting."
        )

    # timeline
    unit = _bins(first, last)
    per_bin: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for e in evs:
        if e.get("event_date"):
            k = _bin_key(e["event_date"], unit)
            per_bin[k][0] += 1
            per_bin[k][1] += e.get("fatalities") or 0
    undated = sum(1 for e in evs if not e.get("event_date"))
    if per_bin:
        peak = max(sorted(per_bin), key=lambda k: (per_bin[k][1], per_bin[k][0]))
        busiest = max(sorted(per_bin), key=lambda k: (per_bin[k][0], per_bin[k][1]))
        timeline_text = (
            f"Counted by {unit}, the deadliest period was {_bin_label(peak, unit)} "
            f"({plural(per_bin[peak][1], 'death')} in {plural(per_bin[peak][0], 'event')})"
        )
        if busiest != peak:
            timeline_text += f"; the most events came in {_bin_label(busiest, unit)} ({per_bin[busiest][0]})"
        keys = sorted(per_bin)
        if len(keys) >= 4:
            half = len(keys) // 2
            a = sum(per_bin[k][0] for k in keys[:half])
            b = sum(per_bin[k][0] for k in keys[half:])
            trend = "rose" if b > a * 1.25 else "fell" if b < a * 0.8 else "held roughly steady"
            timeline_text += f". Event counts {trend} between the first and second half of the period ({a} vs {b})"
        timeline_text += "."
        if undated:
            timeline_text += f" {plural(undated, 'event')} could not be dated and are not charted."
    else:
        timeline_text = "No dated events to chart."

    # sourcing section
    dis_sorted = sorted(disputed + claimed, key=significance)
    single_only = [e for e in sorted(single, key=significance) if e.get("claim_status") not in ("disputed", "claimed")]
    disputed_text = (
        f"{plural(len(disputed), 'event')} {'is' if len(disputed) == 1 else 'are'} disputed (sources contradict each other "
        f"or the reporting doubts it) and {plural(len(claimed), 'event')} {'rests' if len(claimed) == 1 else 'rest'} on a claim "
        f"by a party to the conflict or on hedged wording. A further {plural(len(single_only), 'event')} "
        f"{'is' if len(single_only) == 1 else 'are'} reported plainly but by one source only; treat them as leads to verify."
    )

    method = [
        "Events are extracted automatically from news reporting and coded to ACLED's event types; "
        "each statement above traces back to the sentences quoted as evidence.",
        "Fatalities follow ACLED's conservative practice: the lowest credible figure, with the reported range kept alongside.",
        f"Generated by frontlines from {plural(len(articles), 'article')}; dates are event dates, not publication dates.",
    ]

    rep = Report(
        title=f"Situation report: {area}",
        period=period,
        area=area,
        generated=generated or dt.date.today().isoformat(),
        headline=headline,
        summary=summary,
        by_type=type_rows,
        by_province=prov_rows,
        timeline_text=timeline_text,
        key_events=[key_event(e, words) for e in sorted(evs, key=significance)[:KEY_EVENTS]],
        disputed_text=disputed_text,
        disputed=[key_event(e, words) for e in dis_sorted],
        single_source=[key_event(e, words) for e in single_only[:SINGLE_SOURCE_LISTED]],
        single_source_more=max(0, len(single_only) - SINGLE_SOURCE_LISTED),
        method=method,
        n_events=n,
    )
    if charts and evs:
        render_charts(rep, evs, per_bin, unit)
    return rep


# -- images -----------------------------------------------------------------------------
def _figure(w: float, h: float):
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise MissingExtra("the report's charts need matplotlib", hint="pip install 'frontlines[report]'") from exc
    return Figure(figsize=(w, h), dpi=110, layout="constrained")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def render_charts(rep: Report, evs: list[dict[str, Any]], per_bin: dict[str, list[int]], unit: str) -> None:
    """Bar charts by type and province, fatalities over time, and the map (Agg, offline)."""
    # by type
    fig = _figure(7, 0.45 * len(rep.by_type) + 1.0)
    ax = fig.add_subplot()
    rows = list(reversed(rep.by_type))
    ax.barh([r["type"] for r in rows], [r["events"] for r in rows], color=[TYPE_COLOURS.get(r["type"], "#555") for r in rows])
    for i, r in enumerate(rows):
        ax.text(r["events"], i, f" {r['events']} ({r['fatalities']} killed)", va="center", fontsize=8)
    ax.set_xlabel("events")
    ax.set_xlim(0, max(r["events"] for r in rows) * 1.45)
    ax.spines[["top", "right"]].set_visible(False)
    rep.charts["by_type"] = Chart(
        "by_type", "Events by type", _png(fig),
        "Events by type: " + "; ".join(f"{r['type']} {r['events']}" for r in rep.by_type),
    )  # fmt: skip

    # by province (top 12)
    prov = rep.by_province[:12]
    fig = _figure(7, 0.38 * len(prov) + 1.0)
    ax = fig.add_subplot()
    labels = [f"{p['admin1']} ({p['country']})" for p in reversed(prov)]
    ax.barh(labels, [p["events"] for p in reversed(prov)], color="#34495e")
    ax.barh(labels, [0] * len(prov))
    for i, p in enumerate(reversed(prov)):
        ax.text(p["events"], i, f" {p['fatalities']} killed", va="center", fontsize=8)
    ax.set_xlabel("events")
    ax.set_xlim(0, max(p["events"] for p in prov) * 1.35)
    ax.spines[["top", "right"]].set_visible(False)
    rep.charts["by_province"] = Chart(
        "by_province", "Events by province", _png(fig),
        "Events by province: " + "; ".join(f"{p['admin1']} {p['events']}" for p in prov),
    )  # fmt: skip

    # over time
    if per_bin:
        keys = _all_bins(sorted(per_bin), unit)
        xs = [dt.date.fromisoformat(k + "-01" if unit == "month" else k) for k in keys]
        deaths = [per_bin.get(k, [0, 0])[1] for k in keys]
        counts = [per_bin.get(k, [0, 0])[0] for k in keys]
        fig = _figure(7.5, 3.0)
        ax = fig.add_subplot()
        width = {"day": 0.8, "week": 5.5, "month": 24}[unit]
        ax.bar(xs, deaths, width=width, color="#c0392b", label="fatalities")
        ax.set_ylabel("fatalities")
        ax2 = ax.twinx()
        ax2.plot(xs, counts, color="#2c3e50", marker="o", markersize=3, linewidth=1.2, label="events")
        ax2.set_ylabel("events")
        ax2.set_ylim(0, max(counts) * 1.3 + 1)
        ax.set_title(f"Fatalities (bars) and events (line) per {unit}", fontsize=9)
        fig.autofmt_xdate()
        rep.charts["timeline"] = Chart(
            "timeline", "Fatalities over time", _png(fig),
            f"Fatalities and events per {unit}: " + "; ".join(f"{k} {c} events {d} killed" for k, c, d in zip(keys, counts, deaths) if c),
        )  # fmt: skip

    chart = render_map(evs)
    if chart is not None:
        rep.charts["map"], rep.map_note = chart
    else:
        rep.map_note = "No event has coordinates, so there is nothing to map."


def _all_bins(keys: list[str], unit: str) -> list[str]:
    """Every bin from the first to the last, so quiet periods show as gaps, not vanish."""
    if len(keys) < 2:
        return keys
    out, cur = [], keys[0]
    last = keys[-1]
    while cur <= last and len(out) < 2000:
        out.append(cur)
        if unit == "month":
            y, m = int(cur[:4]), int(cur[5:7])
            cur = f"{y + (m == 12)}-{(m % 12) + 1:02d}"
        else:
            cur = (dt.date.fromisoformat(cur) + dt.timedelta(days=7 if unit == "week" else 1)).isoformat()
    return out


def basemap() -> dict[str, Any] | None:
    """Country, coast and admin-1 outlines shipped with frontlines (Natural Earth, public
    domain; built by ``frontlines.web.build_basemap``), or None if this install lacks them."""
    path = resources.files("frontlines") / "web" / "static" / "basemap.geojson"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, OSError, ValueError):
        return None


def _lines(geom: dict[str, Any]) -> list[list[list[float]]]:
    t, c = geom.get("type"), geom.get("coordinates")
    if t == "LineString":
        return [c]
    if t == "MultiLineString":
        return c
    if t == "Polygon":
        return c
    if t == "MultiPolygon":
        return [ring for poly in c for ring in poly]
    return []


# basemap layer -> (colour, line width, line style); land is a fill
MAP_STYLE = {
    "land": ("#f4f1ea", 0, "-"),
    "coast": ("#6b8299", 0.6, "-"),
    "admin1": ("#8a8a8a", 0.5, "--"),
    "country": ("#333333", 1.0, "-"),
}


def _rings(bm: dict[str, Any]) -> list[tuple[str, tuple[float, float, float, float], list]]:
    """Every ring or line of the basemap with its bounding box, for a quick clip per panel."""
    out = []
    for f in bm.get("features", []):
        layer = (f.get("properties") or {}).get("layer")
        if layer not in MAP_STYLE:
            continue
        for ring in _lines(f.get("geometry") or {}):
            if len(ring) < 2:
                continue
            xs = [p[0] for p in ring]
            ys = [p[1] for p in ring]
            out.append((layer, (min(xs), min(ys), max(xs), max(ys)), ring))
    return out


def _extent(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(lons), max(lons), min(lats), max(lats)
    pad = max(0.8, 0.2 * max(x1 - x0, y1 - y0))
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    # at least 4 degrees across so a single town still shows its province around it
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = max(x1 - x0, (y1 - y0) * 1.3, 4.0) / 2
    return cx - half, cx + half, cy - half / 1.3, cy + half / 1.3


def render_map(evs: list[dict[str, Any]]) -> tuple[Chart, str] | None:
    """Static map: one panel per country (those with most events), admin-1 outlines from the
    bundled Natural Earth basemap, events as dots coloured by type and sized by deaths."""
    located = [e for e in evs if e.get("latitude") is not None and e.get("longitude") is not None]
    if not located:
        return None
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in located:
        by_country[e.get("country") or "unresolved"].append(e)
    panels = sorted(by_country.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:MAP_PANELS]
    left_out = sum(len(g) for _, g in sorted(by_country.items(), key=lambda kv: (-len(kv[1]), kv[0]))[MAP_PANELS:])
    bm = basemap()
    rings = _rings(bm) if bm else []
    fig = _figure(min(11.0, 5.0 * len(panels)), 5.0)
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.lines import Line2D

    for i, (country, group) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), i + 1)
        x0, x1, y0, y1 = _extent([(e["longitude"], e["latitude"]) for e in group])
        ax.set_facecolor("#dbe9f4" if bm else "white")
        for layer, (colour, width, ls) in MAP_STYLE.items():
            seen = [r for lay, (bx0, by0, bx1, by1), r in rings if lay == layer and bx1 >= x0 and bx0 <= x1 and by1 >= y0 and by0 <= y1]
            if not seen:
                continue
            if layer == "land":
                ax.add_collection(PolyCollection(seen, facecolors=colour, edgecolors="none", zorder=1))
            else:
                ax.add_collection(LineCollection(seen, colors=colour, linewidths=width, linestyles=ls, zorder=2))
        sizes = [18 + 14 * math.sqrt(e.get("fatalities") or 0) for e in group]
        colours = [TYPE_COLOURS.get(e.get("event_type"), "#555") for e in group]
        ax.scatter([e["longitude"] for e in group], [e["latitude"] for e in group], s=sizes, c=colours, alpha=0.75, edgecolors="white", linewidths=0.6, zorder=4)
        for loc, (lon, lat) in _top_places(group, 5):
            ax.annotate(loc, (lon, lat), xytext=(4, 4), textcoords="offset points", fontsize=7, zorder=5, color="#222")
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(1 / max(0.2, math.cos(math.radians((y0 + y1) / 2))))
        ax.set_title(f"{country}: {plural(len(group), 'event')}", fontsize=9)
        ax.tick_params(labelsize=7)
    types = sorted({e.get("event_type") for e in located if e.get("event_type") in TYPE_COLOURS}, key=list(TYPE_COLOURS).index)
    handles = [Line2D([], [], marker="o", linestyle="", color=TYPE_COLOURS[t], label=t) for t in types]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(3, len(handles)) or 1, fontsize=7, frameon=False)
    note = "Dots are events, coloured by type and sized by fatalities; dashed lines are province (admin-1) boundaries."
    if bm is None:
        note += " (No basemap is installed with this copy of frontlines, so outlines are not drawn.)"
    else:
        note += " Outlines: Natural Earth (public domain)."
    if left_out:
        note += f" {plural(left_out, 'event')} in other countries are not shown."
    missing = len(evs) - len(located)
    if missing:
        note += f" {plural(missing, 'event')} without coordinates are not shown."
    alt = "Map of events: " + "; ".join(f"{c} {len(g)}" for c, g in panels)
    return Chart("map", "Where events happened", _png(fig), alt), note


def _top_places(group: list[dict[str, Any]], k: int) -> list[tuple[str, tuple[float, float]]]:
    counts = Counter(e.get("location") for e in group if e.get("location"))
    where = {e.get("location"): (e["longitude"], e["latitude"]) for e in group}
    return [(loc, where[loc]) for loc, _ in counts.most_common(k)]


# -- output -----------------------------------------------------------------------------
def _env(markdown: bool):
    try:
        import jinja2
    except ImportError as exc:
        raise MissingExtra("the report needs jinja2", hint="pip install 'frontlines[report]'") from exc
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("frontlines", "templates"),
        autoescape=not markdown,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env


def md_escape(value: Any) -> str:
    """Text safe in Markdown: HTML special characters become entities (a renderer that
    passes HTML through must not run an article's <script>) and Markdown syntax is escaped."""
    s = "" if value is None else str(value)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_[]|#":
        s = s.replace(ch, "\\" + ch)
    return " ".join(s.split())


def render_html(rep: Report) -> str:
    return _env(False).get_template("report.html.j2").render(r=rep)


def render_markdown(rep: Report, images: dict[str, str] | None = None) -> str:
    """Markdown; ``images`` maps chart name to the relative path it was written to."""
    return _env(True).get_template("report.md.j2").render(r=rep, images=images or {})


def write(rep: Report, path: str | os.PathLike) -> Path:
    """Write the report to ``path``: .html (self-contained) or .md (charts as PNG files in
    a sibling ``<name>_files/`` folder). Returns the path written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.parent.is_dir():
        raise ReportError(f"no folder {str(path.parent)!r} to write {path.name} in", hint="create the folder first, or give another -o")
    if suffix in (".html", ".htm"):
        path.write_text(render_html(rep), encoding="utf-8")
    elif suffix in (".md", ".markdown"):
        images = {}
        if rep.charts:
            folder = path.with_name(path.stem + "_files")
            folder.mkdir(parents=True, exist_ok=True)
            for name, chart in rep.charts.items():
                (folder / f"{name}.png").write_bytes(chart.png)
                images[name] = f"{folder.name}/{name}.png"
        path.write_text(render_markdown(rep, images), encoding="utf-8")
    else:
        raise ReportError(f"cannot tell the report format from {path.name!r}", hint="name the output FILE.html or FILE.md")
    return path


def report_from_store(db: str | os.PathLike, *, since: str | None = None, until: str | None = None, where: str | None = None) -> Report:
    """Read the period and area from the ledger at ``db`` and build its report."""
    from .filters import Filter
    from .store import Store

    with Store(db) as store:
        # dates as YYYY-MM-DD, YYYY-MM or YYYY; an admin1 the ledger lacks is an error
        flt = Filter.for_store(store, since=since, until=until, where=where)
        events = list(flt.events(store))
    return build(events, since=flt.since, until=flt.until, where=flt.admin1)
