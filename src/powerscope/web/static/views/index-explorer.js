// Index explorer (#/index/{name}): a slider for every weight at every level of the index tree,
// re-ranking live through POST /api/indices/{name}/compute; ranking table with rank change vs
// the default weights, contributions by top-level component, multi-country comparison and the
// rank intervals of the uncertainty analysis.
//
// Weights travel one way: the sliders' raw values (or the weights string of the page's address,
// #/index/{name}?weights=..., sent as written) go to the server with renormalise: true, the
// library reads and rescales them, and the sliders show the weights the server echoes back
// (method.weights). Moving a slider writes the weights string into the address (shareable).
//
// A panel index (one with years, e.g. `power`) adds a year slider (POST compute with `year`) and
// rank trends with their 5th-95th percentile band for the countries picked, computed with the
// weights set (GET .../trend with the same weights string, once the computation has said
// whether they differ from the published ones); the address keeps the whole view:
// #/index/power?year=2023&weights=...&countries=KOR,CHN. Every index gets a world map of its
// scores (plotly's geo bundle and vendored country shapes, no network).
// Results computed with weights other than the published ones say "custom weights" in their
// titles, source lines and download names.

import {
  chartFigure,
  csvURL,
  debounce,
  dismissError,
  fmt,
  getJSON,
  h,
  hoverSource,
  loadGeoPlotly,
  plotText,
  postJSON,
  showError,
  tableFigure,
  TOPOJSON_URL,
} from "../lib.js";

const ROOT = "index";
const RESCALED_GEOMETRIC = "geometric-1-100";
const MAX_COMPARE = 5;
const UNCERTAINTY_RUNS = 1000;
const COMPARE_DEFAULT = ["KOR", "JPN", "CHN", "USA"];
const CHART_TOP = 30; // charts show the top 30 unless "all" is asked for (tables show all)
const TREND_RUNS = 200; // runs of the rank bands of the trend chart
const CUSTOM = "custom weights";
const BAND_COLOURS = ["#1f4e79", "#c0504d", "#4f8f3a", "#8064a2", "#d68a00"];

/** Codes of a `countries=` parameter (KOR,CHN), upper-cased, in order, without repeats. */
export function parseCountries(text) {
  return [...new Set(String(text || "").split(",").map((c) => c.trim().toUpperCase()).filter(Boolean))];
}

/** `rgba()` of a `#rrggbb` colour with opacity `alpha` (for the rank bands). */
function withAlpha(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** Sibling groups: parent path -> child nodes (in the tree's order). */
function groupsOf(nodes) {
  const groups = new Map();
  for (const node of nodes) {
    const parent = node.parent ?? ROOT;
    if (!groups.has(parent)) groups.set(parent, []);
    groups.get(parent).push(node);
  }
  return groups;
}

/** The weights that differ from the defaults as a weights string in the grammar's canonical
 * form, `path=value` pairs joined by commas (the CLI's --weights, the API's `weights`). */
export function weightsString(nodes, weights, defaults) {
  return nodes
    .filter((n) => weights[n.path] !== defaults[n.path])
    .map((n) => `${n.path}=${weights[n.path]}`)
    .join(",");
}

/** True when any node's weight as applied differs from its default. */
function differs(applied, defaults) {
  return Object.entries(applied || {}).some(([path, w]) => path in defaults && Math.abs(Number(w) - defaults[path]) > 1e-9);
}

function sliderMax(weight) {
  return weight <= 1 ? 1 : Math.ceil(weight * 2);
}

export async function render(container, name, { isCurrent, query = {} }) {
  const [tree, indices] = await Promise.all([
    getJSON(`/api/indices/${encodeURIComponent(name)}`),
    getJSON("/api/indices").catch(() => ({ indices: [] })),
  ]);
  if (!isCurrent()) return undefined;

  const nodes = tree.nodes || [];
  const groups = groupsOf(nodes);
  const defaults = Object.fromEntries(nodes.map((n) => [n.path, Number(n.weight)]));
  const units = tree.units || [];
  const unitName = Object.fromEntries(units.map((u) => [u.code, u.name]));
  const initialAggregation = tree.aggregation || tree.aggregate || "arithmetic";
  // a panel index's years [first, last]; null for a snapshot index (the CETI)
  const years = Array.isArray(tree.years) && tree.years.length === 2 ? tree.years.map(Number) : null;
  const queryYear = query.year !== undefined && query.year.trim() !== "" ? query.year.trim() : null;
  const state = {
    weights: { ...defaults },
    reweighted: false,
    // the weights string of the page's address, sent as written until a slider moves
    link: query.weights && query.weights.trim() ? query.weights : null,
    aggregation: initialAggregation,
    exclude: false,
    result: null,
    baselines: new Map(),
    uncertainty: null,
    compare: new Set(),
    computeError: null,
    seq: 0,
    controller: null,
    // the year shown (a panel index): the address's (sent as written: the server explains a
    // year outside the panel), else the last
    year: years ? (queryYear !== null && /^\d{1,4}$/.test(queryYear) ? Number(queryYear) : queryYear ?? years[1]) : null,
    trend: null,
    trendSeq: 0,
    // the address of the trend shown or being fetched (it is fetched again only when it changes)
    trendURL: null,
  };
  for (const code of COMPARE_DEFAULT) if (unitName[code] && state.compare.size < 3) state.compare.add(code);
  for (const u of units) if (state.compare.size < 2 && !u.is_aggregate) state.compare.add(u.code);
  const defaultPicks = [...state.compare];
  // the address's countries (known units only, at most MAX_COMPARE) replace the default picks
  const asked = parseCountries(query.countries).filter((c) => unitName[c]).slice(0, MAX_COMPARE);
  if (asked.length) state.compare = new Set(asked);
  if (years && queryYear !== null && typeof state.year !== "number") {
    showError(new Error(`the year ${queryYear} of the address is not a year (the panel covers ${years[0]}-${years[1]})`), "reading the address");
    state.year = years[1];
  }

  // -- controls ------------------------------------------------------------------------------
  const indexSelect = h(
    "select",
    { id: "index-picker", "data-testid": "index-picker" },
    (indices.indices && indices.indices.length ? indices.indices : [{ name, title: tree.title }]).map((ix) =>
      h("option", { value: ix.name, selected: ix.name === name }, ix.title ? `${ix.title} (${ix.name})` : ix.name),
    ),
  );
  indexSelect.addEventListener("change", () => {
    location.hash = `#/index/${encodeURIComponent(indexSelect.value)}`;
  });
  // "geometric-1-100": the geometric mean of values mapped to 1-100 first (a zero on one
  // indicator does not zero the whole group), as the uncertainty analysis does.
  const aggOptions = [
    ["arithmetic", "arithmetic"],
    ["geometric", "geometric"],
    [RESCALED_GEOMETRIC, "geometric on 1-100"],
  ];
  if (!aggOptions.some(([value]) => value === initialAggregation)) {
    aggOptions.unshift([initialAggregation, initialAggregation]);
  }
  const aggSelect = h(
    "select",
    { id: "aggregation", "data-testid": "aggregation" },
    aggOptions.map(([value, label]) => h("option", { value, selected: value === initialAggregation }, label)),
  );
  const methodNote = h("p", { class: "hint warning", "data-testid": "method-warning", role: "status" }, "");
  const excludeBox = h("input", { type: "checkbox", id: "exclude-aggregates", "data-testid": "exclude-aggregates" });
  const resetButton = h("button", { type: "button", id: "reset-weights", "data-testid": "reset" }, "Reset to default weights");
  const status = h("span", { class: "status muted", "data-testid": "compute-status", "aria-live": "polite" }, "");
  const chartScope = h(
    "select",
    { id: "chart-scope", "data-testid": "chart-scope" },
    h("option", { value: String(CHART_TOP) }, `top ${CHART_TOP}`),
    h("option", { value: "all" }, "all"),
  );
  const chartLimit = () => (chartScope.value === "all" ? Infinity : Number(chartScope.value));

  // the year of a panel index: a slider over the panel's years, with the year it shows
  const yearSlider = years
    ? h("input", {
        type: "range",
        id: "year",
        min: String(years[0]),
        max: String(years[1]),
        step: "1",
        value: String(typeof state.year === "number" ? state.year : years[1]),
        "data-testid": "year-slider",
        "aria-label": "Year",
      })
    : null;
  const yearOutput = years ? h("output", { for: "year", class: "year-value", "data-testid": "year-value" }, String(state.year)) : null;

  // -- sliders ---------------------------------------------------------------------------------
  const sliders = new Map(); // path -> {input, output, share}
  const totals = new Map(); // parent -> [elements showing the group total]
  let sliderCount = 0;

  function sliderRow(node) {
    sliderCount += 1;
    const id = `w-${sliderCount}`;
    const input = h("input", {
      type: "range",
      id,
      min: "0",
      max: String(sliderMax(defaults[node.path])),
      step: "0.005",
      value: String(defaults[node.path]),
      "aria-label": node.label,
      "data-path": node.path,
      "data-testid": "weight-slider",
    });
    const output = h("output", { for: id, class: "w-value" });
    const share = h("span", { class: "w-share", "data-testid": "weight-share" });
    sliders.set(node.path, { input, output, share, node });
    const onInput = () => {
      const value = Number(input.value);
      if (!Number.isFinite(value) || value === state.weights[node.path]) return;
      state.weights[node.path] = value;
      state.link = null;
      refreshGroup(node.parent ?? ROOT);
      writeAddress();
      scheduleCompute();
    };
    input.addEventListener("input", onInput);
    input.addEventListener("change", onInput);
    return h(
      "div",
      { class: "slider-row", title: node.path },
      h("label", { for: id }, node.label),
      input,
      h("span", { class: "w-readout" }, output, share),
    );
  }

  function groupBox(parent, title, level) {
    const siblings = groups.get(parent) || [];
    const total = h("span", { class: "group-total", "data-testid": "group-total", "data-parent": parent });
    if (!totals.has(parent)) totals.set(parent, []);
    totals.get(parent).push(total);
    const rows = [];
    for (const node of siblings) {
      rows.push(sliderRow(node));
      if (groups.has(node.path)) {
        const details = h(
          "details",
          { class: `subgroup level-${level + 1}`, "data-group": node.path },
          h("summary", {}, `${node.label}: weights within`),
          groupBox(node.path, node.label, level + 1),
        );
        rows.push(details);
      }
    }
    return h(
      "fieldset",
      { class: "weight-group", "data-parent": parent },
      h("legend", {}, title, " ", total),
      rows,
    );
  }

  function refreshGroup(parent) {
    const siblings = groups.get(parent) || [];
    const total = siblings.reduce((sum, n) => sum + state.weights[n.path], 0);
    for (const el of totals.get(parent) || []) el.textContent = `(sum ${fmt(total, 3)})`;
    for (const n of siblings) {
      const s = sliders.get(n.path);
      const w = state.weights[n.path];
      s.output.textContent = fmt(w, 3);
      s.share.textContent = total > 0 ? `${fmt((100 * w) / total, 1)}% of ${fmt(total, 3)}` : `– of ${fmt(total, 3)}`;
      s.input.setAttribute("aria-valuetext", `${fmt(w, 3)}, ${total > 0 ? fmt((100 * w) / total, 1) : "–"} percent of its group`);
    }
  }

  const weightPanel = h(
    "aside",
    { class: "weights-panel", "aria-label": "Weights", "data-testid": "weights-panel" },
    h("div", { class: "controls" },
      h("div", { class: "control" }, h("label", { for: "index-picker" }, "Index "), indexSelect),
      years
        ? h("div", { class: "control year-control" }, h("label", { for: "year" }, "Year "), yearSlider, " ", yearOutput,
            h("span", { class: "muted" }, ` (${years[0]}–${years[1]})`))
        : null,
      h("div", { class: "control" }, h("label", { for: "aggregation" }, "Aggregation "), aggSelect),
      h("div", { class: "control" }, excludeBox, h("label", { for: "exclude-aggregates" }, " Exclude aggregates (e.g. Europe)")),
      h("div", { class: "control" }, h("label", { for: "chart-scope" }, "Charts show "), chartScope, h("span", { class: "muted" }, " countries (tables: all)")),
      h("div", { class: "control" }, resetButton, " ", status),
      methodNote,
    ),
    h("p", { class: "hint muted" }, "Weights are relative: each is shown with its share of its group's total; the server rescales each group to sum to 1. The page's address holds the weights set, to share the view. Arrow keys move a focused slider."),
    groupBox(ROOT, "Top level", 1),
  );
  for (const parent of groups.keys()) refreshGroup(parent);

  // -- results ---------------------------------------------------------------------------------
  const rankingColumns = [
    { key: "rank", label: "Rank", numeric: true },
    {
      key: "change",
      label: "Δ rank vs default weights",
      numeric: true,
      format: (r) => changeCell(r.change),
      csv: (r) => (r.change === null || r.change === undefined ? "" : r.change),
    },
    { key: "name", label: "Country" },
    { key: "code", label: "Code" },
    { key: "score", label: "Score", numeric: true, format: (r) => fmt(r.score, 1), csv: (r) => r.score },
    {
      key: "interval",
      label: "Rank 5–95% (default weights)",
      numeric: true,
      format: (r) =>
        r.p05 === undefined
          ? "…"
          : h("span", { title: `median rank ${fmt(r.median, 1)}` }, `${fmt(r.p05, 0)}–${fmt(r.p95, 0)}`),
      csv: (r) => (r.p05 === undefined ? "" : `${r.p05}-${r.p95}`),
    },
  ];
  const rankingFig = tableFigure(`${tree.title || name}: ranking`, rankingColumns, [], {
    testid: "ranking-table",
    source: tree.source,
    edition: tree.edition,
    csv: { name: () => `${fileStem("ranking")}.csv` },
    // data-score: the score as the server sent it (full precision)
    rowAttrs: (r) => ({ "data-rank": r.rank, "data-score": r.score, class: r.is_aggregate ? "aggregate" : null }),
  });
  rankingFig.table.dataset.state = "loading";

  const uncertaintyFig = chartFigure("Rank intervals: 5th–95th percentile and median", {
    testid: "uncertainty",
    filename: () => `${name}${yearPart()}-rank-intervals`,
    height: 420,
  });
  const assumptionsNote = h("div", { class: "assumptions muted", "data-testid": "uncertainty-assumptions" }, "Computing rank intervals (1000 runs)…");
  uncertaintyFig.body.append(assumptionsNote);

  const mapFig = chartFigure("Scores on the world map", {
    testid: "map",
    filename: () => fileStem("map"),
    height: 440,
    plotly: loadGeoPlotly,
    config: { topojsonURL: TOPOJSON_URL },
  });
  mapFig.el.dataset.state = "loading";

  const contributionsFig = chartFigure("Contributions to the score by top-level component", {
    testid: "contributions",
    filename: () => fileStem("contributions"),
    height: 480,
  });

  const compareBoxes = h("div", { class: "compare-picks", role: "group", "aria-label": "Countries to compare (2 to 5)" });
  const compareHint = h("p", { class: "hint muted", "data-testid": "compare-hint" });
  const compareFig = chartFigure("Compare countries: component scores", {
    testid: "comparison",
    filename: () => fileStem("comparison"),
    height: 340,
  });
  compareFig.body.prepend(compareBoxes, compareHint);
  for (const u of units) {
    const box = h("input", {
      type: "checkbox",
      id: `cmp-${u.code}`,
      value: u.code,
      checked: state.compare.has(u.code),
      "data-code": u.code,
    });
    box.addEventListener("change", () => {
      if (box.checked) state.compare.add(u.code);
      else state.compare.delete(u.code);
      writeAddress();
      drawComparison();
      if (years) scheduleTrend();
    });
    compareBoxes.append(h("label", { class: "pick", for: `cmp-${u.code}` }, box, ` ${u.name}`));
  }

  // a panel index: rank by year of the countries picked, with the 5th-95th percentile band,
  // for the weights set; its downloads are named after what is drawn (state.trend)
  const TREND_TITLE = "Rank over time with the 5th–95th percentile band";
  const trendStem = () => {
    const t = state.trend;
    const codes = t ? [...new Set(t.rows.map((r) => r.code))] : [...state.compare];
    return `${name}-trend-${codes.join("-")}${t && t.custom_weights ? "-custom-weights" : ""}`;
  };
  const trendFig = years
    ? chartFigure(TREND_TITLE, { testid: "trend", filename: trendStem, height: 380 })
    : null;
  const trendNote = years ? h("p", { class: "hint muted", "data-testid": "trend-note" }, "") : null;
  const trendCSV = years ? h("a", { class: "download", "data-testid": "trend-csv" }, "Download CSV") : null;
  if (trendFig) {
    trendFig.body.append(trendNote);
    trendFig.actions.prepend(trendCSV);
  }

  // what the results are: the published weights, or re-weighted (and with which weights)
  const weightsLabel = h("p", { class: "weights-label", "data-testid": "weights-label", "data-state": "loading", role: "status" }, "");
  const results = h(
    "div",
    { class: "results" },
    weightsLabel,
    h("div", { class: "row two wide-first" }, rankingFig.el, uncertaintyFig.el),
    mapFig.el,
    trendFig ? trendFig.el : null,
    contributionsFig.el,
    compareFig.el,
  );
  container.append(
    h("h2", {}, tree.title || name, tree.edition ? ` ${tree.edition}` : ""),
    h("div", { class: "explorer" }, weightPanel, results),
  );

  // -- computing -------------------------------------------------------------------------------
  function requestBody(withWeights) {
    const rescaledGeometric = state.aggregation === RESCALED_GEOMETRIC;
    const body = {
      aggregation: rescaledGeometric ? "geometric" : state.aggregation,
      exclude_aggregates: state.exclude,
    };
    if (rescaledGeometric) body.rescale = [1, 100];
    if (years) body.year = state.year;
    if (withWeights) {
      // the raw slider weights, or the address's weights string as written: the library reads
      // them and rescales each group to sum to 1
      body.weights = state.link ?? { ...state.weights };
      body.renormalise = true;
    }
    return body;
  }

  /** Sliders set to the weights the server applied (method.weights: every node's weight). */
  function showWeights(applied) {
    for (const [path, w] of Object.entries(applied)) {
      const s = sliders.get(path);
      if (!s || !Number.isFinite(Number(w))) continue;
      state.weights[path] = Number(w);
      s.input.value = String(w);
      if (Math.abs(Number(w) - defaults[path]) > 1e-9) openGroupsAbove(path);
    }
    for (const parent of groups.keys()) refreshGroup(parent);
  }

  /** Unfold the groups holding `path`'s slider, so a changed weight is in view. */
  function openGroupsAbove(path) {
    for (let parent = path; parent.includes("/"); ) {
      parent = parent.slice(0, parent.lastIndexOf("/"));
      const details = weightPanel.querySelector(`details[data-group="${CSS.escape(parent)}"]`);
      if (details) details.open = true;
    }
  }

  /** Say what the results are: default weights, or re-weighted with which weights. */
  function labelWeights(applied, link) {
    state.reweighted = differs(applied, defaults);
    weightsLabel.dataset.state = state.reweighted ? "reweighted" : "default";
    const title = tree.title || name;
    if (state.reweighted) {
      const given = link ?? weightsString(nodes, state.weights, defaults);
      weightsLabel.replaceChildren(
        h("strong", {}, "Re-weighted: "),
        `not the published weights of ${title}; each group rescaled to sum to 1. Weights: `,
        h("code", { "data-testid": "weights-string" }, given),
      );
    } else {
      weightsLabel.replaceChildren(h("strong", {}, "Default weights: "), `${title} as published.`);
    }
    const suffix = `${yearPart(" ")}${state.reweighted ? ` (${CUSTOM})` : ""}`;
    setTitle(rankingFig, `${title}: ranking${suffix}`);
    setTitle(mapFig, `${title}: scores on the world map${suffix}`);
    setTitle(contributionsFig, `Contributions to the score by top-level component${suffix}`);
    setTitle(compareFig, `Compare countries: component scores${suffix}`);
    for (const fig of [rankingFig, mapFig, contributionsFig, compareFig]) fig.setQualifier(state.reweighted ? CUSTOM : "");
  }

  /** " 2023" (or "-2023" with sep "-") for a panel index, "" for a snapshot index. */
  function yearPart(sep = "-") {
    return years ? `${sep}${state.year}` : "";
  }

  /** A download's file name (no extension): index, what, year, and "custom-weights". */
  function fileStem(what) {
    return `${name}-${what}${yearPart()}${state.reweighted ? "-custom-weights" : ""}`;
  }

  /** The address of this view: the year (a panel index), the weights set on the sliders (when
   * not the defaults; the address's own string while no slider moved) and the countries picked
   * (when not the default picks): #/index/power?year=2023&weights=...&countries=KOR,CHN. */
  function writeAddress() {
    if (!isCurrent()) return;
    const params = [];
    if (years) params.push(`year=${encodeURIComponent(state.year)}`);
    const text = state.link ?? weightsString(nodes, state.weights, defaults);
    if (text) params.push(`weights=${encodeURIComponent(text)}`);
    const picks = [...state.compare];
    if (picks.join(",") !== defaultPicks.join(",")) params.push(`countries=${picks.map(encodeURIComponent).join(",")}`);
    const hash = `#/index/${encodeURIComponent(name)}${params.length ? `?${params.join("&")}` : ""}`;
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }

  async function baseline() {
    const key = `${state.aggregation}|${state.exclude}|${state.year}`;
    if (!state.baselines.has(key)) {
      const promise = postJSON(`/api/indices/${encodeURIComponent(name)}/compute`, requestBody(false));
      state.baselines.set(key, promise);
      promise.catch(() => state.baselines.delete(key));
    }
    const result = await state.baselines.get(key);
    return Object.fromEntries(result.ranking.map((r) => [r.code, rankOf(r)]));
  }

  function rankOf(r) {
    return state.exclude ? (r.rank_excluding_aggregates ?? r.rank) : r.rank;
  }

  async function computeNow() {
    state.seq += 1;
    const seq = state.seq;
    if (state.controller) state.controller.abort();
    state.controller = new AbortController();
    rankingFig.table.dataset.state = "loading";
    status.textContent = "computing…";
    const started = performance.now();
    const link = state.link;
    try {
      const [result, base] = await Promise.all([
        postJSON(`/api/indices/${encodeURIComponent(name)}/compute`, requestBody(true), {
          signal: state.controller.signal,
        }),
        baseline(),
      ]);
      if (seq !== state.seq || !isCurrent()) return;
      const ms = Math.round(performance.now() - started);
      status.textContent = `re-ranked in ${ms} ms`;
      status.dataset.ms = String(ms);
      state.result = result;
      state.base = base;
      const applied = (result.method && result.method.weights) || {};
      if (link !== null) showWeights(applied);
      labelWeights(applied, link);
      methodNote.textContent = ((result.method && result.method.warnings) || []).join(" ");
      dismissError(state.computeError);
      state.computeError = null;
      drawResults();
      rankingFig.table.dataset.state = "ready";
      rankingFig.table.dataset.year = years ? String(result.year ?? state.year) : "";
      if (years) {
        loadTrend();
        if (trendFig.el.dataset.state === "ready") describeTrend();
      }
    } catch (error) {
      if (error.name === "AbortError" || seq !== state.seq) return;
      rankingFig.table.dataset.state = "error";
      if (years && !state.trend) {
        trendFig.el.dataset.state = "error";
        trendNote.textContent = "Rank trends not computed: the weights set cannot be applied.";
      }
      status.textContent = "not computed (see the error above)";
      weightsLabel.dataset.state = "error";
      weightsLabel.textContent = link !== null ? `Not computed: the weights of the address (${link}) cannot be applied.` : "Not computed.";
      dismissError(state.computeError);
      state.computeError = showError(error, `computing ${name} with the weights set`);
    }
  }
  const scheduleCompute = debounce(computeNow, 40);

  function rows() {
    if (!state.result) return [];
    const u = state.uncertainty ? Object.fromEntries(state.uncertainty.countries.map((c) => [c.code, c])) : {};
    return state.result.ranking
      .filter((r) => !(state.exclude && r.is_aggregate))
      .map((r) => {
        const rank = rankOf(r);
        const before = state.base ? state.base[r.code] : undefined;
        const interval = u[r.code] || {};
        return {
          ...r,
          rank,
          change: before === undefined || rank === null ? null : before - rank,
          p05: interval.p05,
          p95: interval.p95,
          median: interval.median,
        };
      })
      .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
  }

  function drawResults() {
    const result = state.result;
    const shown = rows();
    rankingFig.update(shown, result.source || tree.source, result.edition || tree.edition, result.citations);
    const drawn = drawContributions(shown);
    drawComparison();
    drawUncertainty();
    // the map needs plotly's geo bundle (1.4 MB to parse): loaded once the first chart is
    // drawn, so that it does not delay the first view
    Promise.resolve(drawn).then(() => setTimeout(() => drawMap(shown), 0));
  }

  function drawMap(all) {
    const result = state.result;
    if (!result || !isCurrent()) return;
    const shown = all.filter((r) => !r.is_aggregate && r.score !== null && r.score !== undefined);
    const src = result.source || tree.source;
    const edition = result.edition || tree.edition;
    const what = `score${yearPart(" ")}${state.reweighted ? ` (${CUSTOM})` : ""}`;
    const seq = state.seq;
    mapFig.el.dataset.state = "loading";
    mapFig
      .draw(
        [
          {
            type: "choropleth",
            locationmode: "ISO-3",
            locations: shown.map((r) => r.code),
            z: shown.map((r) => r.score),
            text: shown.map((r) => `${r.rank}. ${r.name}`),
            colorscale: "Blues",
            reversescale: true, // the higher the score, the darker
            marker: { line: { color: "#ffffff", width: 0.4 } },
            colorbar: { title: { text: plotText(what) }, thickness: 14 },
            hovertemplate: `%{text}<br>${plotText(what)}: %{z:.1f}` + hoverSource(src, edition, result.citations),
          },
        ],
        {
          geo: {
            scope: "world",
            resolution: 50,
            // the whole world, centred on Greenwich (without a range plotly fits the view
            // to the countries drawn), Antarctica left out
            projection: { type: "natural earth", rotation: { lon: 0 } },
            center: { lon: 0, lat: 10 },
            lonaxis: { range: [-180, 180] },
            lataxis: { range: [-58, 85] },
            showframe: false,
            showcoastlines: false,
            showcountries: true,
            countrycolor: "#bbbbbb",
            showland: true,
            landcolor: "#eeeeee",
            bgcolor: "rgba(0,0,0,0)",
          },
          margin: { l: 0, r: 0, t: 0, b: 0 },
        },
        src,
        edition,
        result.citations,
      )
      .then(() => {
        if (seq === state.seq) mapFig.el.dataset.state = "ready";
      });
  }

  /** The trend's API address for the countries picked and the weights of the last computation:
   * the weights string (the address's as written, else the sliders') when they are not the
   * published weights, rescaled by the server like the computation's (renormalise). */
  function trendURL() {
    const picks = [...state.compare];
    let url = `/api/indices/${encodeURIComponent(name)}/trend?codes=${picks.map(encodeURIComponent).join(",")}&from=${years[0]}&to=${years[1]}&runs=${TREND_RUNS}&seed=1`;
    const text = state.reweighted ? (state.link ?? weightsString(nodes, state.weights, defaults)) : "";
    if (text) url += `&weights=${encodeURIComponent(text)}&renormalise=true`;
    return url;
  }

  /** Fetch the trend when the countries picked or the weights changed (not for a new year or
   * method: the trend covers every year, with the index's own methods). */
  async function loadTrend() {
    if (!years || !isCurrent() || !state.compare.size) return;
    const url = trendURL();
    if (url === state.trendURL) return;
    state.trendURL = url;
    state.trendSeq += 1;
    const seq = state.trendSeq;
    trendFig.el.dataset.state = "loading";
    trendNote.textContent = `Computing rank bands (${TREND_RUNS} runs)…`;
    try {
      const trend = await getJSON(url);
      if (seq !== state.trendSeq || !isCurrent()) return;
      state.trend = trend;
      trendCSV.href = csvURL(url);
      trendCSV.setAttribute("download", `${trendStem()}.csv`);
      drawTrend();
      trendFig.el.dataset.state = "ready";
    } catch (error) {
      if (seq !== state.trendSeq) return;
      state.trendURL = null;
      trendFig.el.dataset.state = "error";
      trendNote.textContent = "Rank trends unavailable.";
      showError(error, `the rank trends of ${name}`);
    }
  }
  const scheduleTrend = debounce(loadTrend, 150);

  /** The note under the trends: which weights, the band's runs, and the methods they use. */
  function describeTrend() {
    const t = state.trend;
    if (!t || !trendNote) return;
    const methods =
      state.aggregation !== initialAggregation || state.exclude
        ? " The trends use the index's own aggregation and rank every unit, whatever the aggregation and exclusion set above."
        : "";
    trendNote.textContent =
      `Line: rank with ${t.custom_weights ? "the weights set (custom weights, each group rescaled to sum to 1)" : "the published weights"}; ` +
      `band: 5th–95th percentile rank over ${t.runs} runs varying the index's documented assumptions around those weights (seed ${t.seed}), the same runs for every year. ` +
      `The dotted line marks the year shown above.${methods}`;
  }

  function drawTrend() {
    const t = state.trend;
    if (!t || !trendFig) return;
    const custom = Boolean(t.custom_weights);
    setTitle(trendFig, `${TREND_TITLE}${custom ? ` (${CUSTOM})` : ""}`);
    trendFig.setQualifier(custom ? CUSTOM : "");
    trendFig.el.dataset.weights = custom ? "custom" : "published";
    const src = t.source || tree.source;
    const hover = hoverSource(src, t.edition || tree.edition, t.citations);
    const traces = [];
    const codes = [...new Set(t.rows.map((r) => r.code))];
    codes.forEach((code, i) => {
      const rows = t.rows.filter((r) => r.code === code).sort((a, b) => a.year - b.year);
      const colour = BAND_COLOURS[i % BAND_COLOURS.length];
      const label = rows[0]?.name || unitName[code] || code;
      const x = rows.map((r) => r.year);
      // the band: the 95th percentile rank, then the 5th filled to it
      traces.push({
        type: "scatter", mode: "lines", x, y: rows.map((r) => r.q95_rank), line: { width: 0, color: colour },
        hoverinfo: "skip", showlegend: false, legendgroup: code,
      });
      traces.push({
        type: "scatter", mode: "lines", x, y: rows.map((r) => r.q05_rank), line: { width: 0, color: colour },
        fill: "tonexty", fillcolor: withAlpha(colour, 0.18), name: `${label}: 5th–95th percentile rank`,
        hoverinfo: "skip", showlegend: false, legendgroup: code,
      });
      traces.push({
        type: "scatter", mode: "lines+markers", x, y: rows.map((r) => r.rank), name: label,
        line: { color: colour, width: 2 }, marker: { size: 5, color: colour }, legendgroup: code,
        customdata: rows.map((r) => [r.q05_rank, r.q95_rank, r.median_rank, r.score]),
        hovertemplate: `${plotText(label)} %{x}: rank %{y} (5–95%: %{customdata[0]}–%{customdata[1]}, median %{customdata[2]}), score %{customdata[3]:.1f}` + hover,
      });
    });
    const year = Number(state.year);
    trendFig.draw(
      traces,
      {
        yaxis: { autorange: "reversed", title: { text: "rank (1 = best)" } },
        xaxis: { title: { text: "year" }, dtick: 5 },
        shapes: Number.isFinite(year)
          ? [{ type: "line", x0: year, x1: year, yref: "paper", y0: 0, y1: 1, line: { color: "#888", dash: "dot", width: 1 } }]
          : [],
        legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0 },
        margin: { l: 60, r: 20, t: 10, b: 50 },
      },
      src,
      t.edition || tree.edition,
      t.citations,
    );
    describeTrend();
  }

  function drawContributions(all) {
    const result = state.result;
    const shown = all.slice(0, chartLimit());
    const children = result.children || [];
    const labels = shown.map((r) => `${r.rank}. ${r.name}`);
    const src = result.source || tree.source;
    const traces = children.map((child) => ({
      type: "bar",
      orientation: "h",
      name: labelOf(child),
      y: labels,
      x: shown.map((r) => (result.contributions?.[r.code]?.[child] ?? null)),
      hovertemplate: `%{y}<br>${plotText(labelOf(child))}: %{x:.2f} points` + hoverSource(src, result.edition || tree.edition, result.citations),
    }));
    contributionsFig.div.style.height = `${Math.max(320, 22 * shown.length + 90)}px`;
    return contributionsFig.draw(
      traces,
      {
        barmode: "stack",
        yaxis: { autorange: "reversed", automargin: true },
        xaxis: { title: { text: "points of the total score" } },
        margin: { l: 10, r: 20, t: 10, b: 50 },
        legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0, traceorder: "normal" },
      },
      src,
      result.edition || tree.edition,
      result.citations,
    );
  }

  function drawComparison() {
    const result = state.result;
    const picked = [...state.compare];
    for (const box of compareBoxes.querySelectorAll("input")) {
      box.disabled = !box.checked && picked.length >= MAX_COMPARE;
    }
    compareHint.textContent =
      picked.length < 2
        ? "Pick at least 2 countries (up to 5)."
        : `${picked.length} of at most ${MAX_COMPARE} countries picked.`;
    if (!result || picked.length < 2) return;
    const children = result.children || [];
    const src = result.source || tree.source;
    const traces = picked.map((code) => ({
      type: "bar",
      name: unitName[code] || code,
      x: children.map((c) => wrapLabel(labelOf(c))),
      y: children.map((c) => result.node_scores?.[code]?.[c] ?? null),
      hovertemplate: `${plotText(unitName[code] || code)}<br>%{x}: %{y:.1f}` + hoverSource(src, result.edition || tree.edition, result.citations),
    }));
    compareFig.draw(
      traces,
      { barmode: "group", yaxis: { title: { text: "score" } }, xaxis: { tickangle: 0, automargin: true }, legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0 } },
      src,
      result.edition || tree.edition,
      result.citations,
    );
  }

  function drawUncertainty() {
    const u = state.uncertainty;
    if (!u) return;
    const list = u.countries
      .filter((c) => !(state.exclude && isAggregate(c.code)))
      .slice()
      .sort((a, b) => a.nominal - b.nominal)
      .slice(0, chartLimit());
    const labels = list.map((c) => c.name);
    const src = u.source || tree.source;
    const hover = hoverSource(src, u.edition || tree.edition, u.citations);
    uncertaintyFig.div.style.height = `${Math.max(320, 20 * list.length + 90)}px`;
    uncertaintyFig.draw(
      [
        {
          type: "scatter",
          mode: "markers",
          name: "nominal rank; bar: 5th–95th percentile",
          y: labels,
          x: list.map((c) => c.nominal),
          error_x: {
            type: "data",
            symmetric: false,
            array: list.map((c) => c.p95 - c.nominal),
            arrayminus: list.map((c) => c.nominal - c.p05),
            thickness: 1.5,
            width: 4,
          },
          customdata: list.map((c) => [c.p05, c.p95, c.median]),
          hovertemplate: "%{y}: nominal %{x}, 5–95%: %{customdata[0]}–%{customdata[1]}, median %{customdata[2]}" + hover,
          marker: { size: 8, color: "#1f4e79" },
        },
        {
          type: "scatter",
          mode: "markers",
          name: "median rank",
          y: labels,
          x: list.map((c) => c.median),
          marker: { symbol: "diamond-open", size: 9, color: "#c0504d" },
          hovertemplate: "%{y}: median rank %{x}" + hover,
        },
      ],
      {
        yaxis: { autorange: "reversed", automargin: true },
        xaxis: { title: { text: "rank (1 = best)" }, rangemode: "tozero" },
        margin: { l: 10, r: 20, t: 10, b: 50 },
        legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0 },
      },
      src,
      u.edition || tree.edition,
      u.citations,
    );
  }

  function isAggregate(code) {
    const unit = units.find((x) => x.code === code);
    return Boolean(unit && unit.is_aggregate);
  }

  function labelOf(path) {
    const node = nodes.find((n) => n.path === path);
    return node ? node.label : path;
  }

  async function loadUncertainty() {
    try {
      const year = state.year;
      const u = await getJSON(
        `/api/indices/${encodeURIComponent(name)}/uncertainty?runs=${UNCERTAINTY_RUNS}&seed=1${years ? `&year=${encodeURIComponent(year)}` : ""}`,
      );
      if (!isCurrent() || year !== state.year) return;
      state.uncertainty = u;
      setTitle(uncertaintyFig, `Rank intervals${yearPart(" ")}: 5th–95th percentile and median (published weights)`);
      assumptionsNote.replaceChildren(
        h("strong", {}, "Assumptions: "),
        describeAssumptions(u),
      );
      if (state.result) {
        rankingFig.update(rows(), state.result.source || tree.source, state.result.edition || tree.edition, state.result.citations);
      }
      drawUncertainty();
      uncertaintyFig.el.dataset.state = "ready";
    } catch (error) {
      assumptionsNote.textContent = "Rank intervals unavailable.";
      showError(error, `the rank uncertainty of ${name}`);
    }
  }

  // -- wiring -----------------------------------------------------------------------------------
  aggSelect.addEventListener("change", () => {
    state.aggregation = aggSelect.value;
    computeNow();
  });
  chartScope.addEventListener("change", () => {
    if (state.result) drawContributions(rows());
    drawUncertainty();
  });
  excludeBox.addEventListener("change", () => {
    state.exclude = excludeBox.checked;
    computeNow();
  });
  resetButton.addEventListener("click", () => {
    state.weights = { ...defaults };
    state.link = null;
    writeAddress();
    for (const [path, s] of sliders) s.input.value = String(defaults[path]);
    for (const parent of groups.keys()) refreshGroup(parent);
    computeNow();
  });

  if (yearSlider) {
    const onYear = debounce(() => {
      const year = Number(yearSlider.value);
      if (year === state.year) return;
      state.year = year;
      yearOutput.textContent = String(year);
      writeAddress();
      computeNow();
      assumptionsNote.textContent = `Computing rank intervals for ${year} (${UNCERTAINTY_RUNS} runs)…`;
      loadUncertainty();
      drawTrend();
    }, 60);
    yearSlider.addEventListener("input", () => {
      yearOutput.textContent = yearSlider.value;
      onYear();
    });
  }

  computeNow(); // and then the trends of a panel index, for the weights it applied
  loadUncertainty();
  return () => {
    if (state.controller) state.controller.abort();
  };
}

/** A long axis label broken into lines of about `width` characters ("\n", plotly's <br>). */
function setTitle(fig, text) {
  const heading = fig.el.querySelector("figcaption h3");
  if (heading) heading.textContent = text;
}

function wrapLabel(text, width = 16) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join("\n"); // plotSafe turns it into plotly's <br> after escaping the text
}

function changeCell(change) {
  if (change === null || change === undefined) return "–";
  if (change > 0) return h("span", { class: "up", title: `up ${change} vs default weights` }, `▲ ${change}`);
  if (change < 0) return h("span", { class: "down", title: `down ${-change} vs default weights` }, `▼ ${-change}`);
  return h("span", { class: "same", title: "same rank as with default weights" }, "=");
}

/** The uncertainty analysis's assumptions in words. */
export function describeAssumptions(u) {
  const a = u.assumptions || {};
  const parts = [];
  for (const w of a.weights || []) {
    if (w && typeof w === "object") {
      const noise = w.noise !== undefined ? `±${fmt(100 * w.noise, 0)}%` : JSON.stringify(w);
      parts.push(`weights at level ${w.level ?? w.node ?? "?"} vary ${noise}`);
    }
  }
  if (a.aggregation) {
    const methods = (Array.isArray(a.aggregation) ? a.aggregation : [a.aggregation]).map((m) =>
      typeof m === "string" ? m : `${m.method}${m.rescale ? ` (on scores rescaled to ${m.rescale.join("–")})` : ""}`,
    );
    parts.push(`aggregation: ${methods.join(" or ")}`);
  }
  for (const [key, value] of Object.entries(a)) {
    if (key === "weights" || key === "aggregation") continue;
    const text = Array.isArray(value) && value.every((v) => typeof v === "string") ? value.join(" or ") : JSON.stringify(value);
    parts.push(`${key}: ${text}`);
  }
  parts.push(`${u.runs} runs, seed ${u.seed}; ranks 1 = best; intervals are for the default weights`);
  return `${parts.join("; ")}.`;
}
