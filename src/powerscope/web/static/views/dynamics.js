// The dynamic outlook of a country profile: a scenario runner for powerscope's model of science &
// technology, economy and defence (docs/dynamics.md).
//
//   GET  /api/dynamics/scenarios, /api/dynamics/parameters   the choices and the levers' ranges
//   POST /api/dynamics/{code}/run                            a shipped/saved scenario, or levers
//   GET  /api/dynamics/{code}/loops?scenario=...             which feedback loop dominates
//   GET  /api/dynamics/{code}/backtest?origins=2005,2010,2014  model vs last value, drift and ETS, 3 origins

import {
  ApiError,
  chartFigure,
  dismissError,
  fmt,
  getJSON,
  h,
  hoverSource,
  plotText,
  postJSON,
  showError,
  tableFigure,
} from "../lib.js";

export const RUNS = 2000;
const FIRST_YEAR = 2025;
const LAST_YEARS = [2035, 2040, 2050, 2075, 2100];
const CUSTOM = "__levers__";

/** Outputs of the model, in reading order, with labels. */
export const OUTPUTS = [
  ["gdp", "GDP"],
  ["rd_intensity", "R&D intensity"],
  ["researchers", "Researchers"],
  ["recruited", "Recruits still in the country"],
  ["articles", "Journal articles"],
  ["patents", "Patents"],
  ["hightech_exports", "High-tech exports"],
  ["knowledge", "Knowledge stock (R&D capital)"],
  ["milex", "Military spending"],
  ["military_capital", "Military capital"],
  ["defence_industry", "Defence-industrial capacity"],
  ["arms_exports", "Arms exports"],
];
const LABEL = Object.fromEntries(OUTPUTS);

const MODE_TEXT = {
  virtuous: "virtuous (reinforcing loops dominate while knowledge grows)",
  vicious: "vicious (reinforcing loops dominate while knowledge shrinks)",
  balancing: "balancing (growth slowing towards a steady state)",
  neutral: "neutral",
};

/** The backtest's series in words (as the brief names them). */
const BACKTEST_LABEL = {
  gdp: "GDP",
  rd_intensity: "R&D, % of GDP",
  researchers: "Researchers",
  articles: "Journal articles",
  patents: "Patent applications",
  hightech_exports: "High-tech exports",
  milex: "Military spending",
  arms_exports: "Arms exports (3-year sums)",
};

/** The forecast origins of the backtest (last fit years) and its ensemble runs. */
export const BACKTEST_ORIGINS = [2005, 2010, 2014];
const BACKTEST_RUNS = 300;

/** The forecasts of the backtest in words: the model and its three benchmarks. */
const FORECAST_LABEL = {
  model: "the model",
  last_value: "the last value",
  drift: "the drift (trend)",
  ets: "exponential smoothing (ETS)",
};

/**
 * The levers of the runner: [parameter, label, default, slider min, max, step, how it is sent].
 * Recruits come with their own from/to years; the R&D change is an `add` on the calibrated
 * target from the programme's first year on.
 */
const LEVERS = [
  { id: "recruits", param: "recruits", label: "Recruits per year (researchers from abroad)", value: 0, min: 0, max: 5000, step: 50, digits: 0 },
  { id: "recruit_retention", param: "recruit_retention", label: "Recruit retention (share staying each year)", value: 0.9, min: 0, max: 1, step: 0.01, digits: 2 },
  { id: "recruit_productivity", param: "recruit_productivity", label: "Recruit productivity (× an average researcher)", value: 1.5, min: 0, max: 5, step: 0.1, digits: 1 },
  { id: "rd_change", param: "rd_target", label: "R&D target change (pp of GDP)", value: 0, min: -3, max: 3, step: 0.1, digits: 1 },
  { id: "spillover", param: "spillover", label: "Spillover from partners (share of own R&D investment)", value: 0, min: 0, max: 1, step: 0.01, digits: 2 },
];

function signed(value, digits = 2, unit = "%") {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return `${value > 0 ? "+" : ""}${fmt(value, digits)}${unit}`;
}

function digitsFor(value) {
  const v = Math.abs(value || 0);
  return v >= 1000 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3;
}

/** A lever: a labelled number input (any value: the server explains a bad one) and a slider. */
function leverControl(lever, onInput) {
  const number = h("input", {
    type: "number",
    id: `dyn-${lever.id}`,
    step: String(lever.step),
    value: String(lever.value),
    "data-testid": `dynamics-${lever.id}`,
    "data-param": lever.param,
  });
  const slider = h("input", {
    type: "range",
    min: String(lever.min),
    max: String(lever.max),
    step: String(lever.step),
    value: String(lever.value),
    "aria-label": lever.label,
    "data-testid": `dynamics-${lever.id}-slider`,
  });
  slider.addEventListener("input", () => {
    number.value = slider.value;
    onInput();
  });
  number.addEventListener("input", () => {
    if (number.value !== "" && Number.isFinite(Number(number.value))) slider.value = number.value;
    onInput();
  });
  const el = h("div", { class: "lever" }, h("label", { for: `dyn-${lever.id}` }, lever.label), h("div", { class: "lever-inputs" }, number, slider));
  return { el, number, slider, reset: () => { number.value = slider.value = String(lever.value); } };
}

/** The scenario mapping (docs/dynamics.md) the levers describe. */
function leversScenario(controls) {
  const value = (id) => {
    const text = controls[id].number.value.trim();
    const n = Number(text);
    return text === "" || !Number.isFinite(n) ? text : n; // the server names a bad value
  };
  const set = {
    recruits: { value: value("recruits"), from: value("from"), to: value("to") },
    recruit_retention: value("recruit_retention"),
    recruit_productivity: value("recruit_productivity"),
  };
  const spill = value("spillover");
  if (spill !== 0) set.spillover = spill;
  const scenario = { name: "levers", title: "Levers set on the dashboard", set };
  const rd = value("rd_change");
  if (rd !== 0) scenario.add = { rd_target: { value: rd, from: value("from") } };
  return scenario;
}

/** Spans of consecutive years with the same mode and dominant loop. */
export function loopSpans(years) {
  const spans = [];
  for (const row of years || []) {
    const last = spans.at(-1);
    if (last && last.mode === row.mode && last.dominant_loop === row.dominant_loop) {
      last.to = row.year;
      last.growth_to = row.knowledge_growth;
    } else {
      spans.push({ from: row.year, to: row.year, mode: row.mode, dominant_loop: row.dominant_loop, growth_from: row.knowledge_growth, growth_to: row.knowledge_growth });
    }
  }
  return spans;
}

/** Render the dynamics section of a country profile into `el`. */
export async function dynamicsSection(el, { code, profile, isCurrent }) {
  const name = (profile && profile.name) || code;
  const [scenarios, parameters] = await Promise.all([
    getJSON("/api/dynamics/scenarios"),
    getJSON("/api/dynamics/parameters").catch(() => ({ parameters: [] })),
  ]);
  const ranges = Object.fromEntries((parameters.parameters || []).map((p) => [p.name, p]));

  // -- controls ---------------------------------------------------------------------------
  const scenarioSelect = h(
    "select",
    { id: "dyn-scenario", "data-testid": "dynamics-scenario" },
    h("option", { value: CUSTOM }, "Levers set below"),
    h(
      "optgroup",
      { label: "Shipped scenarios" },
      (scenarios.scenarios || []).filter((s) => s.kind === "shipped").map((s) => h("option", { value: s.name, title: s.description, selected: s.name === "baseline" }, `${s.name}: ${s.title}`)),
    ),
    (scenarios.scenarios || []).some((s) => s.kind === "saved")
      ? h("optgroup", { label: "Saved scenarios" }, scenarios.scenarios.filter((s) => s.kind === "saved").map((s) => h("option", { value: s.name, title: s.description }, `${s.name}${s.title ? `: ${s.title}` : ""}`)))
      : null,
  );
  const outputSelect = h("select", { id: "dyn-output", "data-testid": "dynamics-output" }, OUTPUTS.map(([key, label]) => h("option", { value: key, selected: key === "articles" }, label)));
  const lastSelect = h("select", { id: "dyn-last", "data-testid": "dynamics-last" }, LAST_YEARS.map((y) => h("option", { value: String(y), selected: y === 2050 }, String(y))));
  const runButton = h("button", { type: "submit", "data-testid": "dynamics-run" }, "Run");
  const status = h("span", { class: "status muted", "data-testid": "dynamics-status", "aria-live": "polite" });

  const controls = {};
  const toCustom = () => {
    scenarioSelect.value = CUSTOM;
  };
  for (const lever of LEVERS) {
    const meta = ranges[lever.param];
    if (meta && lever.param !== "rd_target" && typeof meta.default === "number") lever.value = meta.default;
    controls[lever.id] = leverControl(lever, toCustom);
  }
  for (const [id, label, value] of [["from", "Recruiting from (year)", 2026], ["to", "to (year)", 2035]]) {
    const number = h("input", { type: "number", id: `dyn-${id}`, step: "1", value: String(value), "data-testid": `dynamics-${id}` });
    number.addEventListener("input", toCustom);
    controls[id] = { number, el: h("div", { class: "lever lever-year" }, h("label", { for: `dyn-${id}` }, label), number) };
  }
  const leverBox = h(
    "fieldset",
    { class: "levers", "data-testid": "dynamics-levers" },
    h("legend", {}, "Levers (a scenario of your own; editing one selects it)"),
    controls.recruits.el,
    h("div", { class: "lever-years" }, controls.from.el, controls.to.el),
    controls.recruit_retention.el,
    controls.recruit_productivity.el,
    controls.rd_change.el,
    controls.spillover.el,
  );
  const form = h(
    "form",
    { class: "dyn-form", "data-testid": "dynamics-form", "aria-label": "Scenario runner" },
    h(
      "div",
      { class: "controls inline" },
      h("div", { class: "control" }, h("label", { for: "dyn-scenario" }, "Scenario "), scenarioSelect),
      h("div", { class: "control" }, h("label", { for: "dyn-last" }, `Years ${FIRST_YEAR}–`), lastSelect),
      h("div", { class: "control" }, h("label", { for: "dyn-output" }, "Output "), outputSelect),
      h("div", { class: "control" }, runButton),
      status,
    ),
    leverBox,
  );

  // -- figures ----------------------------------------------------------------------------
  const chart = chartFigure("Projection", { testid: "dynamics-chart", filename: `${code}-dynamics`, height: 320 });
  const effect = chartFigure("Effect against the baseline", { testid: "dynamics-effect-chart", filename: `${code}-dynamics-effect`, height: 320 });
  const headlineSlot = h("div", { class: "slot", "data-testid": "dynamics-headline" });
  const loopsSlot = h("div", { class: "slot", "data-testid": "dynamics-loops" });
  const backtestSlot = h("div", { class: "slot", "data-testid": "dynamics-backtest" }, h("p", { class: "muted" }, "Loading the backtest…"));
  // the calibration window, as the first run's answer gives it
  const fitNote = h("span", { "data-testid": "dynamics-fit" });
  const results = h(
    "div",
    { class: "dyn-results", "data-testid": "dynamics-results", "data-state": "idle" },
    h("div", { class: "row two" }, chart.el, effect.el),
    h("div", { class: "row two wide-first" }, headlineSlot, loopsSlot),
    backtestSlot,
  );
  el.append(
    h(
      "p",
      { class: "hint muted" },
      `A calibrated system-dynamics model of ${name}'s science & technology, economy and defence`,
      fitNote,
      `, run ${RUNS} times with parameters drawn from their uncertainty. Bands: 5th–95th percentiles; effects: scenario against the baseline, run by run. `,
      h("a", { href: "/openapi.json" }, "API"),
      ".",
    ),
    form,
    results,
  );

  let report = null;
  let alertItem = null;

  function scenarioChoice() {
    return scenarioSelect.value === CUSTOM ? leversScenario(controls) : scenarioSelect.value;
  }

  function draw() {
    if (!report) return;
    const key = outputSelect.value;
    const series = (report.series || []).find((s) => s.name === key);
    if (!series) return;
    const x = report.years;
    if (Array.isArray(report.fit)) fitNote.textContent = ` (fit ${report.fit[0]}–${report.fit[1]})`;
    const hover = hoverSource(report.source, "", report.citations);
    const label = LABEL[key] || key;
    const title = report.scenario.title || report.scenario.name;
    chart.el.querySelector("figcaption h3").textContent = `${label} (${series.unit}): ${title}`;
    chart.draw(
      [
        { type: "scatter", mode: "lines", x, y: series.p05, line: { width: 0 }, showlegend: false, hoverinfo: "skip", name: "5th percentile" },
        { type: "scatter", mode: "lines", x, y: series.p95, line: { width: 0 }, fill: "tonexty", fillcolor: "rgba(31,78,121,0.18)", name: "5–95% band", customdata: series.p05, hovertemplate: `%{x}: 5–95% %{customdata:,.4g} – %{y:,.4g} ${plotText(series.unit)}` + hover },
        { type: "scatter", mode: "lines", x, y: series.median, line: { color: "#1f4e79", width: 2 }, name: "median", hovertemplate: `%{x}: median %{y:,.4g} ${plotText(series.unit)}` + hover },
      ],
      { yaxis: { title: { text: series.unit }, rangemode: "tozero" }, xaxis: { title: { text: "year" } } },
      report.source,
      "",
      report.citations,
    );
    effect.el.querySelector("figcaption h3").textContent = `Effect on ${label.toLowerCase()} against the baseline (%)`;
    effect.draw(
      [
        { type: "scatter", mode: "lines", x, y: series.effect_p05, line: { width: 0 }, showlegend: false, hoverinfo: "skip", name: "5th percentile" },
        { type: "scatter", mode: "lines", x, y: series.effect_p95, line: { width: 0 }, fill: "tonexty", fillcolor: "rgba(192,80,77,0.18)", name: "5–95% band", customdata: series.effect_p05, hovertemplate: "%{x}: 5–95% %{customdata:+.2f}% – %{y:+.2f}%" + hover },
        { type: "scatter", mode: "lines", x, y: series.effect_median, line: { color: "#c0504d", width: 2 }, name: "median effect", hovertemplate: "%{x}: median %{y:+.2f}%" + hover },
      ],
      { yaxis: { title: { text: "% vs baseline" }, zeroline: true }, xaxis: { title: { text: "year" } } },
      report.source,
      "",
      report.citations,
    );
  }

  function headlineTable() {
    const rows = OUTPUTS.map(([key, label]) => ({ key, label, ...(report.headline[key] || {}) }));
    const year = rows[0] && rows[0].year;
    const table = tableFigure(
      `Headline figures in ${year} (${report.scenario.title || report.scenario.name})`,
      [
        { key: "label", label: "Output" },
        { key: "median", label: "Median", numeric: true, format: (r) => fmt(r.median, digitsFor(r.median)) },
        { key: "p05", label: "5–95%", numeric: true, format: (r) => `${fmt(r.p05, digitsFor(r.p05))} – ${fmt(r.p95, digitsFor(r.p95))}`, csv: (r) => `${r.p05} - ${r.p95}` },
        { key: "unit", label: "Unit" },
        { key: "effect_median", label: "Effect vs baseline", numeric: true, format: (r) => signed(r.effect_median) },
        { key: "effect_p05", label: "Effect 5–95%", numeric: true, format: (r) => (r.effect_p05 === null && r.effect_p95 === null ? "–" : `${signed(r.effect_p05)} – ${signed(r.effect_p95)}`), csv: (r) => `${r.effect_p05} - ${r.effect_p95}` },
      ],
      rows,
      {
        testid: "dynamics-headline-table",
        source: report.source,
        citations: report.citations,
        csv: { name: `${code}-dynamics-${report.scenario.name}-${year}.csv` },
        rowAttrs: (r) => ({ "data-output": r.key, "data-effect": r.effect_median ?? "" }),
      },
    );
    headlineSlot.replaceChildren(table.el);
  }

  async function loadLoops(choice) {
    const scenario = typeof choice === "string" ? choice : "baseline";
    const last = lastSelect.value;
    const url = `/api/dynamics/${encodeURIComponent(code)}/loops?scenario=${encodeURIComponent(scenario)}&last=${last}`;
    try {
      const loops = await getJSON(url);
      if (!isCurrent()) return;
      const names = Object.fromEntries((loops.loops || []).map((lp) => [lp.id, `${lp.id} ${lp.name}`]));
      const spans = loopSpans(loops.years);
      const counts = loops.summary || {};
      const final = (loops.years || []).at(-1) || {};
      const table = tableFigure(
        `Which loop dominates (${scenario}${typeof choice === "string" ? "" : "; levers are read on the baseline"})`,
        [
          { key: "from", label: "Years", format: (r) => (r.from === r.to ? String(r.from) : `${r.from}–${r.to}`), csv: (r) => `${r.from}-${r.to}` },
          { key: "mode", label: "Mode" },
          { key: "dominant_loop", label: "Dominant loop", format: (r) => names[r.dominant_loop] || r.dominant_loop },
          { key: "growth_from", label: "Knowledge growth (%/yr)", numeric: true, format: (r) => `${fmt(r.growth_from, 1)} → ${fmt(r.growth_to, 1)}`, csv: (r) => `${r.growth_from} -> ${r.growth_to}` },
        ],
        spans,
        { testid: "dynamics-loops-table", source: loops.source, citations: loops.citations, csv: { url } },
      );
      const summary = h(
        "p",
        { class: "hint", "data-testid": "dynamics-loops-summary" },
        `Years by mode: ${Object.entries(counts).map(([m, n]) => `${m} ${n}`).join(", ")}. In ${final.year}: ${MODE_TEXT[final.mode] || final.mode}; dominant loop ${names[final.dominant_loop] || final.dominant_loop}.`,
      );
      table.body.prepend(summary);
      loopsSlot.replaceChildren(table.el);
    } catch (error) {
      if (!isCurrent()) return;
      loopsSlot.replaceChildren(h("p", { class: "muted" }, "Loop reading not available."));
      showError(error, `the loop reading of ${code}`);
    }
  }

  async function loadBacktest() {
    const url = `/api/dynamics/${encodeURIComponent(code)}/backtest?origins=${BACKTEST_ORIGINS.join(",")}&runs=${BACKTEST_RUNS}&seed=1`;
    const data = await getJSON(url);
    if (!isCurrent()) return;
    const rows = data.series || [];
    const summary = data.summary || {};
    const lowest = (r, key) => (r.use === key ? "up" : "");
    const error = (key, field) => (r) => h("span", { class: lowest(r, key) }, fmt(r[field], 1));
    const useText = (r) => {
      if (!r.use) return "–";
      if (r.use === "model") return FORECAST_LABEL.model;
      return h("span", { class: "down", title: r.advice || "" }, `${FORECAST_LABEL[r.use] || r.use}, not the model`);
    };
    const table = tableFigure(
      `Backtest from ${data.origins.join(", ")} (fitted from ${data.start}, tested to ${data.last}): mean absolute % error over the origins, lowest in green`,
      [
        { key: "name", label: "Series", format: (r) => BACKTEST_LABEL[r.name] || r.name, csv: (r) => BACKTEST_LABEL[r.name] || r.name },
        { key: "model_error", label: "Model", numeric: true, format: error("model", "model_error") },
        { key: "last_value_error", label: "Last value", numeric: true, format: error("last_value", "last_value_error") },
        { key: "baseline_error", label: "Drift (trend)", numeric: true, format: error("drift", "baseline_error") },
        { key: "ets_error", label: "ETS", numeric: true, format: error("ets", "ets_error") },
        { key: "model_beats_naive", label: "Model beats both naive", numeric: true, format: (r) => (r.origins ? `${r.model_beats_naive} of ${r.origins}` : "–") },
        { key: "coverage_90_noise", label: "In 90% band", numeric: true, format: (r) => (r.coverage_90_noise === null || r.coverage_90_noise === undefined ? "–" : `${fmt(100 * r.coverage_90_noise, 0)}%`) },
        { key: "use", label: "Forecast to use", format: useText, csv: (r) => r.use || "" },
      ],
      rows,
      { testid: "dynamics-backtest-table", source: data.source, citations: data.citations, csv: { url }, rowAttrs: (r) => ({ "data-series": r.name, "data-use": r.use || "" }) },
    );
    const share = summary.coverage_90_noise === null || summary.coverage_90_noise === undefined ? "–" : `${fmt(100 * summary.coverage_90_noise, 0)}%`;
    const others = rows.filter((r) => r.use && r.use !== "model").length;
    table.body.append(
      h(
        "p",
        { class: "hint muted", "data-testid": "dynamics-backtest-summary" },
        `Over ${data.origins.length} forecast origins the model beats both naive forecasts (last value and drift) in ${summary.model_beats_naive} of ${summary.cases} cases (series and origins); exponential smoothing (AutoETS) in ${summary.ets_beats_naive}. The model's 90% bands (with year-by-year shocks; ${data.runs} runs) hold ${share} of the test values. ` +
          (others ? `For ${others} of ${rows.length} series another forecast has the lower mean error: use it there, not the model.` : "The model has the lowest mean error on every series."),
      ),
    );
    backtestSlot.replaceChildren(table.el);
  }

  async function run() {
    const choice = scenarioChoice();
    const body = { scenario: choice, years: `${FIRST_YEAR}-${lastSelect.value}`, runs: RUNS, seed: 1 };
    results.dataset.state = "loading";
    runButton.disabled = true;
    status.textContent = "Running…";
    const started = performance.now();
    try {
      const answer = await postJSON(`/api/dynamics/${encodeURIComponent(code)}/run`, body);
      if (!isCurrent()) return;
      report = answer;
      dismissError(alertItem);
      alertItem = null;
      draw();
      headlineTable();
      status.textContent = `${report.runs} runs in ${Math.round(performance.now() - started)} ms`;
      results.dataset.scenario = report.scenario.name;
      results.dataset.state = "ready";
      loadLoops(choice);
    } catch (error) {
      if (!isCurrent()) return;
      results.dataset.state = "error";
      status.textContent = "Not run: see the message above.";
      dismissError(alertItem);
      alertItem = showError(error, `running the scenario for ${code}`);
    } finally {
      runButton.disabled = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  outputSelect.addEventListener("change", draw);

  // The first run: the baseline (or the country cannot be modelled, which is said here).
  try {
    const first = await postJSON(`/api/dynamics/${encodeURIComponent(code)}/run`, { scenario: "baseline", years: `${FIRST_YEAR}-2050`, runs: RUNS, seed: 1 });
    if (!isCurrent()) return;
    report = first;
    draw();
    headlineTable();
    results.dataset.scenario = "baseline";
    results.dataset.state = "ready";
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      el.replaceChildren(
        h("p", { class: "muted", "data-testid": "dynamics-unavailable" }, `The dynamic model cannot be run for ${name}: ${error.detail.what}${error.detail.fix ? `. ${error.detail.fix}` : ""}.`),
      );
      return;
    }
    throw error;
  }
  await Promise.all([
    loadLoops("baseline"),
    loadBacktest().catch((error) => {
      if (!isCurrent()) return;
      backtestSlot.replaceChildren(h("p", { class: "muted" }, "Backtest not available."));
      showError(error, `the backtest of ${code}`);
    }),
  ]);
}
