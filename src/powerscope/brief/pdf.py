"""Print a brief's HTML to PDF with a headless Chromium (Debian's ``chromium`` package).

The browser is ``$POWERSCOPE_CHROMIUM`` when set, else ``chromium`` or ``chromium-browser`` on
the ``PATH``. It runs with a throw-away profile, no network services and a virtual-time budget
so the charts are drawn before printing; the print style sheet lays the pages out on A4. The
PDF is written to a temporary file beside the target and renamed into place only when the
browser succeeded and produced a PDF: a failure leaves no file behind.

The runner (``subprocess.run`` by default) can be injected, so tests can exercise the error
paths without a browser.

A :class:`Printer` is a browser started before the page exists (``powerscope brief --pdf``
starts one while the brief is rendered, so the browser's start-up overlaps that work): it is
driven through the DevTools protocol on a pipe, waits until the charts are drawn, and writes
the PDF atomically in the same way.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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
    printer: Printer | None = None,
) -> int:
    """Print rendered brief HTML to ``pdf`` (atomically); returns the PDF's size in bytes.

    With ``printer`` (a browser already started) the page is printed by it; otherwise a
    browser is started for this page alone (``--print-to-pdf``), looked up before anything is
    written.
    """
    if printer is None:
        browser = browser or find_browser()
    with tempfile.TemporaryDirectory(prefix="powerscope-brief-") as folder:
        page = Path(folder) / "brief.html"
        page.write_text(html_text, encoding="utf-8")
        if printer is not None:
            return printer.print_pdf(page, pdf)
        return html_to_pdf(page, pdf, browser=browser, runner=runner, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# A browser started before the page exists


#: Waits until every plotly chart of the page has drawn its SVG (or 10 s passed), then for one
#: more turn of the event loop; resolves to whether all were drawn.
CHARTS_DRAWN = """
new Promise((done) => {
  const drawn = () => Array.from(document.querySelectorAll('.plotly-graph-div'))
    .every((div) => div.querySelector('.main-svg') !== null);
  const check = (tries) => {
    if (drawn() || tries >= 400) { setTimeout(() => done(drawn()), 0); return; }
    setTimeout(() => check(tries + 1), 25);
  };
  check(0);
})
"""

#: Page.printToPDF's settings: those of ``--print-to-pdf --no-pdf-header-footer`` (the page
#: size and margins come from the print style sheet).
PRINT_SETTINGS: dict[str, object] = {
    "printBackground": True,
    "preferCSSPageSize": True,
    "displayHeaderFooter": False,
    "transferMode": "ReturnAsBase64",
}


def printer_command(browser: str, profile: Path) -> list[str]:
    """The command that starts a headless Chromium listening for DevTools commands on file
    descriptors 3 (commands in) and 4 (replies out): ``--remote-debugging-pipe``."""
    return [
        browser,
        "--headless",
        *HEADLESS_FLAGS,
        "--remote-debugging-pipe",
        f"--user-data-dir={profile}",
        "about:blank",
    ]


def _above_four(fd: int) -> int:
    """``fd`` moved to a descriptor number of 10 or more (closing ``fd``)."""
    import fcntl

    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class _Process:
    """A process started by ``os.posix_spawnp`` (which, unlike ``subprocess``, can place pipe
    ends at given descriptor numbers): its exit code, waiting with a timeout, killing."""

    def __init__(self, command: Sequence[str], moves: Sequence[tuple[int, int]]) -> None:
        actions: list[tuple[Any, ...]] = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        ]
        actions += [(os.POSIX_SPAWN_DUP2, fd, target) for fd, target in moves]
        # its own session: a Ctrl-C reaches this process only, which then closes the browser
        self.pid = os.posix_spawnp(
            command[0], list(command), os.environ, file_actions=actions, setsid=True
        )
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code, or None while it runs."""
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float) -> int:
        """Wait for the exit (polling); raises ``subprocess.TimeoutExpired`` after
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while (code := self.poll()) is None:
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.005)
        return code

    def kill(self) -> None:
        """Kill it (SIGKILL) and reap it."""
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.wait(timeout=30)


class Printer:
    """A headless Chromium started ahead of the page it will print, so its start-up overlaps
    other work; :meth:`print_pdf` then loads the page, waits for the charts and prints.

    The browser is driven through the DevTools protocol on a pipe (no network port); it runs
    with a throw-away profile that :meth:`close` removes, after closing the browser (killing it
    when it does not exit within 5 s). Use it as a context manager, so the browser is closed on
    any error: no browser process outlives the command.

    Raises
    ------
    BrowserError
        When the browser cannot be started.
    """

    def __init__(self, browser: str | None = None, *, timeout: float = 120.0) -> None:
        self.browser = browser or find_browser()
        self.timeout = timeout
        self._profile = Path(tempfile.mkdtemp(prefix="powerscope-chromium-"))
        self._stderr = tempfile.TemporaryFile(prefix="powerscope-chromium-")  # noqa: SIM115
        self._next_id = 0
        self._buffer = b""
        to_browser, self._send_fd = os.pipe()
        self._receive_fd, from_browser = os.pipe()
        # the browser's ends numbered above 4, so that placing them at 3 and 4 overwrites none
        to_browser, from_browser = _above_four(to_browser), _above_four(from_browser)
        log = _above_four(os.dup(self._stderr.fileno()))
        try:
            self.process = _Process(
                printer_command(self.browser, self._profile),
                [(log, 2), (to_browser, 3), (from_browser, 4)],
            )
        except OSError as exc:
            self._cleanup()
            raise BrowserError(
                f"cannot start the browser: {exc}", where=self.browser, fix=INSTALL_FIX
            ) from None
        finally:
            for fd in (to_browser, from_browser, log):
                os.close(fd)

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the DevTools protocol -----------------------------------------------------------------

    def _failed(self, what: str, *, log: bool = True) -> BrowserError:
        """An error saying ``what`` went wrong, with the browser's exit code and last line of
        its log when it has stopped (``log``)."""
        detail = ""
        if log:
            self._stderr.flush()
            self._stderr.seek(0)
            lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
            code = self.process.poll()
            exited = f" (exit code {code})" if code is not None else ""
            detail = f"{exited}: {lines[-1] if lines else 'no message'}"
        return BrowserError(
            f"{what}{detail}",
            where=self.browser,
            fix=f"check the browser runs headless; or pass --output for HTML only "
            f"({BROWSER_ENV} selects another browser)",
        )

    def _gone(self) -> BrowserError:
        """The error for a browser that closed its pipe (reaped, killed if it lingers)."""
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        return self._failed("the browser exited before printing the PDF")

    def _receive(self, deadline: float) -> dict[str, Any]:
        """The next message from the browser (a reply or an event)."""
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(
                    f"the browser did not finish printing within {self.timeout:.0f} s",
                    where=self.browser,
                    fix="try again, or pass --output for HTML only",
                )
            ready, _, _ = select.select([self._receive_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._receive_fd, 1 << 20)
            if not chunk:
                raise self._gone()
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        found: dict[str, Any] = json.loads(message)
        return found

    def _call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        deadline: float,
        until: str | None = None,
    ) -> dict[str, Any]:
        """Send a command and return its result; with ``until``, also wait for that event
        (of the same session) after the reply."""
        self._next_id += 1
        ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._send_fd, data) :]
        except OSError:  # a closed pipe: the browser is gone
            raise self._gone() from None
        result: dict[str, Any] | None = None
        seen = until is None
        while result is None or not seen:
            reply = self._receive(deadline)
            if reply.get("id") == ident:
                if "error" in reply:
                    error = reply["error"]
                    raise self._failed(
                        f"the browser refused {method}: {error.get('message', error)}",
                        log=False,
                    )
                result = reply.get("result", {})
            elif until is not None and reply.get("method") == until:
                seen = seen or reply.get("sessionId") == session
        return result

    # -- printing ------------------------------------------------------------------------------

    def print_pdf(self, html: Path, pdf: Path) -> int:
        """Load ``html`` (a file), wait for its charts, print it to ``pdf`` atomically; returns
        the PDF's size in bytes.

        Raises
        ------
        BrowserError
            The browser failed, exited, timed out or returned no PDF. No file is left at
            ``pdf``.
        """
        from powerscope.files import write_atomic

        deadline = time.monotonic() + self.timeout
        target = self._call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)
        attached = self._call(
            "Target.attachToTarget",
            {"targetId": target["targetId"], "flatten": True},
            deadline=deadline,
        )
        session = str(attached["sessionId"])
        self._call("Page.enable", session=session, deadline=deadline)
        loaded = self._call(
            "Page.navigate",
            {"url": html.resolve().as_uri()},
            session=session,
            deadline=deadline,
            until="Page.loadEventFired",
        )
        if loaded.get("errorText"):
            raise self._failed(
                f"the browser could not open the page ({loaded['errorText']})", log=False
            )
        drawn = self._call(
            "Runtime.evaluate",
            {"expression": CHARTS_DRAWN, "awaitPromise": True, "returnByValue": True},
            session=session,
            deadline=deadline,
        )
        if drawn.get("result", {}).get("value") is not True:
            raise self._failed("the charts of the page were not drawn within 10 s", log=False)
        printed = self._call("Page.printToPDF", PRINT_SETTINGS, session=session, deadline=deadline)
        try:
            data = base64.b64decode(str(printed.get("data", "")), validate=True)
        except ValueError:
            data = b""
        if not data.startswith(b"%PDF-"):
            raise BrowserError(
                "the browser returned no PDF",
                where=self.browser,
                fix="check the browser supports printing to PDF; or pass --output for HTML only",
            )
        return write_atomic(pdf, data)

    def close(self) -> None:
        """Close the browser and remove its profile; safe to call twice.

        The browser is asked to close, and its pipe closed (on which it exits by itself, as
        it does when this process dies); it is killed when it has not exited within 5 s.
        """
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                message = {"id": self._next_id + 1, "method": "Browser.close", "params": {}}
                os.write(self._send_fd, json.dumps(message).encode() + b"\0")
            self._close_pipe()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._cleanup()

    def _close_pipe(self) -> None:
        for fd in (self._send_fd, self._receive_fd):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._send_fd = self._receive_fd = -1

    def _cleanup(self) -> None:
        self._close_pipe()
        self._stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)
