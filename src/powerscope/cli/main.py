"""The ``powerscope`` command line: a thin shell over the library.

This module assembles the command groups (one module each: :mod:`powerscope.cli.index`,
:mod:`powerscope.cli.data`, :mod:`powerscope.cli.claims`, :mod:`powerscope.cli.align`, ...) and
runs them. Heavy libraries (pandas, numpy, duckdb) are imported inside the commands that need
them, so the CLI starts quickly. Every :class:`~powerscope.errors.PowerscopeError` becomes one
line on stderr and exit code 2; nothing is written when a command fails.
"""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer

from powerscope.cli import (
    align,
    arms,
    brief,
    claims,
    country,
    data,
    demography,
    dynamics,
    index,
    military,
    research,
    talent,
    web,
)
from powerscope.errors import PowerscopeError

app = typer.Typer(
    name="powerscope",
    help="Measure national power and alignment between countries, transparently.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(index.app, name="index")
app.add_typer(data.app, name="data")
app.add_typer(claims.app, name="claims")
app.add_typer(align.app, name="align")
app.add_typer(arms.app, name="arms")
app.add_typer(military.app, name="military")
app.add_typer(dynamics.app, name="dynamics")
app.command("brief")(brief.brief)
app.command("serve")(web.serve)
app.command("country")(country.country)
app.command("demography")(demography.demography)
app.command("research")(research.research)
app.command("talent")(talent.talent)


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        from powerscope import __version__

        typer.echo(f"powerscope {__version__}")
        raise typer.Exit()


def handle_error(exc: Exception) -> int:
    """Tell the user why a command stopped and return the exit code; re-raise anything else.

    A :class:`~powerscope.errors.PowerscopeError` is one line on stderr (exit code 2), and so
    is a file the system refused to read or write (an :class:`OSError` naming its file: a folder
    where a file was expected, a missing folder, no permission, a full disk); a usage error (an
    unknown option, a missing argument) is click's message (exit code 2).
    """
    if isinstance(exc, PowerscopeError):
        from powerscope.cli.errors import format_error

        sys.stderr.write(f"error: {format_error(exc)}\n")
        return exc.exit_code
    if isinstance(exc, OSError) and exc.filename is not None:
        from powerscope.files import shown_path

        name = exc.filename2 if exc.filename2 is not None else exc.filename
        sys.stderr.write(
            f"error: {exc.strerror or exc} (in {shown_path(str(name))}). Fix: check the path "
            "(a folder where a file is expected, a missing folder, permissions, free space)\n"
        )
        return 2
    if isinstance(exc, typer.Exit):
        return exc.exit_code
    if isinstance(exc, typer.Abort):
        sys.stderr.write("aborted\n")
        return 1
    import click

    # typer >= 0.20 raises the usage errors of the click it bundles, not click's own
    usage = (click.ClickException, getattr(typer, "TyperException", click.ClickException))
    if isinstance(exc, usage) and hasattr(exc, "show"):
        exc.show()
        return int(getattr(exc, "exit_code", 2))
    raise exc


def _exit(code: int) -> NoReturn:
    """End the process with ``code`` once Python's own clean-up has run.

    Python's exit handlers run and the output is flushed, then the process ends without the
    C++ static destructors of the native libraries: Arrow's thread pool, torn down at exit while
    a worker is still alive, aborts the process now and then ("terminate called without an
    active exception", exit code 134, about 3 runs in 100 here; apache/arrow#34314).
    """
    import atexit
    import contextlib
    import os

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe or stream: nothing left to write
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main() -> None:
    """Entry point: run the CLI, turning powerscope errors into one line and exit code 2."""
    try:
        result = app(standalone_mode=False)
    except SystemExit as exc:  # sys.exit in a command or a library it calls
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:
        code = handle_error(exc)
    else:  # click returns the code of a typer.Exit raised by a command
        code = result if isinstance(result, int) and not isinstance(result, bool) else 0
    _exit(code)


if __name__ == "__main__":
    main()
