// frontlines map page: filters drive the map, the timeline and the table together; an event
// opens its evidence. Every piece of text from the ledger goes through textContent (never
// innerHTML), so a scraped page that contains <script> shows as text.
"use strict";

(function () {
  const TYPE_COLORS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#2ca02c",
    "Riots": "#8c564b",
    "Strategic developments": "#1f77b4",
  };
  const PAGE = 50;
  const MAP_LIMIT = 50000;
  const state = { sort: "-event_date", offset: 0, selected: null, facets: null, generation: 0, asked: {} };
  const $ = (id) => document.getElementById(id);

  // -- small DOM helpers -------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  const svgEl = (tag, attrs) => {
    const n = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
    return n;
  };
  const color = (type) => TYPE_COLORS[type] || "#555";
  // An article's URL as a link only when it is http(s): a scraped page may give any
  // scheme, and a javascript: or data: link would run or show what the page chose.
  function safeHref(url) {
    if (typeof url !== "string" || !url) return null;
    try {
      const u = new URL(url, window.location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }
  const markerSize = (deaths) => Math.round(Math.min(42, 11 + 4 * Math.sqrt(deaths || 0)));

  // The API's reason for refusing a request (a 422 names the parameter), as one line.
  async function reason(r) {
    try {
      const body = await r.json();
      if (Array.isArray(body.detail)) return body.detail.map((d) => d.msg).join("; ");
      if (typeof body.detail === "string") return body.detail;
    } catch (e) { /* not JSON */ }
    return `${r.status} ${r.statusText}`;
  }

  function showProblem(text) {
    const box = $("problem");
    box.textContent = text || "";
    box.hidden = !text;
  }

  async function getJSON(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    if (!r.ok) {
      const why = await reason(r);
      showProblem(why);
      throw new Error(`${url}: ${why}`);
    }
    return r.json();
  }

  // The answer to the latest request of a kind, or null when a newer one was asked since:
  // answers can arrive out of order, and an older one must not be drawn over a newer one
  // (a table sorted one way under a header that says the other).
  async function latestJSON(kind, url) {
    const asked = (state.asked[kind] = (state.asked[kind] || 0) + 1);
    const data = await getJSON(url);
    return asked === state.asked[kind] ? data : null;
  }

  // -- filters -------------------------------------------------------------------------
  function filterParams({ withDates = true, withBbox = true } = {}) {
    const p = new URLSearchParams();
    const add = (name, value) => { if (value !== "" && value !== null && value !== undefined) p.append(name, value); };
    if (withDates) { add("since", $("f-since").value); add("until", $("f-until").value); }
    add("event_type", $("f-type").value);
    add("sub_event_type", $("f-subtype").value);
    add("admin1", $("f-admin1").value);
    add("actor", $("f-actor").value.trim());
    add("claim_status", $("f-claim").value);
    add("min_fatalities", $("f-minfat").value);
    add("q", $("f-q").value.trim());
    if (withBbox && $("f-bbox").checked && state.map) {
      const b = state.map.getBounds();
      const lon = (x) => Math.max(-180, Math.min(180, x)).toFixed(4), lat = (y) => Math.max(-90, Math.min(90, y)).toFixed(4);
      add("bbox", [lon(b.getWest()), lat(b.getSouth()), lon(b.getEast()), lat(b.getNorth())].join(","));
    }
    return p;
  }

  function fillSelect(select, values, label) {
    const keep = select.value;
    select.replaceChildren(el("option", { value: "" }, label));
    for (const v of values) select.append(el("option", { value: v }, v));
    if (values.includes(keep)) select.value = keep;
  }

  function fillSubtypes() {
    const type = $("f-type").value;
    const subs = state.facets.sub_event_types.filter((s) => !type || s.event_type === type).map((s) => s.sub_event_type);
    fillSelect($("f-subtype"), [...new Set(subs)], "all sub-types");
  }

  // -- map -----------------------------------------------------------------------------
  function initMap(config) {
    const map = L.map("map", { preferCanvas: false, worldCopyJump: true, minZoom: 2, maxZoom: 14 }).setView([34.8, 38.5], 6);
    state.map = map;
    map.createPane("basemap").style.zIndex = 250;
    const offline = L.layerGroup();
    const layers = { "Offline outlines": offline };
    fetch("/static/basemap.geojson").then((r) => r.json()).then((gj) => {
      const style = (f) => ({
        land: { pane: "basemap", color: "#b9b3a3", weight: 0.5, fillColor: "#f1eee4", fillOpacity: 1 },
        coast: { pane: "basemap", color: "#7f98a8", weight: 0.8, fill: false },
        country: { pane: "basemap", color: "#4a4a4a", weight: 1.3, fill: false },
        admin1: { pane: "basemap", color: "#8a8a8a", weight: 0.6, dashArray: "3 3", fill: false },
      }[f.properties.layer]);
      offline.addLayer(L.geoJSON(gj, { style, interactive: false }));
      $("map").dataset.basemap = "loaded";
    });
    if (config.tiles) {
      const online = L.tileLayer(config.tiles, { attribution: config.tiles_attribution || "", maxZoom: 18 });
      layers["Online tiles"] = online;
      online.addTo(map);
    } else {
      offline.addTo(map);
    }
    map.attributionControl.addAttribution("Outlines: Natural Earth");
    L.control.layers(layers, null, { collapsed: true }).addTo(map);
    const legend = L.control({ position: "bottomleft" });
    legend.onAdd = () => el("div", { class: "legend" },
      Object.entries(TYPE_COLORS).map(([t, c]) => {
        const sw = el("span", { class: "swatch" });
        sw.style.background = c;
        return el("div", {}, sw, t);
      }),
      el("div", {}, "size: deaths"));
    legend.addTo(map);
    state.cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: true });
    map.addLayer(state.cluster);
    state.markers = new Map();
    map.on("moveend", () => { if ($("f-bbox").checked) refresh({ map: false }); });
  }

  async function loadMap(fit) {
    const p = filterParams({ withBbox: false });
    p.set("compact", "true");
    p.set("limit", MAP_LIMIT);
    const gj = await latestJSON("map", `/api/events.geojson?${p}`);
    if (!gj) return;
    state.cluster.clearLayers();
    state.markers.clear();
    const markers = [];
    for (const f of gj.features) {
      if (!f.geometry) continue;
      const [lon, lat] = f.geometry.coordinates;
      const pr = f.properties;
      const size = markerSize(pr.fatalities);
      const icon = L.divIcon({ className: "ev-marker", iconSize: [size, size], html: "" });
      const m = L.marker([lat, lon], { icon, keyboard: false, title: "" });
      m.on("add", () => { const e = m.getElement(); if (e) { e.style.background = color(pr.event_type); e.dataset.eventId = pr.event_id; } });
      m.bindTooltip(el("span", {}, el("b", {}, pr.sub_event_type), ` · ${pr.location || "?"} · ${pr.event_date || "undated"} · ${pr.fatalities} killed`));
      m.on("click", () => showEvent(pr.event_id));
      state.markers.set(pr.event_id, m);
      markers.push(m);
    }
    state.cluster.addLayers(markers);
    $("map").dataset.markers = String(markers.length);
    if (fit && markers.length) state.map.fitBounds(L.latLngBounds(markers.map((m) => m.getLatLng())).pad(0.15), { maxZoom: 9 });
  }

  // -- timeline (histogram with a brush) ----------------------------------------------
  const DAY = 86400000;
  const toDay = (s) => Date.parse(`${s}T00:00:00Z`);
  const fromDay = (t) => new Date(t).toISOString().slice(0, 10);

  async function loadTimeline() {
    const p = filterParams({ withDates: false });
    const s = await latestJSON("timeline", `/api/summary?${p}`);
    if (!s) return;
    state.summary = s;
    drawTimeline();
  }

  function bucketDays(bucket) { return bucket === "day" ? 1 : bucket === "week" ? 7 : 31; }

  function drawTimeline() {
    const svg = $("timeline");
    const s = state.summary;
    svg.replaceChildren();
    const W = svg.clientWidth || 600, H = svg.clientHeight || 96, padB = 14, padL = 4, padR = 4;
    const since = $("f-since").value, until = $("f-until").value;
    let total = 0, selected = 0;
    if (!s || !s.by_date.length) {
      svg.dataset.total = "0"; svg.dataset.selected = "0"; svg.dataset.bars = "0";
      svg.append(Object.assign(svgEl("text", { x: 8, y: 40, class: "axis" }), { textContent: "no dated events" }));
      $("timeline-label").textContent = "Events over time";
      return;
    }
    const step = bucketDays(s.bucket) * DAY;
    const t0 = toDay(s.by_date[0].date), t1 = toDay(s.by_date[s.by_date.length - 1].date) + step;
    const x = (t) => padL + ((t - t0) / (t1 - t0)) * (W - padL - padR);
    state.timeScale = { t0, t1, W, padL, padR, step };
    const max = Math.max(...s.by_date.map((d) => d.events));
    for (const d of s.by_date) {
      const t = toDay(d.date);
      const end = fromDay(t + step - DAY);
      const inside = (!since || end >= since) && (!until || d.date <= until);
      total += d.events;
      if (inside) selected += d.events;
      const h = Math.max(1, (d.events / max) * (H - padB - 4));
      const bar = svgEl("rect", { x: x(t), y: H - padB - h, width: Math.max(1.5, x(t + step) - x(t) - 1), height: h, class: inside && (since || until) ? "bar in" : "bar" });
      const title = svgEl("title", {});
      title.textContent = `${d.date}: ${d.events} events, ${d.fatalities} killed`;
      bar.append(title);
      svg.append(bar);
    }
    const axis = (t, anchor) => { const n = svgEl("text", { x: x(t), y: H - 2, class: "axis", "text-anchor": anchor }); n.textContent = fromDay(t); svg.append(n); };
    axis(t0, "start"); axis(t1 - DAY, "end");
    if (since || until) {
      const a = since ? Math.max(t0, toDay(since)) : t0, b = until ? Math.min(t1, toDay(until) + DAY) : t1;
      svg.append(svgEl("rect", { x: x(a), y: 0, width: Math.max(1, x(b) - x(a)), height: H - padB, class: "brush" }));
    }
    svg.dataset.total = String(total);
    svg.dataset.selected = String(since || until ? selected : total);
    svg.dataset.bars = String(s.by_date.length);
    $("timeline-label").textContent = since || until
      ? `Events over time — ${selected} of ${total} between ${since || "start"} and ${until || "end"}`
      : `Events over time — ${total} events, ${s.fatalities} killed (per ${s.bucket})`;
  }

  function initBrush() {
    const svg = $("timeline");
    let start = null, rect = null;
    const toTime = (clientX) => {
      const r = svg.getBoundingClientRect(), sc = state.timeScale;
      const frac = Math.min(1, Math.max(0, (clientX - r.left - sc.padL) / (r.width - sc.padL - sc.padR)));
      return sc.t0 + frac * (sc.t1 - sc.t0);
    };
    svg.addEventListener("pointerdown", (e) => {
      if (!state.timeScale) return;
      start = e.clientX;
      svg.setPointerCapture(e.pointerId);
      rect = svgEl("rect", { x: start - svg.getBoundingClientRect().left, y: 0, width: 1, height: svg.clientHeight - 14, class: "brush" });
      svg.append(rect);
    });
    svg.addEventListener("pointermove", (e) => {
      if (start === null) return;
      const left = svg.getBoundingClientRect().left;
      rect.setAttribute("x", Math.min(start, e.clientX) - left);
      rect.setAttribute("width", Math.max(1, Math.abs(e.clientX - start)));
    });
    svg.addEventListener("pointerup", (e) => {
      if (start === null) return;
      const a = toTime(Math.min(start, e.clientX)), b = toTime(Math.max(start, e.clientX));
      start = null;
      if (Math.abs(b - a) < DAY / 2) { rect.remove(); rect = null; return; } // a click, not a drag
      $("f-since").value = fromDay(Math.floor(a / DAY) * DAY);
      $("f-until").value = fromDay(Math.floor((b - 1) / DAY) * DAY);
      refresh({ fit: false });
    });
    svg.addEventListener("dblclick", () => { $("f-since").value = ""; $("f-until").value = ""; refresh({ fit: false }); });
  }

  // -- table ---------------------------------------------------------------------------
  async function loadTable() {
    const p = filterParams();
    p.set("sort", state.sort);
    p.set("limit", PAGE);
    p.set("offset", state.offset);
    const page = await latestJSON("table", `/api/events?${p}`);
    if (!page) return;
    const body = $("events").tBodies[0];
    body.replaceChildren(...page.events.map((ev) => {
      const sw = el("span", { class: "swatch" });
      sw.style.background = color(ev.event_type);
      return el("tr", { dataset: { eventId: ev.event_id }, class: ev.event_id === state.selected ? "selected" : null, onclick: () => showEvent(ev.event_id) },
        el("td", {}, ev.event_date || "—"), el("td", {}, sw, ev.event_type), el("td", {}, ev.sub_event_type),
        el("td", {}, ev.actor1 || ""), el("td", {}, ev.actor2 || ""), el("td", {}, ev.location || ""),
        el("td", {}, ev.admin1 || ""), el("td", { class: "num" }, ev.fatalities),
        el("td", {}, el("span", { class: `claim ${ev.claim_status}` }, ev.claim_status)), el("td", { class: "num" }, ev.source_count));
    }));
    const tbl = $("events");
    tbl.dataset.total = String(page.total);
    const first = page.total ? page.offset + 1 : 0;
    $("table-count").textContent = `${first}–${page.offset + page.events.length} of ${page.total} events`;
    $("prev").disabled = page.offset === 0;
    $("next").disabled = page.offset + page.events.length >= page.total;
    for (const th of tbl.tHead.rows[0].cells) {
      th.classList.remove("asc", "desc");
      if (state.sort === th.dataset.sort) th.classList.add("asc");
      if (state.sort === `-${th.dataset.sort}`) th.classList.add("desc");
    }
    const dl = filterParams();
    $("dl-csv").href = `/api/events.csv?${dl}`;
    dl.set("download", "true");
    $("dl-geojson").href = `/api/events.geojson?${dl}`;
  }

  // -- event panel ---------------------------------------------------------------------
  // The sentence as text nodes, with each field's matched text inside <mark>.
  function highlighted(sentence, fields) {
    const spans = [];
    const lower = sentence.toLowerCase();
    for (const [field, text] of Object.entries(fields || {})) {
      if (typeof text !== "string" || text.length < 2) continue;
      const at = lower.indexOf(text.toLowerCase());
      if (at >= 0) spans.push({ start: at, end: at + text.length, field });
    }
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    const out = [];
    let pos = 0;
    for (const s of spans) {
      if (s.start < pos) continue; // overlaps an earlier mark
      if (s.start > pos) out.push(document.createTextNode(sentence.slice(pos, s.start)));
      out.push(el("mark", { dataset: { field: s.field }, title: s.field }, sentence.slice(s.start, s.end)));
      pos = s.end;
    }
    if (pos < sentence.length) out.push(document.createTextNode(sentence.slice(pos)));
    return out;
  }

  function historyLine(h) {
    const show = (v) => (v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
    // kind: correction / retraction / unretraction (an analyst's edit, with its note); none: stage 7
    const who = h.kind ? ` [${h.kind}${h.kind !== "correction" && h.article_id ? ` of article ${h.article_id}` : ""}${h.note ? `: ${h.note}` : ""}]` : "";
    if (h.field) return `${(h.changed_at || "").slice(0, 10)} ${h.field}: ${show(h.old_value)} → ${show(h.new_value)}${who}`;
    return Object.entries(h).filter(([k]) => k !== "event_id").map(([k, v]) => `${k}: ${show(v)}`).join(" · ");
  }

  async function showEvent(id) {
    state.selected = id;
    for (const tr of $("events").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.eventId === id);
    for (const [eid, m] of state.markers) { const e = m.getElement(); if (e) e.classList.toggle("sel", eid === id); }
    const ev = await getJSON(`/api/events/${encodeURIComponent(id)}`);
    if (state.selected !== id) return;
    const panel = $("panel");
    const dd = (label, ...value) => [el("dt", {}, label), el("dd", {}, ...value)];
    const actors = (a, assoc) => [a || "—", assoc ? ` (with ${assoc})` : ""];
    const range = ev.fatalities_high > ev.fatalities_low ? ` (reports ${ev.fatalities_low}–${ev.fatalities_high})` : "";
    const articleTitle = Object.fromEntries((ev.articles || []).map((a) => [a.article_id, a.title]));
    panel.replaceChildren(
      el("h2", { id: "event-title" }, `${ev.sub_event_type} — ${ev.location || "unknown place"}`),
      el("div", {}, el("span", { class: `claim ${ev.claim_status}`, id: "event-claim" }, ev.claim_status), " ", ev.event_type),
      el("dl", {},
        dd("Date", ev.event_date || "unknown", ev.time_precision > 1 ? ` (precision ${ev.time_precision})` : ""),
        dd("Place", [ev.location, ev.admin2, ev.admin1, ev.country].filter(Boolean).join(", "), ev.geo_precision ? ` · precision ${ev.geo_precision}` : ""),
        dd("Actor 1", ...actors(ev.actor1, ev.assoc_actor_1)),
        dd("Actor 2", ...actors(ev.actor2, ev.assoc_actor_2)),
        dd("Deaths", `${ev.fatalities}${range}`),
        dd("Sources", `${ev.source_count} (${ev.independent_source_count} independent): ${(ev.sources || []).join(", ")}`),
        dd("Event id", ev.event_id)),
      el("p", { class: "notes" }, ev.notes || ""),
      el("h3", {}, `Why “${ev.claim_status}”`),
      el("ul", { id: "claim-reasons" }, (ev.claim_reasons || []).map((r) => el("li", {}, r))),
      el("h3", {}, `Evidence (${ev.mentions.length})`),
      el("div", { id: "evidence" }, ev.mentions.map((m) => el("div", { class: "mention" },
        el("div", { class: "src" }, el("b", {}, m.outlet || "unknown outlet"), m.published ? `, ${m.published}` : "",
          m.attributed_to ? ` · attributed to ${m.attributed_to}` : "", (m.hedges || []).length ? ` · hedged: ${m.hedges.join(", ")}` : ""),
        el("div", { class: "sentence" }, highlighted(m.sentence || "", m.fields)),
        el("div", { class: "fields" }, Object.entries(m.fields || {}).map(([k, v]) => `${k}: ${v}`).join(" · ")),
        m.article_id ? el("button", { type: "button", class: "open-article", onclick: () => showArticle(m.article_id, m.char_start, m.char_end) },
          `Read the article${articleTitle[m.article_id] ? ` “${articleTitle[m.article_id]}”` : ""}`) : null,
        safeHref(m.url) ? el("a", { class: "original", href: safeHref(m.url), target: "_blank", rel: "noopener noreferrer" }, " original")
          : m.url ? el("span", { class: "original url" }, ` ${m.url}`) : null))),
      ...(ev.corrections && ev.corrections.length ? [el("h3", {}, "Analyst corrections"), el("ul", { id: "corrections" }, ev.corrections.filter((c) => !(c.implied_by && c.field === "notes")).map((c) => el("li", {},
        `${c.field}: ${c.value ?? "—"} (computed ${c.computed ?? "—"})${c.implied_by ? " — follows a corrected field" : c.note ? ` — ${c.note}` : ""} · ${(c.at || "").slice(0, 10)}`)))] : []),
      ...(ev.history && ev.history.length ? [el("h3", {}, "History"), el("ul", { id: "history" }, ev.history.map((h) => el("li", {}, historyLine(h))))] : []),
    );
    panel.dataset.eventId = id;
  }

  async function showArticle(id, start, end) {
    const a = await getJSON(`/api/articles/${encodeURIComponent(id)}`);
    $("article-title").textContent = a.title || a.path || a.article_id;
    $("article-meta").textContent = [a.outlet, a.published, a.path || a.url].filter(Boolean).join(" · ");
    const text = a.text || "";
    const box = $("article-text");
    if (Number.isInteger(start) && Number.isInteger(end) && end > start && end <= text.length) {
      const mark = el("mark", { id: "article-evidence" }, text.slice(start, end));
      box.replaceChildren(document.createTextNode(text.slice(0, start)), mark, document.createTextNode(text.slice(end)));
      $("article-view").hidden = false;
      mark.scrollIntoView({ block: "center" });
    } else {
      box.textContent = text;
      $("article-view").hidden = false;
    }
  }

  // -- wiring ----------------------------------------------------------------------------
  async function refresh({ map = true, fit = false } = {}) {
    const gen = ++state.generation;
    document.body.dataset.loading = "true";
    state.offset = 0;
    showProblem("");
    try {
      await Promise.all([map ? loadMap(fit) : null, loadTable(), loadTimeline()]);
    } catch (e) {
      console.warn(e); // the API's reason is on the page (#problem)
    } finally {
      if (gen === state.generation) {
        document.body.dataset.loading = "false";
        document.body.dataset.refreshes = String(gen);
      }
    }
  }

  async function init() {
    const [config, facets] = await Promise.all([getJSON("/api/config"), getJSON("/api/facets")]);
    state.facets = facets;
    fillSelect($("f-type"), facets.event_types, "all types");
    fillSubtypes();
    fillSelect($("f-admin1"), facets.admin1, "all provinces");
    fillSelect($("f-claim"), facets.claim_statuses, "any claim");
    $("actors").replaceChildren(...facets.actors.map((a) => el("option", { value: a })));
    initMap(config);
    initBrush();
    const form = $("filters");
    let typing = null;
    form.addEventListener("change", (e) => {
      if (e.target.id === "f-type") fillSubtypes();
      if (e.target.id !== "f-q" && e.target.id !== "f-actor") refresh();
    });
    for (const id of ["f-q", "f-actor"]) {
      $(id).addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => refresh(), 300); });
    }
    form.addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
    form.addEventListener("reset", () => setTimeout(() => { fillSubtypes(); refresh(); }, 0));
    for (const th of $("events").tHead.rows[0].cells) {
      th.addEventListener("click", () => {
        const key = th.dataset.sort;
        state.sort = state.sort === key ? `-${key}` : key;
        state.offset = 0;
        loadTable();
      });
    }
    $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadTable(); });
    $("next").addEventListener("click", () => { state.offset += PAGE; loadTable(); });
    $("article-close").addEventListener("click", () => { $("article-view").hidden = true; });
    $("article-view").addEventListener("click", (e) => { if (e.target === $("article-view")) $("article-view").hidden = true; });
    document.addEventListener("keydown", (e) => { if (e.key === "Escape") $("article-view").hidden = true; });
    window.addEventListener("resize", () => drawTimeline());
    await refresh({ fit: true });
    document.body.dataset.ready = "true";
  }

  window.frontlines = { state, refresh, showEvent };
  document.addEventListener("DOMContentLoaded", () => { init().catch((e) => { document.body.dataset.error = String(e); console.error(e); }); });
})();
