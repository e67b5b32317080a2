"""The CLI names a library parameter by its flag (or positional argument) when it prints an
error."""

from __future__ import annotations

import pytest

from powerscope.cli.errors import flag_of, format_error
from powerscope.dynamics.service import parse_years
from powerscope.errors import PeriodError, PowerscopeError, SpecError


@pytest.mark.parametrize(
    ("parameter", "flag"),
    [("years", "--years"), ("exclude_aggregates", "--exclude-aggregates"), ("codes", "COUNTRIES")],
)
def test_flag_of(parameter: str, flag: str) -> None:
    assert flag_of(parameter) == flag


def test_format_error_names_the_flag_where_the_library_names_the_parameter() -> None:
    error = SpecError("runs must be >= 1, not 0", parameter="runs", fix="e.g. 1000 runs")
    assert error.message == "runs must be >= 1, not 0 (in runs). Fix: e.g. 1000 runs"
    assert format_error(error) == "runs must be >= 1, not 0 (in --runs). Fix: e.g. 1000 runs"


def test_format_error_keeps_where_and_applies_overrides() -> None:
    error = PeriodError("no data", where="calls.csv", parameter="country")
    assert format_error(error) == "no data (in calls.csv, --country)"
    assert format_error(error, {"country": "COUNTRY"}) == "no data (in calls.csv, COUNTRY)"


def test_format_error_without_a_parameter_is_the_message() -> None:
    error = PowerscopeError("token file not found", where="t.txt", fix="check the path")
    assert format_error(error) == error.message


def test_a_flag_given_to_the_library_names_the_parameter() -> None:
    with pytest.raises(PeriodError) as info:
        parse_years("2030-2020", "--fit")
    assert info.value.parameter == "fit"
    assert "(in --fit)" in format_error(info.value)
