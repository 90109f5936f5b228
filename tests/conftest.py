"""Shared fixtures: a seeded generator per test (results are reproducible)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# The default profile is derandomised: CI draws the same examples on every run, so a red
# build is a real regression, never a new random draw. `make test-deep` searches afresh
# with many more examples (profile "deep").
_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("qdms", max_examples=40, derandomize=True, database=None, **_common)
settings.register_profile("deep", max_examples=2000, **_common)
settings.load_profile(os.environ.get("QDMS_HYPOTHESIS_PROFILE", "qdms"))


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
