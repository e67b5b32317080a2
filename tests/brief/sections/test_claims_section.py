"""The claims section: the claims concerning the country, each citing its dataset."""

from __future__ import annotations

from powerscope.brief.sections import Brief


def test_claims_concerning_the_country(kor: Brief) -> None:
    verdicts = kor.section("claims").data["verdicts"]
    assert len(verdicts) == 14
    assert verdicts["gfp-5th"] == "confirmed"
    assert verdicts["sipri-change-2025-edition"] == "differs"
    table = kor.section("claims").tables[0]
    assert table.row_sources is not None
    assert all("powerscope_claims" in row for row in table.row_sources)
    by_claim = dict(zip((r[0] for r in table.rows), table.row_sources, strict=True))
    gfp_claim = next(k for k in by_claim if "Global Firepower" in k)
    assert "gfp" in by_claim[gfp_claim]
