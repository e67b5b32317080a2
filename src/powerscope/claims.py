"""The claim checker: quantitative claims as data, checked against the data with their edition.

A claims file (YAML) lists claims, each with the statement as made, how to compute it, and the
stated value::

    - id: gfp-5th
      statement: South Korea is the world's 5th strongest military (Global Firepower)
      check: {measure: gfp_rank, country: KOR}
      stated: 5

``stated`` is a number (compared within ``tolerance``, default 0) or a ``[low, high]`` range.
A verdict is ``confirmed``, ``differs`` (with the computed value and the data edition) or
``cannot check`` (with the reason: a measure powerscope cannot compute, or no data); a verdict
carries the :class:`~powerscope.data.catalog.Citation` of the data it was computed from, and its
``edition`` is that citation's short name. Measures:

- ``gfp_rank``: Global Firepower rank, in the store's edition (``country``);
- ``arms_share`` / ``arms_rank``: share of world arms exports (%) / rank, for ``period``
  (``YYYY-YYYY``; a single year as ``YYYY-YYYY`` too), ``edition`` 2025 (the register, default) or
  2022 (SIPRI's TIV tables, to 2021);
- ``arms_change``: change in exports between ``periods`` (first, last), %;
- ``ceti_rank``: Belfer CETI rank at ``level`` (``index`` or a sector), Europe counted;
- ``ceti_below``: 1 when ``country`` scores below ``other`` in every sector, else 0;
- ``milex_usd`` / ``milex_rank``: SIPRI military expenditure (constant 2023 US$ millions) / rank,
  for ``year`` (default: the latest);
- ``cinc`` / ``cinc_rank``: the COW Composite Index of National Capability (share of the world)
  / rank, for ``year`` (default: the latest).

A ``ceti_rank`` claim may set ``exclude_aggregates: true`` to rank without CETI's "Europe"
aggregate (the published ranking counts it); the verdict's note says which ranking was used.

A claim's keys are ``id, statement, check, stated`` and optionally ``tolerance, note``; a check's
keys are ``measure`` and the ones its measure lists above. Any other key is an error (a misspelt
``tolerence`` or ``periode`` would otherwise be silently ignored).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from powerscope.errors import DataFormatError, PowerscopeError, SpecError
from powerscope.files import MAX_YAML_BYTES, load_yaml, read_text_file, shown_path

if TYPE_CHECKING:
    from powerscope.data.catalog import Citation
    from powerscope.data.store import Store

Computed = tuple[float, "Citation"]  # value and the data (edition) it comes from


@dataclass(frozen=True)
class Verdict:
    id: str
    statement: str
    verdict: str
    stated: Any
    computed: float | None
    edition: str | None
    note: str = ""
    citations: tuple[Citation, ...] = ()

    def as_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "statement": self.statement,
            "verdict": self.verdict,
            "stated": self.stated,
            "computed": self.computed,
            "edition": self.edition,
            "note": self.note,
            "citations": [c.to_dict() for c in self.citations],
        }


class _Context:
    """Data shared by the checks of one run, loaded once on first use."""

    def __init__(self, store: Store | None = None, arms: Any = None) -> None:
        self.store = store
        self._arms: Any = arms
        self._ceti: Any = None
        self.notes: list[str] = []  # what the current claim's measure says about its choices

    def citation(self, dataset_id: str) -> Citation:
        from powerscope.data.store import open_store

        if self.store is None:
            self.store = open_store()
        return self.store.citation(dataset_id)

    def arms(self) -> Any:
        if self._arms is None:
            from powerscope.arms.service import load

            self._arms = load(self.store)
        return self._arms

    def ceti(self) -> Any:
        if self._ceti is None:
            from powerscope.index import load_spec
            from powerscope.index.service import compute_index

            self._ceti = compute_index(load_spec("ceti"), store=self.store)
        return self._ceti


def _arms_deliveries(ctx: _Context, check: Mapping[str, Any]) -> tuple[Any, Citation]:
    from dataclasses import replace

    from powerscope.arms.analytics import tiv_table_deliveries
    from powerscope.data.sources.sipri import TIV_EDITION

    data = ctx.arms()
    cited = data.citations[0]
    edition = str(check.get("edition", "2025"))
    if edition == TIV_EDITION:
        tiv = tiv_table_deliveries(data.tiv_table)
        years = (int(tiv["year"].min()), int(tiv["year"].max()))
        table = replace(cited, edition=data.tiv_edition, years=years,
                        short=f"SIPRI TIV tables, {TIV_EDITION} edition")  # fmt: skip
        return tiv, table
    if edition == "2025":
        return data.deliveries, replace(
            cited, short=f"SIPRI trade register, edition {cited.edition}"
        )
    raise SpecError(f"unknown SIPRI edition {edition!r}", fix="use 2025 or 2022")


def _arms_row(ctx: _Context, check: Mapping[str, Any]) -> tuple[Any, Citation]:
    from powerscope.arms.analytics import parse_period, shares

    deliveries, edition = _arms_deliveries(ctx, check)
    table = shares(deliveries, parse_period(str(check["period"])))
    row = table[table["code"] == check["country"]]
    if row.empty:
        raise SpecError(f"{check['country']} exported no arms in {check['period']}")
    return row.iloc[0], edition


def _gfp_rank(ctx: _Context, check: Mapping[str, Any]) -> Computed:
    from powerscope.military.measures import rank

    ranking = rank("gfp", store=ctx.store)
    row = ranking.table[ranking.table["code"] == check["country"]]
    if row.empty:
        raise SpecError(f"Global Firepower does not rank {check['country']}")
    return float(row["rank"].iloc[0]), ctx.citation("gfp")


def _arms_share(ctx: _Context, check: Mapping[str, Any]) -> Computed:
    row, edition = _arms_row(ctx, check)
    return round(float(row["share"]), 2), edition


def _arms_rank(ctx: _Context, check: Mapping[str, Any]) -> Computed:
    row, edition = _arms_row(ctx, check)
    return float(row["rank"]), edition


def _arms_change(ctx: _Context, check: Mapping[str, Any]) -> Computed:
    from powerscope.arms.analytics import compare_periods, parse_period

    deliveries, edition = _arms_deliveries(ctx, check)
    periods = [parse_period(str(p)) for p in check["periods"]]
    table = compare_periods(deliveries, periods).set_index("code")
    return round(float(table.loc[check["country"], "change"]), 1), edition


def _ceti_rank(ctx: _Context, check: Mapping[str, Any]) -> Computed:
    result = ctx.ceti()
    level = str(check.get("level", "index"))
    path = level if level == "index" else result.spec.find(level)
    exclude = check.get("exclude_aggregates", False)
    if not isinstance(exclude, bool):
        raise SpecError(
            f"exclude_aggregates must be true or false, not {exclude!r}",
            parameter="exclude_aggregates",
        )
    value = result.rank(str(check["country"]), path, exclude_aggregates=exclude)
    ctx.notes.append(
        "ranked without CETI's Europe aggregate"
        if exclude
        else "ranked with CETI's Europe aggregate counted, as published "
        "(exclude_aggregates: true leaves it out)"
    )
    return float(value), result.citations[0]


def _ceti_below(ctx: _Context, check: Mapping[str, Any]) -> Computed:
    result = ctx.ceti()
    country, other = str(check["country"]), str(check["other"])
    below = all(result.score(country, s) < result.score(other, s) for s in result.children_of())
    return (1.0 if below else 0.0), result.citations[0]


#: the dataset each military measure of a claim reads
_MILITARY_DATASETS = {"milex": "sipri_milex", "cinc": "cow_nmc"}


def _military(
    measure: str, column: str, digits: int = 0
) -> Callable[[_Context, Mapping[str, Any]], Computed]:
    """A claim on one of powerscope's military measures (:mod:`powerscope.military.measures`):
    the country's ``value`` (rounded to ``digits``) or ``rank`` in ``year`` (default: latest)."""

    def compute(ctx: _Context, check: Mapping[str, Any]) -> Computed:
        from powerscope.military.measures import rank

        year = check.get("year")
        ranking = rank(measure, None if year is None else int(year), store=ctx.store)
        row = ranking.table[ranking.table["code"] == check["country"]]
        if row.empty:
            raise SpecError(f"no {measure} value for {check['country']} in {ranking.year}")
        value = round(float(row[column].iloc[0]), digits)
        ctx.notes.append(f"{measure} data year {ranking.year}.")
        return value, ctx.citation(_MILITARY_DATASETS[measure])

    return compute


MEASURES: dict[str, Callable[[_Context, Mapping[str, Any]], Computed]] = {
    "gfp_rank": _gfp_rank,
    "arms_share": _arms_share,
    "arms_rank": _arms_rank,
    "arms_change": _arms_change,
    "ceti_rank": _ceti_rank,
    "ceti_below": _ceti_below,
    "milex_usd": _military("milex", "value", 1),
    "milex_rank": _military("milex", "rank"),
    "cinc": _military("cinc", "value", 5),
    "cinc_rank": _military("cinc", "rank"),
}

#: the keys each measure's ``check`` accepts besides ``measure``
CHECK_KEYS: dict[str, tuple[str, ...]] = {
    "gfp_rank": ("country",),
    "arms_share": ("country", "period", "edition"),
    "arms_rank": ("country", "period", "edition"),
    "arms_change": ("country", "periods", "edition"),
    "ceti_rank": ("country", "level", "exclude_aggregates"),
    "ceti_below": ("country", "other"),
    "milex_usd": ("country", "year"),
    "milex_rank": ("country", "year"),
    "cinc": ("country", "year"),
    "cinc_rank": ("country", "year"),
}
CLAIM_KEYS = ("id", "statement", "check", "stated", "tolerance", "note")


def _unknown_keys(claim: Mapping[str, Any], where: str) -> None:
    """Refuse keys a claim or its check does not know, naming the key, the claim and the
    allowed keys (an unknown measure is left to the check, which reports it)."""
    cid = claim["id"]
    extra = [str(k) for k in claim if k not in CLAIM_KEYS]
    if extra:
        raise DataFormatError(
            f"claim {cid!r} has unknown key(s) {', '.join(extra)}",
            where=where,
            fix=f"a claim's keys are {', '.join(CLAIM_KEYS)}",
        )
    check = claim["check"]
    if not isinstance(check, Mapping):
        raise DataFormatError(f"claim {cid!r}: check must be a mapping", where=where)
    allowed = CHECK_KEYS.get(str(check.get("measure", "")))
    if allowed is None:
        return
    extra = [str(k) for k in check if k != "measure" and k not in allowed]
    if extra:
        raise DataFormatError(
            f"claim {cid!r}: the check of measure {check['measure']} has unknown key(s) "
            f"{', '.join(extra)}",
            where=where,
            fix=f"its keys are measure, {', '.join(allowed)}",
        )


def load_claims(path: Path | None = None) -> list[dict[str, Any]]:
    """Read a claims file (the shipped claims of the South Korea debate when ``path`` is None)."""
    if path is None:
        text = resources.files("powerscope").joinpath("claims.yaml").read_text("utf-8")
        where = "powerscope/claims.yaml"
    else:
        where = shown_path(path)
        text = read_text_file(path, "claims file", where=where, max_bytes=MAX_YAML_BYTES)
    raw = load_yaml(text, where)
    if not isinstance(raw, list):
        raise DataFormatError("a claims file is a list of claims", where=where)
    seen: set[str] = set()
    for i, claim in enumerate(raw):
        here = f"{where}, claim {i + 1}"
        if not isinstance(claim, Mapping):
            raise DataFormatError("a claim must be a mapping", where=here)
        missing = [k for k in ("id", "statement", "check", "stated") if k not in claim]
        if missing:
            raise DataFormatError(
                f"claim lacks {missing}", where=here, fix="give id, statement, check and stated"
            )
        if claim["id"] in seen:
            raise DataFormatError(f"duplicate claim id {claim['id']!r}", where=here)
        _unknown_keys(claim, here)
        seen.add(str(claim["id"]))
    return [dict(c) for c in raw]


def _matches(stated: Any, computed: float, tolerance: float) -> bool:
    if isinstance(stated, list | tuple) and len(stated) == 2:
        return float(stated[0]) - tolerance <= computed <= float(stated[1]) + tolerance
    return abs(float(stated) - computed) <= tolerance


def check_claims(
    claims: list[dict[str, Any]], store: Store | None = None, *, arms: Any = None
) -> list[Verdict]:
    """Check every claim on the data in ``store`` (default: the warehouse, else the embedded
    snapshot); a claim that cannot be computed is reported, never dropped. ``arms``: the
    SIPRI data as :func:`powerscope.arms.service.load` read them from the same store, when the
    caller has them already (else they are read on first use)."""
    ctx = _Context(store, arms)
    verdicts = []
    for claim in claims:
        check = dict(claim["check"])
        measure = str(check.pop("measure", ""))
        base = {
            "id": str(claim["id"]),
            "statement": str(claim["statement"]),
            "stated": claim["stated"],
        }
        if measure not in MEASURES:
            note = f"no measure {measure!r} (known: {', '.join(MEASURES)})"
            verdicts.append(
                Verdict(**base, verdict="cannot check", computed=None, edition=None, note=note)
            )
            continue
        ctx.notes = []
        try:
            if "country" in check:
                from powerscope.countries import resolve

                check["country"] = resolve(check["country"], where=f"claim {base['id']}")
            computed, cited = MEASURES[measure](ctx, check)
        except (PowerscopeError, KeyError) as exc:
            reason = exc.message if isinstance(exc, PowerscopeError) else f"missing {exc}"
            verdicts.append(
                Verdict(**base, verdict="cannot check", computed=None, edition=None, note=reason)
            )
            continue
        ok = _matches(claim["stated"], computed, float(claim.get("tolerance", 0)))
        verdicts.append(
            Verdict(
                **base,
                verdict="confirmed" if ok else "differs",
                computed=computed,
                edition=cited.short,
                note=" ".join(part for part in (str(claim.get("note", "")), *ctx.notes) if part),
                citations=(cited,),
            )
        )
    return verdicts
