"""What the demography and talent attachments need of a calibration, as a protocol, so that
:mod:`powerscope.dynamics.calibrate` can use them without the two modules importing it back."""

from __future__ import annotations

from typing import Any, Protocol

import pandas as pd


class Calibrated(Protocol):
    """The fields of :class:`powerscope.dynamics.calibrate.Calibration` that
    :mod:`~powerscope.dynamics.demography` and :mod:`~powerscope.dynamics.talent` read or fill."""

    code: str
    fixed: dict[str, float]
    sources: dict[str, str]
    notes: list[str]
    paths: dict[str, pd.Series]
    talent: dict[str, Any] | None
