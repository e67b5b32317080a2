// Talent flows (#/talent/{code}?peers=JPN,CHN,USA&release=scopus_2024): researchers moving in
// and out of a country by year (MPIDR Scholarly Migration Database), net migration per 1,000
// researchers against peers, its main partners each way, and Scopus and OpenAlex side by side.
// Provisional years (after the release's last reliable year) are shaded in charts and marked *
// in tables.

import { chartFigure, countryPicker, fmt, getJSON, h, hoverSource, loadCountries, peersField, peersFromQuery, plotText, showError, tableFigure } from "../lib.js";

export const DEFAULT_PEERS = ["JPN", "CHN", "USA"];
const RELEASES = { scopus_2024: "Scopus, 2024 release", openalex_2023: "OpenAlex, 2023 release" };
const MARK = "*";

function peersOf(code, query) {
  return peersFromQuery(code, query, DEFAULT_PEERS);
}

function releaseOf(query) {
  const given = query && typeof query.release === "string" ? query.release : "";
  return given in RELEASES ? given : "scopus_2024";
}

function hashFor(code, peers, release) {
  const tail = release === "scopus_2024" ? "" : `&release=${encodeURIComponent(release)}`;
  return `#/talent/${encodeURIComponent(code)}?peers=${encodeURIComponent(peers.join(","))}${tail}`;
}

function yearCell(row) {
  return row.provisional ? `${row.year}${MARK}` : String(row.year);
}

/** The shaded band of provisional years, for a chart's layout. */
function provisionalBand(data) {
  const years = data.provisional_years || [];
  if (!years.length) return { shapes: [], annotations: [] };
  const x0 = Math.min(...years) - 0.5;
  const x1 = Math.max(...years) + 0.5;
  return {
    shapes: [{ type: "rect", xref: "x", yref: "paper", x0, x1, y0: 0, y1: 1, fillcolor: "#999", opacity: 0.15, line: { width: 0 } }],
    annotations: [{ xref: "x", yref: "paper", x: (x0 + x1) / 2, y: 1, yanchor: "bottom", text: "provisional", showarrow: false, font: { size: 11, color: "#555" } }],
  };
}

/** Net migration per 1,000 researchers, the country and its peers; provisional points hollow. */
function rateChart(data, cite, hover) {
  const [y0, y1] = data.years || [];
  const fig = chartFigure(`Net migration of researchers per 1,000 researchers, ${y0}–${y1} (${RELEASES[data.release]})`, {
    testid: "talent-rate-chart",
    filename: `talent-rate-${data.code}`,
    height: 360,
  });
  const traces = Object.entries(data.peer_rows || {}).map(([code, rows]) => ({
    type: "scatter",
    mode: "lines+markers",
    name: `${(data.names || {})[code] || code} (${code})`,
    x: rows.map((r) => r.year),
    y: rows.map((r) => r.rate),
    marker: { symbol: rows.map((r) => (r.provisional ? "circle-open" : "circle")), size: 6 },
    line: code === data.code ? { width: 3 } : { width: 1.6 },
    hovertemplate: `${plotText(code)} %{x}: %{y:.2f} per 1,000` + hover,
  }));
  const band = provisionalBand(data);
  fig.draw(
    traces,
    {
      yaxis: { title: { text: "net moves per 1,000 researchers" }, zeroline: true },
      xaxis: { title: { text: "year" } },
      shapes: band.shapes,
      annotations: band.annotations,
      legend: { orientation: "h", y: -0.3 },
      margin: { l: 60, r: 20, t: 20, b: 100 },
    },
    data.source,
    "",
    cite,
  );
  return fig;
}

/** Moves in and out of the country by year (bars) and the net (line). */
function flowChart(data, cite, hover) {
  const rows = data.rows || [];
  const fig = chartFigure(`Researchers moving into and out of ${data.name}, by year`, {
    testid: "talent-flow-chart",
    filename: `talent-flows-${data.code}`,
    height: 340,
  });
  const opacity = rows.map((r) => (r.provisional ? 0.4 : 0.9));
  const traces = [
    { type: "bar", name: "moves in", x: rows.map((r) => r.year), y: rows.map((r) => r.inflow), marker: { color: "#2e7d32", opacity }, hovertemplate: "in %{x}: %{y:,}" + hover },
    { type: "bar", name: "moves out", x: rows.map((r) => r.year), y: rows.map((r) => -r.outflow), marker: { color: "#b03a2e", opacity }, customdata: rows.map((r) => r.outflow), hovertemplate: "out %{x}: %{customdata:,}" + hover },
    { type: "scatter", mode: "lines+markers", name: "net", x: rows.map((r) => r.year), y: rows.map((r) => r.net), line: { color: "#111", width: 2 }, marker: { symbol: rows.map((r) => (r.provisional ? "circle-open" : "circle")) }, hovertemplate: "net %{x}: %{y:,}" + hover },
  ];
  const band = provisionalBand(data);
  fig.draw(
    traces,
    {
      barmode: "relative",
      yaxis: { title: { text: "researchers (out shown below zero)" } },
      xaxis: { title: { text: "year" } },
      shapes: band.shapes,
      annotations: band.annotations,
      legend: { orientation: "h", y: -0.3 },
      margin: { l: 70, r: 20, t: 20, b: 100 },
    },
    data.source,
    "",
    cite,
  );
  return fig;
}

/** The main partners: moves each way in the last reliable year and over the period. */
function partnersTable(data, cite) {
  const flows = data.flows || [];
  const first = flows[0] || {};
  const year = first.latest_year;
  const span = `${first.first}–${first.last}`;
  const columns = [
    { key: "partner", label: "Partner", format: (r) => `${r.name} (${r.partner})`, csv: (r) => r.partner },
    { key: "latest_out", label: `To partner ${year}`, numeric: true, format: (r) => fmt(r.latest_out, 0) },
    { key: "latest_in", label: `From partner ${year}`, numeric: true, format: (r) => fmt(r.latest_in, 0) },
    { key: "latest_net", label: `Net ${year}`, numeric: true, format: (r) => fmt(r.latest_net, 0) },
    { key: "moves_out", label: `To partner ${span}`, numeric: true, format: (r) => fmt(r.moves_out, 0) },
    { key: "moves_in", label: `From partner ${span}`, numeric: true, format: (r) => fmt(r.moves_in, 0) },
    { key: "net", label: `Net ${span}`, numeric: true, format: (r) => fmt(r.net, 0) },
  ];
  return tableFigure(`Main partners of ${data.name}: researchers moving each way`, columns, flows, {
    testid: "talent-partners",
    citations: cite,
    source: data.source,
    csv: { name: `talent-partners-${data.code}.csv` },
    rowAttrs: (r) => ({ "data-partner": r.partner }),
  });
}

/** Each main partner's net (the country's gain) by year. */
function partnersChart(data, cite, hover) {
  const fig = chartFigure(`Net gain of ${data.name} from each main partner, by year`, {
    testid: "talent-partners-chart",
    filename: `talent-partners-${data.code}`,
    height: 320,
  });
  const traces = (data.flows || []).map((f) => ({
    type: "scatter",
    mode: "lines+markers",
    name: `${f.name} (${f.partner})`,
    x: f.by_year.map((y) => y.year),
    y: f.by_year.map((y) => y.net),
    customdata: f.by_year.map((y) => [y.moves_out, y.moves_in]),
    marker: { symbol: f.by_year.map((y) => (y.provisional ? "circle-open" : "circle")), size: 5 },
    hovertemplate: `${plotText(f.partner)} %{x}: net %{y:,} (out %{customdata[0]:,}, in %{customdata[1]:,})` + hover,
  }));
  const band = provisionalBand(data);
  fig.draw(
    traces,
    {
      yaxis: { title: { text: "net gain (researchers)" }, zeroline: true },
      xaxis: { title: { text: "year" } },
      shapes: band.shapes,
      annotations: band.annotations,
      legend: { orientation: "h", y: -0.3 },
      margin: { l: 70, r: 20, t: 20, b: 100 },
    },
    data.source,
    "",
    cite,
  );
  return fig;
}

/** Scopus and OpenAlex side by side, by year; provisional years marked in each. */
function sourcesTable(data, cite) {
  const sources = data.sources || {};
  const releases = sources.releases || [];
  const columns = [{ key: "year", label: "Year" }];
  for (const release of releases) {
    const flag = (r) => (r[`provisional_${release}`] === true ? MARK : "");
    columns.push(
      {
        key: `net_${release}`,
        label: `Net, ${(sources.names || {})[release] || release}`,
        numeric: true,
        format: (r) => (r[`net_${release}`] === null ? "–" : `${fmt(r[`net_${release}`], 0)}${flag(r)}`),
      },
      {
        key: `rate_${release}`,
        label: `Per 1,000, ${(sources.names || {})[release] || release}`,
        numeric: true,
        format: (r) => fmt(r[`rate_${release}`], 2),
      },
    );
  }
  return tableFigure(`The two bibliographic sources side by side: ${data.name}`, columns, sources.rows || [], {
    testid: "talent-sources",
    citations: cite,
    source: data.source,
    csv: { name: `talent-sources-${data.code}.csv` },
    rowAttrs: (r) => ({ "data-year": r.year, "data-provisional": releases.filter((rel) => r[`provisional_${rel}`] === true).join(" ") }),
  });
}

function sourcesChart(data, cite, hover) {
  const sources = data.sources || {};
  const fig = chartFigure(`Net migration per 1,000 researchers of ${data.name} in the two sources`, {
    testid: "talent-sources-chart",
    filename: `talent-sources-${data.code}`,
    height: 300,
  });
  const rows = sources.rows || [];
  const traces = (sources.releases || []).map((release) => ({
    type: "scatter",
    mode: "lines+markers",
    name: (sources.names || {})[release] || release,
    x: rows.map((r) => r.year),
    y: rows.map((r) => r[`rate_${release}`]),
    marker: { symbol: rows.map((r) => (r[`provisional_${release}`] === true ? "circle-open" : "circle")), size: 6 },
    hovertemplate: `${plotText(release)} %{x}: %{y:.2f} per 1,000` + hover,
  }));
  fig.draw(
    traces,
    { yaxis: { title: { text: "net per 1,000 researchers" }, zeroline: true }, xaxis: { title: { text: "year" } }, legend: { orientation: "h", y: -0.3 }, margin: { l: 60, r: 20, t: 10, b: 100 } },
    data.source,
    "",
    cite,
  );
  return fig;
}

function peersTable(data, cite) {
  const columns = [
    { key: "name", label: "Country", format: (r) => `${r.name} (${r.code})`, csv: (r) => r.code },
    { key: "years", label: "Years" },
    { key: "net", label: "Net (researchers)", numeric: true, format: (r) => fmt(r.net, 0) },
    { key: "rate", label: "Net per 1,000", numeric: true, format: (r) => fmt(r.rate, 2) },
    { key: "inflow_rate", label: "In per 1,000", numeric: true, format: (r) => fmt(r.inflow_rate, 2) },
    { key: "outflow_rate", label: "Out per 1,000", numeric: true, format: (r) => fmt(r.outflow_rate, 2) },
    { key: "researchers", label: "Researchers", numeric: true, format: (r) => fmt(r.researchers, 0) },
  ];
  return tableFigure(`${data.name} and its peers over the last reliable years (mean rates)`, columns, data.summary || [], {
    testid: "talent-peers",
    citations: cite,
    source: data.source,
    csv: { name: `talent-peers-${data.code}.csv` },
  });
}

function yearsTable(data, cite, url) {
  const columns = [
    { key: "year", label: "Year", format: yearCell, csv: (r) => r.year },
    { key: "researchers", label: "Researchers", numeric: true, format: (r) => fmt(r.researchers, 0) },
    { key: "inflow", label: "Moves in", numeric: true, format: (r) => fmt(r.inflow, 0) },
    { key: "outflow", label: "Moves out", numeric: true, format: (r) => fmt(r.outflow, 0) },
    { key: "net", label: "Net", numeric: true, format: (r) => fmt(r.net, 0) },
    { key: "rate", label: "Net per 1,000", numeric: true, format: (r) => fmt(r.rate, 2) },
  ];
  return tableFigure(`Researcher migration of ${data.name} by year (${RELEASES[data.release]})`, columns, data.rows || [], {
    testid: "talent-years",
    citations: cite,
    source: data.source,
    csv: { url },
    rowAttrs: (r) => ({ "data-year": r.year, "data-provisional": r.provisional ? "true" : "false" }),
  });
}

export async function render(container, code, { isCurrent, query }) {
  code = code.toUpperCase();
  const peers = peersOf(code, query);
  const release = releaseOf(query);
  const countries = await loadCountries().catch(() => []);
  if (!isCurrent()) return;
  const picker = countryPicker(countries, code, (value) => {
    location.hash = hashFor(value, peersOf(value, query), release);
  }, { id: "talent-picker" });
  const go = (chosen) => {
    location.hash = hashFor(code, chosen, releaseSelect.value);
  };
  const field = peersField(peers, go, { id: "talent-peers", testid: "talent-peers-input", placeholder: "e.g. JPN,CHN,USA", size: 20 });
  const releaseSelect = h(
    "select",
    { id: "talent-release", "data-testid": "talent-release" },
    Object.entries(RELEASES).map(([value, label]) => h("option", { value, selected: value === release }, label)),
  );
  const apply = h("button", { type: "button", "data-testid": "talent-apply" }, "Compare");
  apply.addEventListener("click", () => go(field.codes()));
  releaseSelect.addEventListener("change", () => go(field.codes()));
  const chooser = h(
    "div",
    { class: "controls inline" },
    h("span", {}, field.label, field.input),
    h("span", {}, h("label", { for: "talent-release" }, "Source: "), releaseSelect),
    apply,
  );
  const heading = h("h2", {}, `Talent flows: ${code}`);
  const slot = h("div", { class: "slot", "data-testid": "talent-slot" }, h("p", { class: "muted" }, "Loading researcher migration…"));
  container.append(h("div", { class: "view-head" }, heading, picker), chooser, slot);
  const url = `/api/talent/${encodeURIComponent(code)}?peers=${encodeURIComponent(peers.join(","))}&release=${encodeURIComponent(release)}`;
  let data;
  try {
    data = await getJSON(url);
  } catch (error) {
    if (!isCurrent()) return;
    slot.replaceChildren(h("p", { class: "muted" }, "Researcher migration not available."));
    showError(error, `the researcher migration of ${code}`);
    return;
  }
  if (!isCurrent()) return;
  heading.textContent = `Talent flows: ${data.name || code} (${code})`;
  const cite = data.citation ? [data.citation] : [];
  const hover = hoverSource(data.source, "", cite);
  const latest = [...(data.rows || [])].reverse().find((r) => !r.provisional);
  const sources = data.sources || {};
  const reliable = sources.reliable_years || [];
  const lead = [];
  if (latest) {
    lead.push(
      h(
        "p",
        { "data-testid": "talent-lead" },
        `${data.name} ${latest.net < 0 ? "lost" : "gained"} ${fmt(Math.abs(latest.net), 0)} researchers on balance in ${latest.year} ` +
          `(${fmt(latest.inflow, 0)} moved in, ${fmt(latest.outflow, 0)} moved out; ${fmt(latest.rate, 2)} per 1,000 researchers), ` +
          `in the ${RELEASES[data.release]}.`,
      ),
    );
  }
  if (reliable.length) {
    lead.push(
      h(
        "p",
        { class: "muted", "data-testid": "talent-robustness" },
        `Scopus and OpenAlex agree on the sign of net migration in ${sources.same_sign_years} of ${reliable.length} years both hold as reliable (${reliable[0]}–${reliable.at(-1)}).`,
      ),
    );
  }
  const provisional = (data.provisional_years || []).length
    ? h(
        "p",
        { class: "muted", "data-testid": "talent-provisional" },
        `${MARK} Provisional: ${data.provisional_years.join(", ")}, after ${data.reliable_end}, the release's last reliable year ` +
          "(a move is seen only once a researcher publishes again, so the last years are under-counted); shaded in the charts, hollow points.",
      )
    : null;
  const notes = (data.notes || []).map((n) => h("p", { class: "muted", "data-testid": "talent-note" }, `Note: ${n}.`));
  const parts = [...lead, provisional, ...notes, rateChart(data, cite, hover).el, flowChart(data, cite, hover).el];
  if ((data.flows || []).length) parts.push(partnersTable(data, cite).el, partnersChart(data, cite, hover).el);
  if ((data.summary || []).length > 1) parts.push(peersTable(data, cite).el);
  if ((sources.rows || []).length) parts.push(sourcesChart(data, cite, hover).el, sourcesTable(data, cite).el);
  parts.push(yearsTable(data, cite, url).el);
  slot.replaceChildren(...parts.filter(Boolean));
}
