"""Attacks on the command line's file inputs: each bad file is refused with exit code 2 and a
what/where/fix message, never a traceback, a silent repair or a hang."""

from __future__ import annotations

from pathlib import Path

import pytest
from security_support import REFUSALS, bad_file, cli, run

IMETA = """\
Level,iCode,iName,Direction,Weight,Parent,Type
1,x1,X one,1,1,A,Indicator
1,x2,X two,-1,1,A,Indicator
2,A,Group A,1,1,T,Aggregate
3,T,Top,1,1,,Aggregate
"""
IDATA = """\
uCode,uName,x1,x2
AAA,Aland,1,3
BBB,Bland,2,5
CCC,Cland,3,1
"""

KINDS = list(REFUSALS)


@pytest.fixture
def coinr(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "iData.csv").write_text(IDATA, encoding="utf-8")
    (tmp_path / "iMeta.csv").write_text(IMETA, encoding="utf-8")
    return tmp_path / "iData.csv", tmp_path / "iMeta.csv"


def test_a_good_coinr_import_still_works(
    coinr: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = cli(capsys, "index", "import-coinr", *map(str, coinr), "--output",
                    str(tmp_path / "out" / "spec.yaml"))  # fmt: skip
    assert (code, err) == (0, "")
    assert (tmp_path / "out" / "spec.yaml").is_file()


def test_import_coinr_refuses_an_idata_cut_mid_row(
    coinr: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    idata, imeta = coinr
    idata.write_text(IDATA[: IDATA.index("CCC") + len("CCC,Cla")], encoding="utf-8")  # cut
    out = tmp_path / "out" / "spec.yaml"
    code, err = cli(capsys, "index", "import-coinr", str(idata), str(imeta), "--output", str(out))
    assert code == 2
    assert "2 cell(s) where the header has 4: a ragged or truncated row" in err
    assert "iData.csv, line 4" in err and "Fix: give every row one cell per column" in err
    assert not out.exists()  # nothing written, no row filled with missing values


def test_import_coinr_refuses_a_ragged_imeta_row(
    coinr: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    idata, imeta = coinr
    imeta.write_text(IMETA.replace("1,x2,X two,-1,1,A,", "1,x2,X two,-1,1,A,,extra,"))
    code, err = cli(capsys, "index", "import-coinr", str(idata), str(imeta), "--output",
                    str(tmp_path / "spec.yaml"))  # fmt: skip
    assert code == 2 and "9 cell(s) where the header has 7" in err and "line 3" in err


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "fifo"])
def test_import_coinr_refuses_bad_files(
    kind: str, coinr: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, imeta = coinr
    bad = bad_file(tmp_path, kind)
    code, err = cli(capsys, "index", "import-coinr", str(bad), str(imeta), "--output",
                    str(tmp_path / "spec.yaml"))  # fmt: skip
    assert code == 2
    assert err.startswith(f"error: the iData file {REFUSALS[kind]}") and "Fix: " in err
    assert f"(in {bad})" in err and "Traceback" not in err


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "fifo"])
@pytest.mark.parametrize(
    ("args", "what"),
    [
        (("index", "compute", "--spec"), "the index spec file"),
        (("index", "compute", "ceti", "--weights-file"), "the weights file"),
        (("index", "uncertainty", "ceti", "--assumptions"), "the assumptions file"),
        (("index", "analyse"), "the index spec file"),
        (("claims", "check"), "the claims file"),
        (("dynamics", "run", "KOR", "--scenario"), "the scenario file"),
    ],
)
def test_every_file_input_refuses_bad_files(
    kind: str,
    args: tuple[str, ...],
    what: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    suffix = ".csv" if "--weights-file" in args else ".yaml"
    bad = bad_file(tmp_path, kind, "bad" + suffix)
    code, err = cli(capsys, *args, str(bad))
    assert code == 2, err
    assert err.startswith(f"error: {what} {REFUSALS[kind]}") and "Fix: " in err
    assert "Traceback" not in err


def test_weights_csv_with_a_ragged_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    weights = tmp_path / "w.csv"
    weights.write_text("node,weight\nAI,0.5\nSpace\n", encoding="utf-8")
    code, err = cli(capsys, "index", "compute", "ceti", "--weights-file", str(weights))
    assert code == 2 and "1 cell(s) where the header has 2" in err and "w.csv, line 3" in err


def test_a_quote_left_open_is_refused_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    weights = tmp_path / "w.csv"
    weights.write_text('node,weight\nAI,0.5\n"Space,0.', encoding="utf-8")
    code, err = cli(capsys, "index", "compute", "ceti", "--weights-file", str(weights))
    assert code == 2 and "not valid CSV" in err and "w.csv, line" in err


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_fifo_or_dev_zero_never_hangs_the_real_command(kind: str, tmp_path: Path) -> None:
    bad = bad_file(tmp_path, kind, "spec.yaml")
    proc = run("index", "compute", "--spec", str(bad), timeout=60)
    assert proc.returncode == 2
    assert proc.stderr == (
        f"error: the index spec file is not a regular file (a device, FIFO or socket) "
        f"(in {bad}). Fix: give the path of an ordinary file\n"
    )


def test_a_spec_whose_data_file_is_cut_mid_row(
    coinr: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "out" / "spec.yaml"
    assert cli(capsys, "index", "import-coinr", *map(str, coinr), "--output", str(spec))[0] == 0
    (data,) = [p for p in spec.parent.iterdir() if p.name.endswith(".csv")]
    data.write_text(data.read_text(encoding="utf-8").rstrip("\n").rsplit(",", 1)[0] + "\n")
    code, err = cli(capsys, "index", "compute", "--spec", str(spec))
    assert code == 2 and "a ragged or truncated row" in err and f"{data.name}, line" in err


def test_a_token_file_that_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from powerscope.cli.web import read_token
    from powerscope.errors import PowerscopeError

    with pytest.raises(PowerscopeError, match="the token file is a folder"):
        read_token(bad_file(tmp_path, "folder", "token"))


def test_a_bad_aliases_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aliases = bad_file(tmp_path, "dev-zero", "aliases.csv")
    monkeypatch.setenv("POWERSCOPE_ALIASES", str(aliases))
    from powerscope.countries import identity
    from powerscope.errors import DataFormatError

    with pytest.raises(DataFormatError, match="aliases file .* is not a regular file"):
        identity._Registry()


def test_an_output_that_is_a_folder_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = bad_file(tmp_path, "folder", "out")
    code, err = cli(capsys, "index", "compute", "ceti", "--format", "csv", "--output", str(folder))
    assert code == 2
    assert err == (
        f"error: Is a directory (in {folder}). Fix: check the path (a folder where a file is "
        "expected, a missing folder, permissions, free space)\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary left beside it


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("id: x\nchildren: 5\n", "'children' must be a list of nodes"),
        ("id: x\nchildren: [{id: a, direction: up}]\n", "direction 'up' is not +1 or -1"),
        ("id: x\nscale: abc\nchildren: [{id: a}]\n", "'scale' must be numbers"),
        ("id: x\nchildren: [{id: a, aliases: 5}]\n", "'aliases' must be a list of names"),
    ],
)
def test_a_spec_of_the_wrong_shape_is_a_clear_error(
    body: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(body, encoding="utf-8")
    code, err = cli(capsys, "index", "compute", "--spec", str(spec))
    assert code == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "body", "message"),
    [
        (("dynamics", "run", "KOR", "--runs", "10", "--scenario"), "name: x\nuncertain: 5\n",
         "`uncertain` must map parameters to [low, high]"),
        (("index", "uncertainty", "ceti", "--runs", "5", "--assumptions"), "weights: 5\n",
         "an assumption is not of the documented shape"),
        (("index", "uncertainty", "ceti", "--runs", "5", "--assumptions"),
         "weights: [{noise: abc, level: 1}]\n", "an assumption is not of the documented shape"),
    ],
)  # fmt: skip
def test_scenarios_and_assumptions_of_the_wrong_shape(
    args: tuple[str, ...],
    body: str,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "in.yaml"
    path.write_text(body, encoding="utf-8")
    code, err = cli(capsys, *args, str(path))
    assert code == 2 and message in err and "Traceback" not in err
