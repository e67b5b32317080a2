"""Printing the brief to PDF: with the real Chromium when present, and the error paths."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from powerscope.brief.pdf import BrowserError, browser_command, find_browser, write_pdf

CHROMIUM = Path("/usr/bin/chromium")


def _require_browser() -> str:
    if CHROMIUM.exists():
        return str(CHROMIUM)
    message = (
        f"{CHROMIUM} not found: the PDF test needs Debian's chromium (apt-get install chromium)"
    )
    if os.environ.get("POWERSCOPE_REQUIRE_BROWSER") == "1":
        pytest.fail(message + "; POWERSCOPE_REQUIRE_BROWSER=1 forbids skipping")
    pytest.skip(message)


def test_the_brief_prints_to_a_multi_page_pdf(kor_html: str, tmp_path: Path) -> None:
    browser = _require_browser()
    target = tmp_path / "brief.pdf"
    size = write_pdf(kor_html, target, browser=browser)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) == size
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert pages > 1
    assert b"/MediaBox [0 0 594.9" in data  # A4 (595 x 842 pt) from the print style sheet
    assert os.listdir(tmp_path) == ["brief.pdf"]  # no temporary file left


def _fake(returncode: int, write: bytes | None, calls: list[list[str]]):  # type: ignore[no-untyped-def]
    def run(args: Sequence[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
        calls.append(list(args))
        out = next(a.split("=", 1)[1] for a in args if a.startswith("--print-to-pdf="))
        if write is not None:
            Path(out).write_bytes(write)
        return subprocess.CompletedProcess(list(args), returncode, b"", b"boom: no display\n")

    return run


def test_browser_failure_is_a_clear_error_and_leaves_no_file(tmp_path: Path) -> None:
    calls: list[list[str]] = []
    target = tmp_path / "brief.pdf"
    with pytest.raises(BrowserError, match=r"exit code 21\): boom: no display") as info:
        write_pdf(
            "<html></html>", target, browser="/opt/chromium", runner=_fake(21, b"%PDF-", calls)
        )
    assert "--output for HTML only" in info.value.message
    assert not target.exists() and os.listdir(tmp_path) == []
    assert calls and calls[0][0] == "/opt/chromium" and "--headless" in calls[0]


def test_no_pdf_written_or_not_a_pdf_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "brief.pdf"
    with pytest.raises(BrowserError, match="without writing a PDF"):
        write_pdf("<html></html>", target, browser="x", runner=_fake(0, None, []))
    with pytest.raises(BrowserError, match="not a PDF"):
        write_pdf("<html></html>", target, browser="x", runner=_fake(0, b"<html>", []))
    assert os.listdir(tmp_path) == []


def test_a_successful_print_is_renamed_into_place(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "brief.pdf"
    size = write_pdf("<html></html>", target, browser="x", runner=_fake(0, b"%PDF-1.4 x", []))
    assert target.read_bytes() == b"%PDF-1.4 x" and size == 10
    assert os.listdir(target.parent) == ["brief.pdf"]


def test_timeout_is_an_error(tmp_path: Path) -> None:
    def slow(args: Sequence[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
        raise subprocess.TimeoutExpired(list(args), timeout)

    with pytest.raises(BrowserError, match="within 5 s"):
        write_pdf("<html></html>", tmp_path / "b.pdf", browser="x", runner=slow, timeout=5)
    assert os.listdir(tmp_path) == []


def test_browser_command_has_the_isolating_flags(tmp_path: Path) -> None:
    args = browser_command("chromium", tmp_path / "a.html", tmp_path / "a.pdf", tmp_path / "p")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-background-networking",
        "--no-pdf-header-footer",
        "--virtual-time-budget=10000",
    ):
        assert flag in args
    assert f"--user-data-dir={tmp_path / 'p'}" in args
    assert args[-1] == (tmp_path / "a.html").as_uri()


def test_missing_browser_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POWERSCOPE_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BrowserError, match=r"apt-get install chromium\) or pass --output"):
        find_browser()
    monkeypatch.setenv("POWERSCOPE_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(BrowserError, match="POWERSCOPE_CHROMIUM"):
        find_browser()


def test_configured_browser_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("POWERSCOPE_CHROMIUM", str(fake))
    assert find_browser() == str(fake)
