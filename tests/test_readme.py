"""Every command in README.md runs: each line of its ```sh blocks as a separate test, through the
installed ``powerscope`` CLI, on the embedded snapshot (a temporary POWERSCOPE_HOME) and the
shipped ``examples/`` files; the ```python block runs too.

A command fails on a non-zero exit or a traceback. Nothing is silently left out: every line of a
```sh block is either run, run with the faster options of :data:`FAST`, or listed in
:data:`NOT_RUN` with the reason; :func:`test_every_readme_line_is_accounted_for` fails on a line
that is none of these. Commands that need more than the snapshot are handled explicitly:

- ``powerscope serve`` starts on a free port, answers ``/openapi.json`` and ``/``, and is stopped;
  ``curl`` runs against such a server (skipped without ``curl``);
- ``data build --from ../shared/data`` (and ``data check-votes``) runs, in its own home, when
  the real data are there (``support.require_shared``; CI fails instead of skipping);
- ``brief ... --pdf`` needs Debian's ``chromium``: skipped with the reason when it is absent
  (failed instead under ``POWERSCOPE_REQUIRE_BROWSER=1``, as the other browser tests).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from support import SHARED_DATA, require_shared

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

#: Faster options for the test only (the README keeps the figures a reader should use): a
#: pattern of a README command and its replacement. Rank-uncertainty and ensemble results on 50
#: to 200 runs are rougher but exercise the same code.
FAST: dict[str, str] = {
    r"--runs 10000\b": "--runs 50",  # index uncertainty: 10,000 Monte Carlo runs -> 50
    r"--n 1024\b": "--n 32",  # index sensitivity: Sobol base sample 1024 -> 32
    r"^(powerscope dynamics backtest KOR)\b": r"\1 --runs 100",  # default 1000 runs
    r"^(powerscope dynamics run KOR)\b": r"\1 --runs 100",  # default 10,000 runs
    r"^(powerscope dynamics compare KOR CHN)\b": r"\1 --runs 100",  # default 2000 runs
    r"^(powerscope align partners KOR)\b": r"\1 --runs 50",  # default 1000 runs
    r"^(powerscope brief KOR)\b": r"\1 --runs 50",  # default 2000 runs
    # dynamic ideal points: 29 years of roll calls -> 10 (the same fit, on fewer votes)
    r"^(powerscope align idealpoints) --from 1991\b": r"\1 --from 2010",
}

#: README lines this test does not run, and why.
NOT_RUN: dict[str, str] = {
    "make run": "sets up .venv and installs powerscope: the Makefile's job, not this test's",
    "make test": "runs the whole test suite, this test included",
    ". .venv/bin/activate": "activates the virtual environment; this test calls its CLI directly",
}

TOKEN = "readme-test-token-0123456789abcdef"


def _blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def readme_commands() -> list[str]:
    """The commands of the README's ```sh blocks: continuation lines joined, comments dropped."""
    commands = []
    for block in _blocks("sh"):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                commands.append(shlex.join(words))
    return commands


def fast(command: str) -> str:
    for pattern, replacement in FAST.items():
        command = re.sub(pattern, replacement, command)
    return command


def _kind(command: str) -> str:
    words = shlex.split(command)
    if command in NOT_RUN:
        return "not run"
    if words[0] == "curl":
        return "curl"
    if words[0] != "powerscope" and not (
        "=" in words[0] and len(words) > 1 and words[1] == "powerscope"
    ):
        return "unknown"
    args = words[1:] if words[0] == "powerscope" else words[2:]
    if args[:1] == ["serve"]:
        return "serve"
    if args[:2] in (["data", "build"], ["data", "check-votes"]):
        return "data build"
    if args[:1] == ["brief"] and "--pdf" in args:
        return "pdf"
    return "cli"


COMMANDS = readme_commands()


def test_every_readme_line_is_accounted_for() -> None:
    assert len(COMMANDS) > 30, "the README's ```sh blocks were not found"
    unknown = [c for c in COMMANDS if _kind(c) == "unknown"]
    assert not unknown, f"README commands this test does not know how to run: {unknown}"
    stale = [c for c in NOT_RUN if c not in COMMANDS]
    assert not stale, f"NOT_RUN lists lines the README no longer has: {stale}"


# -- running ---------------------------------------------------------------------------------


def _cli() -> list[str]:
    installed = Path(sys.executable).with_name("powerscope")
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "powerscope.cli.main"]


def _env(home: Path, **extra: str) -> dict[str, str]:
    import powerscope

    src = str(Path(powerscope.__file__).resolve().parents[1])
    env = {**os.environ, "POWERSCOPE_HOME": str(home), **extra}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    if "POWERSCOPE_API_TOKEN" not in extra:
        env.pop("POWERSCOPE_API_TOKEN", None)  # uploads only where the README turns them on
    return env


def _split(command: str) -> tuple[dict[str, str], list[str]]:
    """Leading ``NAME=value`` assignments and the powerscope arguments."""
    words = shlex.split(command)
    assignments = {}
    while "=" in words[0] and words[0] != "powerscope":
        name, _, value = words.pop(0).partition("=")
        assignments[name] = TOKEN if value == "..." else value
    return assignments, words[1:]


def _check(proc: subprocess.CompletedProcess[str], command: str) -> None:
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, f"{command}\n{output[-4000:]}"
    assert proc.returncode == 0, f"{command} exited {proc.returncode}\n{output[-4000:]}"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the commands run in (outputs land there), with the shipped examples."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", folder / "examples")
    return folder


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One POWERSCOPE_HOME for the module: no warehouse, so the embedded snapshot is used (the
    ideal-point fit of one command is cached for the next)."""
    return tmp_path_factory.mktemp("readme-home")


def run(command: str, workdir: Path, home: Path) -> subprocess.CompletedProcess[str]:
    extra, args = _split(fast(command))
    proc = subprocess.run(
        [*_cli(), *args],
        cwd=workdir,
        env=_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    _check(proc, command)
    return proc


def _requires(command: str, workdir: Path, home: Path) -> None:
    """Run the README command that makes a file this command reads, when it is missing."""
    reads_spec = "spec.yaml" in command and "import-coinr" not in command
    if reads_spec and not (workdir / "spec.yaml").exists():
        run(next(c for c in COMMANDS if "import-coinr" in c), workdir, home)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200, url
        return bytes(response.read())


@contextmanager
def _serve(command: str, workdir: Path, home: Path) -> Iterator[int]:
    """Start a README ``serve`` command on a free port; yield the port once it answers."""
    extra, args = _split(command)
    port = _free_port()
    if "--port" in args:
        args[args.index("--port") + 1] = str(port)
    else:
        args += ["--port", str(port)]
    log = workdir / f"serve-{port}.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [*_cli(), *args], cwd=workdir, env=_env(home, **extra), stdout=sink, stderr=sink
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _get(f"http://127.0.0.1:{port}/openapi.json")
                break
            except OSError:
                text = log.read_text()
                assert proc.poll() is None, f"{command} stopped:\n{text[-4000:]}"
                assert time.monotonic() < deadline, f"{command} did not answer:\n{text[-4000:]}"
                time.sleep(0.3)
        yield port
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert "Traceback" not in text, f"{command}\n{text[-4000:]}"


def _ids(command: str) -> str:
    return command


@pytest.mark.parametrize("command", COMMANDS, ids=_ids)
def test_readme_command(command: str, workdir: Path, home: Path) -> None:
    kind = _kind(command)
    if kind == "not run":
        pytest.skip(f"not run by this test: {NOT_RUN[command]}")
    if kind == "serve":
        with _serve(command, workdir, home) as port:
            assert b"<html" in _get(f"http://127.0.0.1:{port}/").lower()
        return
    if kind == "curl":
        if shutil.which("curl") is None:
            pytest.skip("curl is not installed")
        serve = next(c for c in COMMANDS if _kind(c) == "serve")
        with _serve(serve, workdir, home) as port:
            local = command.replace("localhost:8000", f"127.0.0.1:{port}")
            proc = subprocess.run(["bash", "-c", local + " --fail-with-body"],
                                  capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
            _check(proc, command)
            assert json.loads(proc.stdout), proc.stdout
        return
    if kind == "data build":
        require_shared()
        command = command.replace("../shared/data", str(SHARED_DATA))
        run(command, workdir, workdir / "build-home")  # its own home: the others keep the snapshot
        return
    if kind == "pdf" and shutil.which("chromium") is None:
        message = "--pdf needs Debian's chromium (apt-get install chromium), not installed"
        if os.environ.get("POWERSCOPE_REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; POWERSCOPE_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(message)
    _requires(command, workdir, home)
    run(command, workdir, home)


def test_readme_python_block(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (block,) = _blocks("python")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert "ceti" in namespace
