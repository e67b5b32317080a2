"""Researcher migration ("talent flows"): who moves in and out of a country's research system,
from the MPIDR Scholarly Migration Database (:mod:`powerscope.talent.migration`)."""

from powerscope.talent.migration import (
    COMPARED,
    COUNTRY_RELEASES,
    DEFAULT_RELEASE,
    RELEASES,
    SourceComparison,
    TalentFlows,
    compare_sources,
    main_partners,
    migration,
    net_migration,
    partner_flows,
    peer_rows,
    rate_summary,
    researcher_population,
    talent_flows,
)

__all__ = [
    "COMPARED",
    "COUNTRY_RELEASES",
    "DEFAULT_RELEASE",
    "RELEASES",
    "SourceComparison",
    "TalentFlows",
    "compare_sources",
    "main_partners",
    "migration",
    "net_migration",
    "partner_flows",
    "peer_rows",
    "rate_summary",
    "researcher_population",
    "talent_flows",
]
