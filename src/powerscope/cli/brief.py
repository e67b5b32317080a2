"""``powerscope brief``: a country brief as one self-contained HTML file and/or a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _size(n: int) -> str:
    """A file size for people: bytes, kB, MB (powers of 1000)."""
    if n < 1000:
        return f"{n:,} bytes"
    value, unit = float(n), "bytes"
    for unit in ("kB", "MB", "GB"):  # noqa: B007 (the unit the loop stops at is the answer)
        value /= 1000
        if value < 1000:
            break
    return f"{value:.1f} {unit}"


def _cpus() -> int:
    """The CPUs this process may run on."""
    import os

    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def brief(
    country: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR.")],
    output: Annotated[
        Path | None,
        typer.Option(help="The HTML file (default: powerscope-brief-CODE.html, unless --pdf)."),
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option(help="Also (or only) print the brief to this PDF (Chromium).")
    ] = None,
    runs: Annotated[
        int, typer.Option(help="Monte Carlo runs of the rank-uncertainty analyses.")
    ] = 2000,
    fresh: Annotated[
        bool,
        typer.Option(
            help="Build every section anew instead of reading the ones powerscope kept from an "
            "earlier brief of this country with the same data, code and runs."
        ),
    ] = False,
) -> None:
    """A country brief: technology, military strength, arms exports, alignment, claims checked,
    every figure cited; self-contained HTML that opens offline, or a PDF."""
    import contextlib
    import time

    from powerscope.brief.render import render_html
    from powerscope.brief.sections import build_brief, country_code
    from powerscope.files import write_atomic

    start = time.perf_counter()
    code = country_code(country)  # an unknown country fails here, before any work
    html_path = output
    if html_path is None and pdf is None:
        html_path = Path(f"powerscope-brief-{code}.html")
    browser = None
    if pdf is not None:
        from powerscope.brief.pdf import find_browser

        browser = find_browser()  # a missing browser fails before anything is written
    # two processes build the sections when two CPUs are there to run them
    built = build_brief(code, runs=runs, workers=min(2, _cpus()), cache=not fresh)
    with contextlib.ExitStack() as stack:
        printer = None
        if browser is not None:
            from powerscope.brief.pdf import Printer

            # started before the HTML is rendered, the browser gets ready meanwhile (on the
            # CPU the build no longer uses); it is closed however the command ends
            printer = stack.enter_context(Printer(browser))
        html = render_html(built)
        written: list[tuple[Path, int]] = []
        if pdf is not None:
            from powerscope.brief.pdf import write_pdf

            written.append((pdf, write_pdf(html, pdf, printer=printer)))
    if html_path is not None:
        written.insert(0, (html_path, write_atomic(html_path, html)))
    seconds = time.perf_counter() - start
    for path, size in written:
        typer.echo(f"wrote {path.resolve()} ({_size(size)})")
    typer.echo(
        f"{built.name} ({code}): {len(built.sections)} sections, "
        f"{len(built.sources)} sources, built in {seconds:.1f} s"
    )
