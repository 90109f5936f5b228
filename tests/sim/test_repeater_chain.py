"""Monte Carlo of the n-link repeater chain against the exact MDP (qdms.chains.multi_link)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qdms.chains.multi_link import (
    multi_link_model,
    multi_link_optimal_waiting_time,
    multi_link_waiting_time,
    multi_link_waiting_time_pmf,
)
from qdms.chains.multi_link_fidelity import multi_link_delivered_werner
from qdms.sim.repeater_chain import simulate_repeater_chain

Z = 4.0  # tolerance in standard errors of the sample

CASES = [
    pytest.param(3, 0.5, 0.5, 2, "link", id="n3-p0.5-ps0.5-t2-link"),
    pytest.param(3, [0.3, 0.8, 0.5], 0.8, 3, "pair", id="n3-hetero-ps0.8-t3-pair"),
    pytest.param(4, 0.9, 0.5, 2, "link", id="n4-p0.9-ps0.5-t2-link"),  # Iñesta's 5-node case
    pytest.param(4, [0.5, 0.8, 0.6, 0.9], 0.7, 3, "pair", id="n4-hetero-ps0.7-t3-pair"),
    pytest.param(2, 0.4, 0.6, 0, "link", id="n2-cutoff0"),
]


@pytest.mark.parametrize("n,p,p_swap,cutoff,decay", CASES)
@pytest.mark.parametrize("policy", ["optimal", "swap_asap"])
def test_waiting_time_and_werner_agree_with_exact_mdp(n, p, p_swap, cutoff, decay, policy, rng):
    model = multi_link_model(n, p, p_swap, cutoff)
    if policy == "optimal":
        _, decision = multi_link_optimal_waiting_time(model)
        table = model.policy_map(decision)
    else:
        decision, table = model.swap_asap_decision(), "swap_asap"
    coherence, w0 = 15.0, 0.97
    sim = simulate_repeater_chain(
        n,
        p,
        p_swap,
        cutoff,
        policy=table,
        trials=20_000,
        rng=rng,
        werner0=w0,
        coherence_steps=coherence,
        decay=decay,
    )
    mean, sem = sim.mean_waiting_steps()
    assert abs(mean - multi_link_waiting_time(model, decision)) < Z * sem
    exact_w = multi_link_delivered_werner(model, decision, w0, coherence, decay=decay)
    mean_w, sem_w = sim.mean_werner()
    floor = 1e-12  # cutoff 0: every pair is fresh, W is constant and its sem 0
    assert abs(mean_w - exact_w) < Z * sem_w + floor
    mean_f, sem_f = sim.mean_fidelity()
    assert abs(mean_f - (1 + 3 * exact_w) / 4) < Z * sem_f + floor


def test_waiting_time_distribution_agrees_with_exact_pmf(rng):
    model = multi_link_model(4, 0.5, 0.5, 2)
    _, decision = multi_link_optimal_waiting_time(model)
    trials = 20_000
    sim = simulate_repeater_chain(
        4, 0.5, 0.5, 2, policy=model.policy_map(decision), trials=trials, rng=rng
    )
    cdf = np.cumsum(multi_link_waiting_time_pmf(model, decision, steps=120))
    for t in (1, 3, 10, 25, 60, 120):
        freq = np.mean(sim.waiting_steps <= t)
        sem = math.sqrt(max(cdf[t] * (1 - cdf[t]), 1e-12) / trials)
        assert abs(freq - cdf[t]) < Z * sem + 1e-12


def test_unbounded_memory_and_inesta_nested_policy(rng):
    model = multi_link_model(3, 0.6, 0.8, None)
    sim = simulate_repeater_chain(3, 0.6, 0.8, None, trials=20_000, rng=rng)
    mean, sem = sim.mean_waiting_steps()
    assert abs(mean - multi_link_waiting_time(model, model.swap_asap_decision())) < Z * sem
    # a table that waits in the full state (nodes 1 and 3 of five nodes only), as Iñesta et al.
    model4 = multi_link_model(4, 0.9, 0.5, 2)
    full = ((0, 1), (1, 2), (2, 3), (3, 4))

    def nested(label):
        mask = model4.policy_map(model4.swap_asap_decision())[label]
        return 0b101 if tuple((a, b) for a, b, _ in label) == full else mask

    decision = model4.decision_from_rule(
        lambda label: [k for k in (1, 2, 3) if nested(label) >> (k - 1) & 1]
    )
    table = {label: nested(label) for label in model4.states[:-1]}
    sim4 = simulate_repeater_chain(4, 0.9, 0.5, 2, policy=table, trials=20_000, rng=rng)
    mean4, sem4 = sim4.mean_waiting_steps()
    assert abs(mean4 - multi_link_waiting_time(model4, decision)) < Z * sem4


def test_certain_links_deliver_in_one_step_with_fresh_pairs(rng):
    sim = simulate_repeater_chain(
        5, 1.0, 1.0, 3, trials=50, rng=rng, werner0=0.9, coherence_steps=2.0
    )
    assert np.all(sim.waiting_steps == 1)
    np.testing.assert_allclose(sim.werner, 0.9**5)


def test_same_seed_same_numbers():
    def run(seed):
        return simulate_repeater_chain(
            3, 0.4, 0.6, 2, trials=200, rng=np.random.default_rng(seed), coherence_steps=5.0
        )

    a, b, c = run(7), run(7), run(8)
    np.testing.assert_array_equal(a.waiting_steps, b.waiting_steps)
    np.testing.assert_array_equal(a.werner, b.werner)
    assert not np.array_equal(a.waiting_steps, c.waiting_steps)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"p": 1.5}, r"p must be a probability in \[0, 1\], got 1.5"),
        ({"p": [0.5, 0.5]}, r"one per link \(3\), got 2"),
        ({"p_swap": -0.2}, r"p_swap must be a probability in \[0, 1\], got -0.2"),
        ({"cutoff": -2}, r"cutoff must be an integer in \[0, inf\], got -2"),
        ({"trials": 0}, r"trials must be an integer in \[1, inf\], got 0"),
        ({"policy": "optimal"}, r"policy must be 'swap_asap' or a table"),
        ({"decay": "qubit"}, r"decay must be 'link' or 'pair'"),
        ({"werner0": 2.0}, r"werner0 must be a probability in \[0, 1\], got 2.0"),
        ({"coherence_steps": 0.0}, r"coherence_steps must be > 0, got 0.0"),
    ],
)
def test_bad_inputs_raise_clear_errors(kwargs, match, rng):
    args = {"n_links": 3, "p": 0.5, "p_swap": 0.5, "cutoff": 2, "trials": 10, "rng": rng}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        simulate_repeater_chain(**args)


def test_policy_table_must_cover_the_states_reached(rng):
    with pytest.raises(ValueError, match="missing from the policy table"):
        simulate_repeater_chain(3, 0.5, 0.5, 2, policy={(): 0}, trials=10, rng=rng)
