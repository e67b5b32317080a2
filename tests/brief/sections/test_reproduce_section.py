"""How to reproduce: the brief names its data without any absolute path of the machine."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import powerscope
from powerscope import __version__
from powerscope.brief.render import render_html
from powerscope.brief.sections import Brief, Section, build_brief
from powerscope.brief.sections.reproduce import commands
from powerscope.data.store import SnapshotStore, WarehouseStore, home, portable_location


def _reproduce_part(html: str) -> str:
    return html[html.index('<section id="reproduce"') :]


def test_the_snapshot_is_named_with_the_powerscope_version(kor_html: str) -> None:
    part = _reproduce_part(kor_html)
    assert f"(embedded snapshot, powerscope {__version__})" in part
    assert "powerscope brief KOR --runs 2000" in part


def test_no_absolute_path_anywhere_in_the_brief(kor_brief: Brief, kor_html: str) -> None:
    package = Path(powerscope.__file__).resolve().parent
    for place in (package, package.parent, home(), Path.cwd(), Path.home()):
        assert str(place) not in kor_html, place
    assert kor_brief.store == SnapshotStore().describe()  # portable: no path of this machine
    assert str(package) not in kor_brief.store
    text = re.sub(r"<script.*?</script>", "", kor_html, flags=re.S)  # plotly's own code aside
    absolute = re.findall(r"(?<![\w.:/<])/(?:[\w.-]+/)+[\w.-]+", text)
    assert absolute == []


def test_a_warehouse_is_named_relative_to_powerscope_home(tmp_path: Path) -> None:
    inside = WarehouseStore(home() / "warehouse.duckdb")
    assert inside.describe() == "warehouse $POWERSCOPE_HOME/warehouse.duckdb"
    elsewhere = WarehouseStore(tmp_path / "elsewhere" / "w.duckdb")
    assert elsewhere.describe() == "warehouse w.duckdb"
    assert os.sep + "elsewhere" not in elsewhere.describe()


def test_a_brief_on_a_warehouse_shows_no_absolute_path(monkeypatch: pytest.MonkeyPatch) -> None:
    class Located(SnapshotStore):
        kind = "warehouse"

        def __init__(self) -> None:
            super().__init__()
            self.location = portable_location(home() / "warehouse.duckdb")

    brief = build_brief("KOR", sections=[_commands_only], store=Located())
    html = render_html(brief)
    assert brief.store == "warehouse $POWERSCOPE_HOME/warehouse.duckdb"
    assert "(warehouse $POWERSCOPE_HOME/warehouse.duckdb)" in _reproduce_part(html)
    assert str(home()) not in html


def _commands_only(ctx: object) -> Section:
    return Section("demo", "Demo", commands=["powerscope country KOR"])


def test_each_section_with_commands_is_listed(kor_brief: Brief) -> None:
    listed = commands(kor_brief)
    assert [title for title, _ in listed] == [
        s.title for s in kor_brief.sections if s.commands or any(p.commands for p in s.parts)
    ]
    technology = dict(listed)[kor_brief.section("technology").title]
    assert "powerscope index uncertainty ceti --runs 2000 --seed 1" in technology
