"""Tests of the SIPRI readers: arms-transfers trade register, TIV tables, military expenditure."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from powerscope.data.catalog import Source
from powerscope.data.sources import sipri
from powerscope.errors import DataFormatError, UnknownEntityError
from support import require_shared

# --------------------------------------------------------------------------------------------
# Real data (read once per module)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    return sipri.read_trade_register(require_shared(sipri.TRADE_REGISTER_FILE))


@pytest.fixture(scope="module")
def tiv() -> pd.DataFrame:
    return sipri.read_tiv_tables(
        require_shared(sipri.EXPORT_TIV_FILE), require_shared(sipri.IMPORT_TIV_FILE)
    )


@pytest.fixture(scope="module")
def milex() -> pd.DataFrame:
    return sipri.read_milex(require_shared(sipri.MILEX_FILE))


def test_register_row_count_and_schema(register: pd.DataFrame) -> None:
    # The file has 29,519 data lines (the README's count); 4 deals are broken over two lines
    # each, so there are 29,515 deals.
    path = require_shared(sipri.TRADE_REGISTER_FILE)
    with gzip.open(path, "rb") as handle:
        data_lines = sum(1 for _ in handle) - 12  # 11 preamble lines + header
    assert data_lines == 29_519
    assert len(register) == 29_515 == data_lines - 4
    assert list(register.columns) == list(sipri.REGISTER_OUTPUT_COLUMNS)
    assert register["deal_id"].tolist() == list(range(len(register)))
    expected = {
        "order_year": "Int16",
        "number_ordered": "Int64",
        "number_delivered": "Int64",
        "n_delivery_years": "Int16",
        "order_year_uncertain": "bool",
        "number_ordered_uncertain": "bool",
        "number_delivered_uncertain": "bool",
        "tiv_per_unit": "float64",
        "tiv_order": "float64",
        "tiv_delivered": "float64",
    }
    assert {c: str(register[c].dtype) for c in expected} == expected
    assert register["recipient_code"].notna().all() and register["supplier_code"].notna().all()
    assert register["order_year"].between(1940, 2024).all()


def test_register_broken_rows_recovered(register: pd.DataFrame) -> None:
    assert register.attrs["recovered_rows"] == [
        {"deal_id": 5419, "lines": [5432, 5433]},
        {"deal_id": 21474, "lines": [21488, 21489]},
        {"deal_id": 25163, "lines": [25178, 25179]},
        {"deal_id": 27939, "lines": [27955, 27956]},
    ]
    deals = register.set_index("deal_id")
    civ = deals.loc[5419]
    assert (civ["recipient_code"], civ["supplier_code"], civ["designation"]) == (
        "CIV",
        "USA",
        "vehicle engine",
    )
    assert civ["comments"] == "Cummins (275hp) diesel engine for 12 Puma M-36 APC from South Africa"
    assert (civ["tiv_per_unit"], civ["tiv_order"], civ["tiv_delivered"]) == (0.03, 0.36, 0.0)
    sau = deals.loc[21474]
    assert (sau["recipient_code"], sau["supplier_code"], sau["tiv_order"]) == ("SAU", "DEU", 18.0)
    tha = deals.loc[25163]
    assert (tha["recipient_code"], tha["supplier_code"], tha["designation"]) == (
        "THA",
        "UKR",
        "BTR-3",
    )
    assert tha["comments"].endswith("redesign for other engines")
    assert (tha["delivery_years"], tha["tiv_delivered"]) == ("2010;2012", 3.25)
    un = deals.loc[27939]
    assert (un["recipient_code"], un["supplier_code"], un["designation"]) == (
        "ORG-UN",
        "ISR",
        "Hermes-900",
    )
    assert (un["tiv_per_unit"], un["tiv_order"], un["tiv_delivered"]) == (3.0, 9.0, 9.0)
    # No comment keeps a stray line break.
    assert not register["comments"].str.contains(r"[\r\n]", regex=True).fillna(False).any()


def test_register_fields_parsed(register: pd.DataFrame) -> None:
    years = register["delivery_years"]
    assert years.dropna().str.fullmatch(r"\d{4}(;\d{4})*").all()
    assert (years.isna() == register["n_delivery_years"].eq(0)).all()
    assert (years.str.count(";").add(1).fillna(0) == register["n_delivery_years"]).all()
    assert register["number_ordered"].isna().sum() == 280  # unknown, not zero
    assert int(register["order_year_uncertain"].sum()) == 15_581
    assert set(register["status"]) == {"New", "Second hand", "Second hand but modernized"}
    first = register.iloc[0]
    assert (first["recipient"], first["supplier"], first["designation"]) == (
        "Afghanistan",
        "Brazil",
        "EMB-314 Super Tucano",
    )
    assert (first["order_year"], first["number_ordered"], first["tiv_order"]) == (2017, 6, 27.0)


def test_register_codes(register: pd.DataFrame) -> None:
    codes = set(register["recipient_code"]) | set(register["supplier_code"])
    assert {"SUN", "DDR", "CSK", "YUG", "RVN", "YMD", "UNKNOWN", "ORG-NATO", "ORG-UN"} <= codes
    assert any(code.startswith("NSA-") for code in codes)
    by_name = register.drop_duplicates("supplier").set_index("supplier")["supplier_code"]
    assert by_name["South Korea"] == "KOR"
    assert by_name["Soviet Union"] == "SUN"
    assert by_name["East Germany (GDR)"] == "DDR"
    assert by_name["unknown supplier(s)"] == "UNKNOWN"


def test_register_korea_poland_2022(register: pd.DataFrame) -> None:
    deals = register[
        (register["supplier_code"] == "KOR")
        & (register["recipient_code"] == "POL")
        & (register["order_year"] == 2022)
    ]
    ordered = deals.groupby("designation")["number_ordered"].sum()
    assert ordered["K2 Black Panther"] == 1000  # 180 + 820
    assert ordered["K-9 Thunder 155mm"] == 520  # 212 + 308
    assert ordered["FA-50"] + ordered["FA-50 Block-20"] == 48  # 12 + 36
    assert ordered["K-239 Chunmoo"] == 290
    assert (register["supplier_code"] == "KOR").sum() == 150


def test_register_supplier_totals(register: pd.DataFrame) -> None:
    totals = register.groupby("supplier_code")["tiv_delivered"].sum().sort_values(ascending=False)
    assert list(totals.index[:2]) == ["USA", "SUN"]
    assert totals["USA"] == pytest.approx(752_907.18, rel=1e-6)
    assert totals["SUN"] + totals["RUS"] > 2 * totals["GBR"]
    assert totals.sum() == pytest.approx(2_092_211.45, rel=1e-6)
    # South Korea is a recent major exporter: most of its orders (in TIV) date from 2020 on,
    # and Poland is by far its largest customer of those.
    kor = register[register["supplier_code"] == "KOR"]
    recent = kor[kor["order_year"] >= 2020]
    assert recent["tiv_order"].sum() > 0.6 * kor["tiv_order"].sum()
    by_recipient = recent.groupby("recipient_code")["tiv_order"].sum().sort_values()
    assert by_recipient.index[-1] == "POL"
    assert by_recipient["POL"] > 2 * by_recipient.iloc[-2]


def test_tiv_table(tiv: pd.DataFrame) -> None:
    assert list(tiv.columns) == list(sipri.TIV_OUTPUT_COLUMNS)
    assert len(tiv) == 22_223
    assert not tiv.duplicated(["supplier_code", "recipient_code", "year"]).any()
    assert (tiv["year"].min(), tiv["year"].max()) == (1950, 2021)
    assert str(tiv["year"].dtype) == "Int16" and str(tiv["tiv"].dtype) == "float64"
    assert not tiv["supplier_code"].isin(["All", "Total"]).any()
    assert not tiv["recipient_code"].isin(["All", "Total"]).any()
    keyed = tiv.set_index(["supplier_code", "recipient_code", "year"])["tiv"]
    assert keyed[("RUS", "IND", 2021)] == 1392.0
    totals = tiv.groupby("supplier_code")["tiv"].sum().sort_values(ascending=False)
    assert list(totals.index[:2]) == ["USA", "SUN"]


def test_tiv_export_and_import_files_agree() -> None:
    # Finding documented in read_tiv_tables: the bilateral flows of both files are identical.
    exports = pd.read_csv(require_shared(sipri.EXPORT_TIV_FILE), dtype={"Year": str})
    imports = pd.read_csv(require_shared(sipri.IMPORT_TIV_FILE), dtype={"Year": str})
    keys = ["Export_From", "Import_To", "Year"]
    e = exports[
        (exports["Export_From"] != "All")
        & (exports["Import_To"] != "Total")
        & (exports["Year"] != "Total")
    ]
    i = imports[
        (imports["Import_To"] != "All")
        & (imports["Export_From"] != "Total")
        & (imports["Year"] != "Total")
    ]
    merged = e.merge(i, on=keys, how="outer", suffixes=("_e", "_i"), indicator=True)
    assert len(merged) == 22_223
    assert (merged["_merge"] == "both").all()
    assert (merged["TIV_e"] == merged["TIV_i"]).all()
    # The "All" query rows of the export file are each supplier's exports to all recipients
    # (despite the Import_To label): the sums of the bilateral flows, up to rounding.
    all_rows = exports[(exports["Export_From"] == "All") & (exports["Year"] != "Total")]
    all_rows = all_rows[all_rows["Import_To"] != "Total"].set_index(["Import_To", "Year"])["TIV"]
    sums = e.groupby(["Export_From", "Year"])["TIV"].sum()
    sums.index.names = all_rows.index.names
    diff = (sums - all_rows).dropna().abs()
    assert len(diff) == len(all_rows) and diff.max() <= 7


def test_milex_values(milex: pd.DataFrame) -> None:
    assert list(milex.columns) == ["code", "year", *sipri.MILEX_VALUE_COLUMNS]
    assert len(milex) == 8_846
    assert not milex.duplicated(["code", "year"]).any()
    assert (milex["year"].min(), milex["year"].max()) == (1949, 2024)
    keyed = milex.set_index(["code", "year"])
    kor = keyed.loc[("KOR", 2024)]
    assert kor["milex_const2023_usd_m"] == pytest.approx(48_473.4989, abs=0.01)
    assert kor["milex_share_gdp"] == pytest.approx(0.025621, abs=1e-6)
    assert keyed.loc[("USA", 2024), "milex_current_usd_m"] == pytest.approx(997_309.0)
    # Names with commas ("Korea, South", "Congo, DR", "Gambia, The") parse and resolve.
    assert {"KOR", "PRK", "COD", "COG", "GMB", "SUN", "DDR", "TUR"} <= set(milex["code"])
    # share_gdp is a fraction, not a percentage.
    share = milex["milex_share_gdp"].dropna()
    assert 0.01 < share.median() < 0.05 and share.max() < 1.5
    assert milex["milex_share_govt_spending"].dropna().between(0, 1).all()


def test_milex_current_usd_zero_without_exchange_rate(milex: pd.DataFrame) -> None:
    keyed = milex.set_index(["code", "year"])
    # Argentina 1949: SIPRI shows 0 current US$ but positive spending (redenominated pesos).
    assert np.isnan(keyed.loc[("ARG", 1949), "milex_current_usd_m"])
    assert keyed.loc[("ARG", 1949), "milex_const2023_usd_m"] == pytest.approx(5415.57, abs=0.01)
    # Russia 1987-92: rubles without a market exchange rate; the USSR row has the US$ figure.
    assert np.isnan(keyed.loc[("RUS", 1990), "milex_current_usd_m"])
    assert keyed.loc[("SUN", 1990), "milex_current_usd_m"] == pytest.approx(219_114.06, abs=0.01)
    # Costa Rica (no armed forces): a real zero is kept.
    assert keyed.loc[("CRI", 1950), "milex_current_usd_m"] == 0.0
    assert int(milex["milex_current_usd_m"].isna().sum()) == 248


def test_milex_agrees_with_official_workbook(milex: pd.DataFrame) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = require_shared("sipri_milex", "SIPRI-Milex-data-1949-2024_2.xlsx")
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    found: dict[tuple[str, str], float] = {}
    wanted = {"Korea, South", "United States of America", "Poland"}
    for sheet in ("Constant (2023) US$", "Share of GDP"):
        header: tuple[object, ...] = ()
        for row in book[sheet].iter_rows(values_only=True):
            if row and row[0] == "Country":
                header = row
            elif row and row[0] in wanted:
                assert header[-1] == 2024.0
                found[(sheet, str(row[0]))] = float(row[-1])  # type: ignore[arg-type]
    book.close()
    keyed = milex.set_index(["code", "year"])
    for sheet, column in (
        ("Constant (2023) US$", "milex_const2023_usd_m"),
        ("Share of GDP", "milex_share_gdp"),
    ):
        for name, code in (
            ("Korea, South", "KOR"),
            ("United States of America", "USA"),
            ("Poland", "POL"),
        ):
            assert keyed.loc[(code, 2024), column] == pytest.approx(found[(sheet, name)], rel=1e-9)


def test_sources_catalog(shared_data: Path) -> None:
    assert [s.info.id for s in sipri.SOURCES] == ["sipri_arms", "sipri_milex"]
    arms, mil = sipri.SOURCES
    assert all(isinstance(s, Source) for s in sipri.SOURCES)
    assert arms.info.tables == ("sipri_trade_register", "sipri_tiv")
    assert mil.info.tables == ("sipri_milex",)
    assert arms.info.publisher == "Stockholm International Peace Research Institute (SIPRI)"
    assert "2022 edition" in arms.info.notes and "1950-2021" in arms.info.notes
    assert "armstransfers" in arms.info.citation and "milex" in mil.info.url
    for source in sipri.SOURCES:
        for rel in source.info.files:
            assert (shared_data / rel).is_file(), rel
    tables = mil.read(shared_data)
    assert set(tables) == {"sipri_milex"} and len(tables["sipri_milex"]) == 8_846


# --------------------------------------------------------------------------------------------
# Bad input: small files in tmp_path
# --------------------------------------------------------------------------------------------

PREAMBLE = [
    "Transfers of major conventional arms from All countries  to All countries . Deals",
    "A '?' in a column indicates uncertain data.",
    "An empty field for 'Number ordered' indicates that data is not yet available.",
    "SIPRI trend-indicator values (TIVs) are in millions.",
    "An empty field for 'SIPRI TIV for total order' indicates that data is not available.",
    "A '0' for 'SIPRI TIV of delivered weapons' indicates a volume between 0 and 0.5.",
    "Figures may not add up to stated totals due to the conventions of rounding.",
    "For the method see <https://www.sipri.org/databases/armstransfers/sources-and-methods>.",
    "",
    "Source: SIPRI Arms Transfers Database (c) SIPRI.",
    "Data generated: 13 Mar 2025 10:02:49 AM",
]
HEADER = (
    "Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,Weapon description,"
    "Number delivered, ,Year(s) of delivery,status,Comments,SIPRI TIV per unit,"
    "SIPRI TIV for total order,SIPRI TIV of delivered weapons"
)
GOOD_ROWS = [
    "Poland,South Korea,2022,,180,,K2 Black Panther,tank,84,,2022; 2023; 2024,New,"
    "K2GF version,4.75,855,399",
    "Afghanistan,Soviet Union,1955,?,100,?,MiG-17,fighter aircraft,100,,1957; 1958; 1959,New,"
    ",3.5,350,350",
    "Egypt,East Germany (GDR),1980,,,,T-55,tank,10,?,1981,Second hand,,0.5,,5",
]
FIRST_DATA_LINE = len(PREAMBLE) + 2  # preamble, header, then data: line 13


def write_register(
    tmp_path: Path, rows: list[str], *, header: str = HEADER, gz: bool = True, eol: str = "\n"
) -> Path:
    text = eol.join([*PREAMBLE, header, *rows]) + eol
    name = "trade-register_test.csv.gz" if gz else "trade-register_test.csv"
    path = tmp_path / name
    data = text.encode("iso-8859-1")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_small_register_parses(tmp_path: Path) -> None:
    frame = sipri.read_trade_register(write_register(tmp_path, GOOD_ROWS, gz=False))
    assert frame["recipient_code"].tolist() == ["POL", "AFG", "EGY"]
    assert frame["supplier_code"].tolist() == ["KOR", "SUN", "DDR"]
    assert frame["delivery_years"].tolist() == ["2022;2023;2024", "1957;1958;1959", "1981"]
    assert frame["n_delivery_years"].tolist() == [3, 3, 1]
    assert frame["order_year_uncertain"].tolist() == [False, True, False]
    assert frame["number_delivered_uncertain"].tolist() == [False, False, True]
    assert frame["number_ordered"].isna().tolist() == [False, False, True]
    assert np.isnan(frame.loc[2, "tiv_order"]) and frame.loc[2, "tiv_delivered"] == 5.0
    assert frame["comments"].isna().tolist() == [False, True, True]
    assert frame.attrs["recovered_rows"] == []


def test_register_recovers_comment_broken_over_three_lines(tmp_path: Path) -> None:
    broken = [
        "Chile,United States,2019,,2,,C-130H Hercules,transport aircraft,2,,2020,Second hand,"
        "Second-hand; ex-US",
        "Air Force",
        "aid,6,12,12",
    ]
    path = write_register(tmp_path, [GOOD_ROWS[0], *broken, GOOD_ROWS[1]], eol="\r\n")
    frame = sipri.read_trade_register(path)
    assert len(frame) == 3
    assert frame.loc[1, "comments"] == "Second-hand; ex-US Air Force aid"
    assert frame.loc[1, "recipient_code"] == "CHL" and frame.loc[1, "tiv_delivered"] == 12.0
    start = FIRST_DATA_LINE + 1
    assert frame.attrs["recovered_rows"] == [{"deal_id": 1, "lines": [start, start + 1, start + 2]}]
    assert frame.loc[2, "supplier_code"] == "SUN"


def test_register_missing_column(tmp_path: Path) -> None:
    header = HEADER.replace(",SIPRI TIV for total order", "")
    # The header is checked before the rows: rows of 16 fields do not hide the missing column.
    with pytest.raises(DataFormatError) as info:
        sipri.read_trade_register(write_register(tmp_path, GOOD_ROWS, header=header))
    message = str(info.value)
    assert "missing column 'SIPRI TIV for total order'" in message
    assert f"trade-register_test.csv.gz line {FIRST_DATA_LINE - 1} (header)" in message


def test_register_without_header(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError) as info:
        sipri.read_trade_register(write_register(tmp_path, GOOD_ROWS, header="a,b,c"))
    assert "no header line" in str(info.value) and "trade-register_test.csv.gz" in str(info.value)


def test_register_with_no_deals(tmp_path: Path) -> None:
    frame = sipri.read_trade_register(write_register(tmp_path, []))
    assert len(frame) == 0
    assert list(frame.columns) == list(sipri.REGISTER_OUTPUT_COLUMNS)


def test_register_missing_flag_column(tmp_path: Path) -> None:
    header = HEADER.replace("Year of order, ,", "Year of order,Uncertain,")
    with pytest.raises(DataFormatError) as info:
        sipri.read_trade_register(write_register(tmp_path, GOOD_ROWS, header=header))
    assert "after 'Year of order'" in str(info.value)
    assert "trade-register_test.csv.gz" in str(info.value)


def test_register_non_numeric_tiv(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS]
    rows[1] = rows[1].replace(",3.5,350,350", ",3.5,n/a,350")
    with pytest.raises(DataFormatError) as info:
        sipri.read_trade_register(write_register(tmp_path, rows))
    message = str(info.value)
    assert "'n/a'" in message
    assert f"trade-register_test.csv.gz line {FIRST_DATA_LINE + 1}," in message
    assert "column 'SIPRI TIV for total order'" in message


def test_register_unparseable_delivery_years(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS]
    rows[2] = rows[2].replace(",1981,", ",1981-82,")
    with pytest.raises(DataFormatError) as info:
        sipri.read_trade_register(write_register(tmp_path, rows))
    message = str(info.value)
    assert "'1981-82'" in message
    assert f"trade-register_test.csv.gz line {FIRST_DATA_LINE + 2}," in message
    assert "column 'Year(s) of delivery'" in message


def test_register_unknown_country(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, GOOD_ROWS[0].replace("Poland,", "Atlantis,", 1)]
    with pytest.raises(UnknownEntityError) as info:
        sipri.read_trade_register(write_register(tmp_path, rows))
    assert "Atlantis" in info.value.unresolved
    assert "trade-register_test.csv.gz, column 'Recipient'" in str(info.value)


def test_register_break_outside_comments_is_reported(tmp_path: Path) -> None:
    # A line break inside the weapon designation: the first fragment does not end in Comments.
    broken = [
        "Chile,United States,2019,,2,,C-130H",
        "Hercules,transport aircraft,2,,2020,New,,6,12,12",
    ]
    with pytest.raises(DataFormatError) as info:
        sipri.read_trade_register(write_register(tmp_path, [GOOD_ROWS[0], *broken]))
    message = str(info.value)
    assert "broken row" in message
    assert f"trade-register_test.csv.gz line {FIRST_DATA_LINE + 1}" in message


def test_register_broken_comment_with_wrong_continuation_is_reported(tmp_path: Path) -> None:
    # The continuation carries too many fields: joining gives 17 fields, not 16.
    broken = [
        "Chile,United States,2019,,2,,C-130H,transport aircraft,2,,2020,New,Second-hand",
        "ex-US,aid,6,12,12",
    ]
    with pytest.raises(DataFormatError) as info:
        sipri.read_trade_register(write_register(tmp_path, [*broken, GOOD_ROWS[0]]))
    message = str(info.value)
    assert "cannot be re-joined" in message
    assert f"lines {FIRST_DATA_LINE}, {FIRST_DATA_LINE + 1}" in message


def test_register_broken_row_followed_by_full_row_is_reported(tmp_path: Path) -> None:
    broken = "Chile,United States,2019,,2,,C-130H,transport aircraft,2,,2020,New,Second-hand"
    with pytest.raises(DataFormatError) as info:
        sipri.read_trade_register(write_register(tmp_path, [broken, *GOOD_ROWS]))
    assert f"lines {FIRST_DATA_LINE}, {FIRST_DATA_LINE + 1}" in str(info.value)


def test_register_truncated_at_end_is_reported(tmp_path: Path) -> None:
    broken = "Chile,United States,2019,,2,,C-130H,transport aircraft,2,,2020,New,Second-hand"
    with pytest.raises(DataFormatError) as info:
        sipri.read_trade_register(write_register(tmp_path, [*GOOD_ROWS, broken]))
    message = str(info.value)
    assert "ends inside a broken row" in message
    assert f"line {FIRST_DATA_LINE + 3}" in message


def test_register_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError) as info:
        sipri.read_trade_register(tmp_path / "nope.csv.gz")
    assert "nope.csv.gz" in str(info.value)


TIV_EXPORT = """\
"Export_From","Import_To","Year","TIV"
"All","Russia","2021",2744
"All","Russia","Total",2744
"Russia","India","2020",1241
"Russia","India","2021",1392
"Russia","India","Total",2633
"Russia","Total","2021",1392
"Soviet Union","North Yemen","1980",50
"Soviet Union","Yemen Arab Republic","1980",5
"""
TIV_IMPORT = """\
"Import_To","Export_From","Year","TIV"
"All","India","2021",1392
"India","Russia","2020",1241
"India","Russia","2021",1392
"India","Total","2021",1392
"North Yemen","Soviet Union","1980",50
"Yemen Arab Republic","Soviet Union","1980",5
"""


def write_text(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_tiv_small_tables(tmp_path: Path) -> None:
    frame = sipri.read_tiv_tables(
        write_text(tmp_path, "export.csv", TIV_EXPORT),
        write_text(tmp_path, "import.csv", TIV_IMPORT),
    )
    assert frame.to_dict("list") == {
        "supplier_code": ["RUS", "RUS", "SUN"],
        "recipient_code": ["IND", "IND", "YEM"],
        "year": [2020, 2021, 1980],
        "tiv": [1241.0, 1392.0, 55.0],  # both Yemen names -> YEM, summed
    }


def test_tiv_files_that_disagree(tmp_path: Path) -> None:
    imports = TIV_IMPORT.replace('"2021",1392\n"India","Total"', '"2021",1390\n"India","Total"')
    with pytest.raises(DataFormatError) as info:
        sipri.read_tiv_tables(
            write_text(tmp_path, "export.csv", TIV_EXPORT),
            write_text(tmp_path, "import.csv", imports),
        )
    message = str(info.value)
    assert "disagree" in message and "Russia -> India 2021" in message
    assert "export.csv and import.csv" in message


def test_tiv_missing_column(tmp_path: Path) -> None:
    text = TIV_EXPORT.replace('"TIV"', '"Value"')
    with pytest.raises(DataFormatError) as info:
        sipri.read_tiv_tables(write_text(tmp_path, "export.csv", text), None)
    assert "'TIV'" in str(info.value) and "export.csv" in str(info.value)


def test_tiv_non_numeric(tmp_path: Path) -> None:
    text = TIV_EXPORT.replace('"2020",1241', '"2020",abc')
    with pytest.raises(DataFormatError) as info:
        sipri.read_tiv_tables(write_text(tmp_path, "export.csv", text), None)
    assert "export.csv line 4, column 'TIV'" in str(info.value)


def test_tiv_unknown_country(tmp_path: Path) -> None:
    text = TIV_EXPORT.replace('"Russia","India","2020"', '"Russia","Atlantis","2020"')
    with pytest.raises(UnknownEntityError) as info:
        sipri.read_tiv_tables(write_text(tmp_path, "export.csv", text), None)
    assert "Atlantis" in info.value.unresolved
    assert "export.csv, column 'Import_To'" in str(info.value)


MILEX = """\
country,year,milex_const2023_usd_m,milex_current_usd_m,milex_share_gdp,milex_per_capita_usd,\
milex_share_govt_spending,milex_local_currency_calendar
"Korea, South",2024,48473.5,47571.3,0.0256,919.5,0.113,64884900000000.0
"Congo, DR",2024,,794.6,0.011,,,
USSR,1990,,0.0,,,,123400000.0
Costa Rica,1950,0.0,0.0,,,,0.0
"""


def test_milex_small_file(tmp_path: Path) -> None:
    frame = sipri.read_milex(write_text(tmp_path, "milex.csv", MILEX))
    assert frame["code"].tolist() == ["COD", "CRI", "KOR", "SUN"]
    keyed = frame.set_index("code")
    assert keyed.loc["KOR", "milex_const2023_usd_m"] == 48473.5
    assert np.isnan(keyed.loc["COD", "milex_const2023_usd_m"])
    assert np.isnan(keyed.loc["SUN", "milex_current_usd_m"])  # 0 without an exchange rate
    assert keyed.loc["CRI", "milex_current_usd_m"] == 0.0  # a real zero


def test_milex_missing_column(tmp_path: Path) -> None:
    text = MILEX.replace("milex_share_gdp", "share_gdp_pct")
    with pytest.raises(DataFormatError) as info:
        sipri.read_milex(write_text(tmp_path, "milex.csv", text))
    assert "'milex_share_gdp'" in str(info.value) and "milex.csv" in str(info.value)


def test_milex_non_numeric(tmp_path: Path) -> None:
    text = MILEX.replace(",794.6,", ",. .,")
    with pytest.raises(DataFormatError) as info:
        sipri.read_milex(write_text(tmp_path, "milex.csv", text))
    assert "milex.csv line 3, column 'milex_current_usd_m'" in str(info.value)


def test_milex_unknown_country(tmp_path: Path) -> None:
    text = MILEX.replace('"Congo, DR"', '"Ruritania, Kingdom of"')
    with pytest.raises(UnknownEntityError) as info:
        sipri.read_milex(write_text(tmp_path, "milex.csv", text))
    assert "Ruritania, Kingdom of" in info.value.unresolved
    assert "milex.csv, column 'country'" in str(info.value)


def test_milex_two_names_for_one_country_year(tmp_path: Path) -> None:
    text = MILEX + "Soviet Union,1990,,1.0,,,,1.0\n"
    with pytest.raises(DataFormatError) as info:
        sipri.read_milex(write_text(tmp_path, "milex.csv", text))
    message = str(info.value)
    assert "SUN" in message and "milex.csv lines 4, 6" in message


def test_arms_source_reads_from_a_data_directory(tmp_path: Path) -> None:
    arms = sipri.SOURCES[0]
    (tmp_path / "sipri_arms").mkdir()
    register = write_register(tmp_path, GOOD_ROWS)
    register.rename(tmp_path / sipri.TRADE_REGISTER_FILE)
    write_text(tmp_path, sipri.EXPORT_TIV_FILE, TIV_EXPORT)
    write_text(tmp_path, sipri.IMPORT_TIV_FILE, TIV_IMPORT)
    # The TIV tables are gzipped in the data directory: compress the plain text written above.
    for rel in (sipri.EXPORT_TIV_FILE, sipri.IMPORT_TIV_FILE):
        path = tmp_path / rel
        path.write_bytes(gzip.compress(path.read_bytes()))
    tables = arms.read(tmp_path)
    assert set(tables) == set(arms.info.tables)
    assert tables["sipri_trade_register"]["supplier_code"].tolist() == ["KOR", "SUN", "DDR"]
    assert tables["sipri_tiv"]["tiv"].sum() == 1241.0 + 1392.0 + 55.0
    (tmp_path / sipri.IMPORT_TIV_FILE).unlink()
    with pytest.raises(DataFormatError) as info:
        arms.read(tmp_path)
    assert "file not found" in str(info.value) and "lajh87_import_tiv.csv.gz" in str(info.value)
