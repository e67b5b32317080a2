"""Dynamic one-dimensional ideal points from UN General Assembly roll-call votes.

A model in the spirit of Bailey, Strezhnev & Voeten (2017, "Estimating dynamic state preferences
from United Nations voting data", *Journal of Conflict Resolution* 61(2): 430-456), estimated
fast and deterministically (``docs/idealpoints.md`` states it in full, with its validation):

- every country-session has a position ``theta[i, t]`` on one dimension; a session is labelled by
  the year it opened (session 1: 1946, session 74: 2019);
- every roll call ``j`` is an ordered probit on the latent ``y* = alpha_j + beta_j * theta + e``,
  ``e ~ N(0, 1)``, with the votes ordered yes < abstain < no: yes if ``y* < 0``, abstain if
  ``0 <= y* < gap_j``, no if ``y* >= gap_j``; a roll call with two of the three categories is a
  binary probit between them; unanimous roll calls are dropped;
- positions follow a random walk, ``theta[i, t] ~ N(theta[i, t'], tau^2 (t - t'))`` from the
  country's previous voting session ``t'``, ``theta[i, first] ~ N(0, 1)``; roll-call priors
  ``alpha_j, beta_j ~ N(0, item_sd^2)``, flat on the gap;
- identification: positions normalised to mean 0 and sd 1 over all country-sessions (the
  roll-call parameters absorb the transform, the likelihood does not change), sign such that the
  United States (``USA``) is positive on average;
- estimation: the posterior mode on that constraint set, by sweeps of exact conditional Newton
  steps (every roll call's ``(alpha, beta, gap)`` as a batched 3x3 system; all country chains as
  one tridiagonal system, ``scipy.linalg.solve_banded``, projected onto the constraint), using
  the ordered-probit data-augmentation moments (truncated-normal mean and variance of ``y*``, as
  in the E-step of Imai, Lo & Olmsted 2016) of all votes at once, accelerated by SQUAREM;
- intervals (90% by default): ``laplace``, the inverse of each country chain's banded posterior
  precision at the mode, roll calls held fixed; or ``bootstrap``, roll calls resampled within
  sessions and each replicate re-estimated from the point estimate.

Optionally (``bridge=True``) roll calls on identically worded resolutions in different sessions
share their parameters, a simple version of BSV's bridging.
"""

from __future__ import annotations

import difflib
import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import linalg
from scipy.special import erfcx, ndtri
from threadpoolctl import threadpool_limits

from powerscope.errors import DataFormatError, PeriodError, PowerscopeError, SpecError

__all__ = ["IdealPoints", "agreement_with", "fit_idealpoints"]

FIRST_SESSION_YEAR = 1945  # session s opened in year 1945 + s
ANCHOR = "USA"
GAP_MIN = 1e-3  # smallest and largest gap between the two cutpoints (latent units); the
GAP_MAX = 100.0  # largest only binds when a category has no weight (bootstrap of bridged items)
_SQRT2 = np.sqrt(2.0)
_SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)
_INV_K = 1.0 / _SQRT_2_OVER_PI  # 1 in the units of the scaled erfcx (D, r below)
_TWO_INV_K = 2.0 * _INV_K  # 2 in those units
_MINUS_HALF_K2_OVER_4 = -0.125 * _SQRT_2_OVER_PI**2  # (2 min(c, 0) / k)^2 times this: -min^2/2
_LOG_HALF_SCALE = np.log(0.5 * _SQRT_2_OVER_PI)  # log(D / 2) = log(D scaled) + this

Interval = Literal["laplace", "bootstrap"]


# --------------------------------------------------------------------------------------------
# Ordered-probit moments, vectorised and stable in the tails
# --------------------------------------------------------------------------------------------


# erfcx(x) = exp(x^2) erfc(x), the heart of every truncated-normal moment. scipy's erfcx costs
# about 25 ns a value; this table of local cubics, built once at import from scipy's own erfcx,
# agrees with it to 1e-14 (relative) for all x >= 0 and costs four table look-ups and three
# multiply-adds a value: in y = K / (K + x), uniform pieces of (0, 1] (and one more beyond 1, for
# x = 0), each the cubic through erfcx(x) / y at four Chebyshev nodes of the piece (erfcx(x) / y
# tends to 1 / (K sqrt(pi)) as x grows, so the far tail is as exact as the rest). The table holds
# erfcx(x) / y / (pieces * sqrt(2 / pi)): evaluated at s = pieces * y, it gives erfcx(x) / sqrt(2 /
# pi), the form the moments below use (two multiplications a value fewer).
_ERFCX_PIECES, _ERFCX_DEGREE, _ERFCX_K = 2048, 3, 4.0
_ERFCX_KQ = _ERFCX_K * _SQRT2  # y = K / (K + |c| / sqrt2) = KQ / (KQ + |c|)
_ERFCX_SQ = _ERFCX_PIECES * _ERFCX_KQ  # s = pieces * y = SQ / (KQ + |c|)


def _erfcx_table() -> np.ndarray:
    """Row k: the coefficient of ``u^(degree - k)`` of every piece (``u`` in [0, 1) within it)."""
    k = np.arange(_ERFCX_DEGREE + 1)
    nodes = 0.5 + 0.5 * np.cos(np.pi * (k + 0.5) / (_ERFCX_DEGREE + 1))
    y = (np.arange(_ERFCX_PIECES + 1)[None, :] + nodes[:, None]) / _ERFCX_PIECES
    values = erfcx(_ERFCX_K / y - _ERFCX_K) / (y * _ERFCX_PIECES * _SQRT_2_OVER_PI)
    return np.ascontiguousarray(np.linalg.solve(np.vander(nodes), values))


_ERFCX_TABLE = _erfcx_table()


class _Work:
    """Buffers for one block of votes, allocated once per fit (no per-vote temporaries): 0-4
    for the moments of one vote category, 5-6 for :func:`_moments`, 9-17 for :func:`_between`;
    ``rows`` for the per-vote terms that :func:`_moments` sums per item."""

    def __init__(self, n: int) -> None:
        self.f = [np.empty(n) for _ in range(18)]
        self.rows = np.empty((5, n))
        self.idx = np.empty(n, dtype=np.intp)
        self.neg = np.empty(n, dtype=bool)


def _erfcx_scaled(
    s: np.ndarray, out: np.ndarray, u: np.ndarray, tmp: np.ndarray, idx: np.ndarray
) -> np.ndarray:
    """``erfcx(x) / sqrt(2 / pi)`` from ``s = pieces K / (K + x)``, ``x >= 0``, written into
    ``out`` (``u``, ``tmp``, ``idx``: work buffers of the same length)."""
    np.floor(s, out=u)
    np.copyto(idx, u, casting="unsafe")  # the piece
    np.subtract(s, u, out=u)  # position within the piece, in [0, 1)
    # mode="clip": no bounds check a value (a third of the cost of these look-ups); the piece is
    # always in [0, pieces] (a NaN argument gives NaN either way)
    _ERFCX_TABLE[0].take(idx, out=out, mode="clip")
    for k in range(1, _ERFCX_DEGREE + 1):
        out *= u
        out += _ERFCX_TABLE[k].take(idx, out=tmp, mode="clip")
    out *= s
    return out


def _erfcx_pos(x: np.ndarray) -> np.ndarray:
    """``erfcx(x) / sqrt(2 / pi)`` for ``x >= 0`` (allocates its work buffers)."""
    s = _ERFCX_PIECES * _ERFCX_K / (_ERFCX_K + x)
    idx = np.empty(len(s), dtype=np.intp)
    return _erfcx_scaled(s, np.empty_like(s), np.empty_like(s), np.empty_like(s), idx)


def _erfcx(x: np.ndarray) -> np.ndarray:
    """``erfcx`` of ``x`` (any sign; ``x >= -26`` stays finite)."""
    x = np.asarray(x, dtype=float)
    r = _erfcx_pos(np.abs(x)) * _SQRT_2_OVER_PI
    neg = x < 0.0
    if neg.any():  # erfcx(-a) = 2 exp(a^2) - erfcx(a)
        r[neg] = 2.0 * np.exp(x[neg] * x[neg]) - r[neg]
    return r


def _one_sided(
    c: np.ndarray,
    mean: np.ndarray,
    info: np.ndarray,
    need_log: bool,
    work: _Work | None = None,
    w: np.ndarray | None = None,
) -> float:
    """``z ~ N(0,1)`` truncated to ``z > c``: writes its mean ``lam = phi(c) / P`` into ``mean``
    and ``lam (lam - c)`` (1 - its variance) into ``info``; returns the sum of log P (weighted
    by ``w``) when asked, else 0. Branch-free and exact far in both tails: with ``r = erfcx(|c| / sqrt2)`` and
    ``E = exp(-min(c, 0)^2 / 2)``, ``lam = sqrt(2 / pi) E / D`` where ``D = r`` for ``c >= 0``
    (``P = exp(-c^2 / 2) r / 2``) and ``D = 2 - E r = 2 P`` for ``c < 0``; so
    ``log P = log(D / 2) - max(c, 0)^2 / 2``."""
    n = len(c)
    wk = work if work is not None else _Work(n)
    s, e, d, u, tmp = (f[:n] for f in wk.f[:5])
    idx = wk.idx[:n]
    np.abs(c, out=s)
    s += _ERFCX_KQ
    np.divide(_ERFCX_SQ, s, out=s)
    _erfcx_scaled(s, d, u, tmp, idx)  # r, and D, in units of sqrt(2 / pi) from here on
    np.signbit(c, out=wk.neg[:n])  # c < 0, or c = -0.0 (as copysign reads it)
    np.multiply(wk.neg[:n], _TWO_INV_K, out=tmp)  # 2 [c < 0] (0 exactly for c >= 0)
    np.multiply(c, tmp, out=e)  # 2 min(c, 0)
    e *= e
    e *= _MINUS_HALF_K2_OVER_4
    np.exp(e, out=e)  # E
    np.multiply(e, d, out=u)
    np.subtract(tmp, u, out=tmp)  # 2 [c < 0] - E r: -r for c >= 0 (E = 1), 2 P for c < 0
    np.abs(tmp, out=d)  # D
    np.divide(e, d, out=mean)
    np.subtract(mean, c, out=info)
    info *= mean
    if not need_log:
        return 0.0
    np.log(d, out=d)
    np.maximum(c, 0.0, out=e)
    return _log_sum(d, e, w, u)


def _log_sum(log_d: np.ndarray, m: np.ndarray, w: np.ndarray | None, tmp: np.ndarray) -> float:
    """Sum of ``log P = log D + log(sqrt(2 / pi) / 2) - m^2 / 2`` over votes (weighted by
    ``w``), ``D`` in the scaled units, ``m = max(c, 0)`` (one-sided) or ``max(lo, 0)``. numpy's
    own sums, not BLAS dot products (tens of small BLAS calls a sweep cost much more than the
    sums where BLAS runs on more than one thread)."""
    np.multiply(m, m, out=tmp)
    if w is None:
        return float(log_d.sum()) + len(log_d) * _LOG_HALF_SCALE - 0.5 * float(tmp.sum())
    tmp *= w
    log_d *= w
    return float(log_d.sum()) + float(w.sum()) * _LOG_HALF_SCALE - 0.5 * float(tmp.sum())


def _between(
    a: np.ndarray,
    b: np.ndarray,
    mean: np.ndarray,
    info: np.ndarray,
    need_log: bool,
    work: _Work | None = None,
    w: np.ndarray | None = None,
) -> tuple[float, np.ndarray]:
    """``z ~ N(0,1)`` truncated to ``a < z < b``: writes its mean into ``mean`` and 1 - its
    variance into ``info``; returns the sum of log P (weighted by ``w``; 0 unless asked) and
    phi(b) / P (a view of a work buffer).

    Branch-free: each interval is mirrored, where needed (``sgn = sign(a + b)``), so that
    ``lo + hi >= 0`` (``lo, hi`` = the sorted ``sgn a, sgn b``, ``hi >= |lo|``). With ``ea =
    erfcx(|lo| / sqrt2)``, ``eb = erfcx(hi / sqrt2)``, ``ex = (lo^2 - hi^2) / 2 <= 0`` and ``den
    = sign(lo) ea - eb - eb expm1(ex)``: when ``lo >= 0`` (both bounds in the upper tail, two
    terms >= 0, no cancellation) ``P = exp(-lo^2 / 2) den / 2``; when ``lo < 0`` (the interval
    holds 0) ``P = 1 + exp(-lo^2 / 2) den / 2``. As in :func:`_one_sided`, ``phi(lo) / P =
    sqrt(2 / pi) N / D`` with ``N = exp(-min(lo, 0)^2 / 2)`` (1 when ``lo >= 0``) and ``D = 2 [lo
    < 0] + N den``."""
    n = len(a)
    wk = work if work is not None else _Work(n)
    s, t1, u, tmp = (f[:n] for f in wk.f[:4])
    sgn, lo, hi, ea, eb, ex, shrink, den, g = (f[:n] for f in wk.f[9:18])
    idx = wk.idx[:n]
    np.add(a, b, out=sgn)
    np.copysign(1.0, sgn, out=sgn)
    np.multiply(a, sgn, out=t1)
    np.multiply(b, sgn, out=hi)
    np.minimum(t1, hi, out=lo)  # a < b: lo, hi = a, b or -b, -a
    np.maximum(t1, hi, out=hi)
    np.abs(lo, out=s)
    s += _ERFCX_KQ
    np.divide(_ERFCX_SQ, s, out=s)
    _erfcx_scaled(s, ea, u, tmp, idx)  # in units of sqrt(2 / pi), like D below
    np.add(hi, _ERFCX_KQ, out=s)
    np.divide(_ERFCX_SQ, s, out=s)
    _erfcx_scaled(s, eb, u, tmp, idx)
    np.subtract(lo, hi, out=ex)
    np.add(lo, hi, out=t1)
    ex *= t1
    ex *= 0.5
    np.exp(ex, out=shrink)  # phi(hi) / phi(lo)
    np.copysign(ea, lo, out=den)
    den -= eb
    np.expm1(ex, out=ex)
    ex *= eb
    den -= ex
    np.signbit(lo, out=wk.neg[:n])  # as copysign reads the sign of lo below
    np.multiply(wk.neg[:n], _TWO_INV_K, out=g)  # 2 [lo < 0]
    np.multiply(lo, g, out=s)  # 2 min(lo, 0)
    s *= s
    s *= _MINUS_HALF_K2_OVER_4
    np.exp(s, out=s)  # N
    np.multiply(s, den, out=t1)
    np.add(g, t1, out=den)  # D
    pa = np.divide(s, den, out=s)  # phi(lo) / P
    pb = np.multiply(pa, shrink, out=shrink)  # phi(hi) / P
    np.subtract(pa, pb, out=mean)
    mean *= sgn  # back to (a, b): mirrored, the mean changes sign and phi(a), phi(b) swap
    np.multiply(mean, mean, out=info)
    np.multiply(lo, pa, out=t1)
    info -= t1
    np.multiply(hi, pb, out=t1)
    info += t1
    p_at_b = np.subtract(pa, pb, out=t1)  # pa where mirrored, else pb
    np.subtract(1.0, sgn, out=ex)
    ex *= 0.5
    p_at_b *= ex
    p_at_b += pb
    if not need_log:
        return 0.0, p_at_b
    np.log(den, out=den)
    np.maximum(lo, 0.0, out=lo)
    return _log_sum(den, lo, w, u), p_at_b


# --------------------------------------------------------------------------------------------
# Problem set-up
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """A run of at most ``_BLOCK`` votes of one category, sorted by item."""

    a: int  # votes [a, b)
    b: int
    cat: int  # 0 yes-side (y* < 0), 1 abstain (0 <= y* < gap), 2 no-side (y* >= gap)
    starts: np.ndarray  # offset (from a) of each item's run
    items: np.ndarray  # the item of each run
    lengths: np.ndarray  # the length of each run


_BLOCK = 1 << 15  # votes a block: its temporaries stay in the cache
_PAIR_TABLE_SLACK = 1_000_000  # duplicate check: a table of (roll call, country) pairs while it
# has at most 4 cells a vote plus this many, else a sort of the pairs


@dataclass
class _Problem:
    """Votes as flat arrays, sorted by category (yes-side, abstain, no-side), then item."""

    unit: np.ndarray  # country-session index of each vote (intp: gathers are fastest)
    item: np.ndarray  # item (roll call, or bridged group) of each vote (int32)
    rc: np.ndarray  # roll-call index of each vote (int32; bootstrap weights, start)
    n_low: int  # votes [0, n_low): y* < 0
    n_mid: int  # votes [n_low, n_low + n_mid): 0 <= y* < gap
    n_units: int
    n_items: int
    three: np.ndarray  # bool per item: yes, abstain and no all observed (gap estimated)
    diag_prior: np.ndarray  # tridiagonal prior precision of the stacked chains
    off_prior: np.ndarray  # off-diagonal (between unit k and k + 1); 0 across countries
    anchor: np.ndarray  # unit indices of the anchor country (may be empty)
    country: np.ndarray  # country index of each unit
    rc_session: np.ndarray  # session of each roll call (rc index)
    item_prec: float  # prior precision of alpha and beta
    blocks: list[_Block] = field(default_factory=list)
    work: _Work = field(init=False, repr=False)
    # the position of each vote's country-session, as last gathered by a roll-call-step
    # _moments, and the positions (array object) it was gathered from: the country-step call of
    # the same sweep (same positions) reads it instead of gathering again
    x_votes: np.ndarray = field(init=False, repr=False)
    x_theta: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        bounds = (0, self.n_low, self.n_low + self.n_mid, len(self.item))
        for cat in range(3):
            for a in range(bounds[cat], bounds[cat + 1], _BLOCK):
                b = min(a + _BLOCK, bounds[cat + 1])
                part = self.item[a:b]
                starts = np.flatnonzero(np.r_[True, part[1:] != part[:-1]])
                self.blocks.append(
                    _Block(
                        a,
                        b,
                        cat,
                        starts,
                        part[starts].astype(np.intp),
                        np.diff(np.r_[starts, b - a]),
                    )
                )
        self.work = _Work(min(_BLOCK, len(self.item)))
        self.x_votes = np.empty(len(self.item))


@dataclass
class _State:
    theta: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    gap: np.ndarray


def _check_votes(
    votes: pd.DataFrame, calls: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Checks the votes; returns, per vote, the row of its roll call in ``calls`` and its country
    (an index into the sorted country codes, returned third), both 32-bit."""
    for name, frame, needed in (
        ("votes", votes, ("rcid", "code", "vote")),
        ("calls", calls, ("rcid", "session")),
    ):
        if not isinstance(frame, pd.DataFrame):
            raise DataFormatError(
                f"{name} must be a pandas DataFrame, not {type(frame).__name__}",
                fix="pass SnapshotStore().table('un_votes') and .table('un_roll_calls')",
            )
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise DataFormatError(
                f"{name} lacks column(s) {', '.join(missing)}",
                where=f"{name} (columns: {', '.join(map(str, frame.columns))})",
                fix=f"{name} needs columns {', '.join(needed)}",
            )
    vote = pd.to_numeric(votes["vote"], errors="coerce")
    bad = ~vote.isin([1, 2, 3])
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())
        shown = ", ".join(
            f"row {r} (rcid {votes['rcid'].iloc[r]}, {votes['code'].iloc[r]}: "
            f"{votes['vote'].iloc[r]!r})"
            for r in rows[:5]
        )
        raise DataFormatError(
            f"{len(rows)} vote(s) coded outside 1 (yes), 2 (abstain), 3 (no): {shown}",
            where="votes, column 'vote'",
            fix="drop absences and non-members (they are not votes) and recode yes=1, "
            "abstain=2, no=3",
        )
    if votes["code"].isna().any():
        rows = np.flatnonzero(votes["code"].isna().to_numpy())
        raise DataFormatError(
            f"{len(rows)} vote(s) without a country code (e.g. row {rows[0]})",
            where="votes, column 'code'",
            fix="resolve every voter to a powerscope code",
        )
    if calls["rcid"].duplicated().any():
        raise DataFormatError(
            "calls has duplicate rcid values",
            where="calls, column 'rcid'",
            fix="one row per roll call",
        )
    # each vote's roll call: its row in calls, found block by block (32-bit positions, no
    # per-vote 64-bit temporaries)
    call_ids = calls["rcid"].to_numpy()
    by_id = np.argsort(call_ids, kind="stable").astype(np.int32)
    sorted_ids = call_ids[by_id]
    vote_ids = votes["rcid"].to_numpy()
    call_pos = np.zeros(len(vote_ids), dtype=np.int32)
    found = np.zeros(len(vote_ids), dtype=bool)
    for a in range(0, len(vote_ids) if len(sorted_ids) else 0, _BLOCK):
        ids = vote_ids[a : a + _BLOCK]
        at = np.searchsorted(sorted_ids, ids)
        np.minimum(at, len(sorted_ids) - 1, out=at)
        found[a : a + len(ids)] = sorted_ids[at] == ids
        call_pos[a : a + len(ids)] = by_id[at]
    if not found.all():
        unknown = ~found
        ids = pd.unique(vote_ids[unknown])
        raise DataFormatError(
            f"{int(unknown.sum())} vote(s) on {len(ids)} roll call(s) missing from calls "
            f"(e.g. rcid {', '.join(map(str, ids[:5]))})",
            where="votes, column 'rcid'",
            fix="pass the roll-call table that goes with these votes",
        )
    del found
    # countries: the codes of a categorical column as they are, else factorized; numbered in
    # the order of their names
    code = votes["code"]
    if isinstance(code.dtype, pd.CategoricalDtype):
        code_of, names_raw = code.cat.codes.to_numpy(), code.cat.categories
    else:
        code_of, names_raw = pd.factorize(code)
    names = np.asarray(names_raw).astype(str)
    by_name = np.argsort(names, kind="stable")
    rank = np.empty(len(names), dtype=np.int32)
    rank[by_name] = np.arange(len(names))
    country = rank[code_of]
    del code_of
    # duplicates: mark (roll call, country) pairs in a table of booleans (or sort them, if that
    # table would be large), and only when one occurs twice ask pandas for the rows
    n_names = max(len(names), 1)
    n_pairs = len(calls) * n_names
    pair = call_pos.astype(np.int32 if n_pairs < 2**31 else np.int64) * n_names
    np.add(pair, country, out=pair)
    if n_pairs <= 4 * len(pair) + _PAIR_TABLE_SLACK:
        seen = np.zeros(n_pairs, dtype=bool)
        seen[pair] = True
        twice = int(np.count_nonzero(seen)) < len(pair)
        del seen
    else:
        pair.sort()
        twice = bool(np.any(pair[1:] == pair[:-1]))
    del pair
    if twice:
        dup = votes.duplicated(["rcid", "code"])
        r = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataFormatError(
            f"{int(dup.sum())} duplicate vote(s): a country votes twice on a roll call "
            f"(e.g. row {r}: rcid {votes['rcid'].iloc[r]}, {votes['code'].iloc[r]})",
            where="votes, columns 'rcid', 'code'",
            fix="keep one vote per country and roll call",
        )
    return call_pos, country, names[by_name]


def _bridge_keys(calls: pd.DataFrame) -> pd.Series:
    """Group id per roll call: identically worded full-resolution votes in different sessions
    share one id; every other roll call gets its own."""
    own = pd.Series(np.arange(len(calls)), index=calls.index, dtype=np.int64)
    if "descr" not in calls.columns:
        return own
    text = calls["descr"].astype("string").str.upper().str.split().str.join(" ")
    eligible = text.notna() & (text.str.len() > 0)
    for flag in ("amend", "para"):
        if flag in calls.columns:
            eligible &= ~calls[flag].fillna(False).astype(bool)
    frame = pd.DataFrame({"text": text, "session": calls["session"]})[eligible]
    per_session = frame.groupby(["text", "session"]).size()
    clean = per_session.groupby(level="text").agg(["max", "size"])
    # one roll call per session with that text, in at least two sessions
    tied_texts = clean.index[(clean["max"] == 1) & (clean["size"] >= 2)]
    tied = frame["text"].isin(tied_texts)
    if not tied.any():
        return own
    group = pd.Series(pd.factorize(frame.loc[tied, "text"])[0], index=frame.index[tied])
    first = own.groupby(group.reindex(own.index)).transform("min")
    out = own.copy()
    out.loc[group.index] = first.loc[group.index].astype(np.int64)
    return out


def _prepare(
    votes: pd.DataFrame,
    calls: pd.DataFrame,
    start: int | None,
    end: int | None,
    tau: float,
    bridge: bool,
    item_sd: float,
) -> tuple[_Problem, pd.DataFrame, pd.DataFrame]:
    """Arrays for the estimator, plus the unit (country-session) and roll-call tables."""
    call_pos, country_all, names = _check_votes(votes, calls)
    keep_cols = [c for c in ("rcid", "session", "descr", "amend", "para") if c in calls.columns]
    rc = calls[keep_cols].copy()
    rc["session"] = pd.to_numeric(rc["session"], errors="coerce")
    if rc["session"].isna().any():
        raise DataFormatError(
            "calls has roll calls without a session",
            where="calls, column 'session'",
            fix="every roll call needs its General Assembly session number",
        )
    rc["session"] = rc["session"].astype(np.int64)
    rc["year"] = rc["session"] + FIRST_SESSION_YEAR
    lo = -np.inf if start is None else start
    hi = np.inf if end is None else end
    if start is not None and end is not None and end < start:
        raise SpecError(f"year range {start}-{end} ends before it starts", fix="e.g. 2000-2019")
    if len(rc):
        first, last = int(rc["year"].min()), int(rc["year"].max())
        for name, value in (("start", start), ("end", end)):
            if value is not None and not first <= value <= last:
                raise PeriodError(
                    f"year {value} is outside the UN votes, which cover sessions opening in "
                    f"{first}-{last}",
                    parameter=name,
                    fix=f"choose years from {first} to {last}",
                )
    in_range = ((rc["year"] >= lo) & (rc["year"] <= hi)).to_numpy()

    # votes as compact arrays (no per-vote strings, no merges, 8- and 32-bit integers)
    vote_all = pd.to_numeric(votes["vote"]).to_numpy(np.int8)
    kept = in_range[call_pos]
    have = (
        f"{int(calls['session'].min()) + FIRST_SESSION_YEAR}-"
        f"{int(calls['session'].max()) + FIRST_SESSION_YEAR}"
        if len(calls)
        else "none"
    )
    if not kept.any():
        raise SpecError(
            f"no votes in the year range {start or '...'}-{end or '...'}",
            where="fit_idealpoints(start, end)",
            fix=f"choose years with roll calls (sessions labelled by opening year: {have})",
        )
    # roll calls with a single category carry no information about positions
    rc_mask = np.zeros(len(rc), dtype=np.int64)
    for k in (1, 2, 3):
        on = call_pos[kept & (vote_all == k)]
        rc_mask |= (np.bincount(on, minlength=len(rc)) > 0) * (1 << k)
        del on
    informative = in_range & (rc_mask > 0) & ~np.isin(rc_mask, [2, 4, 8])
    if not informative.any():
        raise SpecError(
            f"the roll calls in {start or '...'}-{end or '...'} are all unanimous",
            where="fit_idealpoints(start, end)",
            fix="choose a wider year range",
        )
    new_pos = (np.cumsum(informative) - 1).astype(np.int32)
    kept = informative[call_pos]
    rc_pos = new_pos[call_pos[kept]]  # position in rc of each kept vote
    del call_pos
    vote, country_of = vote_all[kept], country_all[kept]
    del kept, vote_all, country_all
    rc = rc[informative].reset_index(drop=True)
    rc["rc_index"] = np.arange(len(rc))
    rc["group"] = _bridge_keys(rc).to_numpy() if bridge else rc["rc_index"].to_numpy()
    rc["item"] = pd.factorize(rc["group"], sort=True)[0]
    item = rc["item"].to_numpy(np.int32)[rc_pos]

    # units: country-sessions, stacked country by country in session order (a table of the
    # (country, session) pairs present, not a sort of the votes)
    session = rc["session"].to_numpy(np.int32)[rc_pos]
    span = int(session.max()) + 1
    key = country_of.astype(np.int32 if len(names) * span < 2**31 else np.int64) * span
    key += session
    del session, country_of
    present = np.zeros(max(len(names), 1) * span, dtype=bool)
    present[key] = True
    unit_keys = np.flatnonzero(present)
    unit_of = (np.cumsum(present, dtype=np.int32) - 1)[key]
    del key, present
    units = pd.DataFrame(
        {
            "code": names[unit_keys // span],
            "session": (unit_keys % span).astype(np.int64),
            "n_votes": np.bincount(unit_of, minlength=len(unit_keys)),
        }
    )
    units["year"] = units["session"] + FIRST_SESSION_YEAR

    # category per vote: 0 below 0, 1 between 0 and gap, 2 above gap (binary items: gap = 0)
    n_items = int(rc["item"].max()) + 1
    mask = np.zeros(n_items, dtype=np.int64)
    for k in (1, 2, 3):
        mask |= (np.bincount(item[vote == k], minlength=n_items) > 0) * (1 << k)
    three = mask == (2 | 4 | 8)
    names_cat = {
        2 | 4 | 8: "yes/abstain/no",
        2 | 4: "yes/abstain",
        2 | 8: "yes/no",
        4 | 8: "abstain/no",
    }
    rc["categories"] = [names_cat[int(b)] for b in mask[rc["item"].to_numpy()]]
    cat = vote - 1  # yes 0, abstain 1, no 2
    del vote
    # abstain in a binary item: upper side when the item has yes (yes/abstain), else lower
    abst2 = np.flatnonzero(cat == 1)
    abst2 = abst2[~three[item[abst2]]]
    has_yes = (mask & 2) > 0
    cat[abst2] = np.where(has_yes[item[abst2]], 2, 0)
    del abst2
    # by category, then roll call (contiguous runs); stable, like a lexsort of (item, cat)
    sort_key = cat.astype(np.uint16 if 3 * n_items < 2**16 else np.int32) * n_items
    np.add(sort_key, item, out=sort_key, casting="unsafe")  # < 3 n_items: fits
    order = np.argsort(sort_key, kind="stable")
    del sort_key
    counts = np.bincount(cat, minlength=3)

    # random-walk prior precision (tridiagonal, block per country)
    codes = units["code"].to_numpy()
    sess = units["session"].to_numpy()
    same = codes[1:] == codes[:-1]
    q = np.where(same, 1.0 / (tau * tau * np.maximum(np.diff(sess), 1)), 0.0)
    first = np.r_[True, ~same].astype(float)
    diag = first + np.r_[q, 0.0] + np.r_[0.0, q]
    unit_sorted = unit_of[order].astype(np.intp)
    del unit_of
    item_sorted = item[order]
    del item
    # unbridged, every roll call is its own item, numbered alike: one array serves as both
    rc_sorted = rc_pos[order] if bridge else item_sorted
    del rc_pos, order
    problem = _Problem(
        unit=unit_sorted,
        item=item_sorted,
        rc=rc_sorted,
        n_low=int(counts[0]),
        n_mid=int(counts[1]),
        n_units=len(units),
        n_items=len(three),
        three=three,
        diag_prior=diag,
        off_prior=-q,
        anchor=np.flatnonzero(codes == ANCHOR),
        country=pd.factorize(codes)[0].astype(np.int64),
        rc_session=rc["session"].to_numpy(np.int64),
        item_prec=1.0 / item_sd**2,
    )
    return problem, units, rc


# --------------------------------------------------------------------------------------------
# Estimation
# --------------------------------------------------------------------------------------------


@dataclass
class _Moments:
    """Sums over votes of the ordered-probit score (d log P / d mu) and information
    (-d2 log P / d mu2), weighted, per item or per unit, and the log-likelihood."""

    loglik: float
    h: np.ndarray = field(default_factory=lambda: np.empty(0))  # per item: sum of info
    hx: np.ndarray = field(default_factory=lambda: np.empty(0))  # info * theta
    hxx: np.ndarray = field(default_factory=lambda: np.empty(0))  # info * theta^2
    r: np.ndarray = field(default_factory=lambda: np.empty(0))  # score
    rx: np.ndarray = field(default_factory=lambda: np.empty(0))  # score * theta
    gap_grad: np.ndarray = field(default_factory=lambda: np.empty(0))  # d log P / d gap
    gap_hess: np.ndarray = field(default_factory=lambda: np.empty(0))  # d2 log P / d gap2
    s0g: np.ndarray = field(default_factory=lambda: np.empty(0))  # -d2 log P / d alpha d gap
    s1g: np.ndarray = field(default_factory=lambda: np.empty(0))  # -d2 log P / d beta d gap
    grad: np.ndarray = field(default_factory=lambda: np.empty(0))  # per unit: score * beta
    hdiag: np.ndarray = field(default_factory=lambda: np.empty(0))  # info * beta^2


_SUMS = ("h", "hx", "hxx", "r", "rx", "gap_grad", "gap_hess", "s0g", "s1g", "grad", "hdiag")


def _moments(
    p: _Problem,
    s: _State,
    w: np.ndarray | None,
    need_log: bool = False,
    stats: Literal["items", "units"] | None = "items",
) -> _Moments:
    """The score and information of every vote in its linear predictor ``mu = alpha + beta
    theta`` (the moments of the latent ``y*`` truncated to the vote's interval), block by block
    in work buffers, summed per item (``stats="items"``: what the roll-call step needs) or per
    unit (``"units"``: the country step); with ``need_log``, the (weighted) log-likelihood."""
    wk = p.work
    x_buf, mu_buf = wk.f[5:7]
    total = 0.0
    m = _Moments(np.nan)
    sums = np.zeros((9, p.n_items)) if stats == "items" else np.empty((0, 0))
    gathered = stats == "units" and p.x_theta is s.theta
    p.x_theta = None
    if stats == "units":
        m.grad, m.hdiag = np.zeros(p.n_units), np.zeros(p.n_units)
    for blk in p.blocks:
        a, b, n = blk.a, blk.b, blk.b - blk.a
        mu = mu_buf[:n]
        x = p.x_votes[a:b] if stats == "items" or gathered else x_buf[:n]
        # rows: info, info x, info x^2, mean, mean x (summed per item in one call)
        rows = wk.rows[:, :n]
        info, mean = rows[0], rows[3]
        if not gathered:
            s.theta.take(p.unit[a:b], out=x, mode="clip")  # no bounds check a vote
        beta = np.repeat(s.beta.take(blk.items), blk.lengths)
        np.multiply(beta, x, out=mu)
        mu += np.repeat(s.alpha.take(blk.items), blk.lengths)
        ww = None if w is None else w[a:b]
        pb = b_mid = None
        if blk.cat == 1:  # abstain: 0 < z + mu < gap
            b_mid = np.repeat(s.gap.take(blk.items), blk.lengths)
            b_mid -= mu
            np.negative(mu, out=mu)
            logp, pb = _between(mu, b_mid, mean, info, need_log, wk, ww)
        elif blk.cat == 0:  # yes: z < -mu, i.e. -z > mu (the mean of z is minus that of -z,
            # which is what `mean` holds for these: subtracted, not added, below)
            logp = _one_sided(mu, mean, info, need_log, wk, ww)
        else:  # no: z > gap - mu
            c = np.repeat(s.gap.take(blk.items), blk.lengths)
            c -= mu
            logp = _one_sided(c, mean, info, need_log, wk, ww)
        total += logp
        if stats is None:
            continue
        gap_rows = None
        if pb is not None and b_mid is not None and stats == "items":
            # abstain: the upper bound b = gap - mu; rows: d log P / d gap = pb, d2 / d gap2 =
            # -b pb - pb^2, d2 / d mu d gap = pb (b - mean) (and times x)
            gap_rows = np.empty((4, n))
            np.copyto(gap_rows[0], pb)
            np.multiply(b_mid, pb, out=gap_rows[1])
            gap_rows[1] += pb * pb
            np.negative(gap_rows[1], out=gap_rows[1])
            np.subtract(b_mid, mean, out=gap_rows[2])
            gap_rows[2] *= pb
            if ww is not None:
                gap_rows[:3] *= ww
            np.multiply(gap_rows[2], x, out=gap_rows[3])
        if ww is not None:
            mean *= ww
            info *= ww
        if stats == "units":
            mean *= beta
            info *= beta
            info *= beta
            unit = p.unit[a:b]
            if blk.cat == 0:
                m.grad -= np.bincount(unit, weights=mean, minlength=p.n_units)
            else:
                m.grad += np.bincount(unit, weights=mean, minlength=p.n_units)
            m.hdiag += np.bincount(unit, weights=info, minlength=p.n_units)
            continue
        st, it = blk.starts, blk.items
        np.multiply(info, x, out=rows[1])
        np.multiply(rows[1], x, out=rows[2])
        np.multiply(mean, x, out=rows[4])
        part = np.add.reduceat(rows, st, axis=1)
        if blk.cat == 0:
            part[3:] *= -1.0
        sums[:5, it] += part
        if blk.cat == 2:  # the gap moves the no-side bound: d/d gap = -d/d mu
            sums[5:, it] -= part[[3, 0, 0, 1]]
        elif gap_rows is not None:
            gap_part = np.add.reduceat(gap_rows, st, axis=1)
            gap_part[2:] *= -1.0
            sums[5:, it] += gap_part
    if stats == "items":
        m.h, m.hx, m.hxx, m.r, m.rx, m.gap_grad, m.gap_hess, m.s0g, m.s1g = sums
        p.x_theta = s.theta
    m.loglik = total if need_log else np.nan
    return m


def _step_theta(p: _Problem, s: _State, m: _Moments) -> None:
    """One Newton step for all country chains at once (tridiagonal, block-diagonal system)."""
    grad = m.grad.copy()
    # prior gradient: -P theta
    ptheta = p.diag_prior * s.theta
    ptheta[:-1] += p.off_prior * s.theta[1:]
    ptheta[1:] += p.off_prior * s.theta[:-1]
    grad -= ptheta
    ab = np.zeros((3, p.n_units))
    ab[0, 1:] = p.off_prior
    ab[1] = p.diag_prior + m.hdiag
    ab[2, :-1] = p.off_prior
    # Newton step restricted to the tangent space of {mean 0, sd 1}: the likelihood cannot see
    # moves along 1 (location) or theta (scale), so the step is projected off them with two
    # Lagrange multipliers (H d = g - A'lambda, A d = 0, A = [1, theta]').
    rhs = np.column_stack([grad, np.ones(p.n_units), s.theta])
    sol = linalg.solve_banded((1, 1), ab, rhs, check_finite=False)
    a_sol = rhs[:, 1:].T @ sol  # A H^-1 [g, 1, theta]
    lam = np.linalg.solve(a_sol[:, 1:], a_sol[:, 0])
    s.theta = s.theta + sol[:, 0] - sol[:, 1:] @ lam


def _step_items(p: _Problem, s: _State, m: _Moments) -> None:
    """One Newton step for every roll call: ``(alpha, beta, gap)`` jointly where all three vote
    categories occur (3x3), ``(alpha, beta)`` otherwise (2x2). The ordered-probit log-likelihood
    is concave in these (Pratt 1981); a step that would more than halve a gap is shortened."""
    prec = p.item_prec
    s00 = m.h + prec
    s01 = m.hx
    s11 = m.hxx + prec
    g0 = m.r - prec * s.alpha
    g1 = m.rx - prec * s.beta
    det = s00 * s11 - s01 * s01
    d_alpha = (s11 * g0 - s01 * g1) / det
    d_beta = (s00 * g1 - s01 * g0) / det
    t = np.flatnonzero(p.three & (m.gap_hess < 0))
    if len(t):
        s0g = m.s0g[t]
        s1g = m.s1g[t]
        hess = np.empty((len(t), 3, 3))
        hess[:, 0, 0], hess[:, 0, 1], hess[:, 0, 2] = s00[t], s01[t], s0g
        hess[:, 1, 0], hess[:, 1, 1], hess[:, 1, 2] = s01[t], s11[t], s1g
        hess[:, 2, 0], hess[:, 2, 1], hess[:, 2, 2] = s0g, s1g, -m.gap_hess[t]
        grad = np.stack([g0[t], g1[t], m.gap_grad[t]], axis=1)[:, :, None]
        step = np.linalg.solve(hess, grad)[:, :, 0]
        gap = s.gap[t]
        dg = step[:, 2]
        frac = np.ones(len(t))
        shrink = dg < -0.5 * gap
        frac[shrink] = 0.5 * gap[shrink] / -dg[shrink]
        grow = dg > 2.0 * gap + 1.0
        frac[grow] = (2.0 * gap[grow] + 1.0) / dg[grow]
        step *= frac[:, None]
        d_alpha[t], d_beta[t] = step[:, 0], step[:, 1]
        s.gap[t] = np.clip(gap + step[:, 2], GAP_MIN, GAP_MAX)
    s.alpha = s.alpha + d_alpha
    s.beta = s.beta + d_beta


def _normalise(p: _Problem, s: _State) -> None:
    """Mean 0, sd 1 over country-sessions; USA positive. The likelihood does not change."""
    mean = s.theta.mean()
    sd = s.theta.std()
    if not np.isfinite(sd) or sd <= 0:
        sd = 1.0
    s.theta = (s.theta - mean) / sd
    s.alpha = s.alpha + s.beta * mean
    s.beta = s.beta * sd
    if len(p.anchor) and s.theta[p.anchor].mean() < 0:
        s.theta = -s.theta
        s.beta = -s.beta


def _start(p: _Problem) -> _State:
    """Deterministic start: the first principal component of the country x roll-call matrix
    (yes = -1, abstain = 0, no = +1, centred per roll call, missing = 0) gives roll-call
    loadings; a country-session starts at the mean of its votes times their loadings."""
    n_rc = int(p.rc.max()) + 1
    tally = np.zeros((3, n_rc))  # votes per category and roll call (block by block)
    for blk in p.blocks:
        tally[blk.cat] += np.bincount(p.rc[blk.a : blk.b], minlength=n_rc)
    centre = (tally[2] - tally[0]) / np.maximum(tally.sum(axis=0), 1)
    n_c = int(p.country.max()) + 1

    def columns(r0: int, r1: int) -> np.ndarray:
        """The country x roll-call matrix's columns [r0, r1) (one vote at most a cell)."""
        mat = np.zeros((n_c, r1 - r0))
        cells = mat.reshape(-1)
        for blk in p.blocks:
            rc = p.rc[blk.a : blk.b]
            sel = np.flatnonzero((rc >= r0) & (rc < r1))
            rc = rc[sel]
            cells[p.country[p.unit[blk.a + sel]] * (r1 - r0) + (rc - r0)] = (
                blk.cat - 1.0
            ) - centre[rc]
        return mat

    # leading right singular vector, through the small country x country Gram matrix (eigh is
    # far cheaper than a full SVD of the wide matrix), the matrix taken in four slices of roll
    # calls (a quarter of its memory)
    cuts = list(itertools.pairwise(np.linspace(0, n_rc, 5).astype(int)))
    gram = np.zeros((n_c, n_c))
    for r0, r1 in cuts:
        part = columns(r0, r1)
        gram += part @ part.T
    _, vec = np.linalg.eigh(gram)
    load = np.concatenate([columns(r0, r1).T @ vec[:, -1] for r0, r1 in cuts])
    sums = np.zeros(p.n_units)
    for blk in p.blocks:
        rc = p.rc[blk.a : blk.b]
        score = (blk.cat - 1.0) - centre[rc]
        score *= load[rc]
        sums += np.bincount(p.unit[blk.a : blk.b], weights=score, minlength=p.n_units)
    counts = np.maximum(np.bincount(p.unit, minlength=p.n_units), 1)
    theta = sums / counts
    theta = (theta - theta.mean()) / (theta.std() or 1.0)
    if len(p.anchor) and theta[p.anchor].mean() < 0:
        theta = -theta
    gap = np.where(p.three, 1.0, 0.0)
    return _State(theta, np.zeros(p.n_items), np.zeros(p.n_items), gap)


def _log_prior(p: _Problem, s: _State) -> float:
    th = s.theta
    q = p.diag_prior * th
    q[:-1] += p.off_prior * th[1:]
    q[1:] += p.off_prior * th[:-1]
    items = s.alpha @ s.alpha + s.beta @ s.beta
    return float(-0.5 * th @ q - 0.5 * items * p.item_prec)


def _iterate(p: _Problem, s: _State, w: np.ndarray | None) -> tuple[_State, float, float]:
    """One sweep: roll-call step, country step, normalisation. Returns the new state and the
    log-likelihood and log-posterior of the *input* state."""
    s = _State(s.theta.copy(), s.alpha.copy(), s.beta.copy(), s.gap.copy())
    m = _moments(p, s, w, need_log=True, stats="items")
    loglik = m.loglik
    logpost = loglik + _log_prior(p, s)
    _step_items(p, s, m)
    _step_theta(p, s, _moments(p, s, w, stats="units"))
    _normalise(p, s)
    return s, loglik, logpost


def _pack(s: _State) -> np.ndarray:
    return np.concatenate([s.theta, s.alpha, s.beta, s.gap])


def _unpack(x: np.ndarray, like: _State) -> _State:
    n1, n2 = len(like.theta), len(like.alpha)
    return _State(
        x[:n1].copy(),
        x[n1 : n1 + n2].copy(),
        x[n1 + n2 : n1 + 2 * n2].copy(),
        x[n1 + 2 * n2 :].copy(),
    )


@dataclass
class _Trace:
    loglik: list[float] = field(default_factory=list)
    logpost: list[float] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)
    sweeps: int = 0
    converged: bool = False


def _estimate(
    p: _Problem,
    s: _State,
    *,
    max_iter: int,
    tol: float,
    w: np.ndarray | None = None,
) -> tuple[_State, _Trace]:
    """Alternating Newton sweeps accelerated by SQUAREM (Varadhan & Roland 2008, scheme S3).

    One cycle: two sweeps ``s -> s1 -> s2``, an extrapolation from them, and one sweep from the
    extrapolated state, kept only if that state's log-posterior is at least ``s1``'s (otherwise
    ``s2`` is kept). ``max_iter`` counts cycles; the trace has the log-likelihood and
    log-posterior of the state each cycle starts from. Converged when no position moved more than
    ``tol`` in a cycle.
    """
    tr = _Trace()
    _normalise(p, s)
    for _ in range(max_iter):
        s1, ll0, lp0 = _iterate(p, s, w)
        s2, _, lp1 = _iterate(p, s1, w)
        tr.sweeps += 2
        tr.loglik.append(ll0)
        tr.logpost.append(lp0)
        x0, x1, x2 = _pack(s), _pack(s1), _pack(s2)
        r = x1 - x0
        v = x2 - x1 - r
        vv = float(v @ v)
        step = -np.sqrt(float(r @ r) / vv) if vv > 0 else -1.0
        new = s2
        if step < -1.0:
            cand = _unpack(x0 - 2.0 * step * r + step * step * v, s)
            cand.gap = np.where(p.three, np.maximum(cand.gap, 0.1 * s2.gap + GAP_MIN), 0.0)
            _normalise(p, cand)
            s3, _, lp_cand = _iterate(p, cand, w)
            tr.sweeps += 1
            if np.isfinite(lp_cand) and lp_cand >= lp1:
                new = s3
        change = float(np.max(np.abs(new.theta - s.theta)))
        tr.changes.append(change)
        s = new
        if change < tol:
            tr.converged = True
            break
    return s, tr


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def _tridiag_inverse_diag(diag: np.ndarray, off: np.ndarray) -> np.ndarray:
    """Diagonal of the inverse of a symmetric positive-definite tridiagonal matrix."""
    n = len(diag)
    fwd = np.empty(n)
    bwd = np.empty(n)
    off2 = off * off
    fwd[0] = diag[0]
    for k in range(1, n):
        fwd[k] = diag[k] - off2[k - 1] / fwd[k - 1]
    bwd[-1] = diag[-1]
    for k in range(n - 2, -1, -1):
        bwd[k] = diag[k] - off2[k] / bwd[k + 1]
    return 1.0 / (fwd + bwd - diag)


@dataclass(frozen=True)
class IdealPoints:
    """Estimated positions, roll-call parameters and diagnostics.

    Attributes
    ----------
    frame:
        One row per country-session: ``code, year, session, idealpoint, lower, upper, se,
        n_votes`` (``year`` = the year the session opened; ``lower``/``upper`` the interval at
        ``level``; ``se`` the standard error, Laplace, or the replicates' sd, bootstrap).
    roll_calls:
        One row per roll call used (unanimous ones are dropped): ``rcid, session, year, item,
        categories, discrimination, cut_low, cut_high, n_votes``. On the latent scale
        ``discrimination * theta + e`` (``e ~ N(0, 1)``) a vote falls in the lowest observed
        category (yes) below ``cut_low``, the highest (no) above ``cut_high`` and abstains in
        between; a roll call with two categories (``yes/no``, ``yes/abstain``, ``abstain/no``)
        has one threshold, ``cut_low == cut_high``. ``discrimination > 0``: the side of the
        USA votes no. Bridged roll calls (``bridge=True``) share an ``item`` and its parameters.
    iterations, sweeps, converged:
        SQUAREM cycles run, sweeps of conditional Newton steps in them, and whether the largest
        move of a position in the last cycle was below ``tol``.
    loglik, logpost, changes:
        Per cycle: the log-likelihood and log-posterior of the state the cycle started from, and
        the largest move of a position in the cycle.
    draws:
        Bootstrap fits only: the re-centred replicates, ``n_boot x len(frame)``.
    """

    frame: pd.DataFrame
    roll_calls: pd.DataFrame
    iterations: int
    sweeps: int
    converged: bool
    loglik: tuple[float, ...]
    logpost: tuple[float, ...]
    changes: tuple[float, ...]
    tau: float
    interval: str
    level: float
    seconds: float
    settings: dict[str, Any] = field(default_factory=dict)
    draws: np.ndarray | None = field(default=None, repr=False)

    @property
    def codes(self) -> list[str]:
        return sorted(self.frame["code"].unique())

    def _code(self, code: str) -> str:
        text = str(code).strip()
        known = self.codes
        if text.upper() in known:
            return text.upper()
        try:
            from powerscope.countries.identity import resolve

            resolved = resolve(text)
        except PowerscopeError:
            resolved = None
        if resolved in known:
            return str(resolved)
        close = difflib.get_close_matches(text.upper(), known, n=3, cutoff=0.3)
        raise SpecError(
            f"unknown country code {code!r} in these ideal points"
            + (f" (closest: {', '.join(close)})" if close else ""),
            where="IdealPoints",
            fix=f"use one of the {len(known)} codes that voted in "
            f"{int(self.frame['year'].min())}-{int(self.frame['year'].max())}, e.g. "
            + ", ".join(close or known[:5]),
        )

    def idealpoints(self, code: str) -> pd.DataFrame:
        """One country's positions by year: ``year, session, idealpoint, lower, upper, se,
        n_votes``. ``code`` is a powerscope code or a country name."""
        c = self._code(code)
        out = self.frame[self.frame["code"] == c].drop(columns="code")
        return out.reset_index(drop=True)

    def distance(self, code1: str, code2: str) -> pd.DataFrame:
        """``|theta_1 - theta_2|`` in every session both voted, with an interval at ``level``.

        Returns ``year, session, distance, lower, upper``. Bootstrap fits take the percentiles
        of the replicates' distances. Laplace fits use the normal approximation of the
        difference (the two chains are independent given the roll calls) and map its interval
        through ``abs`` (``lower`` = 0 when it straddles zero), which covers at least ``level``.
        """
        a, b = self._code(code1), self._code(code2)
        f = self.frame
        ra = np.flatnonzero(f["code"].to_numpy() == a)
        rb = np.flatnonzero(f["code"].to_numpy() == b)
        sa = pd.Series(ra, index=f["session"].to_numpy()[ra])  # row of each session
        sb = pd.Series(rb, index=f["session"].to_numpy()[rb])
        common = sa.index.intersection(sb.index)
        ia, ib = sa.loc[common].to_numpy(), sb.loc[common].to_numpy()
        theta = f["idealpoint"].to_numpy()
        diff = theta[ia] - theta[ib]
        tail = (1.0 - self.level) / 2.0
        if self.draws is not None:
            d = np.abs(self.draws[:, ia] - self.draws[:, ib])
            lower = np.quantile(d, tail, axis=0)
            upper = np.quantile(d, 1.0 - tail, axis=0)
        else:
            se = np.hypot(f["se"].to_numpy()[ia], f["se"].to_numpy()[ib])
            z = float(ndtri(1.0 - tail))
            lo, hi = diff - z * se, diff + z * se
            lower = np.where((lo <= 0) & (hi >= 0), 0.0, np.minimum(np.abs(lo), np.abs(hi)))
            upper = np.maximum(np.abs(lo), np.abs(hi))
        return pd.DataFrame(
            {
                "year": f["year"].to_numpy()[ia],
                "session": common.to_numpy(),
                "distance": np.abs(diff),
                "lower": lower,
                "upper": upper,
            }
        )


def agreement_with(votes: pd.DataFrame, calls: pd.DataFrame, code: str = ANCHOR) -> pd.DataFrame:
    """Each country's share of votes identical to ``code``'s, per session (a simple benchmark).

    Returns ``code, session, year, agreement, n`` over the roll calls both voted on.
    """
    v = votes[["rcid", "code", "vote"]].merge(calls[["rcid", "session"]], on="rcid")
    ref = v.loc[v["code"].astype(str) == code, ["rcid", "vote"]].rename(columns={"vote": "ref"})
    if ref.empty:
        known = sorted(v["code"].astype(str).unique())
        close = difflib.get_close_matches(str(code).upper(), known, n=3, cutoff=0.3)
        raise SpecError(
            f"no votes by {code!r}" + (f" (closest: {', '.join(close)})" if close else ""),
            where="agreement_with",
            fix="use a code that voted, e.g. USA",
        )
    m = v.merge(ref, on="rcid")
    m["same"] = (m["vote"] == m["ref"]).astype(float)
    out = (
        m.groupby([m["code"].astype(str), "session"])["same"]
        .agg(agreement="mean", n="size")
        .reset_index()
    )
    out["year"] = out["session"] + FIRST_SESSION_YEAR
    return out[["code", "session", "year", "agreement", "n"]]


def _check_settings(
    tau: float, max_iter: int, tol: float, interval: str, n_boot: int, boot_iter: int, level: float
) -> None:
    where = "fit_idealpoints"
    if not (np.isfinite(tau) and tau > 0):
        raise SpecError(f"tau must be a positive number, not {tau!r}", where=where, fix="e.g. 0.1")
    if int(max_iter) < 1:
        raise SpecError(f"max_iter must be at least 1, not {max_iter!r}", where=where)
    if not (np.isfinite(tol) and tol > 0):
        raise SpecError(f"tol must be positive, not {tol!r}", where=where, fix="e.g. 1e-4")
    if interval not in ("laplace", "bootstrap"):
        raise SpecError(f"interval must be 'laplace' or 'bootstrap', not {interval!r}", where=where)
    if interval == "bootstrap" and (int(n_boot) < 2 or int(boot_iter) < 1):
        raise SpecError(
            f"bootstrap needs n_boot >= 2 and boot_iter >= 1 (got {n_boot}, {boot_iter})",
            where=where,
            fix="e.g. n_boot=100, boot_iter=10",
        )
    if not 0 < level < 1:
        raise SpecError(f"level must be in (0, 1), not {level!r}", where=where, fix="e.g. 0.9")


def _bootstrap_weights(p: _Problem, rng: np.random.Generator) -> np.ndarray:
    """Multinomial counts per roll call, resampling roll calls within each session."""
    counts = np.zeros(len(p.rc_session))
    order = np.argsort(p.rc_session, kind="stable")
    sessions = p.rc_session[order]
    bounds = np.flatnonzero(np.r_[True, sessions[1:] != sessions[:-1], True])
    for lo, hi in itertools.pairwise(bounds):
        draw = rng.integers(lo, hi, size=hi - lo)
        np.add.at(counts, order[draw], 1.0)
    return counts


def _fit(
    p: _Problem,
    max_iter: int,
    tol: float,
    interval: str,
    n_boot: int,
    boot_iter: int,
    seed: int,
) -> tuple[_State, _Trace, np.ndarray | None, np.ndarray]:
    """The point estimate, its trace, the bootstrap replicates (``None`` for Laplace) and the
    standard errors."""
    state, trace = _estimate(p, _start(p), max_iter=int(max_iter), tol=float(tol))
    if interval == "laplace":
        hdiag = _moments(p, state, None, stats="units").hdiag
        se = np.sqrt(_tridiag_inverse_diag(p.diag_prior + hdiag, p.off_prior))
        return state, trace, None, se
    rng = np.random.default_rng(seed)
    draws = np.empty((int(n_boot), p.n_units))
    for r in range(int(n_boot)):
        w = _bootstrap_weights(p, rng)[p.rc]
        rep = _State(state.theta.copy(), state.alpha.copy(), state.beta.copy(), state.gap.copy())
        rep, _ = _estimate(p, rep, max_iter=int(boot_iter), tol=float(tol), w=w)
        draws[r] = rep.theta
    # re-centre each position's replicates on the point estimate: resampled roll calls
    # (duplicates, missing ones) shift extreme, near-separated positions systematically
    draws += state.theta - np.median(draws, axis=0)
    return state, trace, draws, draws.std(axis=0, ddof=1)


def fit_idealpoints(
    votes: pd.DataFrame,
    calls: pd.DataFrame,
    *,
    start: int | None = None,
    end: int | None = None,
    tau: float = 0.2,
    max_iter: int = 500,
    tol: float = 1e-4,
    seed: int = 0,
    interval: Interval = "laplace",
    n_boot: int = 100,
    boot_iter: int = 5,
    level: float = 0.90,
    bridge: bool = False,
    item_sd: float = 1.0,
) -> IdealPoints:
    """Estimate dynamic one-dimensional ideal points from UN roll-call votes.

    Parameters
    ----------
    votes:
        ``rcid, code, vote`` (1 yes, 2 abstain, 3 no; absences are not rows), e.g.
        ``SnapshotStore().table("un_votes")``.
    calls:
        ``rcid, session`` (and ``descr, amend, para`` for ``bridge``), e.g.
        ``SnapshotStore().table("un_roll_calls")``.
    start, end:
        First and last year (inclusive), a session counting as the year it opened
        (``session + 1945``).
    tau:
        Standard deviation of a country's yearly move (random walk), in units of the standard
        deviation of all positions. 0.2 predicted held-out votes best (``docs/idealpoints.md``).
    max_iter, tol:
        Stop after ``max_iter`` SQUAREM cycles (2-3 sweeps each), or once no position moved more
        than ``tol`` in a cycle (``converged``).
    seed:
        Seed of the bootstrap (``interval="bootstrap"``); the point estimate does not use it.
    interval:
        ``laplace`` (default): normal approximation from each country chain's posterior precision
        at the mode, roll-call parameters held fixed. ``bootstrap``: ``n_boot`` resamples of the
        roll calls within sessions, each re-estimated for ``boot_iter`` cycles from the point
        estimate; the interval is the percentiles of the replicates, re-centred on the point
        estimate.
    level:
        Interval coverage, 0.90 (5th-95th percentiles) by default.
    bridge:
        Let roll calls on identically worded resolutions (``descr``, neither amendment nor
        paragraph vote, one per session) in different sessions share their parameters.
    item_sd:
        Prior standard deviation of every roll call's ``alpha`` and ``beta``.

    Returns
    -------
    IdealPoints
        ``.frame``, ``.roll_calls``, the diagnostics, ``.idealpoints(code)`` and
        ``.distance(code1, code2)``.

    Raises
    ------
    DataFormatError
        Missing columns, a vote coded outside 1/2/3, a missing country code, a duplicate vote,
        votes on roll calls missing from ``calls``.
    SpecError
        Bad settings, or a year range without (informative) votes.
    """
    t0 = time.perf_counter()
    _check_settings(tau, max_iter, tol, interval, n_boot, boot_iter, level)
    if not (np.isfinite(item_sd) and item_sd > 0):
        raise SpecError(
            f"item_sd must be a positive number, not {item_sd!r}", where="fit_idealpoints"
        )
    p, units, rc = _prepare(votes, calls, start, end, float(tau), bridge, float(item_sd))
    # BLAS on one thread: the fit's work is element-wise and small solves, which a second BLAS
    # thread only slows down (and it would compete with the caller's other work). The votes'
    # moments run on one thread too: numpy calls on blocks of votes from two threads took half
    # as much CPU again for no gain in wall time (the GIL between the calls).
    with threadpool_limits(limits=1, user_api="blas"):
        state, trace, draws, se = _fit(p, max_iter, tol, interval, n_boot, boot_iter, seed)
    tail = (1.0 - level) / 2.0
    if draws is None:
        z = float(ndtri(1.0 - tail))
        lower, upper = state.theta - z * se, state.theta + z * se
    else:
        lower = np.quantile(draws, tail, axis=0)
        upper = np.quantile(draws, 1.0 - tail, axis=0)
    frame = pd.DataFrame(
        {
            "code": units["code"].to_numpy(),
            "year": units["year"].to_numpy(np.int64),
            "session": units["session"].to_numpy(np.int64),
            "idealpoint": state.theta,
            "lower": lower,
            "upper": upper,
            "se": se,
            "n_votes": units["n_votes"].to_numpy(np.int64),
        }
    )
    item = rc["item"].to_numpy()
    alpha, beta, gap = state.alpha[item], state.beta[item], state.gap[item]
    n_rc_votes = np.bincount(p.rc, minlength=len(rc))
    roll_calls = pd.DataFrame(
        {
            "rcid": rc["rcid"].to_numpy(),
            "session": rc["session"].to_numpy(np.int64),
            "year": rc["year"].to_numpy(np.int64),
            "item": item,
            "categories": rc["categories"].to_numpy(),
            "discrimination": beta,
            "cut_low": -alpha,
            "cut_high": gap - alpha,
            "n_votes": n_rc_votes,
        }
    )
    return IdealPoints(
        frame=frame,
        roll_calls=roll_calls,
        iterations=len(trace.changes),
        sweeps=trace.sweeps,
        converged=trace.converged,
        loglik=tuple(trace.loglik),
        logpost=tuple(trace.logpost),
        changes=tuple(trace.changes),
        tau=float(tau),
        interval=interval,
        level=float(level),
        seconds=time.perf_counter() - t0,
        settings={
            "start": start,
            "end": end,
            "max_iter": int(max_iter),
            "tol": float(tol),
            "seed": int(seed),
            "n_boot": int(n_boot) if interval == "bootstrap" else 0,
            "boot_iter": int(boot_iter) if interval == "bootstrap" else 0,
            "bridge": bool(bridge),
            "anchor": ANCHOR if len(p.anchor) else None,
            "blas_threads": 1,
        },
        draws=draws,
    )
