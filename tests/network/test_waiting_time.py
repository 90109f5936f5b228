"""Collective and virtual-link waiting times against closed forms, dense evolution and Monte Carlo."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.links import ElementaryLink, MemoryCutoff, StationaryPolicy
from qdms.network import (
    collective_delivery,
    collective_waiting_time,
    round_delivery,
    virtual_link_waiting_time,
)
from qdms.sim.network import simulate_delivery
from tests.exact import gauss_jordan


def eq98(p, n):
    """Khatri eq. 98: n identical links, never discarded."""
    return sum((-1) ** (k + 1) * math.comb(n, k) / (1 - (1 - p) ** k) for k in range(1, n + 1))


@pytest.mark.parametrize("p,n", [(0.5, 1), (0.3, 2), (0.1, 5), (0.01, 8), (0.9, 12)])
def test_never_discard_reproduces_eq_98(p, n):
    assert collective_waiting_time([p] * n) == pytest.approx(eq98(p, n), rel=1e-12)


def test_never_discard_distinct_probabilities_by_series():
    p = np.array([0.3, 0.1, 0.25, 0.6])
    t = np.arange(0, 2000)
    series = np.sum(1 - np.prod(1 - (1 - p[:, None]) ** t[None, :], axis=0))
    assert collective_waiting_time(p) == pytest.approx(series, rel=1e-12)


def test_never_discard_tiny_probability_has_no_cancellation():
    # 10 satellite-like links with p = 1e-20: E[W] = H_10 / p to leading order.
    value = collective_waiting_time([1e-20] * 10)
    harmonic = sum(1 / k for k in range(1, 11))
    assert value == pytest.approx(harmonic / 1e-20, rel=1e-9)


def dense_waiting_time(ps, cutoffs, horizon=20000):
    """Evolve the joint distribution as a dense tensor and sum Pr[W > t] (independent route)."""
    chains = []
    for p, c in zip(ps, cutoffs, strict=True):
        n = c + 2
        t = np.zeros((n, n))
        t[0, 0], t[1, 0] = 1 - p, p  # request from inactive
        for m in range(c):
            t[m + 2, m + 1] = 1  # wait
        t[0, c + 1], t[1, c + 1] = 1 - p, p  # request at the cutoff
        chains.append(t)
    x = np.zeros([c.shape[0] for c in chains])
    x[(0,) * len(chains)] = 1.0
    total = 0.0
    for _ in range(horizon):
        total += x.sum()
        for axis, t in enumerate(chains):
            x = np.moveaxis(np.tensordot(t, x, axes=(1, axis)), 0, axis)
        active = x[tuple(slice(1, None) for _ in chains)]
        active[...] = 0.0  # absorbed
        if x.sum() < 1e-15:
            break
    return total


@pytest.mark.parametrize(
    "ps,cutoffs",
    [([0.5, 0.5], [0, 0]), ([0.3, 0.2], [2, 5]), ([0.1, 0.4, 0.25], [3, 1, 4]), ([0.05], [7])],
)
def test_cutoffs_match_dense_evolution(ps, cutoffs):
    assert collective_waiting_time(ps, cutoffs) == pytest.approx(
        dense_waiting_time(ps, cutoffs), rel=1e-10
    )


def test_cutoff_zero_two_links_closed_form():
    # t* = 0: each link is active in a step independently with prob p, so W ~ Geometric(p1 p2).
    assert collective_waiting_time([0.3, 0.6], 0) == pytest.approx(1 / 0.18)


@given(st.lists(st.floats(0.05, 1.0), min_size=1, max_size=3), st.integers(0, 4))
def test_single_link_waits_one_over_p_and_cutoffs_only_hurt(ps, cutoff):
    if len(ps) == 1:
        assert collective_waiting_time(ps, cutoff) == pytest.approx(1 / ps[0])
    assert collective_waiting_time(ps, cutoff) >= collective_waiting_time(ps) - 1e-9


def test_collective_delivery_matches_monte_carlo_including_ages():
    links = [
        ElementaryLink(0.2, [1.0, 0.95, 0.9, 0.85, 0.8]),
        ElementaryLink(0.35, [0.98, 0.9, 0.8]),
    ]
    policies = [MemoryCutoff(3), StationaryPolicy([1.0, 0.2, 0.5, 1.0])]
    exact = collective_delivery(links, policies)
    sim = simulate_delivery(links, policies, trials=40_000, rng=np.random.default_rng(11))
    mean, se = sim.mean_waiting_steps()
    assert abs(mean - exact.mean_waiting_time) < 5 * se
    for k, link in enumerate(links):
        g = np.arange(link.m_star + 1, dtype=float)  # E[age] of each link at delivery
        funcs = [g if i == k else None for i in range(2)]
        m, s = sim.mean_of([g if i == k else np.ones(lk.m_star + 1) for i, lk in enumerate(links)])
        assert abs(m - exact.expect(funcs)) < 5 * s + 1e-12
        assert exact.age_distribution[k].sum() == pytest.approx(1.0)


def test_rounds_continue_and_restart_match_monte_carlo():
    links = [ElementaryLink(0.3, [1.0, 0.9, 0.8, 0.7])] * 2
    policies = [MemoryCutoff(2)] * 2
    for on_failure in ("continue", "restart"):
        rng = np.random.default_rng(5)
        sim = simulate_delivery(
            links,
            policies,
            round_steps=3,
            on_failure=on_failure,
            join_probability=0.5,
            trials=30_000,
            rng=rng,
        )
        mean, se = sim.mean_waiting_steps()
        if on_failure == "continue":
            expected = collective_delivery(links, policies, round_steps=3).mean_waiting_time / 0.5
        else:
            expected = 3 / (round_delivery(links, policies, 3).probability * 0.5)
        assert abs(mean - expected) < 5 * se


def test_virtual_link_waiting_time():
    assert virtual_link_waiting_time(10.0, 0.25) == 40.0
    with pytest.raises(ValueError, match="join_probability must be > 0"):
        virtual_link_waiting_time(10.0, 0.0)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: collective_waiting_time([]), "at least one link"),
        (lambda: collective_waiting_time([0.5, 0.0]), "must be > 0"),
        (lambda: collective_waiting_time([0.5, 1.5]), "every entry in \\[0, 1\\]"),
        (lambda: collective_waiting_time([0.5, 0.5], [1]), "one entry per link"),
        (lambda: collective_waiting_time([0.5], -1), "cutoffs must be an integer in \\[0"),
        (lambda: collective_waiting_time([0.5] * 6, 20), "too large|transitions|states"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("ps", [[1e-3] * 3, [1e-3] * 4, [0.2, 1e-4, 0.05], [1e-6, 1e-6]])
def test_cutoff_zero_is_geometric_even_when_rare(ps):
    # With t* = 0 each link is active in a step with probability p independently, so E[W] = 1/prod p
    # exactly: 1e12 steps here, which a plain LU of I - Q would get wrong in the 4th digit.
    assert collective_waiting_time(ps, 0) == pytest.approx(1 / np.prod(ps), rel=1e-12)


def _exact_collective_waiting_time(ps, cutoffs):
    """E[first step all are active] over Fractions: the product chain of the links' ages."""
    import itertools
    from fractions import Fraction

    p = [Fraction(x) for x in ps]

    def moves(i, age):  # (next age, probability); age c requests again (API.md)
        if age == -1 or age == cutoffs[i]:
            return [(0, p[i]), (-1, 1 - p[i])]
        return [(age + 1, Fraction(1))]

    states = [s for s in itertools.product(*[range(-1, c + 1) for c in cutoffs]) if -1 in s]
    index = {s: k for k, s in enumerate(states)}
    n = len(states)
    rows = [[Fraction(0)] * n + [Fraction(1)] for _ in range(n)]  # (I - Q) E = 1
    for s in states:
        k = index[s]
        rows[k][k] += 1
        for combo in itertools.product(*[moves(i, a) for i, a in enumerate(s)]):
            nxt = tuple(a for a, _ in combo)
            if nxt in index:
                rows[k][index[nxt]] -= math.prod(q for _, q in combo)
    gauss_jordan(rows)
    return rows[index[(-1,) * len(ps)]][n]


@pytest.mark.parametrize("scale", [1e-7, 1e-10, 1e-14, 1e-20])
@pytest.mark.parametrize(
    "ps,cutoffs", [([1, 1], [8, 8]), ([1, 0.3], [2, 5]), ([1, 1, 3], [1, 2, 1])]
)
def test_cutoffs_keep_every_digit_for_rare_links(scale, ps, cutoffs):
    # The series must settle in the states that hold only O(p) of the mass (links partly
    # active) before its tail is extrapolated; it once stopped early and returned 1/(3 p^2).
    ps = [scale * q for q in ps]
    exact = _exact_collective_waiting_time(ps, cutoffs)
    assert collective_waiting_time(ps, cutoffs) == pytest.approx(float(exact), rel=1e-12)


@pytest.mark.parametrize("p", [1e-6, 1e-12, 1e-20])
def test_round_delivery_of_rare_links(p):
    # A link with cut-off 5 is active after t0 <= 6 steps iff heralded in one of them:
    # 1 - (1 - p)^t0 ~ t0 p, which 1 - Pr[inactive] cancelled to 0 at p = 1e-20.
    link = ElementaryLink(p, np.linspace(1.0, 0.8, 6))
    res = round_delivery([link, link], [MemoryCutoff(5)] * 2, 3)
    active = -math.expm1(3 * math.log1p(-p))
    assert res.probability == pytest.approx(active**2, rel=1e-13, abs=0)
    ages = res.age_distribution[0][:3]  # age m: heralded in step 3 - m, after 2 - m failures
    assert ages == pytest.approx([p * (1 - p) ** (2 - m) / active for m in range(3)], rel=1e-13)


def test_links_too_rare_for_floating_point_get_a_clear_error():
    # p = 1e-158 per link: p^2 underflows, so the joint activity cannot be represented.
    links = [ElementaryLink(1e-158, [1.0])] * 2
    with pytest.raises(ValueError, match="too rare for floating point"):
        collective_delivery(links, [MemoryCutoff(0)] * 2)
