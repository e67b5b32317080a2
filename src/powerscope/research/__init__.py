"""Research output by country and field: S&E articles (NSF NCSES, Science and Engineering
Indicators 2024; source data Elsevier Scopus), world shares, ranks, growth, AI-related articles,
and a field-by-field comparison of two countries."""

from powerscope.research.articles import (
    AI_FIELD,
    ALL_FIELDS,
    COUNT_TYPES,
    DATASET,
    FIRST_YEAR,
    LAST_YEAR,
    Articles,
    ai_articles,
    articles,
    cagr,
    fields,
    resolve_field,
)
from powerscope.research.comparison import FieldComparison, compare_fields

__all__ = [
    "AI_FIELD",
    "ALL_FIELDS",
    "COUNT_TYPES",
    "DATASET",
    "FIRST_YEAR",
    "LAST_YEAR",
    "Articles",
    "FieldComparison",
    "ai_articles",
    "articles",
    "cagr",
    "compare_fields",
    "fields",
    "resolve_field",
]
