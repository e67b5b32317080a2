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


FAKE_BROWSER = Path(__file__).parents[1] / "brief" / "fake_chromium.py"


def _stand_ins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in browser (speaking the DevTools pipe, logging to ``tmp_path / "log"``) and a
    tiny brief; returns an empty working folder."""
    import sys

    import powerscope.brief.sections as sections

    fake = tmp_path / "bin" / "chromium"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_BROWSER}" "$@"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("POWERSCOPE_CHROMIUM", str(fake))
    monkeypatch.setenv("FAKE_CHROMIUM_LOG", str(tmp_path / "log"))

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
    return work


def test_pdf_only_and_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a stand-in browser and brief: --pdf alone writes only the PDF; with --output,
    both."""
    work = _stand_ins(tmp_path, monkeypatch)
    result = runner.invoke(app, ["brief", "KOR", "--pdf", "only.pdf", "--runs", "50"])
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(work)) == ["only.pdf"]
    assert (work / "only.pdf").read_bytes() == b"%PDF-1.4 stand-in"
    urls = [line for line in (tmp_path / "log").read_text().splitlines() if "url " in line]
    assert urls and urls[0].startswith("url file://")
    result = runner.invoke(
        app, ["brief", "KOR", "--pdf", "b.pdf", "--output", "b.html", "--runs", "50"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(work)) == ["b.html", "b.pdf", "only.pdf"]
    assert f"wrote {(work / 'b.html').resolve()}" in result.output
    assert f"wrote {(work / 'b.pdf').resolve()}" in result.output


@pytest.mark.parametrize("failure", ["browser", "render"])
def test_a_failure_writes_nothing_and_closes_the_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    """The browser, started while the HTML is rendered, is closed when printing or rendering
    fails; neither file is written."""
    work = _stand_ins(tmp_path, monkeypatch)
    if failure == "browser":
        monkeypatch.setenv("FAKE_CHROMIUM_MODE", "exit")
    else:
        import powerscope.brief.render as render

        def broken(brief: object) -> str:
            raise RuntimeError("rendering failed")

        monkeypatch.setattr(render, "render_html", broken)
    result = runner.invoke(
        app, ["brief", "KOR", "--pdf", "b.pdf", "--output", "b.html", "--runs", "50"]
    )
    assert result.exit_code != 0
    expected = "exited before printing the PDF" if failure == "browser" else "rendering failed"
    assert expected in str(result.exception)
    assert os.listdir(work) == []
    pid = int((tmp_path / "log").read_text().splitlines()[0].split()[1])
    with pytest.raises(ProcessLookupError):  # the browser has exited and been reaped
        os.kill(pid, 0)


def test_the_command_keeps_sections_unless_fresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import powerscope.brief.sections as sections

    asked: list[object] = []
    real = sections.build_brief

    def spy(code: str, **kwargs: object) -> sections.Brief:
        asked.append(kwargs.get("cache"))
        return real(code, **{**kwargs, "sections": [sections.claims_section]})  # type: ignore[arg-type]

    monkeypatch.setattr(sections, "build_brief", spy)
    out = tmp_path / "b.html"
    for extra in ([], ["--fresh"]):
        result = runner.invoke(app, ["brief", "KOR", "--output", str(out), *extra])
        assert result.exit_code == 0, result.output
    assert asked == [True, False]
