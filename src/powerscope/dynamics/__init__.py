"""The self-reliance loop: a calibrated dynamic model of science & technology, economy and defence.

See ``docs/dynamics.md``: :mod:`~powerscope.dynamics.model` (equations),
:mod:`~powerscope.dynamics.calibrate`, :mod:`~powerscope.dynamics.scenario`,
:mod:`~powerscope.dynamics.ensemble`, :mod:`~powerscope.dynamics.backtest`,
:mod:`~powerscope.dynamics.loops` and :mod:`~powerscope.dynamics.service` (for the shells).
"""
