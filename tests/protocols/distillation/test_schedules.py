import numpy as np
import pytest

from qdms.protocols import (
    bbpssw,
    bbpssw_bell_diagonal,
    dejmps,
    pumping,
    recurrence_bell_diagonal,
    symmetric_recurrence,
)
from qdms.quantum import bell_coefficients, bell_diagonal_state, isotropic_coefficients

RAW = np.array([0.8, 0.1, 0.06, 0.04])


def test_pumping_coefficients_match_repeated_explicit_dejmps():
    s = pumping(RAW, 3)
    raw_state = bell_diagonal_state(RAW)
    state = raw_state
    for k in range(3):
        p, state = dejmps(state, raw_state)
        assert np.isclose(p, s.success_probabilities[k])
        assert np.allclose(bell_coefficients(state), s.coefficients[k + 1], atol=1e-12)


def test_symmetric_recurrence_matches_repeated_explicit_dejmps():
    s = symmetric_recurrence(RAW, 3)
    state = bell_diagonal_state(RAW)
    for k in range(3):
        p, state = dejmps(state, state)
        assert np.isclose(p, s.success_probabilities[k])
        assert np.allclose(bell_coefficients(state), s.coefficients[k + 1], atol=1e-12)


def test_bbpssw_step_follows_eq_48_49_each_round():
    s = symmetric_recurrence(isotropic_coefficients(0.75), 4, step=bbpssw_bell_diagonal)
    f = 0.75
    for k in range(4):
        p, f = bbpssw(f, f)
        assert np.isclose(s.success_probabilities[k], p)
        assert np.isclose(s.fidelities[k + 1], f)


def test_dejmps_converges_faster_than_bbpssw():
    # Deutsch et al. 1996: the rotations make recurrence converge to Phi+ in far fewer rounds.
    raw = isotropic_coefficients(0.7)
    d = symmetric_recurrence(raw, 7)
    b = symmetric_recurrence(raw, 7, step=bbpssw_bell_diagonal)
    assert d.fidelities[-1] > 0.99999
    assert b.fidelities[-1] < 0.95


def test_accounting_recursions():
    s = pumping(RAW, 4, step=recurrence_bell_diagonal)
    p = s.success_probabilities
    assert np.allclose(s.cumulative_success_probability, np.concatenate([[1], np.cumprod(p)]))
    n = [1.0]
    for pk in p:
        n.append((n[-1] + 1) / pk)
    assert np.allclose(s.expected_raw_pairs, n)
    r = symmetric_recurrence(RAW, 0)
    assert r.coefficients.shape == (1, 4) and r.expected_raw_pairs.tolist() == [1.0]


def simulate_cost(level, p, rng, symmetric):
    """Raw pairs consumed to make one pair of the given level, regenerating failed inputs."""
    if level == 0:
        return 1
    total = 0
    while True:
        if symmetric:
            total += simulate_cost(level - 1, p, rng, True) + simulate_cost(level - 1, p, rng, True)
        else:
            total += simulate_cost(level - 1, p, rng, False) + 1
        if rng.random() < p[level - 1]:
            return total


def simulate_single_attempt(level, p, rng, symmetric):
    """Whether one attempt with the minimum number of raw pairs succeeds in every round."""
    if level == 0:
        return True
    inputs_ok = simulate_single_attempt(level - 1, p, rng, symmetric)
    if symmetric:
        inputs_ok = simulate_single_attempt(level - 1, p, rng, symmetric) and inputs_ok
    return (rng.random() < p[level - 1]) and inputs_ok


@pytest.mark.parametrize("symmetric", [False, True], ids=["pumping", "recurrence"])
def test_accounting_by_monte_carlo(symmetric):
    schedule = (symmetric_recurrence if symmetric else pumping)(isotropic_coefficients(0.7), 3)
    p = schedule.success_probabilities
    rng = np.random.default_rng(11)
    costs = np.array([simulate_cost(3, p, rng, symmetric) for _ in range(4000)])
    sem = costs.std(ddof=1) / np.sqrt(costs.size)
    assert abs(costs.mean() - schedule.expected_raw_pairs[3]) < 4 * sem
    hits = np.array([simulate_single_attempt(3, p, rng, symmetric) for _ in range(4000)])
    p_mc = hits.mean()
    sem = np.sqrt(p_mc * (1 - p_mc) / hits.size)
    assert abs(p_mc - schedule.cumulative_success_probability[3]) < 4 * sem


def test_errors():
    with pytest.raises(ValueError, match="rounds"):
        pumping(RAW, -1)
    with pytest.raises(TypeError, match="step must be a callable"):
        pumping(RAW, 1, step="dejmps")
    with pytest.raises(ValueError, match="coefficients"):
        symmetric_recurrence([0.5, 0.5, 0.5, 0], 1)
