// Figures shared by several views: arms export trends, like-minded partners, UN vote agreement.

import { chartFigure, fmt, getJSON, h, hoverSource, pct, plotText, tableFigure } from "../lib.js";

export const MAJOR_POWERS = ["USA", "CHN", "RUS", "GBR", "FRA", "JPN", "DEU", "IND"];

const AGREEMENT_EXTRA = ["agreement_score", "kappa", "n"];
const AGREEMENT_LABELS = { agreement_score: "Agreement score (Voeten)", kappa: "Cohen's kappa", n: "Roll calls" };
const TREND_START = 1990;

/**
 * Annual arms exports (TIV millions) of `codes` as a line chart (GET /api/arms/trend), from
 * TREND_START to the last year of data; the title says the years the API answered.
 */
export async function armsTrendFigure(codes, { title = "Annual arms exports", testid = "arms-trend" } = {}) {
  if (!codes.length) {
    const empty = chartFigure(title, { testid, filename: "arms-trend", height: 320 });
    empty.body.append(h("p", { class: "muted" }, "Pick at least one exporter."));
    return empty;
  }
  const url = `/api/arms/trend?codes=${codes.map(encodeURIComponent).join(",")}&start=${TREND_START}`;
  const data = await getJSON(url);
  const years = (data.series && data.series[0] && data.series[0].years) || [];
  const span = years.length ? `, ${years[0]}–${years.at(-1)}` : "";
  const fig = chartFigure(`${title}${span}`, { testid, filename: `arms-trend-${codes.join("-")}`, height: 320 });
  const hover = hoverSource(data.source, data.edition, data.citations);
  fig.draw(
    (data.series || []).map((s) => ({
      type: "scatter",
      mode: "lines+markers",
      marker: { size: 4 },
      name: s.name || s.code,
      x: s.years,
      y: s.tiv,
      hovertemplate: `${plotText(s.name || s.code)} %{x}: %{y:,.0f} TIV m` + hover,
    })),
    {
      yaxis: { title: { text: "TIV, millions (SIPRI trend-indicator value)" }, rangemode: "tozero" },
      xaxis: { title: { text: "year" } },
    },
    data.source,
    data.edition,
    data.citations,
  );
  return fig;
}

/** How the partners view names each component of the like-mindedness index. */
export const PARTNER_COMPONENTS = {
  un_votes: "UN votes",
  alliance: "Alliance",
  democracy: "Democracy",
  institutions: "Institutions",
  shared_igos: "Shared IGOs",
  trade: "Trade",
  trade_agreements: "Trade agreements",
  embassies: "Embassy presence",
};

/** A partner's UN agreement trend as text: "+1.2 pp/yr, converging". */
export function trendText(row) {
  const slope = row.evidence && row.evidence.un_trend_pp_per_year;
  if (typeof slope !== "number") return "–";
  return `${slope >= 0 ? "+" : "−"}${fmt(Math.abs(slope), 1)} pp/yr, ${row.evidence.un_trend}`;
}

/** The data years of every component (the API's `years`), as one line of text. */
export function partnerYears(data) {
  const years = data.years || {};
  const parts = Object.keys(years).map((k) => {
    const label = k === "un_trend" ? "UN agreement trend" : PARTNER_COMPONENTS[k] || k.replace(/_/g, " ");
    return `${label} ${years[k]}`;
  });
  return parts.length ? `Data years: ${parts.join(" · ")}.` : "";
}

/**
 * Like-minded partners of `code` with rank intervals: a table and an interval chart. With
 * `detail`, the table also shows every component's score (its data years in the header), the
 * ATOP obligations, the UN agreement trend and the shared institutional ties.
 */
export async function partnerFigures(code, { top = 20, detail = false } = {}) {
  const url = `/api/alignment/${encodeURIComponent(code)}/partners?top=${top}`;
  const data = await getJSON(url);
  const rows = data.partners || [];
  const hasInterval = rows.some((r) => r.p05 !== undefined && r.p05 !== null);
  const columns = [
    { key: "rank", label: "Rank", numeric: true },
    { key: "name", label: "Partner" },
    { key: "code", label: "Code" },
  ];
  if (rows.some((r) => typeof r.score === "number")) {
    columns.push({ key: "score", label: "Score", numeric: true, format: (r) => fmt(r.score, 1) });
  }
  if (detail && rows.length) {
    const years = data.years || {};
    for (const key of Object.keys(rows[0].components || {})) {
      const label = PARTNER_COMPONENTS[key] || key.replace(/_/g, " ");
      columns.push({
        key,
        label: years[key] !== undefined ? `${label} ${years[key]}` : label,
        numeric: true,
        format: (r) => fmt(r.components[key], 0),
        csv: (r) => r.components[key] ?? "",
      });
    }
    columns.push(
      {
        key: "un_trend",
        label: `UN trend ${years.un_trend || ""}`.trim(),
        format: (r) => trendText(r),
        csv: (r) => r.evidence.un_trend_pp_per_year ?? "",
      },
      {
        key: "obligations",
        label: `ATOP obligations ${years.alliance || ""}`.trim(),
        format: (r) => r.evidence.alliance || "–",
        csv: (r) => r.evidence.alliance || "",
      },
      {
        key: "embassy",
        label: "Who keeps an embassy",
        format: (r) => r.evidence.embassy || "–",
        csv: (r) => r.evidence.embassy || "",
      },
      {
        key: "ties",
        label: "Shared institutional ties",
        format: (r) => r.evidence.institutions || "–",
        csv: (r) => r.evidence.institutions || "",
      },
    );
  }
  if (hasInterval) {
    columns.push(
      { key: "median", label: "Median rank", numeric: true, format: (r) => fmt(r.median, 1) },
      {
        key: "p05",
        label: "Rank 5–95%",
        numeric: true,
        format: (r) => `${fmt(r.p05, 0)}–${fmt(r.p95, 0)}`,
        csv: (r) => `${r.p05}-${r.p95}`,
      },
    );
  }
  const table = tableFigure(`Like-minded partners of ${data.name || code}`, columns, rows, {
    testid: "partners-table",
    source: data.source,
    edition: data.edition,
    citations: data.citations,
    csv: { url },
  });
  const chart = chartFigure("Partner ranks: nominal, median and 5th–95th percentile", {
    testid: "partners-intervals",
    filename: `partners-${code}`,
    height: Math.max(300, 20 * rows.length + 90),
  });
  if (hasInterval) {
    const hover = hoverSource(data.source, data.edition, data.citations);
    chart.draw(
      [
        {
          type: "scatter",
          mode: "markers",
          name: "rank with 5th–95th percentile",
          y: rows.map((r) => r.name),
          x: rows.map((r) => r.rank),
          error_x: {
            type: "data",
            symmetric: false,
            array: rows.map((r) => r.p95 - r.rank),
            arrayminus: rows.map((r) => r.rank - r.p05),
            thickness: 1.5,
            width: 4,
          },
          customdata: rows.map((r) => [r.p05, r.p95]),
          hovertemplate: "%{y}: rank %{x}, 5–95%: %{customdata[0]}–%{customdata[1]}" + hover,
          marker: { size: 8, color: "#1f4e79" },
        },
        {
          type: "scatter",
          mode: "markers",
          name: "median rank",
          y: rows.map((r) => r.name),
          x: rows.map((r) => r.median),
          marker: { symbol: "diamond-open", size: 9, color: "#c0504d" },
          hovertemplate: "%{y}: median rank %{x}" + hover,
        },
      ],
      {
        yaxis: { autorange: "reversed", automargin: true },
        xaxis: { title: { text: "partner rank (1 = most like-minded)" } },
        margin: { l: 10, r: 20, t: 10, b: 50 },
        legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0 },
      },
      data.source,
      data.edition,
      data.citations,
    );
  } else {
    chart.body.append(h("p", { class: "muted" }, "No rank intervals in the answer."));
    chart.setSource(data.source, data.edition, data.citations);
  }
  return { table, chart, data };
}

/**
 * The trend of UN vote agreement with `code`: a line chart of the agreement by year with the
 * top partners and the major powers (`extra`), and a table of the partners converging fastest
 * and drifting apart fastest (Theil-Sen slope, percentage points a year).
 */
export async function partnerTrendFigures(code, { lines = 5, extra = ["USA", "CHN", "RUS", "PRK"], moving = 5 } = {}) {
  const url = `/api/alignment/${encodeURIComponent(code)}/partners?top=0`;
  const data = await getJSON(url);
  const rows = data.partners || [];
  const span = (data.years && data.years.un_trend) || "";
  const chosen = rows.slice(0, lines);
  for (const c of extra) {
    const row = rows.find((r) => r.code === c);
    if (row && !chosen.includes(row)) chosen.push(row);
  }
  const chart = chartFigure(`UN vote agreement with ${data.name || code} by year, ${span}`, {
    testid: "partners-trend",
    filename: `partners-trend-${code}`,
    height: 380,
  });
  const hover = hoverSource(data.source, data.edition, data.citations);
  chart.draw(
    chosen.map((r) => {
      const byYear = r.evidence.un_by_year || {};
      const years = Object.keys(byYear).map(Number).sort((a, b) => a - b);
      return {
        type: "scatter",
        mode: "lines+markers",
        marker: { size: 4 },
        name: `${r.name} (${trendText(r)})`,
        x: years,
        y: years.map((y) => byYear[y]),
        hovertemplate: `${plotText(r.name)} %{x}: %{y:.0f}% agreement` + hover,
      };
    }),
    {
      yaxis: { title: { text: "agreement, % of votes" }, range: [0, 100] },
      xaxis: { title: { text: "year" }, dtick: 1 },
      legend: { orientation: "h", y: -0.2 },
      margin: { l: 60, r: 20, t: 10, b: 110 },
    },
    data.source,
    data.edition,
    data.citations,
  );
  const slope = (r) => r.evidence.un_trend_pp_per_year;
  const sloped = rows.filter((r) => typeof slope(r) === "number");
  const up = sloped.filter((r) => r.evidence.un_trend === "converging").sort((a, b) => slope(b) - slope(a)).slice(0, moving);
  const down = sloped.filter((r) => r.evidence.un_trend === "drifting apart").sort((a, b) => slope(a) - slope(b)).slice(0, moving);
  const table = tableFigure(
    `Converging and drifting apart in UN votes, ${span}`,
    [
      { key: "trend", label: "Trend", format: (r) => r.evidence.un_trend, csv: (r) => r.evidence.un_trend },
      { key: "name", label: "Partner" },
      { key: "code", label: "Code" },
      { key: "rank", label: "Rank", numeric: true },
      { key: "slope", label: "pp per year", numeric: true, format: (r) => fmt(slope(r), 1), csv: (r) => slope(r) },
    ],
    [...up, ...down],
    { testid: "partners-moving", source: data.source, edition: data.edition, citations: data.citations, csv: { name: `partners-trend-${code}.csv` } },
  );
  return { chart, table, data };
}

/**
 * UN General Assembly vote agreement of `code` with the major powers (or everyone), in `year`
 * (default: the API's, the last full session of votes; the title says which).
 */
export async function agreementFigure(code, { year = null, majorOnly = true } = {}) {
  const base = `/api/alignment/${encodeURIComponent(code)}/agreement`;
  const url = year ? `${base}?year=${year}` : base;
  const data = await getJSON(url);
  let rows = data.agreement || [];
  if (majorOnly) {
    const picked = rows.filter((r) => MAJOR_POWERS.includes(r.code));
    picked.sort((a, b) => MAJOR_POWERS.indexOf(a.code) - MAJOR_POWERS.indexOf(b.code));
    rows = picked;
  }
  const extra = rows.length ? AGREEMENT_EXTRA.filter((k) => k in rows[0]) : [];
  const columns = [
    { key: "name", label: "Country" },
    { key: "code", label: "Code" },
    { key: "agreement", label: "Agreement", numeric: true, format: (r) => fmt(r.agreement, 3) },
    ...extra.map((k) => ({
      key: k,
      label: AGREEMENT_LABELS[k] || k.replace(/_/g, " "),
      numeric: typeof rows[0][k] === "number",
      format: (r) => (typeof r[k] === "number" ? fmt(r[k], k === "n" ? 0 : 3) : (r[k] ?? "–")),
    })),
  ];
  const table = tableFigure(
    `UN General Assembly vote agreement of ${data.name || code}${majorOnly ? " with the major powers" : ""}, ${data.year || year}`,
    columns,
    rows,
    { testid: "agreement-table", source: data.source, edition: data.edition, citations: data.citations, csv: { url } },
  );
  return { table, data };
}

/** Top clients of an exporter from its arms profile. */
export function clientsFigure(arms, { top = 10 } = {}) {
  const rows = (arms.clients || []).slice(0, top).map((r, i) => ({ rank: i + 1, ...r }));
  return tableFigure(
    `Top clients, ${arms.period || ""}`,
    [
      { key: "rank", label: "#", numeric: true },
      { key: "name", label: "Client" },
      { key: "code", label: "Code" },
      { key: "tiv", label: "TIV (millions)", numeric: true, format: (r) => fmt(r.tiv, 0) },
      { key: "share", label: "Share of its exports", numeric: true, format: (r) => pct(r.share) },
    ],
    rows,
    {
      testid: "clients-table",
      source: arms.source,
      edition: arms.edition,
      citations: arms.citations,
      csv: { name: `arms-clients-${arms.code || "country"}.csv` },
    },
  );
}
