import numpy as np
import pytest
from hypothesis import given

from qdms.quantum import (
    bell_basis,
    bell_coefficients,
    bell_diagonal_state,
    check_density_matrix,
    fidelity,
    isotropic_coefficients,
    isotropic_state,
    max_entangled_ket,
    random_density_matrix,
    werner_coefficients,
    werner_state,
)
from tests.conftest import simplex4


@given(simplex4)
def test_round_trip(q):
    rho = bell_diagonal_state(q)
    check_density_matrix(rho)
    assert np.allclose(bell_coefficients(rho), q, atol=1e-12)


def test_round_trip_qutrit(rng):
    q = rng.dirichlet(np.ones(9))
    assert np.allclose(bell_coefficients(bell_diagonal_state(q)), q)


def test_coefficients_of_any_state_are_bell_fidelities(rng):
    rho = random_density_matrix(4, rng)
    q = bell_coefficients(rho)
    b = bell_basis(2)
    for k in range(4):
        assert np.isclose(q[k], fidelity(b[:, k], rho))
    assert np.isclose(q.sum(), 1)


def test_werner_and_isotropic_coefficients():
    assert np.allclose(bell_coefficients(werner_state(0.4)), werner_coefficients(0.4))
    assert np.allclose(bell_coefficients(isotropic_state(0.8, 3)), isotropic_coefficients(0.8, 3))
    assert np.isclose(werner_coefficients(0.4)[0], fidelity(max_entangled_ket(), werner_state(0.4)))


def test_bad_coefficients():
    with pytest.raises(ValueError, match="sum to 1"):
        bell_diagonal_state([0.5, 0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="length d\\^2"):
        bell_diagonal_state([0.5, 0.5, 0.0])
    with pytest.raises(ValueError, match="non-negative"):
        bell_diagonal_state([1.5, -0.5, 0.0, 0.0])
