"""Every library result that leaves a domain carries Citation values, made by the store."""

from __future__ import annotations

import json

import pytest

from powerscope.data.catalog import Citation
from powerscope.data.store import SnapshotStore


@pytest.fixture(scope="module")
def store() -> SnapshotStore:
    return SnapshotStore()


def test_index_results_carry_the_citations_of_their_datasets(store: SnapshotStore) -> None:
    from powerscope.index import load_spec
    from powerscope.index.service import compute_index, country_profile

    ceti = compute_index(load_spec("ceti"), store=store)
    assert ceti.citations == (store.citation("belfer_ceti"),)
    assert all(isinstance(c, Citation) for c in ceti.citations)
    assert json.loads(json.dumps(ceti.method["citations"]))[0]["dataset"] == "belfer_ceti"
    assert "belfer_ceti" in ceti.method["source"] and "edition 2025" in ceti.method["source"]
    assert ceti.method["store"] == store.describe()
    assert country_profile(ceti, "KOR")["citations"] == [ceti.citations[0].to_dict()]
    military = compute_index(load_spec("military"), store=store)
    assert [c.dataset for c in military.citations] == ["gfp", "sipri_milex"]


def test_arms_results_carry_the_register_citation(store: SnapshotStore) -> None:
    from powerscope.arms.service import load, previous_period, profile

    data = load(store)
    assert data.citations == (store.citation("sipri_arms"),)
    assert data.edition == data.citations[0].edition and data.tiv_edition.endswith("1950-2021)")
    report = profile(data, "KOR")
    assert report["period"] == "2020-2024" and report["previous_period"] == "2015-2019"
    assert report["previous_period"] in {row["period"] for row in report["trend"]}
    assert report["citations"][0]["years"] == [1950, 2024]
    assert (
        previous_period("2017-2021") == "2012-2016" and previous_period("2024-2024") == "2023-2023"
    )


def test_military_explanation_cites_global_firepower(store: SnapshotStore) -> None:
    from powerscope.military.service import explain_gfp

    report = explain_gfp(store=store, top=3)
    assert report["citations"] == [store.citation("gfp").to_dict()]
    assert report["source"].startswith(store.citation("gfp").text())


def test_alignment_results_cite_the_votes_and_every_partner_dataset(store: SnapshotStore) -> None:
    from powerscope.alignment.service import like_minded, votes_citations

    report = like_minded("KOR", store=store)
    cited = [c["dataset"] for c in report["citations"]]
    assert cited == ["unvotes", "unvotes_undl", "atop", "cow_igo", "democracy", "cow_trade",
                     "desta", "lowy_gdi", "powerscope_institutions"]  # fmt: skip
    assert "data: unvotes" in report["source"]
    votes, undl = votes_citations(store)
    assert votes.years == (1946, 2020) and votes.publisher.startswith("Erik Voeten")
    assert undl.years == (2020, 2025) and undl.publisher == "United Nations Digital Library"


def test_claim_verdicts_carry_the_citation_of_their_edition(store: SnapshotStore) -> None:
    from powerscope.claims import check_claims, load_claims

    wanted = {"gfp-5th", "sipri-change-2022-edition", "ceti-semiconductors-5th"}
    claims = [c for c in load_claims() if c["id"] in wanted]
    verdicts = {v.id: v for v in check_claims(claims, store=store)}
    gfp = verdicts["gfp-5th"]
    assert gfp.citations == (store.citation("gfp"),) and gfp.edition == "Global Firepower 2026"
    tiv = verdicts["sipri-change-2022-edition"].citations[0]
    assert tiv.dataset == "sipri_arms" and tiv.years == (1950, 2021)
    assert verdicts["ceti-semiconductors-5th"].edition == store.citation("belfer_ceti").short
    record = verdicts["gfp-5th"].as_record()
    assert json.loads(json.dumps(record))["citations"][0]["publisher"].startswith("Global")


def test_dynamics_citations_come_from_the_store(store: SnapshotStore) -> None:
    from powerscope.dynamics.cite import citations, cite

    cited = cite({"gdp": "wdi", "spending": "sipri_milex", "x": "no_such_dataset"}, store)
    assert [c.dataset for c in cited] == ["sipri_milex", "wdi"]
    assert citations({"gdp": "wdi"}, store) == {"wdi": store.citation("wdi").text()}


def test_curated_sources_are_cited_like_datasets(store: SnapshotStore) -> None:
    citation = store.citation("powerscope_claims")
    assert citation.publisher == "powerscope" and citation.years is None
    assert citation.text().startswith("powerscope, Claims of the debate")
