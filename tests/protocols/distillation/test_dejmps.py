import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.protocols import dejmps, dejmps_bell_diagonal
from qdms.quantum import (
    bell_diagonal_state,
    check_density_matrix,
    ket_to_density,
    max_entangled_ket,
    random_density_matrix,
)

from ..literal import recurrence_literal

RX_PLUS = np.array([[1, -1j], [-1j, 1]]) / np.sqrt(2)  # exp(-i pi X / 4)


def test_rotation_is_r_x_of_pi_over_2():
    x = np.array([[0, 1], [1, 0]])
    expected = np.cos(np.pi / 4) * np.eye(2) - 1j * np.sin(np.pi / 4) * x
    assert np.allclose(RX_PLUS, expected)


def test_explicit_matches_literal_protocol(rng):
    rho1, rho2 = random_density_matrix(4, rng), random_density_matrix(4, rng)
    p, out = dejmps(rho1, rho2)
    p_ref, out_ref = recurrence_literal(rho1, rho2, RX_PLUS, RX_PLUS.conj())
    assert abs(p - p_ref) < 1e-12
    assert np.allclose(out, out_ref, atol=1e-12)


def test_closed_form_matches_explicit(rng):
    for _ in range(5):
        q1, q2 = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(4))
        p, out = dejmps(bell_diagonal_state(q1), bell_diagonal_state(q2))
        p_cf, q_cf = dejmps_bell_diagonal(q1, q2)
        assert abs(p - p_cf) < 1e-12
        assert np.allclose(out, bell_diagonal_state(q_cf), atol=1e-12)


def test_deutsch_et_al_map_for_equal_inputs(rng):
    # PRL 77, 2818: A = Phi+, B = Psi-, C = Psi+, D = Phi-;
    # A' = (A^2+B^2)/N, B' = 2CD/N, C' = (C^2+D^2)/N, D' = 2AB/N, N = (A+B)^2 + (C+D)^2.
    phi_p, psi_p, phi_m, psi_m = rng.dirichlet(np.ones(4))
    a, b, c, d = phi_p, psi_m, psi_p, phi_m
    n = (a + b) ** 2 + (c + d) ** 2
    p, out = dejmps(*[bell_diagonal_state([phi_p, psi_p, phi_m, psi_m])] * 2)
    assert np.isclose(p, n)
    expected = {
        "A": (a * a + b * b) / n,
        "B": 2 * c * d / n,
        "C": (c * c + d * d) / n,
        "D": 2 * a * b / n,
    }
    got = dejmps_bell_diagonal(*[[phi_p, psi_p, phi_m, psi_m]] * 2).coefficients
    assert np.allclose(got, [expected["A"], expected["C"], expected["D"], expected["B"]])
    assert np.allclose(out, bell_diagonal_state(got), atol=1e-12)


def test_perfect_inputs_give_perfect_output():
    phi = ket_to_density(max_entangled_ket())
    p, out = dejmps(phi, phi)
    assert np.isclose(p, 1) and np.allclose(out, phi)


def test_errors():
    with pytest.raises(ValueError, match="rho2 must be 4 x 4"):
        dejmps(np.eye(4) / 4, np.eye(2) / 2)
    with pytest.raises(ValueError, match="q1"):
        dejmps_bell_diagonal([0.5, 0, 0, 0], [1, 0, 0, 0])


@given(st.integers(0, 2**32 - 1))
def test_property_output_is_a_state(seed):
    rng = np.random.default_rng(seed)
    p, out = dejmps(random_density_matrix(4, rng), random_density_matrix(4, rng))
    assert 0 < p <= 1
    check_density_matrix(out)
