"""``/api/countries/{code}``: a country's profile across the domains, as the library's
:func:`powerscope.profile.country_profile` gives it (the CLI and the brief show the same one);
each part carries its ``citations``, and a part without data says why instead of failing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from powerscope.web import models
from powerscope.web.common import ERRORS, CountryCode, State, country_code
from powerscope.web.state import AppState
from powerscope.web.tables import json_response, plain

router = APIRouter()


def profile_of_country(state: AppState, code: str) -> dict[str, Any]:
    """Every part of a country's profile (cached per code), from the app's CETI and SIPRI
    data already in memory."""
    from powerscope.profile import country_profile

    def make() -> dict[str, Any]:
        profile = country_profile(
            code,
            store=state.store,
            index_result=state.index("ceti").default,
            arms_data=state.arms(),
        )
        made: dict[str, Any] = plain(profile.to_dict())
        return made

    return state.cached(("country", code), make)


@router.get(
    "/api/countries/{code}",
    summary="A country's profile",
    response_model=models.CountryOut,
    responses=ERRORS,
)
def country(state: State, code: CountryCode) -> Response:
    """A country on the CETI (score, rank, sectors), on four military measures, as an arms
    exporter (the last two five-year periods of the SIPRI data) and in alignment (its closest
    partners, UN vote agreement with the major powers). Each part carries the ``citations`` of
    its data (publisher, title, edition, data years, URL); a part without data says why."""
    resolved = country_code(code)
    return json_response(profile_of_country(state, resolved), clean=False)
