// Partners (#/partners/{code}): like-minded partners with rank intervals, and UN General
// Assembly vote agreement with the major powers.

import { countryPicker, h, loadCountries, showError } from "../lib.js";
import { agreementFigure, partnerFigures } from "./parts.js";

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
  const partnersSlot = h("div", { class: "row two" }, h("p", { class: "muted" }, "Loading partners (with rank intervals)…"));
  const agreementSlot = h("div", { class: "slot" });
  container.append(h("div", { class: "view-head" }, heading, picker), partnersSlot, agreementSlot);
  const [partners, agreement] = await Promise.allSettled([
    partnerFigures(code, { top: 20 }),
    agreementFigure(code, { majorOnly: true }),
  ]);
  if (!isCurrent()) return;
  if (partners.status === "fulfilled") {
    const name = partners.value.data.name;
    if (name) heading.textContent = `Like-minded partners of ${name} (${code})`;
    partnersSlot.replaceChildren(partners.value.table.el, partners.value.chart.el);
  } else {
    partnersSlot.replaceChildren(h("p", { class: "muted" }, "Partners not available."));
    showError(partners.reason, `the partners of ${code}`);
  }
  if (agreement.status === "fulfilled") agreementSlot.replaceChildren(agreement.value.table.el);
  else showError(agreement.reason, `the UN vote agreement of ${code}`);
}
