"""Detection probabilities: eq. 7 and the derived closed forms (qdms.apps.metrology.attacks).

Each closed form is checked (a) against the per-particle catch probability
computed from explicit density matrices and Born-rule measurements
(qdms.apps.metrology.density_matrix), and (b) against Monte Carlo runs of the
protocol with Wilson confidence intervals.
"""

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import hyp2f1

from qdms.apps.metrology import (
    ATTACKS,
    QSMProtocol,
    attack_catch_probability,
    attack_check_profile,
    attack_detection_probability,
    catch_probability,
    detection_probability,
    return_phase_shared_beta_detection_probability,
    simulate_detection_probability,
)


def test_eq_7_as_published():
    for pe in (0.1, 0.5, 0.9, 1.0):
        for l_ in (0, 1, 7, 100):
            assert detection_probability(pe, l_) == pytest.approx(
                1 - ((3 + pe) / 4) ** l_, rel=1e-13
            )
    np.testing.assert_allclose(
        detection_probability([0.2, 0.6], [[3], [4]]),
        1 - ((3 + np.array([0.2, 0.6])) / 4) ** np.array([[3], [4]]),
        rtol=1e-13,
    )
    # Tiny probabilities keep their relative accuracy.
    assert detection_probability(1 - 1e-12, 1) == pytest.approx(0.25e-12, rel=1e-3)


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("pe", [0.05, 0.3, 0.77, 1.0])
def test_closed_forms_against_density_matrices(attack, pe):
    assert attack_catch_probability(attack, pe) == pytest.approx(
        catch_probability(attack, pe), rel=1e-12, abs=1e-15
    )


@pytest.mark.parametrize("beta", [0.0, 0.4, math.pi / 2, math.pi, 5.0])
def test_return_phase_fixed_beta_against_density_matrices(beta):
    for pe in (0.2, 0.6):
        assert attack_catch_probability("return_phase", pe, beta=beta) == pytest.approx(
            catch_probability("return_phase", pe, beta=beta), rel=1e-12, abs=1e-15
        )


def test_closed_forms_do_not_depend_on_the_encoding():
    """Encoded particles are never checked, so N and phi do not enter."""
    for attack in ATTACKS:
        ref = catch_probability(attack, 0.4)
        assert catch_probability(attack, 0.4, n_encodings=3, phi=1.1) == pytest.approx(
            ref, rel=1e-12
        )


def test_table_of_the_module():
    assert attack_catch_probability("forward_substitution_reinject", 0.2) == pytest.approx(0.8 / 4)
    assert attack_catch_probability("forward_substitution_return_bobs", 0.2) == pytest.approx(
        5 * 0.8 / 8
    )
    assert attack_catch_probability("forward_intercept_resend_z", 0.2) == pytest.approx(3 * 0.8 / 8)
    assert attack_catch_probability("forward_intercept_resend_x", 0.2) == pytest.approx(3 * 0.8 / 8)
    assert attack_catch_probability("return_phase", 0.2) == pytest.approx(0.8 / (2 * 1.2))
    assert attack_check_profile("forward_substitution_return_bobs", 0.2) == (0.4, 0.5, 0.4, 0.75)


def test_eq_7_equals_reinject_and_underestimates_the_others():
    pe, l_ = np.linspace(0.01, 0.99, 25), 8
    np.testing.assert_allclose(
        attack_detection_probability("forward_substitution_reinject", pe, l_),
        detection_probability(pe, l_),
        rtol=1e-12,
    )
    for attack in ATTACKS[1:]:
        assert np.all(attack_detection_probability(attack, pe, l_) > detection_probability(pe, l_))


# Monte Carlo of the protocol: l = 60 pairs on ideal links, Eve attacks 3 particles.
MC_CASES = [(attack, None) for attack in ATTACKS] + [("return_phase", 2.0)]


@pytest.mark.parametrize(("attack", "beta"), MC_CASES)
def test_closed_forms_against_protocol_monte_carlo(attack, beta):
    pe, attacked = 0.4, 3
    proto = QSMProtocol(60, pe, 2, 0.3, attack=attack, attacked=attacked, beta=beta, seed=17)
    est = simulate_detection_probability(proto, 3000, confidence=0.9999)
    expected = attack_detection_probability(attack, pe, attacked, beta=beta)
    assert est.low <= expected <= est.high
    if attack != "forward_substitution_reinject":
        # eq. 7 is outside the interval for the attacks it underestimates
        assert not est.low <= detection_probability(pe, attacked) <= est.high


@pytest.mark.slow
@pytest.mark.parametrize("attack", ATTACKS)
def test_closed_forms_against_density_matrix_protocol(attack):
    pe, attacked = 0.3, 2
    proto = QSMProtocol(8, pe, 2, 0.3, attack=attack, attacked=attacked, seed=5)
    est = simulate_detection_probability(proto, 1500, method="density_matrix", confidence=0.9999)
    assert est.low <= attack_detection_probability(attack, pe, attacked) <= est.high


def test_shared_beta_variant():
    pe = 0.3
    r = (1 - pe) / (1 + pe)
    for l_ in (1, 2, 5, 40):
        value = return_phase_shared_beta_detection_probability(pe, l_)
        assert value == pytest.approx(1 - hyp2f1(-l_, 0.5, 1, r), rel=1e-10)
        integral = quad(lambda b, l_=l_: (1 - r * math.sin(b / 2) ** 2) ** l_, 0, 2 * math.pi)[0]
        assert value == pytest.approx(1 - integral / (2 * math.pi), rel=1e-10)
    # A shared beta is caught less often than independent ones (Jensen:
    # E[(1 - r s)^l] >= (1 - r E[s])^l), for l >= 2.
    assert return_phase_shared_beta_detection_probability(pe, 5) < attack_detection_probability(
        "return_phase", pe, 5
    )
    assert return_phase_shared_beta_detection_probability(pe, 0) == 0.0


def test_shared_beta_monte_carlo():
    """Draw one beta per run, run the protocol with that fixed beta."""
    pe, attacked, runs = 0.3, 4, 2000
    g = np.random.default_rng(8)
    aborted = 0
    for _ in range(runs):
        beta = g.uniform(0, 2 * math.pi)
        aborted += (
            QSMProtocol(40, pe, 1, 0.2, attack="return_phase", attacked=attacked, beta=beta)
            .run(g)
            .aborted
        )
    p = aborted / runs
    expected = return_phase_shared_beta_detection_probability(pe, attacked)
    assert abs(p - expected) < 4 * math.sqrt(expected * (1 - expected) / runs)


def test_bad_inputs():
    with pytest.raises(ValueError, match="attack must be one of"):
        attack_detection_probability("sneaky", 0.5, 3)
    with pytest.raises(ValueError, match="p_encode must lie in \\(0, 1\\], got 0"):
        attack_detection_probability("return_phase", 0, 3)
    with pytest.raises(ValueError, match="attacked must be an integer in \\[0, inf\\], got -1"):
        detection_probability(0.5, -1)
    with pytest.raises(TypeError, match="attacked must hold integers"):
        detection_probability(0.5, [1.5])
    with pytest.raises(ValueError, match="beta applies only to the return_phase attack"):
        attack_detection_probability("forward_intercept_resend_z", 0.5, 3, beta=1.0)
    with pytest.raises(ValueError, match="beta must be finite"):
        attack_detection_probability("return_phase", 0.5, 3, beta=math.nan)
