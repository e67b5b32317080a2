"""The exceptions powerscope raises for bad input.

Every error says *what* is wrong, *where* (file, row, column, node) and *how to fix it*. The CLI
turns a :class:`PowerscopeError` into one clear line on stderr and a non-zero exit, never a
traceback.
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
    """

    exit_code = 2

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = [self.what]
        if self.where:
            parts.append(f"(in {self.where})")
        text = " ".join(parts)
        if self.fix:
            text += f". Fix: {self.fix}"
        return text


class DataFormatError(PowerscopeError):
    """A source file is not what its reader expects: a missing column, a non-numeric value, ..."""


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
        )


class SpecError(PowerscopeError):
    """An index specification (tree, weights, directions) is invalid."""


class WeightsError(SpecError):
    """Weights that are negative, name an unknown node, or do not sum to 1 within a group."""


class WarehouseError(PowerscopeError):
    """The local warehouse could not be built or read."""
