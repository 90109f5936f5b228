import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.quantum import (
    binary_entropy,
    fidelity,
    ket_to_density,
    max_entangled_ket,
    random_density_matrix,
    random_ket,
    trace_distance,
    von_neumann_entropy,
)


def fidelity_by_svd(rho, sigma):
    """Independent route: ||sqrt(rho) sqrt(sigma)||_1^2 via scipy.linalg.sqrtm and SVD."""
    from scipy.linalg import sqrtm

    return np.sum(np.linalg.svd(sqrtm(rho) @ sqrtm(sigma), compute_uv=False)) ** 2


def test_fidelity_matches_svd(rng):
    for dim in (2, 3, 4):
        a = random_density_matrix(dim, rng)
        b = random_density_matrix(dim, rng)
        assert np.isclose(fidelity(a, b), fidelity_by_svd(a, b), rtol=1e-9)


def test_fidelity_symmetric_and_one_iff_equal(rng):
    a = random_density_matrix(4, rng)
    b = random_density_matrix(4, rng)
    assert np.isclose(fidelity(a, b), fidelity(b, a), rtol=1e-10)
    assert np.isclose(fidelity(a, a), 1.0, atol=1e-10)
    assert fidelity(a, b) < 1 - 1e-6


def test_pure_fast_path_agrees_with_general(rng):
    psi = random_ket(4, rng)
    sigma = random_density_matrix(4, rng)
    general = fidelity(ket_to_density(psi), sigma)  # the general (matrix) path
    assert np.isclose(general, np.vdot(psi, sigma @ psi).real, rtol=1e-9)
    assert np.isclose(fidelity(psi, sigma), general, rtol=1e-9)
    assert np.isclose(fidelity(sigma, psi), general, rtol=1e-9)
    assert np.isclose(fidelity(psi, ket_to_density(psi)), 1.0)


def test_orthogonal_states_have_zero_fidelity():
    assert fidelity([1, 0], np.diag([0.0, 1.0])) == 0.0
    assert np.isclose(fidelity(np.diag([1.0, 0.0]), np.diag([0.0, 1.0])), 0.0)


def test_fidelity_multiplicative(rng):
    a, b = random_density_matrix(2, rng), random_density_matrix(2, rng)
    c, e = random_density_matrix(3, rng), random_density_matrix(3, rng)
    assert np.isclose(
        fidelity(np.kron(a, c), np.kron(b, e)), fidelity(a, b) * fidelity(c, e), rtol=1e-9
    )


def test_trace_distance(rng):
    a = random_density_matrix(3, rng)
    b = random_density_matrix(3, rng)
    assert np.isclose(trace_distance(a, b), 0.5 * np.sum(np.linalg.svd(a - b, compute_uv=False)))
    # Fuchs-van de Graaf inequalities
    f = fidelity(a, b)
    t = trace_distance(a, b)
    assert 1 - np.sqrt(f) <= t + 1e-12 <= np.sqrt(1 - f) + 2e-12


def test_entropy():
    assert von_neumann_entropy(ket_to_density(max_entangled_ket())) == pytest.approx(0, abs=1e-12)
    assert von_neumann_entropy(np.eye(3) / 3) == pytest.approx(np.log2(3))
    assert von_neumann_entropy(np.diag([0.5, 0.5]), base=np.e) == pytest.approx(np.log(2))


@given(st.floats(0, 1))
def test_binary_entropy_matches_entropy_of_diagonal_state(p):
    assert binary_entropy(p) == pytest.approx(von_neumann_entropy(np.diag([p, 1 - p])), abs=1e-12)


def test_binary_entropy_tiny_p():
    p = 1e-20
    expected = p * np.log2(1 / p) + p / np.log(2)  # -(1-p)log2(1-p) ~ p/ln2
    assert binary_entropy(p) == pytest.approx(expected, rel=1e-12)


def test_binary_entropy_rejects_bad():
    with pytest.raises(ValueError, match="p must have every entry in \\[0, 1\\]"):
        binary_entropy(1.5)


def test_mismatched_dimensions():
    with pytest.raises(ValueError, match="same dimension"):
        fidelity(np.eye(2) / 2, np.eye(3) / 3)
