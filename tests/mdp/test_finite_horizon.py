import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdms.mdp import MDP, backward_recursion, expected_values

from .helpers import all_deterministic, dense_policy_matrix, random_mdp


def exhaustive_optimum(stack, f, steps, rewards):
    """Max over all deterministic time-dependent policies, per initial state, by dense products."""
    k, n, _ = stack.shape
    decisions = list(all_deterministic(n, k))
    best = np.full(n, -np.inf)
    for seq in itertools.product(decisions, repeat=steps):
        p = np.eye(n)  # column s: started in s
        total = np.zeros(n)
        for d in seq:
            total += ((d * rewards).sum(axis=1)) @ p
            p = dense_policy_matrix(stack, d) @ p
        total += f @ p
        best = np.maximum(best, total)
    return best


@settings(max_examples=12)
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 3), with_rewards=st.booleans())
def test_matches_exhaustive_search(seed, steps, with_rewards):
    rng = np.random.default_rng(seed)
    n, k = 3, 2
    stack = random_mdp(rng, n, k, support=2)
    f = rng.normal(size=n)
    rewards = rng.normal(size=(n, k)) if with_rewards else np.zeros((n, k))
    res = backward_recursion(MDP(stack), f, steps, rewards=rewards if with_rewards else None)
    best = exhaustive_optimum(stack, f, steps, rewards)
    assert np.allclose(res.values[0], best, rtol=1e-12, atol=1e-13)
    assert np.array_equal(res.values[-1], f)


def test_returned_policy_attains_value(rng):
    stack = random_mdp(rng, 8, 3, support=3)
    f = rng.random(8)
    p0 = rng.dirichlet(np.ones(8))
    res = backward_recursion(stack, f, 6, initial=p0)
    assert res.decisions.shape == (6, 8, 3)
    achieved = expected_values(stack, res.decisions, p0, f, 6)[-1]
    assert res.value == pytest.approx(achieved, rel=1e-12)
    # Intermediate w_t: the optimum of the remaining horizon from time t.
    later = backward_recursion(stack, f, 2)
    assert np.allclose(res.values[4], later.values[0], rtol=1e-13)


def test_ties_go_to_lowest_action():
    same = np.array([[0.5, 0.5], [0.5, 0.5]])
    res = backward_recursion([same, same], [0.0, 1.0], 3)
    assert np.all(res.actions == 0)


def test_zero_steps_and_errors():
    res = backward_recursion([np.eye(2)], [1.0, 2.0], 0, initial=[0.5, 0.5])
    assert res.value == 1.5 and res.decisions.shape == (0, 2, 1)
    with pytest.raises(ValueError, match="rewards must be"):
        backward_recursion([np.eye(2)], [1.0, 2.0], 1, rewards=np.zeros((2, 3)))
    with pytest.raises(TypeError, match="steps must be an integer"):
        backward_recursion([np.eye(2)], [1.0, 2.0], 1.5)
