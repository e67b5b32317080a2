"""MPIDR Scholarly Migration Database: three releases, codes resolved, entries and exits left
out of the flows with a count, provisional years decided from the data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from powerscope.data.sources import scholarly_migration as sm
from powerscope.data.store import SnapshotStore
from powerscope.errors import DataFormatError, UnknownEntityError
from support import require_shared
from support import write_file as write

COUNTRY_HEADER = (
    "year,countrycode,padded_population_of_researchers,paddedpop,number_of_inmigrations,"
    "number_of_outmigrations,netmigration,outmigrationrate,inmigrationrate,netmigrationrate\n"
)
FLOW_HEADER = "migrationfrom,migrationto,year,n_migrations,n_migrations_back,netmigrations\n"

SCOPUS_COUNTRY = COUNTRY_HEADER + (
    "2019.0,KOR,1000,1000,20,30,-10,0.03,0.02,-0.01\n"
    "2020.0,KOR,1000,1000,20,25,-5,0.025,0.02,-0.005\n"
    "2021.0,KOR,900,900,10,14,-4,0.015555556,0.011111111,-0.004444444\n"
    "2020.0,EUE,10,10,1,0,1,0.0,0.1,0.1\n"
    "2022.0,KOR,0,0,5,5,0,,,\n"
)
SCOPUS_FLOWS = FLOW_HEADER + (
    "KOR,USA,2019.0,30,20,10\n"
    "USA,KOR,2019.0,20,30,-10\n"
    "KOR,USA,2020.0,25,20,5\n"
    "USA,KOR,2020.0,20,25,-5\n"
    "KOR,USA,2021.0,14,10,4\n"
    "USA,KOR,2021.0,10,14,-4\n"
    "KOR,USA,2022.0,5,5,0\n"
    "USA,KOR,2022.0,5,5,0\n"
    "USA,EUE,2020.0,1,0,1\n"
    ",KOR,2019.0,500,0,500\n"
    "KOR,,2025.0,900,0,900\n"
)
OPENALEX_COUNTRY = COUNTRY_HEADER + (
    "2019.0,KR,500,500,40,50,-10,0.1,0.08,-0.02\n"
    "2019.0,NA,30,30,2,1,1,0.033333333,0.066666667,0.033333333\n"
    "2019.0,nan,3000,3000,300,290,10,0.096666667,0.1,0.003333333\n"
)
OPENALEX_FLOWS = FLOW_HEADER + (
    "KR,US,2019.0,50,40,10\nUS,KR,2019.0,40,50,-10\nNA,nan,2019.0,1,2,-1\nnan,NA,2019.0,2,1,1\n"
)
OLD_FLOWS = FLOW_HEADER + "KOR,USA,2019.0,28,21,7\nUSA,KOR,2019.0,21,28,-7\n"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / sm.FOLDER).mkdir()
    write(tmp_path / sm._file("scopus_2024", "country"), SCOPUS_COUNTRY)
    write(tmp_path / sm._file("scopus_2024", "countryflows"), SCOPUS_FLOWS)
    write(tmp_path / sm._file("openalex_2023", "country"), OPENALEX_COUNTRY)
    write(tmp_path / sm._file("openalex_2023", "countryflows"), OPENALEX_FLOWS)
    write(tmp_path / sm._file("scopus_2022_07", "countryflows"), OLD_FLOWS)
    return tmp_path


def test_country_table_keeps_the_published_figures(files: Path) -> None:
    migration = sm.read(files)["researcher_migration"]
    assert list(migration.columns) == [
        "release", "code", "year", "researchers", "inflow", "outflow", "net",
        "inflow_rate", "outflow_rate", "net_rate", "provisional",
    ]  # fmt: skip
    assert str(migration["year"].dtype) == "int16"
    kor = migration[(migration["release"] == "scopus_2024") & (migration["code"] == "KOR")]
    row = kor.set_index("year").loc[2021]
    assert (int(row["researchers"]), int(row["net"])) == (900, -4)
    assert row["net_rate"] == pytest.approx(-4 / 900)  # per researcher
    # the publisher's 0 population of the last year is "not computed", not zero researchers
    assert pd.isna(kor.set_index("year").loc[2022, "researchers"])
    # the old release has flows only; the EU's own institutions are kept as an organisation
    assert set(migration["release"]) == {"scopus_2024", "openalex_2023"}
    assert "ORG-EU" in set(migration["code"])


def test_openalex_iso2_codes_resolve_and_nan_is_unknown_not_namibia(files: Path) -> None:
    tables = sm.read(files)
    openalex = tables["researcher_migration"]
    openalex = openalex[openalex["release"] == "openalex_2023"]
    assert sorted(openalex["code"]) == ["KOR", "NAM", "UNKNOWN"]
    flows = tables["researcher_flows"]
    pairs = set(zip(flows["origin"], flows["destination"], strict=True))
    assert ("NAM", "UNKNOWN") in pairs and ("KOR", "USA") in pairs


def test_flows_leave_out_entries_and_exits_and_count_them(files: Path) -> None:
    flows, dropped = sm.read_flows(files / sm._file("scopus_2024", "countryflows"), "scopus_2024")
    assert dropped == {"no_origin": 1, "no_destination": 1}
    assert len(flows) == len(SCOPUS_FLOWS.splitlines()) - 1 - 2
    kor_usa = flows[(flows["origin"] == "KOR") & (flows["destination"] == "USA")]
    row = kor_usa.set_index("year").loc[2021]
    assert (int(row["moves"]), int(row["moves_back"]), int(row["net"])) == (14, 10, 4)


def test_provisional_years_follow_the_rule(files: Path) -> None:
    tables = sm.read(files)
    flows = tables["researcher_flows"]
    scopus = flows[flows["release"] == "scopus_2024"]
    # moves peak in 2019 (50); 2020 (46) is above 90% of it; 2021 (24) below: end 2020
    assert sorted(scopus.loc[scopus["provisional"], "year"].unique()) == [2021, 2022]
    migration = tables["researcher_migration"]
    assert migration.loc[migration["year"] >= 2021, "provisional"].all()
    assert not migration.loc[migration["year"] <= 2020, "provisional"].any()


def test_reliable_end_stops_at_the_last_published_population() -> None:
    moves = pd.Series({2018: 90, 2019: 100, 2020: 99, 2021: 95, 2022: 60})
    assert sm.reliable_end(moves) == 2021
    assert sm.reliable_end(moves, [2018, 2019, 2020]) == 2020


def test_an_unknown_code_is_an_error_naming_it(files: Path) -> None:
    write(
        files / sm._file("scopus_2024", "countryflows"),
        FLOW_HEADER + "KOR,XYZ,2019.0,3,0,3\n",
    )
    with pytest.raises(UnknownEntityError, match="XYZ"):
        sm.read(files)


def test_a_net_that_does_not_add_up_is_refused(files: Path) -> None:
    write(
        files / sm._file("scopus_2024", "countryflows"),
        FLOW_HEADER + "KOR,USA,2019.0,3,1,1\n",
    )
    with pytest.raises(DataFormatError, match="netmigrations"):
        sm.read(files)


def test_a_bad_year_names_its_row(files: Path) -> None:
    write(files / sm._file("scopus_2024", "country"), COUNTRY_HEADER + "20x9,KOR,1,1,0,0,0,0,0,0\n")
    with pytest.raises(DataFormatError, match="row 2"):
        sm.read(files)


def test_the_real_files_match_the_published_figures() -> None:
    root = require_shared("scholarly_migration")
    tables = sm.read(root.parent)
    migration = tables["researcher_migration"].set_index(["release", "code", "year"])
    assert int(migration.loc[("scopus_2024", "KOR", 2021), "net"]) == -375
    assert int(migration.loc[("scopus_2024", "KOR", 2021), "researchers"]) == 195922
    flows = tables["researcher_flows"].set_index(["release", "origin", "destination", "year"])
    row = flows.loc[("scopus_2024", "KOR", "USA", 2021)]
    assert (int(row["moves"]), int(row["moves_back"])) == (850, 797)
    # moves_back is the reverse pair's moves, net = moves - moves_back, on every row
    reverse = flows["moves"].rename_axis(["release", "destination", "origin", "year"])
    joined = flows["moves_back"].to_frame().join(reverse.rename("reverse"))
    assert (joined["moves_back"] == joined["reverse"].fillna(0)).all()
    # the last reliable years the docstring reports
    ends = tables["researcher_flows"].loc[lambda f: ~f["provisional"]].groupby("release")["year"]
    assert ends.max().to_dict() == {
        "openalex_2023": 2020,
        "scopus_2022_07": 2020,
        "scopus_2024": 2021,
    }


def test_the_snapshot_carries_both_tables_with_citation() -> None:
    store = SnapshotStore()
    migration = store.table("researcher_migration")
    kor = migration[(migration["release"] == "scopus_2024") & (migration["code"] == "KOR")]
    assert int(kor.loc[kor["year"] == 2021, "net"].iloc[0]) == -375
    flows = store.table("researcher_flows")
    assert set(flows["release"]) == set(sm.RELEASES)
    citation = store.citation("scholarly_migration")
    assert citation.years is not None and citation.years[0] == 1996
    assert "Max Planck" in citation.publisher
