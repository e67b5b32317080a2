"""The XMILE export: a valid XMILE document that PySD runs to the same numbers as powerscope."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from powerscope.dynamics.ensemble import central_run
from powerscope.dynamics.scenario import load_scenario
from powerscope.dynamics.xmile import NAMESPACE, STOCKS, to_xmile

NS = {"x": NAMESPACE}
COMPARED = ("gdp", "knowledge", "researchers", "recruited", "articles", "patents", "milex",
            "rd_intensity", "arms_exports", "hightech_exports")  # fmt: skip


def test_document_structure(korea) -> None:
    root = ET.fromstring(to_xmile(korea, load_scenario("thousand-talents")))
    assert root.tag == f"{{{NAMESPACE}}}xmile"
    specs = root.find("x:sim_specs", NS)
    assert specs is not None and specs.findtext("x:start", namespaces=NS) == "2023"
    stocks = {s.get("name"): s for s in root.iter(f"{{{NAMESPACE}}}stock")}
    assert set(stocks) == set(STOCKS)
    assert float(stocks["gdp"].findtext("x:eqn", namespaces=NS) or 0) == korea.initial["Y"]
    recruits = next(a for a in root.iter(f"{{{NAMESPACE}}}aux") if a.get("name") == "recruits")
    assert "IF TIME >= 2026 AND TIME <= 2035 THEN 800.0 ELSE 0.0" in (
        recruits.findtext("x:eqn", namespaces=NS) or ""
    )


@pytest.mark.parametrize("scenario", ["baseline", "thousand-talents", "cuts"])
def test_pysd_runs_the_export_to_the_same_numbers(korea, tmp_path, scenario: str) -> None:
    pysd = pytest.importorskip("pysd", reason="PySD (a dev dependency) runs the XMILE export")
    chosen = load_scenario(scenario)
    path = tmp_path / "kor.xmile"
    path.write_text(to_xmile(korea, chosen, last=2050), encoding="utf-8")
    result = pysd.read_xmile(str(path)).run(return_columns=list(COMPARED))
    ours = central_run(korea, chosen, 2050)
    assert result.index[0] == 2023 and result.index[-1] == 2050
    for name in COMPARED:
        np.testing.assert_allclose(result[name].to_numpy(), ours[name][:, 0], rtol=1e-9,
                                   atol=1e-9, err_msg=name)  # fmt: skip
