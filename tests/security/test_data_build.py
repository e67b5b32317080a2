"""Attacks on ``data build --from``: a dataset's file that is not a complete, regular text file
is refused at once (exit code 2, the file named relative to the data folder), never read, and
the previous warehouse is kept."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from security_support import REFUSALS, bad_file, cli, run

from powerscope.data.sources import all_sources
from powerscope.data.store import warehouse_path

#: the first dataset a build reads, and the first of its files
FIRST = all_sources()[0].info
NAME = FIRST.files[0]
GOOD = "country,sector,pillar,value\nAustralia,AI,Economic Resources,0.01\nJapan,AI,Talent,0.2\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder with the first dataset's files, good ones."""
    root = tmp_path / "data"
    for name in FIRST.files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(GOOD, encoding="utf-8")
    return root


def _replace(root: Path, kind: str) -> Path:
    path = root / NAME
    path.unlink()
    return bad_file(path.parent, kind, path.name)


@pytest.mark.parametrize("kind", ["empty", "binary", "nul", "latin-1", "folder", "dev-zero"])
def test_bad_files_are_refused(kind: str, data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _replace(data, kind)
    code, err = cli(capsys, "data", "build", "--from", str(data))
    assert code == 2
    assert err.startswith(f"error: the file of dataset {FIRST.id!r} {REFUSALS[kind]}")
    assert f"(in {NAME}" in err and "the previous warehouse is intact" in err
    assert not warehouse_path().exists()


@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_a_link_to_dev_zero_or_a_fifo_does_not_hang_the_real_command(kind: str, data: Path) -> None:
    _replace(data, kind)
    proc = run("data", "build", "--from", str(data), timeout=60)
    assert proc.returncode == 2
    assert f"is not a regular file (a device, FIFO or socket) (in {NAME})" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_row_cut_short_is_refused_naming_the_line(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data / NAME).write_text(GOOD + "Korea,AI\n", encoding="utf-8")
    code, err = cli(capsys, "data", "build", "--from", str(data))
    assert code == 2 and "2 cell(s) where the header has 4" in err and f"{NAME}, line 4" in err


def test_a_file_cut_inside_its_last_cell_is_refused(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data / NAME).write_text(GOOD + "Korea,AI,Talent,0.", encoding="utf-8")
    code, err = cli(capsys, "data", "build", "--from", str(data))
    assert code == 2 and "ends in the middle of a line: cut short?" in err


def test_a_readers_unexpected_failure_is_a_clear_error(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(root: Path) -> dict[str, object]:
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, f"in {root / NAME}")

    source = all_sources()[0]
    import powerscope.data.sources as sources

    monkeypatch.setattr(sources, "all_sources", lambda: [type(source)(source.info, broken)])
    code, err = cli(capsys, "data", "build", "--from", str(data))
    assert code == 2
    assert f"error: dataset {FIRST.id!r} failed to read: UnicodeDecodeError" in err
    assert str(data) + os.sep not in err.split("(in ")[0]  # the file named inside the folder
    assert "copy them again" in err


def _missing_column_readers(tmp_path: Path) -> list[tuple[Any, Path, str, str]]:
    """(reader, file, the column it lacks, the file's kind in the fix) for the older readers."""
    from powerscope.data.sources import cow, gfp, wdi

    files = {
        "wdi.csv": "country_code,indicator_code,year\nKOR,NY.GDP.MKTP.CD,2020\n",
        "indicators.csv": "indicator_code\nNY.GDP.MKTP.CD\n",
        "states.csv": "stateabb,statenme,ccode,styear,stmonth,stday,endyear,endmonth\n"
        "ROK,South Korea,732,1991,9,17,2016,12\n",
        "gfp.csv": "Country,PwrIndx\nSouth Korea,0.1\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return [
        (wdi.read_wdi, tmp_path / "wdi.csv", "value", "file"),
        (wdi.read_indicators, tmp_path / "indicators.csv", "title", "file"),
        (cow.read_states, tmp_path / "states.csv", "endday", "file"),
        (gfp.read_gfp_raw, tmp_path / "gfp.csv", "Power Index", "GFP file"),
    ]


def test_the_older_readers_share_one_missing_column_check(tmp_path: Path) -> None:
    from powerscope.errors import DataFormatError

    for reader, path, column, kind in _missing_column_readers(tmp_path):
        with pytest.raises(DataFormatError) as info:
            reader(path)
        error = info.value
        assert error.what.startswith(f"missing column(s) {column!r}; found ["), error.what
        assert error.where == path.name
        assert error.fix is not None and error.fix.startswith(f"the {kind} needs the columns ")
        assert column in error.fix
