"""Dynamic ideal points from UN votes: simulated recovery, known cases, stability, bad input."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from powerscope.alignment import idealpoints as ip
from powerscope.alignment.idealpoints import IdealPoints, agreement_with, fit_idealpoints
from powerscope.errors import DataFormatError, SpecError

WEST = ["GBR", "FRA", "DEU", "NLD", "ISR"]
FAR = ["RUS", "CUB", "PRK", "IRN", "SYR"]


def simulate(
    n_countries: int = 60, n_years: int = 10, per_year: int = 30, tau: float = 0.2, seed: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Votes drawn from the model itself: random-walk positions, ordered-probit roll calls
    (yes < abstain < no). The country with the highest mean position is called USA."""
    rng = np.random.default_rng(seed)
    theta = np.empty((n_countries, n_years))
    theta[:, 0] = rng.normal(size=n_countries)
    for t in range(1, n_years):
        theta[:, t] = theta[:, t - 1] + rng.normal(scale=tau, size=n_countries)
    codes = [f"C{i:02d}" for i in range(n_countries)]
    codes[int(np.argmax(theta.mean(axis=1)))] = "USA"
    rows: list[tuple[int, str, int]] = []
    calls: list[tuple[int, int]] = []
    rcid = 0
    for t in range(n_years):
        for _ in range(per_year):
            rcid += 1
            beta, alpha, gap = rng.normal(scale=1.5), rng.normal(), rng.uniform(0.3, 1.0)
            ystar = alpha + beta * theta[:, t] + rng.normal(size=n_countries)
            vote = np.where(ystar < 0, 1, np.where(ystar < gap, 2, 3))
            calls.append((rcid, t + 1))
            rows.extend((rcid, codes[i], int(vote[i])) for i in range(n_countries))
    truth = pd.DataFrame(
        {
            "code": np.repeat(codes, n_years),
            "session": np.tile(np.arange(1, n_years + 1), n_countries),
            "true": theta.ravel(),
        }
    )
    return (
        pd.DataFrame(rows, columns=["rcid", "code", "vote"]),
        pd.DataFrame(calls, columns=["rcid", "session"]),
        truth,
    )


@pytest.fixture(scope="module")
def simulated() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return simulate()


@pytest.fixture(scope="module")
def un() -> tuple[pd.DataFrame, pd.DataFrame]:
    from powerscope.data.store import SnapshotStore

    store = SnapshotStore()
    return store.table("un_votes"), store.table("un_roll_calls")


@pytest.fixture(scope="module")
def recent(un: tuple[pd.DataFrame, pd.DataFrame]) -> tuple[IdealPoints, float]:
    """All sessions 2000-2019 (3,816 country-sessions), timed."""
    votes, calls = un
    t0 = time.perf_counter()
    fit = fit_idealpoints(votes, calls, start=2000, end=2019)
    return fit, time.perf_counter() - t0


# ---- numerics ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [(-np.inf, -1.3), (-np.inf, 4.0), (-np.inf, -30.0), (0.7, np.inf), (-6.0, np.inf),
     (35.0, np.inf), (-0.4, 0.9), (2.0, 2.5), (-9.0, -8.2), (12.0, 12.001), (-1e-3, 1e-3)],
)  # fmt: skip
def test_truncated_normal_moments_match_scipy_even_in_the_tails(a: float, b: float) -> None:
    dist = stats.truncnorm(a, b)
    mean, var = float(dist.mean()), float(dist.var())
    logp = float(np.log(stats.norm.cdf(b) - stats.norm.cdf(a))) if max(a, -b) < 8 else None
    if np.isinf(a):
        score, info = np.empty(1), np.empty(1)
        got_log = ip._one_sided(np.array([-b]), score, info, True)  # -z > -b
        score = -score
    elif np.isinf(b):
        score, info = np.empty(1), np.empty(1)
        got_log = ip._one_sided(np.array([a]), score, info, True)
    else:
        score, info = np.empty(1), np.empty(1)
        got_log, _ = ip._between(np.array([a]), np.array([b]), score, info, True)
    assert score[0] == pytest.approx(mean, rel=1e-7, abs=1e-9)
    assert info[0] == pytest.approx(1.0 - var, rel=1e-5, abs=1e-8)
    assert np.isfinite(got_log)
    if logp is not None:
        assert got_log == pytest.approx(logp, rel=1e-8, abs=1e-12)


def test_moments_at_a_bound_of_signed_zero() -> None:
    """A bound of exactly 0 or -0.0 (alpha = beta = 0 at the start gives -mu = -0.0) reads the
    same either way: the sign indicator and the sign the formulas copy agree."""
    score, info = np.empty(2), np.empty(2)
    got = ip._one_sided(np.array([0.0, -0.0]), score, info, True)
    assert score == pytest.approx(np.sqrt(2 / np.pi), rel=1e-13)
    assert info == pytest.approx(2 / np.pi, rel=1e-13)
    assert got == pytest.approx(2 * np.log(0.5), rel=1e-13)
    for a, b in [(0.0, 1.0), (-0.0, 1.0), (-1.0, -0.0), (-1.0, 0.0)]:
        dist = stats.truncnorm(a, b)
        got, _ = ip._between(np.array([a]), np.array([b]), score[:1], info[:1], True)
        assert score[0] == pytest.approx(float(dist.mean()), rel=1e-12)
        assert info[0] == pytest.approx(1.0 - float(dist.var()), rel=1e-11)
        assert got == pytest.approx(np.log(stats.norm.cdf(b) - stats.norm.cdf(a)), rel=1e-12)


def test_diagonal_of_a_tridiagonal_inverse() -> None:
    rng = np.random.default_rng(0)
    n = 12
    off = -rng.uniform(0.5, 2.0, n - 1)
    off[4] = 0.0  # two independent chains
    diag = np.abs(np.r_[off, 0.0]) + np.abs(np.r_[0.0, off]) + rng.uniform(0.1, 1.0, n)
    dense = np.diag(diag) + np.diag(off, 1) + np.diag(off, -1)
    assert ip._tridiag_inverse_diag(diag, off) == pytest.approx(np.diag(np.linalg.inv(dense)))


# ---- simulated recovery ------------------------------------------------------------------


def test_recovers_simulated_positions(simulated) -> None:  # type: ignore[no-untyped-def]
    votes, calls, truth = simulated
    fit = fit_idealpoints(votes, calls, tau=0.2)
    assert fit.converged
    merged = fit.frame.merge(truth, on=["code", "session"])
    assert len(merged) == 600
    corr = np.corrcoef(merged["idealpoint"], merged["true"])[0, 1]
    assert corr > 0.95  # 0.983; oriented by "USA", no sign flip needed
    # year-to-year moves are recovered too, if less well (30 roll calls a year)
    moves = merged.sort_values(["code", "session"]).groupby("code")[["idealpoint", "true"]].diff()
    assert moves.dropna().corr().iloc[0, 1] > 0.5
    # a wrong tau (4 times too small) still recovers the positions
    smooth = fit_idealpoints(votes, calls, tau=0.05).frame.merge(truth, on=["code", "session"])
    assert np.corrcoef(smooth["idealpoint"], smooth["true"])[0, 1] > 0.95


def test_log_posterior_never_falls(simulated) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = simulated
    fit = fit_idealpoints(votes, calls)
    trace = np.array(fit.logpost)
    assert np.all(np.diff(trace) >= -1e-6 * np.abs(trace[1:]))
    assert fit.iterations == len(fit.loglik) == len(fit.changes)
    assert fit.changes[-1] < fit.settings["tol"]


def test_bootstrap_is_reproducible_and_seeds_agree(simulated) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = simulated

    def boot(seed: int, n_boot: int) -> pd.DataFrame:
        fit = fit_idealpoints(
            votes, calls, seed=seed, n_boot=n_boot, interval="bootstrap", boot_iter=3
        )
        return fit.frame

    a, b = boot(1, 60), boot(2, 60)
    once, again = boot(3, 4), boot(3, 4)
    pd.testing.assert_frame_equal(once, again)
    # same point estimate; intervals close between seeds (60 replicates each)
    assert np.array_equal(a["idealpoint"], b["idealpoint"])
    width_a, width_b = a["upper"] - a["lower"], b["upper"] - b["lower"]
    assert np.median(np.abs(width_a - width_b) / width_a) < 0.2
    assert np.median(np.abs(a["lower"] - b["lower"])) < 0.05
    assert np.median(np.abs(a["upper"] - b["upper"])) < 0.05
    assert ((a["lower"] <= a["idealpoint"]) & (a["idealpoint"] <= a["upper"])).all()


# ---- the UN data: known cases ------------------------------------------------------------


def test_subset_fit_is_fast_and_converges(recent) -> None:  # type: ignore[no-untyped-def]
    fit, seconds = recent
    assert fit.converged
    assert seconds < 30  # about 3 s on an idle 2-core machine
    assert fit.frame["year"].between(2000, 2019).all()
    assert fit.frame["idealpoint"].mean() == pytest.approx(0.0, abs=1e-9)
    assert fit.frame["idealpoint"].std(ddof=0) == pytest.approx(1.0, abs=1e-9)


def test_west_and_israel_near_the_us_pole_adversaries_far(recent) -> None:  # type: ignore[no-untyped-def]
    fit, _ = recent
    f = fit.frame[fit.frame["year"] >= 2010]
    mean = f.groupby("code")["idealpoint"].mean()
    world_median = mean.median()
    assert mean["USA"] == mean.max()
    assert (mean[WEST] > 1.0).all()
    assert (mean[WEST] > mean.quantile(0.85)).all()
    # every adversary below every Western country, by a wide margin
    assert mean[FAR].max() < mean[WEST].min() - 1.0
    # Cuba, North Korea, Iran and Syria below the world median; all farther from the US
    assert (mean[["CUB", "PRK", "IRN", "SYR"]] < world_median).all()
    dist = (mean["USA"] - mean).abs()
    assert dist[FAR].min() > dist[WEST].max() + 1.0


def test_correlates_with_agreement_with_the_us(recent, un) -> None:  # type: ignore[no-untyped-def]
    fit, _ = recent
    votes, calls = un
    agree = agreement_with(votes, calls, "USA")
    merged = fit.frame.merge(agree, on=["code", "session"])
    merged = merged[merged["code"] != "USA"]
    pooled = np.corrcoef(merged["idealpoint"], merged["agreement"])[0, 1]
    within = (
        merged.groupby("session")[["idealpoint", "agreement"]]
        .corr()
        .xs("idealpoint", level=1)["agreement"]
    )
    assert pooled > 0.7
    assert within.min() > 0.6


def test_same_inputs_same_estimates(un) -> None:  # type: ignore[no-untyped-def]
    votes, calls = un
    a = fit_idealpoints(votes, calls, start=2016, end=2019)
    b = fit_idealpoints(votes, calls, start=2016, end=2019, seed=99)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(a.roll_calls, b.roll_calls)
    assert a.logpost == b.logpost


def test_country_queries_and_distances(recent) -> None:  # type: ignore[no-untyped-def]
    fit, _ = recent
    usa = fit.idealpoints("usa")
    assert list(usa.columns) == ["year", "session", "idealpoint", "lower", "upper", "se", "n_votes"]
    assert len(usa) == 20 and (usa["lower"] < usa["idealpoint"]).all()
    assert (usa["idealpoint"] < usa["upper"]).all()
    gbr, cub = fit.distance("USA", "GBR"), fit.distance("USA", "CUB")
    assert list(gbr.columns) == ["year", "session", "distance", "lower", "upper"]
    assert (gbr["distance"] < cub["distance"]).all()
    assert ((gbr["lower"] <= gbr["distance"]) & (gbr["distance"] <= gbr["upper"])).all()
    assert (fit.distance("GBR", "GBR")["distance"] == 0).all()
    # a country name resolves through the country registry
    assert fit.idealpoints("United Kingdom")["idealpoint"].equals(
        fit.idealpoints("GBR")["idealpoint"]
    )


def test_roll_call_table(recent, un) -> None:  # type: ignore[no-untyped-def]
    fit, _ = recent
    votes, _ = un
    rc = fit.roll_calls
    assert {"rcid", "session", "year", "discrimination", "cut_low", "cut_high"} <= set(rc)
    assert (rc["cut_high"] >= rc["cut_low"]).all()
    assert rc["rcid"].is_unique and rc["year"].between(2000, 2019).all()
    three = rc["categories"] == "yes/abstain/no"
    assert three.mean() > 0.5
    assert (rc.loc[three, "cut_high"] - rc.loc[three, "cut_low"] >= ip.GAP_MIN).all()
    assert (rc.loc[~three, "cut_high"] == rc.loc[~three, "cut_low"]).all()
    assert set(rc["categories"]) <= {"yes/abstain/no", "yes/abstain", "yes/no", "abstain/no"}
    # positive discrimination: the US side (high positions) votes on the no side, and vice versa
    us = votes.loc[votes["code"] == "USA", ["rcid", "vote"]]
    sharp = rc.merge(us, on="rcid").query("abs(discrimination) > 1")
    assert ((sharp["discrimination"] > 0) == (sharp["vote"] != 1)).mean() > 0.95


def test_bridging_ties_identical_resolutions(un) -> None:  # type: ignore[no-untyped-def]
    votes, calls = un
    plain = fit_idealpoints(votes, calls, start=2010, end=2019)
    bridged = fit_idealpoints(votes, calls, start=2010, end=2019, bridge=True)
    assert bridged.roll_calls["item"].nunique() < plain.roll_calls["item"].nunique()
    tied = bridged.roll_calls.groupby("item").filter(lambda g: len(g) > 1)
    assert tied.groupby("item")["session"].nunique().eq(tied.groupby("item").size()).all()
    assert tied.groupby("item")["discrimination"].nunique().eq(1).all()
    corr = plain.frame["idealpoint"].corr(bridged.frame["idealpoint"])
    assert corr > 0.97


# ---- bad input ---------------------------------------------------------------------------


def test_votes_outside_1_2_3_are_a_data_format_error(simulated) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = simulated
    bad = votes.copy()
    bad.loc[5, "vote"] = 8
    with pytest.raises(DataFormatError, match=r"outside 1 \(yes\), 2 \(abstain\), 3 \(no\)"):
        fit_idealpoints(bad, calls)
    bad.loc[5, "vote"] = None
    with pytest.raises(DataFormatError, match="row 5"):
        fit_idealpoints(bad, calls)


def test_missing_columns_and_unknown_roll_calls(simulated) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = simulated
    with pytest.raises(DataFormatError, match="lacks column"):
        fit_idealpoints(votes.drop(columns="vote"), calls)
    with pytest.raises(DataFormatError, match="missing from calls"):
        fit_idealpoints(votes, calls[calls["rcid"] > 10])
    with pytest.raises(DataFormatError, match="duplicate vote"):
        fit_idealpoints(pd.concat([votes, votes.iloc[[7]]]), calls)


def test_one_session_and_no_anchor(simulated) -> None:  # type: ignore[no-untyped-def]
    votes, calls, truth = simulated
    one = fit_idealpoints(votes, calls, start=1950, end=1950)
    assert one.converged and one.frame["year"].eq(1950).all() and len(one.frame) == 60
    # without the USA the orientation is arbitrary, the fit otherwise the same up to sign
    rest = fit_idealpoints(votes[votes["code"] != "USA"], calls)
    assert rest.settings["anchor"] is None
    merged = rest.frame.merge(truth, on=["code", "session"])
    assert abs(np.corrcoef(merged["idealpoint"], merged["true"])[0, 1]) > 0.95


def test_year_range_without_votes_is_a_spec_error(simulated) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = simulated
    with pytest.raises(SpecError, match="year 2030 is outside the UN votes") as info:
        fit_idealpoints(votes, calls, start=2030)
    assert info.value.parameter == "start"
    years = (calls["session"] + 1945).astype(int)
    with pytest.raises(SpecError, match=f"cover sessions opening in {years.min()}-{years.max()}"):
        fit_idealpoints(votes, calls, end=int(years.max()) + 1)
    with pytest.raises(SpecError, match="ends before it starts"):
        fit_idealpoints(votes, calls, start=1950, end=1949)


def test_bad_settings_are_spec_errors(simulated) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = simulated
    for kw in ({"tau": 0}, {"interval": "mcmc"}, {"level": 1.5}, {"item_sd": -1}):
        with pytest.raises(SpecError):
            fit_idealpoints(votes, calls, **kw)  # type: ignore[arg-type]


def test_unknown_country_names_the_close_ones(simulated) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = simulated
    fit = fit_idealpoints(votes, calls, max_iter=3)
    with pytest.raises(SpecError, match=r"'UAS'.*closest: USA"):
        fit.idealpoints("UAS")
    with pytest.raises(SpecError, match=r"'C1'.*closest: C\d\d"):
        fit.distance("USA", "C1")
    with pytest.raises(SpecError, match="closest: USA"):
        agreement_with(votes, calls, "USB")


# ---- speed-ups keep the estimates ----------------------------------------------------------


def test_fast_erfcx_matches_scipy() -> None:
    from scipy.special import erfcx

    x = np.r_[np.linspace(-26.0, 60.0, 200_001), -np.geomspace(1e-9, 26, 5001), 0.0]
    x = np.r_[x, np.geomspace(1e-9, 1e6, 5001), np.inf]
    got, want = ip._erfcx(x), erfcx(x)
    assert got[-1] == 0.0
    assert np.max(np.abs(got[:-1] / want[:-1] - 1.0)) < 1e-14


def test_repeat_fits_are_bitwise_identical(simulated) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = simulated
    a = fit_idealpoints(votes, calls)
    b = fit_idealpoints(votes, calls)
    assert a.settings["blas_threads"] == 1
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    pd.testing.assert_frame_equal(a.roll_calls, b.roll_calls, check_exact=True)
    assert a.logpost == b.logpost and a.changes == b.changes
    # the estimator called directly, with BLAS on one thread as in the fit: the same bits
    from threadpoolctl import threadpool_limits

    p, *_ = ip._prepare(votes, calls, None, None, 0.2, False, 1.0)
    with threadpool_limits(limits=1, user_api="blas"):
        state, trace = ip._estimate(p, ip._start(p), max_iter=500, tol=1e-4)
    assert np.array_equal(state.theta, a.frame["idealpoint"].to_numpy())
    assert tuple(trace.logpost) == a.logpost


def test_block_sums_of_the_moments_are_those_of_the_votes(simulated, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = simulated
    p, *_ = ip._prepare(votes, calls, None, None, 0.2, False, 1.0)
    state = ip._start(p)
    w = np.random.default_rng(3).random(len(p.unit))
    serial = [ip._moments(p, state, w, need_log=True, stats=s) for s in ("items", "units")]
    # the country step's call read the positions the roll-call step's call gathered: the same
    # bits as gathering them again
    assert p.x_theta is None
    fresh = ip._moments(p, state, w, need_log=True, stats="units")
    assert np.array_equal(fresh.grad, serial[1].grad)
    assert np.array_equal(fresh.hdiag, serial[1].hdiag)
    # smaller blocks (runs of a roll call's votes split across blocks): the same sums
    monkeypatch.setattr(ip, "_BLOCK", 1000)
    small, *_ = ip._prepare(votes, calls, None, None, 0.2, False, 1.0)
    assert len(small.blocks) > 3 * len(p.blocks)
    again = [ip._moments(small, state, w, need_log=True, stats=s) for s in ("items", "units")]
    for a, b in zip(serial, again, strict=True):
        assert a.loglik == pytest.approx(b.loglik, rel=1e-13)
        for name in ip._SUMS:
            np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-12, atol=1e-12)
    # the sums are those of the votes one by one
    mu = state.alpha[p.item] + state.beta[p.item] * state.theta[p.unit]
    lo, mid = p.n_low, p.n_low + p.n_mid
    cut = np.r_[-np.inf * np.ones(lo), np.zeros(len(mu) - lo)]
    cut[mid:] = state.gap[p.item[mid:]]
    top = np.r_[np.zeros(lo), state.gap[p.item[lo:mid]], np.inf * np.ones(len(mu) - mid)]
    prob = stats.norm.cdf(top - mu) - stats.norm.cdf(cut - mu)
    assert serial[0].loglik == pytest.approx(float(np.log(prob) @ w), rel=1e-12)
    score = (stats.norm.pdf(cut - mu) - stats.norm.pdf(top - mu)) / prob
    b = state.beta[p.item]
    grad = np.bincount(p.unit, weights=score * b * w, minlength=p.n_units)
    np.testing.assert_allclose(serial[1].grad, grad, rtol=1e-9, atol=1e-12)


def test_country_codes_as_categories_and_duplicates_found_by_sorting(
    simulated, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = simulated
    plain = fit_idealpoints(votes, calls)
    codes = [*sorted(votes["code"].unique())[::-1], "ZZZ"]  # another order, an unused code
    as_category = votes.assign(code=pd.Categorical(votes["code"], categories=codes))
    again = fit_idealpoints(as_category, calls)
    assert again.frame["code"].tolist() == plain.frame["code"].tolist()
    assert np.array_equal(again.frame["idealpoint"], plain.frame["idealpoint"])
    monkeypatch.setattr(ip, "_PAIR_TABLE_SLACK", -(10**9))  # sort the pairs, no table
    with pytest.raises(DataFormatError, match="1 duplicate vote"):
        fit_idealpoints(pd.concat([as_category, as_category.iloc[[7]]]), calls)
    assert fit_idealpoints(votes, calls).logpost == plain.logpost


# Estimates of the implementation before the vectorised preparation, the tabulated erfcx and
# one-thread BLAS (commit 9d2659d): every 75th position and standard error of the simulated fit,
# every 97th position of the 2016-2019 UN fit. The same cycles and sweeps; positions within 1e-9.
REFERENCE_SIMULATED = [0.2511121559481589, 1.051006587157331, 0.5489126550790221,
    0.5570744188319524, -1.1366340495241982, -1.0991769183707418, 0.1599016333129371,
    -0.4817588021445571]  # fmt: skip
REFERENCE_SIMULATED_SE = [0.14863746988257817, 0.15961855882574602, 0.15189914925135017,
    0.1446885006803078, 0.205116317936023, 0.17106441741261286, 0.1434136631016107,
    0.15371510609747843]  # fmt: skip
#: every 97th row (rows by country code, then year): Serbia's votes after June 2006 are coded
#: SRB (they were YUG), which moves the last sampled row to another country
REFERENCE_UN_2016_2019 = [-0.42097578679437575, -0.23642913218783418, -0.30275481889411043,
    0.07869125898526498, -0.08739026813314932, -0.5963509767919274, 1.4344887591691375,
    -0.5065816808841019]  # fmt: skip


def test_estimates_match_the_reference_implementation(simulated, un) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = simulated
    fit = fit_idealpoints(votes, calls, tau=0.2)
    assert (fit.iterations, fit.sweeps) == (6, 18)
    assert fit.logpost[-1] == pytest.approx(-11396.332910104813, rel=1e-12)
    theta = fit.frame["idealpoint"].to_numpy()[::75]
    se = fit.frame["se"].to_numpy()[::75]
    np.testing.assert_allclose(theta, REFERENCE_SIMULATED, rtol=0, atol=1e-9)
    np.testing.assert_allclose(se, REFERENCE_SIMULATED_SE, rtol=0, atol=1e-9)
    un_votes, un_calls = un
    recent4 = fit_idealpoints(un_votes, un_calls, start=2016, end=2019)
    assert recent4.iterations == 6
    assert recent4.logpost[-1] == pytest.approx(-20863.28166995946, rel=1e-12)
    np.testing.assert_allclose(
        recent4.frame["idealpoint"].to_numpy()[::97], REFERENCE_UN_2016_2019, rtol=0, atol=1e-9
    )
