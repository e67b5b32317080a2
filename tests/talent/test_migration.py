"""Researcher migration: a country by year, its main partners, its peers, the two sources side
by side, provisional years flagged, and the series the dynamic model calibrates on."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from powerscope.data.store import SnapshotStore
from powerscope.errors import NotFoundError, PeriodError, SpecError, UnknownEntityError
from powerscope.talent import (
    compare_sources,
    main_partners,
    migration,
    net_migration,
    partner_flows,
    rate_summary,
    researcher_population,
    talent_flows,
)
from powerscope.talent.migration import reliable_end


@pytest.fixture(scope="module")
def store() -> SnapshotStore:
    return SnapshotStore()


@pytest.fixture(scope="module")
def korea(store: SnapshotStore):  # type: ignore[no-untyped-def]
    return talent_flows("KOR", peers=["JPN", "CHN", "USA"], store=store)


def test_korea_lost_375_researchers_on_balance_in_2021(store: SnapshotStore) -> None:
    rows = migration("South Korea", store=store).set_index("year")
    row = rows.loc[2021]
    assert (int(row["inflow"]), int(row["outflow"]), int(row["net"])) == (2157, 2532, -375)
    assert int(row["researchers"]) == 195922
    # rates per 1,000 researchers: -375 / 195,922 * 1,000
    assert row["rate"] == pytest.approx(-375 / 195922 * 1000, rel=1e-5)
    assert not row["provisional"]
    # after the last reliable year: flagged, and no population published
    assert rows.loc[2022, "provisional"] and pd.isna(rows.loc[2022, "researchers"])
    # the first year of publications has no moves by construction and is left out
    assert rows.index.min() == 1997


def test_korea_to_the_us_in_2021_850_moves_and_797_back(store: SnapshotStore) -> None:
    flows = partner_flows("KOR", store=store).set_index(["partner", "year"])
    usa = flows.loc[("USA", 2021)]
    assert (int(usa["moves_out"]), int(usa["moves_in"]), int(usa["net"])) == (850, 797, -53)
    china = flows.loc[("CHN", 2021)]
    assert int(china["net"]) == int(china["moves_in"]) - int(china["moves_out"])
    # a pair seen from either side gives the same moves
    back = partner_flows("USA", store=store).set_index(["partner", "year"]).loc[("KOR", 2021)]
    assert (int(back["moves_out"]), int(back["moves_in"])) == (797, 850)


def test_main_partners_rank_by_moves_both_ways_over_reliable_years(store: SnapshotStore) -> None:
    flows = partner_flows("KOR", store=store)
    top = main_partners(flows, 3)
    assert list(top["partner"]) == ["USA", "JPN", "CHN"]
    both = top["moves_out"] + top["moves_in"]
    assert list(both) == sorted(both, reverse=True)
    usa = top.set_index("partner").loc["USA"]
    assert usa["last"] == 2021 and usa["latest_out"] == 850 and usa["latest_in"] == 797
    reliable = flows[(flows["partner"] == "USA") & ~flows["provisional"]]
    assert int(usa["moves_out"]) == int(reliable["moves_out"].sum())


def test_the_two_sources_side_by_side(store: SnapshotStore) -> None:
    sources = compare_sources("KOR", store=store)
    table = sources.table.set_index("year")
    assert int(table.loc[2021, "net_scopus_2024"]) == -375
    assert int(table.loc[2021, "net_openalex_2023"]) == -33
    # OpenAlex's 2021 is provisional (its last reliable year is 2020), Scopus's is not
    assert table.loc[2021, "provisional_openalex_2023"]
    assert not table.loc[2021, "provisional_scopus_2024"]
    assert sources.reliable[-1] == 2020 and 2021 not in sources.reliable
    assert 0 < sources.same_sign <= len(sources.reliable)
    assert set(sources.mean_rate) == {"scopus_2024", "openalex_2023"}


def test_peers_compared_by_rate_over_the_last_reliable_years(korea) -> None:  # type: ignore[no-untyped-def]
    summary = korea.summary.set_index("code")
    assert set(summary.index) == {"KOR", "JPN", "CHN", "USA"}
    assert (summary["years"] == "2017-2021").all()
    kor = korea.rows[korea.rows["year"].between(2017, 2021)]
    assert summary.loc["KOR", "net"] == kor["net"].sum()
    assert summary.loc["KOR", "rate"] == pytest.approx(kor["rate"].mean())
    assert list(korea.summary["rate"]) == sorted(korea.summary["rate"], reverse=True)


def test_the_result_serialises_with_its_citation(korea) -> None:  # type: ignore[no-untyped-def]
    payload = json.loads(json.dumps(korea.to_dict()))
    assert payload["code"] == "KOR" and payload["release"] == "scopus_2024"
    row = next(r for r in payload["rows"] if r["year"] == 2021)
    assert row["net"] == -375 and row["provisional"] is False
    assert payload["provisional_years"] == [2022, 2023]
    usa = next(f for f in payload["flows"] if f["partner"] == "USA")
    assert {
        "year": 2021,
        "moves_out": 850,
        "moves_in": 797,
        "net": -53,
        "provisional": False,
    } in usa["by_year"]
    assert payload["citation"]["dataset"] == "scholarly_migration"
    assert payload["citation"]["edition"] and payload["citation"]["years"][0] == 1996
    assert "Max Planck" in payload["source"] and "scopus_2024" in payload["source"]
    assert set(payload["peer_rows"]) == {"KOR", "JPN", "CHN", "USA"}


def test_net_migration_for_the_dynamic_model(store: SnapshotStore) -> None:
    net = net_migration("KOR", store=store)
    assert net.loc[2021] == -375 and net.index.max() == 2021
    assert net.attrs["provisional"] == [] and net.attrs["citation"].dataset == "scholarly_migration"
    flagged = net_migration("KOR", store=store, include_provisional=True)
    assert flagged.attrs["provisional"] == [2022, 2023] and flagged.loc[2022] == 59
    population = researcher_population("KOR", store=store)
    assert population.loc[2021] == 195922 and population.index.max() == 2021
    assert net_migration("KOR", "openalex_2023", store).index.max() == 2020
    assert reliable_end(store, "scopus_2022_07") == 2020


def test_rate_summary_of_one_country() -> None:
    rows = pd.DataFrame(
        {
            "code": ["KOR"] * 3,
            "year": [2019, 2020, 2021],
            "researchers": pd.array([100, 200, None], dtype="Int64"),
            "inflow": [1, 2, 3],
            "outflow": [2, 2, 2],
            "net": [-1, 0, 1],
            "rate": [-10.0, 0.0, float("nan")],
            "inflow_rate": [10.0, 10.0, float("nan")],
            "outflow_rate": [20.0, 10.0, float("nan")],
            "provisional": [False, False, True],
        }
    )
    summary = rate_summary(rows).iloc[0]
    assert summary["years"] == "2019-2020" and summary["net"] == -1
    assert summary["rate"] == pytest.approx(-5.0) and summary["researchers"] == 200


def test_bad_input_is_refused_with_what_to_do(store: SnapshotStore) -> None:
    with pytest.raises(UnknownEntityError, match="Atlantis"):
        migration("Atlantis", store=store)
    with pytest.raises(SpecError, match="not a country"):
        migration("EUU", store=store)
    with pytest.raises(
        NotFoundError, match=r"Kosovo \(XKX\) is not in the Scholarly Migration Database"
    ):
        migration("Kosovo", store=store)
    with pytest.raises(PeriodError) as period:
        migration("KOR", years=(1990, 2000), store=store)
    assert "1997 to 2023" in str(period.value) and period.value.parameter == "from"
    with pytest.raises(SpecError, match="scopus_2024, openalex_2023") as release:
        migration("KOR", release="wos_2025", store=store)
    assert release.value.parameter == "release"
    with pytest.raises(SpecError, match="flows between countries only"):
        talent_flows("KOR", release="scopus_2022_07", store=store)
    with pytest.raises(UnknownEntityError) as peer:
        talent_flows("KOR", peers=["Narnia"], store=store)
    assert peer.value.parameter == "peers"
    with pytest.raises(NotFoundError, match="ESH"):
        talent_flows("Western Sahara", store=store)
    with pytest.raises(SpecError, match="partners"):
        talent_flows("KOR", partners=99, store=store)


def test_a_period_limits_every_part(store: SnapshotStore) -> None:
    result = talent_flows("KOR", years=(2000, 2010), partners=2, store=store)
    assert result.rows["year"].min() == 2000 and result.rows["year"].max() == 2010
    assert result.partner_series["year"].between(2000, 2010).all()
    assert len(result.partners) == 2 and result.provisional_years() == []
    assert result.sources.table["year"].between(2000, 2010).all()


def test_openalex_release_and_a_peer_absent_from_it(store: SnapshotStore) -> None:
    result = talent_flows("KOR", peers=["Comoros", "JPN"], release="openalex_2023", store=store)
    assert result.peers == ["JPN"]
    assert any("COM" in note for note in result.notes)
    assert result.reliable_end == 2020
