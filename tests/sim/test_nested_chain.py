"""Monte Carlo of nested swapping chains (qdms.sim.nested_chain) against the exact results.

Two simulators written from the protocol's description: an event-level sampler and a
step-by-step simulation of the whole chain. Agreement is asserted within a few
standard errors computed from the sample (fixed seeds).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from qdms.chains import nested_chain
from qdms.sim.nested_chain import (
    NestedChainSamples,
    sample_nested_chain,
    simulate_nested_chain_stepwise,
)

ISSUE = dict(p_gen=0.01, p_swap=0.5, coherence_steps=400.0, werner0=0.98)
Z = 4.0  # standard errors


def assert_means_agree(samples: NestedChainSamples, exact) -> None:
    se_t = samples.waiting_time_standard_error
    se_w = max(samples.werner_standard_error, 1e-12)  # W can be deterministic
    assert abs(samples.mean_waiting_time - exact.mean_waiting_time) <= Z * se_t
    assert abs(samples.mean_werner - exact.mean_werner) <= Z * se_w


def assert_distribution_agrees(samples: NestedChainSamples, exact, best: float) -> None:
    """Per step: pmf and Pr(T=t) E[W|T=t] within 5 standard errors where counts are >= 5."""
    n = samples.trials
    steps = len(exact.pmf)
    p = exact.pmf
    weighted = exact.pmf * exact.werner
    seen = p * n >= 5
    assert seen.sum() >= 5
    z_pmf = (samples.pmf(steps) - p)[seen] / np.sqrt(p * (1 - p) / n)[seen]
    # W <= best, so Var(W 1{T=t}) <= best * weighted - weighted^2
    var_w = np.maximum(best * weighted - weighted**2, 1e-30) / n
    z_w = (samples.werner_sum(steps) - weighted)[seen] / np.sqrt(var_w[seen])
    assert np.max(np.abs(z_pmf)) < 5.0
    assert np.max(np.abs(z_w)) < 5.0


# ---------------------------------------------------------------- event-level sampler


@pytest.mark.parametrize(
    ("levels", "cutoff", "trials"),
    [
        (0, None, 20_000),
        (1, 400, 20_000),
        (1, None, 20_000),
        (2, 400, 20_000),
        (2, None, 20_000),
        (3, 400, 20_000),
        (3, None, 20_000),
    ],
    ids=[
        "1seg",
        "2seg-cut400",
        "2seg-none",
        "4seg-cut400",
        "4seg-none",
        "8seg-cut400",
        "8seg-none",
    ],
)
def test_event_sampler_means_on_the_issue_chain(levels, cutoff, trials):
    exact = nested_chain(levels, **ISSUE, cutoff=cutoff, truncation=30000)
    samples = sample_nested_chain(
        levels, **ISSUE, cutoff=cutoff, trials=trials, rng=np.random.default_rng(levels + 11)
    )
    assert_means_agree(samples, exact)


def test_event_sampler_one_segment_closed_form():
    samples = sample_nested_chain(
        0, 0.2, 0.5, 10.0, 0.9, None, trials=50_000, rng=np.random.default_rng(3)
    )
    # geometric: mean 1/p, standard deviation sqrt(1-p)/p
    assert abs(samples.mean_waiting_time - 5.0) <= Z * math.sqrt(0.8) / 0.2 / math.sqrt(50_000)
    assert np.all(samples.werner == 0.9)


@pytest.mark.parametrize(("levels", "cutoff"), [(1, 0), (2, (1, 3)), (3, (2, 4, 8)), (3, None)])
def test_event_sampler_distribution(levels, cutoff):
    params = (levels, 0.4, 0.7, 12.0, 0.97)
    exact = nested_chain(*params, cutoff, 0.999)
    samples = sample_nested_chain(*params, cutoff, trials=40_000, rng=np.random.default_rng(7))
    assert_means_agree(samples, exact)
    assert_distribution_agrees(samples, exact, 0.97 ** (2**levels))


# ---------------------------------------------------------------- step-by-step simulation


@pytest.mark.parametrize(
    ("levels", "cutoff"), [(1, 0), (1, 2), (2, (1, 3)), (2, (0, None)), (3, (1, 2, 4))]
)
def test_stepwise_distribution(levels, cutoff):
    """Checks the time conventions: first step 1, cut-off counting, restart times."""
    params = (levels, 0.4, 0.7, 12.0, 0.97)
    exact = nested_chain(*params, cutoff, 0.999)
    samples = simulate_nested_chain_stepwise(
        *params, cutoff, trials=20_000, rng=np.random.default_rng(5)
    )
    assert_means_agree(samples, exact)
    assert_distribution_agrees(samples, exact, 0.97 ** (2**levels))


def test_stepwise_and_event_sampler_agree_in_distribution():
    params = (2, 0.3, 0.6, 20.0, 0.95, (2, 6))
    a = sample_nested_chain(*params, trials=20_000, rng=np.random.default_rng(1))
    b = simulate_nested_chain_stepwise(*params, trials=20_000, rng=np.random.default_rng(2))
    se = math.hypot(a.waiting_time_standard_error, b.waiting_time_standard_error)
    assert abs(a.mean_waiting_time - b.mean_waiting_time) <= Z * se
    se = math.hypot(a.werner_standard_error, b.werner_standard_error)
    assert abs(a.mean_werner - b.mean_werner) <= Z * se


@pytest.mark.slow
@pytest.mark.parametrize("cutoff", [400, None])
def test_eight_segments_long_runs(cutoff):
    exact = nested_chain(3, **ISSUE, cutoff=cutoff, truncation=0.9999)
    events = sample_nested_chain(
        3, **ISSUE, cutoff=cutoff, trials=400_000, rng=np.random.default_rng(2021)
    )
    assert_means_agree(events, exact)
    steps = simulate_nested_chain_stepwise(
        3, **ISSUE, cutoff=cutoff, trials=3_000, rng=np.random.default_rng(2020), max_steps=10**6
    )
    assert_means_agree(steps, exact)


@pytest.mark.slow
def test_eight_segments_short_cutoff_mean_beyond_truncation():
    """Cut-off 50: 30000 steps hold 5.5 % of the mass; the exact mean (527606 steps) counts
    every delivery (Li et al.'s tail-corrected estimate from 30000 steps is 152330)."""
    exact = nested_chain(3, **ISSUE, cutoff=50, truncation=30000)
    assert exact.coverage < 0.06
    samples = sample_nested_chain(3, **ISSUE, cutoff=50, trials=2_000, rng=np.random.default_rng(3))
    assert_means_agree(samples, exact)


# ---------------------------------------------------------------- the simulators themselves


def test_same_seed_same_samples():
    for simulate in (sample_nested_chain, simulate_nested_chain_stepwise):
        a = simulate(2, 0.3, 0.5, 10.0, 0.9, 3, trials=500, rng=np.random.default_rng(9))
        b = simulate(2, 0.3, 0.5, 10.0, 0.9, 3, trials=500, rng=np.random.default_rng(9))
        np.testing.assert_array_equal(a.waiting_times, b.waiting_times)
        np.testing.assert_array_equal(a.werner, b.werner)


def test_perfect_hardware():
    for simulate in (sample_nested_chain, simulate_nested_chain_stepwise):
        s = simulate(3, 1.0, 1.0, math.inf, 1.0, 0, trials=10, rng=np.random.default_rng(0))
        assert np.all(s.waiting_times == 1) and np.all(s.werner == 1.0)


def test_empirical_arrays():
    s = NestedChainSamples(np.array([1, 2, 2, 5]), np.array([0.5, 0.2, 0.4, 0.1]))
    np.testing.assert_allclose(s.pmf(4), [0, 0.25, 0.5, 0])
    np.testing.assert_allclose(s.werner_sum(3), [0, 0.125, 0.15])
    assert s.trials == 4 and s.mean_werner == pytest.approx(0.3)


def test_stepwise_gives_up_after_max_steps():
    with pytest.raises(RuntimeError, match="max_steps"):
        simulate_nested_chain_stepwise(
            1, 0.01, 0.5, 10.0, 0.9, None, trials=100, rng=np.random.default_rng(0), max_steps=3
        )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(p_gen=0.0), ValueError, "p_gen"),
        (dict(p_swap=0.0), ValueError, "p_swap"),
        (dict(p_gen=1.2), ValueError, "p_gen"),
        (dict(cutoff=-1), ValueError, "cutoff"),
        (dict(trials=1), ValueError, "trials"),
        (dict(rng=42), TypeError, "rng"),
        (dict(coherence_steps=0.0), ValueError, "coherence_steps"),
    ],
)
def test_bad_input(kwargs, error, match):
    args = dict(
        levels=1,
        p_gen=0.1,
        p_swap=0.5,
        coherence_steps=10.0,
        werner0=0.9,
        cutoff=3,
        trials=10,
        rng=np.random.default_rng(0),
    )
    args.update(kwargs)
    for simulate in (sample_nested_chain, simulate_nested_chain_stepwise):
        with pytest.raises(error, match=match):
            simulate(**args)
