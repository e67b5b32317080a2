"""``powerscope brief``: writes the HTML (and PDF) where asked, says where; bad input writes
nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from powerscope.cli.main import app
from powerscope.errors import UnknownEntityError

runner = CliRunner()


def test_default_output_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["brief", "South Korea", "--runs", "200"])
    assert result.exit_code == 0, result.output
    target = tmp_path / "powerscope-brief-KOR.html"
    assert target.is_file() and os.listdir(tmp_path) == [target.name]
    assert f"wrote {target.resolve()} (" in result.output and " MB)" in result.output
    html = target.read_text(encoding="utf-8")
    assert "South Korea" in html and "5th of 145" in html
    assert "powerscope index uncertainty ceti --runs 200 --seed 1" in html
    assert "South Korea (KOR): 10 sections" in result.output


def test_unknown_country_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    result = runner.invoke(
        app, ["brief", "Narnia", "--output", str(out), "--pdf", str(tmp_path / "b.pdf")]
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, UnknownEntityError)
    assert os.listdir(tmp_path) == []


def test_missing_browser_fails_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import powerscope.brief.sections as sections

    def must_not_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the brief was built although the PDF cannot be printed")

    monkeypatch.setattr(sections, "build_brief", must_not_build)
    monkeypatch.setenv("POWERSCOPE_CHROMIUM", str(tmp_path / "no-such-browser"))
    out, pdf = tmp_path / "b.html", tmp_path / "b.pdf"
    result = runner.invoke(app, ["brief", "KOR", "--output", str(out), "--pdf", str(pdf)])
    assert result.exit_code != 0
    assert "POWERSCOPE_CHROMIUM" in str(result.exception)
    assert os.listdir(tmp_path) == []


def test_pdf_only_and_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a stand-in browser and brief: --pdf alone writes only the PDF; with --output,
    both."""
    import subprocess
    from collections.abc import Sequence

    import powerscope.brief.pdf as pdf_module

    fake = tmp_path / "bin" / "chromium"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("POWERSCOPE_CHROMIUM", str(fake))
    seen: list[str] = []

    def run(args: Sequence[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
        seen.append(args[-1])
        out = next(a.split("=", 1)[1] for a in args if a.startswith("--print-to-pdf="))
        Path(out).write_bytes(b"%PDF-1.4 stand-in")
        return subprocess.CompletedProcess(list(args), 0, b"", b"")

    monkeypatch.setattr(pdf_module, "_run", run)
    import powerscope.brief.sections as sections

    def tiny(code: str, **kwargs: object) -> sections.Brief:  # the full build is tested above
        return sections.Brief(
            code,
            "South Korea",
            [sections.Section("x", "X")],
            [],
            50,
            1,
            "snapshot",
            "2026-01-01",
            0.0,
        )

    monkeypatch.setattr(sections, "build_brief", tiny)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = runner.invoke(app, ["brief", "KOR", "--pdf", "only.pdf", "--runs", "50"])
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(work)) == ["only.pdf"]
    assert seen and seen[0].startswith("file://")
    result = runner.invoke(
        app, ["brief", "KOR", "--pdf", "b.pdf", "--output", "b.html", "--runs", "50"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(work)) == ["b.html", "b.pdf", "only.pdf"]
    assert f"wrote {(work / 'b.html').resolve()}" in result.output
    assert f"wrote {(work / 'b.pdf').resolve()}" in result.output
