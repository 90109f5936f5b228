import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from qdms.mdp import (
    MDP,
    average_value,
    chain_structure,
    stationary_distribution,
    steady_state_value,
)

from .helpers import dense_closed_classes, dense_policy_matrix, null_space_distribution, random_mdp


def test_matches_dense_null_space_and_power_iteration(rng):
    stack = random_mdp(rng, 30, 2, support=4)
    d = rng.dirichlet(np.ones(2), size=30)
    t_d = dense_policy_matrix(stack, d)
    classes = dense_closed_classes(t_d)
    assert len(classes) == 1  # this seed gives a unichain policy
    pi = stationary_distribution(MDP(stack), d)
    ref = np.zeros(30)
    ref[classes[0]] = null_space_distribution(t_d[np.ix_(classes[0], classes[0])])
    assert np.allclose(pi, ref, rtol=1e-9, atol=1e-14)
    power = np.linalg.matrix_power(t_d, 4096) @ np.full(30, 1 / 30)
    assert np.allclose(pi, power, rtol=1e-9, atol=1e-14)
    f = rng.normal(size=30)
    assert steady_state_value(stack, d, f) == pytest.approx(power @ f, rel=1e-9)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 12))
def test_structure_matches_transitive_closure(seed, n):
    rng = np.random.default_rng(seed)
    t = np.zeros((n, n))
    for j in range(n):  # sparse columns, often reducible
        m = int(rng.integers(1, min(n, 3) + 1))
        rows = rng.choice(n, size=m, replace=False)
        t[rows, j] = rng.dirichlet(np.ones(m))
    s = chain_structure(t)
    ref = sorted(dense_closed_classes(t), key=lambda c: c[0])
    assert [c.tolist() for c in s.closed_classes] == [c.tolist() for c in ref]
    closed = np.concatenate(ref)
    assert sorted(s.transient.tolist() + closed.tolist()) == list(range(n))
    for cls, period in zip(s.closed_classes, s.periods, strict=True):
        # Period = gcd of the return times: T_C^period is block-cyclic, so T_C^t has a
        # positive diagonal entry only for t a multiple of the period.
        block = t[np.ix_(cls, cls)] > 0
        returns = [
            k
            for k in range(1, 2 * cls.size + 1)
            if np.trace(np.linalg.matrix_power(block.astype(int), k)) > 0
        ]
        assert period == np.gcd.reduce(returns)


def test_periodic_chain_raises_but_average_exists():
    # A 3-cycle with a transient state feeding it.
    t = np.zeros((4, 4))
    t[1, 0] = t[2, 1] = t[0, 2] = 1.0
    t[0, 3] = 1.0
    s = chain_structure(t)
    assert s.periods == (3,) and s.transient.tolist() == [3]
    assert np.allclose(stationary_distribution(t), [1 / 3, 1 / 3, 1 / 3, 0])
    f = np.array([3.0, 0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="periodic with period 3"):
        steady_state_value(t, None, f)
    # Cesàro average of E[f(X_t)] from state 3, by dense powers.
    p = np.eye(4)[3]
    vals = []
    for _ in range(3000):
        vals.append(f @ p)
        p = t @ p
    assert average_value(t, None, f) == pytest.approx(np.mean(vals), abs=1e-3)
    assert average_value(t, None, f) == pytest.approx(1.0, rel=1e-12)


def test_multichain_raises_naming_classes():
    t = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [0.0, 0.0, 0.0]])
    mdp = MDP([t], state_labels=["left", "right", "start"])
    with pytest.raises(ValueError, match=r"2 closed classes.*\[left\].*\[right\].*not unique"):
        stationary_distribution(mdp)
    with pytest.raises(ValueError, match="2 closed classes"):
        steady_state_value(mdp, None, [0.0, 1.0, 0.0])


def test_decision_required_for_mdp():
    with pytest.raises(ValueError, match="decision is required"):
        stationary_distribution([np.eye(2), np.eye(2)])


def test_large_sparse_chain_is_accurate():
    # Birth-death chain with known stationary distribution pi(i) ~ (p/q)^i.
    n, p, q = 2000, 0.3, 0.5
    main = np.full(n, 1 - p - q)
    main[0], main[-1] = 1 - p, 1 - q
    t = sp.diags_array([main, np.full(n - 1, p), np.full(n - 1, q)], offsets=[0, -1, 1])
    pi = stationary_distribution(sp.csc_array(t))
    ratio = p / q
    log_ref = np.arange(n) * np.log(ratio) + np.log1p(-ratio) - np.log1p(-(ratio**n))
    big = pi > 1e-250
    assert np.allclose(pi[big], np.exp(log_ref[big]), rtol=1e-9)


def elementary_link(p, m_star):
    """Khatri Sec. II.2 (eq. 5-10): states m = -1..m_star at indices 0..m_star+1; wait, request."""
    n = m_star + 2
    wait = np.zeros((n, n))
    wait[0, 0] = 1.0
    for m in range(m_star):
        wait[m + 2, m + 1] = 1.0  # age m -> m + 1
    wait[0, n - 1] = 1.0  # age m_star: discarded
    request = np.zeros((n, n))
    request[0, :] = 1 - p
    request[1, :] = p
    return MDP([wait, request])


@pytest.mark.parametrize(("p", "cutoff", "m_star"), [(0.3, 0, 4), (0.3, 3, 4), (0.05, 7, 7)])
def test_elementary_link_cutoff_activity(p, cutoff, m_star):
    """Steady-state activity p (t*+1) / (1 + p t*) of the memory-cutoff policy (API.md)."""
    mdp = elementary_link(p, m_star)
    ages = np.arange(-1, m_star + 1)
    request = (ages == -1) | (ages >= cutoff)
    d = np.column_stack([~request, request]).astype(float)
    active = (ages >= 0).astype(float)
    expected = p * (cutoff + 1) / (1 + p * cutoff)
    assert steady_state_value(mdp, d, active) == pytest.approx(expected, rel=1e-12)


def test_elementary_link_with_certain_success_is_periodic():
    mdp = elementary_link(1.0, 3)
    ages = np.arange(-1, 4)
    request = (ages == -1) | (ages >= 2)
    d = np.column_stack([~request, request]).astype(float)
    with pytest.raises(ValueError, match="periodic with period 3"):
        steady_state_value(mdp, d, (ages >= 0).astype(float))
    assert average_value(mdp, d, (ages >= 0).astype(float)) == pytest.approx(1.0)
