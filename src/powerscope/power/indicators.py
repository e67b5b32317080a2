"""The indicators of powerscope's open comprehensive-power index, a yearly panel from the store.

Eight measures in the spirit of the Lowy Institute's Asia Power Index (economic capability,
military capability, resilience, future resources, economic relationships, defence networks,
diplomatic influence; technology takes the place of Lowy's cultural influence, for which the
store holds no data), for every sovereign state (the 195 states with a Correlates of War code in
powerscope's country table) and every year from 2000 to the latest year of the data.

Transformations
---------------
*Size* indicators (GDP, military expenditure, trade, articles ...) are expressed as the country's
share of the total of all states in that year, in per mille, and put on a log scale,
``log(1 + per-mille share)``. A share removes inflation and exchange-rate drift from
current-dollar series, so a country rises between years only by outgrowing the others, which is
what a balance of power is about; the log keeps a few giants from flattening every other state to
zero after min-max normalisation, and ``1 +`` keeps true zeros (no arms exports) at zero.
Rates (income per head relative to the world, months of import cover, the projected change of
the working-age population, researchers' net migration) are kept in their own units.

Missing years
-------------
Values are given for the years the source covers; nothing is interpolated. The index's panel
block (``carry_forward: 3``) lets the engine carry a unit's latest value up to three years forward,
flagged. Three indicators are stocks of treaties and memberships whose datasets stop early
(ATOP alliances 2018, DESTA agreements 2020, COW IGO memberships 2014); the deriver holds their
last value to the panel's end itself and marks those rows ``carried = True`` (the ATOP partners
of 2018 with the partners' actual later military expenditure, for instance). :func:`coverage`
reports, per indicator and year, the share of states missing and the share carried.

Every indicator names its dataset id (:attr:`Indicator.dataset`); the index's ``sources:`` list
them so that every output cites the editions used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd

from powerscope import cache
from powerscope.data.store import Store
from powerscope.errors import DataFormatError, SpecError
from powerscope.index.derive import deriver

#: first year of the panel
FIRST_YEAR = 2000
#: last year of the panel (most measures end in 2024)
LAST_YEAR = 2024
#: the years a unit's value may be carried forward by the engine (the index's panel block)
CARRY_FORWARD = 3
#: a window of arms deliveries (years), as SIPRI compares five-year periods
ARMS_WINDOW = 5
#: horizon of the working-age projection (years ahead of the panel year)
WORKING_AGE_HORIZON = 15
#: researchers' net migration is only given for states with at least this many active authors
MIGRATION_MIN_RESEARCHERS = 1000

MEASURES = (
    "Economic capability",
    "Military capability",
    "Resilience",
    "Future resources",
    "Economic relationships",
    "Defence networks",
    "Diplomatic influence",
    "Technology",
)


@dataclass(frozen=True)
class Indicator:
    """One indicator of the panel: where it comes from, how it is transformed, and why.

    ``dataset`` is the catalog id cited; ``table`` the store table read; ``stops`` where the
    source's data end; ``held`` whether the deriver holds the last value to the panel's end.
    """

    measure: str
    dataset: str
    table: str
    source: str
    transform: str
    stops: str
    why: str
    held: bool = False


_SHARE = "log(1 + per-mille share of all states' total in the year)"

INDICATORS: dict[str, Indicator] = {
    "gdp_mer": Indicator(
        "Economic capability", "wdi", "wdi", "WDI NY.GDP.MKTP.CD (GDP, current US$)", _SHARE,
        "2024 (2025 partial)", "economic weight at market prices: what an economy buys abroad",
    ),
    "gdp_ppp": Indicator(
        "Economic capability", "wdi", "wdi",
        "WDI NY.GDP.PCAP.PP.CD x SP.POP.TOTL (GDP, PPP, current international $)", _SHARE,
        "2024", "economic weight at domestic prices: the resources a state can mobilise at home",
    ),
    "gdp_pc_ppp": Indicator(
        "Economic capability", "wdi", "wdi", "WDI NY.GDP.PCAP.PP.CD (GDP per head, PPP)",
        "log(GDP per head / all states' GDP per head), PPP", "2024",
        "productivity and the surplus a state can tax beyond subsistence",
    ),
    "reserves": Indicator(
        "Economic capability", "wdi", "wdi", "WDI FI.RES.TOTL.CD (total reserves incl. gold)",
        _SHARE, "2024 (2025 partial)", "financial firepower: reserves a state can deploy abroad",
    ),
    "milex": Indicator(
        "Military capability", "sipri_milex", "sipri_milex",
        "SIPRI military expenditure, constant 2023 US$", _SHARE, "2024",
        "budget buys and sustains every other military capability",
    ),
    "personnel": Indicator(
        "Military capability", "cow_nmc", "cow_nmc", "COW NMC milper (military personnel)",
        _SHARE, "2022", "people under arms, the mass behind equipment",
    ),
    "arms_exports": Indicator(
        "Military capability", "sipri_arms", "sipri_trade_register",
        "SIPRI trade register, delivered TIV by supplier, five-year sum to the year "
        "(annualised and fitted to SIPRI's TIV tables, powerscope.arms.transfers)", _SHARE,
        "2024", "a state that arms others has an industry and leverage over its clients",
    ),
    "defence_industry": Indicator(
        "Military capability", "sipri_top100", "top100_companies",
        "SIPRI Top 100 arms revenue of the state's companies, constant 2022 US$ bn "
        "(0 for a state with no company in the Top 100; China counted from 2015, missing "
        "before; trans-European companies are not allocated to a state)",
        "log(1 + constant 2022 US$ bn)", "2022",
        "the scale of a state's own arms industry",
    ),
    "population": Indicator(
        "Resilience", "wdi", "wdi", "WDI SP.POP.TOTL (population)", _SHARE, "2024 (2025)",
        "the depth of people a state can draw on in a long crisis",
    ),
    "land_area": Indicator(
        "Resilience", "wdi", "wdi", "WDI AG.LND.TOTL.K2 (land area, km2)", _SHARE, "2023",
        "strategic depth and a resource base",
    ),
    "import_cover": Indicator(
        "Resilience", "wdi", "wdi",
        "WDI FI.RES.TOTL.CD / (TM.VAL.MRCH.CD.WT / 12): months of merchandise imports "
        "reserves pay for", "log(1 + months)", "2024",
        "how long a state can keep importing through a shock",
    ),
    "working_age_future": Indicator(
        "Future resources", "wpp2022", "wpp_population",
        "UN WPP 2022 population aged 15-64, fifteen years after the panel year (estimates to "
        "2021, medium variant after)", _SHARE, "projection to 2100",
        "the workforce and recruits a state will have (for panel years to 2006 the horizon "
        "year is an estimate, not a projection)",
    ),
    "working_age_change": Indicator(
        "Future resources", "wpp2022", "wpp_population",
        "UN WPP 2022 population aged 15-64: change over the next fifteen years", "per cent",
        "projection to 2100", "whether the workforce grows or shrinks",
    ),
    "researchers": Indicator(
        "Future resources", "scholarly_migration", "researcher_migration",
        "MPIDR Scholarly Migration Database (Scopus 2024 release): active research authors",
        _SHARE, "2021 (later years incomplete, not used)", "the research base of the future",
    ),
    "researcher_net_migration": Indicator(
        "Future resources", "scholarly_migration", "researcher_migration",
        "MPIDR Scholarly Migration Database (Scopus 2024 release): net migration rate of "
        f"researchers (states with >= {MIGRATION_MIN_RESEARCHERS} active authors)",
        "per cent of active authors", "2021", "whether a state draws or loses researchers",
    ),
    "trade": Indicator(
        "Economic relationships", "wdi", "wdi",
        "WDI TX.VAL.MRCH.CD.WT + TM.VAL.MRCH.CD.WT (merchandise trade)", _SHARE,
        "2024 (2025 partial)", "the trade others depend on is leverage",
    ),
    "trade_agreements": Indicator(
        "Economic relationships", "desta", "desta_members",
        "DESTA trade agreements in force with the state a member (agreements do not carry "
        "an end date: a count of agreements entered into force)", "log(1 + count)",
        "2020; held to the panel's end, flagged", "institutionalised economic ties",
        held=True,
    ),
    "defence_partners": Indicator(
        "Defence networks", "atop", "atop_alliance",
        "ATOP 5.1 states pledged by a defence pact to defend the state", "log(1 + count)",
        "2018; held to the panel's end, flagged (misses e.g. the 2023-2024 NATO enlargement)",
        "allies committed to defend the state", held=True,
    ),
    "allied_milex": Indicator(
        "Defence networks", "atop", "atop_alliance",
        "ATOP 5.1 military expenditure of the states pledged to defend the state (SIPRI, "
        "constant 2023 US$), summed",
        _SHARE, "2018 (partners; held, flagged); expenditure to 2024",
        "an alliance is worth what the allies can bring",
        held=True,
    ),
    "arms_export_partners": Indicator(
        "Defence networks", "sipri_arms", "sipri_trade_register",
        "SIPRI trade register: states the state delivered major arms to in the five years to "
        "the year", "log(1 + count)", "2024",
        "arms supply builds lasting defence ties (training, spares, upgrades)",
    ),
    "embassies_abroad": Indicator(
        "Diplomatic influence", "lowy_gdi", "lowy_posts",
        "Lowy Global Diplomacy Index: the state's diplomatic posts abroad (embassies, "
        "consulates, missions); only the 65 reporting states (66 reporters with the EU), "
        "editions 2016/2017/2021/2023",
        "log(1 + posts)", "2023 (given in edition years only; carried by the engine)",
        "the reach of a state's diplomatic network",
    ),
    "embassies_hosted": Indicator(
        "Diplomatic influence", "lowy_gdi", "lowy_posts",
        "Lowy Global Diplomacy Index: share of the reporting states (other than itself) that "
        "keep an embassy in the state, editions 2016/2017/2021/2023", "per cent",
        "2023 (edition years only; carried by the engine)",
        "how much others need to talk to the state (covers every state, seen by the 65 "
        "reporting states)",
    ),
    "igo_memberships": Indicator(
        "Diplomatic influence", "cow_igo", "cow_igo_state",
        "COW IGO 3.0 full memberships of intergovernmental organisations", "count",
        "2014; held to the panel's end, flagged", "a seat at the tables where rules are made",
        held=True,
    ),
    "articles": Indicator(
        "Technology", "wdi", "wdi",
        "WDI IP.JRN.ARTC.SC (scientific and technical journal articles, NSF)", _SHARE, "2023",
        "the size of a state's science",
    ),
    "ai_articles": Indicator(
        "Technology", "ncses_sei2024", "research_articles",
        "NCSES SEI 2024 AI-related articles (whole counts, Scopus)", _SHARE, "2022 (from 2003)",
        "the frontier technology most tied to future military and economic power",
    ),
    "rd_spending": Indicator(
        "Technology", "wdi", "wdi", "WDI GB.XPD.RSDV.GD.ZS x GDP PPP (R&D expenditure, PPP)",
        _SHARE, "2023 (sparse in some states)", "money put into new technology",
    ),
    "hightech_exports": Indicator(
        "Technology", "wdi", "wdi", "WDI TX.VAL.TECH.CD (high-technology exports)", _SHARE,
        "2024 (from 2007)", "technology others buy from the state",
    ),
    "patents": Indicator(
        "Technology", "wdi", "wdi", "WDI IP.PAT.RESD (resident patent applications)", _SHARE,
        "2021", "inventions protected at home",
    ),
    "ip_receipts": Indicator(
        "Technology", "wdi", "wdi", "WDI BX.GSR.ROYL.CD (charges for the use of IP, receipts)",
        _SHARE, "2024 (2025 partial)", "technology others pay to use",
    ),
}  # fmt: skip

Wide: TypeAlias = pd.DataFrame  # states (index) x years (columns)


def sovereign_states(store: Store) -> list[str]:
    """The codes of the sovereign states: countries of the entity table with a COW code (195)."""
    entities = store.table("entities", columns=["code", "kind", "cow"])
    states = entities[(entities["kind"].astype(str) == "country") & entities["cow"].notna()]
    return sorted(states["code"].astype(str))


def _wide(frame: pd.DataFrame, codes: list[str], years: list[int], value: str) -> Wide:
    """Pivot a ``code, year, value`` frame to states x years (missing cells NaN)."""
    frame = frame.assign(code=frame["code"].astype(str), year=frame["year"].astype(int))
    table = frame.pivot_table(index="code", columns="year", values=value, aggfunc="sum")
    return table.reindex(index=codes, columns=years).astype(float)


def _share(wide: Wide) -> Wide:
    """``log(1 + per-mille share)`` of each state in the year's total over all states."""
    total = wide.sum(axis=0, min_count=1)
    return np.log1p(wide.div(total.where(total > 0), axis=1) * 1000.0)


def _wdi(store: Store, codes: list[str], years: list[int]) -> dict[str, Wide]:
    """WDI series as states x years, by indicator code (one pivot of the states' rows)."""
    wdi = store.table("wdi", columns=["code", "indicator", "year", "value"])
    wdi = wdi[wdi["year"].between(years[0], years[-1]) & wdi["code"].isin(codes)]
    table = pd.pivot_table(
        wdi, index=["indicator", "code"], columns="year", values="value", aggfunc="first",
        observed=True,
    )  # fmt: skip
    table.index = table.index.set_levels([level.astype(str) for level in table.index.levels])
    return {
        str(ind): table.xs(ind, level="indicator").reindex(index=codes, columns=years).astype(float)
        for ind in table.index.get_level_values("indicator").unique()
    }


def _working_age(store: Store, codes: list[str], years: list[int]) -> Wide:
    """WPP 2022 population 15-64 (thousands), estimates to 2021 and the medium variant after."""
    wpp = store.table("wpp_population", columns=["variant", "code", "year", "pop_15_64"])
    variant = wpp["variant"].astype(str)
    estimates = wpp[variant == "estimates"]
    medium = wpp[(variant == "medium") & (wpp["year"] > estimates["year"].max())]
    return _wide(pd.concat([estimates, medium]), codes, years, "pop_15_64")


def annual_deliveries(store: Store) -> pd.DataFrame:
    """SIPRI's register annualised and fitted to its TIV tables (:mod:`powerscope.arms.transfers`),
    as :func:`powerscope.arms.service.load` makes it."""
    from powerscope.arms.transfers import annualise

    register = store.table("sipri_trade_register")
    tiv_table = store.table("sipri_tiv")
    for frame in (register, tiv_table):
        for col in ("supplier_code", "recipient_code"):
            frame[col] = frame[col].astype(str)
    return annualise(register, tiv_table)


def _arms(deliveries: pd.DataFrame, codes: list[str], years: list[int]) -> tuple[Wide, Wide]:
    """Five-year delivered TIV by supplier, and the number of recipients in the five years."""
    deliveries = deliveries.assign(
        supplier_code=deliveries["supplier_code"].astype(str),
        recipient_code=deliveries["recipient_code"].astype(str),
    )
    last = int(deliveries["year"].max())
    span = list(range(years[0] - ARMS_WINDOW + 1, years[-1] + 1))
    yearly = _wide(deliveries.rename(columns={"supplier_code": "code"}), codes, span, "tiv").fillna(
        0.0
    )
    window = yearly.T.rolling(ARMS_WINDOW).sum().T[years]
    partners = pd.DataFrame(0.0, index=codes, columns=years)
    pairs = deliveries[deliveries["tiv"] > 0][["supplier_code", "recipient_code", "year"]]
    for year in years:
        inside = pairs[pairs["year"].between(year - ARMS_WINDOW + 1, year)]
        counts = inside.groupby("supplier_code")["recipient_code"].nunique()
        partners[year] = counts.reindex(codes).fillna(0.0).to_numpy()
    beyond = [y for y in years if y > last]
    window[beyond] = np.nan
    partners[beyond] = np.nan
    return window, partners


def _top100(store: Store, codes: list[str], years: list[int]) -> Wide:
    """SIPRI Top 100 arms revenue by state, constant 2022 US$ bn (0 when no company listed)."""
    companies = store.table("top100_companies", columns=["year", "code", "arms_revenue_constant"])
    totals = store.table("top100_totals", columns=["year", "china_included"])
    covered = [int(y) for y in totals["year"] if years[0] <= int(y) <= years[-1]]
    revenue = _wide(companies, codes, years, "arms_revenue_constant").fillna(0.0) / 1000.0
    revenue[[y for y in years if y not in covered]] = np.nan
    without_china = [int(y) for y, c in zip(totals["year"], totals["china_included"], strict=True)
                     if not bool(c) and int(y) in revenue.columns]  # fmt: skip
    if "CHN" in revenue.index:
        revenue.loc["CHN", without_china] = np.nan
    return np.log1p(revenue)


def _hold(wide: Wide, last: int) -> tuple[Wide, Wide]:
    """Hold each state's value of year ``last`` to the panel's end; the mask of held cells."""
    held = pd.DataFrame(False, index=wide.index, columns=wide.columns)
    later = [y for y in wide.columns if y > last]
    if last in wide.columns:
        for year in later:
            wide[year] = wide[last]
            held[year] = wide[last].notna()
    return wide, held


def _atop(store: Store, codes: list[str], years: list[int], milex: Wide) -> tuple[Wide, Wide, int]:
    """States pledged to defend the state (count) and their summed military expenditure."""
    atop = store.table("atop_alliance", columns=["code1", "code2", "year", "defense"])
    atop = atop[atop["defense"].astype(bool)]
    atop = atop.assign(code1=atop["code1"].astype(str), code2=atop["code2"].astype(str))
    last = int(atop["year"].max())
    partners = pd.DataFrame(np.nan, index=codes, columns=years)
    allied = pd.DataFrame(np.nan, index=codes, columns=years)
    for year in years:
        pacts = atop[atop["year"] == min(year, last)]
        # ATOP's directed dyads: code1 pledges to defend code2 (the USA pledges to defend
        # Japan, not the reverse), so a state's defenders are the code1 of its code2 rows
        counts = pacts.groupby("code2")["code1"].nunique()
        partners[year] = counts.reindex(codes).fillna(0.0).to_numpy()
        spend = milex[year].reindex(pacts["code1"]).to_numpy()
        sums = pd.Series(spend).groupby(pacts["code2"].to_numpy()).sum(min_count=1)
        allied[year] = sums.reindex(codes).fillna(0.0).to_numpy()
        if milex[year].isna().all():
            allied[year] = np.nan
    return partners, allied, last


def _desta(store: Store, codes: list[str], years: list[int]) -> tuple[Wide, int]:
    """Trade agreements in force (entered into force by the year), by state."""
    members = store.table("desta_members", columns=["agreement_id", "code", "in_force"])
    members = members.dropna(subset=["in_force"])
    members = members.assign(
        code=members["code"].astype(str), in_force=members["in_force"].astype(int)
    )
    last = int(members["in_force"].max())
    wide = pd.DataFrame(np.nan, index=codes, columns=years)
    for year in years:
        if year <= last:
            counts = members[members["in_force"] <= year].groupby("code")["agreement_id"].nunique()
            wide[year] = counts.reindex(codes).fillna(0.0).to_numpy()
    return np.log1p(wide), last


def _lowy(store: Store, codes: list[str], years: list[int]) -> tuple[Wide, Wide]:
    """Posts abroad of the reporting states, and the share of reporters with an embassy there."""
    posts = store.table("lowy_posts", columns=["code", "host", "edition", "post_type"])
    posts = posts.assign(
        code=posts["code"].astype(str), host=posts["host"].astype(str),
        post_type=posts["post_type"].astype(str), edition=posts["edition"].astype(int),
    )  # fmt: skip
    abroad = pd.DataFrame(np.nan, index=codes, columns=years)
    hosted = pd.DataFrame(np.nan, index=codes, columns=years)
    for edition, group in posts.groupby("edition"):
        year = int(edition)
        if year not in years:
            continue
        group = group[group["code"].isin(codes)]  # the reporting states (not the EU)
        reporters = set(group["code"])
        abroad[year] = group.groupby("code").size().reindex(codes).to_numpy(dtype=float)
        embassies = group[group["post_type"] == "embassy"]
        senders = embassies.groupby("host")["code"].nunique().reindex(codes).fillna(0.0)
        others = np.array([len(reporters) - (c in reporters) for c in codes], dtype=float)
        hosted[year] = (senders.to_numpy() / others) * 100.0
    return np.log1p(abroad), hosted


def _migration(store: Store, codes: list[str], years: list[int]) -> tuple[Wide, Wide]:
    """Active research authors and their net migration rate (per cent), Scopus 2024 release."""
    columns = ["release", "code", "year", "researchers", "net_rate", "provisional"]
    flows = store.table("researcher_migration", columns=columns)
    flows = flows[
        (flows["release"].astype(str) == "scopus_2024") & ~flows["provisional"].astype(bool)
    ]
    flows = flows.assign(researchers=flows["researchers"].astype(float),
                         net_rate=flows["net_rate"].astype(float) * 100.0)  # fmt: skip
    researchers = _wide(flows, codes, years, "researchers")
    rate = _wide(flows, codes, years, "net_rate")
    return researchers, rate.where(researchers >= MIGRATION_MIN_RESEARCHERS)


def _indicator_tables(
    store: Store, first: int, last: int, deliveries: pd.DataFrame | None
) -> tuple[dict[str, Wide], dict[str, Wide]]:
    """Every indicator as states x years, and the masks of cells the deriver held."""
    codes = sovereign_states(store)
    years = list(range(first, last + 1))
    wdi = _wdi(store, codes, years)

    def w(code: str) -> Wide:
        if code not in wdi:
            raise DataFormatError(
                f"the store's WDI table has no indicator {code}",
                where="table wdi",
                fix="rebuild the warehouse from the WDI file listed in the data README",
            )
        return wdi[code]

    gdp_ppp = w("NY.GDP.PCAP.PP.CD") * w("SP.POP.TOTL")
    both = gdp_ppp.notna() & w("SP.POP.TOTL").notna()
    world_pc = gdp_ppp.where(both).sum() / w("SP.POP.TOTL").where(both).sum()
    milex_usd = _wide(
        store.table("sipri_milex", columns=["code", "year", "milex_const2023_usd_m"]),
        codes, years, "milex_const2023_usd_m",
    )  # fmt: skip
    nmc = store.table("cow_nmc", columns=["code", "year", "milper"])
    wa = _working_age(store, codes, list(range(first, last + WORKING_AGE_HORIZON + 1)))
    wa_future = wa[[y + WORKING_AGE_HORIZON for y in years]].set_axis(years, axis=1)
    if deliveries is None:
        deliveries = annual_deliveries(store)
    arms, arms_partners = _arms(deliveries, codes, years)
    partners, allied, atop_last = _atop(store, codes, years, milex_usd)
    desta, desta_last = _desta(store, codes, years)
    igo = _wide(store.table("cow_igo_state", columns=["code", "year", "igo_full"]),
                codes, years, "igo_full")  # fmt: skip
    igo_last = int(igo.columns[igo.notna().any()].max())
    abroad, hosted = _lowy(store, codes, years)
    researchers, net_rate = _migration(store, codes, years)
    ai = store.table(
        "research_articles", columns=["field", "count_type", "code", "year", "articles"]
    )
    ai = ai[(ai["field"].astype(str) == "AI-related") & (ai["count_type"].astype(str) == "whole")]
    imports = w("TM.VAL.MRCH.CD.WT")

    tables: dict[str, Wide] = {
        "gdp_mer": _share(w("NY.GDP.MKTP.CD")),
        "gdp_ppp": _share(gdp_ppp),
        "gdp_pc_ppp": np.log(w("NY.GDP.PCAP.PP.CD").div(world_pc, axis=1)),
        "reserves": _share(w("FI.RES.TOTL.CD")),
        "milex": _share(milex_usd),
        "personnel": _share(_wide(nmc, codes, years, "milper")),
        "arms_exports": _share(arms),
        "defence_industry": _top100(store, codes, years),
        "population": _share(w("SP.POP.TOTL")),
        "land_area": _share(w("AG.LND.TOTL.K2")),
        "import_cover": np.log1p(w("FI.RES.TOTL.CD") / (imports.where(imports > 0) / 12.0)),
        "working_age_future": _share(wa_future),
        "working_age_change": (wa_future / wa[years] - 1.0) * 100.0,
        "researchers": _share(researchers),
        "researcher_net_migration": net_rate,
        "trade": _share(w("TX.VAL.MRCH.CD.WT") + imports),
        "trade_agreements": desta,
        "defence_partners": np.log1p(partners),
        "allied_milex": np.log1p(allied.div(milex_usd.sum(min_count=1), axis=1) * 1000.0),
        "arms_export_partners": np.log1p(arms_partners),
        "embassies_abroad": abroad,
        "embassies_hosted": hosted,
        "igo_memberships": igo,
        "articles": _share(w("IP.JRN.ARTC.SC")),
        "ai_articles": _share(_wide(ai, codes, years, "articles")),
        "rd_spending": _share(w("GB.XPD.RSDV.GD.ZS") / 100.0 * gdp_ppp),
        "hightech_exports": _share(w("TX.VAL.TECH.CD")),
        "patents": _share(w("IP.PAT.RESD")),
        "ip_receipts": _share(w("BX.GSR.ROYL.CD")),
    }
    held: dict[str, Wide] = {}
    for name, stop in (("trade_agreements", desta_last), ("defence_partners", atop_last),
                       ("allied_milex", atop_last), ("igo_memberships", igo_last)):  # fmt: skip
        if name == "allied_milex":  # partners held, partners' spending actual
            held[name] = pd.DataFrame(False, index=codes, columns=years)
            held[name][[y for y in years if y > stop]] = tables[name][
                [y for y in years if y > stop]
            ].notna()
            continue
        tables[name], held[name] = _hold(tables[name], stop)
    missing = set(INDICATORS) ^ set(tables)
    if missing:  # pragma: no cover - a programming error, caught by the tests
        raise SpecError(f"indicators without a table or a description: {sorted(missing)}")
    return tables, held


_CACHE: dict[tuple[str, int, int, int], pd.DataFrame] = {}


def power_panel(
    store: Store,
    *,
    first: int = FIRST_YEAR,
    last: int = LAST_YEAR,
    deliveries: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The comprehensive-power indicator panel of every sovereign state, ``first`` to ``last``.

    Parameters
    ----------
    store:
        The data store (embedded snapshot or warehouse).
    first, last:
        The panel's years (inclusive).
    deliveries:
        SIPRI's annual deliveries if already made from this store
        (:func:`annual_deliveries`, ``powerscope.arms.service.load(store).deliveries``), to
        save annualising the register again.

    Returns
    -------
    pandas.DataFrame
        ``code, indicator, year, value, carried``: one row per state, indicator and year the
        source gives a value for (missing cells are absent, not zero); ``carried`` is True where
        the deriver held a treaty or membership stock past the end of its dataset. Units and
        transformations: :data:`INDICATORS`.
    """
    if first > last:
        raise SpecError(
            f"the panel's first year {first} is after its last year {last}",
            parameter="years",
            fix="give the years in order, e.g. 2000 2024",
        )
    # the store's place and the files it was built from: a rebuilt warehouse is derived anew
    datasets = store.datasets()
    files = tuple(map(str, datasets["sha256"])) if "sha256" in datasets else ()
    key = (str(store.location), first, last, hash(files))
    # between runs: powerscope's cache, keyed by the source files, the years and the code
    disk = _disk_key(files, first, last) if files else None
    if key not in _CACHE and disk is not None:
        found = cache.read_frame("power-panel", disk)
        if found is not None and list(found.columns) == list(_COLUMNS):
            _CACHE[key] = found
    if key not in _CACHE:
        tables, held = _indicator_tables(store, first, last, deliveries)
        codes = np.array(sovereign_states(store), dtype=object)
        years = np.arange(first, last + 1)
        parts: dict[str, list[np.ndarray]] = {k: [] for k in ("code", "indicator", "year")}
        values: list[np.ndarray] = []
        carried: list[np.ndarray] = []
        for name, wide in tables.items():  # states x years, in the order of codes and years
            cells = wide.reindex(index=list(codes), columns=list(years)).to_numpy(dtype=float)
            i, t = np.nonzero(np.isfinite(cells))
            parts["code"].append(codes[i])
            parts["indicator"].append(np.full(len(i), name, dtype=object))
            parts["year"].append(years[t])
            values.append(cells[i, t])
            mask = held.get(name)
            flags = np.zeros(cells.shape, dtype=bool) if mask is None else mask.to_numpy(bool)
            carried.append(flags[i, t])
        panel = pd.DataFrame(
            {
                "code": np.concatenate(parts["code"]),
                "indicator": np.concatenate(parts["indicator"]),
                "year": np.concatenate(parts["year"]).astype(int),
                "value": np.concatenate(values),
                "carried": np.concatenate(carried),
            }
        )
        _CACHE[key] = panel.sort_values(["indicator", "code", "year"]).reset_index(drop=True)
        if disk is not None:
            cache.write_frame("power-panel", disk, _CACHE[key])
    return _CACHE[key].copy()


_COLUMNS = ("code", "indicator", "year", "value", "carried")


def _disk_key(files: tuple[str, ...], first: int, last: int) -> str:
    """The cache key of a derived panel: the store's source files (their sha256), the years,
    and the code that derives it (this module, the identity tables and the SIPRI annualising)."""
    import powerscope.arms.transfers as transfers
    import powerscope.countries.identity as identity

    here = Path(__file__)
    folder = Path(identity.__file__).parent
    code = cache.code_digest(
        (here, Path(transfers.__file__), Path(identity.__file__), folder / "entities.csv",
         folder / "aliases.csv"),
        ("numpy", "pandas"),
    )  # fmt: skip
    return cache.key_of(code, repr(files), str(first), str(last))


@deriver("power_open")
def open_power_data(store: Store) -> pd.DataFrame:
    """The ``power`` index's long panel ``code, indicator, year, value`` (and ``carried``),
    2000-2024, for every sovereign state (see :func:`power_panel`)."""
    return power_panel(store)


def panel_year(
    panel: pd.DataFrame, year: int, *, carry_forward: int = CARRY_FORWARD
) -> pd.DataFrame:
    """One year of the panel, a unit's missing value carried from up to ``carry_forward`` years
    before (the index engine's rule), as ``code, indicator, value, source_year, carried``.

    ``carried`` is True where the value is from an earlier year or was held by the deriver.
    """
    if carry_forward < 0:
        raise SpecError(
            f"carry_forward must be 0 or more, not {carry_forward}",
            parameter="carry_forward",
            fix="give the number of years a value may be carried forward (the index uses 3)",
        )
    window = panel[panel["year"].between(year - carry_forward, year)]
    latest = window.sort_values("year").groupby(["code", "indicator"], observed=True).tail(1)
    latest = latest.rename(columns={"year": "source_year"})
    latest["carried"] = latest["carried"].astype(bool) | (latest["source_year"] < year)
    columns = ["code", "indicator", "value", "source_year", "carried"]
    return latest[columns].sort_values(["code", "indicator"]).reset_index(drop=True)


def coverage(
    panel: pd.DataFrame, codes: list[str], *, carry_forward: int = CARRY_FORWARD
) -> pd.DataFrame:
    """Per indicator and year, the share of ``codes`` (the states) missing and carried.

    Returns
    -------
    pandas.DataFrame
        ``indicator, year, present, missing_share, carried_share`` after the engine's carry
        forward of up to ``carry_forward`` years, so that no gap is silent.
    """
    rows = []
    years = sorted(int(y) for y in panel["year"].unique())
    for year in years:
        one = panel_year(panel, year, carry_forward=carry_forward)
        one = one[one["code"].isin(codes)]
        for name in INDICATORS:
            got = one[one["indicator"] == name]
            rows.append(
                {
                    "indicator": name,
                    "year": year,
                    "present": len(got),
                    "missing_share": 1.0 - len(got) / len(codes),
                    "carried_share": float(got["carried"].sum()) / len(codes),
                }
            )
    return pd.DataFrame(rows)
