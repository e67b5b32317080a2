"""Dynamic ideal points, speed and figures: all UN General Assembly sessions in the snapshot.

Prints JSON: seconds (load, fit: wall, median of ``--repeat`` fits, and CPU), peak RSS of the
process (after loading the libraries and the vote tables, then after the fits), iterations
(SQUAREM cycles) and sweeps, convergence, the BLAS threads during the fit (pinned to one),
whether repeated fits are bitwise identical,
country-years, roll calls, votes; the correlation with each country's yearly agreement with the
US; and the positions (90% intervals) of a few countries in 1991, 2005 and 2019. All sessions in
the snapshot: 1946-2025. Target: the full fit in under 4 s wall and the process (libraries,
tables and fit) under 250 MB peak on a 2-core machine.

Options: ``--repeat N`` fits N times (median wall and CPU, bitwise comparison); ``--cv`` also
scores held-out votes (10% at random, fitted with weight 0) for a grid of ``item_sd`` and ``tau``
(the table in docs/idealpoints.md; several minutes); ``--bootstrap N`` adds a bootstrap of N
replicates to compare with the Laplace intervals.

Usage: python benchmarks/bench_idealpoints.py [--repeat N] [--cv] [--bootstrap N]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from typing import Any

import numpy as np

COUNTRIES = ["USA", "GBR", "ISR", "KOR", "JPN", "CHN", "RUS", "CUB", "PRK", "IRN"]
YEARS = [1991, 2005, 2019]


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def _positions(frame: Any) -> dict[str, dict[str, str]]:
    """``{year: {code: "position [lower, upper]"}}``."""
    out: dict[str, dict[str, str]] = {}
    for year in YEARS:
        sub = frame[frame["year"] == year].set_index("code")
        out[str(year)] = {
            c: f"{sub.at[c, 'idealpoint']:.2f} [{sub.at[c, 'lower']:.2f}, {sub.at[c, 'upper']:.2f}]"
            for c in COUNTRIES
            if c in sub.index
        }
    return out


def cross_validate(
    votes: Any,
    calls: Any,
    item_sds: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0),
    taus: tuple[float, ...] = (0.02, 0.05, 0.1, 0.2, 0.4),
) -> list[dict[str, Any]]:
    """Held-out log-likelihood per vote for a grid of settings (same 10% of votes held out)."""
    from scipy.special import ndtr
    from threadpoolctl import threadpool_limits

    from powerscope.alignment import idealpoints as ip

    rows = []
    for item_sd in item_sds:
        for tau in taus:
            start = time.perf_counter()
            p, *_ = ip._prepare(votes, calls, None, None, tau, False, item_sd)
            hold = np.random.default_rng(12345).random(len(p.unit)) < 0.10
            with threadpool_limits(limits=1, user_api="blas"):  # as in fit_idealpoints
                state, trace = ip._estimate(
                    p, ip._start(p), max_iter=200, tol=1e-4, w=(~hold).astype(float)
                )
            cat = np.repeat([0, 1, 2], [p.n_low, p.n_mid, len(p.unit) - p.n_low - p.n_mid])
            # score only held-out votes in a category their roll call also has in training
            # (otherwise no setting can predict them and the gap or cutpoint runs off)
            seen = np.zeros((p.n_items, 3))
            np.add.at(seen, (p.item[~hold], cat[~hold]), 1.0)
            scored_votes = hold & (seen[p.item, cat] > 0)
            scored = ip._moments(p, state, scored_votes.astype(float), need_log=True, stats=None)
            mu = state.alpha[p.item] + state.beta[p.item] * state.theta[p.unit]
            gap = state.gap[p.item]
            probs = np.stack(
                [ndtr(-mu), ndtr(gap - mu) - ndtr(-mu), ndtr(mu - gap)], axis=1
            )  # yes side, abstain, no side
            right = probs.argmax(axis=1) == cat
            rows.append(
                {
                    "item_sd": item_sd,
                    "tau": tau,
                    "heldout_loglik_per_vote": round(scored.loglik / scored_votes.sum(), 4),
                    "heldout_modal_accuracy": round(float(right[scored_votes].mean()), 4),
                    "heldout_votes": int(scored_votes.sum()),
                    "heldout_unscorable": int((hold & ~scored_votes).sum()),
                    "cycles": len(trace.changes),
                    "converged": trace.converged,
                    "seconds": round(time.perf_counter() - start, 1),
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1, help="fits to time (median)")
    parser.add_argument("--cv", action="store_true", help="score held-out votes on a grid")
    parser.add_argument("--bootstrap", type=int, default=0, help="bootstrap replicates to add")
    args = parser.parse_args()

    start = time.perf_counter()
    from powerscope.alignment.idealpoints import agreement_with, fit_idealpoints
    from powerscope.data.store import SnapshotStore

    store = SnapshotStore()
    # only the columns the fit and the checks below read (the vote table's "source" and the
    # roll calls' texts and dates would only add to the process's memory)
    votes = store.table("un_votes", columns=["rcid", "code", "vote"])
    calls = store.table("un_roll_calls", columns=["rcid", "session"])
    loaded = time.perf_counter()
    peak_loaded = _peak_rss_mb()
    walls, cpus, identical = [], [], True
    fit = None
    for _ in range(max(args.repeat, 1)):
        t0, c0 = time.perf_counter(), time.process_time()
        again = fit_idealpoints(votes, calls)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        if fit is not None:
            identical &= bool(
                np.array_equal(fit.frame["idealpoint"], again.frame["idealpoint"])
                and np.array_equal(fit.frame["se"], again.frame["se"])
                and fit.logpost == again.logpost
            )
        fit = again
    assert fit is not None
    fitted = loaded + walls[0]
    peak_fit = _peak_rss_mb()  # before the checks below, which merge all votes in pandas
    frame = fit.frame
    agree = agreement_with(votes, calls, "USA").merge(frame, on=["code", "session"])
    agree = agree[agree["code"] != "USA"]
    within = (
        agree.groupby("session")[["idealpoint", "agreement"]]
        .corr()
        .xs("idealpoint", level=1)["agreement"]
    )
    recent = frame[frame["year"] >= 2010].groupby("code")["idealpoint"].mean()
    result: dict[str, Any] = {
        "years": f"{int(frame['year'].min())}-{int(frame['year'].max())}",
        "seconds_load": round(loaded - start, 2),
        "seconds": round(float(np.median(walls)), 2),
        "seconds_each": [round(s, 2) for s in walls],
        "cpu_seconds": round(float(np.median(cpus)), 2),
        "seconds_total": round(fitted - start, 2),
        "target_seconds": "< 4",
        "blas_threads": fit.settings["blas_threads"],
        "repeats_bitwise_identical": identical if len(walls) > 1 else None,
        "iterations": fit.iterations,
        "sweeps": fit.sweeps,
        "converged": fit.converged,
        "last_change": fit.changes[-1],
        "log_likelihood": round(fit.loglik[-1], 1),
        "country_years": len(frame),
        "countries": int(frame["code"].nunique()),
        "roll_calls": len(fit.roll_calls),
        "roll_calls_unanimous_dropped": int(calls["rcid"].nunique() - len(fit.roll_calls)),
        "votes": int(frame["n_votes"].sum()),
        "peak_rss_mb_libraries_and_tables": peak_loaded,
        "peak_rss_mb": peak_fit,
        "target_peak_rss_mb": "< 250",
        "corr_with_us_agreement_pooled": round(
            float(np.corrcoef(agree["idealpoint"], agree["agreement"])[0, 1]), 3
        ),
        "corr_with_us_agreement_within_session_median": round(float(within.median()), 3),
        "corr_with_us_agreement_within_session_min": round(float(within.min()), 3),
        "spearman_with_us_agreement_pooled": round(
            float(agree[["idealpoint", "agreement"]].corr("spearman").iloc[0, 1]), 3
        ),
        "mean_2010_2019": {
            c: round(float(recent[c]), 2)
            for c in ["USA", "ISR", "GBR", "FRA", "DEU", "NLD", "RUS", "CUB", "PRK", "IRN", "SYR"]
        },
        "world_median_2010_2019": round(float(recent.median()), 2),
        "median_interval_width": round(float((frame["upper"] - frame["lower"]).median()), 3),
        "positions": _positions(frame),
        "peak_rss_mb_with_agreement_checks": _peak_rss_mb(),
    }
    if args.bootstrap:
        t0 = time.perf_counter()
        boot = fit_idealpoints(votes, calls, interval="bootstrap", n_boot=args.bootstrap)
        result["bootstrap"] = {
            "replicates": args.bootstrap,
            "seconds": round(time.perf_counter() - t0, 1),
            "median_interval_width": round(
                float((boot.frame["upper"] - boot.frame["lower"]).median()), 3
            ),
            "positions": _positions(boot.frame),
            "peak_rss_mb": _peak_rss_mb(),
        }
    if args.cv:
        result["cross_validation"] = cross_validate(votes, calls)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
