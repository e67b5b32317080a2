// The powerscope dashboard: a single page with hash routes.
//   #/index/{name}      index explorer (weights, ranking, contributions, comparison, uncertainty)
//   #/country/{code}    country profile
//   #/arms              arms-trade exporters and trends
//   #/partners/{code}   like-minded partners and UN vote agreement
// Each view is a module exporting `render(container, arg)`; it may return a cleanup function.

import { clearAlert, getJSON, h, showError } from "./lib.js";
import { render as renderIndex } from "./views/index-explorer.js";
import { render as renderCountry } from "./views/country.js";
import { render as renderArms } from "./views/arms.js";
import { render as renderPartners } from "./views/partners.js";

const ROUTES = {
  index: { render: renderIndex, fallback: "ceti", title: "Index explorer" },
  country: { render: renderCountry, fallback: "KOR", title: "Country profile" },
  arms: { render: renderArms, fallback: "", title: "Arms trade" },
  partners: { render: renderPartners, fallback: "KOR", title: "Partners" },
};

let cleanup = null;
let generation = 0;

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const name = parts[0] in ROUTES ? parts[0] : null;
  return { name, arg: parts.slice(1).join("/") };
}

async function route() {
  const { name, arg } = parseHash();
  if (!name) {
    location.replace("#/index/ceti");
    return;
  }
  const spec = ROUTES[name];
  const view = document.getElementById("view");
  if (cleanup) {
    try {
      cleanup();
    } catch {
      /* a view's cleanup must not block navigation */
    }
    cleanup = null;
  }
  clearAlert();
  generation += 1;
  const mine = generation;
  for (const link of document.querySelectorAll("nav a[data-route]")) {
    if (link.dataset.route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${spec.title} · powerscope`;
  const container = h("div", { class: `view view-${name}`, "data-view": name });
  view.replaceChildren(container);
  view.dataset.route = name;
  try {
    const result = await spec.render(container, (arg || spec.fallback).trim(), {
      isCurrent: () => mine === generation,
    });
    if (typeof result === "function") {
      if (mine === generation) cleanup = result;
      else result();
    }
  } catch (error) {
    if (mine === generation) showError(error, `opening ${location.hash}`);
  }
}

async function health() {
  try {
    const info = await getJSON("/api/health");
    document.getElementById("health").textContent =
      `powerscope ${info.version || ""} · data: ${info.store || "?"}`;
  } catch (error) {
    showError(error, "checking the server (/api/health)");
  }
}

window.addEventListener("hashchange", route);
route();
health();
