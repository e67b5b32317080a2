"""Atomic writes: the whole file or nothing, with a plain file's mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from powerscope.files import write_atomic


def test_writes_text_and_bytes_with_a_plain_mode(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "out.txt"
    assert write_atomic(target, "héllo") == len("héllo".encode())
    assert target.read_text(encoding="utf-8") == "héllo"
    assert stat.S_IMODE(target.stat().st_mode) & 0o044  # not mkstemp's private 0600
    write_atomic(target, b"\x00\x01", mode=0o640, durable=True)
    assert target.read_bytes() == b"\x00\x01"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_failure_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, "old")

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_read_csv_rows_skips_blank_lines_and_a_byte_order_mark(tmp_path: Path) -> None:
    from powerscope.files import read_csv_rows

    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffa,b\n\n1,2\n , \n3,4".encode())
    text, header, rows = read_csv_rows(path)
    assert header == ["a", "b"] and rows == [["1", "2"], ["3", "4"]]
    assert text.startswith("a,b")


def test_read_text_file_refuses_a_file_over_the_limit(tmp_path: Path) -> None:
    from powerscope.errors import DataFormatError
    from powerscope.files import read_text_file

    path = tmp_path / "big.txt"
    path.write_text("x" * 2048, encoding="utf-8")
    assert read_text_file(path, max_bytes=2048) == "x" * 2048
    with pytest.raises(DataFormatError, match="larger than 1 KB"):
        read_text_file(path, max_bytes=1024)


def test_a_live_processs_fresh_temporary_is_kept(tmp_path: Path) -> None:
    from powerscope.files import remove_stale_temporaries

    live = tmp_path / f".out.csv.{os.getpid()}-abc.tmp"
    live.write_text("x", encoding="utf-8")
    assert remove_stale_temporaries(tmp_path) == [] and live.exists()
