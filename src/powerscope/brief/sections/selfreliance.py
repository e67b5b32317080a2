"""Self-reliance: the talent, research and industry behind a country's science & technology,
economy and defence loop, as one section of three parts (talent flows, research output,
defence industry), each built by its own module."""

from __future__ import annotations

from collections.abc import Callable

from powerscope.brief.sections.context import BriefContext
from powerscope.brief.sections.industry import industry_part
from powerscope.brief.sections.model import Section
from powerscope.brief.sections.research import research_part
from powerscope.brief.sections.talent import talent_part

#: The parts of the section, in order; each takes the brief's context and returns a Section.
PARTS: list[Callable[[BriefContext], Section]] = [talent_part, research_part, industry_part]


def selfreliance_section(ctx: BriefContext) -> Section:
    """The "Self-reliance" section: one part per builder of :data:`PARTS`."""
    section = Section("selfreliance", "Self-reliance")
    section.parts = [part(ctx) for part in PARTS]
    section.data = {part.id: part.data for part in section.parts}
    return section
