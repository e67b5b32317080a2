// Arms trade (#/arms): the top exporters in a five-year period with their shares, and the
// annual exports of the exporters picked. Without a period in the URL the API chooses (the
// last five years of its data) and the view says which period it answered.

import { chartFigure, debounce, fmt, getJSON, h, hoverSource, pct, showError, tableFigure } from "../lib.js";
import { armsTrendFigure } from "./parts.js";

const DEFAULT_PICKED = 5;
const WIDTH = 5;

/** Five-year periods ending at the last year of data, back to the first year (newest first). */
export function periodsOf(latest, firstYear) {
  const last = Number(String(latest).split("-")[1]);
  const out = [];
  if (!Number.isFinite(last)) return out;
  for (let end = last; end - WIDTH + 1 >= (Number.isFinite(firstYear) ? firstYear : last - WIDTH + 1); end -= WIDTH) {
    out.push(`${end - WIDTH + 1}-${end}`);
  }
  return out;
}

export async function render(container, arg, { isCurrent }) {
  const params = new URLSearchParams(arg.includes("?") ? arg.slice(arg.indexOf("?") + 1) : "");
  // period null: the API's default (the latest five years of data)
  const state = { period: params.get("period") || null, top: Number(params.get("top") || 25), picked: null, periods: null };

  const periodSelect = h("select", { id: "arms-period", "data-testid": "arms-period" });
  const periodUsed = h("p", { class: "hint", "data-testid": "arms-period-used" });
  const topInput = h("input", { type: "number", id: "arms-top", min: "5", max: "100", step: "5", value: String(state.top), "data-testid": "arms-top" });
  const tableSlot = h("div", { class: "slot" });
  const shareSlot = h("div", { class: "slot" });
  const pickBox = h("div", { class: "compare-picks", role: "group", "aria-label": "Exporters to show in the trend" });
  const trendSlot = h("div", { class: "slot" });

  container.append(
    h("h2", {}, "Arms trade: exporters"),
    h(
      "div",
      { class: "controls inline" },
      h("div", { class: "control" }, h("label", { for: "arms-period" }, "Period "), periodSelect),
      h("div", { class: "control" }, h("label", { for: "arms-top" }, "Top "), topInput),
    ),
    periodUsed,
    h("div", { class: "row two" }, tableSlot, shareSlot),
    h("h3", {}, "Annual exports of the exporters picked"),
    pickBox,
    trendSlot,
  );

  /** The period picker: every five-year period of the data (first filled from the API's
   * default answer, whose period is the latest), with the period answered selected. */
  async function fillPeriods(data) {
    if (!state.periods) {
      const latest = state.period ? await getJSON(`/api/arms/exporters?top=1`) : data;
      const years = ((latest.citations || [])[0] || {}).years || [];
      state.periods = periodsOf(latest.period, years[0]);
    }
    const options = state.periods.includes(data.period) ? state.periods : [data.period, ...state.periods];
    periodSelect.replaceChildren(...options.map((p) => h("option", { value: p, selected: p === data.period }, p)));
    periodUsed.textContent = `Period: ${data.period}${state.period ? "" : " (the latest five years of data)"}.`;
  }

  async function loadTable() {
    const query = state.period ? `period=${encodeURIComponent(state.period)}&` : "";
    const url = `/api/arms/exporters?${query}top=${state.top}`;
    let data;
    try {
      data = await getJSON(url);
      await fillPeriods(data);
    } catch (error) {
      if (isCurrent()) showError(error, `the top exporters of ${state.period || "the latest period"}`);
      return;
    }
    if (!isCurrent()) return;
    const rows = data.ranking || [];
    const table = tableFigure(
      `Top ${rows.length} arms exporters, ${data.period}`,
      [
        { key: "rank", label: "Rank", numeric: true },
        { key: "name", label: "Exporter" },
        { key: "code", label: "Code" },
        { key: "tiv", label: "TIV (millions)", numeric: true, format: (r) => fmt(r.tiv, 0) },
        { key: "share", label: "World share", numeric: true, format: (r) => pct(r.share) },
      ],
      rows,
      { testid: "exporters-table", source: data.source, edition: data.edition, citations: data.citations, csv: { url } },
    );
    tableSlot.replaceChildren(table.el);
    const chart = chartFigure(`World share of arms exports, ${data.period}`, {
      testid: "exporters-chart",
      filename: `arms-exporters-${data.period}`,
      height: Math.max(320, 20 * rows.length + 80),
    });
    shareSlot.replaceChildren(chart.el);
    chart.draw(
      [
        {
          type: "bar",
          orientation: "h",
          y: rows.map((r) => r.name),
          x: rows.map((r) => r.share),
          marker: { color: "#1f4e79" },
          hovertemplate: "%{y}: %{x:.1f}% of world exports" + hoverSource(data.source, data.edition, data.citations),
        },
      ],
      { yaxis: { autorange: "reversed", automargin: true }, xaxis: { title: { text: "share of world exports (%)" } }, margin: { l: 10, r: 20, t: 10, b: 50 } },
      data.source,
      data.edition,
      data.citations,
    );
    if (!state.picked) state.picked = new Set(rows.slice(0, DEFAULT_PICKED).map((r) => r.code));
    pickBox.replaceChildren(
      ...rows.slice(0, 15).map((r) => {
        const box = h("input", { type: "checkbox", id: `exp-${r.code}`, value: r.code, checked: state.picked.has(r.code), "data-code": r.code });
        box.addEventListener("change", () => {
          if (box.checked) state.picked.add(r.code);
          else state.picked.delete(r.code);
          loadTrend();
        });
        return h("label", { class: "pick", for: `exp-${r.code}` }, box, ` ${r.name}`);
      }),
    );
    loadTrend();
  }

  async function loadTrend() {
    try {
      const fig = await armsTrendFigure([...state.picked], { title: "Annual arms exports", testid: "arms-trend" });
      if (isCurrent()) trendSlot.replaceChildren(fig.el);
    } catch (error) {
      if (isCurrent()) showError(error, "the arms export trend");
    }
  }

  periodSelect.addEventListener("change", () => {
    state.period = periodSelect.value;
    loadTable();
  });
  topInput.addEventListener(
    "input",
    debounce(() => {
      const top = Number(topInput.value);
      if (Number.isFinite(top) && top >= 1) {
        state.top = Math.round(top);
        loadTable();
      }
    }, 250),
  );
  await loadTable();
}
