"""Helpers of the CLI tests: an in-process runner and the real console entry point."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

runner = CliRunner()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point (exit codes and stderr as a user sees them)."""
    return subprocess.run(
        [sys.executable, "-m", "powerscope.cli.main", *args],
        capture_output=True,
        text=True,
        check=False,
    )
