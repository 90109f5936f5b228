import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdms.mdp import (
    MDP,
    absorbing_value_lp,
    absorption_analysis,
    absorption_time_lp,
    average_value,
    steady_state_lp,
    steady_state_value,
)

from .helpers import (
    all_deterministic,
    best_stationary_value,
    dense_policy_matrix,
    random_absorbing_mdp,
    random_mdp,
    reachability,
)


def enumerate_steady_state(stack, r):
    """Max over deterministic stationary policies and their closed classes (dense)."""
    k, n, _ = stack.shape
    return max(
        best_stationary_value(dense_policy_matrix(stack, d), (d * r).sum(axis=1))
        for d in all_deterministic(n, k)
    )


def enumerate_absorbing(stack, p0, n_transient, objective):
    """Values over the deterministic policies that absorb from p0 (dense inverse)."""
    k, n, _ = stack.shape
    values = []
    for d in all_deterministic(n, k):
        t_d = dense_policy_matrix(stack, d)
        reach = reachability(t_d)[np.flatnonzero(p0 > 0)].any(axis=0)[:n_transient]
        q = t_d[:n_transient, :n_transient][np.ix_(reach, reach)]
        if np.max(np.abs(np.linalg.eigvals(q)), initial=0.0) >= 1 - 1e-12:
            continue  # never absorbs from some reachable state
        visits = np.zeros(n_transient)
        visits[reach] = np.linalg.solve(np.eye(reach.sum()) - q, p0[:n_transient][reach])
        absorbed = t_d[n_transient:, :n_transient] @ visits + p0[n_transient:]
        values.append(objective(visits, absorbed))
    return values


@settings(max_examples=15)
@given(seed=st.integers(0, 2**32 - 1), dense=st.booleans(), reward=st.booleans())
def test_steady_state_lp_matches_enumeration(seed, dense, reward):
    rng = np.random.default_rng(seed)
    n, k = (4, 3) if dense else (5, 2)
    stack = random_mdp(rng, n, k, support=None if dense else 2)
    r = rng.normal(size=(n, k)) if reward else np.repeat(rng.normal(size=(n, 1)), k, axis=1)
    res = steady_state_lp(MDP(stack), r if reward else r[:, 0])
    best = enumerate_steady_state(stack, r)
    assert res.value == pytest.approx(best, rel=1e-9, abs=1e-12)
    assert res.lp_value == pytest.approx(best, rel=1e-7, abs=1e-9)
    # The decision attains the value from the states of its closed class(es).
    t_d = dense_policy_matrix(stack, res.decision)
    assert best_stationary_value(t_d, (res.decision * r).sum(axis=1)) == pytest.approx(
        best, rel=1e-9, abs=1e-12
    )
    occ = res.occupation
    assert occ.sum() == pytest.approx(1.0, rel=1e-12) and np.all(occ >= 0)
    assert np.allclose(t_d @ occ.sum(axis=1), occ.sum(axis=1), atol=1e-12)
    if dense:  # positive matrices: every policy unichain and aperiodic
        assert (
            steady_state_value(stack, res.decision, r[:, 0])
            == pytest.approx(res.value, rel=1e-12, abs=1e-14)
            or reward
        )


def test_steady_state_lp_completion_reaches_support():
    """Zero-occupation states get an action that leads into the optimal class."""
    # State 2 is transient under every policy; from 2, action 1 leads to the optimal
    # class {1}, action 0 to the poor class {0}.
    a0 = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    a1 = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    res = steady_state_lp([a0, a1], [0.0, 1.0, 0.0])
    assert res.value == pytest.approx(1.0)
    assert res.decision[2].tolist() == [0.0, 1.0]
    assert res.occupation[2].sum() == 0.0


@settings(max_examples=15)
@given(seed=st.integers(0, 2**32 - 1), support=st.sampled_from([None, 2, 3]))
def test_absorbing_lps_match_enumeration(seed, support):
    rng = np.random.default_rng(seed)
    nt, na, k = 4, 2, 3
    stack = random_absorbing_mdp(rng, nt, na, k, support=support)
    p0 = np.concatenate([rng.dirichlet(np.ones(nt)), [0.0, 0.0]])
    f = rng.normal(size=nt + na)
    values = enumerate_absorbing(stack, p0, nt, lambda v, ab: f[nt:] @ ab)
    times = enumerate_absorbing(stack, p0, nt, lambda v, ab: v.sum())
    val = absorbing_value_lp(MDP(stack), f, p0)
    assert val.value == pytest.approx(max(values), rel=1e-9, abs=1e-12)
    assert val.lp_value == pytest.approx(max(values), rel=1e-7, abs=1e-9)
    tim = absorption_time_lp(MDP(stack), p0)
    assert tim.value == pytest.approx(min(times), rel=1e-9)
    assert tim.lp_value == pytest.approx(min(times), rel=1e-7)
    # Returned decisions attain the values when evaluated independently.
    for res, objective in ((val, lambda v, ab: f[nt:] @ ab), (tim, lambda v, ab: v.sum())):
        t_d = dense_policy_matrix(stack, res.decision)
        visits = np.linalg.solve(np.eye(nt) - t_d[:nt, :nt], p0[:nt])
        absorbed = t_d[nt:, :nt] @ visits
        assert objective(visits, absorbed) == pytest.approx(res.value, rel=1e-10, abs=1e-12)
        assert np.allclose(res.occupation.sum(axis=1)[:nt], visits, rtol=1e-10)


def test_absorbing_lps_with_improper_policies_and_mass_at_start():
    # Action 1 in state 0 loops forever; the LPs must avoid it or be unaffected.
    a0 = np.array([[0.5, 0.0, 0.0], [0.25, 1.0, 0.0], [0.25, 0.0, 1.0]])
    a1 = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    p0 = np.array([0.8, 0.2, 0.0])
    tim = absorption_time_lp([a0, a1], p0, absorbing=[1, 2])
    assert tim.value == pytest.approx(0.8 * 2.0)
    assert tim.decision[0].tolist() == [1.0, 0.0]
    val = absorbing_value_lp([a0, a1], [0.0, 1.0, 3.0], p0, absorbing=[1, 2])
    assert val.value == pytest.approx(0.2 * 1.0 + 0.8 * (0.5 * 1 + 0.5 * 3))
    res = absorption_analysis([a0, a1], val.decision, p0, absorbing=[1, 2])
    assert res.value([0.0, 1.0, 3.0]) == pytest.approx(val.value, rel=1e-12)


def test_infeasible_absorption_raises():
    stuck = np.array([[1.0, 0.0], [0.0, 1.0]])
    mdp = MDP([stuck], state_labels=["start", "goal"])
    with pytest.raises(ValueError, match=r"no stationary policy reaches .*\[start\].*infeasible"):
        absorption_time_lp(mdp, 0, absorbing=[1])
    with pytest.raises(ValueError, match="absorbing_value_lp"):
        absorbing_value_lp(mdp, [0.0, 1.0], 0, absorbing=[1])


def test_steady_state_lp_on_periodic_chain_gives_cesaro_value():
    swap = np.array([[0.0, 1.0], [1.0, 0.0]])
    res = steady_state_lp([swap], [0.0, 1.0])
    assert res.value == pytest.approx(0.5)
    assert average_value([swap], res.decision, [0.0, 1.0]) == pytest.approx(0.5)


def test_lp_scales_to_a_sparse_chain():
    """A 2000-state birth-death MDP: pushing right or left; f counts the rightmost state."""
    n = 2000
    rng = np.random.default_rng(1)
    mats = []
    for bias in (0.3, 0.7):
        t = np.zeros((n, n))
        idx = np.arange(n)
        t[np.minimum(idx + 1, n - 1), idx] += bias
        t[np.maximum(idx - 1, 0), idx] += 1 - bias
        mats.append(t)
    import scipy.sparse as sp

    mdp = MDP([sp.csc_array(m) for m in mats])
    f = np.zeros(n)
    f[-1] = 1.0
    res = steady_state_lp(mdp, f)
    assert np.all(res.decision[:, 1] == 1.0)  # always push right
    ratio = 0.7 / 0.3
    assert res.value == pytest.approx((1 - 1 / ratio) / (1 - ratio ** (-n)), rel=1e-9)
    del rng


@pytest.mark.parametrize("method", ["highs-ds", "highs-ipm"])
def test_methods_agree(method, rng):
    stack = random_mdp(rng, 6, 2)
    f = rng.random(6)
    assert steady_state_lp(stack, f, method=method).value == pytest.approx(
        steady_state_lp(stack, f).value, rel=1e-10
    )
    with pytest.raises(ValueError, match="method must be one of"):
        steady_state_lp(stack, f, method="simplex")


def test_steady_state_lp_scale_is_validated_and_harmless():
    stay, switch = np.eye(2), np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="scale must be an array of 2 finite positive"):
        steady_state_lp([stay, switch], [0.0, 1.0], scale=[1.0, 0.0])
    assert steady_state_lp([stay, switch], [0.0, 1.0], scale=[1.0, 1e-8]).value == 1.0
