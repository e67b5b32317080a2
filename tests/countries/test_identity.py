"""The identity layer resolves every spelling a source uses to one code, and never drops a name."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from powerscope.countries import (
    entities_frame,
    entity,
    group,
    is_aggregate,
    members,
    reset_registry,
    resolve,
    resolve_many,
    resolve_series,
)
from powerscope.errors import DataFormatError, SpecError, UnknownEntityError


@pytest.mark.parametrize(
    "value",
    ["Korea, Rep.", "South Korea", "Korea, South", "KR", "KOR", 732, "732", "Republic of Korea"],
)
def test_every_spelling_of_south_korea_is_kor(value: object) -> None:
    assert resolve(value) == "KOR"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Korea, North", "PRK"),
        ("Korea, Dem. People's Rep.", "PRK"),
        ("U.A.E.", "ARE"),
        ("UAE", "ARE"),
        ("Turkiye", "TUR"),
        ("Türkiye", "TUR"),
        ("Viet Nam", "VNM"),
        ("DR Congo", "COD"),
        ("Congo, Dem. Rep.", "COD"),
        ("Congo", "COG"),
        ("Cote d'Ivoire", "CIV"),
        ("eSwatini", "SWZ"),
        ("Bosnia-Herzegovina", "BIH"),
        ("United States of America", "USA"),
        ("Hong Kong SAR, China", "HKG"),
        ("Kosovo", "XKX"),
        ("Taiwan", "TWN"),
    ],
)
def test_hard_country_names(value: str, code: str) -> None:
    assert resolve(value) == code


@pytest.mark.parametrize(
    ("value", "code", "kind", "successor"),
    [
        ("Soviet Union", "SUN", "historical", "RUS"),
        ("USSR", "SUN", "historical", "RUS"),
        ("East Germany (GDR)", "DDR", "historical", "DEU"),
        ("German Democratic Republic", "DDR", "historical", "DEU"),
        ("Yugoslavia", "YUG", "historical", "SRB"),
        ("Czechoslovakia", "CSK", "historical", "CZE"),
        ("South Yemen", "YMD", "historical", "YEM"),
        ("South Vietnam", "RVN", "historical", "VNM"),
    ],
)
def test_historical_states_are_explicit(value: str, code: str, kind: str, successor: str) -> None:
    assert resolve(value) == code
    ent = entity(code)
    assert (ent.kind, ent.successor, ent.is_country) == (kind, successor, False)


def test_west_germany_and_north_yemen_take_their_iso_codes() -> None:
    # ISO 3166 assigned DEU to the FRG and YEM to the Yemen Arab Republic.
    assert resolve_many(["Federal Republic of Germany", "West Germany", 260]) == ["DEU"] * 3
    assert resolve_many(["Yemen Arab Republic (North Yemen)", "North Yemen", 678]) == ["YEM"] * 3


def test_aggregates_know_they_are_aggregates() -> None:
    assert resolve("Europe") == "EUROPE"
    assert is_aggregate("EUROPE")
    assert is_aggregate("WLD") and is_aggregate("EUU")
    assert not is_aggregate("KOR")
    assert entity("EUU").kind == "aggregate"


def test_sipri_non_state_actors_and_organisations() -> None:
    assert resolve("Hezbollah (Lebanon)*") == "NSA-HEZBOLLAH-LBN"
    assert entity("NSA-HEZBOLLAH-LBN").kind == "non_state"
    assert entity("NSA-HEZBOLLAH-LBN").name == "Hezbollah (Lebanon)"
    # one group, whatever the spelling of its country in a given edition
    assert resolve("PKK (Turkiye)*") == resolve("PKK (Turkey)*") == "NSA-PKK-TUR"
    assert resolve("PIJ (Israel/Palestine)*") == "NSA-PIJ-ISRAEL-PALESTINE"
    assert resolve("Syria rebels*") == "NSA-SYRIA-REBELS"
    # a non-state actor is not mistaken for the country named in brackets
    assert resolve("Hezbollah (Lebanon)*") != "LBN"
    assert resolve("NATO**") == "ORG-NATO"
    assert entity("ORG-NATO").is_aggregate
    assert resolve("unknown supplier(s)") == "UNKNOWN"


def test_cow_codes() -> None:
    assert resolve_many([2, 365, 710, 731, 732, 740, 255, 265, 315, 816, 817], scheme="cow") == [
        "USA", "RUS", "CHN", "PRK", "KOR", "JPN", "DEU", "DDR", "CSK", "VNM", "RVN",
    ]  # fmt: skip
    assert entity("KOR").cow == 732
    assert entity("DEU").cow is not None


def test_every_cow_state_since_1816_resolves(shared_data) -> None:  # type: ignore[no-untyped-def]
    states = pd.read_csv(shared_data / "peacesciencer" / "cow_states.csv.gz")
    codes = resolve_series(states["ccode"], scheme="cow", where="cow_states.csv.gz")
    assert codes.notna().all()
    assert dict(zip(states["stateabb"], codes, strict=True))["ROK"] == "KOR"


def test_iso2_scheme_reads_namibia_not_missing() -> None:
    assert resolve("NA", scheme="iso2") == "NAM"


def test_iso2_codes_country_converter_keeps_as_patterns() -> None:
    assert resolve_many(["GB", "GR", "UK"], scheme="iso2") == ["GBR", "GRC", "GBR"]
    assert entity("GBR").iso2 == "GB"


def test_nineteenth_century_cow_states_are_historical_entities() -> None:
    assert resolve_many([240, 300, 327], scheme="cow") == ["COW-HAN", "COW-AUH", "COW-PAP"]
    assert entity("COW-AUH").kind == "historical" and entity("COW-AUH").successor == "AUT"


def test_unknown_names_are_all_listed_with_closest_matches() -> None:
    with pytest.raises(UnknownEntityError) as info:
        resolve_many(
            ["Japan", "Atlantis", "Narnia", "Atlantis"], where="claims.csv column 'country'"
        )
    err = info.value
    assert set(err.unresolved) == {"Atlantis", "Narnia"}
    assert "claims.csv column 'country'" in str(err)
    assert "closest" in str(err)


def test_missing_values_are_errors_not_silently_dropped() -> None:
    with pytest.raises(UnknownEntityError):
        resolve_series(pd.Series(["Japan", None]), where="x.csv")


def test_resolve_series_keeps_alignment() -> None:
    s = pd.Series(["Japan", "KR", "Japan", "Korea, Rep."], index=[10, 11, 12, 13])
    out = resolve_series(s, where="t")
    assert out.tolist() == ["JPN", "KOR", "JPN", "KOR"]
    assert out.index.tolist() == [10, 11, 12, 13]


def test_user_aliases_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,code\nHanguk,KOR\n", encoding="utf-8")
    monkeypatch.setenv("POWERSCOPE_ALIASES", str(aliases))
    reset_registry()
    try:
        assert resolve("Hanguk") == "KOR"
    finally:
        monkeypatch.delenv("POWERSCOPE_ALIASES")
        reset_registry()


def test_bad_user_aliases_file_names_the_line(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,code\nHanguk,ZZZ\n", encoding="utf-8")
    monkeypatch.setenv("POWERSCOPE_ALIASES", str(aliases))
    reset_registry()
    try:
        with pytest.raises(DataFormatError, match=r"line 2"):
            resolve("Japan")
    finally:
        monkeypatch.delenv("POWERSCOPE_ALIASES")
        reset_registry()


def test_entities_frame_has_every_kind() -> None:
    frame = entities_frame()
    assert {"country", "aggregate", "historical", "organisation"} <= set(frame["kind"])
    assert frame["code"].is_unique


def test_groups() -> None:
    assert members("G7") == {"CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA"}
    assert len(members("NATO")) == 32 and "SWE" in members("nato")
    assert len(members("EU")) == 27 and "GBR" not in members("EU")
    assert len(members("OECD")) == 38 and "KOR" in members("OECD")
    assert members("QUAD") == {"AUS", "IND", "JPN", "USA"}
    assert members("EU") < members("LMC") and {"USA", "JPN", "AUS", "NZL"} <= members("LMC")
    assert group("asean").source


def test_groups_agree_with_country_converter() -> None:
    import country_converter as coco

    cc = coco.CountryConverter()
    assert members("G7") == set(cc.data.loc[cc.data["G7"].notna(), "ISO3"])
    assert members("EU") == set(cc.data.loc[cc.data["EU27"].notna(), "ISO3"])


def test_every_group_member_is_a_known_country() -> None:
    for name in ("G7", "NATO", "EU", "OECD", "ASEAN", "QUAD", "LMC"):
        for code in members(name):
            assert entity(code).is_country, (name, code)


def test_unknown_group_is_an_error() -> None:
    with pytest.raises(SpecError, match="G8"):
        group("G8")


def test_memberships_and_union_of_groups() -> None:
    from powerscope.countries import members_of_any, memberships

    assert memberships("KOR") == ["OECD"]
    assert memberships("JPN") == ["G7", "OECD", "QUAD", "LMC"]
    assert members_of_any("QUAD, G7") == members("QUAD") | members("G7")


def test_regions() -> None:
    from powerscope.countries import region_of

    assert [region_of(c) for c in ("KOR", "POL", "USA", "AUS")] == [
        "Asia",
        "Europe",
        "America",
        "Oceania",
    ]
    assert region_of("SUN") == "Europe"  # through its successor
    assert region_of("NSA-SOME-GROUP") == "Non-state actors"
    assert region_of("ORG-NATO") == "International organisations"
    assert region_of("KOR", "un_region") == "Eastern Asia"


def test_the_registry_read_from_the_cache_is_the_one_built_from_country_converter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from powerscope.countries import identity

    monkeypatch.setenv("POWERSCOPE_HOME", str(tmp_path))
    built = identity._Registry()  # no cache yet: from country_converter, then kept
    assert list((tmp_path / "cache" / "countries").glob("*.json"))
    calls: list[int] = []
    real = identity._country_converter
    monkeypatch.setattr(identity, "_country_converter", lambda: calls.append(1) or real())
    cached = identity._Registry()
    assert calls == []  # read back without loading country_converter
    assert cached.entities == built.entities and cached.by_name == built.by_name
    assert cached.by_iso2 == built.by_iso2 and cached.by_cow == built.by_cow
    assert cached.regions == built.regions
    # a name only country_converter's regular expressions know loads it then
    assert cached.resolve_one("Republic of Korea (South)", "auto") == "KOR"
    assert calls == [1]
