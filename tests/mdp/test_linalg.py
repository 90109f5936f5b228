"""The solvers of qdms.mdp._linalg: LU for narrow bands, GMRES for expanders, GTH for rare events."""

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

import qdms.mdp._linalg as linalg
from qdms.mdp import absorption_analysis, average_reward_policy_iteration, stationary_distribution
from tests.exact import gauss_jordan


def random_sparse_chain(rng, n, s=3):
    cols = np.repeat(np.arange(n), s)
    rows = rng.integers(0, n, size=n * s)
    vals = rng.dirichlet(np.ones(s), size=n).ravel()
    return sp.csc_array((vals, (rows, cols)), shape=(n, n))


@pytest.fixture
def small_direct_limit(monkeypatch):
    """Route systems above 200 states with a wide band to GMRES (the default limit is 5000)."""
    monkeypatch.setattr(linalg, "DIRECT_MAX_STATES", 200)
    monkeypatch.setattr(linalg, "DIRECT_MAX_WORK", 1e6)


def test_choice_of_solver(rng):
    n = 100_000
    band = sp.diags_array([np.full(n - 1, 0.5), np.full(n - 1, 0.5)], offsets=[-1, 1])
    assert linalg.prefer_direct(sp.csc_array(sp.eye_array(n) - band))
    assert linalg.prefer_direct(sp.eye_array(100) - random_sparse_chain(rng, 100))  # small
    assert not linalg.prefer_direct(sp.eye_array(6000) - random_sparse_chain(rng, 6000))
    # An arrow (every state resets to state 0, as in a link MDP) plus a path: LU is cheap.
    arrow = sp.lil_array((n, n))
    arrow[0, :] = 0.5
    arrow[np.arange(1, n), np.arange(n - 1)] = 0.5
    arrow[0, n - 1] = 1.0
    assert linalg.prefer_direct(sp.csc_array(sp.eye_array(n) - arrow))


def test_gmres_path_matches_direct_lu(rng, small_direct_limit):
    n = 1500
    a = sp.csc_array(sp.eye_array(n) - 0.97 * random_sparse_chain(rng, n))
    assert not linalg.prefer_direct(a)
    b = rng.random(n)
    assert np.allclose(linalg.solve(a, b), spla.splu(a).solve(b), rtol=1e-10)


def test_gmres_path_in_the_analyses(rng, small_direct_limit):
    n = 1500
    t = random_sparse_chain(rng, n, s=4)
    pi = stationary_distribution(t)
    p = np.full(n, 1 / n)
    for _ in range(400):  # fast mixing: power iteration converges geometrically
        p = t @ p
    assert np.allclose(pi[pi > 0], p[pi > 0], rtol=1e-9)
    # Absorb into states 0..49 (many targets: the chain is absorbed quickly).
    dense = t.toarray()
    dense[:, :50] = np.eye(n)[:, :50]
    p0 = np.concatenate([np.zeros(50), np.full(n - 50, 1 / (n - 50))])
    res = absorption_analysis(dense, None, p0)
    q = dense[50:, 50:]
    ref = np.linalg.solve(np.eye(n - 50) - q, p0[50:])
    assert np.allclose(res.visits[50:], ref, rtol=1e-9)
    # Gain evaluation of a two-action MDP through GMRES agrees with the power method.
    t2 = random_sparse_chain(rng, n, s=4)
    f = rng.random(n)
    gain = average_reward_policy_iteration([t, t2], f)
    p = np.full(n, 1 / n)
    t_d = sp.csc_array(np.where(gain.decision[:, 0] == 1, t.toarray(), t2.toarray()))
    for _ in range(400):
        p = t_d @ p
    assert gain.value == pytest.approx(p @ f, rel=1e-9)


def test_banded_ordering_path_matches_colamd(rng, monkeypatch):
    """Systems above DIRECT_MAX_STATES use RCM with dense rows last: same solutions."""
    monkeypatch.setattr(linalg, "DIRECT_MAX_STATES", 50)
    n = 600
    t = np.zeros((n, n))
    idx = np.arange(n)
    t[np.minimum(idx + 1, n - 1), idx] += 0.6
    t[np.maximum(idx - 1, 0), idx] += 0.35
    t[3, idx] += 0.05  # a reset row: dense, ordered last
    t = sp.csc_array(t)
    perm, bandwidth = linalg._ordering(sp.eye_array(n) - t)
    assert sorted(perm.tolist()) == list(range(n)) and perm[-1] == 3 and bandwidth <= 2
    for a in (sp.csc_array(sp.eye_array(n) - 0.99 * t), sp.csc_array(sp.eye_array(n) - t.T)):
        a = a.tolil()
        a[:, 0] = 1.0  # also a dense column (the gain system)
        a = sp.csc_array(a)
        b = rng.random(n)
        assert np.allclose(linalg._direct(a, b), spla.splu(a).solve(b), rtol=1e-10)


def test_stationary_with_tiny_probabilities_on_the_banded_path(monkeypatch):
    monkeypatch.setattr(linalg, "DIRECT_MAX_STATES", 50)
    n, p, q = 2000, 0.5, 0.3  # drift to the right end: pi(i) ~ (p/q)^i
    main = np.full(n, 1 - p - q)
    main[0], main[-1] = 1 - p, 1 - q
    t = sp.csc_array(
        sp.diags_array([main, np.full(n - 1, p), np.full(n - 1, q)], offsets=[0, -1, 1])
    )
    pi = stationary_distribution(t)
    ratio = q / p
    log_ref = (n - 1 - np.arange(n)) * np.log(ratio) + np.log1p(-ratio) - np.log1p(-(ratio**n))
    big = pi > 1e-250
    assert big.sum() > 1000
    assert np.allclose(pi[big], np.exp(log_ref[big]), rtol=1e-9)


def _exact_visits(q, exits, b):
    """(1 - Q) v = b over Fractions, the chain given by its off-diagonal and exit probabilities.

    The diagonal of 1 - Q is exits + the off-diagonal column sum, exactly (Gauss-Jordan).
    """
    from fractions import Fraction

    n = len(b)
    q = [[Fraction(v) for v in row] for row in q]
    leave = [Fraction(exits[j]) + sum(q[i][j] for i in range(n) if i != j) for j in range(n)]
    rows = [
        [leave[j] if i == j else -q[i][j] for j in range(n)] + [Fraction(b[i])] for i in range(n)
    ]
    gauss_jordan(rows)
    return np.array([float(r[n]) for r in rows])


@pytest.mark.parametrize("exit_probability", [1e-3, 1e-9, 1e-15, 1e-30])
def test_gth_keeps_every_digit_when_absorption_is_rare(rng, exit_probability):
    # A random 12-state chain left through one state with a tiny probability: LU on 1 - Q
    # loses ~log10(1/exit) digits (the diagonal 1 - Q[0, 0] cannot even be stored).
    n = 12
    q = rng.dirichlet(np.ones(n), size=n).T  # columns sum to 1
    exits = np.zeros(n)
    exits[0] = exit_probability
    b = rng.random(n)
    exact = _exact_visits(q.tolist(), exits, b)
    factor = linalg.gth_factor(sp.csc_array(q), exits)
    assert np.allclose(linalg.gth_solve(factor, b), exact, rtol=1e-12, atol=0)
    assert np.allclose(linalg.solve_transient(sp.csc_array(q), exits, b), exact, rtol=1e-12, atol=0)
    # the transposed system: expected steps to absorption from each state, (1 - Q^T) V = 1
    ones = np.ones(n)
    exact_t = np.array([sum(column) for column in _exact_inverse(q.tolist(), exits).T])
    assert np.allclose(linalg.gth_solve(factor, ones, transpose=True), exact_t, rtol=1e-12, atol=0)
    via = linalg.solve_transient(sp.csc_array(q), exits, ones, transpose=True)
    assert np.allclose(via, exact_t, rtol=1e-12, atol=0)


def _exact_inverse(q, exits):
    """N = (1 - Q)^{-1} as floats, column by column from the exact solves."""
    n = len(exits)
    return np.array([_exact_visits(q, exits, np.eye(n)[j]) for j in range(n)]).T


def test_absorption_analysis_is_exact_for_rare_absorption():
    # Both of two links must be heralded in one step, p = 1e-12 each: E[tau] = 1e24 exactly,
    # although 1 - p^2 rounds to 1 in the matrix.
    p = 1e-12
    t = np.array([[1 - p * p, 0.0], [p * p, 1.0]])
    res = absorption_analysis(t, None, 0, absorbing=[1])
    assert res.expected_steps == pytest.approx(1 / (p * p), rel=1e-14)


@pytest.mark.parametrize("p", [1e-9, 1e-15, 1e-20])
def test_a_rarely_left_state_is_not_absorbing(p):
    # Leave state 0 with probability p; from 1, absorb or return alike: E[tau] = 2/p + 2.
    # A tolerance on the diagonal once called state 0 absorbing and returned 0 steps.
    from qdms.mdp import absorbing_states, expected_absorption_time

    t = np.array([[1 - p, 0.5, 0.0], [p, 0.0, 0.0], [0.0, 0.5, 1.0]])
    assert absorbing_states(t).tolist() == [2]
    assert expected_absorption_time(t, None, 0) == pytest.approx(2 / p + 2, rel=1e-14)
