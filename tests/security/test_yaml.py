"""Attacks on the YAML readers: one safe loader for every path, aliases limited."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from security_support import alias_bomb, cli

from powerscope.errors import DataFormatError, SpecError
from powerscope.files import MAX_YAML_ALIASES, MAX_YAML_DEPTH, MAX_YAML_EXPANSION, load_yaml

BOMB_REFUSAL = "the YAML aliases expand to more than 10,000 nodes (an alias bomb?)"


def test_the_bomb_is_small() -> None:
    assert len(alias_bomb().encode()) < 1024


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("index", "compute", "--spec"), "spec.yaml"),
        (("index", "compute", "ceti", "--weights-file"), "weights.yaml"),
        (("index", "uncertainty", "ceti", "--assumptions"), "assumptions.yaml"),
        (("claims", "check"), "claims.yaml"),
        (("dynamics", "run", "KOR", "--scenario"), "scenario.yaml"),
        (("align", "partners", "KOR", "--runs", "0", "--institutions"), "institutions.yaml"),
        (("align", "ties", "KOR", "--regions"), "regions.yaml"),
        (("align", "ties", "KOR", "--institutions"), "institutions.yaml"),
    ],
)
def test_a_1kb_alias_bomb_is_refused_on_every_path(
    args: tuple[str, ...], name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = tmp_path / name
    bomb.write_text(alias_bomb(), encoding="utf-8")
    code, err = cli(capsys, *args, str(bomb))
    assert code == 2
    # the alignment readers name their option too
    flag = f", {args[-1]}" if args[0] == "align" else ""
    assert err == (
        f"error: {BOMB_REFUSAL} (in {bomb}{flag}). Fix: write the repeated nodes out in full\n"
    )


def test_a_few_aliases_are_still_read() -> None:
    text = "base: &b {noise: 0.1, low: 0.5}\nfirst: *b\nsecond: *b\n"
    assert load_yaml(text, "x.yaml") == {
        "base": {"noise": 0.1, "low": 0.5},
        "first": {"noise": 0.1, "low": 0.5},
        "second": {"noise": 0.1, "low": 0.5},
    }


def test_too_many_aliases() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_YAML_ALIASES + 1)) + "]\n"
    with pytest.raises(DataFormatError, match=f"more than {MAX_YAML_ALIASES} YAML aliases"):
        load_yaml(text, "x.yaml")


def test_an_expansion_just_over_the_limit() -> None:
    big = "[" + ", ".join(["0"] * (MAX_YAML_EXPANSION // 2)) + "]"
    with pytest.raises(DataFormatError, match="expand to more than") as info:
        load_yaml(f"a: &a {big}\nb: *a\nc: *a\n", "x.yaml")
    assert info.value.where == "x.yaml"
    assert len(load_yaml(f"a: &a {big}\nb: *a\n", "x.yaml")["b"]) == MAX_YAML_EXPANSION // 2


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(DataFormatError, match=r"the YAML alias \*a refers to itself"):
        load_yaml("a: &a [1, *a]\n", "x.yaml")


def test_deep_nesting_is_refused() -> None:
    text = "[" * (MAX_YAML_DEPTH + 1) + "]" * (MAX_YAML_DEPTH + 1)
    with pytest.raises(SpecError, match=f"nested more than {MAX_YAML_DEPTH} levels"):
        load_yaml(text, "x.yaml", error=SpecError)
    assert load_yaml("[" * 10 + "]" * 10, "x.yaml") == [[[[[[[[[[]]]]]]]]]]


def test_python_tags_are_refused() -> None:
    with pytest.raises(DataFormatError, match="not valid YAML") as info:
        load_yaml("a: !!python/object/apply:os.system ['true']\n", "x.yaml")
    assert info.value.where == "x.yaml, line 1"


def test_uploads_still_refuse_every_alias() -> None:
    from powerscope.web.uploads import parse_spec_upload

    with pytest.raises(SpecError, match="YAML aliases"):
        parse_spec_upload(b"a: &x [1]\nb: *x\n", "up.yaml")


def test_invalid_yaml_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("id: x\nchildren: [unclosed\n", encoding="utf-8")
    code, err = cli(capsys, "index", "compute", "--spec", str(spec))
    assert code == 2 and err.startswith("error: not valid YAML") and f"{spec}, line 3" in err


def test_a_cap_on_mappings_and_lists_counts_them_before_building() -> None:
    text = "a: [" + ", ".join(["{x: 1}"] * 10) + "]\n"  # 12 collections: the root, a, ten
    assert len(load_yaml(text, "x.yaml", max_collections=12)["a"]) == 10
    with pytest.raises(DataFormatError, match="more than 11 mappings and lists"):
        load_yaml(text, "x.yaml", max_collections=11)


@pytest.mark.parametrize("reader", ["institutions", "regions"])
def test_alignment_files_are_read_as_every_user_file(reader: str, tmp_path: Path) -> None:
    from powerscope.alignment.partners import load_institutions
    from powerscope.alignment.ties import load_regions

    load = load_institutions if reader == "institutions" else load_regions
    what = f"{reader} file"
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("x: {name: Bogot\xe1}\n".encode("latin-1"))
    broken = tmp_path / "broken.yaml"
    broken.write_text("x: [unclosed\n", encoding="utf-8")
    cases = [
        (tmp_path / "missing.yaml", f"{what} not found"),
        (tmp_path, f"the {what} is a folder"),
        (fifo, f"the {what} is not a regular file"),  # refused before it is opened: no hang
        (latin, "is not UTF-8 text"),
        (broken, "not valid YAML"),
    ]
    for path, message in cases:
        with pytest.raises(DataFormatError, match=message) as info:
            load(path)
        assert info.value.parameter == reader
        assert str(path) in (info.value.where or "")
    assert "line 2" in _refusal(load, broken).where  # type: ignore[operator]


def _refusal(load: Any, path: Path) -> DataFormatError:
    with pytest.raises(DataFormatError) as info:
        load(path)
    return info.value


def test_the_shipped_alignment_files_are_read_safely(monkeypatch: pytest.MonkeyPatch) -> None:
    from powerscope import files
    from powerscope.alignment.partners import load_institutions
    from powerscope.alignment.ties import load_regions

    read: list[str] = []
    real = files.load_yaml

    def spy(text: str | bytes, where: str, **kwargs: Any) -> Any:
        read.append(where)
        return real(text, where, **kwargs)

    monkeypatch.setattr("powerscope.alignment.partners.load_yaml", spy)
    monkeypatch.setattr("powerscope.alignment.ties.load_yaml", spy)
    assert load_institutions() and load_regions()
    assert read == ["powerscope/alignment/institutions.yaml", "powerscope/alignment/regions.yaml"]
