import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.mdp import MDP, expected_values, state_distributions

from .helpers import dense_policy_matrix, random_mdp, simulate


def test_stationary_policy_matches_dense_powers(rng):
    stack = random_mdp(rng, 7, 3, support=3)
    d = rng.dirichlet(np.ones(3), size=7)
    p0 = rng.dirichlet(np.ones(7))
    dists = state_distributions(MDP(stack), d, p0, 12)
    t_d = dense_policy_matrix(stack, d)
    for t in range(13):
        assert np.allclose(dists[t], np.linalg.matrix_power(t_d, t) @ p0, rtol=1e-12, atol=1e-15)


def test_time_dependent_policy_applies_d1_first(rng):
    """p_1 = T_{d_1} p_0, p_2 = T_{d_2} T_{d_1} p_0 (Khatri eq. 153-155)."""
    stack = random_mdp(rng, 5, 2, support=2)
    ds = rng.dirichlet(np.ones(2), size=(4, 5))
    p0 = rng.dirichlet(np.ones(5))
    dists = state_distributions(MDP(stack), ds, p0, 4)
    p = p0
    for t in range(1, 5):
        p = dense_policy_matrix(stack, ds[t - 1]) @ p
        assert np.allclose(dists[t], p, rtol=1e-12, atol=1e-15)
    # A deterministic two-state example that distinguishes the order of d_1 and d_2.
    stay, swap = np.eye(2), np.array([[0.0, 1.0], [1.0, 0.0]])
    d_swap, d_stay = np.array([[0, 1], [0, 1.0]]), np.array([[1, 0], [1, 0.0]])
    seq = state_distributions([stay, swap], [d_swap, d_stay], 0, 2)
    assert np.array_equal(seq, [[1, 0], [0, 1], [0, 1]])


def test_batch_initial_and_expected_values(rng):
    stack = random_mdp(rng, 6, 2)
    d = rng.dirichlet(np.ones(2), size=6)
    p0 = rng.dirichlet(np.ones(6), size=3).T  # three columns
    f = rng.normal(size=6)
    batch = state_distributions(stack, d, p0, 5)
    assert batch.shape == (6, 6, 3)
    vals = expected_values(stack, d, p0, f, 5)
    for j in range(3):
        single = state_distributions(stack, d, p0[:, j], 5)
        assert np.allclose(batch[:, :, j], single, rtol=1e-14)
        assert np.allclose(vals[:, j], single @ f, rtol=1e-12)


def test_monte_carlo_agrees(rng):
    stack = random_mdp(rng, 5, 3, support=3)
    ds = rng.dirichlet(np.ones(3), size=(6, 5))
    p0 = rng.dirichlet(np.ones(5))
    f = np.array([0.0, 1.0, 2.0, -1.0, 0.5])
    size = 40_000
    paths = simulate(rng, stack, lambda t: ds[t - 1], p0, 6, size)
    dists = state_distributions(stack, ds, p0, 6)
    vals = expected_values(stack, ds, p0, f, 6)
    for t in range(7):
        freq = np.bincount(paths[t], minlength=5) / size
        se = np.sqrt(dists[t] * (1 - dists[t]) / size)
        assert np.all(np.abs(freq - dists[t]) <= 5 * se + 1e-12)
        fx = f[paths[t]]
        assert abs(fx.mean() - vals[t]) <= 5 * fx.std() / np.sqrt(size) + 1e-12


@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(0, 8))
def test_distributions_stay_probability_vectors(seed, steps):
    rng = np.random.default_rng(seed)
    stack = random_mdp(rng, 4, 2, support=2)
    d = rng.dirichlet(np.ones(2), size=4)
    dists = state_distributions(stack, d, int(rng.integers(4)), steps)
    assert dists.shape == (steps + 1, 4)
    assert np.all(dists >= 0)
    assert np.allclose(dists.sum(axis=1), 1.0, rtol=0, atol=1e-13)


def test_errors():
    stack = [np.eye(2), np.eye(2)]
    d = np.array([[1.0, 0.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="at least steps = 3"):
        state_distributions(stack, [d, d], 0, 3)
    with pytest.raises(ValueError, match="initial must sum to 1"):
        state_distributions(stack, d, [0.5, 0.6], 1)
    with pytest.raises(ValueError, match=r"initial must be an integer in \[0, 1\]"):
        state_distributions(stack, d, 2, 1)
    with pytest.raises(ValueError, match="steps"):
        state_distributions(stack, d, 0, -1)
    with pytest.raises(ValueError, match=r"f must be a function of the state, shape \(2,\)"):
        expected_values(stack, d, 0, [1.0, 2.0, 3.0], 1)
