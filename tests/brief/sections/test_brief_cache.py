"""A brief's sections kept in powerscope's cache: read back unchanged when nothing they depend
on changed, built anew when the country, runs, seed, data or code differ."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from powerscope.brief.sections import BriefContext, Fact, Section, build_brief
from powerscope.data.store import SnapshotStore

CALLS: list[str] = []


def counted(ctx: BriefContext) -> Section:
    """A section that records each time it is built."""
    CALLS.append(ctx.code)
    section = Section("counted", "Counted")
    section.facts.append(Fact("runs", str(ctx.runs), ("gfp",)))
    return section


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POWERSCOPE_HOME", str(tmp_path))
    CALLS.clear()
    return tmp_path


def build(code: str = "KOR", **kwargs: object) -> Section:
    brief = build_brief(code, sections=[counted], store=SnapshotStore(), **kwargs)  # type: ignore[arg-type]
    return brief.sections[0]


def test_a_kept_section_is_read_back_and_only_with_the_cache_on(home: Path) -> None:
    first = build(cache=True)
    assert CALLS == ["KOR"] and list((home / "cache" / "brief-sections").glob("*.pickle"))
    again = build(cache=True)
    assert CALLS == ["KOR"] and again == first  # read, not built
    build()  # the library's default: no cache
    assert CALLS == ["KOR", "KOR"]


def test_another_country_runs_or_seed_is_built_anew() -> None:
    build(cache=True)
    build("JPN", cache=True)
    build(cache=True, runs=500)
    build(cache=True, seed=7)
    assert CALLS == ["KOR", "JPN", "KOR", "KOR"]
    build(cache=True, runs=500)
    assert len(CALLS) == 4


def test_other_data_or_code_is_built_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    from powerscope import cache

    build(cache=True)
    real = SnapshotStore.datasets

    def changed(self: SnapshotStore) -> pd.DataFrame:
        frame = real(self).copy()
        frame.loc[frame.index[0], "sha256"] = "another file"
        return frame

    monkeypatch.setattr(SnapshotStore, "datasets", changed)
    build(cache=True)
    assert len(CALLS) == 2
    monkeypatch.setattr(SnapshotStore, "datasets", real)
    monkeypatch.setattr(cache, "package_digest", lambda packages=(): "other code")
    build(cache=True)
    assert len(CALLS) == 3


def test_a_damaged_entry_is_built_again(home: Path) -> None:
    build(cache=True)
    for entry in (home / "cache" / "brief-sections").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert build(cache=True).facts[0].value == "2000"
    assert len(CALLS) == 2
