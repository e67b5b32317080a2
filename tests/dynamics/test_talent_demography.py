"""Demography (WPP 2022) and talent (Scholarly Migration Database) in the dynamic model."""

from __future__ import annotations

import numpy as np
import pytest

from powerscope.dynamics.calibrate import calibrate, pooled_priors
from powerscope.dynamics.demography import path_values
from powerscope.dynamics.service import scenario_report
from powerscope.dynamics.talent import programme_scale


def test_korea_paths_follow_the_un_medium_variant(korea) -> None:
    years = np.arange(2023, 2060)
    labour = path_values(korea, "labour_growth", years)
    assert labour is not None and labour.shape == years.shape
    assert (labour[5:] < 0).all()  # Korea's working-age population shrinks every year
    assert "wpp2022" in korea.sources.values()


def test_programme_scale_is_computed_from_the_flows() -> None:
    flows = {"last_net": -375, "last_inflow": 2157, "last_year": 2021, "release": "scopus_2024"}
    scale = programme_scale(1000, flows, "South Korea")
    assert scale["times_net"] == pytest.approx(1000 / 375)
    assert scale["share_of_inflow"] == pytest.approx(1000 / 2157)
    assert (
        "2.7 times the size of South Korea's net migration of researchers in 2021 (-375"
        in (scale["text"])
    )


def test_korean_recruits_stay_like_korean_researchers(korea) -> None:
    assert korea.talent is not None and korea.talent["net"] < 0  # Korea loses researchers
    stay = korea.talent["stay_rate"]
    assert 0.95 < stay < 1.0 and korea.fixed["recruit_retention"] == pytest.approx(stay)
    report = scenario_report("KOR", "thousand-talents", runs=200, calibration=korea)
    programme = report["talent"]["programme"]
    assert programme["recruits_per_year"] == 800
    assert programme["net_migration"] == korea.talent["last_net"]
    assert "scholarly_migration" in report["sources"]


def test_pooled_priors_sit_between_the_countries(korea_2014) -> None:
    china = calibrate("CHN", (1996, 2014), demography=False, talent=False)
    japan = calibrate("JPN", (1996, 2014), demography=False, talent=False)
    priors = pooled_priors([korea_2014, china, japan])
    for name, (mean, sd) in priors.items():
        values = [
            float(eq.mean[eq.coefficients.index(name)])
            for cal in (korea_2014, china, japan)
            for eq in cal.equations.values()
            if name in eq.coefficients
        ]
        assert min(values) - 1e-9 <= mean <= max(values) + 1e-9, name
        assert sd > 0
