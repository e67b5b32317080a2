"""Country briefs: a self-contained HTML (and PDF) report on a country's strategic position.

A brief is built from the library's own service functions, section by section
(:data:`powerscope.brief.sections.SECTIONS`), with every figure citing its dataset::

    from powerscope.brief import build_brief, render_html

    brief = build_brief("KOR")
    html = render_html(brief)

``powerscope brief KOR --output brief.html --pdf brief.pdf`` does the same from the shell.
"""

from powerscope.brief.pdf import BrowserError, Printer, find_browser, html_to_pdf, write_pdf
from powerscope.brief.render import render_html, write_html
from powerscope.brief.sections import (
    SECTIONS,
    Brief,
    BriefContext,
    Chart,
    Fact,
    Note,
    Section,
    SourceEntry,
    Table,
    build_brief,
)

__all__ = [
    "SECTIONS",
    "Brief",
    "BriefContext",
    "BrowserError",
    "Chart",
    "Fact",
    "Note",
    "Printer",
    "Section",
    "SourceEntry",
    "Table",
    "build_brief",
    "find_browser",
    "html_to_pdf",
    "render_html",
    "write_html",
    "write_pdf",
]
