"""Print a brief's HTML to PDF with a headless Chromium (Debian's ``chromium`` package).

The browser is ``$POWERSCOPE_CHROMIUM`` when set, else ``chromium`` or ``chromium-browser`` on
the ``PATH``. It runs with a throw-away profile, no network services and a virtual-time budget
so the charts are drawn before printing; the print style sheet lays the pages out on A4. The
PDF is written to a temporary file beside the target and renamed into place only when the
browser succeeded and produced a PDF: a failure leaves no file behind.

The runner (``subprocess.run`` by default) can be injected, so tests can exercise the error
paths without a browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from powerscope.errors import PowerscopeError

#: Runs a command (argument list) with a timeout in seconds; returns the completed process.
Runner = Callable[[Sequence[str], float], "subprocess.CompletedProcess[bytes]"]

BROWSER_ENV = "POWERSCOPE_CHROMIUM"
BROWSER_NAMES = ("chromium", "chromium-browser")
INSTALL_FIX = "install Debian's chromium (apt-get install chromium) or pass --output for HTML only"


class BrowserError(PowerscopeError):
    """The headless browser that prints PDFs is missing or failed."""


def _run(args: Sequence[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(list(args), capture_output=True, timeout=timeout, check=False)


def find_browser() -> str:
    """The Chromium executable: ``$POWERSCOPE_CHROMIUM``, else ``chromium`` or
    ``chromium-browser`` on the ``PATH``.

    Raises
    ------
    BrowserError
        When none is found (or the configured path is not an executable file).
    """
    configured = os.environ.get(BROWSER_ENV)
    if configured:
        path = shutil.which(configured) or (configured if os.access(configured, os.X_OK) else None)
        if path is None or not Path(path).is_file():
            raise BrowserError(
                f"the browser {configured!r} named by {BROWSER_ENV} is not an executable file",
                where=BROWSER_ENV,
                fix=f"correct or unset {BROWSER_ENV}; or {INSTALL_FIX}",
            )
        return path
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserError(
        "no Chromium browser found to print the PDF",
        where="PATH (chromium, chromium-browser)",
        fix=f"{INSTALL_FIX}; or set {BROWSER_ENV} to the browser's path",
    )


#: Flags for Chromium on a machine with no display and a closed network (no sandbox as root, no
#: GPU, no background connections that would be refused).
HEADLESS_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def browser_command(browser: str, html: Path, pdf: Path, profile: Path) -> list[str]:
    """The headless-Chromium command that prints ``html`` to ``pdf``."""
    return [
        browser,
        "--headless",
        *HEADLESS_FLAGS,
        "--no-pdf-header-footer",
        "--run-all-compositor-stages-before-draw",
        "--virtual-time-budget=10000",
        f"--user-data-dir={profile}",
        f"--print-to-pdf={pdf}",
        html.resolve().as_uri(),
    ]


def html_to_pdf(
    html: Path,
    pdf: Path,
    *,
    browser: str | None = None,
    runner: Runner | None = None,
    timeout: float = 120.0,
) -> int:
    """Print an HTML file to ``pdf`` (atomically); returns the PDF's size in bytes.

    Raises
    ------
    BrowserError
        No browser; the browser failed, timed out or wrote no PDF. No file is left at ``pdf``.
    """
    browser = browser or find_browser()
    run = runner or _run
    pdf.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{pdf.name}.", suffix=".tmp.pdf", dir=pdf.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # the browser creates it; an empty leftover would pass for output
    profile = Path(tempfile.mkdtemp(prefix="powerscope-chromium-"))
    try:
        try:
            done = run(browser_command(browser, html, tmp, profile), timeout)
        except subprocess.TimeoutExpired:
            raise BrowserError(
                f"the browser did not finish printing within {timeout:.0f} s",
                where=browser,
                fix="try again, or pass --output for HTML only",
            ) from None
        except OSError as exc:
            raise BrowserError(
                f"cannot start the browser: {exc}", where=browser, fix=INSTALL_FIX
            ) from None
        if done.returncode != 0:
            err = done.stderr.decode("utf-8", "replace") if done.stderr else ""
            last = err.strip().splitlines()[-1] if err.strip() else "no message"
            raise BrowserError(
                f"the browser failed to print the PDF (exit code {done.returncode}): {last}",
                where=browser,
                fix=f"check the browser runs headless; or pass --output for HTML only "
                f"({BROWSER_ENV} selects another browser)",
            )
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise BrowserError(
                "the browser exited without writing a PDF",
                where=browser,
                fix="check the browser supports --print-to-pdf; or pass --output for HTML only",
            )
        with tmp.open("rb") as handle:
            if handle.read(5) != b"%PDF-":
                raise BrowserError(
                    "the browser wrote a file that is not a PDF",
                    where=browser,
                    fix="pass --output for HTML only",
                )
        size = tmp.stat().st_size
        os.replace(tmp, pdf)
        return size
    finally:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(profile, ignore_errors=True)


def write_pdf(
    html_text: str,
    pdf: Path,
    *,
    browser: str | None = None,
    runner: Runner | None = None,
    timeout: float = 120.0,
) -> int:
    """Print rendered brief HTML to ``pdf`` (atomically); returns the PDF's size in bytes.

    The browser is looked up before anything is written.
    """
    browser = browser or find_browser()
    with tempfile.TemporaryDirectory(prefix="powerscope-brief-") as folder:
        page = Path(folder) / "brief.html"
        page.write_text(html_text, encoding="utf-8")
        return html_to_pdf(page, pdf, browser=browser, runner=runner, timeout=timeout)
