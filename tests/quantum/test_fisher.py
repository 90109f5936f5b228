import numpy as np
import pytest
from scipy.linalg import expm

from qdms.quantum import (
    check_density_matrix,
    ghz_ket,
    ket_to_density,
    quantum_fisher_information,
    quantum_fisher_information_pure,
    quantum_fisher_information_unitary,
    random_density_matrix,
    random_ket,
    symmetric_logarithmic_derivative,
)


def random_hermitian(dim, rng):
    a = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    return (a + a.conj().T) / 2


def test_pure_qfi_is_four_variance(rng):
    psi = random_ket(4, rng)
    h = random_hermitian(4, rng)
    var = np.vdot(psi, h @ h @ psi).real - np.vdot(psi, h @ psi).real ** 2
    dpsi = -1j * h @ psi
    assert np.isclose(quantum_fisher_information_pure(psi, dpsi), 4 * var, rtol=1e-10)
    assert np.isclose(
        quantum_fisher_information_unitary(ket_to_density(psi), h), 4 * var, rtol=1e-10
    )
    rho = ket_to_density(psi)
    drho = -1j * (h @ rho - rho @ h)
    assert np.isclose(quantum_fisher_information(rho, drho), 4 * var, rtol=1e-9)


def test_sld_solves_lyapunov_equation(rng):
    rho = random_density_matrix(3, rng)
    h = random_hermitian(3, rng)
    drho = -1j * (h @ rho - rho @ h)
    ell = symmetric_logarithmic_derivative(rho, drho)
    assert np.allclose((ell @ rho + rho @ ell) / 2, drho)
    assert np.isclose(np.trace(rho @ ell @ ell).real, quantum_fisher_information(rho, drho))


def classical_fisher_of_best_measurement(rho_fn, phi, h=1e-5):
    """Independent cross-check for a full-rank family: F_Q = tr(rho L^2) with L from scipy's Sylvester solver."""
    from scipy.linalg import solve_sylvester

    rho = rho_fn(phi)
    drho = (rho_fn(phi + h) - rho_fn(phi - h)) / (2 * h)
    ell = solve_sylvester(rho / 2, rho / 2, drho)
    return np.trace(rho @ ell @ ell).real


def test_mixed_unitary_family_matches_sylvester(rng):
    rho0 = random_density_matrix(3, rng)
    h = random_hermitian(3, rng)

    def family(phi):
        u = expm(-1j * phi * h)
        return u @ rho0 @ u.conj().T

    expected = classical_fisher_of_best_measurement(family, 0.3)
    assert np.isclose(quantum_fisher_information_unitary(rho0, h), expected, rtol=1e-6)


def test_ghz_depolarised_matches_closed_form():
    # QFI of (1-p)|GHZ><GHZ| + p I/2^N under phase rotation of every qubit:
    # (1-p)^2 N^2 / ((1-p) + 2p/2^N) (the closed form QuanEstimation reproduces, peers/README).
    for n in (2, 3, 4):
        p = 0.1
        rho = (1 - p) * ket_to_density(ghz_ket(n)) + p * np.eye(2**n) / 2**n
        check_density_matrix(rho)
        h = sum(
            np.kron(np.kron(np.eye(2**k), np.diag([0, 1])), np.eye(2 ** (n - k - 1)))
            for k in range(n)
        )
        expected = (1 - p) ** 2 * n**2 / ((1 - p) + 2 * p / 2**n)
        assert np.isclose(quantum_fisher_information_unitary(rho, h), expected, rtol=1e-12)


def test_bad_derivative():
    with pytest.raises(ValueError, match="traceless"):
        quantum_fisher_information(np.eye(2) / 2, np.eye(2))
    with pytest.raises(ValueError, match="drho must be 2 x 2"):
        quantum_fisher_information(np.eye(2) / 2, np.zeros((3, 3)))
