"""The dynamic outlook: baseline projection with bands, policy effects, loops, backtest."""

from __future__ import annotations

from typing import Any

from powerscope.brief.sections.context import BriefContext
from powerscope.brief.sections.model import Chart, Fact, Note, Section, Table
from powerscope.errors import PowerscopeError

#: the backtest's series as a reader names them
SERIES_NAMES = {
    "gdp": "GDP",
    "rd_intensity": "R&D, % of GDP",
    "researchers": "researchers",
    "articles": "journal articles",
    "patents": "patent applications",
    "hightech_exports": "high-tech exports",
    "milex": "military spending",
    "arms_exports": "arms exports (3-year sums)",
}


def dynamics_section(ctx: BriefContext) -> Section:
    """The dynamic outlook: baseline projection with bands, policy effects, loops, backtest."""
    from powerscope.dynamics.backtest import LABELS, backtest_origins
    from powerscope.dynamics.calibrate import calibrate
    from powerscope.dynamics.loops import loop_analysis
    from powerscope.dynamics.scenario import load_scenario
    from powerscope.dynamics.service import scenario_report

    section = Section("dynamics", "Dynamic outlook: the science, economy and defence loop")
    src = ("wdi", "sipri_milex", "sipri_arms")
    runs = min(ctx.runs, 2000)
    section.commands = [
        f"powerscope dynamics backtest {ctx.code}",
        f"powerscope dynamics run {ctx.code} --years 2025-2050",
        f"powerscope dynamics run {ctx.code} --scenario thousand-talents --years 2025-2050",
        f"powerscope dynamics run {ctx.code} --scenario rd-boost --years 2025-2050",
        f"powerscope dynamics loops {ctx.code}",
    ]
    try:
        cal = calibrate(ctx.code, store=ctx.store)
        test = backtest_origins(ctx.code, runs=200, seed=ctx.seed, store=ctx.store)
    except PowerscopeError as error:
        section.notes.append(Note(f"The dynamic model cannot be calibrated for {ctx.name}: "
                                  f"{error.what}.", ("wdi",)))  # fmt: skip
        return section
    years = (cal.start + 2, 2050)
    base = scenario_report(ctx.code, None, years=years, runs=runs, seed=ctx.seed,
                           calibration=cal, store=ctx.store)  # fmt: skip
    series = {s["name"]: s for s in base["series"]}
    wanted = [y for y in (2030, 2040, 2050) if y in base["years"]]
    rows = []
    for name, label in (("gdp", "GDP, US$ bn (2015)"), ("rd_intensity", "R&D, % of GDP"),
                        ("researchers", "researchers, thousand FTE"),
                        ("articles", "journal articles"), ("milex", "military spending, US$ bn"),
                        ("arms_exports", "arms exports, TIV m")):  # fmt: skip
        s = series[name]
        cells = []
        for year in wanted:
            i = base["years"].index(year)
            cells.append(f"{_num(s['median'][i])} ({_num(s['p05'][i])}-{_num(s['p95'][i])})")
        rows.append((label, *cells))
    section.tables.append(
        Table(
            f"Baseline projection: median and 5th-95th percentiles of {runs:,} runs",
            ("series", *[str(y) for y in wanted]),
            tuple(rows),
            src,
            note="Calibrated on 1996-" + str(cal.start) + "; bands reflect parameter uncertainty. "
            "Labour force and population: " + base["demography"]["source"] + ".",
        )
    )
    effects = []
    reports: dict[str, dict[str, Any]] = {}
    policies = ["thousand-talents", "rd-boost", "cuts"]
    for name in policies:
        report = reports[name] = scenario_report(
            ctx.code, load_scenario(name), years=years, runs=runs, seed=ctx.seed,
            calibration=cal, store=ctx.store,
        )  # fmt: skip
        h = report["headline"]
        effects.append(
            (report["scenario"]["title"],
             *(f"{h[k]['effect_median']:+.2f}% ({h[k]['effect_p05']:+.2f} to "
               f"{h[k]['effect_p95']:+.2f})" for k in ("articles", "knowledge", "gdp")))
        )  # fmt: skip
    section.tables.append(
        Table(
            f"Policy scenarios: effect in {years[1]} against the baseline (run by run)",
            ("scenario", "journal articles", "knowledge stock", "GDP"),
            tuple(effects),
            src,
        )
    )
    talent = reports["thousand-talents"]
    programme = (talent.get("talent") or {}).get("programme")
    if programme:
        section.notes.append(
            Note(
                f"A Thousand-Talents-scale programme {programme['text']} (Scholarly Migration "
                "Database, Scopus authors; recruits are researchers a year, not FTE).",
                ("scholarly_migration",),
            )
        )
    t_series = {s["name"]: s for s in talent["series"]}
    x = tuple(talent["years"])
    section.charts.append(
        Chart(
            "chart-dynamics-talent",
            "A Thousand-Talents-scale programme (800 recruits a year, 2026-2035): effect on "
            "journal articles",
            "line",
            x,
            {
                "median effect, %": tuple(t_series["articles"]["effect_median"]),
                "5th percentile": tuple(t_series["articles"]["effect_p05"]),
                "95th percentile": tuple(t_series["articles"]["effect_p95"]),
            },
            "year",
            "% vs baseline",
            src,
        )
    )
    loops = loop_analysis(cal, last=years[1])
    history = loops["history"]
    virtuous = [row["year"] for row in history if row["mode"] == "virtuous"]
    projected = [row["mode"] for row in loops["years"] if row["mode"] != "neutral"]
    mode = max(set(projected), key=projected.count) if projected else "neutral"
    section.notes.append(
        Note(
            f"Loops: the R&D knowledge stock grew ever faster (a virtuous circle) in "
            f"{_years_text(virtuous) or 'no year'} of {history[0]['year']}-{history[-1]['year']}; "
            f"in the baseline projection the dominant reading is {mode} "
            f"({projected.count(mode)} of {len(projected)} years).",
            src,
        )
    )
    summary = test["summary"]
    origins = ", ".join(str(o) for o in test["origins"])
    section.tables.append(
        Table(
            f"Backtests from {origins} to {test['last']}: mean absolute % error over the origins",
            ("series", "model", "last value", "drift", "ETS", "model beats both naive", "use"),
            tuple(
                (
                    SERIES_NAMES.get(row["name"], row["name"]),
                    *(
                        "-" if row[k] is None else f"{row[k]:.1f}"
                        for k in ("model_error", "last_value_error", "baseline_error", "ets_error")
                    ),
                    f"{row['model_beats_naive']} of {row['origins']}",
                    LABELS.get(row["use"], "-") if row["use"] else "-",
                )
                for row in test["series"]
            ),
            src,
            note="Each origin: fitted on 1996 to the origin year, scored on the years after; "
            "drift: the last value at the last ten years' growth; ETS: exponential smoothing "
            "chosen by AICc. 'use' names the forecast with the lowest mean error: where it is "
            "not the model, rely on it for that series. Demography: " + test["demography"] + ".",
        )
    )
    coverage = summary["coverage_90_noise"]
    section.facts.append(
        Fact(
            f"Backtests from {origins}",
            f"the model beats both naive forecasts (last value and drift) in "
            f"{summary['model_beats_naive']} of {summary['cases']} series-origin cases "
            f"(exponential smoothing: {summary['ets_beats_naive']}); "
            f"{100 * coverage:.0f}% of test values inside its 90% bands",
            src,
            raw={
                row["name"]: (
                    row["model_error"],
                    row["last_value_error"],
                    row["baseline_error"],
                    row["ets_error"],
                )
                for row in test["series"]
            },
        )
    )
    better = sum(1 for row in test["series"] if row["use"] == "model")
    section.data.update(
        talent_articles_2050=talent["headline"]["articles"],
        backtest_better=better,
        backtest_beats_naive=summary["model_beats_naive"],
        backtest_cases=summary["cases"],
        backtest_coverage=coverage,
        baseline_mode=mode,
    )
    return section


def _num(value: float) -> str:
    """12345.6 -> '12,346'; 5.26 -> '5.26': whole numbers above 100, else 3 significant digits."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _years_text(years: list[int]) -> str:
    """[2001, 2002, 2003, 2007] -> '2001-2003, 2007'."""
    spans: list[list[int]] = []
    for year in years:
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)
