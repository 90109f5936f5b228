import numpy as np
import pytest

from qdms.quantum import (
    apply_channel,
    apply_operator,
    depolarising_kraus,
    partial_trace,
    permute_subsystems,
    random_density_matrix,
    tensor,
)


def naive_partial_trace_last(rho, da, db):
    return np.einsum("ajbj->ab", rho.reshape(da, db, da, db))


def test_partial_trace_of_product(rng):
    a = random_density_matrix(2, rng)
    b = random_density_matrix(3, rng)
    c = random_density_matrix(2, rng)
    rho = tensor(a, b, c)
    assert np.allclose(partial_trace(rho, [0], [2, 3, 2]), a)
    assert np.allclose(partial_trace(rho, [1], [2, 3, 2]), b)
    assert np.allclose(partial_trace(rho, [2, 0], [2, 3, 2]), np.kron(c, a))
    assert np.allclose(partial_trace(rho, [0, 1, 2], [2, 3, 2]), rho)


def test_partial_trace_matches_einsum(rng):
    rho = random_density_matrix(6, rng)
    assert np.allclose(partial_trace(rho, [0], [2, 3]), naive_partial_trace_last(rho, 2, 3))


def test_named_subsystems(rng):
    a = random_density_matrix(2, rng)
    b = random_density_matrix(3, rng)
    rho = tensor({"A": a, "B": b})
    dims = {"A": 2, "B": 3}
    assert np.allclose(partial_trace(rho, "B", dims), b)
    assert np.allclose(permute_subsystems(rho, ["B", "A"], dims), np.kron(b, a))
    with pytest.raises(ValueError, match="unknown subsystem 'C'"):
        partial_trace(rho, "C", dims)


def test_apply_operator_matches_kron(rng):
    rho = random_density_matrix(12, rng)
    u = np.linalg.qr(rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3)))[0]
    full = np.kron(np.kron(np.eye(2), u), np.eye(2))
    assert np.allclose(apply_operator(rho, u, [1], [2, 3, 2]), full @ rho @ full.conj().T)


def test_apply_operator_two_targets_out_of_order(rng):
    rho = random_density_matrix(8, rng)
    cnot = np.eye(4)[[0, 1, 3, 2]]
    # CNOT with control 2, target 0: build it by permuting.
    out = apply_operator(rho, cnot, [2, 0], [2, 2, 2])
    perm = permute_subsystems(rho, [2, 1, 0], [2, 2, 2])  # now order (2,1,0)
    full = np.kron(np.eye(2), np.eye(2))  # placeholder, rebuild explicitly below
    full = np.zeros((8, 8))
    for k in range(8):
        b = [(k >> 2) & 1, (k >> 1) & 1, k & 1]
        b2 = list(b)
        if b[2]:
            b2[0] ^= 1
        full[(b2[0] << 2) | (b2[1] << 1) | b2[2], k] = 1
    assert np.allclose(out, full @ rho @ full.T)
    assert perm.shape == (8, 8)


def test_apply_operator_on_ket():
    psi = np.kron([1, 0], [1, 0]).astype(complex)
    x = np.array([[0, 1], [1, 0]])
    assert np.allclose(apply_operator(psi, x, 0, [2, 2]), np.kron([0, 1], [1, 0]))


def test_apply_channel_local_depolarising(rng):
    rho = random_density_matrix(4, rng)
    out = apply_channel(rho, depolarising_kraus(1.0), [1], [2, 2])
    assert np.allclose(out, np.kron(partial_trace(rho, [0], [2, 2]), np.eye(2) / 2))


def test_dimension_errors(rng):
    rho = random_density_matrix(4, rng)
    with pytest.raises(ValueError, match="must be 6 x 6"):
        partial_trace(rho, [0], [2, 3])
    with pytest.raises(ValueError, match="operator must be 2 x 2"):
        apply_operator(rho, np.eye(3), [0], [2, 2])
    with pytest.raises(ValueError, match="out of range"):
        partial_trace(rho, [2], [2, 2])
    with pytest.raises(ValueError, match="distinct"):
        partial_trace(rho, [0, 0], [2, 2])
