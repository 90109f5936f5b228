import itertools

import numpy as np
import pytest

from qdms.quantum import bell_basis, bell_ket, clock, max_entangled_ket, shift, weyl


@pytest.mark.parametrize("d", [2, 3, 4, 5])
def test_weyl_commutation(d):
    # Z X = omega X Z (Khatri eq. 55 conventions).
    omega = np.exp(2j * np.pi / d)
    assert np.allclose(clock(d) @ shift(d), omega * shift(d) @ clock(d))
    assert np.allclose(np.linalg.matrix_power(shift(d), d), np.eye(d))
    assert np.allclose(np.linalg.matrix_power(clock(d), d), np.eye(d))


@pytest.mark.parametrize("d", [2, 3])
def test_weyl_operators_are_unitary_and_trace_orthogonal(d):
    ops = [weyl(z, x, d) for z in range(d) for x in range(d)]
    for a, b in itertools.product(range(d * d), repeat=2):
        assert np.isclose(np.trace(ops[a].conj().T @ ops[b]), d * (a == b))
    for op in ops:
        assert np.allclose(op @ op.conj().T, np.eye(d))


def test_weyl_composition_rule():
    # W_{z1,x1} W_{z2,x2} = omega^{-x1 z2} W_{z1+z2, x1+x2}, since X Z = omega^{-1} Z X
    d = 3
    omega = np.exp(2j * np.pi / d)
    for z1, x1, z2, x2 in itertools.product(range(d), repeat=4):
        lhs = weyl(z1, x1, d) @ weyl(z2, x2, d)
        rhs = omega ** (-x1 * z2) * weyl(z1 + z2, x1 + x2, d)
        assert np.allclose(lhs, rhs)


@pytest.mark.parametrize("d", [2, 3, 4])
def test_bell_basis_orthonormal_and_complete(d):
    b = bell_basis(d)
    assert np.allclose(b.conj().T @ b, np.eye(d * d))
    assert np.allclose(sum(np.outer(b[:, k], b[:, k].conj()) for k in range(d * d)), np.eye(d * d))


@pytest.mark.parametrize("d", [2, 3])
def test_bell_ket_matches_definition(d):
    phi = max_entangled_ket(d)
    for z in range(d):
        for x in range(d):
            expected = np.kron(weyl(z, x, d), np.eye(d)) @ phi
            assert np.allclose(bell_ket(z, x, d), expected)
            assert np.allclose(bell_basis(d)[:, z * d + x], expected)


def test_qubit_bell_order_is_phi_plus_psi_plus_phi_minus_psi_minus():
    s = 1 / np.sqrt(2)
    assert np.allclose(bell_ket(0, 0), [s, 0, 0, s])
    assert np.allclose(bell_ket(0, 1), [0, s, s, 0])
    assert np.allclose(bell_ket(1, 0), [s, 0, 0, -s])
    # (Z X (x) I)|Phi> = (|01> - |10>)/sqrt 2 = Psi-
    assert np.allclose(bell_ket(1, 1), [0, s, -s, 0])


def test_bad_dimension():
    with pytest.raises(ValueError, match="d must be an integer in \\[2"):
        shift(1)
    with pytest.raises(TypeError, match="d must be an integer"):
        clock(2.5)
