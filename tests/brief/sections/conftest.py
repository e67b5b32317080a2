"""The South Korea brief of tests/brief/conftest.py, as ``kor``."""

from __future__ import annotations

import pytest

from powerscope.brief.sections import Brief


@pytest.fixture
def kor(kor_brief: Brief) -> Brief:
    return kor_brief
