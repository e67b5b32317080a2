"""The Lowy Institute Global Diplomacy Index (file ``lowy_gdi/lowy_gdi_globaldiplomacyindex.xlsx``).

One row per diplomatic post of the index's reporting countries (the G20, OECD and Asian
countries, 42 in 2016 and 66 in 2023): ``COUNTRY, POPULATION (M), GDP (B, USD), G20 RANK,
OECD RANK, ASIA RANK, OVERALL RANK, POST CITY, POST COUNTRY, TYPE OF POST, POST TYPE TITLE,
Year``. Editions 2016, 2017, 2021 and 2023 are complete; the 2019 edition in the file holds
only 40 posts (:data:`INCOMPLETE_EDITIONS`) and is left out.

The table ``lowy_posts``: ``code`` (the sending country, powerscope identity code), ``host``
(the host country's code; <NA> for a post to a multilateral organisation or in a place that is
not a country), ``edition`` (Int16), ``post_type`` (``embassy``: embassy or high commission;
``consulate``: consulate or consulate-general; ``permanent_mission``: a mission to an
international organisation; ``other``: representative, trade and liaison offices...) and
``city``.

Names. Country spellings differ between editions ("Russia" / "Russian Federation", "Turkey" /
"Türkiye", "Czech Republic" / "Czechia"); all go through powerscope's identity, with aliases
for the file's misspellings (``countries/aliases.csv``: "Nigaragua", "Portual", "Dominica
Republic" for the Dominican Republic, a mis-encoded "Curaçao", "New Caledonia (France)"). The
index marks places of contested status with ``*`` ("Taiwan*", "Kosovo*", "Palestine*"): the
mark is dropped before resolving (it would otherwise read as a SIPRI non-state actor). Handled
explicitly:

- the **European Union's** delegations (sender "European External Action Service", editions
  2021 and 2023) are kept under the organisation code ``ORG-EU``;
- **posts to multilateral organisations** (``Permanent Mission``: the UN, the EU, NATO, the
  OECD, the African Union...) have no host country: ``host`` is <NA> (the seat is in ``city``);
- **places that are not countries** (:data:`NOT_COUNTRIES`: Abkhazia, South Ossetia, Jerusalem,
  Somaliland) have ``host`` <NA>; Northern Cyprus keeps the identity's territory code
  ``CYP-N``, and territories with an ISO code (Bermuda, Guam, Puerto Rico, New Caledonia,
  French Polynesia, Aruba, Curaçao, Sint Maarten, French Guiana) keep their own code; the
  Palestinian territories are ``PSE``;
- anything else the identity does not know is an error
  (:class:`~powerscope.errors.UnknownEntityError`) naming it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.data.sources._common import require_columns
from powerscope.data.sources._common import where as _where
from powerscope.errors import DataFormatError

DATASET_ID: Final = "lowy_gdi"
FILE: Final = "lowy_gdi/lowy_gdi_globaldiplomacyindex.xlsx"

#: editions in the file that are not complete, left out
INCOMPLETE_EDITIONS: Final[frozenset[int]] = frozenset({2019})
#: the index's TYPE OF POST, as post_type
POST_TYPES: Final[dict[str, str]] = {
    "Embassy / High Commission": "embassy",
    "Consulate / Consulate-General": "consulate",
    "Permanent Mission": "permanent_mission",
    "Other": "other",
}
#: host places that are not countries (after dropping the index's "*"): host <NA>
NOT_COUNTRIES: Final[dict[str, str]] = {
    "Abkhazia": "breakaway region of Georgia (Russia's embassy in Sukhumi)",
    "South Ossetia": "breakaway region of Georgia (Russia's embassy in Tskhinvali)",
    "Jerusalem": "city of contested status (consulates-general and offices)",
    "Somaliland": "self-declared state within Somalia (offices in Hargeisa)",
}

_COLUMNS: Final = ("COUNTRY", "POST CITY", "POST COUNTRY", "TYPE OF POST", "Year")

INFO: Final = DatasetInfo(
    id=DATASET_ID,
    short="Lowy Global Diplomacy Index",
    publisher="Lowy Institute",
    title="Global Diplomacy Index",
    edition="editions 2016, 2017, 2021 and 2023 (the 2019 edition in the file is incomplete)",
    licence="no licence stated; cite the Lowy Institute",
    citation="Lowy Institute, Global Diplomacy Index, https://globaldiplomacyindex.lowyinstitute.org",
    url="https://globaldiplomacyindex.lowyinstitute.org",
    files=(FILE,),
    tables=("lowy_posts",),
    notes=(
        "Posts of the index's reporting countries (G20, OECD, Asia). The 2019 edition (40 "
        "rows) is left out. Posts to multilateral organisations and in places that are not "
        "countries (Abkhazia, South Ossetia, Jerusalem, Somaliland) have no host; the EU's "
        "delegations are kept as ORG-EU; the index's '*' (contested status) is dropped."
    ),
    years=(2016, 2023),
)


def _strip_mark(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.rstrip("*").str.strip()


def _require_text(
    values: pd.Series, needed: np.ndarray, line: np.ndarray, path: Path, column: str
) -> None:
    """A DataFormatError naming the first row where ``needed`` and the cell is empty."""
    empty = values.isna().to_numpy() | (values.astype(str).str.strip() == "").to_numpy()
    bad = np.flatnonzero(empty & needed)
    if len(bad):
        raise DataFormatError(
            f"empty {column}",
            where=_where(path, int(line[bad[0]]), column),
            fix=f"every post needs its {column}"
            + (" (posts to organisations excepted)" if column == "POST COUNTRY" else ""),
        )


def read_posts(path: Path) -> pd.DataFrame:
    """Read the index's workbook (first sheet) into the ``lowy_posts`` table.

    Raises
    ------
    DataFormatError
        An unreadable workbook, a missing column, an unknown TYPE OF POST, a bad Year, or an
        empty sending country or (except for a post to an organisation) host country.
    UnknownEntityError
        A sending or host country the identity does not know (every one named).
    """
    path = Path(path)
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=object)
    except (OSError, ValueError, KeyError) as exc:
        raise DataFormatError(
            f"cannot read the workbook: {exc}",
            where=str(path),
            fix="pass the Global Diplomacy Index data workbook (.xlsx)",
        ) from exc
    require_columns(list(frame.columns), tuple(_COLUMNS), path, "workbook")
    year = pd.to_numeric(frame["Year"], errors="coerce")
    bad = np.flatnonzero((year.isna() | (year != year.round())).to_numpy())
    if len(bad):
        raise DataFormatError(
            f"edition year {frame['Year'].iloc[bad[0]]!r} is not a year",
            where=_where(path, int(bad[0]) + 2, "Year"),
            fix="Year must be the edition's year",
        )
    keep = ~year.isin(list(INCOMPLETE_EDITIONS))
    # spreadsheet rows of the posts kept (the header is row 1), for error messages
    line = np.flatnonzero(keep.to_numpy()) + 2
    frame, year = frame[keep].reset_index(drop=True), year[keep].reset_index(drop=True)
    kind = frame["TYPE OF POST"].astype(str).str.strip()
    unknown = np.flatnonzero((~kind.isin(list(POST_TYPES))).to_numpy())
    if len(unknown):
        raise DataFormatError(
            f"unknown TYPE OF POST {frame['TYPE OF POST'].iloc[unknown[0]]!r}",
            where=_where(path, int(line[unknown[0]]), "TYPE OF POST"),
            fix=f"TYPE OF POST must be one of {', '.join(POST_TYPES)}",
        )
    post_type = kind.map(POST_TYPES)
    _require_text(frame["COUNTRY"], np.ones(len(frame), dtype=bool), line, path, "COUNTRY")
    code = resolve_series(
        _strip_mark(frame["COUNTRY"]), where=_where(path, None, "COUNTRY"), scheme="name"
    )
    place = _strip_mark(frame["POST COUNTRY"].fillna(""))
    # a mission to an organisation has no host country; a place that is not a country neither
    bilateral = (post_type != "permanent_mission") & ~place.isin(list(NOT_COUNTRIES))
    _require_text(frame["POST COUNTRY"], bilateral.to_numpy(), line, path, "POST COUNTRY")
    host = pd.Series(pd.NA, index=frame.index, dtype=object)
    if bilateral.any():
        host[bilateral] = resolve_series(
            place[bilateral], where=_where(path, None, "POST COUNTRY"), scheme="name"
        ).to_numpy()
    out = pd.DataFrame(
        {
            "code": code.astype(str).to_numpy(),
            "host": host.astype("string").array,
            "edition": year.astype("Int16").array,
            "post_type": post_type.to_numpy(),
            "city": frame["POST CITY"].fillna("").astype(str).str.strip().to_numpy(),
        }
    )
    return out.sort_values(["edition", "code"], kind="stable").reset_index(drop=True)


def read(root: Path) -> dict[str, pd.DataFrame]:
    """The ``lowy_posts`` table from the data directory ``root``."""
    return {"lowy_posts": read_posts(Path(root) / FILE)}


SOURCE: Final = Source(info=INFO, read=read)
SOURCES: Final[list[Source]] = [SOURCE]
