"""Working-age population from UN World Population Prospects 2022, on the embedded snapshot:
estimates joined to the medium projection, the citation carried, bad input refused."""

from __future__ import annotations

import pytest

from powerscope.data.store import SnapshotStore
from powerscope.demography import (
    LAST_ESTIMATE,
    WORKING_AGE,
    population_table,
    working_age,
)
from powerscope.errors import NotFoundError, PeriodError, UnknownEntityError


@pytest.fixture(scope="module")
def store() -> SnapshotStore:
    return SnapshotStore()


def test_korea_working_age_matches_the_published_figures(store: SnapshotStore) -> None:
    result = working_age("KOR", store=store)
    millions = [round(result.value(y) / 1000, 1) for y in (2021, 2030, 2050, 2100)]
    assert millions == [37.0, 33.7, 24.0, 11.2]
    assert result.years == (1950, 2100)
    assert result.name == "South Korea"


def test_estimates_then_medium_projection_in_one_series(store: SnapshotStore) -> None:
    series = working_age("South Korea", first=2015, last=2030, store=store).series
    assert list(series["year"]) == list(range(2015, 2031))
    assert set(series.loc[series["year"] <= LAST_ESTIMATE, "variant"]) == {"estimates"}
    assert set(series.loc[series["year"] > LAST_ESTIMATE, "variant"]) == {"medium"}
    assert (series[WORKING_AGE] > 0).all()


def test_change_to_2050(store: SnapshotStore) -> None:
    change = working_age("KOR", store=store).change(2021, 2050)
    assert change["change"] == pytest.approx(23984.0 - 37036.0)
    assert change["percent"] == pytest.approx(-35.24, abs=0.01)


def test_citation_names_the_publisher_and_years(store: SnapshotStore) -> None:
    result = working_age("JPN", first=2000, last=2010, store=store)
    assert result.citation.dataset == "wpp2022"
    assert "Population Division" in result.citation.publisher
    assert result.citation.years == (1950, 2100)
    payload = result.to_dict()
    assert payload["citation"]["dataset"] == "wpp2022"
    assert payload["rows"][0] == {"year": 2000, "pop_15_64": pytest.approx(87_000, rel=0.02),
                                  "variant": "estimates"}  # fmt: skip
    assert payload["source"].startswith("Source: United Nations")


def test_world_is_kept_for_shares(store: SnapshotStore) -> None:
    world = working_age("WLD", first=2021, last=2021, store=store)
    korea = working_age("KOR", first=2021, last=2021, store=store)
    assert 0.004 < korea.value(2021) / world.value(2021) < 0.008


def test_unknown_country(store: SnapshotStore) -> None:
    with pytest.raises(UnknownEntityError) as caught:
        working_age("Atlantis", store=store)
    assert caught.value.parameter == "code"


def test_country_absent_from_the_data(store: SnapshotStore) -> None:
    with pytest.raises(NotFoundError, match="Soviet Union") as caught:
        working_age("SUN", store=store)
    assert caught.value.parameter == "code"


@pytest.mark.parametrize(("first", "last", "parameter"), [(1949, None, "first"),
                                                          (None, 2101, "last"),
                                                          (2050, 2020, "last")])  # fmt: skip
def test_years_outside_the_data(
    store: SnapshotStore, first: int | None, last: int | None, parameter: str
) -> None:
    with pytest.raises(PeriodError) as caught:
        working_age("KOR", first=first, last=last, store=store)
    assert caught.value.parameter == parameter
    if parameter == "first":
        assert "1950-2100" in (caught.value.fix or "")


def test_a_year_outside_the_result(store: SnapshotStore) -> None:
    with pytest.raises(PeriodError, match="2000 to 2010"):
        working_age("KOR", first=2000, last=2010, store=store).value(2050)


def test_population_table_for_several_countries(store: SnapshotStore) -> None:
    result = population_table(["KOR", "Japan", "KOR", "CHN"], [2050, 2021], store=store)
    table = result.table
    assert result.codes == ["KOR", "JPN", "CHN"] and result.years == [2021, 2050]
    assert list(zip(table["code"], table["year"], strict=True)) == [
        ("KOR", 2021), ("KOR", 2050), ("JPN", 2021), ("JPN", 2050), ("CHN", 2021), ("CHN", 2050),
    ]  # fmt: skip
    groups = table["pop_0_14"] + table["pop_15_64"] + table["pop_65plus"]
    assert ((groups - table["pop_total"]).abs() <= 3).all()  # each group rounded to thousands
    assert list(table["variant"][:2]) == ["estimates", "medium"]
    assert result.to_dict()["rows"][0]["name"] == "South Korea"


def test_population_table_errors(store: SnapshotStore) -> None:
    with pytest.raises(UnknownEntityError, match="Narnia") as unknown:
        population_table(["KOR", "Narnia"], [2021], store=store)
    assert unknown.value.parameter == "codes"
    with pytest.raises(PeriodError) as period:
        population_table(["KOR"], [2021, 2200], store=store)
    assert period.value.parameter == "years"
    with pytest.raises(NotFoundError):
        population_table([], [2021], store=store)
