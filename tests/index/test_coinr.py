"""Importing COINr's iData/iMeta: the real ASEM example, the YAML round trip, and bad tables."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pandas as pd
import pytest

from powerscope.errors import DataFormatError, SpecError
from powerscope.index import ROOT, compute, load_spec, parse_spec
from powerscope.index.coinr import (
    denominate,
    import_coinr,
    indicator_frame,
    load_spec_data,
    load_with_data,
    unit_info,
    write_spec,
)

NEGATIVE = {
    "CostImpEx", "Tariff", "TBTs", "PrimEner", "CO2", "MatCon", "Forest", "Poverty", "Palma",
    "FreePress", "TolMin", "PubDebt", "PrivDebt", "NEET",
}  # fmt: skip


def asem_files() -> tuple[Path, Path]:
    from support import require_shared

    return (
        require_shared("coinr_asem", "ASEM_iData.csv"),
        require_shared("coinr_asem", "ASEM_iMeta.csv"),
    )


@pytest.fixture(scope="module")
def asem() -> tuple[dict, pd.DataFrame]:  # type: ignore[type-arg]
    idata, imeta = asem_files()
    return import_coinr(idata, imeta)


# -- the real ASEM example ------------------------------------------------------------------


def test_asem_tree_is_49_indicators_8_pillars_2_subindices(asem) -> None:  # type: ignore[no-untyped-def]
    spec = parse_spec(asem[0])
    assert spec.id == "Index" and spec.name == "Sustainable Connectivity"
    assert [c.id for c in spec.root.children] == ["Conn", "Sust"]
    pillars = [p for p, n in spec.walk() if p.count("/") == 1]
    assert len(pillars) == 8 and "Conn/Physical" in pillars and "Sust/SusEcFin" in pillars
    assert len(spec.leaves()) == 49
    assert all(p.count("/") == 2 for p, _ in spec.leaves())


def test_asem_directions_and_names(asem) -> None:  # type: ignore[no-untyped-def]
    spec = parse_spec(asem[0])
    negative = {n.id for _, n in spec.leaves() if n.direction == -1}
    assert negative == NEGATIVE
    assert spec.node("Conn/Instit/CostImpEx").direction == -1
    assert spec.node("Conn/Physical/LPI").name == "Logistics Performance Index"


def test_asem_weights_rescaled_within_each_parent(asem) -> None:  # type: ignore[no-untyped-def]
    spec = parse_spec(asem[0])
    physical = spec.node("Conn/Physical").children
    assert len(physical) == 8
    assert sum(c.weight for c in physical) == pytest.approx(1.0)
    assert all(c.weight == pytest.approx(1 / 8) for c in physical)
    assert [c.weight for c in spec.root.children] == [0.5, 0.5]
    assert sum(c.weight for c in spec.node("Conn/Instit").children) == pytest.approx(1.0)


def test_asem_extras_denominators_targets_units_groups(asem) -> None:  # type: ignore[no-untyped-def]
    spec, _ = asem
    assert spec["denominators"]["Flights"] == "Population"
    assert spec["denominators"]["Goods"] == "GDP"
    assert "LPI" not in spec["denominators"]
    assert spec["targets"]["LPI"] == pytest.approx(4.11803135)
    assert spec["units_of_measure"]["LPI"] == "Score 1-5"
    assert spec["groups"] == ["GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"]
    _, imeta = asem_files()
    assert spec["coinr_source"]["sha256"]["imeta"] == hashlib.sha256(imeta.read_bytes()).hexdigest()
    assert spec["coinr_source"]["idata"] == "ASEM_iData.csv"


def test_asem_data_columns_and_missing_cells(asem) -> None:  # type: ignore[no-untyped-def]
    spec, data = asem
    assert data.shape == (51, 60)
    assert list(data.columns[:11]) == [
        "uCode", "uName", "GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group",
        "Area", "Energy", "GDP", "Population", "Time",
    ]  # fmt: skip
    indicators = [n.indicator for _, n in parse_spec(spec).leaves()]
    assert int(data[indicators].isna().sum().sum()) == 63
    assert data["Time"].unique().tolist() == [2018]
    assert data.loc[data["uCode"] == "AUT", "uName"].item() == "Austria"


def test_denominate_divides_flights_by_population(asem) -> None:  # type: ignore[no-untyped-def]
    spec, data = asem
    out = denominate(parse_spec(spec), data)
    aut = data["uCode"] == "AUT"
    assert out.loc[aut, "Flights"].item() == pytest.approx(29.01725 / 8735.453)
    assert out.loc[aut, "LPI"].item() == data.loc[aut, "LPI"].item()  # no denominator


def test_round_trip_yaml_gives_same_tree_and_data(asem, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec_dict, data = asem
    path = write_spec(spec_dict, data, tmp_path / "asem.yaml")
    assert (tmp_path / "asem.data.csv").is_file()
    loaded = load_spec(path)
    assert loaded.root == parse_spec(spec_dict).root
    assert loaded.extra["data_file"] == "asem.data.csv"
    assert loaded.extra["denominators"]["Flights"] == "Population"
    _, back = load_with_data(path)
    pd.testing.assert_frame_equal(back, data, check_dtype=False)
    assert back["Time"].dtype == "Int64"
    # from a spec loaded on its own, the absolute data_path is used
    pd.testing.assert_frame_equal(load_spec_data(loaded), data, check_dtype=False)


def test_written_yaml_is_readable_with_leaves_on_one_line(asem, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_spec(*asem, tmp_path / "asem.yaml")
    text = path.read_text(encoding="utf-8")
    assert "data_file: asem.data.csv" in text
    assert "- {id: LPI, name: Logistics Performance Index, weight: 0.125, direction: 1, " in text
    assert text.index("children:") < text.index("denominators:")


def test_compute_runs_on_the_imported_spec(asem, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec, data = load_with_data(write_spec(*asem, tmp_path / "asem.yaml"))
    # the matrix from the CSV's indicator columns indexed by uCode
    frame = data.set_index("uCode")[[n.indicator for _, n in spec.leaves()]]
    result = compute(spec, frame, normalisation="minmax", units=unit_info(data))
    assert result.scores.shape == (51, 1 + 2 + 8 + 49)
    top = result.scores[ROOT]
    assert top.notna().all() and top.between(0, 100).all()
    # min-max with directions: the best LPI scores 100, the lowest CostImpEx too
    lpi = result.scores["Conn/Physical/LPI"]
    assert (
        lpi.max() == pytest.approx(100.0)
        and lpi.idxmax() == data.loc[data["LPI"].idxmax(), "uCode"]
    )
    cost = result.scores["Conn/Instit/CostImpEx"]
    assert cost.idxmax() in set(data.loc[data["CostImpEx"] == data["CostImpEx"].min(), "uCode"])
    assert result.units.at["DEU", "name"] == "Germany"
    pd.testing.assert_frame_equal(indicator_frame(spec, data), frame.rename_axis("code"))


def test_panel_file_keeps_time() -> None:
    from support import require_shared

    panel = require_shared("coinr_asem", "ASEM_iData_p.csv")
    _, imeta = asem_files()
    spec_dict, data = import_coinr(panel, imeta)
    assert spec_dict["time_column"] == "Time"
    assert len(data) == 255 and sorted(data["Time"].unique()) == [2018, 2019, 2020, 2021, 2022]
    spec = parse_spec(spec_dict)
    with pytest.raises(DataFormatError, match="panel data"):
        indicator_frame(spec, data)
    frame = indicator_frame(spec, data, time=2020)
    assert frame.shape == (51, 49) and frame.index.is_unique


def test_level_names_are_recorded_and_checked() -> None:
    idata, imeta = asem_files()
    names = ["Indicator", "Pillar", "Sub-index", "Index"]
    spec, _ = import_coinr(idata, imeta, level_names=names)
    assert spec["level_names"] == names
    with pytest.raises(SpecError, match="3 level name"):
        import_coinr(idata, imeta, level_names=names[:3])


# -- bad tables (small synthetic ones) -------------------------------------------------------

IMETA = [
    # Level, iCode, iName, Direction, Weight, Unit, Target, Denominator, Parent, Type
    ["1", "x1", "X one", "1", "1", "USD", "10", "Pop", "A", "Indicator"],
    ["1", "x2", "X two", "-1", "3", "%", "", "", "A", "Indicator"],
    ["1", "x3", "X three", "1", "1", "", "", "", "B", "Indicator"],
    ["2", "A", "Group A", "1", "1", "", "", "", "T", "Aggregate"],
    ["2", "B", "Group B", "1", "1", "", "", "", "T", "Aggregate"],
    ["3", "T", "Top", "1", "1", "", "", "", "", "Aggregate"],
    ["", "Region", "Region", "", "", "", "", "", "", "Group"],
    ["", "Pop", "Population", "", "", "", "", "", "", "Denominator"],
]
IMETA_COLUMNS = [
    "Level", "iCode", "iName", "Direction", "Weight", "Unit", "Target", "Denominator", "Parent",
    "Type",
]  # fmt: skip
IDATA = pd.DataFrame(
    {
        "uCode": ["AAA", "BBB", "CCC"],
        "uName": ["Aland", "Bland", "Cland"],
        "Region": ["N", "S", ""],
        "Pop": ["10", "20", "30"],
        "x1": ["1", "2", "3"],
        "x2": ["3", "NA", "1"],
        "x3": ["0", "5", ""],
    }
)


def write_tables(
    tmp_path: Path, imeta: list[list[str]] | None = None, idata: pd.DataFrame | None = None
) -> tuple[Path, Path]:
    meta = pd.DataFrame(IMETA if imeta is None else imeta, columns=IMETA_COLUMNS)
    data = IDATA if idata is None else idata
    meta.to_csv(tmp_path / "iMeta.csv", index=False)
    data.to_csv(tmp_path / "iData.csv", index=False)
    return tmp_path / "iData.csv", tmp_path / "iMeta.csv"


def edit(code: str, column: str, value: str) -> list[list[str]]:
    j = IMETA_COLUMNS.index(column)
    return [[value if (r[1] == code and k == j) else v for k, v in enumerate(r)] for r in IMETA]


def test_small_valid_tables_import(tmp_path: Path) -> None:
    spec, data = import_coinr(*write_tables(tmp_path))
    tree = parse_spec(spec)
    assert [n.weight for n in tree.node("A").children] == [0.25, 0.75]  # 1:3 rescaled
    assert tree.node("A/x2").direction == -1
    assert spec["denominators"] == {"x1": "Pop"} and spec["targets"] == {"x1": 10.0}
    assert math.isnan(data.loc[1, "x2"]) and math.isnan(data.loc[2, "x3"])  # NA and empty
    assert data.loc[2, "Region"] is None
    assert list(data.columns) == ["uCode", "uName", "Region", "Pop", "x1", "x2", "x3"]


def test_excel_tables_import(tmp_path: Path) -> None:
    meta = pd.DataFrame(IMETA, columns=IMETA_COLUMNS)
    meta.to_excel(tmp_path / "iMeta.xlsx", index=False)
    IDATA.to_excel(tmp_path / "iData.xlsx", index=False)
    spec, data = import_coinr(tmp_path / "iData.xlsx", tmp_path / "iMeta.xlsx")
    assert len(parse_spec(spec).leaves()) == 3 and data["x1"].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("column", ["Weight", "Parent", "Type"])
def test_missing_imeta_column(tmp_path: Path, column: str) -> None:
    idata, imeta = write_tables(tmp_path)
    pd.read_csv(imeta).drop(columns=[column]).to_csv(imeta, index=False)
    with pytest.raises(DataFormatError, match=f"lacks column.*'{column}'"):
        import_coinr(idata, imeta)


def test_missing_ucode_column(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="iData lacks column.*uCode"):
        import_coinr(*write_tables(tmp_path, idata=IDATA.drop(columns=["uCode"])))


def test_imeta_code_missing_from_idata(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="not columns of iData: x3"):
        import_coinr(*write_tables(tmp_path, idata=IDATA.drop(columns=["x3"])))


def test_parent_that_names_no_aggregate(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="Parent 'x1' of 'x3' names no aggregate"):
        import_coinr(*write_tables(tmp_path, edit("x3", "Parent", "x1")))
    with pytest.raises(SpecError, match="Parent 'Nope' of 'x3' names no aggregate"):
        import_coinr(*write_tables(tmp_path, edit("x3", "Parent", "Nope")))


def test_orphan(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="'B' .*has no Parent: it is an orphan"):
        import_coinr(*write_tables(tmp_path, edit("B", "Parent", "")))


def test_cycle(tmp_path: Path) -> None:
    rows = edit("T", "Parent", "B")
    rows = [r if r[1] != "B" else [*r[:8], "T", r[9]] for r in rows]
    with pytest.raises(SpecError, match="cycle in the index tree: .*B -> T -> B|T -> B -> T"):
        import_coinr(*write_tables(tmp_path, rows))


def test_childless_aggregate_and_skipped_level(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="aggregate 'B' has no children"):
        import_coinr(*write_tables(tmp_path, edit("x3", "Parent", "A")))
    with pytest.raises(SpecError, match="Parent 'T' at Level 3, not 2"):
        import_coinr(*write_tables(tmp_path, edit("x3", "Parent", "T")))


def test_duplicate_ucode(tmp_path: Path) -> None:
    idata = IDATA.copy()
    idata.loc[2, "uCode"] = "AAA"
    with pytest.raises(DataFormatError, match=r"duplicate uCode 'AAA' \(rows \[2, 4\]\)"):
        import_coinr(*write_tables(tmp_path, idata=idata))


def test_non_numeric_value_names_row_and_column(tmp_path: Path) -> None:
    idata = IDATA.copy()
    idata.loc[1, "x1"] = "n.a."
    with pytest.raises(DataFormatError, match="'n.a.' in column 'x1'") as err:
        import_coinr(*write_tables(tmp_path, idata=idata))
    assert "row 3, uCode 'BBB', column 'x1'" in str(err.value)


@pytest.mark.parametrize("weight", ["0", "-1", ""])
def test_weight_must_be_positive(tmp_path: Path, weight: str) -> None:
    with pytest.raises(SpecError, match="Weight .* is not a positive number") as err:
        import_coinr(*write_tables(tmp_path, edit("x2", "Weight", weight)))
    assert "row 3 (iCode 'x2')" in str(err.value)


def test_direction_must_be_plus_or_minus_one(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="Direction '2' is not \\+1 or -1"):
        import_coinr(*write_tables(tmp_path, edit("x1", "Direction", "2")))


def test_unknown_type_and_duplicate_icode(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="unknown Type 'Indicatr'"):
        import_coinr(*write_tables(tmp_path, edit("x1", "Type", "Indicatr")))
    with pytest.raises(DataFormatError, match="iCode 'x1' appears twice"):
        import_coinr(*write_tables(tmp_path, [*IMETA, IMETA[0]]))


def test_idata_column_not_in_imeta_is_an_error_or_a_warning(tmp_path: Path) -> None:
    idata = IDATA.assign(extra=["1", "2", "3"])
    files = write_tables(tmp_path, idata=idata)
    with pytest.raises(DataFormatError, match="have no row in iMeta: extra"):
        import_coinr(*files)
    with pytest.warns(UserWarning, match="extra"):
        spec, data = import_coinr(*files, unknown_columns="warn")
    assert spec["unmapped_columns"] == ["extra"] and "extra" in data.columns
    assert "extra" not in {n.indicator for _, n in parse_spec(spec).leaves()}


def test_panel_duplicates_are_unit_time_pairs(tmp_path: Path) -> None:
    two_years = pd.concat([IDATA.assign(Time="2020"), IDATA.assign(Time="2021")])
    _, data = import_coinr(*write_tables(tmp_path, idata=two_years))
    assert len(data) == 6 and data["Time"].tolist() == [2020] * 3 + [2021] * 3
    twice = pd.concat([two_years, IDATA.assign(Time="2021").iloc[:1]])
    with pytest.raises(
        DataFormatError, match="duplicate uCode 'AAA' at Time 2021 \\(rows \\[5, 8\\]\\)"
    ):
        import_coinr(*write_tables(tmp_path, idata=twice))


def test_write_spec_checks_name_and_missing_data_file(tmp_path: Path) -> None:
    spec, data = import_coinr(*write_tables(tmp_path))
    with pytest.raises(SpecError, match=r"end in \.yaml"):
        write_spec(spec, data, tmp_path / "toy.txt")
    path = write_spec(spec, data, tmp_path / "out" / "toy.yaml")
    loaded = load_spec(path)
    (tmp_path / "out" / "toy.data.csv").unlink()
    with pytest.raises(DataFormatError, match="data file 'toy.data.csv' of index 'T' not found"):
        load_spec_data(loaded)


def test_round_trip_small_tables_compute(tmp_path: Path) -> None:
    path = write_spec(*import_coinr(*write_tables(tmp_path)), tmp_path / "t.yaml")
    spec, data = load_with_data(path)
    result = compute(spec, indicator_frame(spec, data), normalisation="minmax")
    # x1 -> 0, 50, 100; -x2 -> 0, (missing), 100; A = .25 x1 + .75 (-x2) over those present
    assert result.scores["A"].tolist() == pytest.approx([0.0, 50.0, 100.0])
    # x3 -> 0, 100, (missing); T = (A + B) / 2 over those present
    assert result.scores[ROOT].tolist() == pytest.approx([0.0, 75.0, 100.0])
