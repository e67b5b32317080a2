"""The military section: four measures and what drives the GFP rank."""

from __future__ import annotations

from powerscope.brief.sections import Brief


def test_military_measures_and_gfp_drivers(kor: Brief) -> None:
    data = kor.section("military").data
    assert (data["gfp_rank"], data["milex_rank"], data["cinc_rank"], data["open_rank"]) == (
        5,
        11,
        8,
        5,
    )
    assert data["gfp_drivers"][0] == "submarines"  # docs/military.md: what puts Korea 5th
    chart = kor.section("military").charts[0]
    years = list(chart.x)
    assert years[-1] == 2024 and len(years) == 15
    assert "constant 2023" in chart.y_label
    assert abs(chart.series["constant 2023 US$ bn"][-1] - 48.47) < 0.01  # type: ignore[operator]
