// Defence industry (#/industry/{code}?peers=JPN,DEU,ISR): the country's companies in the SIPRI
// Top 100 by year (arms revenue, stacked by company), its total against its peers, its share of
// the Top 100, and its arms exports (SIPRI TIV, a volume index, not money) beside its arms
// revenue, each in its own unit on its own axis; the summary and the companies as tables.

import { chartFigure, countryPicker, fmt, getJSON, h, hoverSource, loadCountries, peersField, peersFromQuery, plotText, showError, tableFigure } from "../lib.js";

export const DEFAULT_PEERS = ["JPN", "DEU", "ISR"];

function peersOf(code, query) {
  return peersFromQuery(code, query, DEFAULT_PEERS);
}

function hashFor(code, peers) {
  return `#/industry/${encodeURIComponent(code)}?peers=${encodeURIComponent(peers.join(","))}`;
}

/** The citations of the datasets named (by id). */
function cited(data, ids) {
  return (data.citations || []).filter((c) => ids.includes(c.dataset));
}

/** Every country's summary by year: the country first, then its peers. */
function series(data) {
  const out = [{ code: data.code, name: data.name, rows: data.by_year || [] }];
  for (const p of data.peers || []) {
    const peer = (data.peers_by_year || {})[p];
    if (peer) out.push({ code: p, name: peer.name, rows: peer.by_year || [] });
  }
  return out;
}

/** Arms revenue of each of the country's companies, stacked by year. */
function companiesChart(data) {
  const [y0, y1] = data.years || [];
  const fig = chartFigure(`Arms revenue of ${data.name}'s companies in the SIPRI Top 100, ${y0}–${y1} (US$ m, current)`, {
    testid: "industry-companies",
    filename: `industry-companies-${data.code}`,
    height: 380,
  });
  const top = cited(data, ["sipri_top100"]);
  const hover = hoverSource(data.source, "", top);
  const years = (data.by_year || []).map((r) => r.year);
  const names = [...new Set((data.rows || []).map((r) => r.company))];
  const traces = names.map((name) => {
    const mine = new Map((data.rows || []).filter((r) => r.company === name).map((r) => [r.year, r]));
    return {
      type: "bar",
      name,
      x: years,
      y: years.map((y) => (mine.has(y) ? mine.get(y).arms_revenue : null)),
      customdata: years.map((y) => (mine.has(y) ? `rank ${mine.get(y).rank}` : "")),
      hovertemplate: `${plotText(name)} %{x}: US$ %{y:,.0f} m, %{customdata}` + hover,
    };
  });
  fig.draw(
    traces,
    {
      barmode: "stack",
      yaxis: { title: { text: "arms revenue, US$ million (current)" } },
      xaxis: { title: { text: "year" } },
      legend: { orientation: "h", y: -0.2 },
      margin: { l: 70, r: 20, t: 10, b: 90 },
    },
    data.source,
    "",
    top,
  );
  return fig;
}

/** One measure of the country's summary against its peers' (lines). */
function peersChart(data, key, title, unit, testid, digits) {
  const fig = chartFigure(title, { testid, filename: `${testid}-${data.code}`, height: 340 });
  const top = cited(data, ["sipri_top100"]);
  const hover = hoverSource(data.source, "", top);
  const traces = series(data).map((s, i) => ({
    type: "scatter",
    mode: "lines+markers",
    name: `${s.name} (${s.code})`,
    x: s.rows.map((r) => r.year),
    y: s.rows.map((r) => r[key]),
    line: i === 0 ? { width: 3 } : { width: 1.6, dash: "dot" },
    hovertemplate: `${plotText(s.code)} %{x}: %{y:,.${digits}f} ${plotText(unit)}` + hover,
  }));
  fig.draw(
    traces,
    {
      yaxis: { title: { text: unit } },
      xaxis: { title: { text: "year" } },
      legend: { orientation: "h", y: -0.2 },
      margin: { l: 70, r: 20, t: 10, b: 80 },
    },
    data.source,
    "",
    top,
  );
  return fig;
}

/** Arms revenue (US$, left axis) and arms exports (TIV, right axis): two units, never summed. */
function exportsChart(data) {
  const [y0, y1] = data.years || [];
  const fig = chartFigure(`${data.name}: arms revenue of its Top 100 companies and arms exports, ${y0}–${y1}`, {
    testid: "industry-exports",
    filename: `industry-exports-${data.code}`,
    height: 360,
  });
  const both = cited(data, ["sipri_top100", "sipri_arms"]);
  const rows = data.by_year || [];
  const years = rows.map((r) => r.year);
  const traces = [
    {
      type: "bar",
      name: "arms revenue (US$ m, current; left axis)",
      x: years,
      y: rows.map((r) => r.arms_revenue),
      marker: { color: "#8aa6c1" },
      hovertemplate: "%{x}: US$ %{y:,.0f} m" + hoverSource(data.source, "", cited(data, ["sipri_top100"])),
    },
    {
      type: "scatter",
      mode: "lines+markers",
      name: "arms exports (SIPRI TIV m, a volume index, not money; right axis)",
      x: years,
      y: rows.map((r) => r.tiv_exports),
      yaxis: "y2",
      line: { color: "#b5542c", width: 2.5 },
      hovertemplate: "%{x}: %{y:,.0f} TIV m" + hoverSource(data.source, "", cited(data, ["sipri_arms"])),
    },
  ];
  fig.draw(
    traces,
    {
      yaxis: { title: { text: "arms revenue, US$ million" }, rangemode: "tozero" },
      yaxis2: { title: { text: "arms exports, TIV million" }, overlaying: "y", side: "right", rangemode: "tozero", showgrid: false, tickmode: "auto", tickformat: ",.0f" },
      xaxis: { title: { text: "year" } },
      legend: { orientation: "h", y: -0.2 },
      margin: { l: 70, r: 70, t: 10, b: 90 },
    },
    data.source,
    "",
    both,
  );
  return fig;
}

/** The country's summary by year with its exports beside it. */
function summaryTable(data) {
  const columns = [
    { key: "year", label: "Year" },
    { key: "companies", label: "Companies", numeric: true },
    { key: "arms_revenue", label: "Arms revenue (US$ m)", numeric: true, format: (r) => fmt(r.arms_revenue, 0) },
    { key: "share_top100", label: "Share of the Top 100 (%)", numeric: true, format: (r) => fmt(r.share_top100, 2) },
    { key: "largest", label: "Largest company (rank)", format: (r) => (r.largest ? `${r.largest} (${r.largest_rank})` : "–") },
    { key: "tiv_exports", label: "Arms exports (TIV m)", numeric: true, format: (r) => fmt(r.tiv_exports, 0) },
    { key: "arms_revenue_index", label: "Revenue index", numeric: true, format: (r) => fmt(r.arms_revenue_index, 0) },
    { key: "tiv_exports_index", label: "Exports index", numeric: true, format: (r) => fmt(r.tiv_exports_index, 0) },
  ];
  return tableFigure(`${data.name} in the SIPRI Top 100 by year, with its arms exports`, columns, data.by_year || [], {
    testid: "industry-table",
    citations: cited(data, ["sipri_top100", "sipri_arms"]),
    source: data.source,
    csv: { name: `industry-by-year-${data.code}.csv` },
    rowAttrs: (r) => ({ "data-year": r.year }),
  });
}

/** The companies of the last year (one row per company and year over the period as CSV). */
function companiesTable(data, url) {
  const last = (data.years || [])[1];
  const rows = (data.rows || []).filter((r) => r.year === last);
  const columns = [
    { key: "company", label: "Company" },
    { key: "rank", label: "Rank", numeric: true },
    { key: "previous_rank", label: "Previous rank", numeric: true, format: (r) => (r.previous_rank === null ? "–" : String(r.previous_rank)) },
    { key: "arms_revenue", label: "Arms revenue (US$ m)", numeric: true, format: (r) => fmt(r.arms_revenue, 0) },
    { key: "total_revenue", label: "Total revenue (US$ m)", numeric: true, format: (r) => fmt(r.total_revenue, 0) },
    { key: "arms_share", label: "Arms share of revenue (%)", numeric: true, format: (r) => fmt(r.arms_share, 1) },
  ];
  return tableFigure(`Companies of ${data.name} in the SIPRI Top 100, ${last}`, columns, rows, {
    testid: "industry-companies-table",
    citations: cited(data, ["sipri_top100"]),
    source: data.source,
    csv: { url },
    rowAttrs: (r) => ({ "data-company": r.company }),
  });
}

export async function render(container, code, { isCurrent, query }) {
  code = code.toUpperCase();
  const peers = peersOf(code, query);
  const countries = await loadCountries().catch(() => []);
  if (!isCurrent()) return;
  const picker = countryPicker(countries, code, (value) => {
    location.hash = hashFor(value, peersOf(value, query));
  }, { id: "industry-picker" });
  const go = (chosen) => {
    location.hash = hashFor(code, chosen);
  };
  const field = peersField(peers, go, { id: "industry-peers", placeholder: "e.g. JPN,DEU,ISR" });
  const apply = h("button", { type: "button", "data-testid": "industry-peers-apply" }, "Compare");
  apply.addEventListener("click", () => go(field.codes()));
  const chooser = h("div", { class: "controls inline" }, field.label, field.input, apply);
  const heading = h("h2", {}, `Defence industry: ${code}`);
  const slot = h("div", { class: "slot", "data-testid": "industry-slot" }, h("p", { class: "muted" }, "Loading the SIPRI Top 100…"));
  container.append(h("div", { class: "view-head" }, heading, picker), chooser, slot);
  const url = `/api/industry/${encodeURIComponent(code)}?peers=${encodeURIComponent(peers.join(","))}`;
  let data;
  try {
    data = await getJSON(url);
  } catch (error) {
    if (!isCurrent()) return;
    slot.replaceChildren(h("p", { class: "muted" }, "Defence industry not available."));
    showError(error, `the defence industry of ${code}`);
    return;
  }
  if (!isCurrent()) return;
  heading.textContent = `Defence industry: ${data.name || code} (${code})`;
  const [y0, y1] = data.years || [];
  const notes = (data.notes || []).map((n) => h("p", { class: "muted", "data-testid": "industry-note" }, `Note: ${n}.`));
  const explain = h(
    "p",
    { class: "muted" },
    "Arms revenue: the companies' sales of military goods and services, US$ million at current prices, " +
      "listed under the country of their headquarters. Arms exports: SIPRI trend-indicator values (TIV), " +
      "a volume index of major weapons delivered abroad, not money: shown on its own axis, never added to revenue.",
  );
  const parts = [
    explain,
    ...notes,
    companiesChart(data).el,
    exportsChart(data).el,
    peersChart(data, "arms_revenue", `Arms revenue of the Top 100 companies: ${code} and its peers, ${y0}–${y1}`, "US$ million (current)", "industry-vs-peers", 0).el,
    peersChart(data, "share_top100", `Share of the Top 100's arms revenue: ${code} and its peers, ${y0}–${y1}`, "% of the Top 100", "industry-share", 2).el,
    summaryTable(data).el,
    companiesTable(data, url).el,
  ];
  slot.replaceChildren(...parts);
}
