"""The arms section: SIPRI periods, change and clients."""

from __future__ import annotations

from powerscope.brief.sections import Brief


def test_arms_periods_change_and_clients(kor: Brief) -> None:
    data = kor.section("arms").data
    assert set(data["periods"]) == {"2015-2019", "2020-2024"}
    assert data["periods"]["2020-2024"]["rank"] == 10
    assert data["periods"]["2015-2019"]["rank"] == 9
    first, last = data["periods"]["2015-2019"]["tiv"], data["periods"]["2020-2024"]["tiv"]
    assert abs(data["change"] - (last - first) / first * 100) < 1e-9
    assert data["clients"][:2] == ["POL", "PHL"]  # docs/arms.md: Poland 46%, Philippines 14%
    annual = kor.section("arms").charts[0]
    assert annual.x[-1] == 2024 and max(v or 0.0 for v in annual.series["TIV (millions)"]) > 500
