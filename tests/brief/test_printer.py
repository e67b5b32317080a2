"""A browser started ahead of printing (:class:`Printer`): the PDF written atomically, errors
that say what failed, and no browser process or profile left behind however it ends."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

from powerscope.brief.pdf import BrowserError, Printer, printer_command, write_pdf

CHROMIUM = Path("/usr/bin/chromium")
FAKE = Path(__file__).with_name("fake_chromium.py")


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in browser (a shell script, as Debian's ``chromium`` is) logging to
    ``tmp_path / "log"``."""
    script = tmp_path / "bin" / "chromium"
    script.parent.mkdir()
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE}" "$@"\n')
    script.chmod(0o755)
    monkeypatch.setenv("FAKE_CHROMIUM_LOG", str(tmp_path / "log"))
    return script


def _log(tmp_path: Path) -> list[str]:
    return (tmp_path / "log").read_text().splitlines()


def _gone(pid: int) -> bool:
    """The process has exited and been reaped (no zombie, not running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _profiles() -> set[str]:
    return {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("powerscope-chromium-")}


def test_a_page_is_printed_and_the_browser_closed(fake: Path, tmp_path: Path) -> None:
    before = _profiles()
    target = tmp_path / "out" / "brief.pdf"
    with Printer(str(fake)) as printer:
        pid = printer.process.pid
        size = write_pdf("<html><body>hi</body></html>", target, printer=printer)
    assert target.read_bytes() == b"%PDF-1.4 stand-in" and size == 17
    assert os.listdir(target.parent) == ["brief.pdf"]  # no temporary file left
    log = _log(tmp_path)
    assert log[0] == f"pid {pid}"
    assert "--remote-debugging-pipe" in log[1] and "--headless" in log[1]
    assert any(line.startswith("url file://") and line.endswith("/brief.html") for line in log)
    methods = [line.split()[1] for line in log if line.startswith("method ")]
    assert methods[-2:] == ["Page.printToPDF", "Browser.close"]
    assert _gone(pid) and printer.process.returncode == 0
    assert _profiles() <= before  # the throw-away profile is removed
    printer.close()  # a second close does nothing


def test_a_browser_that_exits_is_a_clear_error_and_leaves_nothing(
    fake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_CHROMIUM_MODE", "exit")
    target = tmp_path / "out" / "brief.pdf"
    target.parent.mkdir()
    with Printer(str(fake)) as printer, pytest.raises(BrowserError) as info:
        write_pdf("<html></html>", target, printer=printer)
    assert "exited before printing the PDF (exit code 3): boom: no display" in info.value.what
    assert info.value.where == str(fake) and "--output for HTML only" in str(info.value.fix)
    assert os.listdir(target.parent) == []
    assert _gone(printer.process.pid)


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("refuse", "refused Page.navigate: no such file"),
        ("no-pdf", "returned no PDF"),
        ("blank", "charts of the page were not drawn"),
    ],
)
def test_a_failed_print_leaves_no_file_and_no_browser(
    fake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, message: str
) -> None:
    monkeypatch.setenv("FAKE_CHROMIUM_MODE", mode)
    target = tmp_path / "out" / "brief.pdf"
    target.parent.mkdir()
    with pytest.raises(BrowserError, match=message), Printer(str(fake)) as printer:
        write_pdf("<html></html>", target, printer=printer)
    assert os.listdir(target.parent) == []
    assert _gone(printer.process.pid)


def test_a_browser_that_does_not_answer_times_out_and_is_killed(
    fake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_CHROMIUM_MODE", "hang")
    target = tmp_path / "brief.pdf"
    with (
        pytest.raises(BrowserError, match="did not finish printing within 1 s"),
        Printer(str(fake), timeout=1) as printer,
    ):
        printer.print_pdf(tmp_path / "page.html", target)
    assert not target.exists()
    assert _gone(printer.process.pid)
    assert printer.process.returncode == -9  # it ignored the request to close: killed


def test_an_error_elsewhere_closes_the_browser(fake: Path, tmp_path: Path) -> None:
    """The command renders the HTML while the browser starts: a failure there closes it."""
    with pytest.raises(RuntimeError, match="rendering failed"), Printer(str(fake)) as printer:
        raise RuntimeError("rendering failed")
    assert _gone(printer.process.pid)


def test_a_browser_that_cannot_start_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BrowserError, match="cannot start the browser") as info:
        Printer(str(tmp_path / "no-such-browser"))
    assert "apt-get install chromium" in str(info.value.fix)


def test_printer_command_uses_the_pipe_and_the_isolating_flags(tmp_path: Path) -> None:
    args = printer_command("chromium", tmp_path / "p")
    for flag in ("--headless", "--no-sandbox", "--remote-debugging-pipe", "--no-first-run"):
        assert flag in args
    assert f"--user-data-dir={tmp_path / 'p'}" in args


def test_the_brief_prints_with_a_started_chromium(kor_html: str, tmp_path: Path) -> None:
    """With the real browser: the same A4 pages as ``--print-to-pdf``, charts drawn (the
    printer waits for every chart's SVG), and no browser process left."""
    if not CHROMIUM.exists():
        if os.environ.get("POWERSCOPE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} not found; POWERSCOPE_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(f"{CHROMIUM} not found: the test needs Debian's chromium")
    target = tmp_path / "brief.pdf"
    with Printer(str(CHROMIUM)) as printer:
        size = write_pdf(kor_html, target, printer=printer)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) == size
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert pages > 1
    assert data.count(b"/MediaBox [0 0 594.9") == pages  # A4, from the print style sheet
    assert os.listdir(tmp_path) == ["brief.pdf"]
    assert _gone(printer.process.pid)
