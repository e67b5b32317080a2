"""Loop dominance: the start year is neutral, knowledge loops matter, cuts turn growth down."""

from __future__ import annotations

from powerscope.dynamics.loops import LOOPS, loop_analysis
from powerscope.dynamics.scenario import load_scenario


def test_korea_loops(korea) -> None:
    report = loop_analysis(korea, last=2050)
    years = report["years"]
    assert years[0]["mode"] == "neutral" and years[0]["year"] == 2024
    assert {row["mode"] for row in years[1:]} <= {"virtuous", "vicious", "balancing"}
    later = years[10]
    assert later["R1_knowledge"] > 0.5  # the growing economy funds knowledge
    assert later["B1_knowledge"] < -0.5  # obsolescence holds it back
    assert later["dominant_loop"] in {loop.id for loop in LOOPS}
    assert [loop["id"] for loop in report["loops"]] == ["R1", "R2", "R3", "R4", "B1", "B2"]


def test_cuts_slow_knowledge_growth(korea) -> None:
    base = loop_analysis(korea, last=2040)["years"]
    cut = loop_analysis(korea, load_scenario("cuts"), last=2040)["years"]
    assert cut[8]["knowledge_growth"] < base[8]["knowledge_growth"] - 1.0


def test_a_collapse_of_rd_turns_the_circle_vicious(korea) -> None:
    from powerscope.dynamics.scenario import parse_scenario

    collapse = parse_scenario({"name": "collapse", "set": {"rd_target": {"value": 1.0, "from": 2026}}})  # fmt: skip
    years = loop_analysis(korea, collapse, last=2045)["years"]
    vicious = [row for row in years if row["mode"] == "vicious"]
    assert vicious and all(row["knowledge_growth"] < 0 for row in vicious)
    assert all(row["dominant_loop"].startswith("R") for row in vicious)


def test_behaviour_modes_and_history(korea) -> None:
    from powerscope.dynamics.loops import behaviour_mode

    assert behaviour_mode(3.0, 2.0) == "virtuous"
    assert behaviour_mode(-3.0, -2.0) == "vicious"
    assert behaviour_mode(2.0, 3.0) == "balancing"
    assert behaviour_mode(-2.0, -3.0) == "balancing"
    assert behaviour_mode(2.0, None) == "neutral"
    history = loop_analysis(korea, last=2030)["history"]
    modes = {row["year"]: row["mode"] for row in history}
    # Korea's R&D knowledge grew ever faster in 2001-2008, then growth slowed.
    assert all(modes[y] == "virtuous" for y in range(2002, 2009))
    assert modes[2016] == "balancing"
