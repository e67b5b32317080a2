"""Move a COINr index to powerscope: COINr's ``iData`` and ``iMeta`` tables to a YAML index spec.

COINr (Becker et al., 2022, *JOSS* 7(78), 4567; EU JRC) describes an index with two tables
(see COINr's ``new_coin()``, ``check_iData()`` and ``check_iMeta()``):

``iData``
    One row per unit (per unit and ``Time`` for panel data): ``uCode`` (required), ``uName``
    (optional), an optional numeric ``Time``, then one column per ``iMeta`` row that is not an
    aggregate: indicators, group columns and denominators.
``iMeta``
    One row per column of ``iData`` and per aggregate: ``Level`` (1 = indicator, 2.. =
    aggregates), ``iCode``, ``iName``, ``Direction`` (+1/-1), ``Weight`` (relative within its
    parent), ``Unit``, ``Target``, ``Denominator``, ``Parent`` and ``Type`` (``Indicator``,
    ``Aggregate``, ``Group``, ``Denominator`` or ``Other``).

:func:`import_coinr` checks both tables and returns a powerscope spec mapping (the schema of
``powerscope/indices/ceti.yaml``: weights rescaled to sum to 1 within each parent) and the data;
:func:`write_spec` writes the spec as YAML with the data beside it as ``<stem>.data.csv``;
:func:`load_with_data` (or :func:`load_spec_data`) reads both back.

Decisions
---------
- A column of ``iData`` that ``iMeta`` does not describe is an error by default, as in COINr
  (``new_coin()`` stops on it): an indicator forgotten in ``iMeta`` would otherwise silently
  drop out of the index. ``unknown_columns="warn"`` keeps such columns in the data (listed under
  ``unmapped_columns``) outside the index tree, with a :class:`UserWarning`.
- Missing values are empty cells, ``NA``, ``NaN``, ``#N/A``, ``N/A`` or ``NULL``; any other
  value that is not a number, in an indicator, denominator or ``Time`` column, is an error
  naming its row and column.
- Directions are applied to indicators only (as COINr and the powerscope engine do); an aggregate
  with ``Direction`` -1 is reported with a warning and not written.
- COINr's provenance goes under ``coinr_source`` rather than ``source``: a spec's ``source`` is
  the id of a dataset in the powerscope store.
"""

from __future__ import annotations

import hashlib
import io
import math
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml

from powerscope.errors import DataFormatError, SpecError
from powerscope.files import check_regular_file, read_csv_rows, shown_path
from powerscope.index.engine import Matrix
from powerscope.index.spec import IndexSpec, load_spec, parse_spec

IMETA_REQUIRED = ("Level", "iCode", "Parent", "Direction", "Type", "Weight")
IMETA_OPTIONAL = ("iName", "Unit", "Target", "Denominator")
IMETA_TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")
SPECIAL_COLUMNS = ("uCode", "uName", "Time")
MISSING_TOKENS = frozenset({"", "NA", "NaN", "nan", "#N/A", "N/A", "n/a", "NULL", "null"})
DATA_SUFFIX = ".data.csv"

__all__ = [
    "DATA_SUFFIX",
    "denominate",
    "import_coinr",
    "indicator_frame",
    "load_spec_data",
    "load_with_data",
    "matrix_of",
    "read_data",
    "unit_info",
    "write_spec",
]


# -- reading ------------------------------------------------------------------------------


def _read_table(path: Path, what: str) -> pd.DataFrame:
    """A CSV or Excel table with every cell as a stripped string ('' when empty)."""
    where = shown_path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        check_regular_file(path, f"{what} file", where=where)
        try:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        except Exception as exc:  # a damaged or mislabelled workbook: zip, xml, value errors
            raise DataFormatError(
                f"cannot read the {what} workbook: {type(exc).__name__}: {exc}",
                where=where,
                fix="save it again from the spreadsheet, or as CSV UTF-8",
            ) from None
    else:
        text, header, _ = read_csv_rows(path, f"{what} file", where=where)
        names = [h.strip() for h in header]
        twice = sorted({h for h in names if names.count(h) > 1})
        if twice:
            raise DataFormatError(
                f"duplicate column name(s) {twice} in {what}",
                where=where,
                fix="give every column a distinct name",
            )
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna("").apply(lambda col: col.str.strip())


def _number(text: str, *, where: str, what: str) -> float | None:
    """``text`` as a float; ``None`` when missing; :class:`DataFormatError` when not a number."""
    if text in MISSING_TOKENS:
        return None
    try:
        value = float(text)
    except ValueError:
        raise DataFormatError(
            f"{what} is not a number: {text!r}",
            where=where,
            fix="write a number, or leave the cell empty (or NA) when it is missing",
        ) from None
    if math.isnan(value):
        return None
    return value


def _numeric_column(frame: pd.DataFrame, column: str, file: str, key: str = "uCode") -> pd.Series:
    """A string column as float, every non-numeric cell reported by row and column."""
    raw = frame[column]
    missing = raw.isin(MISSING_TOKENS)
    values = pd.to_numeric(raw.where(~missing), errors="coerce")
    bad = values.isna() & ~missing
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        unit = f", {key} {frame[key].iloc[i]!r}" if key in frame.columns else ""
        raise DataFormatError(
            f"non-numeric value {raw.iloc[i]!r} in column {column!r} "
            f"({int(bad.sum())} such cell(s) in this column)",
            where=f"{file}, row {i + 2}{unit}, column {column!r}",
            fix="write a number, or leave the cell empty (or NA) when it is missing",
        )
    return values.astype(float)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- iMeta --------------------------------------------------------------------------------


def _check_columns(frame: pd.DataFrame, required: Sequence[str], what: str, where: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataFormatError(
            f"{what} lacks column(s) {missing} (it has {list(frame.columns)})",
            where=where,
            fix=f"{what} needs the columns {list(required)}",
        )


def _parse_imeta(frame: pd.DataFrame, file: str) -> list[dict[str, Any]]:
    """Checked iMeta rows as dicts: code, name, type, level, direction, weight, parent, ..."""
    _check_columns(frame, IMETA_REQUIRED, "iMeta", file)
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(frame.to_dict("records")):
        line = i + 2
        here = f"{file}, row {line}"
        code = raw["iCode"]
        if not code:
            raise DataFormatError("empty iCode", where=here, fix="give every row an iCode")
        if code in seen:
            raise DataFormatError(
                f"iCode {code!r} appears twice (rows {seen[code]} and {line})",
                where=file,
                fix="give every indicator, aggregate, group and denominator its own iCode",
            )
        seen[code] = line
        here = f"{file}, row {line} (iCode {code!r})"
        kind = raw["Type"]
        if kind not in IMETA_TYPES:
            raise DataFormatError(
                f"unknown Type {kind!r}", where=here, fix=f"use one of {list(IMETA_TYPES)}"
            )
        row: dict[str, Any] = {
            "code": code,
            "name": raw.get("iName") or None,
            "type": kind,
            "parent": raw["Parent"] or None,
            "unit": raw.get("Unit") or None,
            "denominator": raw.get("Denominator") or None,
            "line": line,
            "where": here,
        }
        row["target"] = _number(raw.get("Target", ""), where=here, what="Target")
        level = _number(raw["Level"], where=here, what="Level")
        direction = _number(raw["Direction"], where=here, what="Direction")
        weight = _number(raw["Weight"], where=here, what="Weight")
        if kind in ("Indicator", "Aggregate"):
            if level is None or level != int(level) or level < 1:
                raise SpecError(
                    f"Level {raw['Level']!r} is not a positive integer",
                    where=here,
                    fix="give indicators Level 1 and aggregates 2, 3, ... up to the index",
                )
            if kind == "Indicator" and level != 1:
                raise SpecError(
                    f"indicator at Level {int(level)}",
                    where=here,
                    fix="indicators are at Level 1; aggregates at 2 and above",
                )
            if direction not in (1.0, -1.0):
                raise SpecError(
                    f"Direction {raw['Direction']!r} is not +1 or -1",
                    where=here,
                    fix="use 1 when a higher value is better, -1 when lower is better",
                )
            if weight is None or not math.isfinite(weight) or weight <= 0:
                raise SpecError(
                    f"Weight {raw['Weight']!r} is not a positive number",
                    where=here,
                    fix="give a weight > 0 (weights are relative within each parent); "
                    "drop the row to leave the element out",
                )
            row.update(level=int(level), direction=int(direction), weight=weight)
        rows.append(row)
    return rows


def _build_tree(
    rows: list[dict[str, Any]], file: str, index_id: str | None, index_name: str | None
) -> tuple[dict[str, Any], int]:
    """The spec's tree (root mapping with ``children``) and the number of levels."""
    by_code = {r["code"]: r for r in rows}
    tree = [r for r in rows if r["type"] in ("Indicator", "Aggregate")]
    if not any(r["type"] == "Indicator" for r in tree):
        raise SpecError("iMeta has no row of Type 'Indicator'", where=file, fix="add indicators")
    max_level = max(r["level"] for r in tree)
    for r in tree:
        parent = r["parent"]
        if parent is None:
            if r["level"] != max_level:
                raise SpecError(
                    f"{r['type'].lower()} {r['code']!r} (Level {r['level']}) has no Parent: "
                    "it is an orphan, outside the index tree",
                    where=r["where"],
                    fix=f"name its Parent, an aggregate at Level {r['level'] + 1}",
                )
            continue
        target = by_code.get(parent)
        if target is None or target["type"] != "Aggregate":
            kind = "no row of iMeta" if target is None else f"a row of Type {target['type']!r}"
            raise SpecError(
                f"Parent {parent!r} of {r['code']!r} names no aggregate (it is {kind})",
                where=r["where"],
                fix="name an iCode of Type 'Aggregate' as Parent",
            )
    for r in tree:  # a cycle: following parents comes back to a node
        chain, cur = [r["code"]], r
        while cur["parent"] is not None:
            cur = by_code[cur["parent"]]
            if cur["code"] in chain:
                loop = [*chain[chain.index(cur["code"]) :], cur["code"]]
                raise SpecError(
                    "cycle in the index tree: " + " -> ".join(loop),
                    where=file,
                    fix="make each Parent an aggregate of a higher Level",
                )
            chain.append(cur["code"])
    for r in tree:
        if r["parent"] is not None and by_code[r["parent"]]["level"] != r["level"] + 1:
            raise SpecError(
                f"{r['code']!r} (Level {r['level']}) has Parent {r['parent']!r} at Level "
                f"{by_code[r['parent']]['level']}, not {r['level'] + 1}",
                where=r["where"],
                fix="a Parent must be in the Level immediately above (as COINr requires)",
            )
    children: dict[str | None, list[dict[str, Any]]] = {}
    for r in tree:
        children.setdefault(r["parent"], []).append(r)
    for r in tree:
        if r["type"] == "Aggregate" and r["code"] not in children:
            raise SpecError(
                f"aggregate {r['code']!r} has no children",
                where=r["where"],
                fix="give it indicators or aggregates (Parent = its iCode), or drop the row",
            )
        if r["type"] == "Aggregate" and r["direction"] == -1:
            warnings.warn(
                f"{r['where']}: aggregate {r['code']!r} has Direction -1; directions apply to "
                "indicators only (as in COINr), so it is ignored",
                UserWarning,
                stacklevel=4,
            )

    def node(r: dict[str, Any], weight: float) -> dict[str, Any]:
        out: dict[str, Any] = {"id": r["code"]}
        if r["name"]:
            out["name"] = r["name"]
        out["weight"] = weight
        if r["type"] == "Indicator":
            out["direction"] = r["direction"]
            out["indicator"] = r["code"]
        else:
            out["children"] = group(children[r["code"]])
        return out

    def group(kids: list[dict[str, Any]]) -> list[dict[str, Any]]:
        total = sum(k["weight"] for k in kids)
        return [node(k, k["weight"] / total) for k in kids]

    tops = children[None]
    if len(tops) == 1 and tops[0]["type"] == "Aggregate":
        top = tops[0]
        return {
            "id": index_id or top["code"],
            "name": index_name or top["name"] or top["code"],
            "children": group(children[top["code"]]),
        }, max_level
    return {
        "id": index_id or "Index",
        "name": index_name or index_id or "Index",
        "children": group(tops),
    }, max_level + 1


# -- import -------------------------------------------------------------------------------


def import_coinr(
    idata_path: str | Path,
    imeta_path: str | Path,
    *,
    index_id: str | None = None,
    index_name: str | None = None,
    level_names: Sequence[str] | None = None,
    normalise: str = "minmax",
    aggregate: str = "arithmetic",
    scale: float = 100.0,
    unknown_columns: Literal["error", "warn"] = "error",
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Read and check COINr's ``iData`` and ``iMeta`` tables (CSV or Excel).

    Parameters
    ----------
    idata_path, imeta_path:
        The two tables, as CSV (UTF-8) or ``.xlsx`` files. ``iData`` may be a panel (several
        ``Time`` values per ``uCode``); its ``Time`` column is kept.
    index_id, index_name:
        Id and name of the index; default: the ``iCode`` and ``iName`` of iMeta's top aggregate
        (when the top Level holds several aggregates, a root ``Index`` is added above them).
    level_names:
        Names of the levels from 1 (indicators) to the top, as COINr's ``new_coin(level_names=)``.
    normalise, aggregate, scale:
        The spec's default method. COINr's defaults are min-max to [0, 100] and the weighted
        arithmetic mean, hence ``minmax``, ``arithmetic`` and ``100``.
    unknown_columns:
        An ``iData`` column with no row in ``iMeta``: ``"error"`` (default, as COINr) or
        ``"warn"`` (kept in the data, outside the tree, listed under ``unmapped_columns``).

    Returns
    -------
    tuple
        The spec mapping (loadable by :func:`powerscope.index.parse_spec`; COINr's extras at top
        level: ``groups``, ``denominators``, ``targets``, ``units_of_measure``, ``level_names``,
        ``time_column``, ``coinr_source``) and the data: one row per unit (and time), columns
        ``uCode, uName``, group columns, denominators, ``Time`` when present, other
        pass-through columns, then the indicators as floats (NaN when missing).

    Raises
    ------
    DataFormatError
        A missing file or column, a non-numeric value (row and column named), a duplicate
        ``uCode`` (or ``uCode``/``Time`` pair), an iMeta code absent from iData, an iData column
        absent from iMeta (see ``unknown_columns``).
    SpecError
        A Parent that names no aggregate, an orphan, a cycle, a level skipped, an aggregate with
        no children, a weight <= 0, a direction other than +/-1.
    """
    idata_file, imeta_file = Path(idata_path), Path(imeta_path)
    rows = _parse_imeta(_read_table(imeta_file, "iMeta"), shown_path(imeta_file))
    root, n_levels = _build_tree(rows, shown_path(imeta_file), index_id, index_name)
    by_code = {r["code"]: r for r in rows}

    frame = _read_table(idata_file, "iData")
    where = shown_path(idata_file)
    _check_columns(frame, ("uCode",), "iData", where)
    indicators = [r["code"] for r in rows if r["type"] == "Indicator"]
    groups = [r["code"] for r in rows if r["type"] == "Group"]
    denominators = [r["code"] for r in rows if r["type"] == "Denominator"]
    others = [r["code"] for r in rows if r["type"] == "Other"]
    absent = [c for c in (*indicators, *groups, *denominators, *others) if c not in frame.columns]
    if absent:
        raise DataFormatError(
            f"{len(absent)} iCode(s) of iMeta are not columns of iData: {', '.join(absent[:10])}",
            where=where,
            fix="add the columns to iData, or drop their rows from iMeta",
        )
    unknown = [c for c in frame.columns if c not in by_code and c not in SPECIAL_COLUMNS]
    aggregates_in_data = [
        c for c in frame.columns if c in by_code and by_code[c]["type"] == "Aggregate"
    ]
    if aggregates_in_data:
        raise DataFormatError(
            f"iData has column(s) {aggregates_in_data} that iMeta declares as aggregates",
            where=where,
            fix="aggregates are computed: drop these columns from iData",
        )
    if unknown and unknown_columns == "error":
        raise DataFormatError(
            f"{len(unknown)} column(s) of iData have no row in iMeta: {', '.join(unknown[:10])}",
            where=where,
            fix="describe them in iMeta (Type Indicator, Group, Denominator or Other), drop "
            "them, or pass unknown_columns='warn' to carry them outside the index",
        )
    if unknown:
        warnings.warn(
            f"{where}: column(s) {unknown} have no row in iMeta; kept in the data, outside the "
            "index tree",
            UserWarning,
            stacklevel=2,
        )
    for r in rows:
        den = r["denominator"]
        if r["type"] == "Indicator" and den is not None and den not in frame.columns:
            raise DataFormatError(
                f"Denominator {den!r} of {r['code']!r} is not a column of iData",
                where=r["where"],
                fix="add the denominator to iData (and to iMeta with Type 'Denominator')",
            )

    if (frame["uCode"] == "").any():
        i = int((frame["uCode"] == "").to_numpy().nonzero()[0][0])
        raise DataFormatError("empty uCode", where=f"{where}, row {i + 2}", fix="give a code")
    time = None
    if "Time" in frame.columns:
        time = _numeric_column(frame, "Time", where)
        if time.isna().any():
            i = int(time.isna().to_numpy().nonzero()[0][0])
            raise DataFormatError(
                "missing Time", where=f"{where}, row {i + 2}", fix="give every row a Time"
            )
    panel = time is not None and time.nunique() > 1
    keys = ["uCode", "Time"] if panel else ["uCode"]
    key_frame = pd.DataFrame({"uCode": frame["uCode"], "Time": time})[keys]
    dup = key_frame.duplicated(keep=False)
    if dup.any():
        first = key_frame[dup].iloc[0]
        what = f"uCode {first['uCode']!r}"
        if panel:
            what += f" at Time {float(first['Time']):g}"
        lines = [int(i) + 2 for i in dup.to_numpy().nonzero()[0][:4]]
        raise DataFormatError(
            f"duplicate {what} (rows {lines})",
            where=where,
            fix=f"give each unit one row{' per Time' if panel else ''}",
        )

    data = pd.DataFrame({"uCode": frame["uCode"]})
    data["uName"] = (
        frame["uName"].where(frame["uName"] != "", frame["uCode"])
        if "uName" in frame.columns
        else frame["uCode"]
    )
    for col in groups:
        data[col] = frame[col].where(~frame[col].isin(MISSING_TOKENS), None)
    for col in denominators:
        data[col] = _numeric_column(frame, col, where)
    if time is not None:
        data["Time"] = time.astype("Int64") if (time == time.round()).all() else time
    for col in [*others, *unknown]:
        data[col] = frame[col]
    leaf_order = _leaf_codes(root)
    for col in leaf_order:
        data[col] = _numeric_column(frame, col, where)
    data = data.reset_index(drop=True)

    if level_names is not None and len(level_names) != n_levels:
        raise SpecError(
            f"{len(level_names)} level name(s) for {n_levels} levels",
            fix="name every level from 1 (indicators) to the top (the index)",
        )
    spec: dict[str, Any] = {
        "id": root["id"],
        "name": root["name"],
        "normalise": normalise,
        "aggregate": aggregate,
        "scale": int(scale) if float(scale).is_integer() else scale,
        "citation": f"Imported from COINr tables {idata_file.name} and {imeta_file.name}",
        "format": "coinr",
        "unit_code": "uCode",
        "unit_name": "uName",
        "time_column": "Time" if time is not None else None,
        "groups": groups,
        "denominators": {
            r["code"]: r["denominator"]
            for r in rows
            if r["type"] == "Indicator" and r["denominator"]
        },
        "targets": {
            r["code"]: r["target"]
            for r in rows
            if r["type"] == "Indicator" and r["target"] is not None
        },
        "units_of_measure": {
            r["code"]: r["unit"] for r in rows if r["type"] == "Indicator" and r["unit"]
        },
        "level_names": list(level_names) if level_names is not None else None,
        "unmapped_columns": unknown or None,
        "coinr_source": {
            "idata": idata_file.name,
            "imeta": imeta_file.name,
            "sha256": {"idata": _sha256(idata_file), "imeta": _sha256(imeta_file)},
        },
        "children": root["children"],
    }
    spec = {k: v for k, v in spec.items() if v is not None}
    parse_spec(spec, where=shown_path(imeta_file))  # the tree is valid for powerscope too
    return spec, data


def _leaf_codes(node: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for child in node.get("children") or ():
        if child.get("children"):
            out.extend(_leaf_codes(child))
        else:
            out.append(str(child.get("indicator", child["id"])))
    return out


# -- writing ------------------------------------------------------------------------------


class _Leaf(dict):  # type: ignore[type-arg]
    """A leaf node, written on one line (flow style) as in ``ceti.yaml``."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_leaf(dumper: yaml.SafeDumper, data: _Leaf) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", dict(data), flow_style=True)


_Dumper.add_representer(_Leaf, _represent_leaf)


def _flow_leaves(nodes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in nodes:
        if n.get("children"):
            out.append({**n, "children": _flow_leaves(n["children"])})
        else:
            out.append(_Leaf(n))
    return out


def write_spec(spec_dict: Mapping[str, Any], data: pd.DataFrame, output_yaml: str | Path) -> Path:
    """Write a spec as YAML and its data beside it as ``<stem>.data.csv``.

    The spec gets two top-level keys: ``data_file`` (the CSV's name, relative to the YAML) and
    ``data_path`` (its absolute path, so :func:`load_spec_data` also finds it from a spec loaded
    with :func:`powerscope.index.load_spec`). The written spec is checked with
    :func:`powerscope.index.parse_spec` first, so an unloadable file is never written.

    Returns
    -------
    pathlib.Path
        The YAML file written.
    """
    output = Path(output_yaml)
    if output.suffix not in (".yaml", ".yml"):
        raise SpecError(
            "an index spec file must end in .yaml or .yml", where=str(output), fix="rename it"
        )
    missing = [c for c in _leaf_codes(spec_dict) if c not in data.columns]
    if missing:
        raise DataFormatError(
            f"{len(missing)} indicator(s) of the spec are not columns of the data: "
            + ", ".join(missing[:8]),
            fix="pass the data returned by import_coinr with the spec",
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    data_path = output.with_name(output.stem + DATA_SUFFIX)
    tail = ("denominators", "targets", "units_of_measure", "unmapped_columns")
    skip = ("children", "data_file", "data_path", *tail)
    out = {k: v for k, v in spec_dict.items() if k not in skip}
    out["data_file"] = data_path.name
    out["data_path"] = str(data_path.resolve())
    out["children"] = _flow_leaves(spec_dict["children"])
    out.update({k: spec_dict[k] for k in tail if k in spec_dict})
    parse_spec(out, where=str(output))
    data.to_csv(data_path, index=False)
    header = (
        f"# {out.get('name', out['id'])}: a powerscope index spec"
        + (" imported from COINr (iData/iMeta)" if out.get("format") == "coinr" else "")
        + f".\n# Data: {data_path.name} (units x indicators, beside this file). Weights sum "
        "to 1 within each parent.\n"
    )
    text = yaml.dump(
        out,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=200,
        default_flow_style=False,
    )
    output.write_text(header + text, encoding="utf-8")
    return output


# -- loading ------------------------------------------------------------------------------


def read_data(path: str | Path, spec: IndexSpec) -> pd.DataFrame:
    """Read a spec's data CSV: indicators, denominators and ``Time`` as numbers, the rest text.

    Raises
    ------
    DataFormatError
        The file is missing, lacks a column of the spec, or holds a non-numeric value.
    """
    file = Path(path)
    frame = _read_table(file, "data")
    indicators = [str(n.indicator) for _, n in spec.leaves()]
    denominators = sorted(set((spec.extra.get("denominators") or {}).values()))
    time = spec.extra.get("time_column")
    needed = ["uCode", *indicators, *denominators, *([time] if time else [])]
    _check_columns(frame, needed, "the data", shown_path(file))
    numeric = {*indicators, *denominators, *([time] if time else [])}
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        if col in numeric:
            out[col] = _numeric_column(frame, col, shown_path(file))
        else:
            out[col] = frame[col].where(~frame[col].isin(MISSING_TOKENS), None)
    if time and (out[time].dropna() == out[time].dropna().round()).all():
        out[time] = out[time].astype("Int64")
    return out


def load_spec_data(spec: IndexSpec, base_dir: str | Path | None = None) -> pd.DataFrame:
    """The data of a spec written by :func:`write_spec`.

    Parameters
    ----------
    spec:
        A spec loaded from YAML, with ``data_file`` (and ``data_path``) at top level.
    base_dir:
        The YAML's folder, where ``data_file`` is looked up first. Without it, the absolute
        ``data_path`` recorded when the spec was written is used.
    """
    name = spec.extra.get("data_file")
    if not name:
        raise SpecError(
            f"index {spec.id!r} names no data file",
            fix="add 'data_file: <name>.data.csv' to the spec (write_spec does)",
        )
    candidates = []
    if base_dir is not None:
        candidates.append(Path(base_dir) / str(name))
    if spec.extra.get("data_path"):
        candidates.append(Path(str(spec.extra["data_path"])))
    for path in candidates:
        if path.is_file():
            return read_data(path, spec)
    raise DataFormatError(
        f"data file {name!r} of index {spec.id!r} not found",
        where=", ".join(str(c) for c in candidates) or str(name),
        fix="load the spec with load_with_data(path_to_yaml), or keep the CSV beside the YAML",
    )


def load_with_data(path: str | Path) -> tuple[IndexSpec, pd.DataFrame]:
    """Load a spec file and its data file (``data_file``, relative to the YAML's folder)."""
    spec = load_spec(path)
    return spec, load_spec_data(spec, base_dir=Path(path).parent)


# -- using the data -----------------------------------------------------------------------


def indicator_frame(
    spec: IndexSpec, data: pd.DataFrame, *, time: float | None = None
) -> pd.DataFrame:
    """The spec's indicator columns indexed by ``uCode``, ready for :func:`compute`.

    Parameters
    ----------
    time:
        For panel data (several ``Time`` values), the time to keep; required then.
    """
    time_col = spec.extra.get("time_column") or ("Time" if "Time" in data.columns else None)
    rows = data
    if time_col and time_col in data.columns:
        times = sorted(data[time_col].dropna().unique().tolist())
        if time is not None:
            rows = data[data[time_col] == time]
            if rows.empty:
                raise DataFormatError(
                    f"no rows with {time_col} = {time}", fix=f"use one of {times}"
                )
        elif len(times) > 1:
            raise DataFormatError(
                f"panel data ({len(times)} values of {time_col}): choose one",
                fix=f"pass time=, one of {times}",
            )
    indicators = [str(n.indicator) for _, n in spec.leaves()]
    frame = rows.set_index("uCode")[indicators].astype(float)
    frame.index = frame.index.astype(str)
    frame.index.name = "code"
    return frame


def unit_info(data: pd.DataFrame) -> dict[str, tuple[str, bool]]:
    """``{uCode: (uName, False)}`` for :func:`compute`'s ``units`` (COINr units are countries)."""
    names = data["uName"] if "uName" in data.columns else data["uCode"]
    return {str(c): (str(n), False) for c, n in zip(data["uCode"], names, strict=True)}


def denominate(spec: IndexSpec, data: pd.DataFrame) -> pd.DataFrame:
    """Divide each indicator by its denominator (iMeta's ``Denominator``), as COINr's ``Denominate``.

    Returns a copy of ``data`` in which every indicator listed under the spec's
    ``denominators`` is ``indicator / denominator`` (NaN where the denominator is 0 or
    missing); the other columns are unchanged.
    """
    out = data.copy()
    for indicator, denominator in (spec.extra.get("denominators") or {}).items():
        den = out[denominator].astype(float)
        out[indicator] = out[indicator].astype(float) / den.where(den != 0)
    return out


def matrix_of(spec: IndexSpec, data: pd.DataFrame, *, time: float | None = None) -> Matrix:
    """:func:`indicator_frame` as an engine :class:`Matrix`."""
    return Matrix.from_frame(indicator_frame(spec, data, time=time))
