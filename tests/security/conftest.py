"""The attack tests' apps run heavy computations in the server's threads
(``POWERSCOPE_HEAVY_WORKERS=0`` unless set); ``tests/web/test_heavy_pool.py`` runs the real
worker pool, and ``tests/security/test_web_limits.py`` checks its limits on one."""

from __future__ import annotations

import os

from powerscope.web.limits import HEAVY_WORKERS_ENV

os.environ.setdefault(HEAVY_WORKERS_ENV, "0")
