"""Dyadic agreement in UN General Assembly roll-call votes, for every pair of countries at once.

Data: Voeten, Strezhnev & Bailey, *United Nations General Assembly Voting Data*, Harvard Dataverse,
hdl:1902.1/12379 (read by :mod:`powerscope.data.sources.unvotes`). Votes are coded ``1`` yes,
``2`` abstain, ``3`` no; absences and non-members are not rows, so a pair of countries is
compared on its *common* roll calls only: those on which both cast a yes, abstain or no vote.

Method
------
For a selection of roll calls (a year, a session, a period of years and/or an issue category)
the votes form a (countries x roll calls) ``int8`` matrix ``V`` with ``0`` for "no vote". Its
one-hot indicators ``X_a = [V == a]`` (``a`` = yes, abstain, no) give, by matrix products, every
pair's 3 x 3 contingency table at once::

    N_ij[a, b] = sum_k X_a[i, k] * X_b[j, k]      (number of roll calls with i voting a, j voting b)

The three indicator matrices are stacked into one ``(3 * countries, roll calls)`` matrix, so one
product ``X @ X.T`` yields all nine blocks. With roll-call weights ``w_k`` the weighted table is
``W_ij[a, b] = sum_k w_k X_a[i, k] X_b[j, k]``. Every measure below is a function of these tables
(:func:`table_measures`). Write ``n = sum N`` (common roll calls), ``p_ab = N[a, b] / n``, the
marginals ``r_a = sum_b p_ab`` (country 1) and ``c_b = sum_a p_ab`` (country 2), the pooled
marginals ``m_a = (r_a + c_a) / 2``, and the ordinal distance ``d(a, b) = |a - b|`` on the vote
scale yes 1, abstain 2, no 3 (so ``d`` is 0, 1 or 2 and ``d_max = 2``).

``percent_agreement``
    Share of common roll calls on which both cast the same vote: ``p_o = sum_a p_aa``
    (a fraction in [0, 1], not a percentage, despite the customary name).
``agreement_score``
    Voeten's agreement index: votes scored yes 1, abstain 0.5, no 0, and
    ``1 - mean |score_i - score_j|``; a full match counts 1, yes/abstain or abstain/no 0.5,
    yes/no 0. In [0, 1]. Equals ``1 - D_o / 2`` with ``D_o = sum_ab p_ab d(a, b)``.
``s_unweighted``
    Signorino & Ritter's (1999) S on the ordinal scale, every roll call counted once:
    ``S = 1 - 2 * sum_k |d_k| / (n * d_max) = 1 - D_o``. In [-1, 1]. With absolute distances
    and ``d_max = 2`` it is an affine transform of the agreement score:
    ``S = 2 * agreement_score - 1``.
``s_weighted``
    S with roll-call weights (Signorino & Ritter's weighted S, with roll calls as the
    dimensions): ``S_w = 1 - 2 * sum_k w_k |d_k| / (d_max * sum_k w_k)``, the sum over the
    pair's common roll calls. Unless other ``weights`` are given, ``w_k = important_weight``
    (default 2) for the roll calls the US State Department classified as *important votes*
    (``importantvote`` true) and ``w_k = 1`` for all others, including those with no
    classification; so an important vote counts as much as two ordinary ones. With
    ``important_weight=1`` it equals ``s_unweighted``. The classification is missing for
    2018-2020 (sessions 73-74) in this release, so there ``s_weighted == s_unweighted``.
    This is not the capability weighting Signorino & Ritter and Häge apply to alliance
    portfolios, whose dimensions are third states; roll calls have no such weight.
``kappa``
    Cohen's (1960) kappa, chance-corrected with the pair's own marginals (Häge 2011):
    ``kappa = (p_o - p_e) / (1 - p_e)``, ``p_e = sum_a r_a c_a``. Nominal: any two different
    votes disagree equally. In [-1, 1].
``pi``
    Scott's (1955) pi, chance-corrected with the pooled marginals (Häge 2011):
    ``pi = (p_o - p_e) / (1 - p_e)``, ``p_e = sum_a m_a^2``. In [-1, 1].
``kappa_ordinal``, ``pi_ordinal``
    Häge's (2011) general form ``1 - D_o / D_e`` with the same absolute ordinal distance as S,
    so yes/no disagrees twice as much as yes/abstain: ``D_e = sum_ab r_a c_b d(a, b)``
    (kappa) or ``sum_ab m_a m_b d(a, b)`` (pi). These are the chance-corrected counterparts of
    S; with two categories only they equal ``kappa`` and ``pi``.

Cost: one ``(3n x m) @ (m x 3n)`` product per selection (``n`` <= 193 countries, ``m`` roll
calls), then a ``(8 x 9) @ (9 x pairs)`` projection for the measures. The full panel (73
sessions with pairs, ~806,000 pairs, all measures; :func:`all_sessions`) takes about 0.6 s on
two cores (``benchmarks/bench_agreement.py``).

When the expected disagreement is zero (both countries cast one and the same vote on every
common roll call) kappa and pi are 0/0; they are set to 1, as the observed agreement is
perfect. Identical voting therefore gives 1 on every measure.

References
----------
Signorino, C. S. & Ritter, J. M. (1999). Tau-b or not tau-b: Measuring the similarity of foreign
policy positions. *International Studies Quarterly* 43(1): 115-144.

Häge, F. M. (2011). Choice or circumstance? Adjusting measures of foreign policy similarity for
chance agreement. *Political Analysis* 19(3): 287-305.

Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and Psychological
Measurement* 20(1): 37-46. Scott, W. A. (1955). Reliability of content analysis: the case of
nominal scale coding. *Public Opinion Quarterly* 19(3): 321-325.

Bailey, M. A., Strezhnev, A. & Voeten, E. (2017). Estimating dynamic state preferences from
United Nations voting data. *Journal of Conflict Resolution* 61(2): 430-456.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

from powerscope.errors import (
    DataFormatError,
    NotFoundError,
    PeriodError,
    PowerscopeError,
    SpecError,
    require_columns,
)

if TYPE_CHECKING:
    from powerscope.data.store import Store

#: The measures every function returns, in column order (see the module docstring).
MEASURES: Final[tuple[str, ...]] = (
    "percent_agreement",
    "agreement_score",
    "s_unweighted",
    "s_weighted",
    "kappa",
    "pi",
    "kappa_ordinal",
    "pi_ordinal",
)
#: Number of vote categories (yes, abstain, no) and the largest ordinal distance between votes.
N_CATEGORIES: Final = 3
D_MAX: Final = 2.0
#: ``DISTANCE[a, b] = |a - b|`` for vote categories ``a, b`` indexed 0 (yes), 1 (abstain), 2 (no).
DISTANCE: Final = np.abs(np.subtract.outer(np.arange(3.0), np.arange(3.0)))

Period = Literal["session", "year"]

_VOTES_WHERE: Final = "the un_votes table"
_CALLS_WHERE: Final = "the un_roll_calls table"
_ISSUES_WHERE: Final = "the un_roll_call_issues table"


# --------------------------------------------------------------------------------------------
# Core: vote matrix, contingency tables, measures
# --------------------------------------------------------------------------------------------


def vote_matrix(
    votes: pd.DataFrame, rcids: Sequence[int] | np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The (countries x roll calls) vote matrix of a set of roll calls.

    Parameters
    ----------
    votes:
        The ``un_votes`` table: ``rcid``, ``code``, ``vote`` (1 yes, 2 abstain, 3 no).
    rcids:
        The roll calls, in the column order wanted; all roll calls in ``votes`` (sorted) when
        omitted. A roll call nobody voted on gives a column of zeros.

    Returns
    -------
    codes:
        Country codes of the rows (object array, sorted), the countries with at least one vote
        on these roll calls.
    matrix:
        ``int8`` array of shape ``(len(codes), len(rcids))``: the vote (1, 2, 3), or 0 where the
        country cast no vote (absent, or not a member).

    Raises
    ------
    DataFormatError
        A missing column, a vote outside 1/2/3, or two votes of one country on one roll call.
    """
    arrays = _vote_arrays(votes)
    wanted = np.unique(arrays.rcid) if rcids is None else np.asarray(rcids, dtype=np.int64).ravel()
    order = np.argsort(wanted, kind="stable")
    if len(wanted) > 1 and (np.diff(wanted[order]) == 0).any():
        raise SpecError("rcids lists a roll call twice", fix="give each roll call once")
    rows, position = arrays.locate(wanted[order])
    used, row = np.unique(arrays.country[rows], return_inverse=True)
    matrix = np.zeros((len(used), len(wanted)), dtype=np.int8)
    matrix[row, order[position]] = arrays.vote[rows]
    if np.count_nonzero(matrix) != len(rows):
        raise _duplicate_vote(arrays.rcid[rows], arrays.country[rows], arrays.codes)
    return arrays.codes[used], matrix


def pair_tables(
    matrix: np.ndarray,
    weights: np.ndarray | None = None,
    rows: np.ndarray | Sequence[int] | None = None,
) -> np.ndarray:
    """Every pair's 3 x 3 contingency table of votes, by one matrix product.

    Parameters
    ----------
    matrix:
        ``(countries, roll calls)`` votes, 1 yes, 2 abstain, 3 no, 0 no vote
        (:func:`vote_matrix`).
    weights:
        Optional roll-call weights (length ``roll calls``, non-negative): the tables then hold
        ``sum_k w_k [i votes a on k][j votes b on k]`` instead of counts.
    rows:
        Optional row indices: tables of these countries against all countries only (the
        memory-aware variant: ``len(rows) * n * 9`` numbers instead of ``n * n * 9``).

    Returns
    -------
    ndarray
        ``float64`` of shape ``(len(rows) or n, n, 3, 3)``: ``T[i, j, a, b]`` counts (or weighs)
        the roll calls on which country ``i`` voted ``a + 1`` and country ``j`` voted ``b + 1``.
        ``T[i, j]`` is the transpose of ``T[j, i]``; ``T[i, i]`` is diagonal.
    """
    matrix = np.asarray(matrix)
    k = matrix.shape[0] if rows is None else len(np.asarray(rows))
    n = matrix.shape[0]
    product = _pair_product(matrix, weights, rows)
    return product.reshape(N_CATEGORIES, k, N_CATEGORIES, n).transpose(1, 3, 0, 2)


def _pair_product(
    matrix: np.ndarray,
    weights: np.ndarray | None = None,
    rows: np.ndarray | Sequence[int] | None = None,
) -> np.ndarray:
    """``X[rows] @ (X * w).T`` for the stacked one-hot matrix ``X`` (shape ``(3n, m)``).

    Block ``(a, b)`` of the ``(3k, 3n)`` result, i.e. ``result[a*k + i, b*n + j]``, is the
    (weighted) number of roll calls on which country ``rows[i]`` voted ``a + 1`` and country
    ``j`` voted ``b + 1``.
    """
    n, m = matrix.shape
    onehot = np.empty((N_CATEGORIES, n, m), dtype=np.float64)
    for a in range(N_CATEGORIES):
        np.equal(matrix, a + 1, out=onehot[a], casting="unsafe")
    stacked = onehot.reshape(N_CATEGORIES * n, m)
    right = stacked if weights is None else stacked * np.asarray(weights, dtype=np.float64)
    if rows is None:
        left = stacked
    else:
        index = np.asarray(rows, dtype=np.int64)
        left = onehot[:, index, :].reshape(N_CATEGORIES * len(index), m)
    return np.asarray(left @ right.T)


def _cells(product: np.ndarray, k: int, n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The tables of pairs ``(rows[i], j)`` from :func:`_pair_product`, cell-major: ``(9, P)``.

    Cell ``a * 3 + b`` of pair ``p`` is ``product[a * k + i[p], b * n + j[p]]``.
    """
    size = N_CATEGORIES * n
    offset = (np.arange(N_CATEGORIES)[:, None] * k * size + np.arange(N_CATEGORIES) * n).ravel()
    return np.take(product.ravel(), offset[:, None] + (i * size + j)[None, :])


# Projections of a flat table (cell a*3 + b) onto the quantities the measures need:
# row 0 agreement (diagonal), 1 ordinal distance, 2-4 row marginal, 5-7 column marginal.
_PROJECTION: Final = np.vstack(
    [
        np.eye(N_CATEGORIES).ravel(),
        DISTANCE.ravel(),
        np.kron(np.eye(N_CATEGORIES), np.ones(N_CATEGORIES)),
        np.kron(np.ones(N_CATEGORIES), np.eye(N_CATEGORIES)),
    ]
)


def table_measures(tables: np.ndarray, weighted: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Agreement measures from 3 x 3 contingency tables of votes (see the module docstring).

    Parameters
    ----------
    tables:
        Counts of shape ``(..., 3, 3)``: ``tables[..., a, b]`` roll calls with country 1 voting
        ``a`` and country 2 voting ``b`` (0 yes, 1 abstain, 2 no).
    weighted:
        The same tables with roll-call weights (:func:`pair_tables` with ``weights``), for
        ``s_weighted``; ``s_weighted`` equals ``s_unweighted`` when omitted.

    Returns
    -------
    dict
        ``"n"`` (common roll calls, float) and one array per name in :data:`MEASURES`, each of
        shape ``tables.shape[:-2]``; NaN where ``n == 0``.

    Raises
    ------
    SpecError
        Tables whose last two axes are not 3 x 3.
    """
    tables = np.asarray(tables, dtype=np.float64)
    if tables.shape[-2:] != (N_CATEGORIES, N_CATEGORIES):
        raise SpecError(
            f"contingency tables have shape {tables.shape}, not (..., 3, 3)",
            fix="pass tables of yes/abstain/no votes (pair_tables)",
        )
    shape = tables.shape[:-2]
    cells = tables.reshape(-1, N_CATEGORIES * N_CATEGORIES).T
    weighted_cells = (
        None
        if weighted is None
        else np.asarray(weighted, dtype=np.float64).reshape(-1, N_CATEGORIES * N_CATEGORIES).T
    )
    n, block = _cell_measures(cells, weighted_cells)
    out = {"n": n.reshape(shape)}
    out.update({name: block[m].reshape(shape) for m, name in enumerate(MEASURES)})
    return out


def _cell_measures(cells: np.ndarray, weighted: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The measures of cell-major ``(9, P)`` tables: ``n`` (P,) and ``(len(MEASURES), P)``."""
    n = cells.sum(axis=0)
    block = np.empty((len(MEASURES), cells.shape[1]), dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (_PROJECTION @ cells) / n
        p_o = share[0]
        d_o = share[1]  # mean ordinal distance |a - b|, in vote steps (0..2)
        r = share[2:5]
        c = share[5:8]
        pooled = (r + c) / 2.0
        d_w = d_o if weighted is None else (DISTANCE.ravel() @ weighted) / weighted.sum(axis=0)
        block[0] = p_o
        block[1] = 1.0 - d_o / D_MAX
        block[2] = 1.0 - 2.0 * d_o / D_MAX
        block[3] = 1.0 - 2.0 * d_w / D_MAX
        block[4] = _chance_corrected(1.0 - p_o, 1.0 - (r * c).sum(axis=0), n)
        block[5] = _chance_corrected(1.0 - p_o, 1.0 - (pooled * pooled).sum(axis=0), n)
        block[6] = _chance_corrected(d_o, ((DISTANCE @ r) * c).sum(axis=0), n)
        block[7] = _chance_corrected(d_o, ((DISTANCE @ pooled) * pooled).sum(axis=0), n)
    return n, block


def _chance_corrected(observed: np.ndarray, expected: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``1 - observed / expected`` disagreement; 1 where nothing could disagree; NaN if n == 0."""
    tiny = 1e-12
    safe = np.where(expected > tiny, expected, 1.0)
    value = np.where(expected > tiny, 1.0 - observed / safe, 1.0)
    return np.where(n > 0, value, np.nan)


# --------------------------------------------------------------------------------------------
# Input checks and roll-call selection
# --------------------------------------------------------------------------------------------


def _require(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    require_columns(
        list(frame.columns),
        columns,
        where,
        "pass the table as read by powerscope.data.sources.unvotes (SnapshotStore().table(...))",
    )


@dataclass(frozen=True)
class _VoteArrays:
    """The votes as arrays: ``rcid`` (int64), ``country`` (index into ``codes``), ``vote``
    (int8, 1-3) and ``codes`` (object array of country codes, alphabetical)."""

    rcid: np.ndarray
    country: np.ndarray
    vote: np.ndarray
    codes: np.ndarray

    def locate(self, rcids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows voting on the sorted ``rcids``, and each row's position in ``rcids``."""
        if len(rcids) == 0:
            return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
        position = np.searchsorted(rcids, self.rcid).clip(0, len(rcids) - 1)
        rows = np.flatnonzero(rcids[position] == self.rcid)
        return rows, position[rows]


def _vote_arrays(votes: pd.DataFrame) -> _VoteArrays:
    """The ``un_votes`` table as validated arrays (:class:`_VoteArrays`)."""
    _require(votes, ("rcid", "code", "vote"), _VOTES_WHERE)
    raw_vote = votes["vote"]
    if raw_vote.isna().any():
        row = int(np.flatnonzero(raw_vote.isna().to_numpy())[0])
        raise DataFormatError(
            "missing vote",
            where=f"{_VOTES_WHERE}, row position {row}, column 'vote'",
            fix="votes are 1 (yes), 2 (abstain) or 3 (no); absences are not rows",
        )
    if not pd.api.types.is_numeric_dtype(raw_vote.dtype) or pd.api.types.is_bool_dtype(
        raw_vote.dtype
    ):
        raise DataFormatError(
            f"vote has dtype {raw_vote.dtype}, not numbers",
            where=f"{_VOTES_WHERE}, column 'vote'",
            fix="votes are 1 (yes), 2 (abstain) or 3 (no), as read by "
            "powerscope.data.sources.unvotes",
        )
    vote_values = raw_vote.to_numpy()
    bad = (vote_values < 1) | (vote_values > 3)
    if not pd.api.types.is_integer_dtype(raw_vote.dtype):
        bad |= vote_values != np.round(vote_values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        n_bad = int(bad.sum())
        raise DataFormatError(
            f"vote {vote_values[row].item()!r} is not 1 (yes), 2 (abstain) or 3 (no) "
            f"({n_bad} such row(s); first: rcid {votes['rcid'].iloc[row]}, "
            f"country {votes['code'].iloc[row]})",
            where=f"{_VOTES_WHERE}, row position {row}, column 'vote'",
            fix="use the coding of powerscope.data.sources.unvotes.VOTE_CODES; absences and "
            "non-members are not rows",
        )
    rcid_values = votes["rcid"]
    if not pd.api.types.is_integer_dtype(rcid_values.dtype):
        raise DataFormatError(
            f"rcid has dtype {rcid_values.dtype}, not integers",
            where=f"{_VOTES_WHERE}, column 'rcid'",
            fix="roll-call ids are whole numbers",
        )
    code = votes["code"]
    if not isinstance(code.dtype, pd.CategoricalDtype):
        if code.isna().any():
            row = int(np.flatnonzero(code.isna().to_numpy())[0])
            raise DataFormatError(
                "missing country code",
                where=f"{_VOTES_WHERE}, row position {row}, column 'code'",
                fix="every vote needs a country",
            )
        code = code.astype(str).astype("category")
    categories = np.asarray(code.cat.categories.astype(str), dtype=object)
    # Rank categories by their code string, so row order (and code1 < code2) is alphabetical.
    order = np.argsort(categories, kind="stable")
    rank = np.empty(len(categories), dtype=np.int64)
    rank[order] = np.arange(len(categories))
    cat_codes = code.cat.codes.to_numpy()
    if (cat_codes < 0).any():
        row = int(np.flatnonzero(cat_codes < 0)[0])
        raise DataFormatError(
            "missing country code",
            where=f"{_VOTES_WHERE}, row position {row}, column 'code'",
            fix="every vote needs a country",
        )
    return _VoteArrays(
        rcid=rcid_values.to_numpy(dtype=np.int64),
        country=rank[cat_codes.astype(np.int64)],
        vote=vote_values.astype(np.int8, copy=False),
        codes=categories[order],
    )


def _duplicate_vote(
    rcid: np.ndarray, code_index: np.ndarray, categories: np.ndarray
) -> DataFormatError:
    key = pd.Series(rcid * (len(categories) + 1) + code_index)
    row = int(np.flatnonzero(key.duplicated().to_numpy())[0])
    return DataFormatError(
        f"two votes of {categories[code_index[row]]} on roll call {int(rcid[row])}",
        where=_VOTES_WHERE,
        fix="each country votes at most once per roll call",
    )


def _ranges(values: Sequence[int] | np.ndarray) -> str:
    """``[1946, 1947, 1948, 1950]`` -> ``"1946-1948, 1950"``."""
    ordered = sorted({int(v) for v in values})
    if not ordered:
        return "none"
    parts: list[str] = []
    start = previous = ordered[0]
    for value in [*ordered[1:], None]:
        if value is not None and value == previous + 1:
            previous = value
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if value is not None:
            start = previous = value
    return ", ".join(parts)


@dataclass(frozen=True)
class Selection:
    """A set of roll calls, with a readable description for messages and ``DataFrame.attrs``."""

    rcids: np.ndarray
    description: str


def select_roll_calls(
    calls: pd.DataFrame,
    issues: pd.DataFrame | None = None,
    *,
    year: int | None = None,
    session: int | None = None,
    years: tuple[int, int] | None = None,
    issue: str | None = None,
) -> Selection:
    """The roll calls of a year, a session, a period and/or an issue (all given filters apply).

    Parameters
    ----------
    calls:
        The ``un_roll_calls`` table (``rcid``, ``session``, ``year``, ...).
    issues:
        The ``un_roll_call_issues`` table; needed only with ``issue``.
    year:
        Calendar year of the vote (note: a session runs from September into the next year).
    session:
        UNGA session number (1 = 1946, 74 = 2019-20).
    years:
        ``(first, last)`` calendar years, inclusive.
    issue:
        Issue code (``me``, ``nu``, ``di``, ``hr``, ``co``, ``ec``) or its label
        (e.g. ``"Human rights"``, case-insensitive).

    Returns
    -------
    Selection
        The sorted roll-call ids and a description such as ``"year 2019, issue hr"``.

    Raises
    ------
    SpecError
        An unknown issue, a year/session/period without roll calls, an empty combination.
    """
    _require(calls, ("rcid",), _CALLS_WHERE)
    mask = np.ones(len(calls), dtype=bool)
    parts: list[str] = []
    for column, value in (("year", year), ("session", session)):
        if value is None:
            continue
        _require(calls, (column,), _CALLS_WHERE)
        present = calls[column].to_numpy()
        if not (present == int(value)).any():
            raise PeriodError(
                f"no roll calls in {column} {value}",
                where=_CALLS_WHERE,
                parameter=column,
                fix=f"{column}s with roll calls: {_ranges(np.unique(present))}",
            )
        mask &= present == int(value)
        parts.append(f"{column} {value}")
    if years is not None:
        _require(calls, ("year",), _CALLS_WHERE)
        first, last = (int(v) for v in years)
        if last < first:
            raise PeriodError(
                f"period {first}-{last} ends before it starts",
                parameter="years",
                fix="give years=(first, last)",
            )
        present = calls["year"].to_numpy()
        inside = (present >= first) & (present <= last)
        if not inside.any():
            raise PeriodError(
                f"no roll calls in {first}-{last}",
                where=_CALLS_WHERE,
                parameter="years",
                fix=f"years with roll calls: {_ranges(np.unique(present))}",
            )
        mask &= inside
        parts.append(f"{first}-{last}")
    if issue is not None:
        code = _issue_code(issues, issue)
        assert issues is not None
        tagged = issues["rcid"].to_numpy()[issues["issue_code"].astype(str).to_numpy() == code]
        mask &= np.isin(calls["rcid"].to_numpy(), tagged)
        parts.append(f"issue {code}")
    description = ", ".join(parts) or "all roll calls"
    if not mask.any():
        raise SpecError(
            f"no roll calls match {description}",
            where=_CALLS_WHERE,
            fix="widen the selection (another year, session or issue)",
        )
    rcids = np.unique(calls["rcid"].to_numpy(dtype=np.int64)[mask])
    return Selection(rcids=rcids, description=description)


def _issue_code(issues: pd.DataFrame | None, issue: str) -> str:
    if issues is None:
        raise SpecError(
            f"issue {issue!r} asked for, but no issue table given",
            fix="pass the un_roll_call_issues table (store.table('un_roll_call_issues'))",
        )
    _require(issues, ("rcid", "issue_code"), _ISSUES_WHERE)
    codes = issues["issue_code"].astype(str)
    labels = issues["issue"].astype(str) if "issue" in issues.columns else codes
    known = dict(zip(codes, labels, strict=True))
    wanted = str(issue).strip()
    if wanted in known:
        return wanted
    by_label = {label.lower(): code for code, label in known.items()}
    if wanted.lower() in by_label:
        return by_label[wanted.lower()]
    listed = ", ".join(f"{code} ({label})" for code, label in sorted(known.items()))
    raise NotFoundError(
        f"unknown issue {issue!r}",
        where=_ISSUES_WHERE,
        parameter="issue",
        fix=f"use one of: {listed}",
    )


def _roll_call_weights(
    calls: pd.DataFrame,
    rcids: np.ndarray,
    important_weight: float,
    weights: pd.Series | None,
) -> np.ndarray:
    """Weight of each roll call in ``rcids`` (see ``s_weighted`` in the module docstring)."""
    if weights is not None:
        lookup = pd.Series(weights, dtype="float64")
        values = lookup.reindex(rcids).to_numpy()
        if np.isnan(values).any():
            missing = rcids[np.isnan(values)]
            raise SpecError(
                f"no weight for {len(missing)} selected roll call(s), e.g. rcid {int(missing[0])}",
                fix="give weights as a Series indexed by rcid covering every selected roll call",
            )
    else:
        if not np.isfinite(important_weight) or important_weight < 0:
            raise SpecError(
                f"important_weight {important_weight!r} is not a non-negative number",
                fix="e.g. important_weight=2 counts an important vote twice",
            )
        _require(calls, ("rcid", "importantvote"), _CALLS_WHERE)
        flag = pd.Series(
            calls["importantvote"].astype("boolean").fillna(False).to_numpy(dtype=bool),
            index=calls["rcid"].to_numpy(dtype=np.int64),
        )
        important = flag[~flag.index.duplicated()].reindex(rcids, fill_value=False)
        values = np.where(important.to_numpy(dtype=bool), float(important_weight), 1.0)
    if not np.isfinite(values).all() or (values < 0).any():
        raise SpecError(
            "roll-call weights must be finite and non-negative",
            fix="check the weights given",
        )
    return np.asarray(values, dtype=np.float64)


def _check_min_votes(min_votes: int) -> int:
    if int(min_votes) < 1:
        raise SpecError(f"min_votes {min_votes!r} is below 1", fix="e.g. min_votes=10")
    return int(min_votes)


# --------------------------------------------------------------------------------------------
# Panels: all pairs for every period
# --------------------------------------------------------------------------------------------


@dataclass
class _Panel:
    """All pairs of all periods: global country indices, ``n`` and the measures block."""

    period: np.ndarray
    first: np.ndarray
    second: np.ndarray
    n: np.ndarray
    block: np.ndarray
    codes: np.ndarray


def _voting_rows(arrays: _VoteArrays, selection: Selection) -> tuple[np.ndarray, np.ndarray]:
    """Vote rows on the selected roll calls (and their roll-call positions); SpecError if none."""
    rows, position = arrays.locate(selection.rcids)
    if len(rows) == 0:
        raise SpecError(
            f"no votes recorded on the {len(selection.rcids)} roll call(s) of "
            f"{selection.description}",
            where=_VOTES_WHERE,
            fix="choose another year, session or issue",
        )
    return rows, position


def _country(code: str, arrays: _VoteArrays, rows: np.ndarray, description: str) -> int:
    """Index (in ``arrays.codes``) of a country voting on ``rows``; names are resolved."""
    voters = arrays.codes[np.unique(arrays.country[rows])]
    voter_set = {str(v) for v in voters}
    text = str(code).strip()
    found: str | None = text if text in set(arrays.codes) else None
    if found is None:
        try:
            from powerscope.countries import resolve

            found = resolve(text)
        except PowerscopeError:
            found = None
    if found is not None and found in voter_set:
        return int(np.flatnonzero(arrays.codes == found)[0])
    close = difflib.get_close_matches(text.upper(), sorted(voter_set), n=3)
    hint = f"closest: {', '.join(close)}; " if close else ""
    what = (
        f"unknown country {code!r}"
        if found is None
        else f"country {found} cast no vote in {description}"
    )
    raise SpecError(
        what,
        where=_VOTES_WHERE,
        fix=f"{hint}the {len(voter_set)} countries voting in {description}: "
        + ", ".join(sorted(voter_set)),
    )


def _one_blas_thread() -> AbstractContextManager[object]:
    """Run BLAS on one thread while computing (when threadpoolctl is available).

    The per-period products are small (at most ~600 x 600 x 160) and many; OpenBLAS's threads
    buy little on them, and when other processes keep the cores busy they spin against them:
    the full panel took 2.5 s with two BLAS threads on a loaded 2-core machine and 0.6 s with
    one. threadpoolctl comes with scikit-learn; without it, BLAS keeps its own setting.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _compute(
    arrays: _VoteArrays,
    rows: np.ndarray,
    position: np.ndarray,
    rcids: np.ndarray,
    period_of_rcid: np.ndarray,
    weight_of_rcid: np.ndarray,
    min_votes: int,
    focus: np.ndarray | None = None,
) -> _Panel:
    """All pairs (or the ``focus`` countries against all) in every period.

    ``rows`` are vote rows on the sorted ``rcids`` and ``position`` their roll calls' positions
    in ``rcids``; ``period_of_rcid`` and ``weight_of_rcid`` are aligned with ``rcids``;
    ``focus`` holds indices into ``arrays.codes``.
    """
    # Columns: roll calls sorted by (period, rcid), so each period is a contiguous block.
    column_order = np.argsort(period_of_rcid, kind="stable")
    column_of = np.empty(len(rcids), dtype=np.int64)
    column_of[column_order] = np.arange(len(rcids))
    periods, period_start = np.unique(period_of_rcid[column_order], return_index=True)
    period_end = np.append(period_start[1:], len(rcids))
    ordered_weights = weight_of_rcid[column_order]
    vote_period = np.searchsorted(periods, period_of_rcid[position])
    by_period = np.argsort(vote_period, kind="stable")
    rows, position = rows[by_period], position[by_period]
    bounds = np.searchsorted(vote_period[by_period], np.arange(len(periods) + 1))

    def one_period(p: int) -> tuple[np.ndarray, ...] | None:
        rows_p = rows[bounds[p] : bounds[p + 1]]
        if len(rows_p) == 0:
            return None
        columns = column_of[position[bounds[p] : bounds[p + 1]]] - period_start[p]
        used, row = np.unique(arrays.country[rows_p], return_inverse=True)
        matrix = np.zeros((len(used), int(period_end[p] - period_start[p])), dtype=np.int8)
        matrix[row, columns] = arrays.vote[rows_p]
        if np.count_nonzero(matrix) != len(rows_p):
            raise _duplicate_vote(arrays.rcid[rows_p], arrays.country[rows_p], arrays.codes)
        present = (matrix > 0).astype(np.float64)
        local: np.ndarray | None
        if focus is None:  # every pair i < j
            n_common = present @ present.T
            i, j = np.triu_indices(len(used), 1)
            keep = n_common[i, j] >= min_votes
            i, j = i[keep], j[keep]
            local, ti, k = None, i, len(used)
        else:  # the focus rows against every other country
            local = np.searchsorted(used, focus).clip(0, len(used) - 1)
            local = local[used[local] == focus]
            if len(local) == 0:
                return None
            n_common = present[local] @ present.T
            ti, j = np.nonzero(n_common >= min_votes)
            distinct = local[ti] != j
            ti, j = ti[distinct], j[distinct]
            i, k = local[ti], len(local)
        if len(i) == 0:
            return None
        cells = _cells(_pair_product(matrix, None, local), k, len(used), ti, j)
        w = ordered_weights[period_start[p] : period_end[p]]
        weighted = (
            None
            if bool(np.all(w == 1.0))
            else _cells(_pair_product(matrix, w, local), k, len(used), ti, j)
        )
        n, block = _cell_measures(cells, weighted)
        return np.full(len(i), periods[p]), used[i], used[j], n, block

    with _one_blas_thread():
        results = [one_period(p) for p in range(len(periods))]
    parts = [result for result in results if result is not None]
    if not parts:
        empty = np.array([], dtype=np.int64)
        return _Panel(empty, empty, empty, empty, np.empty((len(MEASURES), 0)), codes=arrays.codes)
    return _Panel(
        period=np.concatenate([part[0] for part in parts]),
        first=np.concatenate([part[1] for part in parts]),
        second=np.concatenate([part[2] for part in parts]),
        n=np.concatenate([part[3] for part in parts]),
        block=np.concatenate([part[4] for part in parts], axis=1),
        codes=arrays.codes,
    )


def _frame(panel: _Panel, *, period: str | None, categorical: bool) -> pd.DataFrame:
    """The panel as a DataFrame (the measures block is used without a copy)."""
    frame = pd.DataFrame(panel.block.T, columns=list(MEASURES), copy=False)
    frame.insert(0, "n", np.rint(panel.n).astype(np.int32))
    for position, (name, index) in enumerate((("code1", panel.first), ("code2", panel.second))):
        if categorical:
            used = np.unique(index)
            values: object = pd.Categorical.from_codes(
                np.searchsorted(used, index), categories=panel.codes[used]
            )
        else:
            values = panel.codes[index] if len(index) else np.array([], dtype=object)
        frame.insert(position, name, values)
    if period is not None:
        frame.insert(0, period, panel.period.astype(np.int16))
    return frame


def _calls_periods(calls: pd.DataFrame, rcids: np.ndarray, by: str) -> np.ndarray:
    """The session (or year) of each roll call in ``rcids``."""
    if by not in ("session", "year"):
        raise SpecError(f"cannot group by {by!r}", fix="by='session' or by='year'")
    _require(calls, ("rcid", by), _CALLS_WHERE)
    lookup = pd.Series(
        calls[by].to_numpy(dtype=np.int64), index=calls["rcid"].to_numpy(dtype=np.int64)
    )
    return lookup[~lookup.index.duplicated()].reindex(rcids).to_numpy(dtype=np.int64)


def _restrict(
    arrays: _VoteArrays, rows: np.ndarray, position: np.ndarray, countries: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isin(arrays.country[rows], np.asarray(countries, dtype=np.int64))
    return rows[keep], position[keep]


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def agreement(
    votes: pd.DataFrame,
    calls: pd.DataFrame,
    issues: pd.DataFrame | None = None,
    *,
    year: int | None = None,
    session: int | None = None,
    years: tuple[int, int] | None = None,
    issue: str | None = None,
    min_votes: int = 10,
    important_weight: float = 2.0,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Agreement of every pair of countries on a selection of roll calls.

    Parameters
    ----------
    votes, calls, issues:
        The ``un_votes``, ``un_roll_calls`` and (for ``issue``) ``un_roll_call_issues`` tables.
    year, session, years, issue:
        The roll calls compared (see :func:`select_roll_calls`); all roll calls when none given.
    min_votes:
        Keep a pair only when both voted on at least this many common roll calls.
    important_weight:
        Weight of an *important vote* in ``s_weighted`` (others weigh 1).
    weights:
        Roll-call weights for ``s_weighted`` instead: a Series indexed by rcid.

    Returns
    -------
    DataFrame
        One row per unordered pair, ``code1 < code2`` alphabetically: ``code1``, ``code2``
        (str), ``n`` (common roll calls) and the :data:`MEASURES` (see the module docstring).
        ``attrs["selection"]`` describes the roll calls, ``attrs["roll_calls"]`` counts them.

    Raises
    ------
    SpecError
        An unknown issue, a selection without roll calls or without votes, bad weights.
    DataFormatError
        A vote outside 1/2/3, a missing column, a duplicate vote.

    Examples
    --------
    >>> from powerscope.alignment.agreement import agreement, load
    >>> data = load()  # doctest: +SKIP
    >>> pairs = agreement(data.votes, data.calls, year=2019)  # doctest: +SKIP
    """
    min_votes = _check_min_votes(min_votes)
    arrays = _vote_arrays(votes)
    selection = select_roll_calls(
        calls, issues, year=year, session=session, years=years, issue=issue
    )
    weight = _roll_call_weights(calls, selection.rcids, important_weight, weights)
    rows, position = _voting_rows(arrays, selection)
    periods = np.zeros(len(selection.rcids), dtype=np.int64)
    panel = _compute(arrays, rows, position, selection.rcids, periods, weight, min_votes)
    frame = _frame(panel, period=None, categorical=False)
    frame.attrs.update(selection=selection.description, roll_calls=len(selection.rcids))
    return frame


def agreement_with(
    code: str,
    votes: pd.DataFrame,
    calls: pd.DataFrame,
    issues: pd.DataFrame | None = None,
    *,
    year: int | None = None,
    session: int | None = None,
    years: tuple[int, int] | None = None,
    issue: str | None = None,
    min_votes: int = 10,
    important_weight: float = 2.0,
    weights: pd.Series | None = None,
    sort_by: str = "agreement_score",
) -> pd.DataFrame:
    """Agreement of one country with every other country, most similar first.

    Only the country's own row of the contingency tables is computed
    (``(3 x roll calls) @ (roll calls x 3n)``).

    Parameters
    ----------
    code:
        The country: a powerscope code (``"KOR"``) or any name the resolver knows.
    votes, calls, issues, year, session, years, issue, min_votes, important_weight, weights:
        As for :func:`agreement`.
    sort_by:
        The measure to sort by (descending), or ``"n"``; ties by partner code.

    Returns
    -------
    DataFrame
        ``partner`` (str), ``n`` and the :data:`MEASURES`, one row per partner with at least
        ``min_votes`` common roll calls. ``attrs["code"]`` is the country.

    Raises
    ------
    SpecError
        As for :func:`agreement`; also an unknown country or one that cast no vote in the
        selection (naming the countries that did), and an unknown ``sort_by``.
    """
    if sort_by not in MEASURES and sort_by != "n":
        raise SpecError(f"cannot sort by {sort_by!r}", fix=f"one of: n, {', '.join(MEASURES)}")
    min_votes = _check_min_votes(min_votes)
    arrays = _vote_arrays(votes)
    selection = select_roll_calls(
        calls, issues, year=year, session=session, years=years, issue=issue
    )
    weight = _roll_call_weights(calls, selection.rcids, important_weight, weights)
    rows, position = _voting_rows(arrays, selection)
    focal = _country(code, arrays, rows, selection.description)
    periods = np.zeros(len(selection.rcids), dtype=np.int64)
    panel = _compute(
        arrays,
        rows,
        position,
        selection.rcids,
        periods,
        weight,
        min_votes,
        focus=np.array([focal]),
    )
    frame = _frame(panel, period=None, categorical=False)
    frame = frame.drop(columns="code1").rename(columns={"code2": "partner"})
    frame = frame.sort_values([sort_by, "partner"], ascending=[False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    if frame.empty:
        _too_few_roll_calls(calls, selection, str(arrays.codes[focal]), min_votes, year, years)
    frame.attrs.update(
        code=str(arrays.codes[focal]),
        selection=selection.description,
        roll_calls=len(selection.rcids),
    )
    return frame


def agreement_of(
    codes: Sequence[str],
    votes: pd.DataFrame,
    calls: pd.DataFrame,
    issues: pd.DataFrame | None = None,
    *,
    by: Period | None = None,
    years: tuple[int, int] | None = None,
    issue: str | None = None,
    min_votes: int = 10,
    important_weight: float = 2.0,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Agreement of each of ``codes`` with every other country, pooled over the selection or in
    every session or year (``by``).

    Only the rows of ``codes`` in the contingency tables are computed, as in
    :func:`agreement_with`; each figure is the one :func:`agreement` (``by=None``) or
    :func:`all_sessions` gives for the same pair (counts and percent agreement exactly; the
    kappa and S measures to rounding, about 1e-16, where the pair is read the other way). Countries of ``codes`` that cast no vote in
    the selection have no rows.

    Returns
    -------
    DataFrame
        ``session`` or ``year`` (with ``by``), ``country`` (one of ``codes``), ``partner``, ``n``
        and the :data:`MEASURES`; a pair of two of ``codes`` appears once each way.
    """
    min_votes = _check_min_votes(min_votes)
    arrays = _vote_arrays(votes)
    selection = select_roll_calls(calls, issues, years=years, issue=issue)
    weight = _roll_call_weights(calls, selection.rcids, important_weight, weights)
    rows, position = _voting_rows(arrays, selection)
    voters = set(np.unique(arrays.country[rows]).tolist())
    focus = sorted(
        {i for i in (_country_index(c, arrays) for c in codes) if i is not None and i in voters}
    )
    periods = (
        np.zeros(len(selection.rcids), dtype=np.int64)
        if by is None
        else _calls_periods(calls, selection.rcids, by)
    )
    panel = _compute(
        arrays, rows, position, selection.rcids, periods, weight, min_votes,
        focus=np.array(focus, dtype=np.int64),
    )  # fmt: skip
    frame = _frame(panel, period=by, categorical=False)
    frame = frame.rename(columns={"code1": "country", "code2": "partner"})
    frame.attrs.update(selection=selection.description, roll_calls=len(selection.rcids))
    return frame


def _country_index(code: str, arrays: _VoteArrays) -> int | None:
    """Index of ``code`` (a powerscope code or a name) in ``arrays.codes``, None if absent."""
    from powerscope.countries import resolve

    text = str(code).strip()
    if text not in set(arrays.codes):
        try:
            text = resolve(text, where="countries")
        except PowerscopeError:
            return None
    found = np.flatnonzero(arrays.codes == text)
    return int(found[0]) if len(found) else None


def _too_few_roll_calls(
    calls: pd.DataFrame,
    selection: Selection,
    code: str,
    min_votes: int,
    year: int | None,
    years: tuple[int, int] | None,
) -> None:
    """Refuse a selection on which no partner shares ``min_votes`` roll calls with ``code`` (an
    empty table would read as "no agreement"); the error names the years that have enough."""
    counts = calls.groupby("year")["rcid"].nunique() if "year" in calls.columns else None
    enough = [] if counts is None else counts.index[counts >= min_votes].astype(int).tolist()
    parameter = "year" if year is not None else "years" if years is not None else "min_votes"
    raise PeriodError(
        f"{code} shares at least {min_votes} roll calls with no other country in "
        f"{selection.description} ({len(selection.rcids)} roll call(s))",
        parameter=parameter,
        fix=f"choose a year with at least {min_votes} roll calls: {_ranges(enough)}"
        if enough
        else "widen the selection or lower min_votes",
    )


def all_sessions(
    votes: pd.DataFrame,
    calls: pd.DataFrame,
    issues: pd.DataFrame | None = None,
    *,
    by: Period = "session",
    years: tuple[int, int] | None = None,
    issue: str | None = None,
    min_votes: int = 10,
    important_weight: float = 2.0,
    weights: pd.Series | None = None,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The panel of every pair's agreement in every session (or year).

    Each session (year) is computed as in :func:`agreement`, on its own roll calls: one
    ``(countries x roll calls)`` matrix and one matrix product per session.

    Parameters
    ----------
    votes, calls, issues:
        The UN voting tables.
    by:
        ``"session"`` (UNGA session, September to September) or ``"year"`` (calendar year).
    years, issue:
        Optional restriction of the roll calls (see :func:`select_roll_calls`).
    min_votes, important_weight, weights:
        As for :func:`agreement`, applied within each period.
    codes:
        Only pairs of these countries (codes or names); all countries when omitted.

    Returns
    -------
    DataFrame
        ``session`` (or ``year``, int16), ``code1``, ``code2`` (categorical, ``code1 < code2``),
        ``n`` (int32) and the :data:`MEASURES`; sorted by period, then pair. About 0.8 million
        rows for all 74 sessions with ``min_votes=10``.
    """
    min_votes = _check_min_votes(min_votes)
    arrays = _vote_arrays(votes)
    selection = select_roll_calls(calls, issues, years=years, issue=issue)
    periods = _calls_periods(calls, selection.rcids, by)
    weight = _roll_call_weights(calls, selection.rcids, important_weight, weights)
    rows, position = _voting_rows(arrays, selection)
    if codes is not None:
        wanted = [_country(c, arrays, rows, selection.description) for c in codes]
        rows, position = _restrict(arrays, rows, position, wanted)
    panel = _compute(arrays, rows, position, selection.rcids, periods, weight, min_votes)
    frame = _frame(panel, period=by, categorical=True)
    frame.attrs.update(selection=selection.description, roll_calls=len(selection.rcids), by=by)
    return frame


def agreement_series(
    code1: str,
    code2: str,
    votes: pd.DataFrame,
    calls: pd.DataFrame,
    issues: pd.DataFrame | None = None,
    *,
    by: Period = "year",
    years: tuple[int, int] | None = None,
    issue: str | None = None,
    min_votes: int = 10,
    important_weight: float = 2.0,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Agreement of two countries over time, one row per year (or session).

    Parameters
    ----------
    code1, code2:
        The two countries (codes or names).
    votes, calls, issues, years, issue, min_votes, important_weight, weights:
        As for :func:`all_sessions`.
    by:
        ``"year"`` (calendar year) or ``"session"``.

    Returns
    -------
    DataFrame
        ``year`` (or ``session``), ``n`` and the :data:`MEASURES`, for the periods in which the
        two shared at least ``min_votes`` roll calls. ``attrs`` name the two codes.

    Raises
    ------
    SpecError
        A country that never voted in the selection, the same country twice, or an empty
        selection.
    """
    min_votes = _check_min_votes(min_votes)
    arrays = _vote_arrays(votes)
    selection = select_roll_calls(calls, issues, years=years, issue=issue)
    rows, position = _voting_rows(arrays, selection)
    first = _country(code1, arrays, rows, selection.description)
    second = _country(code2, arrays, rows, selection.description)
    if first == second:
        raise SpecError(
            f"{arrays.codes[first]} compared with itself", fix="give two different countries"
        )
    periods = _calls_periods(calls, selection.rcids, by)
    weight = _roll_call_weights(calls, selection.rcids, important_weight, weights)
    rows, position = _restrict(arrays, rows, position, [first, second])
    panel = _compute(arrays, rows, position, selection.rcids, periods, weight, min_votes)
    frame = _frame(panel, period=by, categorical=False).drop(columns=["code1", "code2"])
    frame.attrs.update(
        code1=str(arrays.codes[first]),
        code2=str(arrays.codes[second]),
        selection=selection.description,
    )
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class UNVotes:
    """The three UN voting tables, as read from a store."""

    votes: pd.DataFrame
    calls: pd.DataFrame
    issues: pd.DataFrame


def load(store: Store | None = None) -> UNVotes:
    """Read ``un_votes``, ``un_roll_calls`` and ``un_roll_call_issues`` from a store.

    Parameters
    ----------
    store:
        A warehouse or snapshot store; :func:`powerscope.data.store.open_store` when omitted.
    """
    if store is None:
        from powerscope.data.store import open_store

        store = open_store()
    return UNVotes(
        votes=store.table("un_votes"),
        calls=store.table("un_roll_calls"),
        issues=store.table("un_roll_call_issues"),
    )
