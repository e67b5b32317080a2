"""powerscope's errors: typed classes, a parameter named as the library names it, and no
domain module that names a command-line flag instead."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

import powerscope
from powerscope.arms.analytics import parse_period
from powerscope.dynamics.service import parse_years
from powerscope.errors import (
    DataFormatError,
    NotFoundError,
    OutOfRangeError,
    PeriodError,
    PowerscopeError,
    SpecError,
    UnknownEntityError,
    WeightsError,
    require_columns,
)
from powerscope.index import load_spec
from powerscope.index.uncertainty import uncertainty
from powerscope.military.measures import rank

SRC = Path(powerscope.__file__).resolve().parent
#: a flag where a parameter should be: where="--years", parameter="--runs", what: str = "--fit"
FLAG = re.compile(r"""(\bwhere|\bparameter|\bwhat)\s*(:\s*str\s*)?=\s*f?["']--""")
#: modules changed with their own redesign (a strict xfail: it fails once they are clean)
NOT_YET: set[str] = set()


def test_the_message_names_where_and_the_parameter() -> None:
    assert SpecError("bad", parameter="runs", fix="e.g. 1000").message == (
        "bad (in runs). Fix: e.g. 1000"
    )
    assert SpecError("bad", where="a.yaml", parameter="runs").message == "bad (in a.yaml, runs)"
    assert SpecError("bad", parameter="runs").render("--runs") == "bad (in --runs)"
    assert PowerscopeError("bad").message == "bad"
    assert PowerscopeError("bad").parameter is None


def test_one_column_check_names_what_is_missing_and_what_is_there() -> None:
    require_columns(["code", "year", "value"], ("code", "year"), "t.csv", "add it")
    with pytest.raises(DataFormatError) as info:
        require_columns(["code", "yr"], ("code", "year", "value"), "t.csv", "rename yr to year")
    error = info.value
    assert "'year', 'value'" in str(error) and "found ['code', 'yr']" in str(error)
    assert error.where == "t.csv" and error.fix == "rename yr to year"


def test_the_classes_keep_their_bases() -> None:
    # callers that catch SpecError still catch the finer classes
    assert issubclass(NotFoundError, SpecError) and issubclass(PeriodError, SpecError)
    assert issubclass(WeightsError, SpecError) and OutOfRangeError is PeriodError
    assert not issubclass(UnknownEntityError, SpecError)
    error = UnknownEntityError({"Narnia": ["NAM"]}, parameter="country")
    assert error.parameter == "country" and "Narnia" in error.what


@pytest.mark.parametrize(
    ("call", "cls", "parameter"),
    [
        (lambda: parse_years("2050-2025"), PeriodError, "years"),
        (lambda: parse_years("soon", "--fit"), PeriodError, "fit"),
        (lambda: parse_period("2021-2017"), PeriodError, "period"),
        (lambda: rank("gfp", 2020), PeriodError, "year"),
        (lambda: rank("milex", 1700), PeriodError, "year"),
        (lambda: rank("strength"), NotFoundError, "measure"),
        (lambda: load_spec("no-such-index"), NotFoundError, None),
        (lambda: uncertainty(None, None, None, runs=0), SpecError, "runs"),  # type: ignore[arg-type]
    ],
)
def test_domain_errors_name_parameters_not_flags(
    call: Callable[[], object], cls: type[PowerscopeError], parameter: str | None
) -> None:
    with pytest.raises(cls) as info:
        call()
    assert info.value.parameter == parameter
    assert "--" not in info.value.message


def _domain_modules() -> list[str]:
    return sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.relative_to(SRC).parts[0] != "cli"  # the CLI names its own flags
    )


@pytest.mark.parametrize(
    "module",
    [
        pytest.param(m, marks=pytest.mark.xfail(strict=True, reason="changed with its module"))
        if m in NOT_YET
        else m
        for m in _domain_modules()
    ],
)
def test_no_domain_error_names_a_cli_flag(module: str) -> None:
    text = (SRC / module).read_text(encoding="utf-8")
    found = [line.strip() for line in text.splitlines() if FLAG.search(line)]
    assert not found, f"{module} names CLI flags: {found}"
