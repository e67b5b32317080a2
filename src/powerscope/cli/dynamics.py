"""``powerscope dynamics``: the self-reliance model: calibrate, backtest, run scenarios, compare."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from powerscope.cli.common import Format, emit

app = typer.Typer(
    help="The science & technology / economy / defence feedback model: calibrate, backtest, "
    "run policy scenarios with uncertainty bands, compare countries, find the dominant loop."
)

Fmt = Annotated[Format, typer.Option("--format", help="table, json or csv.")]
Output = Annotated[Path | None, typer.Option(help="Write to this file.")]
Fit = Annotated[str, typer.Option(help="Calibration window, FIRST-LAST.")]
Years = Annotated[str, typer.Option(help="Projection years, FIRST-LAST.")]
ScenarioOpt = Annotated[
    str | None,
    typer.Option("--scenario", help="A scenario YAML file or a shipped name (default: baseline)."),
]
Runs = Annotated[int, typer.Option(help="Ensemble runs (parameter draws).")]
Seed = Annotated[int, typer.Option(help="Random seed.")]


def _frame(rows: list[dict[str, Any]], columns: list[str] | None = None) -> Any:
    import pandas as pd

    frame = pd.DataFrame(rows)
    return frame[columns] if columns else frame


def _r2(value: float | None) -> str:
    """An equation's R² for a caption; None for an intercept-only equation, which explains no
    variance by construction."""
    return "n/a (intercept only)" if value is None else f"{value:.2f}"


@app.command("calibrate")
def calibrate_cmd(
    country: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR.")],
    fit: Fit = "1996-2023",
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """Calibrate the model for a country: every parameter with its uncertainty and meaning."""
    from powerscope.dynamics.service import calibration_report, parse_years

    report = calibration_report(country, parse_years(fit, "--fit"))
    frame = _frame(
        report["parameters"], ["parameter", "value", "sd", "unit", "kind", "equation", "r2"]
    )
    fits = ", ".join(f"{e['equation']} R²={_r2(e['r2'])}" for e in report["equations"])
    emit(frame, report, fmt, output, title=f"{report['name']}: calibration {fit}",
         caption=f"Equation fits: {fits}. Sources: " + "; ".join(report["sources"].values()))  # fmt: skip


@app.command("backtest")
def backtest_cmd(
    country: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR.")],
    origins: Annotated[
        str, typer.Option(help="Forecast origins (last fit years), comma-separated.")
    ] = "2005,2010,2014",
    start: Annotated[int, typer.Option(help="First year of every fit window.")] = 1996,
    last: Annotated[
        int | None, typer.Option(help="Last test year (default: the data's last year).")
    ] = None,
    fit: Annotated[
        str | None, typer.Option(help="One fit window FIRST-LAST instead of --origins.")
    ] = None,
    test: Annotated[
        str | None, typer.Option(help="With --fit: the test window FIRST-LAST.")
    ] = None,
    runs: Runs = 1000,
    seed: Seed = 1,
    demography: Annotated[
        str,
        typer.Option(help="trend (knowable at the origin) or wpp (UN estimates: hindsight)."),
    ] = "trend",
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """Fit up to each origin, project to the data's end, and score the model against the last
    value, the drift and exponential smoothing (AutoETS)."""
    from powerscope.dynamics.service import backtest_origins_report, backtest_report, parse_years

    if fit is not None or test is not None:
        fit_span = parse_years(fit or "1996-2014", "--fit")
        test_span = parse_years(test or f"{fit_span[1] + 1}-2023", "--test")
        report = backtest_report(country, fit_span, test_span, runs=runs, seed=seed,
                                 demography=demography)  # fmt: skip
        columns = ["name", "metric", "model_error", "last_value_error", "baseline_error", "ets_error", "ets_model", "best", "coverage_90", "coverage_90_noise", "test_years"]  # fmt: skip
        frame = _frame(report["series"], columns)
        if fmt is Format.table:
            frame = frame.rename(columns={"baseline_error": "drift_error"})
        beats = sum(1 for s in report["series"] if s["model_beats_naive"])
        scored = sum(1 for s in report["series"] if s["model_beats_naive"] is not None)
        emit(frame, report, fmt, output,
             title=f"{report['name']}: backtest, fit {fit_span[0]}-{fit_span[1]}, "
             f"test {test_span[0]}-{test_span[1]}",
             caption=f"The model beats both naive forecasts (last value and drift) on {beats} "
             f"of {scored} series. Errors: MAPE %; coverage_90: share of test values inside the "
             "model's 90% band (parameters only; _noise: with year-by-year shocks, the "
             "forecast band).")  # fmt: skip
        return
    try:
        chosen = tuple(int(o) for o in origins.split(","))
    except ValueError:
        from powerscope.errors import PeriodError

        raise PeriodError(
            f"{origins!r} is not a list of years", parameter="origins", fix="e.g. 2005,2010,2014"
        ) from None
    report = backtest_origins_report(country, chosen, start=start, last=last, runs=runs,
                                     seed=seed, demography=demography)  # fmt: skip
    columns = ["name", "metric", "model_error", "last_value_error", "baseline_error", "ets_error", "model_beats_naive", "ets_beats_naive", "coverage_90_noise", "use"]  # fmt: skip
    frame = _frame(report["series"], columns)
    if fmt is Format.table:
        frame = frame.rename(columns={"baseline_error": "drift_error"})
    summary = report["summary"]
    emit(frame, report, fmt, output,
         title=f"{report['name']}: backtests from {', '.join(map(str, report['origins']))} "
         f"(fit from {report['start']}, test to {report['last']})",
         caption=f"Mean MAPE % over the origins. The model beats both naive forecasts (last "
         f"value and drift) in {summary['model_beats_naive']} of {summary['cases']} "
         f"series-origin cases, AutoETS in {summary['ets_beats_naive']}; "
         f"{100 * summary['coverage_90_noise']:.0f}% of test values fall inside the model's "
         "90% bands (with shocks). use: the forecast with the lowest mean error. Demography: "
         + report["demography"] + ".")  # fmt: skip


@app.command("run")
def run_cmd(
    country: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR.")],
    scenario: ScenarioOpt = None,
    years: Years = "2025-2050",
    runs: Runs = 10_000,
    seed: Seed = 1,
    fit: Fit = "1996-2023",
    noise: Annotated[
        bool, typer.Option(help="Add year-by-year shocks (bands for levels, not only effects).")
    ] = False,
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """Project a scenario with 90% bands and its effect against the baseline."""
    from powerscope.dynamics.service import parse_years, scenario_report

    report = scenario_report(country, scenario, years=parse_years(years), runs=runs, seed=seed,
                             fit=parse_years(fit, "--fit"), noise=noise)  # fmt: skip
    if fmt is Format.csv:
        rows = [
            {"output": s["name"], "unit": s["unit"], "year": year, "p05": s["p05"][i],
             "median": s["median"][i], "p95": s["p95"][i], "effect_p05": s["effect_p05"][i],
             "effect_median": s["effect_median"][i], "effect_p95": s["effect_p95"][i]}
            for s in report["series"]
            for i, year in enumerate(report["years"])
        ]  # fmt: skip
        frame = _frame(rows)
    else:
        frame = _frame([{"output": name, **h} for name, h in report["headline"].items()],
                       ["output", "unit", "year", "median", "p05", "p95", "effect_median",
                        "effect_p05", "effect_p95"])  # fmt: skip
    title = f"{report['name']}: {report['scenario']['title'] or report['scenario']['name']}"
    emit(frame, report, fmt, output, title=title, decimals=2,
         caption=f"{runs} runs, seed {seed}. Bands: 5th-95th percentiles. Effect: % vs baseline, "
         "run by run. Sources: " + "; ".join(report["sources"].values()))  # fmt: skip


@app.command("compare")
def compare_cmd(
    countries: Annotated[list[str], typer.Argument(help="Two or more countries, e.g. KOR CHN.")],
    scenario: ScenarioOpt = None,
    years: Years = "2025-2050",
    runs: Runs = 2000,
    seed: Seed = 1,
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """Countries side by side: projections at the last year, dominant loop, mode."""
    from powerscope.dynamics.service import compare_report, parse_years

    report = compare_report(countries, scenario, years=parse_years(years), runs=runs, seed=seed)
    frame = _frame(report["countries"])
    cols = ["code", "gdp_median", "rd_intensity_median", "researchers_median", "articles_median",
            "milex_median", "arms_exports_median", "dominant_loop", "mode"]  # fmt: skip
    emit(frame if fmt is not Format.table else frame[cols], report, fmt, output,
         title=f"{report['scenario']} in {report['year']} (medians of {runs} runs)",
         caption="Units: " + ", ".join(f"{k} {v}" for k, v in report["units"].items()))  # fmt: skip


@app.command("loops")
def loops_cmd(
    country: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR.")],
    scenario: ScenarioOpt = None,
    last: Annotated[int, typer.Option(help="Last projection year.")] = 2050,
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """Which feedback loop dominates each year: virtuous, vicious or balancing."""
    from powerscope.dynamics.service import loops_report

    report = loops_report(country, scenario, last=last)
    cols = ["year", "mode", "dominant_loop", "knowledge_growth", "gdp_growth", "R1_knowledge",
            "R2_knowledge", "R3_knowledge", "B1_knowledge", "B2_knowledge"]  # fmt: skip
    frame = _frame(report["years"])
    legend = "; ".join(f"{lp['id']} {lp['name']}: {lp['path']}" for lp in report["loops"])
    emit(frame if fmt is not Format.table else frame[cols], report, fmt, output,
         title=f"{report['name']}: loop dominance ({report['scenario']})",
         caption=f"Impacts in {report['unit']}. {legend}")  # fmt: skip


@app.command("parameters")
def parameters_cmd(fmt: Fmt = Format.table, output: Output = None) -> None:
    """Every model parameter: unit, meaningful range, default, meaning, reference."""
    from powerscope.dynamics.service import parameter_table

    rows = parameter_table()
    frame = _frame(rows, ["name", "kind", "unit", "low", "high", "default", "meaning"])
    emit(frame, {"parameters": rows}, fmt, output, title="Model parameters")


@app.command("scenarios")
def scenarios_cmd(fmt: Fmt = Format.table, output: Output = None) -> None:
    """The shipped scenarios (use a name with --scenario, or copy one as a template)."""
    from powerscope.dynamics.service import scenario_list

    rows = scenario_list()
    emit(_frame(rows, ["name", "title"]), {"scenarios": rows}, fmt, output, title="Scenarios")


@app.command("export")
def export_cmd(
    country: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR.")],
    output: Annotated[Path, typer.Option(help="The XMILE file to write, e.g. kor.xmile.")],
    scenario: ScenarioOpt = None,
    last: Annotated[int, typer.Option(help="Last simulated year.")] = 2050,
    fit: Fit = "1996-2023",
) -> None:
    """Export the calibrated model (central parameters, a scenario's levers) to XMILE, for
    Stella, Vensim or PySD."""
    from powerscope.cli.common import write_output
    from powerscope.dynamics.calibrate import calibrate
    from powerscope.dynamics.ensemble import check_years
    from powerscope.dynamics.scenario import load_scenario
    from powerscope.dynamics.service import parse_years
    from powerscope.dynamics.xmile import to_xmile

    chosen = load_scenario(scenario)
    cal = calibrate(country, parse_years(fit, "--fit"))
    check_years(cal, cal.start + 1, last)
    write_output(to_xmile(cal, chosen, last=last), output)
    typer.echo(
        f"wrote {output.resolve()} ({cal.name}, {chosen.name}, {cal.start}-{last}, DT = 1 year)"
    )
