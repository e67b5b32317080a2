"""The summary section: headline figures as published."""

from __future__ import annotations

from powerscope.brief.sections import Brief


def test_summary_headlines_match_the_published_figures(kor: Brief) -> None:
    data = kor.section("summary").data
    assert data["ceti_rank"] == 5  # docs/ceti.md: overall 5th
    assert data["gfp_rank"] == 5  # docs/military.md: GFP 5th of 145
    assert data["milex_rank"] == 11  # SIPRI 2024, constant 2023 US$
    assert data["arms"]["rank"] == 10 and round(data["arms"]["share"], 2) == 2.18  # 2020-2024
    assert data["partners"] == ["AUS", "JPN", "FRA"]  # docs/alignment.md
    values = {f.label: f.value for f in kor.section("summary").facts}
    assert values["Technology (Belfer CETI 2025)"].startswith("5th of 26, score 20.0")
    assert "US$48.5 bn" in values["Military spending (SIPRI)"]


def test_the_headlines_are_the_country_profile(kor: Brief) -> None:
    from powerscope.data.store import SnapshotStore
    from powerscope.profile import ArmsPart, MilitaryPart, TechnologyPart, country_profile

    profile = country_profile("KOR", store=SnapshotStore(), partners=3)
    data = kor.section("summary").data
    assert isinstance(profile.technology, TechnologyPart)
    assert isinstance(profile.military, MilitaryPart) and isinstance(profile.arms, ArmsPart)
    assert data["ceti_rank"] == profile.technology.rank
    assert data["gfp_rank"] == profile.military.measures["gfp"].rank
    assert data["milex_rank"] == profile.military.measures["milex"].rank
    assert profile.arms.current is not None and data["arms"]["share"] == profile.arms.current.share
    assert data["partners"] == [p.code for p in profile.alignment.partners]  # type: ignore[union-attr]
