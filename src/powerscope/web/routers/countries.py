"""``/api/countries/{code}``: a country's profile across the domains, each part from its own
router's helper; a part without data says why instead of failing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from powerscope.errors import NotFoundError, PowerscopeError
from powerscope.web import models
from powerscope.web.common import ERRORS, CountryCode, State, country_code
from powerscope.web.routers.alignment import partners_of
from powerscope.web.routers.arms import PROFILE_PERIOD, profile_of
from powerscope.web.routers.military import military_of
from powerscope.web.state import AppState
from powerscope.web.tables import json_response, plain

router = APIRouter()


def section(make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One part of a country profile; a part without data says why instead of failing."""
    try:
        return {"available": True, **make()}
    except PowerscopeError as exc:
        return {"available": False, "reason": exc.message}


def technology(state: AppState, code: str) -> dict[str, Any]:
    """The country on the CETI: score, rank, sectors."""
    from powerscope.countries import name_of
    from powerscope.index.service import country_profile

    ceti = state.index("ceti").default
    if not ceti.has(code):
        raise NotFoundError(f"{name_of(code)} is not covered by the CETI",
                            fix="the CETI covers: " + ", ".join(sorted(ceti.codes)))  # fmt: skip
    return plain(country_profile(ceti, code))


def arms(state: AppState, code: str) -> dict[str, Any]:
    """The country as an arms exporter in the last five years, against the five before."""
    report = profile_of(state, code, PROFILE_PERIOD)
    trend = {row["period"]: row for row in report["trend"]}
    return {
        "period": report["period"],
        "current": trend.get(report["period"]),
        "previous": trend.get("2015-2019"),
        "clients": report["clients"][:5],
        "pending_tiv": report["pending_tiv"],
        "edition": report["edition"],
        "source": report["source"],
    }


def alignment(state: AppState, code: str) -> dict[str, Any]:
    """The country's ten closest partners."""
    report = partners_of(state, code, 0, 1, {})
    return {
        "partners": [
            {k: p[k] for k in ("rank", "code", "name", "score")} for p in report["partners"][:10]
        ],
        "years": report["years"],
        "source": report["source"],
    }


def profile_of_country(state: AppState, code: str) -> dict[str, Any]:
    """Every part of a country's profile."""
    from powerscope.countries import name_of

    return {
        "code": code,
        "name": name_of(code),
        "technology": section(lambda: technology(state, code)),
        "military": section(lambda: military_of(state, code)),
        "arms": section(lambda: arms(state, code)),
        "alignment": section(lambda: alignment(state, code)),
    }


@router.get(
    "/api/countries/{code}",
    summary="A country's profile",
    response_model=models.CountryOut,
    responses=ERRORS,
)
def country(state: State, code: CountryCode) -> Response:
    """A country on the CETI (score, rank, sectors), on four military measures, as an arms
    exporter and in alignment (its closest partners). A part without data says why."""
    resolved = country_code(code)
    profile = state.cached(("country", resolved), lambda: profile_of_country(state, resolved))
    return json_response(profile)
