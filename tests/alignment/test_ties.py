"""Ties beyond the West: regions, forums, UN vote agreement by region, embassies, agreements,
and where a country is thin against its peers."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from powerscope.alignment import ties as ties_module
from powerscope.alignment.agreement import agreement_with
from powerscope.alignment.ties import load_regions, ties
from powerscope.data.catalog import Citation
from powerscope.data.store import SnapshotStore
from powerscope.errors import DataFormatError, PeriodError, SpecError, UnknownEntityError


@pytest.fixture(scope="module")
def store() -> SnapshotStore:
    return SnapshotStore()


@pytest.fixture(scope="module")
def korea(store: SnapshotStore) -> ties_module.Ties:
    return ties("KOR", store, peers=["JPN", "AUS", "TUR", "IND"])


def test_the_regions_and_their_sizes() -> None:
    regions = load_regions()
    sizes = {key: len(r.members) for key, r in regions.items()}
    assert sizes == {
        "central_asia": 5,
        "asean": 10,
        "south_asia": 8,
        "gulf": 6,
        "africa": 54,
        "latin_america": 33,
        "pacific": 12,
        "indian_ocean_rim": 23,
        "g77": 134,
    }
    assert all(r.source for r in regions.values())
    assert "TLS" not in regions["asean"].members and "IRN" not in regions["gulf"].members
    assert {"NGA", "EGY", "ZAF"} <= set(regions["africa"].members)
    assert {"MEX", "BRA", "JAM"} <= set(regions["latin_america"].members)
    assert "AUS" not in regions["pacific"].members and "FJI" in regions["pacific"].members
    assert regions["g77"].comparison and "CHN" in regions["g77"].members
    assert not (set(regions["g77"].members) & {"KOR", "JPN", "MEX", "TUR"})


def test_a_users_regions_file_names_every_unknown_code(tmp_path: Path) -> None:
    path = tmp_path / "regions.yaml"
    path.write_text(
        "mine:\n  name: Mine\n  source: me\n  members: [FJI, XXQ, Atlantis]\n", encoding="utf-8"
    )
    with pytest.raises(UnknownEntityError) as caught:
        load_regions(path)
    assert "XXQ" in str(caught.value) and "Atlantis" in str(caught.value)
    assert caught.value.parameter == "regions"
    path.write_text("mine:\n  name: Mine\n  members: [FJI]\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="source"):
        load_regions(path)
    path.write_text("mine:\n  name: Mine\n  source: me\n  m49: [Atlantis]\n", encoding="utf-8")
    with pytest.raises(SpecError, match="Atlantis"):
        load_regions(path)
    with pytest.raises(DataFormatError, match="not found"):
        load_regions(tmp_path / "missing.yaml")


def test_a_users_regions_file_is_used(tmp_path: Path, store: SnapshotStore) -> None:
    path = tmp_path / "regions.yaml"
    path.write_text(
        "north:\n  name: North\n  source: me\n  members: [PRK, MNG]\n", encoding="utf-8"
    )
    result = ties("KOR", store, regions=path, years=(2019, 2019))
    assert list(result.table["region"]) == ["north"]
    assert int(result.table["members"].iloc[0]) == 2


def test_vote_agreement_is_the_mean_over_the_members(
    korea: ties_module.Ties, store: SnapshotStore
) -> None:
    votes, calls = store.table("un_votes"), store.table("un_roll_calls")
    gulf = korea.regions["gulf"].members
    one = agreement_with("KOR", votes, calls, year=2015).set_index("partner")
    expected = float(one.loc[list(gulf), "percent_agreement"].mean()) * 100
    got = korea.series.query("country == 'KOR' and region == 'gulf' and year == 2015")
    assert float(got["vote_agreement"].iloc[0]) == pytest.approx(expected)
    pooled = agreement_with("KOR", votes, calls, years=korea.window).set_index("partner")
    expected = float(pooled.loc[list(gulf), "percent_agreement"].mean()) * 100
    row = korea.focal_table().set_index("region").loc["gulf"]
    assert row["vote_agreement"] == pytest.approx(expected)
    assert korea.years[0] == 2000 and korea.window == (korea.years[1] - 4, korea.years[1])


def test_a_member_is_not_compared_with_itself(korea: ties_module.Ties) -> None:
    india = korea.table.set_index(["country", "region"]).loc[("IND", "south_asia")]
    assert india["members"] == 7 and india["vote_members"] <= 7


def test_forums_cover_half_a_region(korea: ties_module.Ties) -> None:
    own = korea.focal_table().set_index("region")
    assert own.loc["central_asia", "forum_ids"] == "KCACF"
    assert "ASEAN-KOR" in own.loc["asean", "forum_ids"]
    assert own.loc["gulf", "forum_ids"] == "KOR-GCC-FTA"
    assert own.loc["pacific", "forums"] == 0 and own.loc["africa", "forums"] == 0
    assert set(korea.forums) >= {"KCACF", "ASEAN-KOR", "KOR-GCC-FTA"}


def test_thin_is_below_the_peers_median(korea: ties_module.Ties) -> None:
    table = korea.table
    for region in korea.regions:
        peers = table[(table["region"] == region) & (table["country"] != "KOR")]
        own = table[(table["region"] == region) & (table["country"] == "KOR")].iloc[0]
        median = float(peers["vote_agreement"].median())
        assert own["peer_median_vote_agreement"] == pytest.approx(median)
        assert ("vote_agreement" in own["thin"]) == (own["vote_agreement"] < median)
    assert all(t == [] for t in table.loc[table["country"] != "KOR", "thin"])


def test_without_peers_nothing_is_thin(store: SnapshotStore) -> None:
    result = ties("KOR", store, years=(2018, 2019))
    assert result.peers == [] and all(t == [] for t in result.table["thin"])
    assert result.thinnest().empty


def test_years_outside_the_votes_name_the_years(store: SnapshotStore) -> None:
    last = int(store.table("un_roll_calls")["year"].max())
    with pytest.raises(PeriodError) as caught:
        ties("KOR", store, years=(2000, last + 5))
    assert str(last) in str(caught.value) and caught.value.parameter == "to"
    with pytest.raises(PeriodError):
        ties("KOR", store, years=(2010, 2005))


def test_unknown_countries(store: SnapshotStore) -> None:
    with pytest.raises(UnknownEntityError, match="Atlantis"):
        ties("Atlantis", store)
    with pytest.raises(UnknownEntityError, match="Narnia") as caught:
        ties("KOR", store, peers=["JPN", "Narnia"])
    assert caught.value.parameter == "peers"
    with pytest.raises(SpecError, match="not a present-day country"):
        ties("World", store)
    with pytest.raises(SpecError, match="not a present-day country") as spec:
        ties("KOR", store, peers=["JPN", "World"])
    assert spec.value.parameter == "peers"


class _LinkedStore:
    """The snapshot, with two more datasets in its catalog (their tables faked by ``links``)."""

    def __init__(self, inner: SnapshotStore) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def datasets(self) -> pd.DataFrame:
        frame = self.inner.datasets()
        return pd.concat([frame, pd.DataFrame({"id": ["lowy_gdi", "desta"]})], ignore_index=True)

    def citation(self, dataset_id: str) -> Citation:
        if dataset_id in ("lowy_gdi", "desta"):
            return Citation(dataset_id, "Publisher", dataset_id, "test", (2016, 2023), "", "", "")
        return self.inner.citation(dataset_id)


def _fake_links() -> SimpleNamespace:
    embassies = {
        "KOR": {"2021": ["KAZ", "UZB", "IDN"], "2023": ["KAZ", "UZB", "KGZ", "IDN", "KOR"]},
        "JPN": {"2021": ["KAZ"], "2023": ["KAZ", "UZB", "KGZ", "TJK", "TKM"]},
    }
    agreements = {"KOR": ["SGP", "VNM", "IDN", "CHL"], "JPN": ["SGP", "MEX"]}

    def embassies_by_edition(store: Any, focal: str) -> pd.DataFrame:
        rows = [
            (code, edition, code in posts)
            for edition, posts in embassies[focal].items()
            for code in ["KAZ", "UZB", "KGZ", "TJK", "TKM", "IDN", "KOR", "FRA"]
        ]
        return pd.DataFrame(rows, columns=["code", "edition", "embassy"])

    def trade_agreements(store: Any, focal: str, *, year: int | None = None) -> pd.DataFrame:
        codes = ["SGP", "VNM", "IDN", "CHL", "MEX", "FJI"]
        n = [int(c in agreements[focal]) for c in codes]
        return pd.DataFrame(
            {"code": codes, "n_agreements": n, "agreements": ["x"] * 6, "year": [2023] * 6}
        )

    return SimpleNamespace(
        embassies_by_edition=embassies_by_edition, trade_agreements=trade_agreements
    )


def test_embassies_and_agreements_by_region(
    monkeypatch: pytest.MonkeyPatch, store: SnapshotStore
) -> None:
    monkeypatch.setattr(ties_module, "_links", _fake_links)
    result = ties("KOR", _LinkedStore(store), peers=["JPN"], years=(2018, 2019))
    assert result.editions == ["2021", "2023"] and result.agreements_year == 2023
    assert {c.dataset for c in result.citations} >= {"lowy_gdi", "desta", "unvotes"}
    own = result.focal_table().set_index("region")
    assert own.loc["central_asia", "embassies_2021"] == 2
    assert own.loc["central_asia", "embassies_2023"] == 3
    assert own.loc["central_asia", "embassy_share"] == pytest.approx(60.0)
    assert own.loc["asean", "agreements"] == 3
    assert own.loc["asean", "agreement_partners"] == "IDN, SGP, VNM"
    assert own.loc["asean", "agreement_share"] == pytest.approx(30.0)
    assert own.loc["pacific", "agreements"] == 0
    # Japan has embassies in all five Central Asian states: Korea's three are thin
    assert "embassy_share" in own.loc["central_asia", "thin"]
    assert "agreement_share" not in own.loc["asean", "thin"]
    assert not np.isnan(own.loc["central_asia", "peer_median_embassy_share"])
    assert "central_asia" in list(result.thinnest()["region"])


class _WithoutLinks(_LinkedStore):
    """The snapshot without the embassy and trade-agreement datasets in its catalog."""

    def datasets(self) -> pd.DataFrame:
        frame = self.inner.datasets()
        return frame[~frame["id"].isin(["lowy_gdi", "desta"])].reset_index(drop=True)


def test_without_the_datasets_the_measures_are_missing_and_said(store: SnapshotStore) -> None:
    result = ties("KOR", _WithoutLinks(store), years=(2018, 2019))
    assert any("lowy_gdi" in n for n in result.notes)
    assert any("desta" in n for n in result.notes)
    assert result.focal_table()["agreements"].isna().all() and result.editions == []
    assert {c.dataset for c in result.citations}.isdisjoint({"lowy_gdi", "desta"})


def test_embassies_and_agreements_from_the_store(
    korea: ties_module.Ties, store: SnapshotStore
) -> None:
    from powerscope.alignment.links import embassies, trade_agreements

    if "lowy_gdi" not in {str(i) for i in store.datasets()["id"]}:
        pytest.skip("this store holds no Lowy GDI")
    assert korea.editions == ["2016", "2017", "2021", "2023"]
    posts = embassies(store, "KOR", edition=2023).set_index("code")["focal_embassy"]
    agreements = trade_agreements(store, "KOR").set_index("code")["n_agreements"]
    own = korea.focal_table().set_index("region")
    for key, region in korea.regions.items():
        members = [m for m in region.members if m != "KOR"]
        hosting = sum(bool(posts.get(m, False)) for m in members)
        assert own.loc[key, "embassies_2023"] == hosting, key
        assert own.loc[key, "embassy_share"] == pytest.approx(100 * hosting / len(members))
        linked = sorted(m for m in members if agreements.get(m, 0) >= 1)
        assert own.loc[key, "agreement_partners"] == ", ".join(linked), key
    assert own.loc["asean", "agreements"] == 10  # the ASEAN-Korea agreements
    assert {c.dataset for c in korea.citations} >= {"lowy_gdi", "desta"}
