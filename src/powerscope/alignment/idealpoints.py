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
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)

Interval = Literal["laplace", "bootstrap"]


# --------------------------------------------------------------------------------------------
# Ordered-probit moments, vectorised and stable in the tails
# --------------------------------------------------------------------------------------------


# erfcx(x) = exp(x^2) erfc(x), the heart of every truncated-normal moment. scipy's erfcx costs
# about 25 ns a value; this table of local polynomials, built once from scipy's own erfcx, costs
# about 8 and agrees with it to 4e-15 (relative) for all x >= 0: in y = K / (K + x), uniform
# pieces of (0, 1], each a degree-5 polynomial fitted at its Chebyshev nodes, of erfcx(x) / y
# (which tends to 1 / (K sqrt(pi)) as x grows, so the far tail is as exact as the rest).
_ERFCX_PIECES, _ERFCX_DEGREE, _ERFCX_K = 256, 5, 4.0


def _erfcx_table() -> np.ndarray:
    nodes = np.cos(np.pi * (np.arange(_ERFCX_DEGREE + 1) + 0.5) / (_ERFCX_DEGREE + 1))
    edges = np.linspace(0.0, 1.0, _ERFCX_PIECES + 1)
    table = np.empty((_ERFCX_DEGREE + 1, _ERFCX_PIECES))
    for i in range(_ERFCX_PIECES):
        y = 0.5 * (edges[i] + edges[i + 1]) + 0.5 * (edges[i + 1] - edges[i]) * nodes
        coef = np.polynomial.polynomial.polyfit(nodes, erfcx(_ERFCX_K / y - _ERFCX_K) / y, 5)
        table[:, i] = coef[::-1]  # highest power first, for Horner
    return table


_ERFCX_TABLE = _erfcx_table()


def _erfcx(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``erfcx`` of ``x`` (any sign; ``x >= -26`` stays finite), written into ``out``."""
    ax = np.abs(x)
    y = ax
    y += _ERFCX_K
    np.divide(_ERFCX_K, y, out=y)  # y in (0, 1]
    s = y * _ERFCX_PIECES
    idx = s.astype(np.intp)
    np.minimum(idx, _ERFCX_PIECES - 1, out=idx)
    s -= idx
    s *= 2.0
    s -= 1.0  # position within the piece, in [-1, 1]
    r = _ERFCX_TABLE[0].take(idx) if out is None else _ERFCX_TABLE[0].take(idx, out=out)
    for k in range(1, _ERFCX_DEGREE + 1):
        r *= s
        r += _ERFCX_TABLE[k].take(idx)
    r *= y
    neg = x < 0.0
    if neg.any():  # erfcx(-a) = 2 exp(a^2) - erfcx(a)
        m = np.minimum(x, 0.0)
        m *= m
        np.exp(m, out=m)
        m *= 2.0
        m -= r
        np.copyto(r, m, where=neg)
    return r


def _one_sided(
    c: np.ndarray, score: np.ndarray, info: np.ndarray, sign: float, need_log: bool
) -> np.ndarray | None:
    """``z ~ N(0,1)`` truncated to ``sign * z > c`` (``sign`` = 1: above ``c``; -1: below
    ``-c``): writes the mean of ``z`` into ``score`` and 1 - its variance into ``info``; returns
    log P when asked (``c`` is overwritten). Uses ``erfcx``, so it stays exact far in the
    tails."""
    np.maximum(c, -25.0, out=c)  # beyond, P = 1 and the moments are 0 to double precision
    e = _erfcx(c * (1.0 / _SQRT2), out=info)
    np.divide(_SQRT_2_OVER_PI, e, out=score)  # inverse Mills ratio
    logp = np.log(0.5 * e) if need_log else None
    np.subtract(score, c, out=info)
    info *= score
    if sign < 0:
        np.negative(score, out=score)
    if logp is None:
        return None
    c *= c
    c *= 0.5
    logp -= c
    return logp


def _between(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``z ~ N(0,1)`` truncated to ``a < z < b``: mean, information, log P, phi(b)/P.

    Without masks: each interval is mirrored, where needed, so that ``a' + b' >= 0``; then
    ``P = phi(a') * sqrt(2 pi) / 2 * den`` with ``den = erfcx(a'/sqrt2) - exp(ex) erfcx(b'/sqrt2)``
    (``ex = (a'^2 - b'^2) / 2 <= 0``) when ``a' >= 0`` (both bounds in the upper tail), and
    ``P = 1 - (erfc(-a'/sqrt2) + erfc(b'/sqrt2)) / 2`` when ``a' < 0`` (the interval holds 0)."""
    flip = (a + b) < 0.0
    lo = np.where(flip, -b, a)  # a'
    hi = np.where(flip, -a, b)  # b' >= |a'|
    ea = _erfcx(np.abs(lo) * (1.0 / _SQRT2))
    eb = _erfcx(hi * (1.0 / _SQRT2))
    half_a2 = 0.5 * lo * lo
    ex = half_a2 - 0.5 * hi * hi  # <= 0
    shrink = np.exp(ex)  # phi(b') / phi(a')
    upper = lo >= 0.0
    # both bounds in the upper tail: two terms >= 0, no cancellation
    den = (ea - eb) - eb * np.expm1(ex)
    # the interval holds 0: P directly (lo < 0 < hi)
    phi_a = np.exp(-half_a2)
    prob = 1.0 - 0.5 * (phi_a * ea + phi_a * shrink * eb)
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = np.where(upper, _SQRT_2_OVER_PI / den, _INV_SQRT_2PI * phi_a / prob)
        logp = np.where(upper, -half_a2 + np.log(0.5 * den), np.log(prob))
    pb = pa * shrink
    # back to (a, b): mirrored, the mean changes sign and phi(a), phi(b) swap
    mean = np.where(flip, pb - pa, pa - pb)
    p_at_a = np.where(flip, pb, pa)
    p_at_b = np.where(flip, pa, pb)
    info = mean * mean - (a * p_at_a - b * p_at_b)
    return mean, info, logp, p_at_b


# --------------------------------------------------------------------------------------------
# Problem set-up
# --------------------------------------------------------------------------------------------


@dataclass
class _Problem:
    """Votes as flat arrays, sorted by category (yes-side, abstain, no-side)."""

    unit: np.ndarray  # country-session index of each vote
    item: np.ndarray  # item (roll call, or bridged group) of each vote
    rc: np.ndarray  # roll-call index of each vote (for bootstrap weights)
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
    segments: list[tuple[int, int, np.ndarray, np.ndarray]] = field(default_factory=list)
    # per category slice [lo, hi): start offsets (relative to lo) of each item's run, the items

    def __post_init__(self) -> None:
        lo, mid = self.n_low, self.n_low + self.n_mid
        for a, b in ((0, lo), (lo, mid), (mid, len(self.item))):
            part = self.item[a:b]
            starts = np.flatnonzero(np.r_[True, part[1:] != part[:-1]]) if b > a else part
            self.segments.append((a, b, starts, part[starts] if b > a else part))

    def item_sum(self, values: np.ndarray, first: int = 0) -> np.ndarray:
        """Sum of per-vote ``values`` by item (``values`` covers the votes from slice
        ``first`` on: 0 all votes, 1 abstain and no-side votes). Segment sums over the sorted
        runs, ten times faster than ``bincount``."""
        out = np.zeros(self.n_items)
        offset = self.segments[first][0]
        for a, b, starts, items in self.segments[first:]:
            if b > a:
                out[items] += np.add.reduceat(values[a - offset : b - offset], starts)
        return out


@dataclass
class _State:
    theta: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    gap: np.ndarray


def _check_votes(votes: pd.DataFrame, calls: pd.DataFrame) -> None:
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
    # duplicates: count (roll call, country) pairs in integer arrays, and only when one occurs
    # twice ask pandas for the rows (its duplicated() costs tens of MB on all UN votes)
    rcid_code, _ = pd.factorize(votes["rcid"])
    code_code, code_names = pd.factorize(votes["code"])
    pair = rcid_code.astype(np.int64) * max(len(code_names), 1) + code_code
    del rcid_code, code_code
    twice = bool(len(pair)) and int(np.bincount(pair).max()) > 1
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
    unknown = ~votes["rcid"].isin(calls["rcid"])
    if unknown.any():
        ids = pd.unique(votes.loc[unknown, "rcid"])
        raise DataFormatError(
            f"{int(unknown.sum())} vote(s) on {len(ids)} roll call(s) missing from calls "
            f"(e.g. rcid {', '.join(map(str, ids[:5]))})",
            where="votes, column 'rcid'",
            fix="pass the roll-call table that goes with these votes",
        )
    if calls["rcid"].duplicated().any():
        raise DataFormatError(
            "calls has duplicate rcid values",
            where="calls, column 'rcid'",
            fix="one row per roll call",
        )


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
    _check_votes(votes, calls)
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
    rc = rc[(rc["year"] >= lo) & (rc["year"] <= hi)]

    # votes as compact arrays (no per-vote strings, no merges): country index, roll-call position
    code_of, names_raw = pd.factorize(votes["code"])
    names = np.asarray(names_raw).astype(str)
    by_name = np.argsort(names, kind="stable")
    rank = np.empty(len(names), dtype=np.int64)
    rank[by_name] = np.arange(len(names))
    names = names[by_name]
    rc_ids = rc["rcid"].to_numpy()
    rc_sort = np.argsort(rc_ids, kind="stable")
    vote_rcid = votes["rcid"].to_numpy()
    where = np.searchsorted(rc_ids[rc_sort], vote_rcid)
    np.minimum(where, max(len(rc_ids) - 1, 0), out=where)
    keep = rc_ids[rc_sort][where] == vote_rcid if len(rc_ids) else np.zeros(len(where), bool)
    rc_pos = rc_sort[where[keep]]  # position in rc of each kept vote
    vote = pd.to_numeric(votes["vote"]).to_numpy(np.int8)[keep]
    country_of = rank[code_of[keep]]
    del where, keep, code_of
    have = (
        f"{int(calls['session'].min()) + FIRST_SESSION_YEAR}-"
        f"{int(calls['session'].max()) + FIRST_SESSION_YEAR}"
        if len(calls)
        else "none"
    )
    if not len(vote):
        raise SpecError(
            f"no votes in the year range {start or '...'}-{end or '...'}",
            where="fit_idealpoints(start, end)",
            fix=f"choose years with roll calls (sessions labelled by opening year: {have})",
        )
    # roll calls with a single category carry no information about positions
    rc_mask = np.zeros(len(rc), dtype=np.int64)
    for k in (1, 2, 3):
        rc_mask |= (np.bincount(rc_pos[vote == k], minlength=len(rc)) > 0) * (1 << k)
    informative = (rc_mask > 0) & ~np.isin(rc_mask, [2, 4, 8])
    if not informative.any():
        raise SpecError(
            f"the roll calls in {start or '...'}-{end or '...'} are all unanimous",
            where="fit_idealpoints(start, end)",
            fix="choose a wider year range",
        )
    new_pos = np.cumsum(informative) - 1
    kept = informative[rc_pos]
    rc_pos = new_pos[rc_pos[kept]]
    vote, country_of = vote[kept], country_of[kept]
    del kept
    rc = rc[informative].reset_index(drop=True)
    rc["rc_index"] = np.arange(len(rc))
    rc["group"] = _bridge_keys(rc).to_numpy() if bridge else rc["rc_index"].to_numpy()
    rc["item"] = pd.factorize(rc["group"], sort=True)[0]
    item = rc["item"].to_numpy()[rc_pos]
    session = rc["session"].to_numpy(np.int64)[rc_pos]

    # units: country-sessions, stacked country by country in session order
    span = int(session.max()) + 1
    unit_keys, unit_of = np.unique(country_of * span + session, return_inverse=True)
    unit_of = unit_of.reshape(-1)
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
    cat = np.where(vote == 1, 0, np.where(vote == 3, 2, 1))
    # abstain in a binary item: upper side when the item has yes (yes/abstain), else lower
    abst2 = (vote == 2) & ~three[item]
    has_yes = (mask & 2) > 0
    cat = np.where(abst2, np.where(has_yes[item], 2, 0), cat)
    order = np.lexsort((item, cat))  # by category, then roll call: contiguous segments
    counts = np.bincount(cat, minlength=3)

    # random-walk prior precision (tridiagonal, block per country)
    codes = units["code"].to_numpy()
    sess = units["session"].to_numpy()
    same = codes[1:] == codes[:-1]
    q = np.where(same, 1.0 / (tau * tau * np.maximum(np.diff(sess), 1)), 0.0)
    first = np.r_[True, ~same].astype(float)
    diag = first + np.r_[q, 0.0] + np.r_[0.0, q]
    problem = _Problem(
        unit=unit_of[order].astype(np.int64),
        item=item[order].astype(np.int64),
        rc=rc_pos[order].astype(np.int64),
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
    score: np.ndarray  # d log P / d mu per vote
    info: np.ndarray  # -d2 log P / d mu2 per vote
    loglik: float
    gap_grad: np.ndarray  # per item
    gap_hess: np.ndarray  # per item (negative)
    cross: np.ndarray  # d2 log P / d mu d gap per vote, for the votes from n_low on (weighted)


def _vote_moments(
    p: _Problem,
    s: _State,
    a: int,
    b: int,
    out: tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray, np.ndarray],
) -> None:
    """Score, information (and log P) of the votes ``[a, b)``, written into ``out``: ``score,
    info, logp`` over all votes, ``pb, b_mid`` (phi(b)/P and b) over the abstain-like votes.
    Each vote's values depend on that vote alone."""
    score, info, logp, pb, b_mid = out
    lo, mid = p.n_low, p.n_low + p.n_mid
    unit, item = p.unit[a:b], p.item[a:b]
    mu = s.theta.take(unit)
    mu *= s.beta.take(item)
    mu += s.alpha.take(item)
    need_log = logp is not None
    # yes: z < -mu, i.e. -z > mu
    a1, b1 = a, min(b, lo)
    if b1 > a1:
        lp = _one_sided(mu[: b1 - a], score[a1:b1], info[a1:b1], -1.0, need_log)
        if logp is not None:
            logp[a1:b1] = lp
    # abstain: 0 < z + mu < gap
    a2, b2 = max(a, lo), min(b, mid)
    if b2 > a2:
        am = -mu[a2 - a : b2 - a]
        bm = s.gap.take(item[a2 - a : b2 - a])
        bm += am
        score[a2:b2], info[a2:b2], lp, pb[a2 - lo : b2 - lo] = _between(am, bm)
        b_mid[a2 - lo : b2 - lo] = bm
        if logp is not None:
            logp[a2:b2] = lp
    # no: z > gap - mu
    a3, b3 = max(a, mid), b
    if b3 > a3:
        c = s.gap.take(item[a3 - a :])
        c -= mu[a3 - a :]
        lp = _one_sided(c, score[a3:b3], info[a3:b3], 1.0, need_log)
        if logp is not None:
            logp[a3:b3] = lp


def _moments(
    p: _Problem, s: _State, w: np.ndarray | None, need_log: bool = False, items: bool = True
) -> _Moments:
    """Score and information of every vote in its linear predictor; with ``items``, the gap
    derivatives; with ``need_log``, the (weighted) log-likelihood."""
    n_all = len(p.unit)
    lo, mid = p.n_low, p.n_low + p.n_mid
    score = np.empty(n_all)
    info = np.empty(n_all)
    logp = np.empty(n_all) if need_log else None
    pb = np.empty(mid - lo)
    b_mid = np.empty(mid - lo)
    _vote_moments(p, s, 0, n_all, (score, info, logp, pb, b_mid))
    n = n_all - lo
    gap_grad = gap_hess = cross = np.empty(0)
    if items:
        # gap derivatives: abstentions pull it up (through b), no votes down (through a)
        d1 = np.empty(n)
        d2 = np.empty(n)
        d1[: mid - lo] = pb
        d2[: mid - lo] = -b_mid * pb - pb * pb
        np.negative(score[mid:], out=d1[mid - lo :])
        np.negative(info[mid:], out=d2[mid - lo :])
        cross = np.empty(n)
        cross[: mid - lo] = pb * (b_mid - score[lo:mid])
        cross[mid - lo :] = info[mid:]
        if w is not None:
            d1 *= w[lo:]
            d2 *= w[lo:]
            cross *= w[lo:]
        gap_grad = p.item_sum(d1, 1)
        gap_hess = p.item_sum(d2, 1)
    total = np.nan
    if logp is not None:
        total = float(logp.sum() if w is None else logp @ w)
    return _Moments(score, info, total, gap_grad, gap_hess, cross)


def _step_theta(p: _Problem, s: _State, m: _Moments, w: np.ndarray | None) -> None:
    """One Newton step for all country chains at once (tridiagonal, block-diagonal system)."""
    b = s.beta[p.item]
    sc = m.score * b
    inf = m.info * b * b
    if w is not None:
        sc = sc * w
        inf = inf * w
    grad = np.bincount(p.unit, weights=sc, minlength=p.n_units)
    hdiag = np.bincount(p.unit, weights=inf, minlength=p.n_units)
    # prior gradient: -P theta
    ptheta = p.diag_prior * s.theta
    ptheta[:-1] += p.off_prior * s.theta[1:]
    ptheta[1:] += p.off_prior * s.theta[:-1]
    grad -= ptheta
    ab = np.zeros((3, p.n_units))
    ab[0, 1:] = p.off_prior
    ab[1] = p.diag_prior + hdiag
    ab[2, :-1] = p.off_prior
    # Newton step restricted to the tangent space of {mean 0, sd 1}: the likelihood cannot see
    # moves along 1 (location) or theta (scale), so the step is projected off them with two
    # Lagrange multipliers (H d = g - A'lambda, A d = 0, A = [1, theta]').
    rhs = np.column_stack([grad, np.ones(p.n_units), s.theta])
    sol = linalg.solve_banded((1, 1), ab, rhs, check_finite=False)
    a_sol = rhs[:, 1:].T @ sol  # A H^-1 [g, 1, theta]
    lam = np.linalg.solve(a_sol[:, 1:], a_sol[:, 0])
    s.theta = s.theta + sol[:, 0] - sol[:, 1:] @ lam


def _step_items(p: _Problem, s: _State, m: _Moments, w: np.ndarray | None) -> None:
    """One Newton step for every roll call: ``(alpha, beta, gap)`` jointly where all three vote
    categories occur (3x3), ``(alpha, beta)`` otherwise (2x2). The ordered-probit log-likelihood
    is concave in these (Pratt 1981); a step that would more than halve a gap is shortened."""
    x = s.theta[p.unit]
    h = m.info if w is None else m.info * w
    r = m.score if w is None else m.score * w
    prec = p.item_prec
    hx = h * x
    s00 = p.item_sum(h) + prec
    s01 = p.item_sum(hx)
    s11 = p.item_sum(hx * x) + prec
    g0 = p.item_sum(r) - prec * s.alpha
    g1 = p.item_sum(r * x) - prec * s.beta
    det = s00 * s11 - s01 * s01
    d_alpha = (s11 * g0 - s01 * g1) / det
    d_beta = (s00 * g1 - s01 * g0) / det
    t = np.flatnonzero(p.three & (m.gap_hess < 0))
    if len(t):
        lo = p.n_low
        c = m.cross
        s0g = -p.item_sum(c, 1)[t]
        s1g = -p.item_sum(c * x[lo:], 1)[t]
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
    value = np.empty(len(p.unit))
    value[: p.n_low] = -1.0
    value[p.n_low : p.n_low + p.n_mid] = 0.0
    value[p.n_low + p.n_mid :] = 1.0
    n_rc = int(p.rc.max()) + 1
    centre = np.bincount(p.rc, weights=value, minlength=n_rc) / np.maximum(
        np.bincount(p.rc, minlength=n_rc), 1
    )
    value -= centre[p.rc]
    n_c = int(p.country.max()) + 1
    flat = p.country[p.unit] * n_rc + p.rc
    mat = np.bincount(flat, weights=value, minlength=n_c * n_rc).reshape(n_c, n_rc)
    # leading right singular vector, through the small country x country Gram matrix (eigh is
    # far cheaper than a full SVD of the wide matrix)
    _, vec = np.linalg.eigh(mat @ mat.T)
    load = mat.T @ vec[:, -1]
    sums = np.bincount(p.unit, weights=value * load[p.rc], minlength=p.n_units)
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
    m = _moments(p, s, w, need_log=True)
    loglik = m.loglik
    logpost = loglik + _log_prior(p, s)
    _step_items(p, s, m, w)
    _step_theta(p, s, _moments(p, s, w, items=False), w)
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
        m = _moments(p, state, None)
        b = state.beta[p.item]
        hdiag = np.bincount(p.unit, weights=m.info * b * b, minlength=p.n_units)
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
    # thread only slows down (and it would compete with the caller's other work)
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
