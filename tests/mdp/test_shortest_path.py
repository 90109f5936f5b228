import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from qdms.mdp import (
    MDP,
    absorption_time_lp,
    absorption_time_policy_iteration,
    absorption_time_value_iteration,
    deterministic_decision,
    expected_absorption_time,
)

from .helpers import all_deterministic, dense_policy_matrix, random_absorbing_mdp


def enumerate_times(stack, nt):
    """Per-state minimum over deterministic policies whose transient block has spectral radius < 1."""
    k, n, _ = stack.shape
    best = np.full(nt, np.inf)
    for d in all_deterministic(n, k):
        q = dense_policy_matrix(stack, d)[:nt, :nt]
        if np.max(np.abs(np.linalg.eigvals(q))) < 1 - 1e-12:
            best = np.minimum(best, np.linalg.solve(np.eye(nt) - q.T, np.ones(nt)))
    return best


@settings(max_examples=12)
@given(seed=st.integers(0, 2**32 - 1), support=st.sampled_from([None, 2]))
def test_agree_with_enumeration_and_lp(seed, support):
    rng = np.random.default_rng(seed)
    nt, na, k = 4, 2, 3
    stack = random_absorbing_mdp(rng, nt, na, k, support=support)
    best = enumerate_times(stack, nt)
    p0 = np.concatenate([rng.dirichlet(np.ones(nt)), [0.0, 0.0]])
    pi = absorption_time_policy_iteration(MDP(stack), initial=p0)
    vi = absorption_time_value_iteration(MDP(stack), initial=p0, tol=1e-12)
    lp = absorption_time_lp(MDP(stack), p0)
    assert np.allclose(pi.state_values[:nt], best, rtol=1e-10)
    assert np.allclose(vi.state_values[:nt], best, rtol=1e-9)
    assert np.all(pi.state_values[nt:] == 0.0)
    for res in (pi, vi):
        assert res.value == pytest.approx(p0[:nt] @ best, rel=1e-9)
        assert expected_absorption_time(stack, res.decision, p0) == pytest.approx(
            res.value, rel=1e-12
        )
    assert lp.value == pytest.approx(pi.value, rel=1e-9)
    assert vi.lower_bound <= p0[:nt] @ best + 1e-12 <= vi.upper_bound + 2e-12


def test_hopeless_states_are_infinite_and_initial_mass_there_raises():
    # State 0 can only loop (it is not a target: absorbing=[2] is explicit);
    # state 1 reaches 2 with prob 1/2 per step.
    a0 = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.5, 1.0]])
    mdp = MDP([a0], state_labels=["loop", "try", "done"])
    res = absorption_time_policy_iteration(mdp, initial=1, absorbing=[2])
    assert res.value == 2.0 and np.isinf(res.state_values[0])
    vi = absorption_time_value_iteration(mdp, initial=1, absorbing=[2])
    assert vi.value == pytest.approx(2.0, rel=1e-12)
    with pytest.raises(ValueError, match=r"initial states \[loop\]"):
        absorption_time_policy_iteration(mdp, initial=0, absorbing=[2])
    with pytest.raises(ValueError, match="proper policy"):
        absorption_time_policy_iteration(
            [a0, np.eye(3)], absorbing=[2], decision=deterministic_decision([0, 1, 0], 2)
        )


def test_actions_that_may_leave_the_winning_set_are_avoided():
    # From state 0: action 0 reaches the goal 3 in one step w.p. 0.9 but falls into the trap 1
    # w.p. 0.1; action 1 reaches the goal via state 2 in two steps surely.
    n = 4
    a0 = np.zeros((n, n))
    a0[[3, 1], 0] = [0.9, 0.1]
    a0[1, 1] = a0[3, 2] = a0[3, 3] = 1.0
    a1 = a0.copy()
    a1[:, 0] = 0.0
    a1[2, 0] = 1.0
    res = absorption_time_policy_iteration([a0, a1], initial=0, absorbing=[3])
    assert res.value == 2.0 and res.decision[0].tolist() == [0.0, 1.0]
    assert absorption_time_lp([a0, a1], 0, absorbing=[3]).value == pytest.approx(2.0)


def test_long_chain_is_well_conditioned():
    """A 3000-state walk that must push right to reach the absorbing right end."""
    n = 3000
    idx = np.arange(n - 1)
    mats = []
    for right in (0.3, 0.7):
        t = sp.lil_array((n, n))
        t[idx + 1, idx] = right
        t[np.maximum(idx - 1, 0), idx] = 1 - right
        t[n - 1, n - 1] = 1.0
        mats.append(sp.csc_array(t))
    mdp = MDP(mats)
    res = absorption_time_policy_iteration(mdp, initial=0)
    assert np.all(res.decision[:-1, 1] == 1.0)
    lp = absorption_time_lp(mdp, 0)
    assert lp.value == pytest.approx(res.value, rel=1e-9)
    # Drift 0.4 per step, a reflecting start: E[tau] ~ (n - 1) / 0.4 plus a boundary correction.
    assert res.value == pytest.approx((n - 1) / 0.4, rel=1e-2)
