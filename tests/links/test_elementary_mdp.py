"""The elementary link's closed forms against the generic MDP engine (qdms.mdp)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.links import ElementaryLink, ForwardRecursion, MemoryCutoff, StationaryPolicy
from qdms.mdp import backward_recursion, expected_values, steady_state_lp, steady_state_value

links = st.builds(
    lambda p, f: ElementaryLink(p, f),
    st.floats(0.01, 0.99),
    st.lists(st.floats(0, 1), min_size=1, max_size=8),
)


def decision_matrix(link, policy):
    d = link.decision_function(policy)
    return np.stack([1 - d, d], axis=1)


def f_ext(link):
    return np.concatenate([[0.0], link.fidelities])


@given(links, st.data())
def test_finite_time_values_match_the_engine(link, data):
    cutoff = data.draw(st.one_of(st.none(), st.integers(0, link.m_star)))
    for policy in (MemoryCutoff(cutoff), ForwardRecursion()):
        engine = expected_values(link.mdp(), decision_matrix(link, policy), 0, f_ext(link), 30)
        assert np.allclose(link.value(np.arange(1, 31), policy), engine[1:], rtol=1e-10, atol=1e-14)


@given(links, st.data())
def test_steady_state_matches_the_engine(link, data):
    d = data.draw(st.lists(st.floats(0, 1), min_size=link.m_star + 2, max_size=link.m_star + 2))
    d[0] = data.draw(st.floats(0.05, 1))
    policy = StationaryPolicy(d)
    engine = steady_state_value(link.mdp(), decision_matrix(link, policy), f_ext(link))
    assert link.steady_state_value(policy) == pytest.approx(engine, rel=1e-9, abs=1e-13)


@given(links)
def test_lp_optimum_equals_best_cutoff_theorem_II_4(link):
    _, best = link.optimal_cutoff()
    assert link.lp_optimal_value() == pytest.approx(best, rel=1e-9, abs=1e-300)
    value, policy = link.lp_optimal_policy()
    assert link.steady_state_value(policy) == pytest.approx(value, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("p", [1e-6, 1e-9, 1e-15, 1e-20])
@pytest.mark.parametrize("scale", [1.0, 1e-10])
def test_lp_optimum_for_satellite_probabilities(p, scale):
    # HiGHS's absolute tolerances hide occupations of 1e-9; the scaled LP and the exact
    # policy-iteration finish recover the optimum to the last digits (closed form, eq. 35).
    f = scale * np.linspace(0.99, 0.6, 20)
    link = ElementaryLink(p, f)
    cutoff, best = link.optimal_cutoff()
    assert best == pytest.approx(p * f[: cutoff + 1].sum() / (1 + p * cutoff), rel=1e-14, abs=0)
    assert link.lp_optimal_value() == pytest.approx(best, rel=1e-12, abs=0)


def test_lp_agrees_with_engine_lp_directly():
    link = ElementaryLink(0.2, [1.0, 0.98, 0.95, 0.9, 0.8, 0.6])
    res = steady_state_lp(link.mdp(), f_ext(link))
    assert res.value == pytest.approx(link.optimal_cutoff()[1], rel=1e-9)


@given(links, st.integers(1, 25))
def test_backward_recursion_matches_the_engine_theorem_II_1(link, horizon):
    value, _ = link.optimal_policy(horizon)

    engine = backward_recursion(link.mdp(), f_ext(link), horizon, initial=0)
    assert value == pytest.approx(engine.value, rel=1e-10, abs=1e-14)


def test_periodic_link_both_refuse():
    link = ElementaryLink(1.0, [1.0, 0.9, 0.8])
    with pytest.raises(ValueError, match="periodic"):
        link.steady_state_value(MemoryCutoff(2))
    with pytest.raises(ValueError, match="periodic"):
        steady_state_value(link.mdp(), decision_matrix(link, MemoryCutoff(2)), f_ext(link))
