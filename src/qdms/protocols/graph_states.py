"""Graph-state distribution from a star of Bell pairs (Khatri Sec. III.2.3).

Set-up (Khatri Fig. 7, eq. 73-90). A central node shares a two-qubit link
``rho_{A_v B_v}`` with each outer node ``v = 1..n``: the centre holds ``A_v``,
node ``v`` holds ``B_v``. The protocol:

1. the centre applies ``CZ_G = prod_{{u,v} in E} CZ_{A_u A_v}`` to its qubits;
2. it measures each ``A_v`` in the X basis (``|+>`` is outcome 0, ``|->`` is
   outcome 1) and sends the bit ``x_v`` to node ``v``;
3. node ``v`` applies ``Z^{x_v}`` to ``B_v``.

Why (eq. 77-82, re-derived): ``|Phi+>^{(x) n} = 2^{-n/2} sum_y |y>_A |y>_B``,
so after ``CZ_G`` the state is ``2^{-n/2} sum_y (-1)^{y^T A y / 2} |y>_A |y>_B``;
projecting ``A`` on ``H^{(x) n}|x>`` leaves ``2^{-n/2} Z^x |G>`` on ``B``, for
each of the ``2^n`` outcomes with probability ``2^{-n}``. Eq. 83-89 write the
same as the POVM ``{CZ_G H|x><x|H CZ_G}`` on ``A`` followed by ``Z^x`` on ``B``.

Prop. III.4 (eq. 90, lost in the text; re-derived, App. H.3). For any
two-qubit links::

    F = <G| D(rho_1 (x) ... (x) rho_n) |G> = sum_{e in {0,1}^n} prod_v <Phi_{(A e)_v, e_v}|rho_v|Phi_{(A e)_v, e_v}>,

with ``A`` the adjacency matrix, ``(A e)_v`` taken mod 2 and
``|Phi_{z,x}> = (Z^z X^x (x) I)|Phi+>``. Proof sketch: summing over outcomes,
``F = 2^{-n} sum (-1)^{q(y)+q(y')+q(u)+q(u')} <y u|rho|y' u'>`` over
``y + u = y' + u' =: e`` with ``q(y) = y^T A y / 2``; since
``q(y) + q(y + e) = q(e) + y^T A e`` the sign is ``(-1)^{(y + y')^T A e}``,
which factorises over the links into ``2 <Phi_{(Ae)_v, e_v}|rho_v|Phi_{(Ae)_v, e_v}>``.
Only the Bell diagonals of the links matter (so it makes no difference
which qubit of a link the centre holds).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..quantum import apply_channel, apply_operator, bell_coefficients, partial_trace
from .locc import check_coefficient_vectors, check_states

__all__ = [
    "distribute_graph_state",
    "graph_state_fidelity",
    "graph_state_fidelity_bell_diagonal",
]

_H = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)
_Z = np.diag([1.0, -1.0]).astype(complex)
# Measure the first qubit in the X basis (record the bit in it), apply Z^x to the second.
_MEASURE_AND_CORRECT = [
    np.kron(np.diag([1.0, 0.0]) @ _H, np.eye(2)),
    np.kron(np.diag([0.0, 1.0]) @ _H, _Z),
]

#: Largest number of outer nodes simulated explicitly (a 4^n density matrix).
MAX_EXPLICIT_NODES = 5
#: Largest number of vertices for the closed form (a sum of 2^n terms).
MAX_VERTICES = 24


def _check_adjacency(adjacency: ArrayLike) -> NDArray[np.int_]:
    a = np.asarray(adjacency)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ValueError(f"adjacency must be a square matrix, got shape {a.shape}")
    if not np.issubdtype(a.dtype, np.number) or not np.all((a == 0) | (a == 1)):
        raise ValueError("adjacency must have entries 0 or 1")
    if not np.array_equal(a, a.T) or np.any(np.diag(a) != 0):
        raise ValueError("adjacency must be symmetric with a zero diagonal")
    return a.astype(int)


def _cz_diagonal(a: NDArray[np.int_]) -> NDArray[np.float64]:
    """Diagonal of ``CZ_G``: ``(-1)^{sum_{u<v} A_uv y_u y_v}`` over ``y`` (qubit 0 most significant)."""
    n = a.shape[0]
    bits = (np.arange(2**n)[:, None] >> np.arange(n - 1, -1, -1)) & 1
    parity = np.einsum("ki,ij,kj->k", bits, np.triu(a), bits) % 2
    return 1.0 - 2.0 * parity


def distribute_graph_state(
    adjacency: ArrayLike, states: Sequence[ArrayLike]
) -> NDArray[np.complex128]:
    """Output of the star-to-graph-state protocol, by explicit LOCC simulation (Khatri eq. 83-87).

    Parameters
    ----------
    adjacency : symmetric 0/1 ``n x n`` matrix with zero diagonal, the target graph.
    states : ``n`` two-qubit link states ``rho_{A_v B_v}`` (4 x 4), ``A_v`` at the
        centre, ``B_v`` at outer node ``v``; ``n <= MAX_EXPLICIT_NODES``.

    Returns
    -------
    The ``2^n x 2^n`` state of ``(B_1, ..., B_n)``, averaged over outcomes
    (the protocol is deterministic).

    Raises
    ------
    ValueError, TypeError
        For a bad adjacency matrix, a number of states other than ``n``, or a
        state that is not a 4 x 4 density matrix (named ``states[v]``).

    Examples
    --------
    >>> from qdms.quantum import graph_state_ket, ket_to_density, max_entangled_ket, fidelity
    >>> triangle = [[0, 1, 1], [1, 0, 1], [1, 1, 0]]
    >>> phi = ket_to_density(max_entangled_ket())
    >>> round(fidelity(graph_state_ket(triangle), distribute_graph_state(triangle, [phi] * 3)), 12)
    1.0
    """
    a = _check_adjacency(adjacency)
    n = a.shape[0]
    rhos = check_states(states, 2)
    if len(rhos) != n:
        raise ValueError(f"states must hold one link per vertex ({n}), got {len(rhos)}")
    if n > MAX_EXPLICIT_NODES:
        raise ValueError(
            f"explicit graph-state distribution is limited to {MAX_EXPLICIT_NODES} nodes, "
            f"got {n}; use graph_state_fidelity for the fidelity"
        )
    dims = [2] * (2 * n)  # order A_1, B_1, A_2, B_2, ...
    full = rhos[0]
    for rho in rhos[1:]:
        full = np.kron(full, rho)
    centre = [2 * v for v in range(n)]
    full = apply_operator(full, np.diag(_cz_diagonal(a)).astype(complex), centre, dims)
    for v in range(n):
        full = apply_channel(full, _MEASURE_AND_CORRECT, [2 * v, 2 * v + 1], dims)
    out = partial_trace(full, [2 * v + 1 for v in range(n)], dims)
    return (out + out.conj().T) / 2


def graph_state_fidelity_bell_diagonal(
    adjacency: ArrayLike, coefficient_vectors: ArrayLike
) -> float:
    """Prop. III.4 from Bell coefficients: ``F = sum_e prod_v q_v[2 (A e)_v + e_v]``.

    Parameters
    ----------
    adjacency : symmetric 0/1 ``n x n`` matrix with zero diagonal, ``n <= MAX_VERTICES``.
    coefficient_vectors : array ``(n, 4)`` of ``[Phi+, Psi+, Phi-, Psi-]`` coefficients
        (index ``z*2 + x``) of the links, in vertex order.

    Examples
    --------
    >>> edge = [[0, 1], [1, 0]]
    >>> round(graph_state_fidelity_bell_diagonal(edge, [[0.7, 0.1, 0.1, 0.1]] * 2), 12)
    0.52
    """
    a = _check_adjacency(adjacency)
    n = a.shape[0]
    if n > MAX_VERTICES:
        raise ValueError(
            f"adjacency has {n} vertices; the closed form allows at most {MAX_VERTICES}"
        )
    q = check_coefficient_vectors(coefficient_vectors, 2, min_count=n)
    if q.shape[0] != n:
        raise ValueError(
            f"coefficient_vectors must hold one vector per vertex ({n}), got {q.shape[0]}"
        )
    vertices = np.arange(n)
    a_float = a.astype(np.float32)  # exact for these small integers; BLAS speed
    chunk = 1 << min(n, 14)
    total = 0.0
    for start in range(0, 2**n, chunk):  # all e in {0,1}^n, in chunks to bound memory
        e = (np.arange(start, start + chunk)[:, None] >> vertices) & 1
        z = (e.astype(np.float32) @ a_float).astype(np.int64) % 2  # A symmetric: (A e)_v
        total += float(np.sum(np.prod(q[vertices, 2 * z + e], axis=1)))
    return total


def graph_state_fidelity(adjacency: ArrayLike, states: Sequence[ArrayLike]) -> float:
    """Fidelity of the distributed state with ``|G>`` for any links (Khatri Prop. III.4, eq. 90, re-derived).

    ``F = sum_{e in {0,1}^n} prod_v <Phi_{(A e)_v, e_v}|rho_v|Phi_{(A e)_v, e_v}>``
    (see the module notes); computed from the Bell coefficients of the links.

    Parameters
    ----------
    adjacency : symmetric 0/1 ``n x n`` matrix with zero diagonal.
    states : ``n`` two-qubit link states (4 x 4), in vertex order.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> star = [[0, 1, 1], [1, 0, 0], [1, 0, 0]]
    >>> 0 < graph_state_fidelity(star, [werner_state(0.9)] * 3) < 1
    True
    """
    a = _check_adjacency(adjacency)
    rhos = check_states(states, 2)
    if len(rhos) != a.shape[0]:
        raise ValueError(f"states must hold one link per vertex ({a.shape[0]}), got {len(rhos)}")
    q = np.stack([bell_coefficients(r, 2) for r in rhos])
    return graph_state_fidelity_bell_diagonal(a, q)
