"""Named derivers: a spec names a registered function, never an import path."""

from __future__ import annotations

from dataclasses import replace

import pytest

from powerscope.data.store import SnapshotStore
from powerscope.errors import SpecError
from powerscope.index import load_spec
from powerscope.index.data import index_data
from powerscope.index.derive import deriver, derivers, get_deriver
from powerscope.military.indicators import open_index_data


def test_the_military_deriver_is_registered_by_name() -> None:
    assert get_deriver("military_open") is open_index_data
    assert load_spec("military").extra["derive"] == "military_open"


@pytest.mark.parametrize(
    "name", ["no_such_deriver", "powerscope.military.indicators:open_index_data"]
)
def test_an_unknown_deriver_names_the_known_ones(name: str) -> None:
    spec = load_spec("military")
    spec = replace(spec, extra={**spec.extra, "derive": name})
    with pytest.raises(SpecError) as info:
        index_data(spec, SnapshotStore())
    assert f"unknown deriver {name!r}" in info.value.what
    assert "military_open" in str(info.value.fix)
    assert info.value.where == "index military: derive"


def test_a_name_cannot_be_registered_twice() -> None:
    @deriver("test_only")
    def first(store: object) -> None:
        return None

    assert derivers()["test_only"] is first
    with pytest.raises(SpecError, match="two derivers are named 'test_only'"):
        deriver("test_only")(lambda store: None)
