"""Research articles by country, field and year: counts, world shares, ranks and growth.

The data are the table ``research_articles`` read by :mod:`powerscope.data.sources.ncses`:
National Center for Science and Engineering Statistics (NCSES), U.S. National Science
Foundation, *Science and Engineering Indicators 2024*, "Publications Output: U.S. Trends and
International Comparisons" (source data Elsevier Scopus), S&E articles 2003-2022 in 15 fields
plus all S&E, and AI-related articles.

Definitions
-----------
articles
    Fractional counts by default: each article is credited in equal parts to the countries of
    its authors' institutions (an article by two Korean and one Chinese institution counts 2/3
    for Korea and 1/3 for China), so countries add up to the world. Whole counts (on request)
    credit the whole article to every country with at least one author. AI-related articles
    are published as whole counts only.
share
    The country's articles as a percentage of the world's (NCSES's world total, every article
    once). With whole counts a share is the percentage of the world's articles with at least
    one author from the country: shares then add up to more than 100.
rank
    The country's place among countries by articles in that field and year (1 = most; the
    world and the EU-27 are not ranked; ties share the best place).
growth
    The compound annual growth rate between the first and last year of the period,
    ``(last / first) ** (1 / (last_year - first_year)) - 1``, in % a year.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from powerscope.data.catalog import Citation
from powerscope.data.store import open_store
from powerscope.errors import NotFoundError, PeriodError, SpecError

if TYPE_CHECKING:
    from powerscope.data.store import Store

#: the catalog id of the NCSES tables and the table read
DATASET = "ncses_sei2024"
TABLE = "research_articles"
FIRST_YEAR = 2003
LAST_YEAR = 2022
ALL_FIELDS = "all S&E fields"
AI_FIELD = "AI-related"
COUNT_TYPES = ("fractional", "whole")
#: the world (shares) and the aggregates that are not ranked among countries
WORLD = "WLD"
AGGREGATES = frozenset({"WLD", "EUU"})
#: other spellings of fields a user may type
FIELD_ALIASES: dict[str, str] = {
    "all": ALL_FIELDS,
    "all s&e": ALL_FIELDS,
    "all fields": ALL_FIELDS,
    "s&e": ALL_FIELDS,
    "ai": AI_FIELD,
    "artificial intelligence": AI_FIELD,
    "computer science": "computer and information sciences",
    "computer sciences": "computer and information sciences",
    "maths": "mathematics and statistics",
    "mathematics": "mathematics and statistics",
    "biology": "biological and biomedical sciences",
    "geosciences": "geosciences, atmospheric sciences, and ocean sciences",
    "materials": "materials science",
    "astronomy": "astronomy and astrophysics",
}


@dataclass(frozen=True)
class Articles:
    """Articles of several countries in one field, by year.

    ``table``: ``code``, ``name``, ``year``, ``articles`` (count), ``share`` (% of the
    world's articles), ``rank`` (among countries; 1 = most) and ``world`` (the world's
    articles), in the order of the codes asked for, then by year. ``growth``: one row per
    country: ``code``, ``first``, ``last`` (years), ``articles_first``, ``articles_last``,
    ``cagr`` (% a year), ``share_first``, ``share_last`` (%), ``rank_first``, ``rank_last``.
    """

    codes: list[str]
    field: str
    count_type: str
    years: tuple[int, int]
    table: pd.DataFrame
    growth: pd.DataFrame
    citation: Citation

    def source(self) -> str:
        """The source line."""
        return f"Source: {self.citation.text()}"

    def latest(self, code: str) -> dict[str, Any]:
        """The country's articles, share and rank in the last year of the period."""
        row = self.table[(self.table["code"] == code) & (self.table["year"] == self.years[1])]
        rec = row.iloc[0]
        return {
            "year": int(rec["year"]),
            "articles": float(rec["articles"]),
            "share": float(rec["share"]),
            "rank": int(rec["rank"]),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the field, count type, period, rows, growth and the citation."""

        def number(value: Any) -> Any:
            if value is None or (isinstance(value, float) and np.isnan(value)):
                return None
            if isinstance(value, np.integer):
                return int(value)
            if isinstance(value, np.floating):
                return None if np.isnan(value) else float(value)
            return value

        rows = [
            {
                "code": str(r["code"]),
                "name": str(r["name"]),
                "year": int(r["year"]),
                "articles": float(r["articles"]),
                "share": float(r["share"]),
                "rank": int(r["rank"]),
            }
            for r in self.table.to_dict(orient="records")
        ]
        growth = [{k: number(v) for k, v in r.items()} for r in self.growth.to_dict("records")]
        return {
            "codes": self.codes,
            "field": self.field,
            "count_type": self.count_type,
            "years": list(self.years),
            "measures": {
                "articles": f"{self.count_type} counts of S&E articles",
                "share": "% of the world's articles",
                "rank": "place among countries (1 = most articles)",
                "cagr": "compound annual growth rate over the period, % a year",
            },
            "rows": rows,
            "world": {
                str(int(y)): float(w)
                for y, w in self.table.drop_duplicates("year")[["year", "world"]].itertuples(
                    index=False
                )
            },
            "growth": growth,
            "source": self.source(),
            "citation": self.citation.to_dict(),
        }


def load(store: Store | None = None) -> pd.DataFrame:
    """The ``research_articles`` table as stored (text columns may be categorical: select
    with :func:`select`)."""
    return (store or open_store()).table(TABLE)


def select(frame: pd.DataFrame, field: str, count_type: str) -> pd.DataFrame:
    """The rows of one field and count type, with plain text columns."""
    part = frame[(frame["field"] == field) & (frame["count_type"] == count_type)]
    out = part.assign(
        field=field,
        count_type=count_type,
        code=part["code"].astype(str).to_numpy(),
    )
    return out.reset_index(drop=True)


def fields(store: Store | None = None, frame: pd.DataFrame | None = None) -> list[str]:
    """The field names of the data: all S&E fields first, the 14 fields, then AI-related."""
    data = load(store) if frame is None else frame
    column = data["field"]
    present = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column
    names = sorted({str(f) for f in pd.unique(present)} - {ALL_FIELDS, AI_FIELD})
    return [ALL_FIELDS, *names, AI_FIELD]


def resolve_field(name: str, known: Sequence[str]) -> str:
    """The data's name of a field, case-insensitive, with a few other spellings
    (:data:`FIELD_ALIASES`: ``AI``, ``all``, ``computer science``...).

    Raises
    ------
    NotFoundError
        No such field: naming the closest field names (difflib) and every field.
    """
    text = " ".join(str(name).split()).lower()
    by_lower = {f.lower(): f for f in known}
    if text in by_lower:
        return by_lower[text]
    alias = FIELD_ALIASES.get(text)
    if alias in known:
        return str(alias)
    closest = closest_fields(text, list(by_lower))
    hint = f"closest: {', '.join(by_lower[c] for c in closest)}; " if closest else ""
    raise NotFoundError(
        f"unknown field {name!r}",
        where=f"table {TABLE}",
        parameter="field",
        fix=f"{hint}fields: {', '.join(known)}",
    )


def closest_fields(text: str, known: Sequence[str], n: int = 3) -> list[str]:
    """The fields closest to ``text``: each typed word is matched to the field's most similar
    word (difflib's ratio; 1 for a word the typed one begins) and the field scored by the mean, so ``computr science`` finds
    computer and information sciences before materials science."""

    def score(field: str) -> float:
        words = field.replace(",", " ").split()
        typed = text.replace(",", " ").split()
        if not typed or not words:
            return 0.0
        best = [
            max(
                1.0
                if len(t) >= 2 and w.startswith(t)
                else difflib.SequenceMatcher(None, t, w).ratio()
                for w in words
            )
            for t in typed
        ]
        return sum(best) / len(best)

    scored = sorted(((score(f), f) for f in known), key=lambda p: -p[0])
    return [f for s, f in scored if s >= 0.6][:n]


def count_type_for(field: str, count: str | None) -> str:
    """The count type to use: ``count`` when given, else fractional (whole for AI-related).

    Raises
    ------
    SpecError
        An unknown count type, or fractional counts of AI-related articles (not published).
    """
    if count is None:
        return "whole" if field == AI_FIELD else "fractional"
    wanted = str(count).strip().lower()
    if wanted not in COUNT_TYPES:
        raise SpecError(
            f"unknown count type {count!r}",
            parameter="count",
            fix="use fractional (the default) or whole",
        )
    if field == AI_FIELD and wanted == "fractional":
        raise SpecError(
            "NCSES publishes AI-related articles as whole counts only",
            parameter="count",
            fix="use whole counts for AI-related articles",
        )
    return wanted


def check_period(first: int | None, last: int | None) -> tuple[int, int]:
    """The period, defaulting to 2003-2022.

    Raises
    ------
    PeriodError
        A year outside 2003-2022 (naming the range), or ``first`` after ``last``.
    """
    start = FIRST_YEAR if first is None else int(first)
    end = LAST_YEAR if last is None else int(last)
    for parameter, year in (("first", start), ("last", end)):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PeriodError(
                f"no research articles for {year}",
                where=f"table {TABLE}",
                parameter=parameter,
                fix=f"NCSES's tables cover {FIRST_YEAR}-{LAST_YEAR}",
            )
    if end < start:
        raise PeriodError(
            f"the period {start}-{end} ends before it starts",
            parameter="last",
            fix="give a last year on or after the first",
        )
    return start, end


def resolve_codes(codes: Sequence[str], parameter: str = "codes") -> list[str]:
    """Countries' names or codes as identity codes, duplicates dropped (order kept).

    Raises
    ------
    NotFoundError
        No countries given.
    UnknownEntityError
        Names that resolve to no country (every one named).
    """
    from powerscope.countries import resolve_many

    if not list(codes):
        raise NotFoundError(
            "no countries given", parameter=parameter, fix="give one or more, e.g. KOR,CHN"
        )
    return list(dict.fromkeys(resolve_many([str(c) for c in codes], parameter=parameter)))


def check_present(frame: pd.DataFrame, codes: Sequence[str], parameter: str) -> None:
    absent = [c for c in codes if c not in set(frame["code"])]
    if absent:
        from powerscope.countries import name_of

        raise NotFoundError(
            "no NCSES article counts for " + ", ".join(f"{name_of(c)} ({c})" for c in absent),
            where=f"table {TABLE}",
            parameter=parameter,
            fix="choose countries of NCSES's tables (about 200 countries, the world as WLD and "
            "the EU-27 as EUU)",
        )


def ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """One field and count type's rows with ``world`` (the world's articles that year),
    ``share`` (%) and ``rank`` (among countries, 1 = most; 0 for the aggregates)."""
    world = frame[frame["code"] == WORLD].set_index("year")["articles"]
    out = frame.assign(world=frame["year"].map(world))
    out["share"] = out["articles"] / out["world"] * 100.0
    countries = ~out["code"].isin(list(AGGREGATES))
    rank = out[countries].groupby("year")["articles"].rank(method="min", ascending=False)
    out["rank"] = 0
    out.loc[countries, "rank"] = rank.astype(int)
    return out


def cagr(start: float, end: float, years: int) -> float:
    """Compound annual growth rate in % a year (NaN when a value is not positive or the span
    is zero)."""
    if years <= 0 or not start > 0 or not end > 0:
        return float("nan")
    return float(((end / start) ** (1.0 / years) - 1.0) * 100.0)


def articles(
    codes: Sequence[str],
    *,
    field: str = ALL_FIELDS,
    count: str | None = None,
    first: int | None = None,
    last: int | None = None,
    store: Store | None = None,
) -> Articles:
    """Articles, world share, rank and growth of countries in one field.

    Parameters
    ----------
    codes:
        Countries' names or codes (``KOR``, ``China``); ``WLD`` for the world, ``EUU`` for
        the EU-27.
    field:
        A field name of NCSES's tables (case-insensitive; ``AI`` for AI-related articles).
    count:
        ``fractional`` (the default) or ``whole``; AI-related articles are whole counts only
        (their default).
    first, last:
        The period, within 2003-2022 (default: all of it).
    store:
        The data store (default: the warehouse, or the embedded snapshot).

    Returns
    -------
    Articles
        Rows by country and year, growth over the period, and the NCSES citation.

    Raises
    ------
    NotFoundError
        An unknown field (naming the closest), or a country absent from the tables.
    UnknownEntityError
        Names that resolve to no country.
    PeriodError
        A year outside 2003-2022.
    SpecError
        An unknown count type, or fractional AI-related counts.
    """
    start, end = check_period(first, last)
    resolved = resolve_codes(codes)
    data = store or open_store()
    frame = load(data)
    name = resolve_field(field, fields(frame=frame))
    kind = count_type_for(name, count)
    frame = select(frame, name, kind)
    check_present(frame, resolved, "codes")
    frame = ranked(frame[(frame["year"] >= start) & (frame["year"] <= end)])
    frame = frame[frame["code"].isin(resolved)]
    order = {c: i for i, c in enumerate(resolved)}
    frame = frame.assign(_order=frame["code"].map(order)).sort_values(["_order", "year"])
    from powerscope.countries import name_of

    table = pd.DataFrame(
        {
            "code": frame["code"].to_numpy(),
            "name": [name_of(c) for c in frame["code"]],
            "year": frame["year"].astype(int).to_numpy(),
            "articles": frame["articles"].astype(float).to_numpy(),
            "share": frame["share"].to_numpy(dtype=float),
            "rank": frame["rank"].astype(int).to_numpy(),
            "world": frame["world"].to_numpy(dtype=float),
        }
    )
    growth = []
    for code in resolved:
        own = table[table["code"] == code].set_index("year")
        growth.append(
            {
                "code": code,
                "first": start,
                "last": end,
                "articles_first": float(own.loc[start, "articles"]),
                "articles_last": float(own.loc[end, "articles"]),
                "cagr": cagr(own.loc[start, "articles"], own.loc[end, "articles"], end - start),
                "share_first": float(own.loc[start, "share"]),
                "share_last": float(own.loc[end, "share"]),
                "rank_first": int(own.loc[start, "rank"]),
                "rank_last": int(own.loc[end, "rank"]),
            }
        )
    return Articles(
        codes=resolved,
        field=name,
        count_type=kind,
        years=(start, end),
        table=table,
        growth=pd.DataFrame(growth),
        citation=data.citation(DATASET),
    )


def ai_articles(
    codes: Sequence[str],
    *,
    first: int | None = None,
    last: int | None = None,
    store: Store | None = None,
) -> Articles:
    """AI-related articles (whole counts, the only ones NCSES publishes) of countries: counts,
    world share, rank and growth; see :func:`articles`."""
    return articles(codes, field=AI_FIELD, count="whole", first=first, last=last, store=store)
