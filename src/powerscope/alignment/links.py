"""Ties between a focal country and every other: trade agreements in force and diplomatic posts.

- :func:`trade_agreements`: the trade agreements in force between the focal country and each
  other country in a year, from DESTA (Dür, Baccini & Elsig 2014, as packaged by manytrade;
  tables ``desta_agreements`` and ``desta_members``; cite ``store.citation("desta")``).
- :func:`embassies` and :func:`embassies_by_edition`: the diplomatic posts each keeps in the
  other, from the Lowy Institute's Global Diplomacy Index (table ``lowy_posts``; cite
  ``store.citation("lowy_gdi")``).

Counting rules. An agreement is in force between two countries in a year when both are members
and each one's membership entered into force in or before that year (a membership counts from
its earliest entry-into-force year in DESTA; DESTA records no withdrawals, so a state that left
an agreement still counts as a member). Every DESTA entry counts as one agreement: a protocol
or a services agreement of the same parties is counted beside its base treaty. A post counts
for the host country it is in; posts to multilateral organisations have no host and count for
no country.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from powerscope.countries import entity, resolve
from powerscope.data.store import Store
from powerscope.errors import NotFoundError, PeriodError

AGREEMENTS_TABLE = "desta_agreements"
MEMBERS_TABLE = "desta_members"
POSTS_TABLE = "lowy_posts"


def _focal(focal: str) -> str:
    """The focal country's code (UnknownEntityError when no entity has that name or code)."""
    return resolve(focal, parameter="focal")


def _membership(store: Store) -> pd.DataFrame:
    """One row per agreement and member: the earliest entry-into-force year (<NA>: never)."""
    members = store.table(MEMBERS_TABLE, columns=["agreement_id", "code", "in_force"])
    members["code"] = members["code"].astype(str)
    members["agreement_id"] = members["agreement_id"].astype(str)
    members["in_force"] = pd.to_numeric(members["in_force"]).astype("Int64")
    return members.groupby(["agreement_id", "code"], as_index=False, observed=True).agg(
        in_force=("in_force", "min")
    )


def desta_years(store: Store) -> tuple[int, int]:
    """The first and last year of the DESTA data (signature or entry into force)."""
    members = store.table(MEMBERS_TABLE, columns=["signed", "in_force"])
    agreements = store.table(AGREEMENTS_TABLE, columns=["signed", "in_force"])
    values = pd.concat(
        [pd.to_numeric(f[c]) for f in (members, agreements) for c in ("signed", "in_force")]
    ).dropna()
    return int(values.min()), int(values.max())


def trade_agreements(store: Store, focal: str, *, year: int | None = None) -> pd.DataFrame:
    """Trade agreements in force between focal and every other country in `year` (default:
    the last year of the DESTA data). Columns: code, n_agreements (int, 0 where none),
    agreements (str: '; '-joined titles with their entry-into-force year), year (int).
    One row per country in the identity that is a member of any DESTA agreement (so 0s are
    real zeros). A year outside DESTA's years -> PeriodError naming them.

    The entry-into-force year shown beside a title is the year the agreement came into force
    between the two (the later of their two memberships). Rows are sorted by n_agreements
    (most first), then code. Data: DESTA (Dür, Baccini & Elsig 2014) via manytrade; cite
    ``store.citation("desta")``.

    Raises
    ------
    UnknownEntityError
        ``focal`` is no known country or entity.
    NotFoundError
        ``focal`` is a member of no DESTA agreement.
    PeriodError
        ``year`` outside the DESTA data's years (naming them).
    """
    code = _focal(focal)
    first, last = desta_years(store)
    year = last if year is None else int(year)
    if not first <= year <= last:
        raise PeriodError(
            f"no DESTA data for {year}",
            where=f"table {MEMBERS_TABLE}",
            parameter="year",
            fix=f"DESTA covers {first}-{last}",
        )
    members = _membership(store)
    if not (members["code"] == code).any():
        raise NotFoundError(
            f"{code} is a member of no trade agreement in DESTA",
            where=f"table {MEMBERS_TABLE}",
            parameter="focal",
            fix="choose a country that DESTA covers",
        )
    active = members[members["in_force"].notna() & (members["in_force"] <= year)]
    mine = active[active["code"] == code][["agreement_id", "in_force"]]
    pairs = active[active["code"] != code].merge(mine, on="agreement_id", suffixes=("", "_focal"))
    titles = store.table(AGREEMENTS_TABLE, columns=["agreement_id", "title"])
    titles["agreement_id"] = titles["agreement_id"].astype(str)
    pairs = pairs.merge(titles, on="agreement_id", how="left")
    pairs["since"] = np.maximum(pairs["in_force"].astype(int), pairs["in_force_focal"].astype(int))
    pairs = pairs.sort_values(["code", "since", "title"])
    pairs["label"] = pairs["title"].astype(str) + " (" + pairs["since"].astype(str) + ")"
    grouped = pairs.groupby("code").agg(
        n_agreements=("agreement_id", "nunique"), agreements=("label", "; ".join)
    )
    codes = sorted(set(members["code"]) - {code})
    out = pd.DataFrame({"code": codes})
    out = out.merge(grouped, left_on="code", right_index=True, how="left")
    out["n_agreements"] = out["n_agreements"].fillna(0).astype(int)
    out["agreements"] = out["agreements"].fillna("").astype(str)
    out["year"] = year
    out = out.sort_values(["n_agreements", "code"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)[["code", "n_agreements", "agreements", "year"]]


def _posts(store: Store) -> pd.DataFrame:
    posts = store.table(POSTS_TABLE, columns=["code", "host", "edition", "post_type"])
    posts["code"] = posts["code"].astype(str)
    posts["host"] = posts["host"].astype("string")
    posts["edition"] = pd.to_numeric(posts["edition"]).astype(int)
    posts["post_type"] = posts["post_type"].astype(str)
    return posts


def lowy_editions(store: Store) -> list[int]:
    """The Global Diplomacy Index editions in the store, oldest first."""
    editions = store.table(POSTS_TABLE, columns=["edition"])["edition"]
    return sorted(int(e) for e in pd.unique(editions.dropna()))


def _is_organisation(code: str) -> bool:
    return entity(code).kind == "organisation"


def _partners(posts: pd.DataFrame, focal: str) -> list[str]:
    """Every country of an edition (a host or a reporting country), except focal and
    organisations (the EU's delegations)."""
    codes = set(posts["host"].dropna().astype(str)) | set(posts["code"])
    return sorted(c for c in codes - {focal} if not _is_organisation(c))


def embassies(store: Store, focal: str, *, edition: int | None = None) -> pd.DataFrame:
    """Diplomatic presence between focal and every other country in a Lowy GDI edition
    (default: the latest, 2023). Columns: code, focal_posts (int: focal's posts in code),
    focal_embassy (bool), partner_posts (Int, <NA> when code is not a Lowy reporting country),
    partner_embassy (boolean, <NA> when code is not a reporting country), edition (int).
    If focal is not a reporting country, focal_* are <NA>. An edition not in the data ->
    PeriodError naming the editions.

    Posts are of every kind (embassies, consulates, other offices; missions to organisations
    have no host country); ``*_embassy`` is True when at least one is an embassy or high
    commission. "Every other country": every host of a post and every reporting country of
    the edition. Rows are sorted by focal_posts, then partner_posts (most first), then code.
    Data: Lowy Institute, Global Diplomacy Index; cite ``store.citation("lowy_gdi")``.

    Raises
    ------
    UnknownEntityError
        ``focal`` is no known country or entity.
    PeriodError
        ``edition`` not in the data (naming the editions there are).
    """
    code = _focal(focal)
    editions = lowy_editions(store)
    edition = editions[-1] if edition is None else int(edition)
    if edition not in editions:
        raise PeriodError(
            f"no Global Diplomacy Index edition {edition}",
            where=f"table {POSTS_TABLE}",
            parameter="edition",
            fix="editions: " + ", ".join(map(str, editions)),
        )
    posts = _posts(store)
    posts = posts[posts["edition"] == edition]
    reporting = set(posts["code"])
    out = pd.DataFrame({"code": _partners(posts, code)})

    def presence(sender: pd.Series, host: pd.Series) -> pd.DataFrame:
        frame = pd.DataFrame({"sender": sender.to_numpy(), "host": host.to_numpy()})
        frame["embassy"] = (posts["post_type"] == "embassy").to_numpy()
        return frame.groupby(["sender", "host"]).agg(
            posts=("embassy", "size"), embassy=("embassy", "any")
        )

    sent = presence(posts["code"], posts["host"])
    if code in reporting:
        mine = sent.xs(code, level="sender") if code in sent.index.get_level_values(0) else None
        counts = mine["posts"] if mine is not None else pd.Series(dtype=int)
        flags = mine["embassy"] if mine is not None else pd.Series(dtype=bool)
        out["focal_posts"] = out["code"].map(counts).fillna(0).astype(int)
        out["focal_embassy"] = out["code"].isin(flags[flags.astype(bool)].index)
    else:
        out["focal_posts"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["focal_embassy"] = pd.array([pd.NA] * len(out), dtype="boolean")
    received = sent[sent.index.get_level_values("host") == code].droplevel("host")
    is_reporting = out["code"].isin(reporting)
    partner_posts = out["code"].map(received["posts"]).fillna(0).astype("Int64")
    partner_embassy = pd.Series(
        out["code"].isin(received.index[received["embassy"].astype(bool)]), dtype="boolean"
    )
    out["partner_posts"] = partner_posts.where(is_reporting, pd.NA)
    out["partner_embassy"] = partner_embassy.where(is_reporting, pd.NA)
    out["edition"] = edition
    out = out.sort_values(
        ["focal_posts", "partner_posts", "code"],
        ascending=[False, False, True],
        na_position="last",
        kind="stable",
    )
    return out.reset_index(drop=True)


def embassies_by_edition(store: Store, focal: str) -> pd.DataFrame:
    """focal's embassies by host country and edition (long: code, edition, embassy bool).

    One row per edition in which focal is a reporting country and per country of that edition
    (every host of a post and every reporting country, as in :func:`embassies`): ``embassy``
    is True when focal has an embassy or high commission there. Empty (with these columns)
    when focal reports in no edition. Sorted by code, then edition. Data: Lowy Institute,
    Global Diplomacy Index; cite ``store.citation("lowy_gdi")``.

    Raises
    ------
    UnknownEntityError
        ``focal`` is no known country or entity.
    """
    code = _focal(focal)
    posts = _posts(store)
    frames = []
    for edition, group in posts.groupby("edition"):
        if code not in set(group["code"]):
            continue
        mine = group[(group["code"] == code) & (group["post_type"] == "embassy")]
        hosts = set(mine["host"].dropna().astype(str))
        codes = _partners(group, code)
        frames.append(
            pd.DataFrame(
                {
                    "code": codes,
                    "edition": int(edition),  # type: ignore[call-overload]
                    "embassy": [c in hosts for c in codes],
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {
                "code": pd.Series(dtype=object),
                "edition": pd.Series(dtype=int),
                "embassy": pd.Series(dtype=bool),
            }
        )
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["code", "edition"]).reset_index(drop=True)
