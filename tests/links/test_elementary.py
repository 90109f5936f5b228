"""The elementary link against dense Markov-chain algebra, exhaustive search and Monte Carlo."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.links import (
    ElementaryLink,
    ForwardRecursion,
    MemoryCutoff,
    StationaryPolicy,
    forward_recursion_cutoff,
)
from qdms.sim.elementary_link import simulate_elementary_link

# ---------------------------------------------------------------- references


def dense_matrices(p, m_star):
    """Khatri eq. 5-10 written out densely, T[to, from], index m + 1."""
    n = m_star + 2
    wait = np.zeros((n, n))
    wait[0, 0] = 1
    for m in range(m_star):
        wait[m + 2, m + 1] = 1
    wait[0, n - 1] = 1
    request = np.zeros((n, n))
    request[0, :] = 1 - p
    request[1, :] = p
    return wait, request


def dense_chain(p, m_star, d):
    wait, request = dense_matrices(p, m_star)
    return wait * (1 - d)[None, :] + request * d[None, :]


def dense_values(link, d, t_max):
    t = dense_chain(link.p, link.m_star, d)
    x = np.zeros(link.m_star + 2)
    x[0] = 1
    f = np.concatenate([[0.0], link.fidelities])
    values, activity = [], []
    for _ in range(t_max):
        x = t @ x
        values.append(f @ x)
        activity.append(1 - x[0])
    return np.array(values), np.array(activity)


def dense_stationary(link, d):
    t = dense_chain(link.p, link.m_star, d)
    n = t.shape[0]
    # From X_0 = -1: average of a long run of the chain (Cesaro) equals the limit when it exists.
    a = np.vstack([t - np.eye(n), np.ones(n)])
    b = np.zeros(n + 1)
    b[-1] = 1
    x, *_ = np.linalg.lstsq(a, b, rcond=None)
    return x


links = st.builds(
    lambda p, f: ElementaryLink(p, f),
    st.floats(0.01, 0.99),
    st.lists(st.floats(0, 1), min_size=1, max_size=7),
)


def policies_for(link, data):
    kind = data.draw(st.sampled_from(["cutoff", "never", "stationary", "forward"]))
    if kind == "cutoff":
        return MemoryCutoff(data.draw(st.integers(0, link.m_star)))
    if kind == "never":
        return MemoryCutoff(None)
    if kind == "forward":
        return ForwardRecursion()
    d = data.draw(st.lists(st.floats(0, 1), min_size=link.m_star + 2, max_size=link.m_star + 2))
    d[0] = data.draw(st.floats(0.05, 1))
    return StationaryPolicy(d)


# ---------------------------------------------------------------- finite time


@given(links, st.data())
def test_finite_time_matches_dense_chain(link, data):
    policy = policies_for(link, data)
    d = link.decision_function(policy)
    values, activity = dense_values(link, d, 25)
    t = np.arange(1, 26)
    assert np.allclose(link.value(t, policy), values, rtol=1e-10, atol=1e-14)
    assert np.allclose(link.activity_probability(t, policy), activity, rtol=1e-10, atol=1e-14)
    dist = link.state_distribution(7, policy)
    chain = dense_chain(link.p, link.m_star, d)
    x = np.zeros(link.m_star + 2)
    x[0] = 1
    for _ in range(7):
        x = chain @ x
    assert np.allclose(dist, x, atol=1e-14)
    assert dist.sum() == pytest.approx(1.0)


def test_first_step_is_p_times_f0():
    link = ElementaryLink(0.3, [0.9, 0.8])
    for policy in (MemoryCutoff(0), MemoryCutoff(1), MemoryCutoff(None), ForwardRecursion()):
        assert link.value(1, policy) == pytest.approx(0.27)
        assert link.activity_probability(1, policy) == pytest.approx(0.3)
        assert link.expected_fidelity(1, policy) == pytest.approx(0.9)


def test_vectorised_and_scalar_agree():
    link = ElementaryLink(0.2, [1.0, 0.9, 0.8, 0.7])
    vec = link.value([3, 1, 10], MemoryCutoff(2))
    assert vec.shape == (3,)
    assert vec[0] == link.value(3, MemoryCutoff(2))
    assert isinstance(link.value(3, MemoryCutoff(2)), float)


def test_cutoff_finite_time_matches_renewal_closed_form():
    # Cutoff t*: s_t = Pr[herald at t] = sum_x C(t-1-x t*, x) p^{x+1} (1-p)^{t-1-x(t*+1)}
    # (x earlier successes, each followed by t* held steps), and Pr[X_t = m] = s_{t-m}.
    from math import comb

    p, cutoff = 0.3, 2
    f = np.array([1.0, 0.9, 0.8, 0.5])
    link = ElementaryLink(p, f)

    def s(t):
        if t < 1:
            return 0.0
        return sum(
            comb(t - 1 - x * cutoff, x) * p ** (x + 1) * (1 - p) ** (t - 1 - x * (cutoff + 1))
            for x in range((t - 1) // (cutoff + 1) + 1)
        )

    for t in range(1, 30):
        expected = sum(f[m] * s(t - m) for m in range(cutoff + 1))
        assert link.value(t, MemoryCutoff(cutoff)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("p", [1e-7, 1e-3, 0.4])
@pytest.mark.parametrize("cutoff", [0, 3, None])
def test_far_times_reach_the_steady_state_closed_form(p, cutoff):
    # t = 1e9 and 1e12 go by powers of the transition matrix (a loop would take hours);
    # the chain has long forgotten its start, so V_t is eq. 35's steady state (Thm. II.2).
    link = ElementaryLink(p, np.linspace(1.0, 0.6, 8))
    policy = MemoryCutoff(cutoff)
    far = link.value([10**9, 10**12], policy)
    assert far == pytest.approx([link.steady_state_value(policy)] * 2, rel=1e-12, abs=0)
    active = link.activity_probability(10**12, policy)
    assert active == pytest.approx(link.steady_state_activity(policy), rel=1e-12, abs=0)


def test_matrix_powers_equal_the_step_by_step_evolution():
    link = ElementaryLink(2e-5, np.linspace(1.0, 0.5, 6))
    d = link.decision_function(MemoryCutoff(3))
    times = np.array([100_001, 100_050])
    steps, _, _ = link._evolve(d, int(times.max()))
    assert link.value(times, MemoryCutoff(3)) == pytest.approx(steps[times - 1], rel=1e-12)


# ---------------------------------------------------------------- steady state


@given(links, st.data())
def test_steady_state_matches_stationary_vector(link, data):
    policy = policies_for(link, data)
    d = link.decision_function(policy)
    x = dense_stationary(link, d)
    f = np.concatenate([[0.0], link.fidelities])
    assert link.steady_state_value(policy) == pytest.approx(f @ x, rel=1e-9, abs=1e-12)
    assert link.steady_state_activity(policy) == pytest.approx(1 - x[0], rel=1e-9, abs=1e-12)


@given(st.floats(0.01, 0.99), st.lists(st.floats(0, 1), min_size=1, max_size=6), st.data())
def test_cutoff_closed_forms_eq_35_37(p, f, data):
    link = ElementaryLink(p, f)
    cutoff = data.draw(st.integers(0, link.m_star))
    policy = MemoryCutoff(cutoff)
    assert link.steady_state_value(policy) == pytest.approx(
        p * sum(f[: cutoff + 1]) / (1 + p * cutoff)
    )
    assert link.steady_state_activity(policy) == pytest.approx(p * (cutoff + 1) / (1 + p * cutoff))
    if any(f[: cutoff + 1]):
        assert link.steady_state_fidelity(policy) == pytest.approx(np.mean(f[: cutoff + 1]))


def test_steady_state_is_limit_of_finite_time():
    link = ElementaryLink(0.15, [1.0, 0.97, 0.9, 0.8, 0.6])
    for policy in (MemoryCutoff(3), MemoryCutoff(None), ForwardRecursion()):
        assert link.value(3000, policy) == pytest.approx(link.steady_state_value(policy), rel=1e-12)


def test_periodic_links_have_no_limit():
    link = ElementaryLink(1.0, [1.0, 0.9, 0.8])
    for policy in (MemoryCutoff(1), MemoryCutoff(2), MemoryCutoff(None)):
        with pytest.raises(ValueError, match="periodic"):
            link.steady_state_value(policy)
        with pytest.raises(ValueError, match="periodic"):
            link.steady_state_activity(policy)
    assert link.steady_state_value(MemoryCutoff(0)) == 1.0
    # a randomised policy with cycles of coprime lengths is aperiodic
    assert link.steady_state_activity(StationaryPolicy([1.0, 0.5, 1.0, 1.0])) == pytest.approx(1.0)


# ---------------------------------------------------------------- optimisation


@given(st.floats(0.01, 0.99), st.lists(st.floats(0, 1), min_size=1, max_size=5))
def test_optimal_cutoff_beats_every_deterministic_stationary_policy(p, f):
    link = ElementaryLink(p, f)
    _, best = link.optimal_cutoff()
    fext = np.concatenate([[0.0], link.fidelities])
    for bits in itertools.product([0.0, 1.0], repeat=link.m_star + 2):
        d = np.array(bits)
        x = dense_stationary(link, d) if d[0] > 0 else np.eye(link.m_star + 2)[0]
        assert fext @ x <= best + 1e-12
    assert best == pytest.approx(max(link.cutoff_values()))


def test_optimal_cutoff_large_m_star_is_fast_and_right():
    m = np.arange(10**6 + 1)
    link = ElementaryLink(1e-3, 0.5 + 0.5 * np.exp(-m / 2e4))
    cutoff, value = link.optimal_cutoff()
    near = np.arange(max(cutoff - 3, 0), cutoff + 4)
    direct = [link.p * np.sum(link.fidelities[: c + 1]) / (1 + link.p * c) for c in near]
    assert value == pytest.approx(max(direct), rel=1e-12)
    assert near[int(np.argmax(direct))] == cutoff


def exhaustive_optimum(link, horizon):
    """Best V_horizon over all deterministic time-dependent policies."""
    n = link.m_star + 2
    wait, request = dense_matrices(link.p, link.m_star)
    f = np.concatenate([[0.0], link.fidelities])
    best = -1.0
    for bits in itertools.product([0, 1], repeat=n * horizon):
        x = np.eye(n)[0]
        for j in range(horizon):
            d = np.array(bits[j * n : (j + 1) * n], float)
            x = (wait * (1 - d)[None, :] + request * d[None, :]) @ x
        best = max(best, f @ x)
    return best


@pytest.mark.parametrize(
    "p,f,horizon",
    [(0.5, [1.0, 0.6, 0.5], 3), (0.2, [0.9, 0.85], 4), (0.7, [1.0, 0.3, 0.9], 3), (0.05, [1.0], 5)],
)
def test_backward_recursion_equals_exhaustive_search(p, f, horizon):
    link = ElementaryLink(p, f)
    value, decisions = link.optimal_policy(horizon)
    assert value == pytest.approx(exhaustive_optimum(link, horizon), rel=1e-12)
    # the returned decisions achieve it
    sim_value = simulate_value_of_schedule(link, decisions)
    assert sim_value == pytest.approx(value, rel=1e-12)


def simulate_value_of_schedule(link, decisions):
    wait, request = dense_matrices(link.p, link.m_star)
    x = np.eye(link.m_star + 2)[0]
    for d in decisions.astype(float):
        x = (wait * (1 - d)[None, :] + request * d[None, :]) @ x
    return np.concatenate([[0.0], link.fidelities]) @ x


def test_backward_recursion_is_at_least_every_cutoff():
    link = ElementaryLink(0.1, [1.0, 0.99, 0.97, 0.94, 0.9, 0.85, 0.8])
    for horizon in (1, 5, 20):
        value, _ = link.optimal_policy(horizon)
        for cutoff in [*range(link.m_star + 1), None]:
            assert link.value(horizon, MemoryCutoff(cutoff)) <= value + 1e-12


def test_optimal_time_is_argmax():
    link = ElementaryLink(0.05, 0.5 + 0.5 * np.exp(-np.arange(200) / 50))
    t, v = link.optimal_time()
    values = link.value(np.arange(1, 2000), MemoryCutoff(None))
    assert t == int(np.argmax(values)) + 1
    assert v == pytest.approx(values.max())


# ---------------------------------------------------------------- forward recursion


@pytest.mark.parametrize("p", [0.3, 0.5, 0.55, 0.7, 0.9, 0.99, 1.0])
def test_forward_recursion_is_the_cutoff_of_prop_d1(p):
    mc = 40.0
    m_star = 120
    f = (1 + np.exp(-2 * np.arange(m_star + 1) / mc)) / 2
    link = ElementaryLink(p, f)
    d = link.decision_function(ForwardRecursion())
    cutoff = forward_recursion_cutoff(p, mc, m_star)
    expected = link.decision_function(MemoryCutoff(cutoff))
    assert np.array_equal(d, expected)


# ---------------------------------------------------------------- Monte Carlo


@pytest.mark.parametrize(
    "policy",
    [
        MemoryCutoff(2),
        MemoryCutoff(None),
        ForwardRecursion(),
        StationaryPolicy([0.8, 0.1, 0.5, 0.2, 1.0]),
    ],
)
def test_monte_carlo_agrees(policy):
    link = ElementaryLink(0.3, [1.0, 0.9, 0.85, 0.6])
    rng = np.random.default_rng(7)
    sim = simulate_elementary_link(
        link.p, link.fidelities, link.decision_function(policy), 40, 40_000, rng
    )
    t = np.arange(1, 41)
    assert np.all(np.abs(sim.value - link.value(t, policy)) < 5 * sim.value_se + 1e-12)
    assert np.all(
        np.abs(sim.activity - link.activity_probability(t, policy)) < 5 * sim.activity_se + 1e-12
    )


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: ElementaryLink(1.2, [1.0]), ValueError, "p must be a probability"),
        (lambda: ElementaryLink(0.5, []), ValueError, "fidelities must be non-empty"),
        (
            lambda: ElementaryLink(0.5, [1.0, 1.2]),
            ValueError,
            "fidelities must have every entry in \\[0, 1\\]",
        ),
        (
            lambda: ElementaryLink(0.5, [1.0, 0.9]).value(0, MemoryCutoff(1)),
            ValueError,
            "t must be >= 1",
        ),
        (
            lambda: ElementaryLink(0.5, [1.0, 0.9]).value(1, MemoryCutoff(2)),
            ValueError,
            "cutoff must be in \\[0, m\\*=1\\]",
        ),
        (lambda: MemoryCutoff(-1), ValueError, "cutoff must be an integer in \\[0, inf\\]"),
        (
            lambda: ElementaryLink(0.5, [1.0, 0.9]).value(1, StationaryPolicy([1, 0])),
            ValueError,
            "length m\\* \\+ 2 = 3",
        ),
        (
            lambda: StationaryPolicy([1.0, 1.5]),
            ValueError,
            "request_probability must have every entry",
        ),
        (
            lambda: ElementaryLink(0.0, [1.0]).expected_fidelity(3, MemoryCutoff(0)),
            ValueError,
            "never active",
        ),
        (
            lambda: ElementaryLink(0.5, [1.0]).value(1.5, MemoryCutoff(0)),
            TypeError,
            "t must hold integers",
        ),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_schedule_values_match_dense_chain_and_monte_carlo():
    link = ElementaryLink(0.4, [1.0, 0.8, 0.7, 0.65])
    value, decisions = link.optimal_policy(6)
    values, activity = link.schedule_values(decisions)
    assert values[-1] == pytest.approx(value, rel=1e-12)
    assert values[-1] == pytest.approx(simulate_value_of_schedule(link, decisions), rel=1e-12)
    sim = simulate_elementary_link(
        link.p, link.fidelities, decisions, 6, 40_000, np.random.default_rng(3)
    )
    assert np.all(np.abs(sim.value - values) < 5 * sim.value_se)
    assert np.all(np.abs(sim.activity - activity) < 5 * sim.activity_se)
