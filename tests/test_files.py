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
