"""Research articles by country and field, on the embedded snapshot: NCSES's published counts,
world shares, ranks among countries, growth, AI-related articles, and bad input refused."""

from __future__ import annotations

import pytest

from powerscope.data.store import SnapshotStore
from powerscope.errors import NotFoundError, PeriodError, SpecError, UnknownEntityError
from powerscope.research import ai_articles, articles, cagr, fields, resolve_field


@pytest.fixture(scope="module")
def store() -> SnapshotStore:
    return SnapshotStore()


def test_all_fields_2022_matches_ncses(store: SnapshotStore) -> None:
    result = articles(["KOR", "CHN", "USA", "IND", "WLD"], store=store)
    assert result.field == "all S&E fields" and result.count_type == "fractional"
    latest = {code: result.latest(code) for code in result.codes}
    assert round(latest["KOR"]["articles"]) == 76_936
    assert round(latest["CHN"]["articles"]) == 898_949
    assert round(latest["USA"]["articles"]) == 457_335
    assert round(latest["IND"]["articles"]) == 207_390
    assert latest["WLD"]["articles"] == 3_344_037
    assert latest["KOR"]["share"] == pytest.approx(76_935.71 / 3_344_037 * 100)
    assert [latest[c]["rank"] for c in ("CHN", "USA", "IND")] == [1, 2, 3]
    assert latest["KOR"]["rank"] == 9
    assert latest["WLD"]["rank"] == 0 and latest["WLD"]["share"] == 100.0


def test_rows_are_in_the_order_asked_and_by_year(store: SnapshotStore) -> None:
    result = articles(["China", "KOR"], first=2020, last=2022, store=store)
    assert list(zip(result.table["code"], result.table["year"], strict=True)) == [
        ("CHN", 2020), ("CHN", 2021), ("CHN", 2022), ("KOR", 2020), ("KOR", 2021), ("KOR", 2022),
    ]  # fmt: skip
    payload = result.to_dict()
    assert set(payload["rows"][0]) == {"code", "name", "year", "articles", "share", "rank"}
    assert payload["citation"]["dataset"] == "ncses_sei2024"
    assert payload["citation"]["years"] == [2003, 2022]
    assert "National Center for Science and Engineering Statistics" in payload["source"]


def test_growth_is_the_compound_annual_rate(store: SnapshotStore) -> None:
    result = articles(["KOR"], first=2012, last=2022, store=store)
    growth = result.growth.iloc[0]
    expected = ((growth["articles_last"] / growth["articles_first"]) ** 0.1 - 1) * 100
    assert growth["cagr"] == pytest.approx(expected)
    assert 0 < growth["cagr"] < 10
    assert cagr(100.0, 121.0, 2) == pytest.approx(10.0)
    assert cagr(0.0, 5.0, 3) != cagr(0.0, 5.0, 3)  # NaN from a zero start


def test_whole_counts_exceed_fractional(store: SnapshotStore) -> None:
    fractional = articles(["KOR"], field="computer and information sciences", store=store)
    whole = articles(["KOR"], field="Computer and Information Sciences", count="whole",
                     store=store)  # fmt: skip
    assert whole.count_type == "whole"
    assert whole.latest("KOR")["articles"] > fractional.latest("KOR")["articles"]


def test_ai_related_articles_are_whole_counts(store: SnapshotStore) -> None:
    result = ai_articles(["KOR", "CHN"], store=store)
    assert result.field == "AI-related" and result.count_type == "whole"
    assert result.latest("CHN")["rank"] == 1
    assert articles(["KOR"], field="AI", store=store).count_type == "whole"
    with pytest.raises(SpecError, match="whole counts only") as caught:
        articles(["KOR"], field="AI-related", count="fractional", store=store)
    assert caught.value.parameter == "count"


def test_fields(store: SnapshotStore) -> None:
    names = fields(store)
    assert len(names) == 16 and names[0] == "all S&E fields" and names[-1] == "AI-related"
    assert resolve_field("computer science", names) == "computer and information sciences"


def test_unknown_field_names_the_closest(store: SnapshotStore) -> None:
    with pytest.raises(NotFoundError) as caught:
        articles(["KOR"], field="computr science", store=store)
    error = caught.value
    assert error.parameter == "field" and "'computr science'" in error.what
    assert (error.fix or "").startswith("closest: computer and information sciences")
    assert "physics" in (error.fix or "")  # and every field


def test_countries_unknown_or_absent(store: SnapshotStore) -> None:
    with pytest.raises(UnknownEntityError, match="Atlantis") as unknown:
        articles(["KOR", "Atlantis"], store=store)
    assert unknown.value.parameter == "codes"
    with pytest.raises(NotFoundError, match="Soviet Union"):
        articles(["SUN"], store=store)
    with pytest.raises(NotFoundError, match="Puerto Rico"):
        ai_articles(["PRI"], store=store)  # in the field tables, not in the AI table


@pytest.mark.parametrize(("first", "last", "parameter"), [(2002, None, "first"),
                                                          (None, 2023, "last"),
                                                          (2020, 2010, "last")])  # fmt: skip
def test_years_outside_the_data(
    store: SnapshotStore, first: int | None, last: int | None, parameter: str
) -> None:
    with pytest.raises(PeriodError) as caught:
        articles(["KOR"], first=first, last=last, store=store)
    assert caught.value.parameter == parameter
    if parameter != "last" or last == 2023:
        assert "2003-2022" in (caught.value.fix or "")


def test_unknown_count_type(store: SnapshotStore) -> None:
    with pytest.raises(SpecError, match="count type 'partial'"):
        articles(["KOR"], count="partial", store=store)
