"""``powerscope index ...``: compute, re-weight, analyse and test the robustness of indices."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from powerscope.cli.common import Format, emit, parse_weights, print_table
from powerscope.cli.common import cell as _cell
from powerscope.cli.common import console as _console
from powerscope.cli.common import write_output as _write_output
from powerscope.index.spec import AGGREGATIONS, NORMALISATIONS
from powerscope.index.weights import read_weights_file

app = typer.Typer(help="Composite indices (the CETI and others): compute, re-weight, rank.")


@app.command("list")
def index_list() -> None:
    """List the indices shipped with powerscope."""
    from powerscope.index import builtin_indices, load_spec

    for name in builtin_indices():
        spec = load_spec(name)
        when = spec.edition if spec.panel is None else f"{spec.panel.first}-{spec.panel.last}"
        typer.echo(f"{name}\t{spec.name} ({when})")


@app.command("show")
def index_show(index: Annotated[str, typer.Argument(help="Index name or spec file.")]) -> None:
    """Show an index's tree with the default weight of every node."""
    from powerscope.index import load_spec

    spec = load_spec(index)
    typer.echo(f"{spec.name} ({spec.id}, {spec.edition}): {spec.normalise} / {spec.aggregate}")
    if spec.panel is not None:
        options = spec.panel
        typer.echo(
            f"  years {options.first}-{options.last}, normalised over the "
            f"{options.normalise_over}, values carried forward at most "
            f"{options.carry_forward} years"
        )
    for path, node in spec.walk():
        depth = path.count("/")
        typer.echo(f"{'  ' * (depth + 1)}{node.id}  {node.weight:g}")


@app.command("compute")
def index_compute(
    index: Annotated[
        str | None, typer.Argument(help="Index name (e.g. ceti) or a spec .yaml file.")
    ] = None,
    spec_file: Annotated[
        Path | None, typer.Option("--spec", help="An index spec .yaml (e.g. from import-coinr).")
    ] = None,
    save_log: Annotated[
        Path | None, typer.Option(help="Write the build log (steps, parameters) to this YAML.")
    ] = None,
    weights: Annotated[
        str | None, typer.Option(help="Weights NODE=W,... at any level, e.g. 'AI=0.3,Space=0.1'.")
    ] = None,
    weights_file: Annotated[
        Path | None, typer.Option(help="Weights from YAML/JSON {node: w} or CSV node,weight.")
    ] = None,
    renormalise: Annotated[
        bool, typer.Option(help="Rescale groups whose weights do not sum to 1.")
    ] = False,
    normalise: Annotated[
        str | None, typer.Option(help=f"{'|'.join(NORMALISATIONS)} (default: the spec's).")
    ] = None,
    aggregate: Annotated[
        str | None, typer.Option(help=f"{'|'.join(AGGREGATIONS)} (default: the spec's).")
    ] = None,
    exclude_aggregates: Annotated[
        bool, typer.Option(help="Leave aggregates (e.g. CETI's Europe) out of the ranking.")
    ] = False,
    rescale: Annotated[
        str | None,
        typer.Option(help="Map normalised values to LOW,HIGH first, e.g. 1,100 (for geometric)."),
    ] = None,
    level: Annotated[
        str | None, typer.Option(help="Rank by this node instead of the index.")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(help="The year of a panel index (default: its last; docs/panel.md)."),
    ] = None,
    group: Annotated[
        str | None,
        typer.Option(
            help="Show only members of these groups, e.g. 'G7' or 'NATO,QUAD' (ranks stay global)."
        ),
    ] = None,
    highlight: Annotated[
        str | None, typer.Option(help="Mark members of these groups, e.g. 'LMC'.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
    output: Annotated[
        Path | None, typer.Option(help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Compute an index: score and rank of every entity at every level.

    Groups: G7, NATO, EU, OECD, ASEAN, QUAD, LMC (the like-minded countries: the United States,
    Japan, Australia, New Zealand and the EU members).
    """
    from powerscope.errors import SpecError
    from powerscope.index import ROOT, load_spec
    from powerscope.index.service import compute_index

    if (index is None) == (spec_file is None):
        raise SpecError("name one index", fix="give an index name (e.g. ceti) or --spec FILE")
    spec = load_spec(spec_file if spec_file is not None else str(index))
    overrides = read_weights_file(weights_file) if weights_file else {}
    overrides.update(parse_weights(weights))
    result = compute_index(
        spec,
        weights=overrides,
        renormalise=renormalise,
        normalisation=normalise,
        aggregation=aggregate,
        exclude_aggregates=exclude_aggregates,
        rescale=_rescale(rescale),
        year=year,
    )
    custom = bool(overrides)
    for warning in result.method.get("warnings", []):
        _console(stderr=True).print(f"warning: {warning}")
    node = ROOT if level is None else result.spec.find(level)
    if save_log is not None:
        import yaml

        log = result.method.get("build_log") or {"index": spec.id, "method": result.method}
        _write_output(yaml.safe_dump(log, sort_keys=False), save_log)
    from powerscope.countries.groups import members_of_any, memberships

    shown = members_of_any(group) if group else None
    marked = members_of_any(highlight) if highlight else frozenset()
    if fmt is Format.json:
        records = [
            {**r, "groups": memberships(r["code"]), "highlight": r["code"] in marked}
            for r in result.to_records(exclude_aggregates=exclude_aggregates)
            if shown is None or r["code"] in shown
        ]
        payload = {
            "index": spec.id,
            "name": spec.name,
            "edition": spec.edition,
            "year": result.method.get("year"),
            "years": None if spec.panel is None else [spec.panel.first, spec.panel.last],
            "custom_weights": custom,
            "source": result.method.get("source"),
            "citations": [c.to_dict() for c in result.citations],
            "method": {k: v for k, v in result.method.items() if k != "source"},
            "entities": records,
        }
        _write_output(json.dumps(payload, indent=1), output)
        return
    rows = [
        {**r, "highlight": r["code"] in marked}
        for r in result.rows(exclude_aggregates=exclude_aggregates, level=node)
        if shown is None or r["code"] in shown
    ]
    if fmt is Format.csv:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        _write_output(buffer.getvalue(), output)
        return
    from rich.table import Table

    shown_year = result.method.get("year")
    title = f"{spec.name} {shown_year if shown_year is not None else spec.edition or ''}".strip()
    if custom:
        title += " (custom weights)"
    if node != ROOT:
        title += f": ranked by {node}"
    caption = str(result.method.get("source"))
    if highlight:
        caption = f"* member of {highlight}. " + caption
    table = Table(title=title, caption=caption, caption_justify="left")
    sectors = result.children_of(ROOT)
    for col in ("rank", "code", "name", "score", *sectors):
        table.add_column(col, justify="left" if col in ("code", "name") else "right")
    for rec in rows:
        name = rec["name"] + (" (aggregate)" if rec["is_aggregate"] else "")
        name = ("* " + name) if rec["highlight"] else name
        cells = [_cell(rec["rank"]), rec["code"], name, _cell(rec["score"])]
        cells += [f"{_cell(rec[s + ' score'])} ({_cell(rec[s + ' rank'])})" for s in sectors]
        table.add_row(*cells)
    print_table(table, output)


def _rescale(text: str | None) -> tuple[float, float] | None:
    """'1,100' -> (1.0, 100.0), checked."""
    if text is None:
        return None
    from powerscope.index.engine import check_rescale

    return check_rescale(text.split(","))


def _read_mapping(path: Path, what: str) -> dict[str, Any]:
    """A YAML/JSON mapping from a file, or a clear error."""
    from powerscope.errors import SpecError
    from powerscope.files import read_yaml_file, shown_path

    where = shown_path(path)
    raw = read_yaml_file(path, f"{what} file", error=SpecError, where=where)
    if not isinstance(raw, dict):
        raise SpecError(f"the {what} file must hold a mapping", where=where)
    return raw


class _Progress:
    """A rich progress bar on stderr for long runs (silent when stderr is not a terminal)."""

    def __init__(self, total: int, label: str) -> None:
        from rich.progress import Progress

        self.bar = Progress(console=_console(stderr=True), transient=True)
        self.task = self.bar.add_task(label, total=total)

    def __enter__(self) -> _Progress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)  # type: ignore[arg-type]

    def __call__(self, done: int) -> None:
        self.bar.advance(self.task, done)


def _export_or_print(frame: Any, payload: dict[str, Any], fmt: Format, output: Path | None) -> None:
    if output is not None and output.suffix.lower() in (".parquet", ".xlsx"):
        import tempfile as _tf

        output.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _tf.mkstemp(prefix=f".{output.stem}.", suffix=output.suffix, dir=output.parent)
        os.close(fd)
        try:
            if output.suffix.lower() == ".parquet":
                frame.to_parquet(tmp, index=False)
            else:
                frame.to_excel(tmp, index=False)
            os.replace(tmp, output)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return
    emit(
        frame,
        payload,
        fmt,
        output,
        title=str(payload.get("title", "")),
        caption=str(payload.get("caption", "")),
    )


@app.command("import-coinr")
def index_import_coinr(
    idata: Annotated[Path, typer.Argument(help="COINr iData table (CSV).")],
    imeta: Annotated[Path, typer.Argument(help="COINr iMeta table (CSV).")],
    output: Annotated[Path, typer.Option(help="The spec .yaml to write (data beside it).")],
    coinr_example_build: Annotated[
        bool,
        typer.Option(
            help="Add the steps of COINr's example ASEM build (denominate, group-mean "
            "imputation by EurAsia_group, screening, treatment, min-max 0-100)."
        ),
    ] = False,
) -> None:
    """Turn COINr's iData and iMeta tables into a powerscope index spec with its data."""
    from powerscope.index.build import COINR_EXAMPLE_STEPS
    from powerscope.index.coinr import import_coinr, write_spec

    spec, data = import_coinr(idata, imeta)
    if coinr_example_build:
        spec["steps"] = COINR_EXAMPLE_STEPS
    write_spec(spec, data, output)
    typer.echo(f"wrote {output} and its data ({len(data)} units)")


@app.command("analyse")
def index_analyse(
    spec_file: Annotated[Path, typer.Argument(help="An index spec .yaml with its data file.")],
    what: Annotated[
        str, typer.Option(help="stats, correlations, cronbach, pca or removal.")
    ] = "stats",
    method: Annotated[str, typer.Option(help="pearson, spearman or kendall.")] = "pearson",
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
    output: Annotated[Path | None, typer.Option(help="Write to a file.")] = None,
) -> None:
    """Statistical analysis of an index's indicators (the Handbook's step 4)."""
    from powerscope.errors import SpecError
    from powerscope.index import analysis, load_spec
    from powerscope.index.build import build, load_data, unit_column, unit_names

    if method not in ("pearson", "spearman", "kendall"):
        raise SpecError(f"unknown correlation {method!r}", fix="use pearson, spearman or kendall")
    spec = load_spec(spec_file)
    frame = load_data(spec)
    indicators = [str(n.indicator) for _, n in spec.leaves()]
    data = frame.set_index(unit_column(frame))[indicators]
    if what == "stats":
        table = analysis.indicator_stats(data).reset_index()
    elif what == "correlations":
        result = build(spec, frame).result
        table = analysis.level_correlations(result.scores, spec, method=method)  # type: ignore[arg-type]
    elif what == "cronbach":
        table = analysis.cronbach_by_group(build(spec, frame).result, spec)
    elif what == "pca":
        table = analysis.pca_by_group(build(spec, frame).result, spec)
    elif what == "removal":
        from powerscope.index.engine import Matrix

        built = build(spec, frame)
        prepared = Matrix(built.result.codes, indicators, built.compiled.normalised)
        impact = analysis.removal_impact(spec, prepared, unit_names(frame), prepared=True)
        table = analysis.removal_summary(impact)
    else:
        raise SpecError(
            f"unknown analysis {what!r}", fix="use stats, correlations, cronbach, pca or removal"
        )
    payload = {"index": spec.id, "analysis": what, "rows": table.to_dict(orient="records"),
               "title": f"{spec.name}: {what}"}  # fmt: skip
    _export_or_print(table, payload, fmt, output)


IndexArg = Annotated[str, typer.Argument(help="Index name (e.g. ceti) or a spec .yaml file.")]
AssumptionsOpt = Annotated[
    Path | None, typer.Option(help="YAML of the assumptions to vary (default: the index's).")
]
ExcludeOpt = Annotated[bool, typer.Option(help="Leave aggregates out.")]
EngineOpt = Annotated[str, typer.Option(help="local or dask.")]
SchedulerOpt = Annotated[
    str | None, typer.Option(help="Dask scheduler address (default: a local cluster).")
]
FormatOpt = Annotated[Format, typer.Option("--format", help="table, json or csv.")]
ResultFileOpt = Annotated[
    Path | None, typer.Option(help="Write to a file (.csv, .json, .parquet, .xlsx).")
]


def _assumptions(path: Path | None) -> dict[str, Any] | None:
    """The assumptions of an ``--assumptions`` file (None: the index's documented defaults)."""
    return _read_mapping(path, "assumptions") if path else None


@app.command("uncertainty")
def index_uncertainty(
    index: IndexArg,
    runs: Annotated[int, typer.Option(help="Monte Carlo runs.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same result).")] = 1,
    assumptions: AssumptionsOpt = None,
    exclude_aggregates: ExcludeOpt = False,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    fmt: FormatOpt = Format.table,
    output: ResultFileOpt = None,
    year: Annotated[
        int | None,
        typer.Option(help="The year of a panel index (default: its last; docs/panel.md)."),
    ] = None,
) -> None:
    """Rank uncertainty: nominal, median and 5th-95th percentile ranks over many builds."""
    from powerscope.index import load_spec
    from powerscope.index.robustness import uncertainty

    spec = load_spec(index)
    chosen = _assumptions(assumptions)  # read (or refused) before the progress bar starts
    if spec.panel is not None or year is not None:
        _panel_uncertainty(
            spec, year, runs, seed, chosen, exclude_aggregates, engine, scheduler, fmt, output
        )
        return
    with _Progress(runs, f"{runs} runs") as progress:
        result = uncertainty(
            spec, runs=runs, seed=seed, assumptions=chosen,
            exclude_aggregates=exclude_aggregates, engine=engine, scheduler=scheduler,
            progress=progress,
        )  # fmt: skip
    raw = result.assumptions
    if output is not None and output.suffix.lower() == ".xlsx":
        result.export(output)
        return
    frame = result.summary()
    payload = {
        "index": spec.id,
        "runs": result.runs,
        "seed": seed,
        "engine": engine,
        "assumptions": raw,
        "failed_runs": len(result.failed),
        "failures": sorted(set(result.failed.values()))[:10],
        "entities": result.to_records(),
        "title": f"{spec.name}: rank uncertainty over {result.runs} runs (seed {seed})",
        "caption": f"{len(result.failed)} failed runs. Assumptions: {json.dumps(raw)}",
    }
    if fmt is not Format.json:
        frame = frame[
            [
                "code",
                "name",
                "nominal_rank",
                "median_rank",
                "q05_rank",
                "q95_rank",
                "mean_rank",
                "nominal_score",
            ]
        ]
    _export_or_print(frame, payload, fmt, output)


def _panel_uncertainty(
    spec: Any,
    year: int | None,
    runs: int,
    seed: int,
    assumptions: dict[str, Any] | None,
    exclude_aggregates: bool,
    engine: str,
    scheduler: str | None,
    fmt: Format,
    output: Path | None,
) -> None:
    """``index uncertainty`` of one year of a panel index."""
    from powerscope.index.panel import panel_uncertainty, require_panel

    options = require_panel(spec)
    chosen = options.last if year is None else year
    with _Progress(runs, f"{runs} runs") as progress:
        result = panel_uncertainty(
            spec, runs=runs, seed=seed, years=chosen, engine=engine, scheduler=scheduler,
            assumptions=assumptions, exclude_aggregates=exclude_aggregates, progress=progress,
        )  # fmt: skip
    frame = result.for_year(chosen).rename(columns={"rank": "nominal_rank", "score":
                                                    "nominal_score"})  # fmt: skip
    frame = frame[["code", "name", "nominal_rank", "median_rank", "q05_rank", "q95_rank",
                   "mean_rank", "nominal_score"]]  # fmt: skip
    citations = [c.to_dict() for c in result.citations]
    source = _source(spec, result.citations)
    payload = {
        "index": spec.id,
        "year": chosen,
        "source": source.rstrip(". "),
        "runs": result.runs,
        "seed": seed,
        "engine": engine,
        "assumptions": result.assumptions,
        "failed_runs": result.failed,
        "citations": citations,
        "entities": _records(frame),
        "title": f"{spec.name} {chosen}: rank uncertainty over {result.runs} runs (seed {seed})",
        "caption": source
        + f"{result.failed} failed runs. Assumptions: {json.dumps(result.assumptions)}",
    }
    _export_or_print(frame, payload, fmt, output)


def _records(frame: Any) -> list[dict[str, Any]]:
    """A frame's rows as JSON-ready records (NaN and NA as None, numpy numbers as Python's)."""
    import pandas as pd

    out = []
    for rec in frame.to_dict(orient="records"):
        row: dict[str, Any] = {}
        for key, value in rec.items():
            if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                row[key] = None
            else:
                value = value.item() if hasattr(value, "item") else value
                row[key] = round(value, 6) if isinstance(value, float) else value
        out.append(row)
    return out


def _source(spec: Any, citations: Any) -> str:
    """The one-line source of a result: the index's citation, then each dataset's edition and
    years (:func:`powerscope.index.data.source_text`), as a caption's first sentence."""
    from powerscope.index.data import source_text

    return source_text(spec, tuple(citations)) + ". "


FromOpt = Annotated[int | None, typer.Option("--from", help="First year (default: the span's).")]
ToOpt = Annotated[int | None, typer.Option("--to", help="Last year (default: the span's).")]


@app.command("trend")
def index_trend(
    index: IndexArg,
    codes: Annotated[list[str], typer.Argument(help="Units by code or name, e.g. KOR CHN JPN.")],
    first: FromOpt = None,
    last: ToOpt = None,
    runs: Annotated[
        int, typer.Option(help="Monte Carlo runs for the q05-q95 rank band (0: none).")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same result).")] = 1,
    weights: Annotated[
        str | None, typer.Option(help="Weights NODE=W,... (the result says custom weights).")
    ] = None,
    renormalise: Annotated[
        bool, typer.Option(help="Rescale groups whose weights do not sum to 1.")
    ] = False,
    assumptions: AssumptionsOpt = None,
    engine: EngineOpt = "local",
    fmt: FormatOpt = Format.table,
    output: ResultFileOpt = None,
) -> None:
    """A panel index over time: score, rank and the q05-q95 rank band of units by year."""
    from powerscope.index import load_spec
    from powerscope.index.panel import trend

    spec = load_spec(index)
    overrides = parse_weights(weights)
    frame = trend(
        spec, codes, first=first, last=last, runs=runs, seed=seed, weights=overrides,
        renormalise=renormalise, engine=engine, assumptions=_assumptions(assumptions),
    )  # fmt: skip
    names = frame.attrs["names"]
    frame.insert(1, "name", [names[c] for c in frame["code"]])
    citations = [c.to_dict() for c in frame.attrs["citations"]]
    source = _source(spec, frame.attrs["citations"])
    label = " (custom weights)" if overrides else ""
    first_year, last_year = int(frame["year"].min()), int(frame["year"].max())
    payload = {
        "index": spec.id,
        "name": spec.name,
        "from": first_year,
        "to": last_year,
        "runs": runs,
        "seed": seed,
        "custom_weights": bool(overrides),
        "source": source.rstrip(". "),
        "citations": citations,
        "rows": _records(frame),
        "title": f"{spec.name}{label}: {', '.join(names)} {first_year}-{last_year}",
        "caption": source
        + (
            f"Rank 1 = best; q05-q95: 5th-95th percentile rank over {runs} runs (seed {seed}), "
            "the same runs for every year."
            if runs
            else "Rank 1 = best; no rank band (--runs 0)."
        ),
    }
    if fmt is Format.table:
        frame = frame.assign(
            band=[
                "" if lo != lo else f"{lo:g}-{hi:g}"
                for lo, hi in zip(frame["q05_rank"], frame["q95_rank"], strict=True)
            ]
        )[["code", "name", "year", "score", "rank", "median_rank", "band"]]
    _export_or_print(frame, payload, fmt, output)


@app.command("compare-years")
def index_compare_years(
    index: IndexArg,
    first: Annotated[int, typer.Option("--from", help="First year.")],
    last: Annotated[int, typer.Option("--to", help="Last year.")],
    weights: Annotated[
        str | None, typer.Option(help="Weights NODE=W,... (the result says custom weights).")
    ] = None,
    renormalise: Annotated[
        bool, typer.Option(help="Rescale groups whose weights do not sum to 1.")
    ] = False,
    top: Annotated[int, typer.Option(help="Show the largest N movers (0: all).")] = 0,
    runs: Annotated[
        int, typer.Option(help="Monte Carlo runs for the band of each rank change (0: none).")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same result).")] = 1,
    assumptions: AssumptionsOpt = None,
    fmt: FormatOpt = Format.table,
    output: ResultFileOpt = None,
) -> None:
    """Movers between two years of a panel index: rank and score changes, how robust each
    move is (the 5-95% band of the rank change over runs varying the assumptions, and the
    share of runs in which the unit moved up), and the measure whose contribution moved each
    the most."""
    from powerscope.index import load_spec
    from powerscope.index.panel import compare_years, compute_panel

    spec = load_spec(index)
    overrides = parse_weights(weights)
    result = compute_panel(
        spec, years=sorted({first, last}) if first != last else first, weights=overrides,
        renormalise=renormalise,
    )  # fmt: skip
    frame = compare_years(
        spec, first=first, last=last, result=result, weights=overrides, renormalise=renormalise,
        runs=runs, seed=seed, assumptions=_assumptions(assumptions),
    )  # fmt: skip
    if top:
        frame = frame.head(top)
    citations = [c.to_dict() for c in result.citations]
    source = _source(spec, result.citations)
    label = " (custom weights)" if overrides else ""
    payload = {
        "index": spec.id,
        "name": spec.name,
        "from": first,
        "to": last,
        "custom_weights": bool(overrides),
        "source": source.rstrip(". "),
        "citations": citations,
        "rows": _records(frame),
        "title": f"{spec.name}{label}: movers {first}-{last}",
        "caption": source
        + "rank_change > 0: moved up. A measure's change: points of the score it contributes."
        + (
            f" change_q05-change_q95: 5-95% band of the rank change over {runs} runs varying "
            "the index's assumptions; share_up: share of runs in which the unit moved up."
            if runs
            else ""
        ),
    }
    if runs:
        payload["runs"], payload["seed"] = runs, seed
    if fmt is Format.table:
        bands = ["change_q05", "change_q95", "share_up"] if runs else []
        frame = frame[["code", "name", "score_first", "score_last", "score_change",
                       "rank_first", "rank_last", "rank_change", *bands, "top_measure",
                       "top_measure_change"]]  # fmt: skip
    _export_or_print(frame, payload, fmt, output)


def _panel_sensitivity(
    spec: Any,
    first: int | None,
    last: int | None,
    year: int | None,
    n: int,
    seed: int,
    bootstrap: int,
    assumptions: dict[str, Any] | None,
    exclude_aggregates: bool,
    engine: str,
    scheduler: str | None,
    fmt: Format,
    output: Path | None,
) -> None:
    """``index sensitivity --from/--to``: a panel index's Sobol indices over a period."""
    from powerscope.errors import SpecError
    from powerscope.index.panel import check_years, panel_sensitivity, require_panel

    if year is not None:
        raise SpecError(
            "give either --year (one year) or --from/--to (a period), not both",
            parameter="year",
            fix="drop --year, or drop --from and --to",
        )
    options = require_panel(spec, "first")
    check_years(options, first, first, "first")
    check_years(options, last, last, "last")
    years = check_years(options, first, last, "first")
    span = (years[0], years[-1])
    from powerscope.index.uncertainty import default_assumptions, parse_uncertainty

    raw = assumptions if assumptions is not None else default_assumptions(spec)
    total = n * (len(parse_uncertainty(raw, spec).assumptions()) + 2)
    with _Progress(total, f"{total} runs x {len(years)} years") as progress:
        result = panel_sensitivity(
            spec, n=n, seed=seed, bootstrap=bootstrap, years=span, assumptions=assumptions,
            exclude_aggregates=exclude_aggregates, engine=engine, scheduler=scheduler,
            progress=progress,
        )  # fmt: skip
    period = f"{result.years[0]}-{result.years[-1]}"
    payload = {
        "index": spec.id,
        "name": spec.name,
        "from": result.years[0],
        "to": result.years[-1],
        "n": n,
        "runs": result.runs,
        "seed": seed,
        "target": "mean absolute rank shift from each year's nominal ranks",
        "assumptions": result.assumptions,
        "failed_runs": result.failed,
        "indices": _records(result.frame()),
        "mean_rank_shift": {str(k): v for k, v in result.mean_shift.items()},
        "sources": [c.to_dict() for c in result.citations],
        "title": f"{spec.name}: Sobol sensitivity of ranks by year, {period} ({result.runs} runs)",
        "caption": _source(spec, result.citations)
        + f"S1 first-order, ST total-order; _conf: 95% bootstrap half-width. Period {period}: "
        "the indices of the rank shift averaged over the years.",
    }
    _export_or_print(result.frame(), payload, fmt, output)


@app.command("sensitivity")
def index_sensitivity(
    index: IndexArg,
    n: Annotated[int, typer.Option(help="Base sample size (runs = n x (assumptions + 2)).")] = 256,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for the intervals.")] = 500,
    assumptions: AssumptionsOpt = None,
    exclude_aggregates: ExcludeOpt = False,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    fmt: FormatOpt = Format.table,
    output: ResultFileOpt = None,
    year: Annotated[
        int | None,
        typer.Option(help="The year of a panel index (default: its last; docs/panel.md)."),
    ] = None,
    first: FromOpt = None,
    last: ToOpt = None,
) -> None:
    """Which assumption drives the rank uncertainty: first- and total-order Sobol indices.

    For a panel index, --from/--to analyse every year of the period in one batch of runs:
    the indices of each year and of the rank shift averaged over the period.
    """
    from powerscope.index import load_spec
    from powerscope.index.robustness import setup
    from powerscope.index.sensitivity import sensitivity

    spec = load_spec(index)
    if first is not None or last is not None:
        _panel_sensitivity(
            spec, first, last, year, n, seed, bootstrap, _assumptions(assumptions),
            exclude_aggregates, engine, scheduler, fmt, output,
        )  # fmt: skip
        return
    problem = setup(
        spec, _assumptions(assumptions), exclude_aggregates=exclude_aggregates, year=year
    )
    raw = problem.assumptions
    total = n * (len(problem.uspec.assumptions()) + 2)
    with _Progress(total, f"{total} runs") as progress:
        result = sensitivity(
            spec, problem.uspec, problem.builder, n=n, seed=seed, bootstrap=bootstrap,
            units=problem.units, engine=engine, scheduler=scheduler, progress=progress,
        )  # fmt: skip
    payload = {
        "index": spec.id,
        **({"year": year or spec.panel.last} if spec.panel is not None else {}),
        "n": n,
        "runs": result.uncertainty.runs,
        "seed": seed,
        "target": "mean absolute rank shift from the nominal ranks",
        "assumptions": raw,
        "failed_runs": result.failed,
        "indices": result.to_records(),
        "title": f"{spec.name}: Sobol sensitivity of ranks ({result.uncertainty.runs} runs)",
        "caption": "S1 first-order, ST total-order; _conf: 95% bootstrap half-width.",
    }
    _export_or_print(result.indices, payload, fmt, output)
