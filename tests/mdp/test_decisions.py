import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.mdp import MDP, check_decision, check_policy, deterministic_decision, policy_matrix

from .helpers import dense_policy_matrix, random_mdp


def test_deterministic_decision_one_hot():
    d = deterministic_decision(np.array([2, 0, 1]), 3)
    assert np.array_equal(d, np.eye(3)[[2, 0, 1]])
    assert np.array_equal(deterministic_decision([1.0, 0.0], 2), [[0, 1], [1, 0]])


@pytest.mark.parametrize(
    ("actions", "n_actions", "error", "match"),
    [
        ([0, 2], 2, ValueError, r"\[0, 1\], found 2"),
        ([-1], 2, ValueError, "found -1"),
        ([0.5], 2, TypeError, "integers"),
        ([[0]], 2, ValueError, "1-dimensional"),
        ([0], 0, ValueError, "n_actions"),
    ],
)
def test_deterministic_decision_errors(actions, n_actions, error, match):
    with pytest.raises(error, match=match):
        deterministic_decision(actions, n_actions)


@pytest.mark.parametrize(
    ("decision", "match"),
    [
        ([[0.5, 0.5]], r"shape \(n_states, n_actions\) = \(2, 2\)"),
        ([[0.5, 0.6], [1, 0]], "row 0 sums to 1.1"),
        ([[1.5, -0.5], [1, 0]], r"\[0, 1\]"),
    ],
)
def test_check_decision_errors(decision, match):
    with pytest.raises(ValueError, match=match):
        check_decision(decision, 2, 2)


def test_check_policy_forms():
    d = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert isinstance(check_policy(d, 2, 2), np.ndarray)
    assert len(check_policy(np.stack([d, d, d]), 2, 2, steps=3)) == 3
    assert len(check_policy([d, d], 2, 2)) == 2
    with pytest.raises(ValueError, match="at least steps = 3"):
        check_policy([d, d], 2, 2, steps=3)
    with pytest.raises(ValueError, match=r"policy\[1\] \(d_2\)"):
        check_policy([d, d * 2], 2, 2)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), k=st.integers(1, 3))
def test_policy_matrix_matches_eq_148_and_is_stochastic(seed, n, k):
    rng = np.random.default_rng(seed)
    stack = random_mdp(rng, n, k, support=min(n, 2))
    d = rng.dirichlet(np.ones(k), size=n)
    t_d = policy_matrix(MDP(stack), d).toarray()
    assert np.allclose(t_d, dense_policy_matrix(stack, d), rtol=1e-14, atol=1e-15)
    assert np.all(t_d >= 0)
    assert np.allclose(t_d.sum(axis=0), 1.0, rtol=0, atol=1e-13)
