"""Shared fixtures: a seeded generator per test (results are reproducible)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "qdms", deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("qdms")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261125)


def _normalised(values):
    return np.array(values) / sum(values)


#: Hypothesis strategy: a random two-qubit Bell-diagonal coefficient vector.
simplex4 = (
    st.lists(st.floats(0, 1), min_size=4, max_size=4)
    .filter(lambda v: sum(v) > 1e-3)
    .map(_normalised)
)
