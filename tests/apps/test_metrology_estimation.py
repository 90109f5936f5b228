"""Maximum-likelihood estimation, exact MSE and bounds (qdms.apps.metrology.estimation).

References: brute-force enumeration of the binomial sums without truncation,
numerical maximisation of the likelihood, and Monte Carlo runs of the protocol.
"""

import math

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from scipy.stats import binom

from qdms.apps.metrology import (
    QSMProtocol,
    error_propagation_variance,
    estimator_mean_squared_error,
    maximum_likelihood_phase,
    maximum_likelihood_phase_of_state,
    multi_n_phase_estimate,
    noisy_qcrb,
    qcrb,
    standard_quantum_limit,
)
from qdms.quantum import werner_state


def brute_force_mse(nu, pe, n, phi):
    """Enumerate every (k, a) with scipy's binomial pmf; phi_hat from the likelihood by a 1-D search."""
    q = math.cos(n * phi / 2) ** 2
    pk = binom.pmf(np.arange(nu + 1), nu, pe)
    pk[0] = 0.0
    pk /= pk.sum()
    total = 0.0
    for k in range(1, nu + 1):
        for a in range(k + 1):
            if a == k:
                est = 0.0
            elif a == 0:
                est = math.pi / n
            else:
                res = minimize_scalar(
                    lambda t, a=a, k=k: (
                        -(
                            a * math.log(math.cos(t / 2) ** 2)
                            + (k - a) * math.log(math.sin(t / 2) ** 2)
                        )
                    ),
                    bounds=(1e-12, math.pi - 1e-12),
                    method="bounded",
                    options={"xatol": 1e-12},
                )
                est = res.x / n
            total += pk[k] * binom.pmf(a, k, q) * (est - phi) ** 2
    return total


@pytest.mark.parametrize(
    ("nu", "pe", "n", "phi"), [(1, 1.0, 1, 0.7), (6, 0.5, 2, 0.4), (12, 0.3, 3, 0.9)]
)
def test_mse_against_brute_force(nu, pe, n, phi):
    assert estimator_mean_squared_error(nu, pe, n, phi) == pytest.approx(
        brute_force_mse(nu, pe, n, phi), rel=1e-7
    )


def test_mse_exact_cases():
    assert estimator_mean_squared_error(50, 0.5, 2, 0.0) == 0.0
    # float(pi/2) is 6e-17 short of pi/2, so P(Phi+) = cos^2(N phi / 2) is 3.7e-33, not 0:
    # the MSE of that input is of that order (it was 0 while (1 + cos)/2 rounded it away).
    assert 0.0 < estimator_mean_squared_error(50, 0.5, 2, math.pi / 2) < 1e-31
    # One pair at N phi = pi/2: phi_hat is 0 or pi/N with probability 1/2 each.
    assert estimator_mean_squared_error(1, 1.0, 2, math.pi / 4) == pytest.approx(
        (math.pi / 4) ** 2, rel=1e-14
    )


def test_mse_truncated_sums_match_full_sums_at_moderate_nu():
    nu, pe, n, phi = 300, 0.4, 2, 0.5
    q = math.cos(n * phi / 2) ** 2
    ks = np.arange(1, nu + 1)
    pk = binom.pmf(ks, nu, pe) / (1 - (1 - pe) ** nu)
    total = 0.0
    for k, w in zip(ks, pk, strict=True):
        a = np.arange(k + 1)
        est = 2 * np.arccos(np.sqrt(a / k)) / n
        total += w * np.sum(binom.pmf(a, k, q) * (est - phi) ** 2)
    assert estimator_mean_squared_error(nu, pe, n, phi) == pytest.approx(total, rel=1e-9)


def test_mse_approaches_qcrb_from_above():
    ratios = [
        estimator_mean_squared_error(nu, 0.5, 3, 0.4) / qcrb(0.5, nu, 3)
        for nu in (100, 1000, 10000)
    ]
    assert all(r > 1 for r in ratios)
    assert ratios[0] > ratios[1] > ratios[2]
    assert ratios[2] == pytest.approx(1.0, abs=1e-3)


def test_mse_monte_carlo_matches_exact_value():
    """Protocol runs (sampler + MLE): the empirical MSE agrees within a few standard errors."""
    nu, pe, n, phi, runs = 400, 0.5, 3, 0.35, 3000
    proto = QSMProtocol(nu, pe, n, phi)
    g = np.random.default_rng(11)
    sq = np.array([(proto.run(g).estimate - phi) ** 2 for _ in range(runs)])
    se = sq.std(ddof=1) / math.sqrt(runs)
    exact = estimator_mean_squared_error(nu, pe, n, phi)
    assert abs(sq.mean() - exact) < 4 * se
    # ... and the QCRB is approached: within 2 % at nu = 400, and within the statistical error.
    assert exact == pytest.approx(qcrb(pe, nu, n), rel=0.02)
    assert abs(sq.mean() - qcrb(pe, nu, n)) < 4 * se + (exact - qcrb(pe, nu, n))


@pytest.mark.slow
def test_mse_monte_carlo_large_nu_reaches_qcrb():
    nu, pe, n, phi, runs = 20000, 0.6, 4, 0.3, 4000
    proto = QSMProtocol(nu, pe, n, phi)
    g = np.random.default_rng(5)
    sq = np.array([(proto.run(g).estimate - phi) ** 2 for _ in range(runs)])
    se = sq.std(ddof=1) / math.sqrt(runs)
    assert abs(sq.mean() - qcrb(pe, nu, n)) < 4 * se


def test_mle_closed_form_against_numerical_likelihood(rng):
    for w in (1.0, 0.9, 0.4, -0.2):
        for _ in range(5):
            counts = rng.integers(0, 50, size=4)
            if w == 1.0:
                counts[[1, 3]] = 0
            counts[0] += 1
            n = int(rng.integers(1, 5))
            closed = maximum_likelihood_phase(counts, n, werner_parameter=w)
            numeric = maximum_likelihood_phase_of_state(counts, n, werner_state(w))
            assert closed == pytest.approx(numeric, abs=1e-9)
            assert 0 <= closed <= math.pi / n


def test_mle_identifiability_interval():
    n = 4
    # phi and 2 pi/N - phi give the same data; the estimate is the representative in [0, pi/N].
    phi = 0.3
    alias = 2 * math.pi / n - phi
    for p in (phi, alias):
        q = math.cos(n * p / 2) ** 2
        counts = [round(1e6 * q), 0, round(1e6 * (1 - q)), 0]
        assert maximum_likelihood_phase(counts, n) == pytest.approx(phi, abs=1e-5)
    assert maximum_likelihood_phase([0, 3, 0, 2], 2) == pytest.approx(math.pi / 4)  # flat


def test_multi_n_estimate_resolves_the_alias():
    """Monte Carlo: N = 8 alone returns an alias in [0, pi/8]; the ladder N = 1, 2, 4, 8 finds
    phi in [0, pi] with the precision of the combined Fisher information 400 (1 + 4 + 16 + 64)."""
    phi, shots = 2.0, 400
    g = np.random.default_rng(3)
    errors = []
    for _ in range(100):
        data = {}
        for n in (1, 2, 4, 8):
            a = g.binomial(shots, math.cos(n * phi / 2) ** 2)
            data[n] = [a, 0, shots - a, 0]
        assert maximum_likelihood_phase(data[8], 8) <= math.pi / 8
        errors.append(multi_n_phase_estimate(data) - phi)
    errors = np.array(errors)
    crb_sd = math.sqrt(1 / (shots * 85))
    assert np.max(np.abs(errors)) < 6 * crb_sd  # no alias (the nearest is 0.07 away)
    # RMS over 100 runs has a relative standard error of about 7 %.
    assert np.sqrt(np.mean(errors**2)) == pytest.approx(crb_sd, rel=0.3)


def test_bounds():
    assert qcrb(0.5, 100, 4) == 1 / (0.5 * 100 * 16)
    np.testing.assert_allclose(qcrb([0.25, 1.0], 10, 2), [0.1, 0.025])
    assert standard_quantum_limit(100, 4) == 1 / 400
    # eq. 8: QCRB < SQL iff P_E > 1/N
    assert qcrb(0.26, 100, 4) < standard_quantum_limit(100, 4) < qcrb(0.24, 100, 4)
    assert noisy_qcrb(0.5, 100, 4) == qcrb(0.5, 100, 4)
    w = 0.8
    assert noisy_qcrb(0.5, 100, 4, werner_parameter=w) == pytest.approx(
        (1 + w) / (2 * w * w) * qcrb(0.5, 100, 4), rel=1e-14
    )
    assert noisy_qcrb(0.5, 100, 4, werner_parameter=0.0) == math.inf


def test_error_propagation_gives_eq_5():
    for phi in (0.1, 0.5, 1.0):
        assert error_propagation_variance(0.4, 50, 3, phi) == pytest.approx(
            qcrb(0.4, 50, 3), rel=1e-9
        )
    assert error_propagation_variance(0.4, 50, 3, 0.0) == math.inf


@pytest.mark.parametrize(
    ("args", "exc", "match"),
    [
        ((0, 0.5, 1, 0.1), ValueError, "repetitions must be an integer in \\[1, inf\\], got 0"),
        ((10, 0.0, 1, 0.1), ValueError, "p_encode must lie in \\(0, 1\\], got 0.0"),
        ((10, 1.2, 1, 0.1), ValueError, "p_encode must lie in \\(0, 1\\], got 1.2"),
        ((10, 0.5, 0, 0.1), ValueError, "n_encodings must be an integer in \\[1, inf\\], got 0"),
        ((10, 0.5, 1, math.inf), ValueError, "phi must be finite, got inf"),
        ((10, 0.5, 1.5, 0.1), TypeError, "n_encodings must be an integer"),
    ],
)
def test_bad_inputs(args, exc, match):
    with pytest.raises(exc, match=match):
        estimator_mean_squared_error(*args)


def test_bad_counts():
    with pytest.raises(ValueError, match="bell_counts"):
        maximum_likelihood_phase([1, 2, 3], 1)
    with pytest.raises(ValueError, match="non-negative integers"):
        maximum_likelihood_phase([1, -2, 3, 0], 1)
    with pytest.raises(ValueError, match="counts_by_n"):
        multi_n_phase_estimate({})


def test_mse_when_the_phase_is_tiny():
    # phi = 1e-9, nu = 1000, P_E = 1: the estimate is 0 unless some pair gives Phi- (each with
    # probability sin^2(phi/2) = 2.5e-19); the exact sum over those outcomes, in decimal.
    from decimal import Decimal, localcontext

    nu, phi = 1000, 1e-9
    with localcontext() as ctx:
        ctx.prec = 50
        half = Decimal(phi) / 2
        s2 = half * half * (1 - half * half / 3)  # sin^2(phi/2) to 50 digits
        c2 = 1 - s2
        total = Decimal(0)
        for minus in range(4):  # more Phi- outcomes weigh < 1e-50
            a = nu - minus
            est = 2 * math.atan2(math.sqrt(nu - a), math.sqrt(a))
            weight = math.comb(nu, a) * c2**a * s2**minus
            total += weight * (Decimal(est) - Decimal(phi)) ** 2
    got = estimator_mean_squared_error(nu, 1.0, 1, phi)
    assert got == pytest.approx(float(total), rel=1e-10, abs=0)
