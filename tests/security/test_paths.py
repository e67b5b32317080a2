"""Error messages name files under powerscope's data directory relative to it, and a dataset's
files relative to the data folder: never the server's absolute path."""

from __future__ import annotations

from pathlib import Path

import pytest
from security_support import cli

from powerscope.files import home, shown_path


def test_a_file_under_powerscope_home_is_named_relative_to_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = home() / "specs" / "bad.yaml"
    spec.parent.mkdir(parents=True)
    spec.write_text("id: [unclosed\n", encoding="utf-8")
    code, err = cli(capsys, "index", "compute", "--spec", str(spec))
    assert code == 2 and "(in $POWERSCOPE_HOME/specs/bad.yaml, line 2)" in err
    assert str(home()) not in err


def test_shown_path(tmp_path: Path) -> None:
    assert shown_path(home() / "uploads" / "x.csv") == "$POWERSCOPE_HOME/uploads/x.csv"
    assert shown_path(tmp_path / "data" / "a" / "b.csv", tmp_path / "data") == "a/b.csv"
    assert shown_path("relative/as/given.yaml") == "relative/as/given.yaml"
