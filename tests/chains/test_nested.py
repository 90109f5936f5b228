"""qdms.chains.nested and key_rate_optimisation against independent references.

References, none of which shares code with the module:
* closed forms for 1 segment (geometric) and 2 segments (iid geometric links, with and
  without cut-off: min(X, Y) and |X - Y| are independent, |X - Y| has
  Pr(0) = p/(2-p), Pr(d) = 2p(1-p)^d/(2-p));
* an exact time-stepped Markov chain of the 2-segment protocol written from its
  description (state: no link, or one link of age m);
* a brute-force recursion: attempts enumerated pair by pair (by lag), then the
  geometric series of convolutions summed causally in the time domain, O(T^2);
* the numbers of Li, Coopmans & Elkouss's code on the issue's chain
  (../shared/peers/baselines.json, run on this machine).
Monte Carlo checks live in tests/sim/test_nested_chain.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from qdms.chains import (
    NestedChainResult,
    nested_chain,
    optimise_cutoff,
    secret_key_rate,
    werner_key_fraction,
)

ISSUE = dict(p_gen=0.01, p_swap=0.5, coherence_steps=400.0, werner0=0.98)


# ---------------------------------------------------------------- references


def reference_level(a, w, cutoff, p_swap, decay):
    """One swap level by enumeration of pairs (by lag) and a causal O(T^2) series."""
    n = len(a)
    b = a * w
    s = a * a
    q = b * b
    top = n if cutoff is None else min(cutoff + 1, n)
    for lag in range(1, top):
        s[lag:] += 2 * a[lag:] * a[:-lag]
        q[lag:] += 2 * b[lag:] * b[:-lag] * decay**lag
    f = np.zeros(n)
    if cutoff is not None:
        for t1 in range(n - cutoff):
            f[t1 + cutoff] += 2 * a[t1] * (1.0 - a[: t1 + cutoff + 1].sum())
    h = f + (1 - p_swap) * s
    pmf = np.zeros(n)
    weighted = np.zeros(n)
    for t in range(1, n):
        pmf[t] = p_swap * s[t] + h[1 : t + 1] @ pmf[t - 1 :: -1]
        weighted[t] = p_swap * q[t] + h[1 : t + 1] @ weighted[t - 1 :: -1]
    return pmf, weighted


def reference_chain(levels, p_gen, p_swap, coherence_steps, werner0, cutoffs, steps):
    t = np.arange(steps)
    a = np.where(t >= 1, p_gen * (1 - p_gen) ** np.maximum(t - 1, 0), 0.0)
    w = np.full(steps, werner0)
    for k in range(levels):
        a, weighted = reference_level(a, w, cutoffs[k], p_swap, math.exp(-1 / coherence_steps))
        w = np.divide(weighted, a, out=np.zeros(steps), where=a > 0)
    return a, a * w


def markov_two_segments(p, p_swap, cutoff, werner0, coherence_steps, steps):
    """Exact 2-segment process, step by step: no link, or one link that has waited m steps."""
    decay = math.exp(-1 / coherence_steps)
    ages = steps if cutoff is None else cutoff  # after a step a lone link has age 0 .. cutoff-1
    none, one = 1.0, np.zeros(max(ages, 1))
    pmf, weighted = np.zeros(steps), np.zeros(steps)
    factors = decay ** np.arange(1, len(one) + 1)  # the waiting link has aged m + 1 at the swap
    for t in range(1, steps):
        pmf[t] = p_swap * (none * p * p + p * one.sum())
        weighted[t] = p_swap * werner0**2 * (none * p * p + p * (one @ factors))
        new_none = none * ((1 - p) ** 2 + p * p * (1 - p_swap)) + p * (1 - p_swap) * one.sum()
        new_one = np.zeros_like(one)
        new_one[1:] = (1 - p) * one[:-1]
        if cutoff is None or cutoff >= 1:
            new_one[0] = none * 2 * p * (1 - p)
            if cutoff is not None:
                new_none += (1 - p) * one[cutoff - 1]
        else:  # cut-off 0: a lone link is discarded in the step it was made
            new_none += none * 2 * p * (1 - p)
        none, one = new_none, new_one
    return pmf, weighted


def two_segment_means(p, p_swap, cutoff, werner0, coherence_steps):
    """Closed forms: E[T] = E[min + min(|D|, cutoff)] / (p_swap Pr(|D| <= cutoff)), E[W]."""
    x = (1 - p) * math.exp(-1 / coherence_steps)
    if cutoff is None:
        passed = 1.0
        extra = 2 * (1 - p) / ((2 - p) * p)
        lagged = x / (1 - x)
    else:
        passed = 1 - 2 * (1 - p) ** (cutoff + 1) / (2 - p)
        extra = 2 * (1 - p) / (2 - p) * (1 - (1 - p) ** cutoff) / p
        lagged = x * (1 - x**cutoff) / (1 - x)
    duration = 1 / (p * (2 - p)) + extra
    mean_w = werner0**2 * p / (2 - p) * (1 + 2 * lagged) / passed
    return duration / (p_swap * passed), mean_w


# ---------------------------------------------------------------- closed forms


@pytest.mark.parametrize("p_gen", [1e-3, 0.01, 0.3, 1.0])
def test_one_segment_is_geometric(p_gen):
    res = nested_chain(0, p_gen, 0.5, 400.0, 0.9, None, 500)
    t = np.arange(1, 500)
    np.testing.assert_allclose(res.pmf[1:], p_gen * (1 - p_gen) ** (t - 1), rtol=1e-13, atol=0)
    assert res.pmf[0] == 0.0
    assert np.all(res.werner[res.pmf > 0] == 0.9)
    assert res.mean_waiting_time == pytest.approx(1 / p_gen, rel=1e-15)
    assert res.mean_werner == 0.9


@pytest.mark.parametrize("cutoff", [None, 0, 1, 5, 40, 400])
@pytest.mark.parametrize("p", [0.01, 0.2])
def test_two_segment_means_closed_form(p, cutoff):
    res = nested_chain(1, p, 0.5, 400.0, 0.98, cutoff, 0.5)
    mean_t, mean_w = two_segment_means(p, 0.5, cutoff, 0.98, 400.0)
    assert res.mean_waiting_time == pytest.approx(mean_t, rel=1e-10)
    assert res.mean_werner == pytest.approx(mean_w, rel=1e-10)


def test_two_segment_formula_of_the_issue():
    p = 0.01
    res = nested_chain(1, p, 0.5, 400.0, 0.98, None, 30000)
    assert res.mean_waiting_time == pytest.approx((3 - 2 * p) / ((2 - p) * p * 0.5), rel=1e-12)


@pytest.mark.parametrize("cutoff", [None, 0, 1, 3, 17])
@pytest.mark.parametrize(("p", "p_swap", "coherence_steps"), [(0.3, 0.6, 10.0), (0.05, 1.0, 50.0)])
def test_two_segments_against_markov_chain(p, p_swap, coherence_steps, cutoff):
    steps = 400
    res = nested_chain(1, p, p_swap, coherence_steps, 0.9, cutoff, steps)
    pmf, weighted = markov_two_segments(p, p_swap, cutoff, 0.9, coherence_steps, steps)
    np.testing.assert_allclose(res.pmf, pmf, rtol=0, atol=2e-15)
    np.testing.assert_allclose(res.pmf * res.werner, weighted, rtol=0, atol=2e-15)
    big = pmf > 1e-4 * pmf.max()  # W = weighted / pmf is as exact as pmf is relatively
    np.testing.assert_allclose(res.werner[big], weighted[big] / pmf[big], rtol=1e-9)


# ---------------------------------------------------------------- brute force


@pytest.mark.parametrize(
    ("levels", "cutoffs"),
    [(2, (None, None)), (2, (2, 5)), (3, (0, 1, 2)), (3, (1, 4, 9)), (4, (3, None, 8, 20))],
)
def test_against_brute_force(levels, cutoffs):
    params = (levels, 0.3, 0.6, 15.0, 0.95)
    res = nested_chain(*params, cutoffs, 300)
    pmf, weighted = reference_chain(*params, cutoffs, 300)
    np.testing.assert_allclose(res.pmf, pmf, rtol=0, atol=3e-15)
    np.testing.assert_allclose(res.pmf * res.werner, weighted, rtol=0, atol=3e-15)
    big = pmf > 1e-4 * pmf.max()  # W = weighted / pmf is as exact as pmf is relatively
    np.testing.assert_allclose(res.werner[big], weighted[big] / pmf[big], rtol=1e-9)


@pytest.mark.parametrize("cutoff", [None, 400, 50, 3])
def test_eight_segments_against_brute_force(cutoff):
    """Long truncation, poor coverage for small cut-offs: the damped-FFT path."""
    params = (3, 0.05, 0.5, 400.0, 0.98)
    res = nested_chain(*params, cutoff, 2500)
    pmf, weighted = reference_chain(*params, (cutoff,) * 3, 2500)
    np.testing.assert_allclose(res.pmf, pmf, rtol=0, atol=2e-15)
    np.testing.assert_allclose(res.pmf * res.werner, weighted, rtol=0, atol=2e-15)
    assert res.coverage == pytest.approx(pmf.sum(), abs=1e-13)


def test_means_equal_plain_sums_when_covered():
    cutoffs = (2, 5)
    res = nested_chain(2, 0.3, 0.6, 15.0, 0.95, cutoffs, 1500)
    pmf, weighted = reference_chain(2, 0.3, 0.6, 15.0, 0.95, cutoffs, 1500)
    assert 1 - pmf.sum() < 1e-14
    assert res.mean_waiting_time == pytest.approx(np.arange(1500) @ pmf, rel=1e-12)
    assert res.mean_werner == pytest.approx(weighted.sum(), rel=1e-12)


def test_means_do_not_depend_on_truncation():
    """The renewal means count deliveries after the truncation too."""
    short = nested_chain(3, 0.3, 0.6, 15.0, 0.95, 4, 40)
    long = nested_chain(3, 0.3, 0.6, 15.0, 0.95, 4, 20000)
    assert short.coverage < 0.5 and long.coverage > 1 - 1e-12
    assert short.mean_waiting_time == pytest.approx(long.truncated_mean_waiting_time, rel=1e-10)
    assert short.mean_werner == pytest.approx(long.truncated_mean_werner, rel=1e-10)
    np.testing.assert_allclose(short.pmf, long.pmf[:40], rtol=0, atol=5e-15)


# ---------------------------------------------------------------- the authors' numbers

# Li, Coopmans & Elkouss's code (vendored at ../shared/peers/vendor/cutoff, commit c9245ed)
# on p_gen 0.01, p_swap 0.5, t_coh 400, w0 0.98, t_trunc 30000: ../shared/peers/baselines.json.
AUTHORS = {
    "seg2_none": (1, None, 299.49748743726, 0.7690939998413197, 0.0009498147895598759),
    "seg4_none": (2, None, 864.882094397727, 0.3611841048069858, 0.0),
    "seg8_none": (3, None, 2472.8899993026234, 0.04894483717431959, 0.0),
    "seg2_cut400": (1, 400, 301.3068634240782, 0.7779413548257161, 0.0010045440768503932),
    "seg4_cut400": (2, 400, 968.4365267981375, 0.43326486280015664, 0.0),
    "seg8_cut400": (3, 400, 4614.407808955563, 0.12464081205757262, 0.0),
    "seg2_cut50": (1, 50, 449.97, 0.907056, None),
}


@pytest.mark.parametrize("case", list(AUTHORS), ids=lambda c: f"li2021_{c}")
def test_authors_numbers(case):
    levels, cutoff, mean_t, mean_w, key = AUTHORS[case]
    res = nested_chain(levels, **ISSUE, cutoff=cutoff, truncation=30000)
    if case == "seg2_cut50":  # rounded in the peers' README
        assert round(res.tail_corrected_mean_waiting_time, 2) == mean_t
        assert round(res.truncated_mean_werner, 6) == mean_w
        return
    # Their pmf carries FFT aliasing of up to 1e-10 per step where coverage < 1 (8 segments,
    # cut-off 400: 4e-7 in total mass), which moves their tail-corrected mean by 3e-6.
    assert res.tail_corrected_mean_waiting_time == pytest.approx(mean_t, rel=5e-6)
    assert res.truncated_mean_werner == pytest.approx(mean_w, rel=1e-7)
    assert secret_key_rate(
        res.tail_corrected_mean_waiting_time, res.truncated_mean_werner, log_base=math.e
    ) == pytest.approx(key, rel=1e-9, abs=1e-15)
    if res.coverage > 1 - 1e-12:  # then their mean is the exact mean
        assert res.mean_waiting_time == pytest.approx(mean_t, rel=1e-10)
        assert res.mean_werner == pytest.approx(mean_w, rel=1e-10)


def test_issue_benchmark_chain_exact_means():
    """8 segments, cut-off 400: E[T] over all deliveries, not the tail-corrected guess."""
    res = nested_chain(3, **ISSUE, cutoff=400, truncation=30000)
    assert res.coverage == pytest.approx(0.99877414935, abs=1e-10)
    longer = nested_chain(3, **ISSUE, cutoff=400, truncation=250_000)
    assert longer.coverage > 1 - 1e-15
    assert longer.truncated_mean_waiting_time == pytest.approx(res.mean_waiting_time, rel=1e-11)
    assert longer.truncated_mean_werner == pytest.approx(res.mean_werner, rel=1e-11)
    assert res.mean_waiting_time == pytest.approx(4614.2188580, rel=1e-9)


# ---------------------------------------------------------------- truncation by mass


@pytest.mark.parametrize("mass", [0.5, 0.9, 0.99, 0.999999])
@pytest.mark.parametrize(("levels", "cutoff"), [(0, None), (1, 7), (2, None), (3, (2, 4, 9))])
def test_truncation_by_mass(levels, cutoff, mass):
    res = nested_chain(levels, 0.2, 0.7, 30.0, 0.97, cutoff, mass)
    cdf = np.cumsum(res.pmf)
    assert cdf[-1] >= mass > cdf[-2]
    fixed = nested_chain(levels, 0.2, 0.7, 30.0, 0.97, cutoff, len(res.pmf) + 50)
    np.testing.assert_allclose(res.pmf, fixed.pmf[: len(res.pmf)], rtol=0, atol=3e-15)
    assert res.mean_waiting_time == pytest.approx(fixed.mean_waiting_time, rel=1e-10)


def test_slow_chain_needs_long_truncation():
    res = nested_chain(3, 0.01, 0.5, 400.0, 0.98, 50, 0.5)
    assert len(res.pmf) > 100_000
    assert res.coverage >= 0.5


# ---------------------------------------------------------------- properties


@given(
    levels=st.integers(0, 3),
    p_gen=st.floats(0.05, 1.0),
    p_swap=st.floats(0.05, 1.0),
    coherence_steps=st.one_of(st.just(math.inf), st.floats(1.0, 1e4)),
    werner0=st.floats(0.0, 1.0),
    cutoff=st.one_of(st.none(), st.integers(0, 30)),
)
# draws of `make test-deep` that once failed: a subnormal bound, products pmf * 1e-304 that
# lost their digits, and a mean Werner parameter of 1 + 2e-15
@example(1, 1.0, 1.0, math.inf, 8.1150532558473e-151, None)
@example(3, 0.25, 0.0625, math.inf, 1.1754943508222875e-38, 1)
@example(3, 0.25, 0.125, math.inf, 1.0, 1)
def test_distribution_properties(levels, p_gen, p_swap, coherence_steps, werner0, cutoff):
    try:
        res = nested_chain(levels, p_gen, p_swap, coherence_steps, werner0, cutoff, 200)
    except ValueError as exc:  # e.g. cut-off 0 on three levels: E[T] far beyond max_steps
        assert "raise max_steps" in str(exc)
        return

    assert res.pmf[0] == 0.0
    assert np.all(res.pmf >= 0) and res.coverage <= 1 + 1e-12
    best = werner0 ** (2**levels)  # no decay at all
    assert np.all((res.werner >= 0) & (res.werner <= best * (1 + 1e-15)))
    assert np.all(res.werner[res.pmf == 0] == 0)
    assert res.mean_waiting_time >= 1 - 1e-14
    assert res.secret_key_rate >= 0
    assert 0 <= res.mean_werner <= best * (1 + 1e-12)
    if levels == 0 or math.isinf(coherence_steps):
        big = res.pmf > 1e-5 * res.pmf.max()
        np.testing.assert_allclose(res.werner[big], werner0 ** (2**levels), rtol=1e-9)


@pytest.mark.parametrize("levels", [0, 1, 3])
def test_perfect_hardware_delivers_in_one_step(levels):
    res = nested_chain(levels, 1.0, 1.0, math.inf, 1.0, 0, 10)
    np.testing.assert_allclose(res.pmf, np.eye(10)[1], atol=1e-15)
    assert res.werner[1] == pytest.approx(1.0, abs=1e-15)
    assert res.mean_waiting_time == pytest.approx(1.0, rel=1e-14)
    assert res.mean_werner == pytest.approx(1.0, rel=1e-14)


def test_more_memory_never_lowers_the_rate_of_delivery():
    means = [nested_chain(2, 0.1, 0.5, 50.0, 0.95, c, 0.5).mean_waiting_time for c in (0, 3, 10)]
    assert means[0] > means[1] > means[2]


def test_never_delivers():
    for args in ((0, 0.0, 0.5), (2, 0.0, 0.5), (2, 0.3, 0.0)):
        res = nested_chain(*args, 10.0, 0.9, None, 50)
        assert not res.pmf.any() and not res.werner.any()
        assert res.mean_waiting_time == math.inf and math.isnan(res.mean_werner)
        assert res.secret_key_rate == 0.0
        with pytest.raises(ValueError, match="no pair is ever delivered"):
            nested_chain(*args, 10.0, 0.9, None, 0.5)


def test_result_is_frozen_and_read_only():
    res = nested_chain(1, 0.3, 0.5, 10.0, 0.9, 2, 20)
    assert isinstance(res, NestedChainResult)
    assert res.cutoffs == (2,) and res.levels == 1
    with pytest.raises(ValueError):
        res.pmf[1] = 0.5
    with pytest.raises(AttributeError):
        res.coverage = 1.0  # type: ignore[misc]
    assert res.mean_fidelity == pytest.approx((1 + 3 * res.mean_werner) / 4)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(p_gen=1.5), ValueError, "p_gen"),
        (dict(p_gen=-0.1), ValueError, "p_gen"),
        (dict(p_swap=2.0), ValueError, "p_swap"),
        (dict(p_swap=math.nan), ValueError, "p_swap"),
        (dict(werner0=1.2), ValueError, "werner0"),
        (dict(coherence_steps=0.0), ValueError, "coherence_steps"),
        (dict(coherence_steps=-5.0), ValueError, "coherence_steps"),
        (dict(levels=-1), ValueError, "levels"),
        (dict(levels=1.5), TypeError, "levels"),
        (dict(cutoff=-1), ValueError, "cutoff"),
        (dict(cutoff=(3, -2)), ValueError, r"cutoff\[1\]"),
        (dict(cutoff=(3,)), ValueError, "one entry per level"),
        (dict(cutoff=3.0), TypeError, "cutoff"),
        (dict(cutoff="3"), TypeError, "cutoff"),
        (dict(truncation=0), ValueError, "truncation"),
        (dict(truncation=1.0), ValueError, "cannot be held"),
        (dict(truncation=0.0), ValueError, "truncation"),
        (dict(truncation=1.5), ValueError, "truncation"),
        (dict(truncation=True), TypeError, "truncation"),
        (dict(truncation="all"), TypeError, "truncation"),
        (dict(truncation=0.999, max_steps=100), ValueError, "max_steps"),
    ],
)
def test_bad_input(kwargs, error, match):
    args = dict(levels=2, p_gen=0.1, p_swap=0.5, coherence_steps=10.0, werner0=0.9)
    args.update(cutoff=5, truncation=100)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        nested_chain(**args)


def test_int_cutoff_ignored_without_levels_but_checked():
    assert nested_chain(0, 0.5, 0.5, 10.0, 0.9, 4, 10).cutoffs == ()
    with pytest.raises(ValueError, match="cutoff"):
        nested_chain(0, 0.5, 0.5, 10.0, 0.9, -4, 10)


# ---------------------------------------------------------------- key rate and optimiser


def test_key_fraction():
    assert werner_key_fraction(1.0) == 1.0
    assert werner_key_fraction(0.0) == 0.0
    # Shor-Preskill threshold: QBER 11.0028 %, w = 1 - 2 Q
    assert werner_key_fraction(1 - 2 * 0.110028) == pytest.approx(0.0, abs=1e-5)
    q = 0.05
    h = -q * math.log2(q) - (1 - q) * math.log2(1 - q)
    assert werner_key_fraction(1 - 2 * q) == pytest.approx(1 - 2 * h, rel=1e-14)
    assert secret_key_rate(math.inf, 0.9) == 0.0
    with pytest.raises(ValueError, match="mean_waiting_time"):
        secret_key_rate(0.5, 0.9)
    with pytest.raises(ValueError, match="werner"):
        secret_key_rate(10.0, 1.1)


def _rate(levels, cutoffs, params):
    res = nested_chain(levels, *params, cutoffs, 0.5)
    return secret_key_rate(res.mean_waiting_time, res.mean_werner)


def test_optimiser_shared_cutoff_is_exhaustive_optimum():
    params = (0.1, 0.5, 40.0, 0.99)
    rates = {c: _rate(2, c, params) for c in [*range(0, 121), None]}
    best = max(rates, key=rates.get)
    found = optimise_cutoff(2, *params)
    assert found.cutoffs == (best, best)
    assert found.secret_key_rate == pytest.approx(rates[best], rel=1e-12)
    assert found.evaluations < 60


def test_optimiser_per_level_beats_shared_and_is_locally_optimal():
    params = (0.1, 0.5, 40.0, 0.99)
    shared = optimise_cutoff(2, *params)
    found = optimise_cutoff(2, *params, per_level=True)
    assert found.secret_key_rate >= shared.secret_key_rate
    c1, c2 = found.cutoffs
    for d1 in (-1, 0, 1):
        for d2 in (-1, 0, 1):
            if c1 + d1 >= 0 and c2 + d2 >= 0:
                assert _rate(2, (c1 + d1, c2 + d2), params) <= found.secret_key_rate * (1 + 1e-12)


def test_optimiser_trivial_cases():
    assert optimise_cutoff(0, 0.1, 0.5, 40.0, 0.99).cutoffs == ()
    none = optimise_cutoff(1, 0.1, 0.5, 40.0, 0.5)  # never any key
    assert none.secret_key_rate == 0.0
