"""One South Korea brief, built once for the brief tests (on the embedded snapshot)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from powerscope.brief.sections import Brief


@pytest.fixture(scope="session")
def kor_brief(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Brief]:
    from powerscope.brief.sections import build_brief
    from powerscope.data.store import SnapshotStore

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POWERSCOPE_HOME", str(tmp_path_factory.mktemp("brief-home")))
        yield build_brief("KOR", runs=2000, seed=1, store=SnapshotStore())


@pytest.fixture(scope="session")
def kor_html(kor_brief: Brief) -> str:
    from powerscope.brief.render import render_html

    return render_html(kor_brief)
