"""The dynamic outlook section."""

from __future__ import annotations

from powerscope.brief.sections import Brief


def test_dynamic_outlook(kor: Brief) -> None:
    section = kor.section("dynamics")
    data = section.data
    assert data["backtest_better"] >= 5  # of 8 series, as in docs/dynamics.md
    talent = data["talent_articles_2050"]
    # by 2050 most recruits have left: a small effect, positive in the median run
    assert talent["effect_p05"] > -0.5 and 0 < talent["effect_median"] < 5
    assert data["baseline_mode"] == "balancing"
    captions = [t.caption for t in section.tables]
    assert any("Baseline projection" in c for c in captions)
    assert any("Policy scenarios" in c for c in captions)
    assert {"wdi", "sipri_milex", "sipri_arms"} <= set(section.cited())
    assert "powerscope dynamics loops KOR" in section.commands
