"""The open comprehensive-power panel: coverage, values traced to the store's tables, no
silent gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerscope.data.store import SnapshotStore
from powerscope.errors import SpecError
from powerscope.index.derive import get_deriver
from powerscope.power.indicators import (
    CARRY_FORWARD,
    INDICATORS,
    MEASURES,
    coverage,
    open_power_data,
    panel_year,
    power_panel,
    sovereign_states,
)


@pytest.fixture(scope="module")
def store() -> SnapshotStore:
    return SnapshotStore()


@pytest.fixture(scope="module")
def panel(store: SnapshotStore) -> pd.DataFrame:
    return power_panel(store)


def value(panel: pd.DataFrame, code: str, indicator: str, year: int) -> float:
    row = panel[
        (panel["code"] == code) & (panel["indicator"] == indicator) & (panel["year"] == year)
    ]
    assert len(row) == 1, f"{code} {indicator} {year}: {len(row)} rows"
    return float(row["value"].iloc[0])


def test_the_deriver_is_registered_and_returns_the_long_panel(store: SnapshotStore) -> None:
    assert get_deriver("power_open") is open_power_data
    long = open_power_data(store)
    assert list(long.columns[:4]) == ["code", "indicator", "year", "value"]
    assert not long.duplicated(["code", "indicator", "year"]).any()
    assert np.isfinite(long["value"]).all()


def test_every_sovereign_state_and_every_year_2000_to_2024(
    panel: pd.DataFrame, store: SnapshotStore
) -> None:
    states = sovereign_states(store)
    assert len(states) == 195 and "KOR" in states and "TWN" in states and "HKG" not in states
    assert sorted(panel["year"].unique()) == list(range(2000, 2025))
    assert set(panel["code"]) <= set(states)
    one = panel_year(panel, 2023)
    per_state = one.groupby("code")["indicator"].nunique()
    # a state with at least half the indicators in 2023 (after the engine's carry-forward)
    assert (per_state >= len(INDICATORS) / 2).sum() >= 150


def test_every_indicator_has_a_measure_a_dataset_and_data(panel: pd.DataFrame) -> None:
    assert {i.measure for i in INDICATORS.values()} == set(MEASURES)
    assert set(panel["indicator"]) == set(INDICATORS)


def test_missing_shares_are_reported_for_every_indicator_and_year(
    panel: pd.DataFrame, store: SnapshotStore
) -> None:
    states = sovereign_states(store)
    report = coverage(panel, states)
    assert len(report) == len(INDICATORS) * 25
    row = report[(report["indicator"] == "embassies_abroad") & (report["year"] == 2023)].iloc[0]
    reporters = panel[(panel["indicator"] == "embassies_abroad") & (panel["year"] == 2023)]
    # Lowy's 66 reporters of 2023 are 65 states and the European Union (not a unit here)
    assert row["present"] == len(reporters) == 65
    assert row["missing_share"] == pytest.approx(1 - 65 / 195)
    # the only indicator missing for most states in 2023 is the one with 66 reporting states
    sparse = set(report[(report["year"] == 2023) & (report["missing_share"] > 0.5)]["indicator"])
    assert sparse == {"embassies_abroad"}
    # indicators that start late are reported missing before they start, not filled backwards
    early = report[report["year"] == 2000].set_index("indicator")["missing_share"]
    assert early["ai_articles"] == 1.0 and early["hightech_exports"] == 1.0
    assert early["embassies_hosted"] == 1.0


def test_carry_forward_is_bounded_and_flagged(panel: pd.DataFrame) -> None:
    # SIPRI Top 100 data end in 2022: carried to 2025 at most, flagged
    y2025 = panel_year(panel, 2025)
    kor = y2025[(y2025["code"] == "KOR") & (y2025["indicator"] == "defence_industry")].iloc[0]
    assert kor["source_year"] == 2022 and kor["carried"]
    y2026 = panel_year(panel, 2026)
    assert y2026[y2026["indicator"] == "defence_industry"].empty
    with pytest.raises(SpecError, match="carry_forward"):
        panel_year(panel, 2023, carry_forward=-1)


def test_treaty_stocks_are_held_past_their_data_and_flagged(panel: pd.DataFrame) -> None:
    kor = panel[(panel["code"] == "KOR") & (panel["indicator"] == "trade_agreements")]
    flags = dict(zip(kor["year"], kor["carried"], strict=True))
    assert not flags[2020] and all(flags[y] for y in range(2021, 2025))
    partners = panel[(panel["code"] == "KOR") & (panel["indicator"] == "defence_partners")]
    assert not partners[partners["year"] == 2018]["carried"].iloc[0]
    assert partners[partners["year"] == 2024]["carried"].iloc[0]


def test_korea_milex_is_its_share_of_all_states_sipri_spending(
    panel: pd.DataFrame, store: SnapshotStore
) -> None:
    milex = store.table("sipri_milex", columns=["code", "year", "milex_const2023_usd_m"])
    milex = milex[(milex["year"] == 2023) & milex["code"].astype(str).isin(sovereign_states(store))]
    spend = milex.set_index(milex["code"].astype(str))["milex_const2023_usd_m"]
    expected = np.log1p(spend["KOR"] / spend.sum() * 1000)
    assert value(panel, "KOR", "milex", 2023) == pytest.approx(expected)
    assert 15 < spend["KOR"] / spend.sum() * 1000 < 30  # 1.5-3% of world spending


def test_korea_posts_abroad_and_ai_articles_from_the_tables(
    panel: pd.DataFrame, store: SnapshotStore
) -> None:
    posts = store.table("lowy_posts")
    count = int(((posts["code"].astype(str) == "KOR") & (posts["edition"] == 2023)).sum())
    assert count == 187  # 114 embassies, 60 consulates, 5 missions, 8 other posts
    assert value(panel, "KOR", "embassies_abroad", 2023) == pytest.approx(np.log1p(187))
    art = store.table("research_articles")
    ai = art[
        (art["field"].astype(str) == "AI-related") & (art["count_type"].astype(str) == "whole")
    ]
    ai = ai[(ai["year"] == 2022) & ai["code"].astype(str).isin(sovereign_states(store))]
    ai = ai.set_index(ai["code"].astype(str))["articles"]
    assert ai["KOR"] == 2569
    expected = np.log1p(ai["KOR"] / ai.sum() * 1000)
    assert value(panel, "KOR", "ai_articles", 2022) == pytest.approx(expected)


def test_korea_working_age_change_is_the_wpp_projection(
    panel: pd.DataFrame, store: SnapshotStore
) -> None:
    wpp = store.table("wpp_population")
    kor = wpp[(wpp["code"].astype(str) == "KOR") & (wpp["variant"].astype(str) == "medium")]
    wa = kor.set_index("year")["pop_15_64"]
    expected = (wa[2038] / wa[2023] - 1) * 100
    assert value(panel, "KOR", "working_age_change", 2023) == pytest.approx(expected)
    assert expected < -15  # a shrinking workforce


def test_alliances_count_the_states_pledged_to_defend_a_state(panel: pd.DataFrame) -> None:
    # ATOP's directed dyads: the USA pledges to defend Japan, Japan not the USA
    assert value(panel, "JPN", "defence_partners", 2018) == pytest.approx(np.log(2))
    assert value(panel, "KOR", "defence_partners", 2018) == pytest.approx(np.log(2))
    assert value(panel, "USA", "defence_partners", 2018) > np.log1p(25)  # NATO and the Rio Pact


def test_korea_rises_as_an_arms_exporter_and_china_enters_the_top_100_in_2015(
    panel: pd.DataFrame,
) -> None:
    assert (
        value(panel, "KOR", "arms_exports", 2024) > value(panel, "KOR", "arms_exports", 2014) + 0.5
    )
    china = panel[(panel["code"] == "CHN") & (panel["indicator"] == "defence_industry")]
    assert china["year"].min() == 2015
    # a state with no company in the Top 100 has no arms revenue there (0), not a missing value
    assert value(panel, "NZL", "defence_industry", 2010) == 0.0


def test_the_years_must_be_in_order(store: SnapshotStore) -> None:
    with pytest.raises(SpecError, match="after its last year"):
        power_panel(store, first=2024, last=2000)


def test_the_carry_forward_matches_the_spec() -> None:
    from powerscope.index.spec import load_spec

    options = load_spec("power").panel
    assert options is not None and options.carry_forward == CARRY_FORWARD
