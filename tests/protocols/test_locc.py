import numpy as np
import pytest

from qdms.protocols import bell_measurement_povm
from qdms.protocols.locc import check_coefficient_vectors, check_states, per_node
from qdms.quantum import apply_channel, bell_basis, depolarising_kraus, random_density_matrix


@pytest.mark.parametrize("d", [2, 3])
def test_povm_is_a_povm(d):
    povm = bell_measurement_povm(d, 0.3)
    assert povm.shape == (d * d, d * d, d * d)
    assert np.allclose(povm.sum(axis=0), np.eye(d * d))
    assert all(np.linalg.eigvalsh(e)[0] > -1e-12 for e in povm)


@pytest.mark.parametrize("d", [2, 3])
def test_noisy_povm_equals_depolarising_then_ideal_measurement(d, rng):
    # tr[E_k rho] = tr[Phi_k D(rho)], D the two-qudit depolarising channel (Weyl Kraus operators).
    rho = random_density_matrix(d * d, rng)
    lam = 0.35
    kraus = [
        np.kron(a, b) * 1.0 for a in depolarising_kraus(1.0, d) for b in depolarising_kraus(1.0, d)
    ]
    full_depolarised = apply_channel(rho, kraus, [0], [d * d])
    assert np.allclose(full_depolarised, np.eye(d * d) / d**2)
    depolarised = (1 - lam) * rho + lam * full_depolarised
    b = bell_basis(d)
    ideal = np.real(np.einsum("ik,ij,jk->k", b.conj(), depolarised, b))
    noisy = np.real(np.einsum("kij,ji->k", bell_measurement_povm(d, lam), rho))
    assert np.allclose(noisy, ideal)


def test_checks():
    with pytest.raises(ValueError, match=r"links\[0\] must be 4 x 4"):
        check_states([np.eye(2) / 2], 2, name="links")
    with pytest.raises(ValueError, match="at least 2"):
        check_states([np.eye(4) / 4], 2, min_count=2)
    with pytest.raises(ValueError, match=r"q\[0\] must have non-negative"):
        check_coefficient_vectors([[1.5, -0.5, 0, 0]], 2, name="q")
    with pytest.raises(ValueError, match="2-D"):
        check_coefficient_vectors([1, 0, 0, 0], 2)
    with pytest.raises(TypeError, match="real numbers"):
        check_coefficient_vectors([["a", 0, 0, 0]], 2)
    assert per_node("x", [0.1, 0.2], 2).tolist() == [0.1, 0.2]
    assert per_node("x", 0.3, 0).size == 0
    with pytest.raises(ValueError, match="noise"):
        bell_measurement_povm(2, 2.0)
