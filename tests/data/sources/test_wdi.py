"""World Bank WDI reader and API client (against a fake transport: no network)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fake_transport import FakeTransport

from powerscope.data.sources import wdi
from powerscope.errors import DataFormatError, UnknownEntityError
from support import write_file as write

HEADER = "country_name,country_code,indicator_code,year,value\n"


# -- real data -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables(shared_data: Path) -> dict[str, pd.DataFrame]:
    return wdi.read(shared_data)


def test_real_shape(tables: dict[str, pd.DataFrame]) -> None:
    data = tables["wdi"]
    assert len(data) == 340_516
    assert list(data.columns) == ["code", "indicator", "year", "value"]
    assert data["indicator"].nunique() == 40
    assert data["year"].min() == 1960
    assert data["year"].max() == 2025
    assert not data.duplicated(["code", "indicator", "year"]).any()
    assert data["value"].notna().all()


def test_real_korea_gdp(tables: dict[str, pd.DataFrame]) -> None:
    data = tables["wdi"]
    gdp = data[(data["code"] == "KOR") & (data["indicator"] == "NY.GDP.MKTP.CD")]
    value = gdp.loc[gdp["year"] == 2020, "value"]
    assert len(value) == 1
    assert value.iloc[0] == pytest.approx(1_744_070_276_373.34, rel=1e-9)  # current US$


def test_real_aggregates_kept(tables: dict[str, pd.DataFrame]) -> None:
    codes = set(tables["wdi"]["code"].cat.categories)
    assert {"WLD", "EUU", "HIC", "USA", "KOR"} <= codes


def test_real_indicators(tables: dict[str, pd.DataFrame]) -> None:
    meta = tables["wdi_indicators"]
    assert len(meta) == 40
    gdp = meta.set_index("indicator").loc["NY.GDP.MKTP.CD"]
    assert gdp["title"] == "GDP (current US$)"
    assert gdp["licence"] == "CC-BY-4.0"
    assert gdp["rows"] == 14_743


# -- small files -----------------------------------------------------------------------------


def test_small_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "w.csv.gz",
        HEADER
        + "Korea Rep.,KOR,NY.GDP.MKTP.CD,2020,1.5e12\n"
        + "World,WLD,NY.GDP.MKTP.CD,2020,8.5e13\n"
        + "Namibia,NAM,NY.GDP.MKTP.CD,2020,\n",
    )
    frame = wdi.read_wdi(path)
    assert frame["code"].astype(str).tolist() == ["KOR", "WLD"]  # the empty value is dropped
    assert frame["value"].tolist() == [1.5e12, 8.5e13]
    assert frame["year"].dtype == "int16"


def test_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path / "w.csv", "country_code,indicator_code,year\nKOR,X,2020\n")
    with pytest.raises(DataFormatError) as info:
        wdi.read_wdi(path)
    assert "'value'" in str(info.value)
    assert "w.csv" in str(info.value)


def test_non_numeric_value(tmp_path: Path) -> None:
    path = write(
        tmp_path / "w.csv",
        HEADER + "Korea,KOR,NY.GDP.MKTP.CD,2019,1.6e12\nKorea,KOR,NY.GDP.MKTP.CD,2020,n/a\n",
    )
    with pytest.raises(DataFormatError) as info:
        wdi.read_wdi(path)
    assert "'n/a'" in str(info.value)
    assert "w.csv row 3, column 'value'" in str(info.value)


def test_non_integer_year(tmp_path: Path) -> None:
    path = write(tmp_path / "w.csv", HEADER + "Korea,KOR,NY.GDP.MKTP.CD,2020.5,1\n")
    with pytest.raises(DataFormatError) as info:
        wdi.read_wdi(path)
    assert "w.csv row 2, column 'year'" in str(info.value)


def test_duplicate_row(tmp_path: Path) -> None:
    path = write(
        tmp_path / "w.csv",
        HEADER
        + "Korea,KOR,NY.GDP.MKTP.CD,2020,1\n"
        + "USA,USA,NY.GDP.MKTP.CD,2020,2\n"
        + "Korea Rep.,KOR,NY.GDP.MKTP.CD,2020,3\n",
    )
    with pytest.raises(DataFormatError) as info:
        wdi.read_wdi(path)
    message = str(info.value)
    assert "duplicate observation (KOR, NY.GDP.MKTP.CD, 2020)" in message
    assert "w.csv row 2" in message
    assert "w.csv row 4" in message


def test_unknown_code(tmp_path: Path) -> None:
    path = write(tmp_path / "w.csv", HEADER + "Nowhere,QQX,NY.GDP.MKTP.CD,2020,1\n")
    with pytest.raises(UnknownEntityError) as info:
        wdi.read_wdi(path)
    assert "QQX" in info.value.unresolved
    assert "w.csv" in str(info.value)


def test_indicator_without_metadata(tmp_path: Path) -> None:
    (tmp_path / "wdi").mkdir()
    write(tmp_path / wdi.DATA_FILE, HEADER + "Korea,KOR,NY.GDP.MKTP.CD,2020,1\n")
    write(tmp_path / wdi.INDICATORS_FILE, "indicator_code,title\nSP.POP.TOTL,Population\n")
    with pytest.raises(DataFormatError) as info:
        wdi.read(tmp_path)
    assert "NY.GDP.MKTP.CD" in str(info.value)


# -- the World Bank API client, against a fake transport --------------------------------------


def api_row(iso3: str, year: int, value: float | None, code: str = "NY.GDP.MKTP.CD") -> dict:
    return {
        "indicator": {"id": code, "value": "GDP (current US$)"},
        "country": {"id": iso3[:2], "value": iso3},
        "countryiso3code": iso3,
        "date": str(year),
        "value": value,
        "unit": "",
        "obs_status": "",
        "decimal": 0,
    }


def page(number: int, pages: int, rows: list[dict[str, Any]]) -> bytes:
    meta = {"page": number, "pages": pages, "per_page": 2, "total": 2 * pages}
    return json.dumps([meta, rows]).encode()


def test_client_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    client = wdi.WorldBankClient(per_page=2)
    first = client.url("NY.GDP.MKTP.CD", 2019, 2020)
    assert first == (
        "https://api.worldbank.org/v2/country/all/indicator/NY.GDP.MKTP.CD"
        "?format=json&per_page=2&date=2019:2020"
    )
    transport = FakeTransport(
        {
            first: page(1, 2, [api_row("KOR", 2020, 1.6e12), api_row("KOR", 2019, None)]),
            first + "&page=2": page(
                2, 2, [api_row("WLD", 2020, 8.5e13), api_row("EUU", 2020, 1.5e13)]
            ),
        }
    )
    client.transport = transport
    frame = client.indicator("NY.GDP.MKTP.CD", 2019, 2020)
    assert transport.calls == [first, first + "&page=2"]
    assert list(frame.columns) == ["code", "indicator", "year", "value"]
    assert frame["code"].astype(str).tolist() == ["KOR", "WLD", "EUU"]  # the null is dropped
    assert frame["value"].tolist() == [1.6e12, 8.5e13, 1.5e13]
    assert frame["year"].tolist() == [2020, 2020, 2020]


def test_client_several_indicators() -> None:
    client = wdi.WorldBankClient()
    gdp, pop = client.url("NY.GDP.MKTP.CD", 2020, 2020), client.url("SP.POP.TOTL", 2020, 2020)
    client.transport = FakeTransport(
        {
            gdp: page(1, 1, [api_row("USA", 2020, 2.1e13)]),
            pop: page(1, 1, [api_row("USA", 2020, 3.3e8, code="SP.POP.TOTL")]),
        }
    )
    frame = client.indicators(["NY.GDP.MKTP.CD", "SP.POP.TOTL"], 2020, 2020)
    assert frame["indicator"].astype(str).tolist() == ["NY.GDP.MKTP.CD", "SP.POP.TOTL"]
    assert isinstance(frame["code"].dtype, pd.CategoricalDtype)


def test_client_http_error() -> None:
    client = wdi.WorldBankClient()
    url = client.url("NY.GDP.MKTP.CD", 2000, 2001)
    error = urllib.error.HTTPError(url, 503, "Service Unavailable", None, None)  # type: ignore[arg-type]
    client.transport = FakeTransport({url: error})
    with pytest.raises(wdi.WorldBankAPIError) as info:
        client.indicator("NY.GDP.MKTP.CD", 2000, 2001)
    assert "HTTP 503" in str(info.value)
    assert url in str(info.value)


def test_client_http_error_on_second_page() -> None:
    client = wdi.WorldBankClient()
    url = client.url("NY.GDP.MKTP.CD", 2000, 2001)
    second = url + "&page=2"
    client.transport = FakeTransport(
        {
            url: page(1, 2, [api_row("USA", 2000, 1.0)]),
            second: urllib.error.HTTPError(second, 502, "Bad Gateway", None, None),  # type: ignore[arg-type]
        }
    )
    with pytest.raises(wdi.WorldBankAPIError) as info:
        client.indicator("NY.GDP.MKTP.CD", 2000, 2001)
    assert "HTTP 502" in str(info.value)
    assert "page=2" in str(info.value)


def test_client_network_error() -> None:
    client = wdi.WorldBankClient()
    url = client.url("NY.GDP.MKTP.CD", 2000, 2001)
    client.transport = FakeTransport({url: urllib.error.URLError("no route to host")})
    with pytest.raises(wdi.WorldBankAPIError) as info:
        client.indicator("NY.GDP.MKTP.CD", 2000, 2001)
    assert "cannot reach" in str(info.value)
    assert url in str(info.value)


def test_client_malformed_json() -> None:
    client = wdi.WorldBankClient()
    url = client.url("NY.GDP.MKTP.CD", 2000, 2001)
    client.transport = FakeTransport({url: b"<html>Service temporarily down</html>"})
    with pytest.raises(DataFormatError) as info:
        client.indicator("NY.GDP.MKTP.CD", 2000, 2001)
    assert "malformed JSON" in str(info.value)
    assert "<html>" in str(info.value)
    assert url in str(info.value)


def test_client_unexpected_json_shape() -> None:
    client = wdi.WorldBankClient()
    url = client.url("NY.GDP.MKTP.CD", 2000, 2001)
    client.transport = FakeTransport({url: b'{"page": 1}'})
    with pytest.raises(DataFormatError) as info:
        client.indicator("NY.GDP.MKTP.CD", 2000, 2001)
    assert "expected [metadata, rows]" in str(info.value)


def test_client_api_error_message() -> None:
    client = wdi.WorldBankClient()
    url = client.url("NOT.AN.INDICATOR", 2000, 2001)
    body = json.dumps(
        [
            {
                "message": [
                    {
                        "id": "120",
                        "key": "Invalid value",
                        "value": "The provided parameter value is not valid",
                    }
                ]
            }
        ]
    ).encode()
    client.transport = FakeTransport({url: body})
    with pytest.raises(wdi.WorldBankAPIError) as info:
        client.indicator("NOT.AN.INDICATOR", 2000, 2001)
    assert "not valid" in str(info.value)


def test_client_non_numeric_value() -> None:
    client = wdi.WorldBankClient()
    url = client.url("NY.GDP.MKTP.CD", 2000, 2000)
    client.transport = FakeTransport({url: page(1, 1, [api_row("USA", 2000, "lots")])})  # type: ignore[arg-type]
    with pytest.raises(DataFormatError) as info:
        client.indicator("NY.GDP.MKTP.CD", 2000, 2000)
    assert "'lots'" in str(info.value)
    assert "row 1 of the page" in str(info.value)


def test_client_duplicate_rows() -> None:
    client = wdi.WorldBankClient()
    url = client.url("NY.GDP.MKTP.CD", 2000, 2000)
    rows = [api_row("USA", 2000, 1.0), api_row("USA", 2000, 2.0)]
    client.transport = FakeTransport({url: page(1, 1, rows)})
    with pytest.raises(DataFormatError) as info:
        client.indicator("NY.GDP.MKTP.CD", 2000, 2000)
    assert "duplicate observation (USA, NY.GDP.MKTP.CD, 2000)" in str(info.value)


def test_client_empty_series() -> None:
    client = wdi.WorldBankClient()
    url = client.url("NY.GDP.MKTP.CD", 1900, 1901)
    client.transport = FakeTransport({url: json.dumps([{"page": 1, "pages": 0}, None]).encode()})
    frame = client.indicator("NY.GDP.MKTP.CD", 1900, 1901)
    assert frame.empty
    assert list(frame.columns) == ["code", "indicator", "year", "value"]
