"""DESTA: the Design of Trade Agreements database (Dür, Baccini & Elsig 2014), as packaged by the
R package manytrade (files in ``desta/``).

``desta_agreements_manytrade.csv``
    One row per agreement (959): ``manyID, treatyID, Title, Begin, AgreementType, DocType,
    GeogArea, Signature, Force, destaID``. Dates are ``YYYY-MM-DD`` (DESTA records years only:
    the day is always 1 January); empty when unknown.
``desta_memberships_manytrade.csv``
    One row per state and membership entry (7,466): ``manyID, treatyID, Title, Begin, stateID,
    Signature, Force, StateName, destaID``; ``stateID`` is ISO3, years only.

Two tables come out:

``desta_agreements``
    ``agreement_id`` (str), ``title``, ``type`` (``base treaty`` or ``protocol or amendment``),
    ``parties`` (``bilateral``, ``plurilateral`` or ``bloc-to-bloc``), ``area`` (``regional``:
    all parties on one continent; ``cross-regional``), ``signed`` and ``in_force`` (Int16 years,
    <NA> when unknown or, for ``in_force``, never in force by the end of the data).
``desta_members``
    ``agreement_id``, ``code`` (powerscope identity code), ``signed``, ``in_force`` (years): one
    row per membership entry of the file. A state can appear more than once in one agreement:
    DESTA records a later accession, re-signature or enlargement as an entry of its own, and
    manytrade lists every member again under it. A membership counts from its earliest year.

Codes, decoded from manytrade's preparation of DESTA (``data-raw/agreements/DESTA``):
``AgreementType`` A = a base treaty (or a treaty under negotiation), P/E = a protocol,
amendment or consolidated version; ``DocType`` B = bilateral, P = plurilateral, M = between
blocs (DESTA's "region-region" agreements, e.g. EC-MERCOSUR, Lomé; inferred from the titles,
the package documents B and P only); ``GeogArea`` R = within one continent, G =
intercontinental.

What the packaging loses or bends, handled here:

- **Identifiers.** The agreement key is ``treatyID`` (``manyID`` repeats for three different
  agreements). manytrade composes it from the title and the year; for the 81 agreements whose
  year is missing it wrote a meaningless number in place of the year, and not the same one in
  the two files (``COL-JPN[NA]_5241O`` / ``COL-JPN[NA]_6759O``): a "year" after 2100 becomes
  ``NA`` (``COL-JPN[NA]_NAO``). A key of two joined identifiers (``EC_1957O:ECTRTY_1957A``)
  keeps its first. Two agreements share one key (EC-Singapore and EC-Viet Nam: the free trade
  agreement and the investment protection agreement): the second gets ``#2``; the members are
  listed with the first. Membership entries of an accession that manytrade left out of the
  agreements (e.g. ``CNAEHA``, Honduras' accession to Central America-EFTA) are attached to the
  base treaty with the same ``destaID``.
- **Dates.** The 81 agreements without a year (mostly those signed or negotiated after the
  data's last year) have no signature or entry-into-force date in manytrade's R data files
  either (``manytrade_*.rda`` hold the same values), so nothing is recovered by reading them.
- **Withdrawals** are not in the membership file: a state stays a member of an agreement it
  left (the United Kingdom of the EC's agreements in 2020).
- **States.** Every ``stateID`` is resolved through powerscope's identity; an unknown code is
  an error (:class:`~powerscope.errors.UnknownEntityError`) naming it. Two entries have no
  ``stateID`` and are resolved by ``StateName``: Kosovo (``XKX``) and the Netherlands Antilles
  (historical entity ``ANT``, dissolved in 2010). DESTA lists the member states of the
  European Communities/Union, never the EU itself as a party, and the territories it names
  (Greenland, Hong Kong, Macao, the French and British overseas territories...) keep their own
  ISO3 codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.data.sources._common import check_columns
from powerscope.data.sources._common import where as _where
from powerscope.errors import DataFormatError

DATASET_ID: Final = "desta"
FOLDER: Final = "desta"
AGREEMENTS_FILE: Final = f"{FOLDER}/desta_agreements_manytrade.csv"
MEMBERS_FILE: Final = f"{FOLDER}/desta_memberships_manytrade.csv"

AGREEMENT_TYPES: Final[dict[str, str]] = {"A": "base treaty", "P/E": "protocol or amendment"}
PARTIES: Final[dict[str, str]] = {"B": "bilateral", "P": "plurilateral", "M": "bloc-to-bloc"}
AREAS: Final[dict[str, str]] = {"R": "regional", "G": "cross-regional"}

_AGREEMENT_COLUMNS: Final = (
    "treatyID", "Title", "AgreementType", "DocType", "GeogArea", "Signature", "Force", "destaID",
)  # fmt: skip
_MEMBER_COLUMNS: Final = ("treatyID", "stateID", "StateName", "Signature", "Force", "destaID")

INFO: Final = DatasetInfo(
    id=DATASET_ID,
    short="DESTA trade agreements (manytrade)",
    publisher="Dür, Baccini & Elsig, Design of Trade Agreements (DESTA) project",
    title="Design of Trade Agreements (DESTA) database, agreements and memberships",
    edition="as packaged by the R package manytrade (globalgov), agreements to 2020",
    licence="CC BY 4.0 (manytrade); cite Dür, Baccini & Elsig (2014)",
    citation=(
        "Dür, Andreas, Leonardo Baccini and Manfred Elsig (2014), The Design of International "
        "Trade Agreements: Introducing a New Dataset, The Review of International "
        "Organizations 9(3): 353-375; data as packaged by manytrade (globalgov)"
    ),
    url="https://www.designoftradeagreements.org/",
    files=(AGREEMENTS_FILE, MEMBERS_FILE),
    tables=("desta_agreements", "desta_members"),
    notes=(
        "Years only. 81 agreements (mostly after the data's last year) have no signature or "
        "entry-into-force year, in the CSV files and in manytrade's R data files alike. "
        "Withdrawals are not recorded (a state stays a member of what it left). Kosovo and "
        "the Netherlands Antilles (ANT) have no stateID and are resolved by name; DESTA lists "
        "the EU's member states, not the EU, as parties. Codes decoded: type A base treaty, "
        "P/E protocol or amendment; parties B bilateral, P plurilateral, M bloc-to-bloc; "
        "area R regional, G cross-regional."
    ),
    years=(1948, 2020),
)


def agreement_key(values: pd.Series) -> pd.Series:
    """manytrade's treaty identifiers as one key: the first of joined identifiers, and a
    "year" after 2100 (manytrade's stand-in for a missing year) written ``NA``."""
    first = values.astype(str).str.strip().str.split(":").str[0]
    return first.str.replace(r"_(2[1-9]\d\d|[3-9]\d\d\d)(?=[A-Z]\d*$)", "_NA", regex=True)


def _read(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    check_columns(path, required)
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])


def _years(values: pd.Series, path: Path, column: str) -> pd.Series:
    """``YYYY`` or ``YYYY-MM-DD`` to an Int16 year; empty is <NA>; anything else an error."""
    text = values.astype(str).str.strip()
    year = text.str.extract(r"^(\d{4})(?:-\d{2}-\d{2})?$", expand=False)
    bad = np.flatnonzero((year.isna() & (text != "")).to_numpy())
    if len(bad):
        raise DataFormatError(
            f"unreadable date {values.iloc[bad[0]]!r}",
            where=_where(path, int(bad[0]) + 2, column),
            fix="dates must be YYYY or YYYY-MM-DD, or empty when unknown",
        )
    return pd.to_numeric(year).astype("Int16")


def _decode(values: pd.Series, codes: dict[str, str], path: Path, column: str) -> pd.Series:
    text = values.astype(str).str.strip()
    bad = np.flatnonzero((~text.isin(list(codes))).to_numpy())
    if len(bad):
        raise DataFormatError(
            f"unknown {column} code {values.iloc[bad[0]]!r}",
            where=_where(path, int(bad[0]) + 2, column),
            fix=f"{column} must be one of {', '.join(codes)}",
        )
    return text.map(codes)


def read_agreements(path: Path) -> pd.DataFrame:
    """Read ``desta_agreements_manytrade.csv`` into the ``desta_agreements`` table, plus the
    ``desta_id`` column (DESTA's base-treaty number) that :func:`read_members` needs.

    Raises
    ------
    DataFormatError
        A missing column, an unknown type/parties/area code, an unreadable date, an empty
        identifier, or one identifier on more than two agreements.
    """
    path = Path(path)
    frame = _read(path, _AGREEMENT_COLUMNS)
    key = agreement_key(frame["treatyID"])
    empty = np.flatnonzero((key == "").to_numpy())
    if len(empty):
        raise DataFormatError(
            "an agreement without an identifier",
            where=_where(path, int(empty[0]) + 2, "treatyID"),
            fix="every agreement needs its treatyID",
        )
    out = pd.DataFrame(
        {
            "agreement_id": key,
            "title": frame["Title"].astype(str).str.strip(),
            "type": _decode(frame["AgreementType"], AGREEMENT_TYPES, path, "AgreementType"),
            "parties": _decode(frame["DocType"], PARTIES, path, "DocType"),
            "area": _decode(frame["GeogArea"], AREAS, path, "GeogArea"),
            "signed": _years(frame["Signature"], path, "Signature"),
            "in_force": _years(frame["Force"], path, "Force"),
            "desta_id": frame["destaID"].astype(str).str.strip(),
        }
    )
    # one key for two agreements (a treaty and its protocol): the base treaty keeps it
    order = out.assign(_base=out["type"] != AGREEMENT_TYPES["A"]).sort_values(
        ["agreement_id", "_base"], kind="stable"
    )
    rank = order.groupby("agreement_id").cumcount()
    if (rank > 1).any():
        raise DataFormatError(
            f"agreement identifier {order.loc[rank > 1, 'agreement_id'].iloc[0]!r} is used by "
            "more than two agreements",
            where=_where(path, None, "treatyID"),
            fix="each agreement needs its own treatyID",
        )
    second = rank[rank == 1].index
    out.loc[second, "agreement_id"] = out.loc[second, "agreement_id"] + "#2"
    return out.reset_index(drop=True)


def read_members(path: Path, agreements: pd.DataFrame) -> pd.DataFrame:
    """Read ``desta_memberships_manytrade.csv`` into the ``desta_members`` table.

    ``agreements`` is :func:`read_agreements`'s table: a membership entry whose agreement it
    lacks is attached to the base treaty with the same ``destaID``.

    Raises
    ------
    DataFormatError
        A missing column, an unreadable date, a member without code or name, or a membership
        of no known agreement.
    UnknownEntityError
        A ``stateID`` (or, where it is empty, a ``StateName``) the identity does not know,
        every one named.
    """
    path = Path(path)
    frame = _read(path, _MEMBER_COLUMNS)
    key = agreement_key(frame["treatyID"])
    known = set(agreements["agreement_id"])
    missing = ~key.isin(known)
    if missing.any():
        bases = agreements[agreements["type"] == AGREEMENT_TYPES["A"]]
        single = bases.drop_duplicates("desta_id", keep=False).set_index("desta_id")
        base = frame.loc[missing, "destaID"].str.strip().map(single["agreement_id"])
        orphan = np.flatnonzero(missing.to_numpy())[base.isna().to_numpy()]
        if len(orphan):
            row = int(orphan[0])
            raise DataFormatError(
                f"membership of agreement {frame['treatyID'].iloc[row]!r}, which is not among "
                "the agreements",
                where=_where(path, row + 2, "treatyID"),
                fix="check that the memberships file belongs with the agreements file",
            )
        key = key.where(~missing, base)
    iso3 = frame["stateID"].astype(str).str.strip()
    by_name = (iso3 == "").to_numpy()
    nameless = np.flatnonzero(by_name & (frame["StateName"].astype(str).str.strip() == ""))
    if len(nameless):
        raise DataFormatError(
            "a member with neither stateID nor StateName",
            where=_where(path, int(nameless[0]) + 2, "stateID"),
            fix="every membership needs the member's ISO3 code or name",
        )
    code = pd.Series(index=frame.index, dtype=object)
    if (~by_name).any():
        code[~by_name] = resolve_series(
            iso3[~by_name], where=_where(path, None, "stateID"), scheme="iso3"
        ).to_numpy()
    if by_name.any():
        names = frame.loc[by_name, "StateName"].astype(str).str.strip()
        code[by_name] = resolve_series(
            names, where=_where(path, None, "StateName"), scheme="name"
        ).to_numpy()
    return pd.DataFrame(
        {
            "agreement_id": key.to_numpy(),
            "code": code.astype(str).to_numpy(),
            "signed": _years(frame["Signature"], path, "Signature").array,
            "in_force": _years(frame["Force"], path, "Force").array,
        }
    )


def read(root: Path) -> dict[str, pd.DataFrame]:
    """Both DESTA tables from the data directory ``root``."""
    root = Path(root)
    agreements = read_agreements(root / AGREEMENTS_FILE)
    members = read_members(root / MEMBERS_FILE, agreements)
    return {"desta_agreements": agreements.drop(columns="desta_id"), "desta_members": members}


SOURCE: Final = Source(info=INFO, read=read)
SOURCES: Final[list[Source]] = [SOURCE]
