"""Honest runs over noisy links (qdms.apps.metrology.honest): false aborts and thresholds.

References: brute-force enumeration of the multinomial role counts and
binomial error counts, and Monte Carlo runs of the protocol.
"""

import math

import numpy as np
import pytest
from scipy.stats import binom, multinomial

from qdms.apps.metrology import (
    QSMProtocol,
    abort_threshold_for_false_abort,
    check_error_rates,
    false_abort_probability,
)
from qdms.quantum import (
    amplitude_damping_kraus,
    apply_channel,
    bell_diagonal_state,
    werner_state,
)


def brute_force_abort(l_, pe, e_v, e_d, t):
    """Sum over every (n_V, n_E, n_D) and every error count; no truncation."""
    q = (1 - pe) / 2
    total = 0.0
    for nv in range(l_ + 1):
        for nd in range(l_ - nv + 1):
            w = multinomial.pmf([nv, l_ - nv - nd, nd], l_, [q, pe, q])
            pass_v = binom.cdf(math.floor(t * nv), nv, e_v) if nv else 1.0
            pass_d = binom.cdf(math.floor(t * nd), nd, e_d) if nd else 1.0
            total += w * (1 - pass_v * pass_d)
    return total


def test_error_rates_of_werner_and_other_states():
    for w in (1.0, 0.9, 0.5, 0.0):
        e_v, e_d = check_error_rates(werner_state(w))
        assert e_v == pytest.approx((1 - w) / 2, abs=1e-14)
        assert e_d == pytest.approx(3 * (1 - w) / 4, abs=1e-14)
    # Bell-diagonal [Phi+, Psi+, Phi-, Psi-]: Z errors from Psi's, X errors from Phi-, Psi-.
    q = [0.7, 0.1, 0.15, 0.05]
    e_v, e_d = check_error_rates(bell_diagonal_state(q))
    assert e_v == pytest.approx(((0.1 + 0.05) + (0.15 + 0.05)) / 2, abs=1e-14)
    assert e_d == pytest.approx(0.3, abs=1e-14)
    assert check_error_rates(None) == (0.0, 0.0)


@pytest.mark.parametrize("t", [0.0, 0.1, 0.25, 0.5])
def test_false_abort_against_brute_force(t):
    link = apply_channel(werner_state(0.9), amplitude_damping_kraus(0.1), [1], [2, 2])
    e_v, e_d = check_error_rates(link)
    for l_, pe in [(12, 0.4), (25, 0.7)]:
        assert false_abort_probability(l_, pe, link_state=link, abort_threshold=t) == pytest.approx(
            brute_force_abort(l_, pe, e_v, e_d, t), rel=1e-9, abs=1e-15
        )


def test_threshold_zero_closed_form():
    w, l_, pe = 0.97, 300, 0.4
    per = (1 - pe) / 2 * ((1 - w) / 2 + 3 * (1 - w) / 4)
    assert false_abort_probability(l_, pe, link_state=werner_state(w)) == pytest.approx(
        1 - (1 - per) ** l_, rel=1e-12
    )
    assert false_abort_probability(10**6, 0.5) == 0.0  # ideal links never abort


@pytest.mark.parametrize("t", [0.0, 0.06])
def test_false_abort_against_protocol_monte_carlo(t):
    link, l_, pe, runs = werner_state(0.96), 300, 0.5, 2000
    proto = QSMProtocol(l_, pe, 1, 0.2, link_state=link, abort_threshold=t)
    g = np.random.default_rng(31)
    aborted = sum(proto.run(g).aborted for _ in range(runs))
    p = false_abort_probability(l_, pe, link_state=link, abort_threshold=t)
    assert abs(aborted / runs - p) < 4 * math.sqrt(p * (1 - p) / runs)


def test_threshold_for_target():
    link, l_, pe, target = werner_state(0.95), 400, 0.5, 1e-3
    t = abort_threshold_for_false_abort(l_, pe, target, link_state=link)
    assert false_abort_probability(l_, pe, link_state=link, abort_threshold=t) <= target
    assert false_abort_probability(l_, pe, link_state=link, abort_threshold=t - 1e-6) > target
    assert abort_threshold_for_false_abort(l_, pe, 0.5, link_state=werner_state(1.0)) == 0.0


def test_bad_inputs():
    with pytest.raises(ValueError, match="abort_threshold must be a probability"):
        false_abort_probability(10, 0.5, abort_threshold=-0.1)
    with pytest.raises(ValueError, match="target must be a probability"):
        abort_threshold_for_false_abort(10, 0.5, 2.0)
    with pytest.raises(ValueError, match="pairs must be an integer"):
        false_abort_probability(0, 0.5)
