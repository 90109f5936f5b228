import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.protocols import recurrence_bell_diagonal, recurrence_distill
from qdms.quantum import (
    bell_coefficients,
    bell_diagonal_state,
    check_density_matrix,
    isotropic_twirl,
    ket_to_density,
    max_entangled_ket,
    random_density_matrix,
)

from ..literal import recurrence_literal

PHI = ket_to_density(max_entangled_ket())
simplex4 = (
    st.lists(st.floats(0, 1), min_size=4, max_size=4)
    .filter(lambda v: sum(v) > 1e-3)
    .map(lambda v: np.array(v) / sum(v))
)


def test_explicit_matches_literal_protocol_for_arbitrary_inputs(rng):
    for _ in range(3):
        rho1, rho2 = random_density_matrix(4, rng), random_density_matrix(4, rng)
        p, out = recurrence_distill(rho1, rho2)
        p_ref, out_ref = recurrence_literal(rho1, rho2)
        assert abs(p - p_ref) < 1e-12
        assert np.allclose(out, out_ref, atol=1e-12)


def test_closed_form_matches_explicit_for_bell_diagonal_inputs(rng):
    for _ in range(5):
        q1, q2 = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(4))
        p, out = recurrence_distill(bell_diagonal_state(q1), bell_diagonal_state(q2))
        p_cf, q_cf = recurrence_bell_diagonal(q1, q2)
        assert abs(p - p_cf) < 1e-12
        assert np.allclose(out, bell_diagonal_state(q_cf), atol=1e-12)


def test_twirl_makes_inputs_werner():
    rng = np.random.default_rng(3)
    rho1, rho2 = random_density_matrix(4, rng), random_density_matrix(4, rng)
    p, out = recurrence_distill(rho1, rho2, twirl=True)
    p_ref, out_ref = recurrence_literal(isotropic_twirl(rho1), isotropic_twirl(rho2))
    assert abs(p - p_ref) < 1e-12
    assert np.allclose(out, out_ref, atol=1e-12)


def test_perfect_inputs_give_perfect_output():
    p, out = recurrence_distill(PHI, PHI)
    assert np.isclose(p, 1.0)
    assert np.allclose(out, PHI)
    p, q = recurrence_bell_diagonal([1, 0, 0, 0], [1, 0, 0, 0])
    assert p == 1.0 and np.allclose(q, [1, 0, 0, 0])


def test_phase_errors_pass_undetected_and_bit_errors_are_caught():
    # Phi- (x) Phi+ -> Phi- kept with certainty; Psi+ (x) Phi+ always fails the parity check.
    p, q = recurrence_bell_diagonal([0, 0, 1, 0], [1, 0, 0, 0])
    assert p == 1.0 and np.allclose(q, [0, 0, 1, 0])
    with pytest.raises(ValueError, match="never succeeds"):
        recurrence_bell_diagonal([0, 1, 0, 0], [1, 0, 0, 0])
    with pytest.raises(ValueError, match="never succeeds"):
        recurrence_distill(bell_diagonal_state([0, 1, 0, 0]), PHI)


def test_errors():
    with pytest.raises(ValueError, match="rho1 must be 4 x 4"):
        recurrence_distill(np.eye(2) / 2, PHI)
    with pytest.raises(ValueError, match="rho2 must have unit trace"):
        recurrence_distill(PHI, 2 * PHI)
    with pytest.raises(TypeError, match="twirl must be a bool"):
        recurrence_distill(PHI, PHI, twirl="yes")
    with pytest.raises(ValueError, match="q2"):
        recurrence_bell_diagonal([1, 0, 0, 0], [1, 1, 0, 0])


@given(simplex4, simplex4)
def test_property_outputs_are_states(q1, q2):
    p_parity = (q1[0] + q1[2]) * (q2[0] + q2[2]) + (q1[1] + q1[3]) * (q2[1] + q2[3])
    if p_parity < 1e-9:
        return
    p, q = recurrence_bell_diagonal(q1, q2)
    assert 0 < p <= 1 + 1e-12
    assert np.all(q >= 0) and np.isclose(q.sum(), 1)


@given(st.integers(0, 2**32 - 1))
def test_property_explicit_output_is_a_state(seed):
    rng = np.random.default_rng(seed)
    p, out = recurrence_distill(random_density_matrix(4, rng), random_density_matrix(4, rng))
    assert 0 < p <= 1
    check_density_matrix(out)
    assert np.isclose(bell_coefficients(out).sum(), 1)
