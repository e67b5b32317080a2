// Ties beyond the West (#/ties/{code}?peers=JPN,AUS,TUR,IND): by region, the country's embassies,
// trade agreements in force, shared forums and UN vote agreement with the members (and with the
// G77), marked where it is below its peers' median; and vote agreement by region over time.

import { chartFigure, countryPicker, fmt, getJSON, h, hoverSource, loadCountries, peersField, peersFromQuery, plotText, showError, tableFigure } from "../lib.js";

export const DEFAULT_PEERS = ["JPN", "AUS", "TUR", "IND"];

const MEASURE_LABELS = {
  embassy_share: "embassies",
  agreement_share: "trade agreements",
  forums: "forums",
  vote_agreement: "UN vote agreement",
};

function peersOf(code, query) {
  return peersFromQuery(code, query, DEFAULT_PEERS);
}

function hashFor(code, peers) {
  return `#/ties/${encodeURIComponent(code)}?peers=${encodeURIComponent(peers.join(","))}`;
}

function countAndShare(count, share) {
  if (count === null || count === undefined) return "–";
  return share === null || share === undefined ? String(count) : `${count} (${fmt(share, 0)}%)`;
}

function thinCell(row, measure, text) {
  const thin = (row.thin || []).includes(measure);
  return h("span", { class: thin ? "thin" : "", "data-thin": thin ? measure : null, title: thin ? "below the peers' median" : null }, text, thin ? " ▼" : "");
}

/** The region table: one row per region (and the G77), thin measures marked. */
function regionTable(data, url) {
  const latest = (data.editions || []).at(-1);
  const [w0, w1] = data.window || [];
  const columns = [
    { key: "name", label: "Region" },
    { key: "members", label: "Members", numeric: true },
    {
      key: "embassies",
      label: latest ? `Embassies (GDI ${latest})` : "Embassies",
      numeric: true,
      format: (r) => thinCell(r, "embassy_share", countAndShare(latest ? r.embassies[latest] : null, r.embassy_share)),
      csv: (r) => (latest ? r.embassies[latest] : ""),
    },
    {
      key: "agreements",
      label: data.agreements_year ? `Trade agreements (${data.agreements_year})` : "Trade agreements",
      numeric: true,
      format: (r) => thinCell(r, "agreement_share", countAndShare(r.agreements, r.agreement_share)),
    },
    {
      key: "forums",
      label: "Shared forums",
      format: (r) => thinCell(r, "forums", r.forums.length ? r.forums.join(", ") : "none"),
      csv: (r) => r.forums.join("; "),
    },
    {
      key: "vote_agreement",
      label: `UN vote agreement ${w0}–${w1} (%)`,
      numeric: true,
      format: (r) => thinCell(r, "vote_agreement", fmt(r.vote_agreement, 1)),
    },
  ];
  if ((data.peers || []).length) {
    columns.push(
      {
        key: "peer_median",
        label: "Peers' median vote agreement (%)",
        numeric: true,
        format: (r) => fmt(r.peer_median.vote_agreement, 1),
        csv: (r) => r.peer_median.vote_agreement,
      },
      {
        key: "thin",
        label: "Thin vs peers",
        format: (r) => (r.thin.length ? r.thin.map((m) => MEASURE_LABELS[m] || m).join(", ") : "–"),
        csv: (r) => r.thin.join("; "),
      },
    );
  }
  const peers = (data.peers || []).length ? ` vs ${data.peers.join(", ")}` : "";
  return tableFigure(`Ties beyond the West of ${data.name || data.focal}${peers}`, columns, data.regions || [], {
    testid: "ties-table",
    citations: data.citations,
    source: data.source,
    csv: { url: `${url}&format=csv` },
    rowAttrs: (r) => ({ "data-region": r.id, "data-thin": r.thin.join(" ") }),
  });
}

/** Each peer's value of one measure in each region, beside the country's. */
function peersTable(data, measure, title, testid, datasets) {
  const columns = [
    { key: "name", label: "Region" },
    { key: "own", label: data.focal, numeric: true, format: (r) => fmt(r[measure], measure === "vote_agreement" ? 1 : 0), csv: (r) => r[measure] },
    ...(data.peers || []).map((p) => ({
      key: p,
      label: p,
      numeric: true,
      format: (r) => fmt(r.peers[p] && r.peers[p][measure], measure === "vote_agreement" ? 1 : 0),
      csv: (r) => r.peers[p] && r.peers[p][measure],
    })),
  ];
  return tableFigure(title, columns, data.regions || [], {
    testid,
    citations: (data.citations || []).filter((c) => datasets.some((d) => String(c.dataset).startsWith(d))),
    source: data.source,
    csv: { name: `${testid}-${data.focal}.csv` },
  });
}

/** The country's UN vote agreement with each region, year by year. */
function seriesChart(data) {
  const [y0, y1] = data.years || [];
  const fig = chartFigure(`UN General Assembly vote agreement of ${data.focal} with each region, ${y0}–${y1}`, {
    testid: "ties-chart",
    filename: `ties-${data.focal}`,
    height: 380,
  });
  const votes = (data.citations || []).filter((c) => String(c.dataset).startsWith("unvotes"));
  const hover = hoverSource(data.source, "", votes);
  const traces = (data.regions || []).map((r) => {
    const years = Object.keys(r.vote_agreement_by_year || {}).map(Number).sort((a, b) => a - b);
    return {
      type: "scatter",
      mode: "lines",
      name: r.name,
      x: years,
      y: years.map((y) => r.vote_agreement_by_year[String(y)]),
      line: r.comparison ? { dash: "dot", width: 3, color: "#444" } : { width: 1.8 },
      hovertemplate: `${plotText(r.name)} %{x}: %{y:.1f}%` + hover,
    };
  });
  fig.draw(
    traces,
    {
      yaxis: { title: { text: "% voted alike (mean over members)" } },
      xaxis: { title: { text: "year" } },
      legend: { orientation: "h", y: -0.2 },
      margin: { l: 60, r: 20, t: 10, b: 90 },
    },
    data.source,
    "",
    votes,
  );
  return fig;
}

export async function render(container, code, { isCurrent, query }) {
  code = code.toUpperCase();
  const peers = peersOf(code, query);
  const countries = await loadCountries().catch(() => []);
  if (!isCurrent()) return;
  const picker = countryPicker(countries, code, (value) => {
    location.hash = hashFor(value, peersOf(value, query));
  }, { id: "ties-picker" });
  const go = (chosen) => {
    location.hash = hashFor(code, chosen);
  };
  const field = peersField(peers, go, { id: "ties-peers", placeholder: "e.g. JPN,AUS,TUR,IND" });
  const apply = h("button", { type: "button", "data-testid": "ties-peers-apply" }, "Compare");
  apply.addEventListener("click", () => go(field.codes()));
  const chooser = h("div", { class: "controls inline" }, field.label, field.input, apply);
  const heading = h("h2", {}, `Ties beyond the West: ${code}`);
  const slot = h("div", { class: "slot", "data-testid": "ties-slot" }, h("p", { class: "muted" }, "Loading ties…"));
  container.append(h("div", { class: "view-head" }, heading, picker), chooser, slot);
  const url = `/api/alignment/${encodeURIComponent(code)}/ties?peers=${encodeURIComponent(peers.join(","))}`;
  let data;
  try {
    data = await getJSON(url);
  } catch (error) {
    if (!isCurrent()) return;
    slot.replaceChildren(h("p", { class: "muted" }, "Ties not available."));
    showError(error, `the ties of ${code}`);
    return;
  }
  if (!isCurrent()) return;
  heading.textContent = `Ties beyond the West: ${data.name || code} (${code})`;
  const notes = (data.notes || []).map((n) => h("p", { class: "muted", "data-testid": "ties-note" }, `Note: ${n}.`));
  const explain = h(
    "p",
    { class: "muted" },
    "▼ below the peers' median. Embassies and trade agreements: members with at least one, and their share; " +
      "forums: the curated institutional ties (each cited) taking in at least half the members; " +
      "UN vote agreement: mean share of roll calls the country and each member voted alike.",
  );
  const parts = [regionTable(data, url).el, explain, ...notes, seriesChart(data).el];
  if ((data.peers || []).length) {
    const [w0, w1] = data.window || [];
    parts.push(
      peersTable(data, "vote_agreement", `UN vote agreement with each region, ${w0}–${w1} (%): ${data.focal} and its peers`, "ties-peers-table", ["unvotes"]).el,
    );
    const latest = (data.editions || []).at(-1);
    if (latest) {
      parts.push(
        peersTable(data, "embassy_share", `Members hosting an embassy (%), Global Diplomacy Index ${latest}: ${data.focal} and its peers`, "ties-embassies-table", ["lowy_gdi", "powerscope_regions"]).el,
      );
    }
  }
  slot.replaceChildren(...parts);
}
