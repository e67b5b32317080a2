"""The comprehensive-power section: rank and rank band over time, what moved it, peer gaps."""

from __future__ import annotations

from powerscope.brief.sections import Brief
from powerscope.power.analysis import power_result


def test_korea_rank_and_band_match_the_index(kor: Brief) -> None:
    section = kor.section("power")
    data = section.data
    one = power_result().for_year(2024)
    assert data["rank"] == one.rank("KOR") and data["of"] == len(one.codes) >= 150
    low, high = data["band"]
    assert low <= data["rank"] <= high
    assert sorted(data["ranks"]) == list(range(2000, 2025))
    assert section.facts[0].raw == data["rank"]
    assert "powerscope index trend power KOR JPN CHN AUS IND" in section.commands[0]


def test_every_figure_is_cited_and_the_peers_are_compared(kor: Brief) -> None:
    section = kor.section("power")
    assert all(f.sources for f in section.facts)
    assert all(n.sources for n in section.notes)
    assert {"wdi", "sipri_milex", "atop", "lowy_gdi"} <= set(section.cited())
    assert set(section.data["gaps"]) == {"JPN", "CHN", "AUS", "IND"}
    assert section.data["gaps"]["CHN"] < 0  # China scores higher
    assert len(section.data["drivers"]) == 8
    chart = section.charts[0]
    assert chart.x[0] == 2000 and chart.x[-1] == 2024 and "rank" in chart.series


def test_the_move_is_checked_over_the_runs_of_the_band(kor: Brief) -> None:
    from powerscope.index.panel import rank_change_uncertainty
    from powerscope.power.analysis import power_spec

    section = kor.section("power")
    move = section.data["move"]
    first, last = section.data["first"], section.data["last"]
    runs = int(section.facts[0].value.split(" over ")[1].split(" runs")[0])
    expected = rank_change_uncertainty(
        power_spec(), first=first, last=last, runs=runs, seed=kor.seed
    ).set_index("code").loc["KOR"]  # fmt: skip
    assert move["share_up"] == expected["share_up"] and move["band"][0] <= move["band"][1]
    # Korea's climb from 13th to 10th holds in nearly every run
    assert section.data["rank_first"] > section.data["rank"] and move["share_up"] >= 0.9
    note = next(n.text for n in section.notes if n.text.startswith("Is the move robust?"))
    assert f"in {move['share_up']:.0%} of them" in note
    assert "powerscope index compare-years power --from 2000 --to 2024" in section.commands
