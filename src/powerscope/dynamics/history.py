"""Observed series of one country for the dynamic model, from the warehouse or the snapshot.

Units (all money in constant 2015 US$, from World Bank GDP and real growth):

=================  ==============================  =================================================
series             unit                            from
=================  ==============================  =================================================
gdp                US$ bn, constant 2015           WDI NY.GDP.MKTP.CD (2015) chained with
                                                   NY.GDP.MKTP.KD.ZG
rd_intensity       % of GDP                        WDI GB.XPD.RSDV.GD.ZS
rd_spending        US$ bn, constant 2015           rd_intensity x gdp
researchers        thousand (FTE)                  WDI SP.POP.SCIE.RD.P6 x population
articles           articles                        WDI IP.JRN.ARTC.SC
patents            applications                    WDI IP.PAT.RESD
hightech_exports   US$ bn, current                 WDI TX.VAL.TECH.CD
population         million                         WDI SP.POP.TOTL
labour             million                         WDI SL.TLF.TOTL.IN
relative_income    ratio to the United States      WDI NY.GDP.PCAP.PP.CD
milex_share        % of GDP                        SIPRI military expenditure, share of GDP
milex              US$ bn, constant 2015           milex_share x gdp
arms_exports       TIV m                           SIPRI trend-indicator values, supplier totals
=================  ==============================  =================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from powerscope.countries.identity import resolve
from powerscope.data.store import Store, open_store
from powerscope.errors import DataFormatError

WDI = {
    "NY.GDP.MKTP.CD": "gdp_current",
    "NY.GDP.MKTP.KD.ZG": "gdp_growth",
    "GB.XPD.RSDV.GD.ZS": "rd_intensity",
    "SP.POP.SCIE.RD.P6": "researchers_per_million",
    "IP.JRN.ARTC.SC": "articles",
    "IP.PAT.RESD": "patents",
    "TX.VAL.TECH.CD": "hightech_current",
    "SP.POP.TOTL": "population_total",
    "SL.TLF.TOTL.IN": "labour_total",
    "NY.GDP.PCAP.PP.CD": "gdp_pc_ppp",
}
SERIES_UNITS = {
    "gdp": "US$ bn (constant 2015)",
    "rd_intensity": "% of GDP",
    "rd_spending": "US$ bn (constant 2015)",
    "researchers": "thousand FTE",
    "articles": "articles",
    "patents": "applications",
    "hightech_exports": "US$ bn (current)",
    "population": "million",
    "labour": "million",
    "relative_income": "ratio to the US",
    "milex_share": "% of GDP",
    "milex": "US$ bn (constant 2015)",
    "arms_exports": "TIV m",
}
SOURCES = {
    "gdp": "wdi",
    "rd_intensity": "wdi",
    "rd_spending": "wdi",
    "researchers": "wdi",
    "articles": "wdi",
    "patents": "wdi",
    "hightech_exports": "wdi",
    "population": "wdi",
    "labour": "wdi",
    "relative_income": "wdi",
    "milex_share": "sipri_milex",
    "milex": "sipri_milex",
    "arms_exports": "sipri_arms",
}
FIRST_YEAR = 1990
BASE_YEAR = 2015


@dataclass
class History:
    """Observed yearly series of one country (rows: years; columns: :data:`SERIES_UNITS`)."""

    code: str
    frame: pd.DataFrame
    sources: dict[str, str]

    def series(self, name: str) -> pd.Series:
        return self.frame[name]


def _real_gdp(current: pd.Series, growth: pd.Series) -> pd.Series:
    """Real GDP in constant-2015 US$ bn: the 2015 current-US$ level chained with real growth."""
    years = current.index
    if BASE_YEAR not in current.index or pd.isna(current.get(BASE_YEAR)):
        return pd.Series(np.nan, index=years)
    factor = (1.0 + growth.reindex(years) / 100.0).astype(float)
    level = pd.Series(np.nan, index=years, dtype=float)
    level[BASE_YEAR] = float(current[BASE_YEAR]) / 1e9
    for year in range(BASE_YEAR + 1, int(years.max()) + 1):
        if year in years and year - 1 in years and pd.notna(factor.get(year)):
            level[year] = level[year - 1] * factor[year]
    for year in range(BASE_YEAR - 1, int(years.min()) - 1, -1):
        if year in years and year + 1 in years and pd.notna(factor.get(year + 1)):
            level[year] = level[year + 1] / factor[year + 1]
    return level


def _wdi(store: Store, codes: list[str]) -> pd.DataFrame:
    frame = store.table("wdi")
    frame = frame[frame["code"].isin(codes) & frame["indicator"].isin(list(WDI))]
    frame = frame[frame["year"] >= FIRST_YEAR]
    return frame.pivot_table(
        index=["code", "year"], columns="indicator", values="value", aggfunc="first", observed=True
    ).rename(columns=WDI)


def load_history(code: str, store: Store | None = None) -> History:
    """Every series the model uses for ``code`` (a name or code), 1990 onwards."""
    store = store or open_store()
    code = resolve(code)
    wdi = _wdi(store, [code, "USA"])
    if code not in wdi.index.get_level_values(0):
        raise DataFormatError(
            f"no World Bank data for {code}",
            where="wdi",
            fix="pick a country with World Bank R&D data (e.g. KOR, CHN, JPN, DEU, USA)",
        )
    own = wdi.loc[code].reindex(columns=list(WDI.values()))
    years = pd.RangeIndex(FIRST_YEAR, int(own.index.max()) + 1, name="year")
    own = own.reindex(years)
    usa = wdi.loc["USA"].reindex(years)
    out = pd.DataFrame(index=years)
    out["gdp"] = _real_gdp(own["gdp_current"], own["gdp_growth"])
    out["rd_intensity"] = own["rd_intensity"]
    out["rd_spending"] = out["rd_intensity"] / 100.0 * out["gdp"]
    out["population"] = own["population_total"] / 1e6
    out["labour"] = own["labour_total"] / 1e6
    out["researchers"] = own["researchers_per_million"] * out["population"] / 1000.0
    out["articles"] = own["articles"]
    out["patents"] = own["patents"]
    out["hightech_exports"] = own["hightech_current"] / 1e9
    out["relative_income"] = own["gdp_pc_ppp"] / usa["gdp_pc_ppp"]
    out["us_income_growth"] = np.log(_real_gdp(usa["gdp_current"], usa["gdp_growth"])).diff() - (
        np.log(usa["population_total"]).diff()
    )

    milex = store.table("sipri_milex", ["code", "year", "milex_share_gdp"])
    milex = milex[milex["code"] == code].set_index("year")["milex_share_gdp"]
    out["milex_share"] = milex.reindex(years) * 100.0
    out["milex"] = out["milex_share"] / 100.0 * out["gdp"]

    transfers = store.table("sipri_tiv", ["supplier_code", "year", "tiv"])
    last_tiv = int(transfers["year"].max())
    tiv = transfers[transfers["supplier_code"] == code].groupby("year")["tiv"].sum()
    arms = tiv.reindex(years).astype(float)
    arms[(arms.index <= last_tiv) & arms.isna()] = 0.0
    out["arms_exports"] = arms
    sources = {name: SOURCES.get(name, "wdi") for name in out.columns}
    return History(code=code, frame=out, sources=sources)


def fill_log(series: pd.Series) -> pd.Series:
    """Interpolate gaps inside the observed span on the log scale (positive series)."""
    inside = series.copy()
    valid = inside.dropna()
    if valid.empty:
        return inside
    span = inside.loc[valid.index.min() : valid.index.max()]
    logs = np.log(span.where(span > 0))
    inside.loc[span.index] = np.exp(logs.interpolate(limit_area="inside"))
    return inside
