"""How the command line names a parameter in an error: ``--years`` for the library's ``years``.

Library errors name parameters as the library does (:attr:`powerscope.errors.PowerscopeError.
parameter`); the CLI prints them with its own spelling::

    error: 2010-2030: years 2010-2030 do not follow the calibration ... (in --years). Fix: ...

Most parameters are options of the same name (``runs`` is ``--runs``, ``exclude_aggregates`` is
``--exclude-aggregates``); the few the CLI takes as positional arguments are shown by their
metavar (:data:`ARGUMENTS`).
"""

from __future__ import annotations

from collections.abc import Mapping

from powerscope.errors import PowerscopeError

__all__ = ["ARGUMENTS", "flag_of", "format_error"]

#: library parameters that commands take as positional arguments, shown as their metavar
ARGUMENTS: dict[str, str] = {"codes": "COUNTRIES", "countries": "COUNTRIES"}
#: library parameters whose option has another name (a panel's years: --from and --to)
OPTIONS: dict[str, str] = {"first": "--from", "last": "--to"}


def flag_of(parameter: str, overrides: Mapping[str, str] | None = None) -> str:
    """The command line's name of a library parameter: an override, a positional argument's
    metavar, else the option ``--parameter`` (underscores as hyphens)."""
    if overrides and parameter in overrides:
        return overrides[parameter]
    if parameter in ARGUMENTS:
        return ARGUMENTS[parameter]
    if parameter in OPTIONS:
        return OPTIONS[parameter]
    return "--" + parameter.replace("_", "-")


def format_error(error: PowerscopeError, overrides: Mapping[str, str] | None = None) -> str:
    """The error as the CLI prints it (after ``error: ``): its message, with the parameter
    named as the command line spells it.

    ``overrides`` maps parameters to other spellings for one command (e.g.
    ``{"country": "COUNTRY"}`` where the country is positional).
    """
    flag = flag_of(error.parameter, overrides) if error.parameter else None
    return error.render(flag)
