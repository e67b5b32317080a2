"""One country identity for every source.

Every name or code a publisher uses ("Korea, Rep.", "South Korea", "Korea, South", "KR", "KOR",
COW code 732) resolves to one powerscope code: the ISO 3166-1 alpha-3 code for a country, and an
explicit code for everything that is not one:

- ``aggregate``: statistical groups (World Bank ``WLD``, ``EUU``...; the CETI's ``EUROPE``);
- ``historical``: states that no longer exist (``SUN`` Soviet Union, ``DDR``, ``YUG``, ``CSK``,
  ``YMD``, ``RVN``...), each with its successor where there is one;
- ``non_state``: SIPRI's non-state actors (names marked ``*``), coded ``NSA-<group>-<ISO3>``
  (``NSA-<name>`` when the bracket names no single country);
- ``organisation``: international organisations acting as a party (SIPRI's ``**``), ``ORG-...``;
- ``territory`` and ``unknown`` for the few remaining cases.

Countries come from country_converter (its ISO3, ISO2, names and matching regular expressions);
the non-country entities and a handful of aliases it does not know live in ``entities.csv`` and
``aliases.csv`` beside this module. A user adds aliases with ``POWERSCOPE_ALIASES=path.csv``
(columns ``alias,code``). A name that cannot be resolved is never dropped: it raises
:class:`~powerscope.errors.UnknownEntityError` naming every unresolved value, where it came from
and the closest known names.

West Germany resolves to ``DEU`` and North Yemen to ``YEM``: ISO 3166 assigned those codes to the
Federal Republic of Germany and the Yemen Arab Republic, and the unified states continued them.
"""

from __future__ import annotations

import csv
import difflib
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from powerscope.errors import UnknownEntityError

if TYPE_CHECKING:
    import pandas as pd

Kind = Literal[
    "country", "aggregate", "historical", "non_state", "organisation", "territory", "unknown"
]
Scheme = Literal["auto", "name", "iso2", "iso3", "cow"]

#: COW state codes where the Gleditsch-Ward code that country_converter carries differs from the
#: Correlates of War code (COW State System Membership v2016), or is missing for a micro-state.
COW_OVERRIDES: dict[int, str] = {
    255: "DEU",  # COW Germany (to 1945, and unified Germany from 1990)
    260: "DEU",  # COW German Federal Republic 1955-1990 (ISO DEU)
    265: "DDR",
    315: "CSK",
    316: "CZE",
    317: "SVK",
    345: "SRB",  # COW keeps one code for Serbia / Yugoslavia / Serbia and Montenegro / Serbia
    347: "XKX",
    678: "YEM",  # Yemen Arab Republic (ISO YEM)
    679: "YEM",
    680: "YMD",
    730: "KOREA-1910",
    816: "VNM",
    817: "RVN",
    511: "ZAN",
    31: "BHS",
    54: "DMA",
    55: "GRD",
    56: "LCA",
    57: "VCT",
    58: "ATG",
    60: "KNA",
    221: "MCO",
    223: "LIE",
    232: "AND",
    331: "SMR",
    403: "STP",
    591: "SYC",
    835: "BRN",
    935: "VUT",
    946: "KIR",
    947: "TUV",
    955: "TON",
    970: "NRU",
    983: "MHL",
    986: "PLW",
    987: "FSM",
    990: "WSM",
    626: "SSD",
    860: "TLS",
}


@dataclass(frozen=True)
class Entity:
    """A country or other party that a source names.

    Attributes
    ----------
    code:
        powerscope code: ISO3 for a country, otherwise the codes described in the module doc.
    name:
        Short English name.
    kind:
        ``country``, ``aggregate``, ``historical``, ``non_state``, ``organisation``,
        ``territory`` or ``unknown``.
    iso2, cow:
        ISO 3166-1 alpha-2 and Correlates of War codes, where they exist.
    successor:
        For historical states, the code of the state that continued it.
    """

    code: str
    name: str
    kind: Kind
    iso2: str | None = None
    cow: int | None = None
    successor: str | None = None

    @property
    def is_country(self) -> bool:
        """True for present-day sovereign countries and territories with an ISO code."""
        return self.kind == "country"

    @property
    def is_aggregate(self) -> bool:
        """True for every entity that is not a single state (aggregates, organisations...)."""
        return self.kind in ("aggregate", "organisation", "unknown")


def _norm(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for a name."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"[^a-z0-9*]+", " ", text)
    return " ".join(text.split())


def _slug(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", _norm(text).upper()).strip("-")


#: the columns of country_converter's table the registry reads
_CONVERTER_COLUMNS = ("ISO3", "GWcode", "ISO2", "name_short", "name_official", "continent",
                      "UNregion", "UNmember")  # fmt: skip


def _country_converter() -> Any:
    logging.getLogger("country_converter").setLevel(logging.CRITICAL)
    import country_converter as coco

    return coco.CountryConverter()


def _plain(value: Any) -> Any:
    """A table cell as JSON holds it: numpy numbers as Python's, NaN and NA as None."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    return value.item() if hasattr(value, "item") else value


def _converter_rows() -> list[dict[str, Any]]:
    """country_converter's countries (the columns the registry reads), kept in powerscope's
    cache (:mod:`powerscope.cache`, keyed by this module and the package's version): loading
    the package and its table takes about half a second, reading them back milliseconds."""
    from pathlib import Path

    from powerscope import cache

    key = cache.key_of(cache.code_digest((Path(__file__),), ("country_converter",)))
    found = cache.read("countries", key)
    if isinstance(found, list) and found and all(isinstance(r, dict) for r in found):
        return found
    data = _country_converter().data
    rows = [
        {c: _plain(getattr(r, c, None)) for c in _CONVERTER_COLUMNS}
        for r in data.itertuples(index=False)
    ]
    cache.write("countries", key, rows)
    return rows


class _Registry:
    """All known entities and the keys that resolve to them. Built once, on first use."""

    def __init__(self) -> None:
        self._converter: Any = None
        self.entities: dict[str, Entity] = {}
        self.by_name: dict[str, str] = {}
        self.by_iso2: dict[str, str] = {}
        self.by_cow: dict[int, str] = {}
        self.regions: dict[str, dict[str, str]] = {"continent": {}, "un_region": {}}
        #: UN member states (country_converter's ``UNmember``)
        self.un_members: list[str] = []
        for row in _converter_rows():
            code = str(row["ISO3"])
            gw = row["GWcode"]
            cow = int(gw) if isinstance(gw, int | float) and gw == gw else None
            # country_converter keeps a few ISO2 values as patterns ("^GB$|^UK$", "^GR$|^EL$")
            iso2s = re.findall(r"[A-Z]{2}", str(row["ISO2"])) if row["ISO2"] else []
            iso2 = iso2s[0] if iso2s else None
            self.entities[code] = Entity(code, str(row["name_short"]), "country", iso2, cow)
            self.regions["continent"][code] = str(row["continent"])
            self.regions["un_region"][code] = str(row["UNregion"])
            if row.get("UNmember") is not None:
                self.un_members.append(code)
            self.by_name[_norm(str(row["name_short"]))] = code
            self.by_name[_norm(str(row["name_official"]))] = code
            self.by_name[_norm(code)] = code
            for alpha2 in iso2s:
                self.by_iso2[alpha2] = code
            if cow is not None:
                self.by_cow.setdefault(cow, code)
        with resources.files(__package__).joinpath("entities.csv").open(encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                cow = int(rec["cow"]) if rec["cow"] else None
                entity = Entity(
                    rec["code"],
                    rec["name"],
                    rec["kind"],  # type: ignore[arg-type]
                    rec["iso2"] or None,
                    cow,
                    rec["successor"] or None,
                )
                self.entities[entity.code] = entity
                self.by_name[_norm(entity.code)] = entity.code
                self.by_name[_norm(entity.name)] = entity.code
                for alias in filter(None, rec["aliases"].split("|")):
                    self.by_name[_norm(alias)] = entity.code
                if entity.iso2:
                    self.by_iso2[entity.iso2] = entity.code
                if cow is not None:
                    self.by_cow[cow] = entity.code
        for cow_code, code in COW_OVERRIDES.items():
            self.by_cow[cow_code] = code
        # Fix the COW code of countries whose GW code differs, so Entity.cow is the COW code.
        for cow_code, code in COW_OVERRIDES.items():
            ent = self.entities.get(code)
            if ent is not None and ent.kind == "country":
                self.entities[code] = Entity(ent.code, ent.name, ent.kind, ent.iso2, cow_code)
        with resources.files(__package__).joinpath("aliases.csv").open(encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                self.by_name[_norm(rec["alias"])] = rec["code"]
        self._load_user_aliases()

    def _load_user_aliases(self) -> None:
        path = os.environ.get("POWERSCOPE_ALIASES")
        if not path:
            return
        from powerscope.errors import DataFormatError
        from powerscope.files import read_csv_rows

        _, header, rows = read_csv_rows(path, "aliases file (POWERSCOPE_ALIASES)", where=path)
        columns = [c.strip() for c in header]
        if not {"alias", "code"} <= set(columns):
            raise DataFormatError(
                "aliases file lacks the columns 'alias' and 'code'",
                where=path,
                fix="write a CSV with a header line 'alias,code'",
            )
        alias_col, code_col = columns.index("alias"), columns.index("code")
        for line, row in enumerate(rows, start=2):
            if row[code_col] not in self.entities:
                raise DataFormatError(
                    f"alias {row[alias_col]!r} points to unknown code {row[code_col]!r}",
                    where=f"{path} line {line}",
                    fix="use an ISO3 code or a powerscope entity code",
                )
            self.by_name[_norm(row[alias_col])] = row[code_col]

    # -- resolution of one value ------------------------------------------------------------
    def resolve_one(self, value: object, scheme: Scheme) -> str | None:
        if value is None or (isinstance(value, float) and value != value):
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            if scheme in ("auto", "cow") and float(value).is_integer():
                return self.by_cow.get(int(value))
            return None
        text = str(value).strip()
        if not text:
            return None
        if scheme == "cow" or (scheme == "auto" and text.isdigit()):
            return self.by_cow.get(int(text)) if text.isdigit() else None
        if scheme == "iso2":
            return self.by_iso2.get(text.upper())
        if scheme == "iso3":
            code = text.upper()
            return code if code in self.entities else None
        if scheme == "auto" and len(text) == 2 and text.isupper() and text in self.by_iso2:
            return self.by_iso2[text]
        if scheme == "auto" and len(text) == 3 and text.isupper() and text in self.entities:
            return text
        key = _norm(text)
        if key in self.by_name:
            return self.by_name[key]
        if text.endswith("**"):
            return None  # organisations must be listed in entities.csv
        if text.endswith("*"):
            return self._non_state(text)
        return self._regex(text)

    def _non_state(self, text: str) -> str:
        """SIPRI's ``Group (Country)*``: coded by the group and the country's ISO3 when the
        bracket names one country, so that a country's renaming ("Turkey", "Turkiye") does not
        split one group in two; otherwise by the whole name."""
        name = text.rstrip("*").strip()
        code = "NSA-" + _slug(name)
        match = re.fullmatch(r"(.+?)\s*\(([^()/]+)\)", name)
        if match:
            country = self.by_name.get(_norm(match.group(2))) or self._regex(match.group(2))
            if country and self.entities[country].kind == "country":
                code = f"NSA-{_slug(match.group(1))}-{country}"
        if code not in self.entities:
            self.entities[code] = Entity(code, name, "non_state")
        return code

    @property
    def _cc(self) -> Any:
        """country_converter's converter, loaded when a name needs its regular expressions."""
        if self._converter is None:
            self._converter = _country_converter()
        return self._converter

    def _regex(self, text: str) -> str | None:
        missing = "\x00"
        found = self._cc.convert(text, src="regex", to="ISO3", not_found=missing)
        if isinstance(found, list) or found == missing or found not in self.entities:
            return None
        return str(found)

    def closest(self, value: object, n: int = 3) -> list[str]:
        names = {e.name: e.code for e in self.entities.values()}
        matches = difflib.get_close_matches(str(value), list(names), n=n, cutoff=0.5)
        return [f"{m} ({names[m]})" for m in matches]


@cache
def _registry() -> _Registry:
    return _Registry()


def reset_registry() -> None:
    """Forget the built registry (to pick up a changed ``POWERSCOPE_ALIASES``)."""
    _registry.cache_clear()


def resolve(
    value: object,
    *,
    where: str | None = None,
    scheme: Scheme = "auto",
    parameter: str | None = None,
) -> str:
    """Resolve one name or code to a powerscope code.

    Parameters
    ----------
    value:
        A name in any common spelling, ISO2, ISO3, or a COW code (int or digit string).
    where:
        Where the value came from, for the error message.
    parameter:
        The parameter that gave the value (e.g. ``"country"``), for the error.
    scheme:
        ``auto`` guesses (2 upper-case letters: ISO2; 3: ISO3/entity code; digits: COW);
        ``name``, ``iso2``, ``iso3`` or ``cow`` force one reading.

    Raises
    ------
    UnknownEntityError
        When the value resolves to nothing.
    """
    reg = _registry()
    code = reg.resolve_one(value, scheme)
    if code is None:
        raise UnknownEntityError({str(value): reg.closest(value)}, where=where, parameter=parameter)
    return code


def resolve_many(
    values: Iterable[object],
    *,
    where: str | None = None,
    scheme: Scheme = "auto",
    parameter: str | None = None,
) -> list[str]:
    """Resolve many values; raise one error listing *every* unresolved value (naming
    ``parameter``, the argument that gave them, when given)."""
    reg = _registry()
    values = list(values)
    cache: dict[tuple[str, object], str | None] = {}
    for v in values:
        key = (type(v).__name__, v)
        if key not in cache:
            cache[key] = reg.resolve_one(v, scheme)
    unresolved: dict[str, Sequence[str]] = {
        str(k[1]): reg.closest(k[1]) for k, code in cache.items() if code is None
    }
    if unresolved:
        raise UnknownEntityError(unresolved, where=where, parameter=parameter)
    return [str(cache[(type(v).__name__, v)]) for v in values]


def resolve_series(
    values: pd.Series | Sequence[object], *, where: str | None = None, scheme: Scheme = "auto"
) -> pd.Series:
    """Resolve a column of names/codes to powerscope codes, aligned with the input.

    Unique values are resolved once, so a column of a million rows costs as much as its
    distinct values. Missing values (NaN/None/"") are errors too: a row with no party cannot be
    keyed.
    """
    import pandas as pd

    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    uniques = pd.unique(series)
    codes = resolve_many(uniques, where=where, scheme=scheme)
    mapping = dict(zip(uniques, codes, strict=True))
    return series.map(mapping).astype(object)


def entity(code: str) -> Entity:
    """The :class:`Entity` for a powerscope code (resolving names too)."""
    reg = _registry()
    if code in reg.entities:
        return reg.entities[code]
    if code.startswith("NSA-"):  # a non-state actor first met in stored data, not in a name
        name = code[4:].replace("-", " ").title()
        return reg.entities.setdefault(code, Entity(code, name, "non_state"))
    return reg.entities[resolve(code)]


def name_of(code: str) -> str:
    """Short English name of a powerscope code."""
    return entity(code).name


def is_aggregate(code: str) -> bool:
    """Whether a code names an aggregate (or organisation) rather than a single state."""
    return entity(code).is_aggregate


def region_of(code: str, scheme: str = "continent") -> str:
    """World region of a code: ``continent`` (Africa, America, Asia, Europe, Oceania) or
    ``un_region`` (UN M49 sub-regions), from country_converter. Historical states take their
    successor's region; other entities are grouped by kind ("Non-state actors",
    "International organisations", "Unknown", "Aggregates").
    """
    reg = _registry()
    if scheme not in reg.regions:
        from powerscope.errors import SpecError

        raise SpecError(f"unknown region scheme {scheme!r}", fix="use continent or un_region")
    table = reg.regions[scheme]
    ent = entity(code)
    if ent.code in table:
        return table[ent.code]
    if ent.successor and ent.successor in table:
        return table[ent.successor]
    return {
        "non_state": "Non-state actors",
        "organisation": "International organisations",
        "aggregate": "Aggregates",
    }.get(ent.kind, "Unknown")


def entities_frame() -> pd.DataFrame:
    """Every known entity as a frame: code, name, kind, iso2, cow, successor, is_aggregate."""
    import pandas as pd

    rows = [
        {
            "code": e.code,
            "name": e.name,
            "kind": e.kind,
            "iso2": e.iso2,
            "cow": e.cow,
            "successor": e.successor,
            "is_aggregate": e.is_aggregate,
        }
        for e in _registry().entities.values()
    ]
    return pd.DataFrame(rows)
