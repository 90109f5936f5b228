"""Encoded states, Bell statistics, observable B and Fisher informations (qdms.apps.metrology.encoding).

Every closed form is checked against an explicit density-matrix computation:
the state built by matrix products, Born probabilities from projectors, the
paper's operator B, and qdms.quantum's SLD-based QFI with the analytic derivative.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.apps.metrology import (
    bell_measurement_fisher_information,
    bell_observable,
    bell_probabilities,
    bell_probabilities_of_state,
    eavesdropper_state,
    encoded_state,
    encoded_state_derivative,
    encoding_unitary,
    phase_response,
    quantum_fisher_information,
)
from qdms.quantum import (
    apply_channel,
    dephasing_kraus,
    ket_to_density,
    partial_trace,
    quantum_fisher_information_unitary,
    random_density_matrix,
    werner_state,
)
from qdms.quantum import (
    quantum_fisher_information as sld_qfi,
)

KET0, KET1 = np.array([1.0, 0.0]), np.array([0.0, 1.0])
S2 = np.sqrt(2)
# Bell vectors written out by hand, in the order [Phi+, Psi+, Phi-, Psi-].
BELL = [
    (np.kron(KET0, KET0) + np.kron(KET1, KET1)) / S2,
    (np.kron(KET0, KET1) + np.kron(KET1, KET0)) / S2,
    (np.kron(KET0, KET0) - np.kron(KET1, KET1)) / S2,
    (np.kron(KET0, KET1) - np.kron(KET1, KET0)) / S2,
]
# The paper's Bell observable B = |0><1| (x) |0><1| + |1><0| (x) |1><0|.
B_OP = np.kron(np.outer(KET0, KET1), np.outer(KET0, KET1)) + np.kron(
    np.outer(KET1, KET0), np.outer(KET1, KET0)
)


def explicit_encoded(rho, n, phi, dephasing=0.0):
    """Apply dephasing to Bob's qubit once per encoding, and U_E once per encoding."""
    u_e = np.kron(np.eye(2), np.diag([1.0, np.exp(1j * phi)]))
    for _ in range(n):
        if dephasing:
            rho = apply_channel(rho, dephasing_kraus(dephasing), [1], [2, 2])
        rho = u_e @ rho @ u_e.conj().T
    return rho


def born(rho):
    return np.array([np.real(v.conj() @ rho @ v) for v in BELL])


@given(
    n=st.integers(1, 12),
    phi=st.floats(-7, 7),
    w=st.floats(-1 / 3, 1),
    p=st.floats(0, 0.5),
)
def test_bell_probabilities_match_born_rule(n, phi, w, p):
    rho = explicit_encoded(werner_state(w), n, phi, p)
    np.testing.assert_allclose(
        bell_probabilities(n, phi, werner_parameter=w, dephasing_per_encoding=p),
        born(rho),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        encoded_state(n, phi, link_state=werner_state(w), dephasing_per_encoding=p),
        rho,
        atol=1e-12,
    )


def test_phase_response_of_any_state(rng):
    for _ in range(5):
        sigma = random_density_matrix(4, rng)
        for theta in rng.uniform(-4, 4, size=4):
            rotated = explicit_encoded(sigma, 1, theta)
            np.testing.assert_allclose(
                bell_probabilities_of_state(sigma, theta), born(rotated), atol=1e-12
            )
        alpha, c = phase_response(sigma)
        assert np.all(alpha >= np.abs(c) - 1e-12)  # p_k(theta) >= 0 at every phase


def test_pure_encoding_is_eq_6():
    n, phi = 3, 0.37
    psi = (np.kron(KET0, KET0) + np.exp(1j * n * phi) * np.kron(KET1, KET1)) / S2
    np.testing.assert_allclose(encoded_state(n, phi), ket_to_density(psi), atol=1e-14)
    np.testing.assert_allclose(
        encoding_unitary(n, phi), np.linalg.matrix_power(np.diag([1, np.exp(1j * phi)]), n)
    )


@given(n=st.integers(1, 10), phi=st.floats(-6, 6), w=st.floats(-1 / 3, 1))
def test_bell_observable_against_operator_b(n, phi, w):
    rho = explicit_encoded(werner_state(w), n, phi)
    mean_ref = np.trace(rho @ B_OP).real
    var_ref = np.trace(rho @ B_OP @ B_OP).real - mean_ref**2
    mean, var = bell_observable(n, phi, werner_parameter=w)
    assert mean == pytest.approx(mean_ref, abs=1e-12)
    assert var == pytest.approx(var_ref, abs=1e-12)


def test_bell_observable_corrects_the_papers_typos():
    """<B> = cos(N phi) and Var B = sin^2(N phi), not cos(phi) and sin(phi)."""
    n, phi = 5, 0.2
    mean, var = bell_observable(n, phi)
    assert mean == pytest.approx(np.cos(n * phi), rel=1e-14)
    assert var == pytest.approx(np.sin(n * phi) ** 2, rel=1e-14)
    assert abs(mean - np.cos(phi)) > 0.4 and abs(var - np.sin(phi)) > 0.4


@given(n=st.integers(1, 10), phi=st.floats(-6, 6), w=st.floats(-0.33, 1), p=st.floats(0, 0.45))
def test_qfi_closed_form_against_sld(n, phi, w, p):
    rho = explicit_encoded(werner_state(w), n, phi, p)
    generator = n * np.kron(np.eye(2), np.diag([0.0, 1.0]))
    drho = 1j * (generator @ rho - rho @ generator)  # exact derivative of U(phi) rho U(phi)^dag
    expected = sld_qfi(rho, drho)
    value = quantum_fisher_information(n, phi, werner_parameter=w, dephasing_per_encoding=p)
    assert value == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert value == pytest.approx(
        quantum_fisher_information_unitary(rho, generator), rel=1e-9, abs=1e-12
    )
    np.testing.assert_allclose(
        encoded_state_derivative(n, phi, link_state=werner_state(w), dephasing_per_encoding=p),
        drho,
        atol=1e-12,
    )


def test_qfi_is_n_squared_for_pure_states_and_less_under_noise():
    for n in (1, 2, 7):
        assert quantum_fisher_information(n, 0.3) == n * n
        assert quantum_fisher_information(n, 0.3, werner_parameter=0.9) < n * n
        assert quantum_fisher_information(n, 0.3, dephasing_per_encoding=0.01) < n * n
    assert quantum_fisher_information(3, [0.1, 0.2]).tolist() == [9.0, 9.0]


@given(n=st.integers(1, 10), phi=st.floats(-6, 6), w=st.floats(-0.33, 0.999), p=st.floats(0, 0.45))
def test_bell_fisher_information_against_born_derivatives(n, phi, w, p):
    rho = explicit_encoded(werner_state(w), n, phi, p)
    generator = n * np.kron(np.eye(2), np.diag([0.0, 1.0]))
    drho = 1j * (generator @ rho - rho @ generator)
    probs = born(rho)
    dprobs = born(drho)
    keep = probs > 1e-300
    expected = float(np.sum(dprobs[keep] ** 2 / probs[keep]))
    value = bell_measurement_fisher_information(
        n, phi, werner_parameter=w, dephasing_per_encoding=p
    )
    assert value == pytest.approx(expected, rel=1e-8, abs=1e-9)
    qfi = quantum_fisher_information(n, phi, werner_parameter=w, dephasing_per_encoding=p)
    assert value <= qfi * (1 + 1e-12) + 1e-12


def test_bell_fisher_information_pure_and_at_quarter_period():
    # |Phi+>: the Bell measurement attains the QFI N^2 at every phase (also where sin = 0,
    # by continuity: the closed form returns the limit).
    for phi in (0.0, 0.1, np.pi / 6, np.pi / 3):
        assert bell_measurement_fisher_information(3, phi) == 9.0
    phi_star = np.pi / 2 / 3
    for w in (0.2, 0.7):
        assert bell_measurement_fisher_information(
            3, phi_star, werner_parameter=w
        ) == pytest.approx(quantum_fisher_information(3, 0.0, werner_parameter=w), rel=1e-12)
        assert bell_measurement_fisher_information(3, 0.0, werner_parameter=w) == 0.0


def test_pure_bell_fisher_from_limit():
    """Away from sin(N phi) = 0 the |Phi+> Fisher information is N^2 from the Born rule too."""
    n, phi = 4, 0.31
    p_plus, p_minus = np.cos(n * phi / 2) ** 2, np.sin(n * phi / 2) ** 2
    d = n * np.sin(n * phi) / 2
    assert d**2 / p_plus + d**2 / p_minus == pytest.approx(
        bell_measurement_fisher_information(n, phi), rel=1e-12
    )


def test_eavesdropper_state_is_maximally_mixed_and_phase_free(rng):
    for n, phi in [(1, 0.0), (3, 0.4), (10, 2.9)]:
        np.testing.assert_allclose(eavesdropper_state(n, phi), np.eye(2) / 2, atol=1e-15)
    for w in (0.3, 0.9):  # Bell-diagonal links: nothing to learn either
        for phi in (0.1, 1.3):
            out = eavesdropper_state(2, phi, link_state=werner_state(w))
            np.testing.assert_allclose(out, np.eye(2) / 2, atol=1e-15)
    # A generic link: Eve holds U rho_B U^dag, whose coherence rotates with N phi.
    sigma = random_density_matrix(4, rng)
    reduced = partial_trace(sigma, [1], [2, 2])
    for phi in (0.1, 1.3):
        u = np.diag([1.0, np.exp(2j * phi)])
        np.testing.assert_allclose(
            eavesdropper_state(2, phi, link_state=sigma), u @ reduced @ u.conj().T, atol=1e-14
        )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_encodings": 0, "phi": 0.1}, "n_encodings must be an integer in \\[1, inf\\], got 0"),
        ({"n_encodings": 2, "phi": float("nan")}, "phi must be finite, got nan"),
        ({"n_encodings": 2, "phi": 0.1, "werner_parameter": 1.5}, "werner_parameter must lie in"),
        (
            {"n_encodings": 2, "phi": 0.1, "dephasing_per_encoding": 0.7},
            "dephasing_per_encoding must lie in \\[0, 0.5\\], got 0.7",
        ),
    ],
)
def test_bad_inputs_name_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        quantum_fisher_information(**kwargs)


def test_bad_types():
    with pytest.raises(TypeError, match="n_encodings must be an integer"):
        bell_observable(1.5, 0.1)
    with pytest.raises(ValueError, match="link_state must be 4 x 4"):
        encoded_state(1, 0.1, link_state=np.eye(2) / 2)


# --- extreme but legitimate inputs, against 50-digit decimal evaluations ------------------

_PI = "3.14159265358979323846264338327950288419716939937510"


def _dec(x):
    from decimal import Decimal

    return Decimal(x)


def test_tiny_phase_keeps_the_phi_minus_probability():
    # P(Phi-) = sin^2(N phi / 2) = 2.5e-25 at phi = 1e-12; (1 - cos)/2 gave 0.
    from decimal import localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        half = _dec(1e-12) / 2
        exact = float(half * half * (1 - half * half / 3) ** 2)  # sin x = x (1 - x^2/6 ...)^2
    got = bell_probabilities(1, 1e-12)
    assert got[2] == pytest.approx(exact, rel=1e-12, abs=0)
    assert got[0] == pytest.approx(1.0, rel=1e-15)


@pytest.mark.parametrize("w", [1 - 1e-12, 1 - 1e-15, -1 / 3 + 1e-12])
def test_variance_and_fisher_information_near_the_ends_of_w(w):
    # Var B = (1 + w)/2 - w^2 cos^2(N phi) and D = (1 + w)^2 - 4 w^2 both cancel at the ends
    # of the Werner range; evaluated here with 50 digits at phi = 0 and phi = 0.3.
    from decimal import localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        wd = _dec(w)
        var0 = float((1 + wd) / 2 - wd * wd)  # phi = 0
        d = (1 + wd) ** 2 - 4 * wd * wd
    _, var = bell_observable(1, 0.0, werner_parameter=w)
    assert var == pytest.approx(var0, rel=1e-12, abs=0)
    s2, c2 = np.sin(0.3) ** 2, np.cos(0.3) ** 2  # moderate angle: float trig is exact enough
    fb = 2 * w * w * (1 + w) * s2 / ((1 + w) ** 2 * s2 + float(d) * c2)
    got = bell_measurement_fisher_information(1, 0.3, werner_parameter=w)
    assert got == pytest.approx(fb, rel=1e-12, abs=0)


def test_tiny_dephasing_keeps_its_digits():
    # 1 - eta^2 = 1 - (1 - 2p)^2 = 4p - 4p^2 for one encoding: the variance at phi = 0 is it.
    p = 1e-12
    _, var = bell_observable(1, 0.0, dephasing_per_encoding=p)
    assert var == pytest.approx(4 * p - 4 * p * p, rel=1e-12, abs=0)


def test_phase_at_the_edge_of_the_identifiability_interval():
    # N phi = 3 float(pi/3) lies 1.2e-16 short of pi (exactly, in decimal); sin(N phi) is
    # that distance, which the rounded product 3 * phi loses entirely.
    from decimal import localcontext

    phi = np.pi / 3
    with localcontext() as ctx:
        ctx.prec = 50
        delta = _dec(_PI) - 3 * _dec(phi)
        sin2 = float(delta * delta)  # sin(pi - delta)^2 = delta^2 (1 - ...), delta ~ 1e-16
    mean, var = bell_observable(3, phi)
    assert var == pytest.approx(sin2, rel=1e-12, abs=0)
    assert mean == pytest.approx(-1.0, rel=1e-15)
