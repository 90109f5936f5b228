"""Literal reference implementations of the protocols, for the tests only.

Each one is built from full-space matrices (``numpy.kron`` of single-system
operators) and a sum over every measurement outcome of ``K rho K^dag``, in
the order the protocol is described (Khatri Sec. III), without any of the
shortcuts of ``qdms.protocols``. They are slow and meant for small sizes.
"""

from __future__ import annotations

import itertools
from functools import reduce

import numpy as np

from qdms.quantum import bell_ket, partial_trace, weyl

I2 = np.eye(2, dtype=complex)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Z = np.diag([1.0, -1.0]).astype(complex)
H = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)
P = [np.diag([1.0, 0.0]).astype(complex), np.diag([0.0, 1.0]).astype(complex)]


def kron_all(ops):
    return reduce(np.kron, ops)


def embed(ops_by_system: dict[int, np.ndarray], dims: list[int]) -> np.ndarray:
    """Full-space operator acting as ``ops_by_system[i]`` on system ``i`` and as I elsewhere."""
    return kron_all([ops_by_system.get(i, np.eye(d, dtype=complex)) for i, d in enumerate(dims)])


def cnot(control: int, target: int, dims: list[int]) -> np.ndarray:
    return embed({control: P[0]}, dims) + embed({control: P[1], target: X}, dims)


def swap_literal(states, d, noise=None):
    """Khatri eq. 56-58: joint (noisy) Bell measurement, correction W_{sum z, sum x} on B_{n+1}.

    Returns ``(outcome tuples, probabilities, corrected conditional states times p, average)``.
    """
    n = len(states) - 1
    noise = [0.0] * n if noise is None else list(noise)
    rho = kron_all(states)
    dims = [d] * (2 * (n + 1))
    bell = {
        (z, x): np.outer(bell_ket(z, x, d), bell_ket(z, x, d).conj())
        for z in range(d)
        for x in range(d)
    }
    outcomes, probs, weighted = [], [], []
    for ks in itertools.product(sorted(bell), repeat=n):
        povm = [
            (1 - lam) * bell[k] + lam * np.eye(d * d) / d**2
            for k, lam in zip(ks, noise, strict=True)
        ]
        e = kron_all([np.eye(d)] + povm + [np.eye(d)])
        post = partial_trace(e @ rho, [0, 2 * n + 1], dims)  # tr_mid[E rho]
        z = sum(k[0] for k in ks) % d
        x = sum(k[1] for k in ks) % d
        c = np.kron(np.eye(d), weyl(z, x, d))
        post = c @ post @ c.conj().T
        outcomes.append(ks)
        probs.append(np.trace(post).real)
        weighted.append(post)
    return outcomes, np.array(probs), np.array(weighted), sum(weighted)


def ghz_literal(states):
    """Khatri eq. 65-69, sequential: CNOT(B_j -> A_{j+1}), measure A_{j+1}, X on B_{j+1}."""
    m = len(states)
    n = m - 1
    dims = [2] * (2 * m)
    rho = kron_all(states)
    out = 0
    for xs in itertools.product([0, 1], repeat=n):
        k = np.eye(2 ** (2 * m), dtype=complex)
        for j in range(1, n + 1):
            b_j, a_next, b_next = 2 * j - 1, 2 * j, 2 * j + 1
            k = cnot(b_j, a_next, dims) @ k
            k = embed({a_next: P[xs[j - 1]]}, dims) @ k
            k = embed({b_next: np.linalg.matrix_power(X, xs[j - 1])}, dims) @ k
        out = out + partial_trace(k @ rho @ k.conj().T, [0] + [2 * j + 1 for j in range(m)], dims)
    return out


def graph_literal(adjacency, states):
    """Khatri eq. 73-87: CZ_G on the centre's qubits, X-basis measurement, Z^{x_v} on B_v."""
    a = np.asarray(adjacency)
    n = len(a)
    dims = [2] * (2 * n)
    rho = kron_all(states)
    cz = np.eye(2 ** (2 * n), dtype=complex)
    for u in range(n):
        for v in range(u + 1, n):
            if a[u, v]:
                cz = (embed({2 * u: P[0]}, dims) + embed({2 * u: P[1], 2 * v: Z}, dims)) @ cz
    out = 0
    for xs in itertools.product([0, 1], repeat=n):
        ops = {}
        for v, x in enumerate(xs):
            ops[2 * v] = H @ P[x] @ H  # |+><+| or |-><-|
            ops[2 * v + 1] = np.linalg.matrix_power(Z, x)
        k = embed(ops, dims) @ cz
        out = out + partial_trace(k @ rho @ k.conj().T, [2 * v + 1 for v in range(n)], dims)
    return out


def recurrence_literal(rho1, rho2, alice=None, bob=None):
    """Bilateral CNOT (A1 -> A2, B1 -> B2), Z measurement of pair 2, keep when the outcomes agree."""
    dims = [2, 2, 2, 2]
    rho = np.kron(rho1, rho2)
    u = cnot(0, 2, dims) @ cnot(1, 3, dims)
    if alice is not None:
        u = u @ kron_all([alice, bob, alice, bob])
    rho = u @ rho @ u.conj().T
    kept = sum(
        partial_trace(
            embed({2: P[b], 3: P[b]}, dims) @ rho @ embed({2: P[b], 3: P[b]}, dims), [0, 1], dims
        )
        for b in (0, 1)
    )
    p = np.trace(kept).real
    return p, kept / p


def teleport_literal(state, resource, d):
    """Bell measurement on (C, A), correction W_{z,x} on B (Khatri eq. 61-62)."""
    rho = np.kron(state, resource)
    out = 0
    for z in range(d):
        for x in range(d):
            b = bell_ket(z, x, d)
            e = np.kron(np.outer(b, b.conj()), np.eye(d))
            post = partial_trace(e @ rho, [2], [d, d, d])
            w = weyl(z, x, d)
            out = out + w @ post @ w.conj().T
    return out
