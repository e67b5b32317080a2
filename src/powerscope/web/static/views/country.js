// Country profile (#/country/{code}): technology, military, arms trade, alignment, and the
// dynamic outlook (a scenario runner for the dynamic model, in ./dynamics.js).
//
// One function per section. To add a section, write `async function mySection(el, ctx)` that
// fills `el` (ctx: {code, profile, isCurrent}) and add it to SECTIONS; a failing section shows
// its error in the alert region without stopping the others.

import {
  chartFigure,
  countryPicker,
  fmt,
  getJSON,
  h,
  hoverSource,
  loadCountries,
  showError,
  sourceNote,
  tableFigure,
} from "../lib.js";
import { dynamicsSection } from "./dynamics.js";
import { agreementFigure, armsTrendFigure, clientsFigure, partnerFigures } from "./parts.js";

export const SECTIONS = [
  { id: "technology", title: "Technology", render: technologySection },
  { id: "military", title: "Military", render: militarySection },
  { id: "arms", title: "Arms trade", render: armsSection },
  { id: "alignment", title: "Alignment", render: alignmentSection },
  { id: "dynamics", title: "Dynamic outlook", render: dynamicsSection },
];

export async function render(container, code, { isCurrent }) {
  code = code.toUpperCase();
  const countries = await loadCountries().catch(() => []);
  if (!isCurrent()) return;
  const heading = h("h2", { "data-testid": "country-heading" }, `Country profile: ${code}`);
  const toc = h(
    "nav",
    { class: "toc", "aria-label": "Sections" },
    SECTIONS.map((s) => h("a", { href: `#/country/${code}`, "data-target": s.id }, s.title)),
  );
  toc.addEventListener("click", (event) => {
    const target = event.target.closest("a[data-target]");
    if (!target) return;
    event.preventDefault();
    document.getElementById(target.dataset.target)?.scrollIntoView({ behavior: "smooth" });
  });
  const picker = countryPicker(countries, code, (value) => {
    location.hash = `#/country/${encodeURIComponent(value)}`;
  });
  const sections = SECTIONS.map((s) =>
    h(
      "section",
      { id: s.id, class: "profile-section", "data-testid": `section-${s.id}`, "aria-labelledby": `${s.id}-h` },
      h("h3", { id: `${s.id}-h`, class: "section-title" }, s.title),
      h("div", { class: "section-body" }, h("p", { class: "muted" }, "Loading…")),
    ),
  );
  container.append(h("div", { class: "view-head" }, heading, picker), toc, ...sections);

  let profile;
  try {
    profile = await getJSON(`/api/countries/${encodeURIComponent(code)}`);
  } catch (error) {
    if (!isCurrent()) return;
    for (const s of sections) s.querySelector(".section-body").replaceChildren(h("p", { class: "muted" }, "Not available."));
    showError(error, `the profile of ${code}`);
    return;
  }
  if (!isCurrent()) return;
  heading.textContent = `${profile.name || code} (${profile.code || code})`;
  const ctx = { code: profile.code || code, profile, isCurrent };
  await Promise.all(
    SECTIONS.map(async (s, i) => {
      const body = sections[i].querySelector(".section-body");
      const el = h("div", { class: "section-content" });
      try {
        await s.render(el, ctx);
        if (isCurrent()) body.replaceChildren(el);
      } catch (error) {
        if (!isCurrent()) return;
        body.replaceChildren(h("p", { class: "muted" }, `${s.title}: not available.`));
        showError(error, `the ${s.title.toLowerCase()} section of ${code}`);
      }
    }),
  );
}

function headline(...items) {
  return h(
    "dl",
    { class: "headline" },
    items.filter(Boolean).map(([label, value]) => h("div", {}, h("dt", {}, label), h("dd", {}, value))),
  );
}

/** Technology: the country on the CETI (overall, and per sector). */
async function technologySection(el, { code, profile }) {
  const tech = profile.technology;
  if (!tech || tech.available === false) {
    el.append(h("p", { class: "muted" }, `${code} is not covered by the Critical and Emerging Technologies Index.`));
    return;
  }
  const head = tech.index || tech;
  const sectors = tech.sectors || [];
  el.append(
    headline(
      ["CETI score", fmt(head.score, 1)],
      ["CETI rank", head.rank !== undefined ? `${head.rank}${head.of ? ` of ${head.of}` : ""}` : "–"],
      head.rank_excluding_aggregates !== undefined && [
        "Rank among countries",
        `${head.rank_excluding_aggregates}${head.of_countries ? ` of ${head.of_countries}` : ""}`,
      ],
      tech.strongest && ["Strongest pillar", tech.strongest],
      tech.weakest && ["Weakest pillar", tech.weakest],
    ),
  );
  const table = tableFigure(
    "CETI sectors",
    [
      { key: "name", label: "Sector" },
      { key: "score", label: "Score", numeric: true, format: (r) => fmt(r.score, 1) },
      { key: "rank", label: "Rank", numeric: true },
      { key: "contribution", label: "Points contributed", numeric: true, format: (r) => fmt(r.contribution, 1) },
      { key: "strongest", label: "Strongest pillar (rank)", format: (r) => (r.strongest ? `${r.strongest} (${r.strongest_rank})` : "–"), csv: (r) => r.strongest },
      { key: "weakest", label: "Weakest pillar (rank)", format: (r) => (r.weakest ? `${r.weakest} (${r.weakest_rank})` : "–"), csv: (r) => r.weakest },
    ],
    sectors,
    { testid: "technology-table", source: tech.source, citations: tech.citations, csv: { name: `${code}-ceti-sectors.csv` } },
  );
  const chart = chartFigure("CETI sector scores (label: rank)", { testid: "technology-chart", filename: `${code}-ceti-sectors`, height: 300 });
  el.append(h("div", { class: "row two wide-first" }, table.el, chart.el));
  chart.draw(
    [
      {
        type: "bar",
        x: sectors.map((s) => s.name),
        y: sectors.map((s) => s.score),
        text: sectors.map((s) => `#${s.rank}`),
        textposition: "outside",
        marker: { color: "#1f4e79" },
        hovertemplate: "%{x}: score %{y:.1f}, rank %{text}" + hoverSource(tech.source, "", tech.citations),
      },
    ],
    { yaxis: { title: { text: "score (0–100)" }, rangemode: "tozero" }, margin: { l: 50, r: 10, t: 20, b: 60 } },
    tech.source,
    "",
    tech.citations,
  );
}

const MEASURE_LABELS = {
  gfp: "Global Firepower PowerIndex",
  milex: "SIPRI military expenditure",
  cinc: "COW CINC (national capabilities)",
  open: "powerscope open military index",
};

/** Military: ranks on four measures, and SIPRI spending over time. */
async function militarySection(el, { code, profile }) {
  const mil = profile.military;
  if (!mil || mil.available === false) {
    el.append(h("p", { class: "muted" }, `No military figures for ${code}.`));
    return;
  }
  const measures = Object.entries(mil.measures || {}).map(([measure, m]) => ({
    measure,
    label: MEASURE_LABELS[measure] || measure,
    ...m,
  }));
  const table = tableFigure(
    "Military strength: four measures",
    [
      { key: "label", label: "Measure", format: (r) => h("span", { title: r.source ? `Source: ${r.source}` : "" }, r.label) },
      { key: "rank", label: "Rank", numeric: true, format: (r) => (r.rank === null || r.rank === undefined ? "–" : `${r.rank}${r.of ? ` of ${r.of}` : ""}`), csv: (r) => r.rank },
      { key: "value", label: "Value", numeric: true, format: (r) => fmt(r.value, r.value !== null && Math.abs(r.value) < 10 ? 4 : 0) },
      { key: "unit", label: "Unit" },
      { key: "year", label: "Year", numeric: true },
    ],
    measures,
    {
      testid: "military-table",
      source: [...new Set(measures.map((m) => m.source).filter(Boolean))].join("; "),
      citations: mil.citations,
      csv: { name: `${code}-military.csv` },
    },
  );
  el.append(table.el);
  const trend = mil.milex_trend || [];
  if (trend.length) {
    const milex = (mil.measures && mil.measures.milex) || {};
    const chart = chartFigure(`Military spending, ${milex.unit || "US$ millions"}`, {
      testid: "milex-chart",
      filename: `${code}-milex`,
      height: 280,
    });
    el.append(chart.el);
    chart.draw(
      [
        {
          type: "scatter",
          mode: "lines+markers",
          name: milex.unit || "US$ millions",
          x: trend.map((t) => t.year),
          y: trend.map((t) => t.constant_2023_usd_m),
          customdata: trend.map((t) => t.share_of_gdp_pct),
          hovertemplate: "%{x}: US$ %{y:,.0f} m (%{customdata:.2f}% of GDP)" + hoverSource(milex.source, "", milex.citations),
        },
      ],
      { yaxis: { title: { text: milex.unit || "US$ millions" }, rangemode: "tozero" }, xaxis: { dtick: 1 } },
      milex.source,
      "",
      milex.citations,
    );
  }
}

/** Arms trade: annual exports (TIV) and the top clients. */
async function armsSection(el, { code, profile }) {
  const arms = profile.arms;
  const trendPromise = armsTrendFigure([code], { title: `Annual arms exports of ${profile.name || code}`, testid: "country-arms-trend" });
  const parts = [];
  if (arms && arms.available === false) {
    parts.push(h("p", { class: "muted" }, arms.reason || `No arms exports recorded for ${code}.`));
  } else if (arms) {
    const now = arms.current || (arms.trend || []).at(-1);
    const before = arms.previous;
    parts.push(
      headline(
        now && [`Rank among exporters, ${now.period}`, String(now.rank ?? "–")],
        now && ["World share", `${fmt(now.share, 1)}%`],
        now && ["Exports (TIV millions)", fmt(now.tiv, 0)],
        before && [`Rank, ${before.period}`, String(before.rank ?? "–")],
        arms.pending_tiv !== undefined && ["Pending orders (TIV millions)", fmt(arms.pending_tiv, 0)],
      ),
      h("div", { class: "figure-source", "data-testid": "arms-headline-source" }, sourceNote(arms.source, arms.edition, arms.citations)),
    );
  }
  const trend = await trendPromise;
  const row = h("div", { class: "row two" }, trend.el);
  if (arms && arms.clients && arms.clients.length) row.append(clientsFigure({ ...arms, code }).el);
  el.append(...parts, row);
}

/** Alignment: like-minded partners (with rank intervals) and UN vote agreement with major powers. */
async function alignmentSection(el, { code }) {
  const [partners, agreement] = await Promise.all([partnerFigures(code, { top: 10 }), agreementFigure(code)]);
  el.append(
    h("div", { class: "row two" }, partners.table.el, agreement.table.el),
    h("p", {}, h("a", { href: `#/partners/${code}` }, "All partners, with rank intervals →")),
  );
}
