"""Building a brief in two processes (``workers=2``): the same brief, errors raised as without
it, and no process left behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import powerscope.brief.sections as sections
from powerscope.brief.render import render_html
from powerscope.brief.sections import APART, Brief, BriefContext, Fact, Section, build_brief
from powerscope.data.store import SnapshotStore

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def test_two_processes_build_the_same_brief(
    kor: Brief, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("POWERSCOPE_HOME", str(tmp_path))
    both = build_brief("KOR", runs=2000, seed=1, store=SnapshotStore(), workers=2)
    assert [s.id for s in both.sections] == [s.id for s in kor.sections]
    assert [e.id for e in both.sources] == [e.id for e in kor.sources]
    assert render_html(both) == render_html(kor)
    assert any(s.id == "power" for s in both.sections)  # a section of APART, built apart
    assert sections.power_section in APART


def _plain(name: str) -> sections.SectionBuilder:
    def build(ctx: BriefContext) -> Section:
        section = Section(name, name.title())
        section.facts.append(Fact("built by", str(os.getpid()), ("gfp",)))
        section.data = {"country": ctx.code}
        return section

    return build


def test_sections_come_back_in_order_from_the_second_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, apart, last = _plain("first"), _plain("apart"), _plain("last")
    monkeypatch.setattr(sections, "APART", frozenset({apart}))
    brief = build_brief("KOR", sections=[first, apart, last], workers=2)
    assert [s.id for s in brief.sections] == ["first", "apart", "last"]
    pids = [s.facts[0].value for s in brief.sections]
    assert pids[0] == pids[2] == str(os.getpid()) != pids[1]  # built in another process
    assert brief.sections[1].data == {"country": "KOR"}
    assert [e.id for e in brief.sources] == ["gfp"]


def test_a_failure_in_the_second_process_builds_its_sections_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parent = os.getpid()

    def only_here(ctx: BriefContext) -> Section:
        if os.getpid() != parent:
            raise RuntimeError("the second process fails")
        return _plain("apart")(ctx)

    monkeypatch.setattr(sections, "APART", frozenset({only_here}))
    brief = build_brief("KOR", sections=[_plain("first"), only_here], workers=2)
    assert [s.id for s in brief.sections] == ["first", "apart"]
    assert brief.sections[1].facts[0].value == str(parent)


def test_an_error_of_a_section_apart_is_raised_as_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(ctx: BriefContext) -> Section:
        raise ValueError(f"no data for {ctx.code}")

    monkeypatch.setattr(sections, "APART", frozenset({broken}))
    with pytest.raises(ValueError, match="no data for KOR"):
        build_brief("KOR", sections=[_plain("first"), broken], workers=2)


def test_an_error_here_kills_and_reaps_the_second_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"

    def slow(ctx: BriefContext) -> Section:
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)
        return _plain("slow")(ctx)

    def failing(ctx: BriefContext) -> Section:
        for _ in range(1000):  # until the second process is running
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.01)
        raise RuntimeError("this section failed")

    monkeypatch.setattr(sections, "APART", frozenset({slow}))
    with pytest.raises(RuntimeError, match="this section failed"):
        build_brief("KOR", sections=[failing, slow], workers=2)
    child = int(pid_file.read_text())
    assert child != os.getpid()
    with pytest.raises(ChildProcessError):  # already reaped: not ours to wait for any more
        os.waitpid(child, os.WNOHANG)
    with pytest.raises(ProcessLookupError):  # and gone
        os.kill(child, 0)


def test_one_worker_builds_everything_here(monkeypatch: pytest.MonkeyPatch) -> None:
    apart = _plain("apart")
    monkeypatch.setattr(sections, "APART", frozenset({apart}))
    brief = build_brief("KOR", sections=[_plain("first"), apart], workers=1)
    assert {s.facts[0].value for s in brief.sections} == {str(os.getpid())}
