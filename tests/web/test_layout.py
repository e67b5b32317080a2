"""The web shell's layout: one router per domain, assembled by ``create_app``, and no import
circle (a router never imports :mod:`powerscope.web.api`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import powerscope.web
from powerscope.web.routers import ROUTERS

WEB = Path(powerscope.web.__file__).resolve().parent
DOMAINS = ("alignment", "arms", "claims", "countries", "dashboard", "datasets", "dynamics",
           "indices", "military", "research", "talent", "ties", "uploads")  # fmt: skip


MODULES = [f"routers.{d}" for d in DOMAINS] + ["common", "api"]

#: imports each module first, with none of powerscope imported before it (third-party packages
#: stay loaded: only powerscope's own modules can form a circle here), and prints, per module,
#: whether it pulled in the API
FIRST_IMPORTS = """
import importlib, sys
for module in sys.argv[1:]:
    for name in [n for n in sys.modules if n == "powerscope" or n.startswith("powerscope.")]:
        del sys.modules[name]
    importlib.import_module("powerscope.web." + module)
    print(module, "powerscope.web.api" in sys.modules)
"""


def test_each_module_imports_first() -> None:
    """Imported first, a module of an import circle fails (a partly initialised module)."""
    env = {**os.environ, "PYTHONPATH": str(WEB.parents[1])}
    proc = subprocess.run(
        [sys.executable, "-c", FIRST_IMPORTS, *MODULES],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    pulled = dict(line.split() for line in proc.stdout.splitlines())
    # routers do not pull in the API; only the API itself is the API
    assert pulled == {m: str(m == "api") for m in MODULES}


def test_no_web_module_but_the_package_imports_the_api() -> None:
    imports_api = re.compile(
        r"^\s*(from powerscope\.web\.api import|import powerscope\.web\.api|"
        r"from powerscope\.web import .*\bapi\b)",
        re.MULTILINE,
    )
    importers = [
        str(path.relative_to(WEB))
        for path in WEB.rglob("*.py")
        if imports_api.search(path.read_text(encoding="utf-8"))
    ]
    assert importers == ["__init__.py"]  # its lazy create_app


def test_one_router_per_domain_and_short_routes() -> None:
    assert sorted(p.stem for p in (WEB / "routers").glob("[!_]*.py")) == sorted(DOMAINS)
    assert len(ROUTERS) == len(DOMAINS)
    for router in ROUTERS:
        for route in router.routes:
            code = route.endpoint.__code__  # type: ignore[attr-defined]
            lines = max(n for _, _, n in code.co_lines() if n) - code.co_firstlineno
            assert lines < 60, f"{route.path}: {lines} lines"  # type: ignore[attr-defined]
