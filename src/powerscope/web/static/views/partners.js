// Partners (#/partners/{code}): like-minded partners with rank intervals, every component with
// its data years and evidence (ATOP obligations, shared ties), the trend of UN vote agreement
// (who converges, who drifts apart), and agreement with the major powers.

import { countryPicker, h, loadCountries, showError } from "../lib.js";
import { agreementFigure, partnerFigures, partnerTrendFigures, partnerYears } from "./parts.js";

export async function render(container, code, { isCurrent }) {
  code = code.toUpperCase();
  const countries = await loadCountries().catch(() => []);
  if (!isCurrent()) return;
  const picker = countryPicker(
    countries,
    code,
    (value) => {
      location.hash = `#/partners/${encodeURIComponent(value)}`;
    },
    { id: "partners-picker" },
  );
  const heading = h("h2", {}, `Like-minded partners of ${code}`);
  const years = h("p", { class: "muted", "data-testid": "partners-years" });
  const partnersSlot = h("div", { class: "slot" }, h("p", { class: "muted" }, "Loading partners (with rank intervals)…"));
  const trendSlot = h("div", { class: "row two" });
  const agreementSlot = h("div", { class: "slot" });
  container.append(h("div", { class: "view-head" }, heading, picker), years, partnersSlot, trendSlot, agreementSlot);
  const [partners, trend, agreement] = await Promise.allSettled([
    partnerFigures(code, { top: 20, detail: true }),
    partnerTrendFigures(code),
    agreementFigure(code, { majorOnly: true }),
  ]);
  if (!isCurrent()) return;
  if (partners.status === "fulfilled") {
    const name = partners.value.data.name;
    if (name) heading.textContent = `Like-minded partners of ${name} (${code})`;
    years.textContent = partnerYears(partners.value.data);
    partnersSlot.replaceChildren(partners.value.table.el, partners.value.chart.el);
  } else {
    partnersSlot.replaceChildren(h("p", { class: "muted" }, "Partners not available."));
    showError(partners.reason, `the partners of ${code}`);
  }
  if (trend.status === "fulfilled") trendSlot.replaceChildren(trend.value.chart.el, trend.value.table.el);
  else showError(trend.reason, `the UN agreement trend of ${code}`);
  if (agreement.status === "fulfilled") agreementSlot.replaceChildren(agreement.value.table.el);
  else showError(agreement.reason, `the UN vote agreement of ${code}`);
}
