import numpy as np
import pytest

from qdms.mdp import (
    MDP,
    absorbing_blocks,
    absorption_analysis,
    absorption_time_pmf,
    expected_absorption_time,
)

from .helpers import dense_policy_matrix, random_absorbing_mdp, simulate


def dense_reference(stack, d, p0, n_transient):
    """Fundamental matrix by dense inversion and absorption by a high matrix power."""
    t_d = dense_policy_matrix(stack, d)
    q = t_d[:n_transient, :n_transient]
    r = t_d[n_transient:, :n_transient]
    fundamental = np.linalg.inv(np.eye(n_transient) - q)
    visits = fundamental @ p0[:n_transient]
    limit = np.linalg.matrix_power(t_d, 20000) @ p0
    return visits, r @ visits + p0[n_transient:], limit


def test_blocks_are_the_sub_matrices(rng):
    stack = random_absorbing_mdp(rng, 5, 2, 2, support=3)
    d = rng.dirichlet(np.ones(2), size=7)
    b = absorbing_blocks(MDP(stack), d)
    t_d = dense_policy_matrix(stack, d)
    assert b.transient.tolist() == [0, 1, 2, 3, 4] and b.absorbing.tolist() == [5, 6]
    assert np.allclose(b.q.toarray(), t_d[:5, :5], rtol=1e-15)
    assert np.allclose(b.r.toarray(), t_d[5:, :5], rtol=1e-15)


def test_matches_dense_fundamental_matrix(rng):
    stack = random_absorbing_mdp(rng, 12, 3, 2, support=4)
    d = np.zeros((15, 2))
    d[:, 0] = 1.0  # action 0 always absorbs (helper's guarantee)
    p0 = np.concatenate([rng.dirichlet(np.ones(12)), np.zeros(3)])
    res = absorption_analysis(stack, d, p0)
    visits, absorbed, limit = dense_reference(stack, d, p0, 12)
    assert np.allclose(res.visits[:12], visits, rtol=1e-10)
    assert res.expected_steps == pytest.approx(visits.sum(), rel=1e-10)
    assert np.allclose(res.absorption_probabilities[12:], absorbed, rtol=1e-10)
    assert np.allclose(res.absorption_probabilities, limit, rtol=1e-9, atol=1e-12)
    f = rng.normal(size=15)
    assert res.value(f) == pytest.approx(f @ limit, rel=1e-9)
    assert expected_absorption_time(stack, d, p0) == res.expected_steps


def test_pmf_sums_and_mean_match(rng):
    stack = random_absorbing_mdp(rng, 6, 2, 2, support=3)
    d = rng.dirichlet(np.ones(2), size=8)
    d[:, 0] += 1.0
    d /= d.sum(axis=1, keepdims=True)
    p0 = np.eye(8)[2]
    pmf = absorption_time_pmf(stack, d, p0, mass=1 - 1e-13)
    assert pmf[0] == 0.0
    t = np.arange(pmf.size)
    mean = absorption_analysis(stack, d, p0).expected_steps
    assert pmf.sum() == pytest.approx(1.0, abs=2e-13)
    assert t @ pmf == pytest.approx(mean, rel=1e-9)
    # pmf[t] = P(absorbed by t) - P(absorbed by t - 1), by dense powers.
    t_d = dense_policy_matrix(stack, d)
    by = [np.linalg.matrix_power(t_d, s)[6:, :] @ p0 for s in range(8)]
    ref = np.diff([b.sum() for b in by])
    assert np.allclose(absorption_time_pmf(stack, d, p0, steps=7)[1:], ref, rtol=1e-9, atol=1e-15)


def test_monte_carlo(rng):
    stack = random_absorbing_mdp(rng, 5, 2, 3, support=3)
    d = rng.dirichlet(np.ones(3), size=7)
    d[:, 0] += 0.5
    d /= d.sum(axis=1, keepdims=True)
    p0 = np.concatenate([rng.dirichlet(np.ones(5)), [0.0, 0.0]])
    res = absorption_analysis(stack, d, p0)
    pmf = absorption_time_pmf(stack, d, p0, mass=1 - 1e-12)
    size = 20_000
    horizon = pmf.size + 50
    paths = simulate(rng, stack, lambda t: d, p0, horizon, size)
    absorbed = paths >= 5
    assert absorbed[-1].all()
    tau = absorbed.argmax(axis=0)
    assert abs(tau.mean() - res.expected_steps) <= 5 * tau.std() / np.sqrt(size)
    freq = np.bincount(tau, minlength=pmf.size)[: pmf.size] / size
    se = np.sqrt(pmf * (1 - pmf) / size)
    assert np.all(np.abs(freq - pmf) <= 5 * se + 1e-3 / size)
    end = np.bincount(paths[-1], minlength=7)[5:] / size
    probs = res.absorption_probabilities[5:]
    assert np.all(np.abs(end - probs) <= 5 * np.sqrt(probs * (1 - probs) / size))


def test_explicit_absorbing_is_first_passage(rng):
    """Given states are made absorbing: tau is the hitting time of that set."""
    stack = np.array([np.eye(4)[:, [1, 2, 3, 0]] * 0.5 + 0.5 / 4])  # a mixing chain
    p0 = np.eye(4)[0]
    size = 20_000
    stop = np.array([False, False, True, True])
    paths = simulate(rng, stack, lambda t: np.ones((4, 1)), p0, 200, size, stop=stop)
    tau = stop[paths].argmax(axis=0)
    res = absorption_analysis(stack[0], None, p0, absorbing=[2, 3])
    assert abs(tau.mean() - res.expected_steps) <= 5 * tau.std() / np.sqrt(size)
    mask = absorption_analysis(stack[0], None, p0, absorbing=stop)
    assert mask.expected_steps == res.expected_steps


def test_mass_on_absorbing_states_at_time_zero():
    t = [[1.0, 0.5], [0.0, 0.5]]
    res = absorption_analysis(t, None, [0.25, 0.75])
    assert res.expected_steps == pytest.approx(1.5)
    assert absorption_time_pmf(t, None, [0.25, 0.75], steps=2).tolist() == [0.25, 0.375, 0.1875]


def test_errors():
    trap = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [0.0, 0.0, 0.0]])  # state 1 is a closed trap
    with pytest.raises(ValueError, match="no absorbing state"):
        absorption_analysis([[0.0, 1.0], [1.0, 0.0]], None, 0)
    mdp = MDP([trap], state_labels=["goal", "trap", "start"])
    with pytest.raises(ValueError, match=r"never reaches an absorbing state .*\[trap\]"):
        absorption_analysis(mdp, None, 2, absorbing=[0])
    with pytest.raises(ValueError, match="never reaches"):
        absorption_time_pmf(mdp, None, 2, mass=0.9, absorbing=[0])
    with pytest.raises(ValueError, match="exactly one of steps"):
        absorption_time_pmf(mdp, None, 2)
    with pytest.raises(ValueError, match=r"mass must lie in \(0, 1\)"):
        absorption_time_pmf(mdp, None, 2, mass=1.0)
    with pytest.raises(ValueError, match=r"absorbing indices must lie in \[0, 2\]"):
        absorption_analysis(mdp, None, 2, absorbing=[5])
    with pytest.raises(ValueError, match="decision is required"):
        absorption_analysis([trap, trap], None, 2)
    with pytest.raises(ValueError, match="max_steps"):
        absorption_time_pmf([[1.0, 1e-6], [0.0, 1 - 1e-6]], None, 1, mass=0.5, max_steps=10)
