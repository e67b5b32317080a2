"""The exceptions powerscope raises for bad input.

Every error says *what* is wrong, *where* (file, row, column, node), *which parameter* of the
call it concerns, and *how to fix it*. Each class is one kind of failure, so that a shell can
answer by type: the CLI turns any :class:`PowerscopeError` into one clear line on stderr and a
non-zero exit (naming the parameter's ``--flag``); the web API answers each class with its HTTP
status (404 for :class:`NotFoundError`, 422 for invalid input, ...) and names the parameter in
its JSON body.

Parameters are named as the library's functions name them (``years``, ``weights``, ``period``),
never as a command-line flag or an HTTP field: each shell maps the name to its own spelling.
"""

from __future__ import annotations

from collections.abc import Sequence


class PowerscopeError(Exception):
    """Base class of every error powerscope raises on purpose.

    Parameters
    ----------
    what:
        What is wrong, in the user's terms.
    where:
        Where it is: a file path, optionally with row/column, or a node of an index tree.
    fix:
        How to fix it.
    parameter:
        The library parameter the error concerns (e.g. ``"years"``, ``"weights"``), if any.
    """

    exit_code = 2

    def __init__(
        self,
        what: str,
        *,
        where: str | None = None,
        fix: str | None = None,
        parameter: str | None = None,
    ) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        self.parameter = parameter
        super().__init__(self.message)

    def render(self, parameter: str | None = None) -> str:
        """The message, naming the parameter as ``parameter`` (a shell's spelling of it).

        ``where`` and the parameter are shown when given.
        """
        places = [self.where, (parameter or self.parameter) if self.parameter else None]
        shown = ", ".join(p for p in places if p)
        text = f"{self.what} (in {shown})" if shown else self.what
        if self.fix:
            text += f". Fix: {self.fix}"
        return text

    @property
    def message(self) -> str:
        return self.render()


class DataFormatError(PowerscopeError):
    """A source file is not what its reader expects: a missing column, a non-numeric value, ..."""


def require_columns(
    columns: Sequence[object], required: Sequence[str], where: str, fix: str
) -> None:
    """Raise :class:`DataFormatError` naming the ``required`` columns missing from ``columns``
    (those a table has), what it has instead, ``where`` the table came from and how to ``fix`` it.

    The one check of a table's columns: the file readers and the domains' table inputs use it.
    """
    missing = [column for column in required if column not in columns]
    if missing:
        raise DataFormatError(
            f"missing column(s) {', '.join(map(repr, missing))}; found {list(columns)}",
            where=where,
            fix=fix,
        )


class SpecError(PowerscopeError):
    """Invalid input: an index specification (tree, weights, directions), a scenario, or an
    argument out of its allowed values."""


class WeightsError(SpecError):
    """Weights that are negative, name an unknown node, or do not sum to 1 within a group."""


class NotFoundError(SpecError):
    """A name that designates nothing known: an unknown index or scenario, a country that is
    not in the data asked for."""


class PeriodError(SpecError):
    """A year or period outside the years the data (or the model) cover, or not a period."""


#: another name of :class:`PeriodError`
OutOfRangeError = PeriodError


class UnknownEntityError(PowerscopeError):
    """Names or codes that resolve to no country or known entity.

    Attributes
    ----------
    unresolved:
        Mapping of each unresolved name to its closest known names.
    """

    def __init__(
        self,
        unresolved: dict[str, Sequence[str]],
        *,
        where: str | None = None,
        fix: str | None = None,
        parameter: str | None = None,
    ) -> None:
        self.unresolved = dict(unresolved)
        listed = "; ".join(
            f"{name!r} (closest: {', '.join(close) if close else 'none'})"
            for name, close in self.unresolved.items()
        )
        super().__init__(
            f"{len(self.unresolved)} unresolved country name(s): {listed}",
            where=where,
            fix=fix
            or "correct the spelling, or add an alias in a user aliases file "
            "(POWERSCOPE_ALIASES=path.csv with columns alias,code)",
            parameter=parameter,
        )


class WarehouseError(PowerscopeError):
    """The local warehouse could not be built or read."""
