"""The two-link MDP against the analytic formula, Monte Carlo, exhaustive search and the network layer."""

import itertools

import numpy as np
import pytest

from qdms.chains import (
    two_link_cutoff_decision,
    two_link_delivered_fidelity,
    two_link_model,
    two_link_optimal_value,
    two_link_optimal_waiting_time,
    two_link_waiting_time,
    two_link_waiting_time_analytic,
    two_link_waiting_time_pmf,
)
from qdms.links import ElementaryLink, MemoryCutoff
from qdms.mdp import absorption_analysis
from qdms.network import collective_delivery, collective_waiting_time
from qdms.sim.network import simulate_delivery
from tests.exact import gauss_jordan

GRID = [
    (p, ps, c) for p in (0.05, 0.3, 0.7, 1.0) for ps in (0.2, 0.6, 1.0) for c in (0, 1, 4, 15, None)
]


@pytest.mark.parametrize("p,p_swap,cutoff", GRID)
def test_absorbing_chain_equals_shchukin_formula(p, p_swap, cutoff):
    assert two_link_waiting_time(p, p, p_swap, cutoff, cutoff) == pytest.approx(
        two_link_waiting_time_analytic(p, p_swap, cutoff), rel=1e-10
    )


@pytest.mark.parametrize("p,p_swap", [(0.1, 0.5), (0.4, 1.0), (0.8, 0.3)])
def test_lp_optimum_equals_formula_with_full_memory_fig10(p, p_swap):
    m = 6
    value, decision = two_link_optimal_waiting_time(p, p, p_swap, m, m)
    assert value == pytest.approx(two_link_waiting_time_analytic(p, p_swap, m), rel=1e-9)
    # the returned decision achieves it
    model = two_link_model(p, p, p_swap, m, m)
    res = absorption_analysis(model.mdp, decision, model.initial, absorbing=model.absorbing)
    assert res.expected_steps - 1 == pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize(
    "p1,p2,c1,c2", [(0.2, 0.6, 3, 1), (0.5, 0.1, None, 7), (0.3, 0.3, 2, 9), (0.05, 0.5, 12, None)]
)
def test_asymmetric_waiting_time_matches_monte_carlo_and_network(p1, p2, c1, c2):
    p_swap = 0.5
    exact = two_link_waiting_time(p1, p2, p_swap, c1, c2)
    # independent exact route: the network layer's collective waiting time over the join probability
    if c1 is None and c2 is None:
        assert exact == pytest.approx(collective_waiting_time([p1, p2]) / p_swap, rel=1e-10)
    if c1 is not None and c2 is not None:
        assert exact == pytest.approx(
            collective_waiting_time([p1, p2], [c1, c2]) / p_swap, rel=1e-10
        )
    big = 10**6  # "never discard" simulated with a memory longer than any run
    links = [
        ElementaryLink(p, np.ones((big if c is None else c) + 1)) for p, c in ((p1, c1), (p2, c2))
    ]
    policies = [MemoryCutoff(None if c is None else c) for c in (c1, c2)]
    sim = simulate_delivery(
        links, policies, join_probability=p_swap, trials=30_000, rng=np.random.default_rng(9)
    )
    mean, se = sim.mean_waiting_steps()
    assert abs(mean - exact) < 5 * se


def test_waiting_time_pmf_sums_and_means():
    pmf = two_link_waiting_time_pmf(0.3, 0.4, 0.7, 2, 5, steps=400)
    t = np.arange(pmf.size)
    assert pmf[0] == 0.0
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    assert (t * pmf).sum() == pytest.approx(two_link_waiting_time(0.3, 0.4, 0.7, 2, 5), rel=1e-9)


def test_asymmetric_lp_is_at_least_as_good_as_every_cutoff_pair():
    p1, p2, ps, m1, m2 = 0.15, 0.5, 0.8, 5, 3
    value, _ = two_link_optimal_waiting_time(p1, p2, ps, m1, m2)
    model = two_link_model(p1, p2, ps, m1, m2)
    best = np.inf
    for c1, c2 in itertools.product([*range(m1 + 1), None], [*range(m2 + 1), None]):
        d = two_link_cutoff_decision(model, c1, c2)
        best = min(
            best,
            absorption_analysis(
                model.mdp, d, model.initial, absorbing=model.absorbing
            ).expected_steps
            - 1,
        )
    assert value <= best + 1e-9
    assert value == pytest.approx(best, rel=1e-9)  # and a cutoff pair attains it here


def test_delivered_fidelity_matches_network_layer_and_monte_carlo():
    a = ElementaryLink(0.3, [1.0, 0.97, 0.93, 0.9, 0.85])
    b = ElementaryLink(0.2, [0.99, 0.95, 0.9])
    exact = two_link_delivered_fidelity(a, b, 0.6, 3, None)
    w = lambda f: (4 * np.asarray(f) - 1) / 3  # noqa: E731
    delivery = collective_delivery(
        [a, b],
        [MemoryCutoff(3), MemoryCutoff(None)],
        age_functions=[w(a.fidelities), w(b.fidelities)],
    )
    assert exact == pytest.approx((1 + 3 * delivery.mean_product) / 4, rel=1e-10)
    sim = simulate_delivery(
        [a, b],
        [MemoryCutoff(3), MemoryCutoff(None)],
        join_probability=0.6,
        trials=30_000,
        rng=np.random.default_rng(4),
    )
    m, se = sim.mean_of([w(a.fidelities), w(b.fidelities)])
    assert abs((1 + 3 * m) / 4 - exact) < 5 * 0.75 * se


def test_optimal_value_beats_exhaustive_deterministic_policies():
    # m* = (1, 0): 6 transient states, 5^6 deterministic policies
    a = ElementaryLink(0.6, [0.95, 0.7])
    b = ElementaryLink(0.4, [0.9])
    value, decision = two_link_optimal_value(a, b, 0.9)
    model = two_link_model(0.6, 0.4, 0.9, 1, 0)

    from qdms.chains.two_link import _swap_fidelity_table

    f = _swap_fidelity_table(a, b, model)
    dense = [t.toarray() for t in model.mdp.transitions]
    n = model.block
    best = -1.0
    for actions in itertools.product(range(5), repeat=n):
        t_d = np.stack(
            [dense[a][:, s] for s, a in enumerate(actions)], axis=1
        )  # columns of x = 0 states
        q, r = t_d[:n], t_d[n:]
        try:
            visits = np.linalg.solve(np.eye(n) - q, np.eye(n)[model.initial])
        except np.linalg.LinAlgError:
            continue  # never absorbs
        best = max(best, float(f[n:] @ (r @ visits)))

    assert value == pytest.approx(best, rel=1e-9)
    res = absorption_analysis(model.mdp, decision, model.initial, absorbing=model.absorbing)
    assert res.value(f) == pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: two_link_waiting_time(1.5, 0.5, 1.0, 1, 1), "p1 must be a probability"),
        (lambda: two_link_waiting_time(0.5, 0.5, 1.0, -1, 1), "cutoff1 must be an integer in \\[0"),
        (lambda: two_link_waiting_time(0.5, 0.5, 0.0, 1, 1), "p_swap must be > 0"),
        (lambda: two_link_waiting_time_analytic(0.0, 0.5, 1), "must be > 0"),
        (
            lambda: two_link_delivered_fidelity(
                ElementaryLink(0.5, [1.0]), ElementaryLink(0.5, [1.0]), 1.0, 2, 0
            ),
            "cutoff must be in \\[0, m\\*=0\\]",
        ),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- the embedded-chain closed forms against the MDP and exact rational arithmetic ----------


@pytest.mark.parametrize("p1,p2", [(0.3, 0.3), (0.7, 0.2), (1.0, 0.4), (0.05, 1.0)])
@pytest.mark.parametrize("c1,c2", [(0, 0), (2, 5), (None, 3), (4, None), (None, None)])
def test_waiting_time_equals_the_mdp_absorption_time(p1, p2, c1, c2):
    from qdms.chains.two_link import _waiting_model

    model, decision = _waiting_model(p1, p2, 0.6, c1, c2)
    res = absorption_analysis(model.mdp, decision, model.initial, absorbing=model.absorbing)
    assert two_link_waiting_time(p1, p2, 0.6, c1, c2) == pytest.approx(
        res.expected_steps - 1, rel=1e-12
    )


@pytest.mark.parametrize("c1,c2", [(0, 0), (2, 3), (None, 1), (3, None), (None, None)])
def test_delivered_fidelity_equals_the_mdp_absorption_distribution(c1, c2):
    from qdms.chains.two_link import _model_for_links, _swap_fidelity_table

    a = ElementaryLink(0.35, [1.0, 0.96, 0.9, 0.85, 0.7])
    b = ElementaryLink(0.6, [0.98, 0.9, 0.8, 0.75])
    model = _model_for_links(a, b, 0.8)
    decision = two_link_cutoff_decision(model, c1, c2)
    res = absorption_analysis(model.mdp, decision, model.initial, absorbing=model.absorbing)
    expected = res.value(_swap_fidelity_table(a, b, model))
    assert two_link_delivered_fidelity(a, b, 0.8, c1, c2) == pytest.approx(expected, rel=1e-12)


def _exact_first_joint_activity(p, cutoffs, dead):
    """E[T] and the age distribution at T, by Gaussian elimination over Fractions.

    Each link's ages -1..c (c None: a single 'active' state kept for ever). From age c
    the link requests in the next step, or (dead) spends it inactive first.
    """
    from fractions import Fraction

    def steps(p, c, dead):  # {state: {next: probability}} of one link, -1 inactive
        if c is None:
            return {-1: {0: p, -1: 1 - p}, 0: {0: Fraction(1)}}
        out = {-1: {0: p, -1: 1 - p}}
        for m in range(c):
            out[m] = {m + 1: Fraction(1)}
        out[c] = {-1: Fraction(1)} if dead else {0: p, -1: 1 - p}
        return out

    one, two = (steps(q, c, d) for q, c, d in zip(p, cutoffs, dead, strict=True))
    transient = [(a, b) for a in one for b in two if a < 0 or b < 0]
    index = {s: i for i, s in enumerate(transient)}
    n = len(transient)
    # (I - Q) x = rhs for the mean time (rhs 1) and for each absorbing pair of ages.
    hits = sorted({(a2, b2) for a in one for b in two for a2 in one[a] for b2 in two[b]
                   if a2 >= 0 and b2 >= 0})  # fmt: skip
    rows = []
    for s in transient:
        row = [Fraction(0)] * n + [Fraction(1)] + [Fraction(0)] * len(hits)
        row[index[s]] += 1
        for a2, pa in one[s[0]].items():
            for b2, pb in two[s[1]].items():
                if (a2, b2) in index:
                    row[index[(a2, b2)]] -= pa * pb
                else:
                    row[n + 1 + hits.index((a2, b2))] += pa * pb
        rows.append(row)
    gauss_jordan(rows)
    start = rows[index[(-1, -1)]]
    return start[n], dict(zip(hits, start[n + 1 :], strict=True))


@pytest.mark.parametrize("p", [1e-3, 1e-8, 1e-14, 1e-20])
@pytest.mark.parametrize("c1,c2", [(0, 0), (3, 1), (None, 2), (None, None)])
def test_tiny_probabilities_keep_every_digit_of_the_waiting_time(p, c1, c2):
    from fractions import Fraction

    # The MDP's absorbing-chain solve loses ~ log10(1/p^2) digits here; the closed form none.
    p1, p2 = Fraction(p), Fraction(p) * 3 / 7
    mean, _ = _exact_first_joint_activity((p1, p2), (c1, c2), (False, False))
    got = two_link_waiting_time(float(p1), float(p2), 0.25, c1, c2)
    assert got == pytest.approx(float(mean * 4), rel=1e-12)
    if c1 == c2 is not None:
        sym, _ = _exact_first_joint_activity((p1, p1), (c1, c1), (False, False))
        assert two_link_waiting_time_analytic(p, 0.25, c1) == pytest.approx(
            float(sym * 4), rel=1e-12
        )


@pytest.mark.parametrize("p", [0.4, 1e-6, 1e-13, 1e-20])
@pytest.mark.parametrize("c1,c2", [(2, 3), (None, 1), (0, None), (None, None)])
def test_tiny_probabilities_keep_every_digit_of_the_delivered_fidelity(p, c1, c2):
    from fractions import Fraction

    a = ElementaryLink(p, [1.0, 0.9, 0.8, 0.6])
    b = ElementaryLink(p / 3, [0.97, 0.7, 0.5, 0.45])
    _, ages = _exact_first_joint_activity(
        (Fraction(a.p), Fraction(b.p)),
        (a.m_star if c1 is None else c1, b.m_star if c2 is None else c2),
        (c1 is None, c2 is None),
    )
    f1, f2 = a.fidelities, b.fidelities
    expected = sum(
        w
        * (
            Fraction(f1[m1]) * Fraction(f2[m2])
            + (1 - Fraction(f1[m1])) * (1 - Fraction(f2[m2])) / 3
        )
        for (m1, m2), w in ages.items()
    ) / sum(ages.values())
    got = two_link_delivered_fidelity(a, b, 0.5, c1, c2)
    assert got == pytest.approx(float(expected), rel=1e-12)


@pytest.mark.parametrize("p", [1e-4, 1e-7, 1e-10, 1e-14])
@pytest.mark.parametrize("m", [0, 3, 10])
def test_lp_optimal_waiting_time_for_tiny_probabilities(p, m):
    # HiGHS alone fails from p ~ 1e-4 on (visits ~ 1/p^2); the exact finish gives the optimum,
    # which for equal links is the Shchukin formula at cut-off m* (Fig. 10), itself checked
    # against exact rational arithmetic above.
    value, _ = two_link_optimal_waiting_time(p, p, 0.5, m, m)
    assert value == pytest.approx(two_link_waiting_time_analytic(p, 0.5, m), rel=1e-12)


@pytest.mark.parametrize("p", [0.3, 1e-3, 1e-6, 1e-12])
def test_lp_optimal_value_for_tiny_probabilities(p):
    # Fidelities fall with age, so no policy beats swapping fresh pairs, and insisting on
    # fresh pairs attains it: the optimum is F(f1[0], f2[0]) exactly, for any p.
    a = ElementaryLink(p, [0.99, 0.9, 0.8, 0.6])
    b = ElementaryLink(p / 2, [0.97, 0.7, 0.5])
    value, _ = two_link_optimal_value(a, b, 0.5)
    assert value == pytest.approx(0.99 * 0.97 + 0.01 * 0.03 / 3, rel=1e-12)
    assert value == pytest.approx(two_link_delivered_fidelity(a, b, 0.5, 0, 0), rel=1e-12)
