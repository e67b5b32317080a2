// Research output (#/research/{codes}?field=...&count=whole&from=2003&to=2022): S&E articles and
// world share over time for the chosen countries in one field, their latest counts, ranks and
// growth, and the field-by-field gap between the first two countries (gaining or losing).

import { chartFigure, fmt, getJSON, h, hoverSource, plotText, showError, tableFigure } from "../lib.js";

export const DEFAULT_CODES = ["KOR", "CHN", "USA", "JPN"];
const DEFAULT_FIELD = "all S&E fields";

function codesOf(arg) {
  const listed = String(arg || "")
    .split(",")
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  return listed.length ? [...new Set(listed)] : DEFAULT_CODES;
}

function hashFor(codes, params) {
  const query = Object.entries(params)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");
  return `#/research/${encodeURIComponent(codes.join(","))}${query ? `?${query}` : ""}`;
}

function apiQuery(codes, params, extra = {}) {
  const out = new URLSearchParams({ codes: codes.join(",") });
  for (const [k, v] of Object.entries({ ...params, ...extra })) if (v) out.set(k, v);
  return out.toString();
}

function byCode(rows) {
  const out = new Map();
  for (const r of rows || []) {
    if (!out.has(r.code)) out.set(r.code, []);
    out.get(r.code).push(r);
  }
  return out;
}

/** Articles (or world share) of each country by year. */
function lineChart(data, key, title, testid, axis, digits) {
  const [y0, y1] = data.years || [];
  const fig = chartFigure(`${title}, ${data.field}, ${y0}–${y1}`, { testid, filename: `${testid}-${data.codes.join("-")}`, height: 340 });
  const cited = data.citation ? [data.citation] : [];
  const hover = hoverSource(data.source, "", cited);
  const traces = [...byCode(data.rows).entries()].map(([code, rows]) => ({
    type: "scatter",
    mode: "lines+markers",
    name: rows[0].name || code,
    x: rows.map((r) => r.year),
    y: rows.map((r) => r[key]),
    marker: { size: 4 },
    hovertemplate: `${plotText(rows[0].name || code)} %{x}: %{y:,.${digits}f}${key === "share" ? "%" : ""}` + hover,
  }));
  fig.draw(traces, { yaxis: { title: { text: axis }, rangemode: "tozero" }, xaxis: { title: { text: "year" } } }, data.source, "", cited);
  return fig;
}

/** The first and last year of each country: articles, share, rank and growth. */
function summaryTable(data, url) {
  const [y0, y1] = data.years || [];
  const names = new Map((data.rows || []).map((r) => [r.code, r.name]));
  const rank = (v) => (v ? String(v) : "–");
  const columns = [
    { key: "code", label: "Code" },
    { key: "name", label: "Country", format: (r) => names.get(r.code) || r.code, csv: (r) => names.get(r.code) || r.code },
    { key: "articles_first", label: `Articles ${y0}`, numeric: true, format: (r) => fmt(r.articles_first, 0) },
    { key: "articles_last", label: `Articles ${y1}`, numeric: true, format: (r) => fmt(r.articles_last, 0) },
    { key: "share_first", label: `World share ${y0} (%)`, numeric: true, format: (r) => fmt(r.share_first, 2) },
    { key: "share_last", label: `World share ${y1} (%)`, numeric: true, format: (r) => fmt(r.share_last, 2) },
    { key: "rank_first", label: `Rank ${y0}`, numeric: true, format: (r) => rank(r.rank_first) },
    { key: "rank_last", label: `Rank ${y1}`, numeric: true, format: (r) => rank(r.rank_last) },
    { key: "cagr", label: "Growth (% a year)", numeric: true, format: (r) => fmt(r.cagr, 1) },
  ];
  return tableFigure(`Research articles, ${data.field} (${data.count_type} counts), ${y0} and ${y1}`, columns, data.growth || [], {
    testid: "research-table",
    citations: data.citation ? [data.citation] : [],
    source: data.source,
    csv: { url },
  });
}

/** The first country against the second, field by field. */
function gapTable(data, url) {
  const [y0, y1] = data.years || [];
  const a = data.code;
  const b = data.other;
  // a loss is marked as the other views mark a weakness (red)
  const verdict = (r) => h("span", { class: `verdict${r.verdict === "losing" ? " thin" : ""}`, "data-verdict": r.verdict }, r.verdict);
  const columns = [
    { key: "field", label: "Field", format: (r) => (r.count_type === "whole" && data.count_type !== "whole" ? `${r.field} (whole counts)` : r.field) },
    { key: "share_first", label: `${a} share ${y0} (%)`, numeric: true, format: (r) => fmt(r.share_first, 2) },
    { key: "share_last", label: `${a} share ${y1} (%)`, numeric: true, format: (r) => fmt(r.share_last, 2) },
    { key: "other_share_first", label: `${b} share ${y0} (%)`, numeric: true, format: (r) => fmt(r.other_share_first, 2) },
    { key: "other_share_last", label: `${b} share ${y1} (%)`, numeric: true, format: (r) => fmt(r.other_share_last, 2) },
    { key: "ratio_first", label: `${a} per 100 ${b}, ${y0}`, numeric: true, format: (r) => fmt(r.ratio_first * 100, 1) },
    { key: "ratio_last", label: `${a} per 100 ${b}, ${y1}`, numeric: true, format: (r) => fmt(r.ratio_last * 100, 1) },
    { key: "ratio_trend", label: "Trend of the ratio (% a year)", numeric: true, format: (r) => fmt(r.ratio_trend, 1) },
    { key: "verdict", label: `${a} against ${b}`, format: verdict },
  ];
  return tableFigure(`${data.name || a} against ${data.other_name || b}, field by field, ${y0}–${y1}`, columns, data.rows || [], {
    testid: "research-gap",
    citations: data.citation ? [data.citation] : [],
    source: data.source,
    csv: { url },
    rowAttrs: (r) => ({ "data-field": r.field, "data-verdict": r.verdict }),
  });
}

function controls(codes, params, fields) {
  const codesInput = h("input", { type: "text", id: "research-codes", value: codes.join(","), size: 22, "data-testid": "research-codes", placeholder: "e.g. KOR,CHN,USA,JPN" });
  const fieldSelect = h(
    "select",
    { id: "research-field", "data-testid": "research-field" },
    fields.map((f) => h("option", { value: f, selected: f === params.field }, f)),
  );
  // AI-related articles are published as whole counts only: the choice is shown, not offered
  const countSelect = h(
    "select",
    { id: "research-count", "data-testid": "research-count", disabled: params.field === "AI-related" },
    ["fractional", "whole"].map((c) => h("option", { value: c, selected: c === (params.count || "fractional") }, c)),
  );
  const apply = h("button", { type: "button", "data-testid": "research-apply" }, "Show");
  const go = () => {
    const chosen = codesOf(codesInput.value);
    const field = fieldSelect.value;
    const count = field === "AI-related" ? "" : countSelect.value === "whole" ? "whole" : "";
    location.hash = hashFor(chosen, { field: field === DEFAULT_FIELD ? "" : field, count, from: params.from, to: params.to });
  };
  apply.addEventListener("click", go);
  fieldSelect.addEventListener("change", go);
  countSelect.addEventListener("change", go);
  codesInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") go();
  });
  return h(
    "div",
    { class: "controls inline" },
    h("label", { for: "research-codes" }, "Countries (codes, comma-separated): "),
    codesInput,
    apply,
    h("label", { for: "research-field" }, " Field: "),
    fieldSelect,
    h("label", { for: "research-count" }, " Counts: "),
    countSelect,
  );
}

export async function render(container, arg, { isCurrent, query }) {
  const codes = codesOf(arg);
  const q = query || {};
  const params = { field: q.field || DEFAULT_FIELD, count: q.count || "", from: q.from || "", to: q.to || "" };
  const heading = h("h2", {}, `Research output: ${codes.join(", ")}`);
  const head = h("div", { class: "controls-slot" });
  const slot = h("div", { class: "slot", "data-testid": "research-slot" }, h("p", { class: "muted" }, "Loading research output…"));
  const gapSlot = h("div", { class: "slot", "data-testid": "research-gap-slot" });
  container.append(h("div", { class: "view-head" }, heading), head, slot, gapSlot);
  const url = `/api/research?${apiQuery(codes, params)}`;
  let data;
  try {
    data = await getJSON(url);
  } catch (error) {
    if (!isCurrent()) return;
    head.replaceChildren(controls(codes, params, [params.field]));
    slot.replaceChildren(h("p", { class: "muted" }, "Research output not available."));
    showError(error, `research articles of ${codes.join(", ")}`);
    return;
  }
  if (!isCurrent()) return;
  params.field = data.field;
  head.replaceChildren(controls(data.codes, { ...params, count: data.count_type }, data.fields || [data.field]));
  heading.textContent = `Research output: ${data.codes.join(", ")} in ${data.field}`;
  const explain = h(
    "p",
    { class: "muted" },
    `${data.count_type === "whole" ? "Whole counts: every country with an author gets the whole article, so shares add up to more than 100%." : "Fractional counts: each article is shared between its authors' countries, so countries add up to the world."} ` +
      "World share: % of the world's articles; rank among countries; growth: compound annual rate over the period.",
  );
  slot.replaceChildren(
    summaryTable(data, url).el,
    explain,
    lineChart(data, "articles", "Articles", "research-articles", "articles", 0).el,
    lineChart(data, "share", "World share", "research-share", "% of the world's articles", 2).el,
  );
  const pair = data.codes.filter((c) => c !== "WLD" && c !== "EUU").slice(0, 2);
  if (pair.length < 2) {
    gapSlot.replaceChildren(h("p", { class: "muted" }, "Choose two countries for the field-by-field comparison."));
    return;
  }
  const gapUrl = `/api/research/by-field?${apiQuery(pair, { count: params.count, from: params.from, to: params.to })}`;
  gapSlot.replaceChildren(h("p", { class: "muted" }, "Loading the field-by-field comparison…"));
  try {
    const gap = await getJSON(gapUrl);
    if (!isCurrent()) return;
    const summary = h(
      "p",
      { "data-testid": "research-gap-summary" },
      `${gap.name} against ${gap.other_name}: gaining in ${gap.gaining.length ? gap.gaining.join(", ") : "no field"}; ` +
        `losing in ${gap.losing.length ? gap.losing.join(", ") : "no field"} ` +
        `(trend of ${gap.code}'s articles per article of ${gap.other} beyond ±${gap.holding}% a year).`,
    );
    gapSlot.replaceChildren(gapTable(gap, gapUrl).el, summary);
  } catch (error) {
    if (!isCurrent()) return;
    gapSlot.replaceChildren(h("p", { class: "muted" }, "Field-by-field comparison not available."));
    showError(error, `the field-by-field comparison of ${pair.join(" and ")}`);
  }
}
