"""`powerscope claims check`: every claim with its statement, verdict, computed value and note."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from cli_support import runner

from powerscope.cli.claims import COLUMNS, verdict_records
from powerscope.cli.main import app

EIGHTH = "South Korea was the 8th largest arms exporter in 2022"


def test_json_has_statement_verdict_computed_and_note() -> None:
    result = runner.invoke(app, ["claims", "check", "--format", "json"])
    assert result.exit_code == 0, result.output
    claims = {c["id"]: c for c in json.loads(result.output)["claims"]}
    assert list(claims["gfp-5th"]) == [*COLUMNS, "citations"]
    assert [c["dataset"] for c in claims["gfp-5th"]["citations"]] == ["gfp"]
    eighth = claims["sipri-8th-in-2022"]
    assert eighth["statement"] == EIGHTH
    assert eighth["verdict"] == "differs" and eighth["computed"] == 12.0
    assert "five-year" in eighth["note"]


def test_table_shows_statement_and_note() -> None:
    result = runner.invoke(app, ["claims", "check"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if "statement" in line)
    assert [h.strip() for h in header.strip("┃ ").split("┃")] == list(COLUMNS)
    row = next(line for line in result.output.splitlines() if "sipri-8th-in-2022" in line)
    assert EIGHTH in row and "differs" in row and "12.0" in row
    assert "SIPRI ranks five-year periods" in row


def test_csv_has_every_column() -> None:
    result = runner.invoke(app, ["claims", "check", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert tuple(rows[0]) == COLUMNS
    assert next(r for r in rows if r["id"] == "gfp-5th")["statement"].startswith("South Korea")


@dataclass
class _Bare:
    """A check result that carries neither the statement nor a note."""

    id: str
    verdict: str

    def as_record(self) -> dict[str, Any]:
        return {"id": self.id, "verdict": self.verdict, "computed": 3.0}


def test_statement_and_note_come_from_the_definition_when_the_result_lacks_them() -> None:
    claims = [{"id": "a", "statement": "A is third", "note": "as of 2024", "stated": 3}]
    (record,) = verdict_records(claims, [_Bare("a", "confirmed")])
    assert record["statement"] == "A is third" and record["note"] == "as of 2024"
    assert record["computed"] == 3.0 and record["stated"] is None
