"""The dynamic outlook section."""

from __future__ import annotations

from powerscope.brief.sections import Brief


def test_dynamic_outlook(kor: Brief) -> None:
    section = kor.section("dynamics")
    data = section.data
    # the multi-origin backtest: model, last value, drift and ETS side by side
    assert (
        data["backtest_cases"] >= 20 and 0 < data["backtest_beats_naive"] < data["backtest_cases"]
    )
    assert 0.8 <= data["backtest_coverage"] <= 1.0
    assert data["backtest_better"] >= 3  # series where the model has the lowest mean error
    assert any("Backtests from 2005, 2010, 2014" in t.caption for t in section.tables)
    # the talent programme set against Korea's observed net migration of researchers
    assert any("times the size of South Korea's net migration" in n.text for n in section.notes)
    talent = data["talent_articles_2050"]
    # by 2050 most recruits have left: a small effect, positive in the median run
    assert talent["effect_p05"] > -0.5 and 0 < talent["effect_median"] < 5
    assert data["baseline_mode"] == "balancing"
    captions = [t.caption for t in section.tables]
    assert any("Baseline projection" in c for c in captions)
    assert any("Policy scenarios" in c for c in captions)
    assert {"wdi", "sipri_milex", "sipri_arms"} <= set(section.cited())
    assert "powerscope dynamics loops KOR" in section.commands
