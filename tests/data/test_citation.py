"""A source travels as a Citation value, with the data years actually present; stores describe
themselves without a local absolute path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from powerscope import __version__
from powerscope.data.catalog import Citation, cite_all
from powerscope.data.sources import all_sources, sipri
from powerscope.data.store import (
    SnapshotStore,
    WarehouseStore,
    build_warehouse,
    portable_location,
    warehouse_path,
)
from powerscope.errors import WarehouseError


def test_every_snapshot_dataset_has_a_complete_citation() -> None:
    store = SnapshotStore()
    citations = store.citations()
    assert set(citations) == {s.info.id for s in all_sources()}
    for dataset, citation in citations.items():
        assert isinstance(citation, Citation)
        assert citation.dataset == dataset
        assert citation.publisher and citation.title and citation.edition, dataset
        assert citation.licence and citation.url.startswith("http"), dataset
        assert citation.years is not None, dataset
        first, last = citation.years
        # data, not projections, end by 2030; WPP's medium-variant projection runs to 2100
        horizon = 2100 if dataset == "wpp2022" else 2030
        assert 1800 <= first <= last <= horizon, (dataset, citation.years)
        text = citation.text()
        assert citation.publisher in text and citation.url in text and "\n" not in text
        record = json.loads(json.dumps(citation.to_dict()))
        assert record["years"] == [first, last] and record["text"] == text


def test_data_years_come_from_the_data_present() -> None:
    store = SnapshotStore()
    # the snapshot keeps ATOP's dyad-years from 1990 only: the citation says so, not 1815
    assert store.citation("atop").years == (1990, 2018)
    # the register's delivery years run to 2024, SIPRI's 2022 TIV tables only to 2021
    assert store.citation("sipri_arms").years == (1950, 2024)
    assert store.citation("unvotes").years == (1946, 2020)
    # a one-edition ranking without a year column: the catalog's declared years
    assert store.citation("gfp").years == (2026, 2026)
    assert store.citation("gfp").short == "Global Firepower 2026"


def test_warehouse_citation_measures_its_own_tables(shared_data: Path) -> None:
    build_warehouse(shared_data, [sipri.SOURCES[1]])
    store = WarehouseStore(warehouse_path())
    citation = store.citation("sipri_milex")
    assert citation.years == (1949, 2024)
    assert citation.publisher.startswith("Stockholm International Peace Research Institute")
    assert citation.short == "SIPRI Military Expenditure Database 2025"
    assert citation == SnapshotStore().citation("sipri_milex")


def test_unknown_dataset_is_named_with_the_known_ones() -> None:
    with pytest.raises(WarehouseError, match="no dataset 'nope'.*sipri_milex"):
        SnapshotStore().citation("nope")


def test_record_without_years_or_short_still_cites() -> None:
    citation = Citation.from_record({"id": "x", "publisher": "P", "title": "T", "url": ""})
    assert citation.years is None and citation.period == ""
    assert citation.text() == "P, T." and citation.short == "T"
    with_years = Citation.from_record({"id": "x", "title": "T", "years": [2001, 2003]})
    assert with_years.period == "2001-2003"
    assert cite_all([with_years, with_years, citation]).count("T") == 1


def test_snapshot_describes_itself_without_a_path() -> None:
    store = SnapshotStore()
    assert store.location == f"embedded snapshot, powerscope {__version__}"
    assert store.describe() == f"embedded snapshot, powerscope {__version__}"
    assert str(store.folder) not in store.describe() and "/" not in store.describe()
    with pytest.raises(WarehouseError) as caught:
        store.table("nope")
    assert str(store.folder) not in str(caught.value.where)


def test_warehouse_describes_itself_relative_to_powerscope_home(tmp_path: Path) -> None:
    store = WarehouseStore(warehouse_path())
    assert store.location == "$POWERSCOPE_HOME/warehouse.duckdb"
    assert str(warehouse_path().parent) not in store.describe()
    elsewhere = tmp_path / "elsewhere" / "my.duckdb"
    assert portable_location(elsewhere) == "my.duckdb"
    assert str(tmp_path) not in WarehouseStore(elsewhere).describe()
