// The powerscope dashboard: a single page with hash routes.
//   #/index/{name}      index explorer (weights, ranking, contributions, comparison, uncertainty);
//                       #/index/{name}?weights=AI%3D0.3 opens it with weights (docs/dashboard.md)
//   #/country/{code}    country profile
//   #/arms              arms-trade exporters and trends
//   #/partners/{code}   like-minded partners and UN vote agreement
//   #/ties/{code}       ties beyond the West by region, against peers (?peers=JPN,AUS)
//   #/industry/{code}   defence industry (SIPRI Top 100) and arms exports, against peers
//   #/talent/{code}     researcher migration, against peers (?peers=JPN,CHN,USA&release=...)
//   #/research/{codes}  research articles by field, world share, field-by-field gap (?field=...)
// Each view is a module exporting `render(container, arg, {isCurrent, query})`; it may return
// a cleanup function. `query` holds the parameters after a '?' in the hash, as written.

import { clearAlert, getJSON, h, showError } from "./lib.js";
// Views are loaded when first opened (a first visit parses only the view it shows).
const ROUTES = {
  index: { load: () => import("./views/index-explorer.js"), fallback: "ceti", title: "Index explorer" },
  country: { load: () => import("./views/country.js"), fallback: "KOR", title: "Country profile" },
  arms: { load: () => import("./views/arms.js"), fallback: "", title: "Arms trade" },
  partners: { load: () => import("./views/partners.js"), fallback: "KOR", title: "Partners" },
  ties: { load: () => import("./views/ties.js"), fallback: "KOR", title: "Ties beyond the West" },
  industry: { load: () => import("./views/industry.js"), fallback: "KOR", title: "Defence industry" },
  talent: { load: () => import("./views/talent.js"), fallback: "KOR", title: "Talent flows" },
  research: { load: () => import("./views/research.js"), fallback: "KOR,CHN,USA,JPN", title: "Research output" },
};

let cleanup = null;
let generation = 0;

function decode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray '%': taken as written
  }
}

/** The parameters after a '?' in the hash: `a=1&b=x%2Cy` -> {a: "1", b: "x,y"}. Each value runs
 * from the first '=' to the next '&' and is percent-decoded, nothing else ('+' stays '+'). */
function parseQuery(text) {
  const out = {};
  for (const part of text.split("&")) {
    if (!part) continue;
    const cut = part.indexOf("=");
    const key = decode(cut < 0 ? part : part.slice(0, cut));
    out[key] = cut < 0 ? "" : decode(part.slice(cut + 1));
  }
  return out;
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const cut = raw.indexOf("?");
  const path = cut < 0 ? raw : raw.slice(0, cut);
  const parts = path.split("/").filter(Boolean).map(decode);
  const name = parts[0] in ROUTES ? parts[0] : null;
  return { name, arg: parts.slice(1).join("/"), query: parseQuery(cut < 0 ? "" : raw.slice(cut + 1)) };
}

async function route() {
  const { name, arg, query } = parseHash();
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
    const { render } = await spec.load();
    if (mine !== generation) return;
    const result = await render(container, (arg || spec.fallback).trim(), {
      isCurrent: () => mine === generation,
      query,
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
