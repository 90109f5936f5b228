"""Shared fixtures: a seeded generator per test (results are reproducible)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "qdms", deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("qdms")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261125)
