"""The one weights grammar, weights files, and renormalise applied to a spec's own weights."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from powerscope.errors import WeightsError
from powerscope.index import compute, load_spec
from powerscope.index.weights import RENORMALISE_DEFAULT, parse_weights, read_weights_file


@pytest.mark.parametrize(
    "text",
    ["AI=0.3,Space=0.7", "AI:0.3,Space:0.7", " AI = 0.3 , Space:0.7 ,", "AI:0.3,Space=0.7"],
)
def test_both_separators_read_the_same(text: str) -> None:
    assert parse_weights(text) == {"AI": 0.3, "Space": 0.7}


def test_empty_text_is_no_weights() -> None:
    assert parse_weights(None) == {} and parse_weights(" , ") == {}


def test_node_paths_keep_their_slashes() -> None:
    assert parse_weights("AI/Human Capital=0.4") == {"AI/Human Capital": 0.4}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("AI 0.3", "cannot read weight 'AI 0.3'"),
        ("=0.3", "cannot read weight '=0.3'"),
        ("AI=lots", "weight of 'AI' is not a number: 'lots'"),
        ("AI=0.3,AI:0.4", "node 'AI' is given two weights"),
    ],
)
def test_errors_name_the_parameter_and_the_pair(text: str, words: str) -> None:
    with pytest.raises(WeightsError) as info:
        parse_weights(text, parameter="weights")
    assert words in info.value.what
    assert info.value.parameter == "weights"
    assert info.value.fix


def test_the_error_of_a_bad_pair_explains_the_grammar() -> None:
    with pytest.raises(WeightsError) as info:
        parse_weights("AI 0.3")
    assert info.value.parameter == "weights" and "NODE=WEIGHT" in str(info.value.fix)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("w.yaml", "AI: 0.3\nSpace: 0.7\n"),
        ("w.json", '{"weights": {"AI": 0.3, "Space": 0.7}}'),
        ("w.csv", "node,weight\nAI,0.3\nSpace,0.7\n"),
    ],
)
def test_weights_files(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert read_weights_file(path) == {"AI": 0.3, "Space": 0.7}


def test_a_weights_file_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(WeightsError, match="must map node names"):
        read_weights_file(path)


def test_renormalise_is_off_by_default() -> None:
    assert RENORMALISE_DEFAULT is False


SPEC = """id: lopsided
normalise: none
children:
  - {id: a, weight: 0.7}
  - {id: b, weight: 0.5}
"""
DATA = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 0.0]}, index=["AAA", "BBB"])


def test_renormalise_rescales_a_specs_own_weights(tmp_path: Path) -> None:
    path = tmp_path / "lopsided.yaml"
    path.write_text(SPEC, encoding="utf-8")
    spec = load_spec(path)  # was refused here, before renormalise could be considered
    result = compute(spec, DATA, renormalise=True)
    assert result.method["weights"] == pytest.approx({"a": 0.7 / 1.2, "b": 0.5 / 1.2})
    assert result.score("AAA") == pytest.approx((0.7 * 1 + 0.5 * 3) / 1.2)


def test_a_specs_own_weights_are_still_refused_without_renormalise(tmp_path: Path) -> None:
    path = tmp_path / "lopsided.yaml"
    path.write_text(SPEC, encoding="utf-8")
    with pytest.raises(WeightsError) as info:
        compute(load_spec(path), DATA)
    assert "sum to 1.2, not 1" in info.value.what and info.value.parameter == "weights"
    assert "renormalise=True" in str(info.value.fix)


def test_reweighting_a_compiled_spec_checks_its_own_weights(tmp_path: Path) -> None:
    from powerscope.index import compile_index

    path = tmp_path / "lopsided.yaml"
    path.write_text(SPEC, encoding="utf-8")
    compiled = compile_index(load_spec(path), DATA)
    with pytest.raises(WeightsError, match="sum to 1.2"):
        compiled.weight_vector()
    assert compiled.weight_vector(renormalise=True)[1:] == pytest.approx([0.7 / 1.2, 0.5 / 1.2])
