"""The assembled command line: the version, and errors as one line with exit code 2."""

from __future__ import annotations

import pytest
from cli_support import run


def test_version() -> None:
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("powerscope ")


def test_a_powerscope_error_is_one_line_on_stderr_and_its_exit_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from powerscope.cli.main import handle_error
    from powerscope.errors import SpecError

    assert handle_error(SpecError("no such thing", where="--what", fix="use another")) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no such thing") and err.count("\n") == 1


def test_usage_errors_exit_2_without_a_traceback() -> None:
    proc = run("index", "compute", "ceti", "--no-such-option")
    assert proc.returncode == 2 and "No such option" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_unexpected_error_is_not_swallowed() -> None:
    from powerscope.cli.main import handle_error

    with pytest.raises(ZeroDivisionError):
        handle_error(ZeroDivisionError("a defect"))


class _Ended(Exception):
    """Stands in for the end of the process in these tests."""


@pytest.mark.parametrize(
    ("argv", "code"),
    [(["--version"], 0), (["align", "agreement", "KOR", "--year", "2031"], 2)],
)
def test_main_ends_the_process_itself_after_python_clean_up(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], code: int
) -> None:
    """main() runs the exit handlers, then ends the process without native teardown (os._exit),
    whose thread pools abort it now and then (exit code 134)."""
    import atexit
    import os
    import sys

    from powerscope.cli import main as cli_main

    ended: list[int] = []
    handlers: list[str] = []

    def fake_exit(status: int) -> None:
        ended.append(status)
        raise _Ended

    monkeypatch.setattr(os, "_exit", fake_exit)
    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: handlers.append("ran"))
    monkeypatch.setattr(sys, "argv", ["powerscope", *argv])
    with pytest.raises(_Ended):
        cli_main.main()
    assert ended == [code] and handlers == ["ran"]
