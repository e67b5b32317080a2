"""DESTA trade agreements: codes decoded, identifiers repaired, every member state resolved."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from powerscope.data.sources import desta
from powerscope.data.store import SnapshotStore
from powerscope.errors import DataFormatError, UnknownEntityError
from support import require_shared
from support import write_file as write

AGREEMENTS = (
    "manyID,treatyID,Title,Begin,AgreementType,DocType,GeogArea,Signature,Force,destaID\n"
    "CHL-KOR[KOR]_2003O,CHL-KOR[KOR]_2003O,Chile Korea,2003-01-01,A,B,G,2003-01-01,2004-01-01,208\n"
    "EC_1957O:ECTRTY_1957A,EC_1957O:ECTRTY_1957A,EC,1957-01-01,A,P,R,1957-01-01,1958-01-01,293\n"
    "JPN-KOR[KOR]_5241O,JPN-KOR[KOR]_5241O,Korea Japan,,A,B,R,,,887\n"
    "ECVTNM_2019O,ECVTNM_2019O,EC Viet Nam,2019-01-01,P/E,P,G,2019-01-01,,877\n"
    "ECVTNM_2019O,ECVTNM_2019O,EC Viet Nam,2019-01-01,A,M,G,2019-01-01,2020-01-01,877\n"
)
MEMBERS = (
    "manyID,treatyID,Title,Begin,stateID,Signature,Force,StateName,destaID\n"
    "CHL-KOR[KOR]_2003O,CHL-KOR[KOR]_2003O,Chile Korea,2003,CHL,2003,2004,Chile,208\n"
    "CHL-KOR[KOR]_2003O,CHL-KOR[KOR]_2003O,Chile Korea,2003,KOR,2003,2004,South Korea,208\n"
    "EC_1957O,EC_1957O,EC,1957,DEU,1957,1958,Germany,293\n"
    "EC_1957O,EC_1957O,EC,1957,,1957,1958,Netherlands Antilles,293\n"
    "ECACCE_1973O,ECACCE_1973O,EC Accession,1973,GBR,1972,1973,United Kingdom,293\n"
    "JPN-KOR[KOR]_6759O,JPN-KOR[KOR]_6759O,Korea Japan,,JPN,,,Japan,887\n"
    "JPN-KOR[KOR]_6759O,JPN-KOR[KOR]_6759O,Korea Japan,,KOR,,,South Korea,887\n"
    "ECVTNM_2019O,ECVTNM_2019O,EC Viet Nam,2019,VNM,2019,2020,Viet Nam,877\n"
    "ECVTNM_2019O,ECVTNM_2019O,EC Viet Nam,2019,,2019,,Kosovo,877\n"
)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "desta").mkdir()
    write(tmp_path / desta.AGREEMENTS_FILE, AGREEMENTS)
    write(tmp_path / desta.MEMBERS_FILE, MEMBERS)
    return tmp_path


def test_agreements_are_decoded_and_keyed(files: Path) -> None:
    tables = desta.read(files)
    agreements = tables["desta_agreements"]
    assert list(agreements.columns) == [
        "agreement_id", "title", "type", "parties", "area", "signed", "in_force",
    ]  # fmt: skip
    by_id = agreements.set_index("agreement_id")
    # joined identifiers keep their first; a "year" after 2100 is manytrade's missing year
    assert list(by_id.index) == [
        "CHL-KOR[KOR]_2003O", "EC_1957O", "JPN-KOR[KOR]_NAO", "ECVTNM_2019O#2", "ECVTNM_2019O",
    ]  # fmt: skip
    assert by_id.loc["CHL-KOR[KOR]_2003O", "type"] == "base treaty"
    assert by_id.loc["CHL-KOR[KOR]_2003O", "parties"] == "bilateral"
    assert by_id.loc["CHL-KOR[KOR]_2003O", "area"] == "cross-regional"
    assert by_id.loc["EC_1957O", "parties"] == "plurilateral"
    # the free trade agreement keeps the key; its protocol sharing it gets "#2"
    assert by_id.loc["ECVTNM_2019O", "parties"] == "bloc-to-bloc"
    assert by_id.loc["ECVTNM_2019O#2", "type"] == "protocol or amendment"
    assert int(by_id.loc["CHL-KOR[KOR]_2003O", "in_force"]) == 2004
    assert pd.isna(by_id.loc["JPN-KOR[KOR]_NAO", "signed"])
    assert str(agreements["signed"].dtype) == "Int16"


def test_members_are_resolved_and_attached(files: Path) -> None:
    members = desta.read(files)["desta_members"]
    assert list(members.columns) == ["agreement_id", "code", "signed", "in_force"]
    assert len(members) == len(MEMBERS.splitlines()) - 1  # no row dropped
    pairs = set(zip(members["agreement_id"], members["code"], strict=True))
    # the two files' different stand-ins for a missing year meet
    assert ("JPN-KOR[KOR]_NAO", "KOR") in pairs
    # entries without stateID are resolved by name; an accession joins its base treaty
    assert ("EC_1957O", "ANT") in pairs and ("ECVTNM_2019O", "XKX") in pairs
    assert ("EC_1957O", "GBR") in pairs
    kosovo = members[members["code"] == "XKX"].iloc[0]
    assert int(kosovo["signed"]) == 2019 and pd.isna(kosovo["in_force"])
    assert str(members["in_force"].dtype) == "Int16"


def test_an_unknown_state_is_an_error_naming_it(files: Path) -> None:
    write(files / desta.MEMBERS_FILE, MEMBERS + "EC_1957O,EC_1957O,EC,1957,XYZ,1957,1958,X,293\n")
    with pytest.raises(UnknownEntityError, match="XYZ"):
        desta.read(files)
    write(files / desta.MEMBERS_FILE, MEMBERS + "EC_1957O,EC_1957O,EC,1957,,1957,1958,Narnia,293\n")
    with pytest.raises(UnknownEntityError, match="Narnia"):
        desta.read(files)


def test_malformed_files_are_data_format_errors_saying_where(files: Path) -> None:
    write(files / desta.AGREEMENTS_FILE, AGREEMENTS.replace(",A,B,G,", ",Z,B,G,"))
    with pytest.raises(DataFormatError, match="unknown AgreementType code 'Z'") as info:
        desta.read(files)
    assert info.value.where == "desta_agreements_manytrade.csv row 2, column 'AgreementType'"
    write(files / desta.AGREEMENTS_FILE, AGREEMENTS.replace("2004-01-01", "soon"))
    with pytest.raises(DataFormatError, match="unreadable date 'soon'") as info:
        desta.read(files)
    assert info.value.where == "desta_agreements_manytrade.csv row 2, column 'Force'"
    write(files / desta.AGREEMENTS_FILE, AGREEMENTS.replace("GeogArea,", "Area,"))
    with pytest.raises(DataFormatError, match="missing column"):
        desta.read(files)
    third = AGREEMENTS + AGREEMENTS.splitlines()[-1] + "\n"
    write(files / desta.AGREEMENTS_FILE, third)
    with pytest.raises(DataFormatError, match="'ECVTNM_2019O' is used by more than two"):
        desta.read(files)
    write(files / desta.AGREEMENTS_FILE, AGREEMENTS)
    write(files / desta.MEMBERS_FILE, MEMBERS + "EC_1957O,EC_1957O,EC,1957,,1957,1958,,293\n")
    with pytest.raises(DataFormatError, match="neither stateID nor StateName") as info:
        desta.read(files)
    assert info.value.where == "desta_memberships_manytrade.csv row 11, column 'stateID'"
    orphan = MEMBERS + "ZZZ_1990O,ZZZ_1990O,Nothing,1990,KOR,1990,1990,South Korea,9999\n"
    write(files / desta.MEMBERS_FILE, orphan)
    with pytest.raises(DataFormatError, match="'ZZZ_1990O', which is not among") as info:
        desta.read(files)
    assert info.value.where == "desta_memberships_manytrade.csv row 11, column 'treatyID'"


def test_the_real_files() -> None:
    root = require_shared(desta.AGREEMENTS_FILE).parents[1]
    tables = desta.read(root)
    agreements, members = tables["desta_agreements"], tables["desta_members"]
    assert len(agreements) == 959 and agreements["agreement_id"].is_unique
    assert len(members) == 7466
    assert set(members["agreement_id"]) <= set(agreements["agreement_id"])
    assert (members["code"] == "KOR").sum() == 33
    assert {"ANT", "XKX"} <= set(members["code"])
    assert (int(agreements["signed"].min()), int(agreements["in_force"].max())) == (1948, 2020)
    assert agreements["signed"].isna().sum() == 81
    assert desta.INFO.years == (1948, 2020)


def test_the_snapshot_holds_and_cites_it() -> None:
    store = SnapshotStore()
    assert len(store.table("desta_agreements")) == 959
    assert (store.table("desta_members")["code"] == "KOR").sum() == 33
    cited = store.citation("desta")
    assert cited.years == (1948, 2020) and cited.licence.startswith("CC BY 4.0")
    assert "Dür" in cited.reference
