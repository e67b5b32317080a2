"""The claim checker: the debate's claims, each verdict with its computed value and edition."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from powerscope.claims import check_claims, load_claims
from powerscope.cli.main import app
from powerscope.errors import DataFormatError


@pytest.fixture(scope="module")
def verdicts():  # type: ignore[no-untyped-def]
    return {v.id: v for v in check_claims(load_claims())}


def test_shipped_claims_verdicts(verdicts) -> None:  # type: ignore[no-untyped-def]
    assert verdicts["gfp-5th"].verdict == "confirmed"
    assert verdicts["sipri-share-2017-21"].verdict == "confirmed"
    assert verdicts["sipri-change-2022-edition"].computed == 177.0
    assert verdicts["ceti-semiconductors-5th"].verdict == "confirmed"
    assert verdicts["ceti-below-china"].verdict == "confirmed"


def test_claims_that_differ_say_by_how_much_and_in_which_edition(verdicts) -> None:  # type: ignore[no-untyped-def]
    space = verdicts["ceti-space-9-12"]
    assert (space.verdict, space.computed) == ("differs", 13.0)
    later = verdicts["sipri-change-2025-edition"]
    assert later.verdict == "differs" and later.computed > 177 and "2025" in str(later.edition)
    single_year = verdicts["sipri-8th-in-2022"]
    assert single_year.verdict == "differs" and "five-year periods" in single_year.note


def test_a_claim_that_cannot_be_computed_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(
        "- {id: a, statement: Korea has the best chefs, check: {measure: chef_rank, country: KOR}, stated: 1}\n"
        "- {id: b, statement: Wakanda is 1st, check: {measure: gfp_rank, country: Wakanda}, stated: 1}\n"
    )
    result = check_claims(load_claims(path))
    assert [v.verdict for v in result] == ["cannot check", "cannot check"]
    assert "chef_rank" in result[0].note and "Wakanda" in result[1].note


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{id: a}", "a list of claims"),
        ("- {id: a, statement: s}", "claim lacks"),
        (
            "- {id: a, statement: s, check: {}, stated: 1}\n- {id: a, statement: t, check: {}, stated: 2}",
            "duplicate claim id",
        ),
        ("- [unclosed", "not valid YAML"),
    ],
)
def test_bad_claims_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(text)
    with pytest.raises(DataFormatError, match=message):
        load_claims(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- {id: a, statement: s, check: {measure: gfp_rank, country: KOR}, stated: 5, tolerence: 1}",
            r"claim 'a' has unknown key\(s\) tolerence.*a claim's keys are id, statement, check, "
            "stated, tolerance, note",
        ),
        (
            "- {id: b, statement: s, check: {measure: arms_share, country: KOR, periode: 2017-2021}, stated: 2.8}",
            r"claim 'b': the check of measure arms_share has unknown key\(s\) periode.*"
            "its keys are measure, country, period, edition",
        ),
    ],
)
def test_unknown_keys_are_errors_naming_key_claim_and_allowed_keys(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(text)
    with pytest.raises(DataFormatError, match=message):
        load_claims(path)


def test_a_ceti_rank_says_whether_europe_was_counted_and_a_claim_may_choose(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(
        "- {id: counted, statement: s, check: {measure: ceti_rank, country: KOR, level: AI}, stated: 9}\n"
        "- {id: left-out, statement: s, check: {measure: ceti_rank, country: KOR, level: AI,"
        " exclude_aggregates: true}, stated: 8}\n"
    )
    counted, left_out = check_claims(load_claims(path))
    assert (counted.verdict, counted.computed) == ("confirmed", 9.0)
    assert "Europe aggregate counted" in counted.note
    assert (left_out.verdict, left_out.computed) == ("confirmed", 8.0)
    assert "without CETI's Europe aggregate" in left_out.note


def test_military_spending_and_cinc_claims(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(
        "- {id: m, statement: s, check: {measure: milex_rank, country: KOR}, stated: 11}\n"
        "- {id: u, statement: s, check: {measure: milex_usd, country: KOR, year: 2024}, stated: 48500,"
        " tolerance: 100}\n"
        "- {id: c, statement: s, check: {measure: cinc_rank, country: South Korea}, stated: 8}\n"
        "- {id: y, statement: s, check: {measure: cinc, country: KOR, year: 2030}, stated: 0.02}\n"
    )
    m, u, c, y = check_claims(load_claims(path))
    assert (m.verdict, m.computed) == ("confirmed", 11.0) and "data year 2024" in m.note
    assert m.citations[0].dataset == "sipri_milex"
    assert u.verdict == "confirmed" and u.computed == pytest.approx(48473.5)
    assert (c.verdict, c.computed, c.edition) == (
        "confirmed",
        8.0,
        "COW National Material Capabilities 7.0",
    )
    assert "data year 2022" in c.note
    assert y.verdict == "cannot check" and "1816 to 2022" in y.note


def test_cli_json_fields() -> None:
    result = CliRunner().invoke(app, ["claims", "check", "--format", "json"])
    assert result.exit_code == 0, result.output
    claims = json.loads(result.output)["claims"]
    assert {"id", "statement", "verdict", "stated", "computed", "edition"} <= set(claims[0])
    assert {c["verdict"] for c in claims} == {"confirmed", "differs"}


def test_cli_bad_file_exit_2(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "powerscope.cli.main", "claims", "check", str(tmp_path / "none.yaml")],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 2 and "claims file not found" in proc.stderr


def test_claims_checked_on_a_given_store() -> None:
    from powerscope.claims import check_claims, load_claims
    from powerscope.data.store import SnapshotStore

    verdicts = check_claims(load_claims(), SnapshotStore())
    assert len(verdicts) == 14
    assert sum(v.verdict == "confirmed" for v in verdicts) == 11
