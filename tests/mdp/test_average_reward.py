import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdms.mdp import (
    MDP,
    average_reward_policy_iteration,
    average_value,
    deterministic_decision,
    relative_value_iteration,
    steady_state_lp,
)

from .helpers import all_deterministic, best_stationary_value, dense_policy_matrix, random_mdp


@settings(max_examples=12)
@given(seed=st.integers(0, 2**32 - 1), reward=st.booleans())
def test_agree_with_lp_and_enumeration(seed, reward):
    rng = np.random.default_rng(seed)
    n, k = 5, 2
    stack = random_mdp(rng, n, k)  # positive: unichain and aperiodic
    r = rng.normal(size=(n, k)) if reward else rng.normal(size=n)
    r2 = r if reward else np.repeat(r[:, None], k, axis=1)
    best = max(
        best_stationary_value(dense_policy_matrix(stack, d), (d * r2).sum(axis=1))
        for d in all_deterministic(n, k)
    )
    pi = average_reward_policy_iteration(MDP(stack), r)
    vi = relative_value_iteration(MDP(stack), r, tol=1e-12)
    lp = steady_state_lp(MDP(stack), r)
    assert pi.value == pytest.approx(best, rel=1e-10, abs=1e-12)
    assert lp.value == pytest.approx(best, rel=1e-10, abs=1e-12)
    assert vi.value == pytest.approx(best, rel=1e-9, abs=1e-11)
    assert vi.lower_bound <= best + 1e-12 and best <= vi.upper_bound + 1e-12
    for res in (pi, vi):
        assert average_value(stack, res.decision, r) == pytest.approx(res.value, rel=1e-12)


def test_bias_solves_the_optimality_equation(rng):
    stack = random_mdp(rng, 40, 3, support=5)
    f = rng.random(40)
    res = average_reward_policy_iteration(stack, f)
    h = res.state_values
    assert h[0] == 0.0
    rhs = (f[:, None] + np.einsum("ats,t->sa", stack, h)).max(axis=1)
    assert np.allclose(res.value + h, rhs, rtol=1e-10, atol=1e-10)


def test_periodic_mdp_converges_with_aperiodicity_transform():
    swap = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])  # a 3-cycle
    stay = np.eye(3)[:, [1, 2, 0]] * 0.0 + np.array(
        [[0.5, 0.0, 0.5], [0.5, 0.5, 0.0], [0.0, 0.5, 0.5]]
    )
    f = np.array([1.0, 0.0, 0.0])
    vi = relative_value_iteration([swap, stay], f, tol=1e-12)
    pi = average_reward_policy_iteration([swap, stay], f)
    assert vi.value == pytest.approx(pi.value, rel=1e-9)
    with pytest.raises(RuntimeError, match="did not meet"):
        relative_value_iteration([swap], f, aperiodicity=0.0, max_iterations=50)


def test_multichain_raises():
    stay = np.eye(2)
    with pytest.raises(ValueError, match="needs a unichain MDP"):
        average_reward_policy_iteration([stay, stay], [0.0, 1.0])


def test_start_decision_must_be_deterministic():
    stack = [np.full((2, 2), 0.5), np.eye(2)[:, [1, 0]]]
    with pytest.raises(ValueError, match="deterministic"):
        average_reward_policy_iteration(stack, [0.0, 1.0], decision=np.full((2, 2), 0.5))
    res = average_reward_policy_iteration(
        stack, [0.0, 1.0], decision=deterministic_decision([1, 0], 2)
    )
    assert res.value == pytest.approx(2 / 3, rel=1e-12)  # swap in 0, mix in 1: pi(1) = 2/3


def test_value_iteration_relative_values_match_policy_iteration(rng):
    stack = random_mdp(rng, 12, 2)
    f = rng.random(12)
    pi = average_reward_policy_iteration(stack, f)
    vi = relative_value_iteration(stack, f, tol=1e-13)
    assert np.array_equal(pi.decision, vi.decision)
    assert np.allclose(vi.state_values, pi.state_values, rtol=1e-8, atol=1e-9)
