"""SIPRI weapon categories for the trade register's free-text weapon descriptions.

SIPRI's Arms Transfers Database sorts major conventional weapons into 12 categories, defined on
its "Sources and methods" page (https://www.sipri.org/databases/armstransfers/sources-and-methods,
section "Coverage"). The trade-register export does not carry the category, only a free-text
"Weapon description" ("FGA aircraft", "SAM system", "anti-ship missile", ...).

**The mapping is powerscope's, not SIPRI's.** SIPRI publishes its category definitions and
per-category TIV tables, but no category per description. powerscope's table
(``categories.csv`` beside this module: ``description,category,note``) assigns each of the 221
descriptions of the 2025-03-13 register to a category from SIPRI's definitions, and was checked
against SIPRI's own per-category TIV (2022 edition, 1950-2021): world totals by category agree
within 0.3 percentage points of share. Points of judgement, each noted in the table:

- Missiles are counted apart from the systems that fire them, as SIPRI does: ``SAM`` and
  ``portable SAM`` (MANPADS) are Missiles, ``SAM system`` is an Air defence system.
- Torpedoes, guided bombs and guided shells are Missiles (SIPRI: "powered, guided missiles and
  torpedoes", "guided bombs and shells"); SIPRI's Anti-submarine warfare weapons are rocket
  launchers and mortars against submarines. SIPRI's 2022 category tables have no
  anti-submarine category and show those launchers under Naval weapons.
- Ship-borne guns and SAM systems are Naval weapons (SIPRI's Air defence systems are land-based).
- ``coastal defence system`` is a Sensor (its missiles are listed apart) and turrets of
  self-propelled guns/mortars are Artillery: both as in SIPRI's 2022 category tables. Other
  turrets and aircraft refuelling systems are Other.

Descriptions not in the table (a later edition's new wording) fall to the ordered keyword rules
of :data:`KEYWORD_RULES`, first match wins; what no rule matches is ``"Other"``.
:func:`unmapped` lists the descriptions that did not come from the table, for a data-quality
report.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import pandas as pd

#: SIPRI's 12 weapon categories, in SIPRI's spelling and order.
CATEGORIES: tuple[str, ...] = (
    "Aircraft",
    "Air defence systems",
    "Anti-submarine warfare weapons",
    "Armoured vehicles",
    "Artillery",
    "Engines",
    "Missiles",
    "Naval weapons",
    "Satellites",
    "Sensors",
    "Ships",
    "Other",
)

OTHER = "Other"
TABLE_FILE = "categories.csv"

#: Keyword rules for descriptions not in the table: ``(regular expression, category)``, tried
#: in order on the normalised (lower-case, single-spaced) description; the first match wins.
#: The order settles compounds: "anti-aircraft gun" is Air defence before "aircraft" is
#: Aircraft, "naval gun" Naval weapons before "gun" is Artillery, "missile boat" a Ship before
#: "missile" is a Missile, "ASW helicopter" Aircraft, "ASW MRL" an anti-submarine weapon.
KEYWORD_RULES: tuple[tuple[str, str], ...] = (
    (r"satellite", "Satellites"),
    (r"\bengines?\b|turbofan|turbojet|turboprop|turboshaft|gas turbine|reactor", "Engines"),
    (r"refuel", "Other"),
    (
        r"(?<!anti-)radar|sonar|\beo\b|electro-optic|infrared search"
        r"|(search|surveillance|recce|reconnaissance|intelligence|sigint|elint) system"
        r"|coastal defen[cs]e system",
        "Sensors",
    ),
    (
        r"\bnaval (gun|cannon|sam|mrl|multiple rocket launcher|rocket launcher|air[- ]defen[cs]e"
        r"|weapon)|\bciws\b|close-in weapon",
        "Naval weapons",
    ),
    (
        r"(anti-submarine|\basw\b)[ /-]*(multiple rocket launcher|rocket launcher|\bmrl\b|mortar"
        r"|depth charge|weapon)|depth charge",
        "Anti-submarine warfare weapons",
    ),
    (r"(anti-aircraft|air[- ]defen[cs]e|\baa gun).*turret", "Air defence systems"),
    (r"(self-propelled gun|howitzer|mortar).*turret", "Artillery"),
    (r"turret", "Other"),
    (
        r"anti-aircraft|air[- ]defen[cs]e|\bad system|\baa gun|\bspaag\b"
        r"|\b(sam|abm) (system|launcher|battery)",
        "Air defence systems",
    ),
    (r"(aircraft|helicopter) carrier", "Ships"),
    (r"loitering munition|one-way attack", "Missiles"),
    (r"aircraft|helicopter|airship|\buav\b|\bucav\b|\buas\b|\bdrone\b", "Aircraft"),
    (
        r"(?<!anti-)\bsubmarine\b(?!-launched)|frigate|corvette|(?<!tank )destroyer|cruiser"
        r"|\bboat\b|gunboat|(?<![-/])\bships?\b|\bcraft\b|\bvessel\b|minesweeper|minehunter"
        r"|minelayer|icebreaker|\btug\b|\btanker\b",
        "Ships",
    ),
    (
        r"missile|torpedo|\bsam\b|\babm\b|manpads|\bguided\b(?!.*launcher)"
        r"|\b(asm|aam|ssm|atgm)\b|\brockets?\b(?! launcher)",
        "Missiles",
    ),
    (r"self-propelled (gun|howitzer|mortar)|howitzer", "Artillery"),
    (
        r"\btanks?\b|\bapcs?\b|\bifvs?\b|infantry fighting vehicle|armou?red|\bmrap\b|\bugv\b"
        r"|personnel carrier|reconnaissance vehicle|fire-support vehicle|bridgelayer|chassis",
        "Armoured vehicles",
    ),
    (r"\bguns?\b|mortar|rocket launcher|\bmrl\b|artillery", "Artillery"),
)

_COMPILED: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), category) for pattern, category in KEYWORD_RULES
)
_SPACES = re.compile(r"\s+")


def _normalise(description: str) -> str:
    """Lower-case, single spaces, no space around ``/`` ("light /trainer" -> "light/trainer")."""
    text = _SPACES.sub(" ", description).strip().lower()
    return text.replace(" /", "/").replace("/ ", "/")


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """The shipped table, keyed by normalised description.

    Raises ``ValueError`` if the table names a category outside :data:`CATEGORIES` or maps two
    spellings of one description to different categories (a packaging error, not a user error).
    """
    text = resources.files("powerscope.arms").joinpath(TABLE_FILE).read_text(encoding="utf-8")
    mapping: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        description, category = row["description"], row["category"]
        if category not in CATEGORIES:
            raise ValueError(f"{TABLE_FILE}: unknown category {category!r} for {description!r}")
        key = _normalise(description)
        if mapping.setdefault(key, category) != category:
            raise ValueError(f"{TABLE_FILE}: {description!r} mapped to two categories")
    return mapping


def table() -> pd.DataFrame:
    """The shipped mapping as a frame: ``description, category, note`` (SIPRI's spelling)."""
    text = resources.files("powerscope.arms").joinpath(TABLE_FILE).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _keyword_category(key: str) -> str:
    for pattern, category in _COMPILED:
        if pattern.search(key):
            return category
    return OTHER


def category_of(description: str) -> str:
    """SIPRI category of a weapon description: the table first, then :data:`KEYWORD_RULES`.

    Matching is case-insensitive and ignores extra whitespace. A description no rule matches,
    and anything that is not a string, is ``"Other"``; this never raises.

    >>> category_of("naval gun"), category_of("SAM system"), category_of("ASW MRL")
    ('Naval weapons', 'Air defence systems', 'Anti-submarine warfare weapons')
    """
    if not isinstance(description, str):
        return OTHER
    key = _normalise(description)
    found = _table().get(key)
    return found if found is not None else _keyword_category(key)


def categorise(descriptions: pd.Series) -> pd.Series:
    """Vectorised :func:`category_of`: each distinct description is classified once.

    Returns a ``string`` series with the input's index, named ``category``; missing values are
    ``"Other"``.
    """
    series = pd.Series(descriptions)
    uniques = pd.unique(series.dropna())
    lookup = {value: category_of(value) for value in uniques}
    result = series.map(lookup).fillna(OTHER).astype("string")
    result.name = "category"
    return result


def unmapped(descriptions: Iterable[str] | pd.Series) -> list[str]:
    """Distinct descriptions not found in the table, sorted (they went to the keyword rules or
    to ``"Other"``); missing values are skipped. An empty list means every description is in
    powerscope's table."""
    known = _table()
    values = descriptions if isinstance(descriptions, pd.Series) else pd.Series(list(descriptions))
    seen = {value for value in pd.unique(values.dropna()) if isinstance(value, str)}
    return sorted(value for value in seen if _normalise(value) not in known)


__all__ = ["CATEGORIES", "KEYWORD_RULES", "categorise", "category_of", "table", "unmapped"]
