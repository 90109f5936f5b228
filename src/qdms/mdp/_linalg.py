"""Sparse linear solves for policy evaluation (private).

Direct sparse LU (SuperLU, with one step of iterative refinement) when it is
cheap: small systems, or systems whose reverse Cuthill-McKee bandwidth keeps
the work small (chains, grids, the link MDPs; see :func:`prefer_direct`). Random "expander" transition
graphs make LU fill catastrophic (a 10^4-state random MDP fills 2e7
entries), so larger systems with a wide band go to restarted GMRES, which
converges in tens of iterations on such fast-mixing chains; if it does not
converge, LU is used after all.

Transient chains whose absorption is rare (``E[tau]`` beyond 1e4 steps) lose
``log10(E[tau])`` digits in LU; up to 1000 states they are solved again by
subtraction-free Grassmann-Taksar-Heyman elimination (:func:`gth_factor`,
:func:`gth_solve`, :func:`solve_transient`), exact however rare the events.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray
from scipy.sparse.csgraph import reverse_cuthill_mckee

__all__ = [
    "DIRECT_MAX_STATES",
    "DIRECT_MAX_WORK",
    "GTH_ABOVE_STEPS",
    "GTH_MAX_STATES",
    "gth_factor",
    "gth_solve",
    "prefer_direct",
    "solve",
    "solve_operator",
    "solve_transient",
    "values_until_exit",
]

DIRECT_MAX_STATES = 2000
DIRECT_MAX_WORK = 5e9
GMRES_RTOL = 1e-13
GTH_MAX_STATES = 1000
#: Expected absorption times above which LU's ~ eps * E[tau] relative error is redone by GTH.
GTH_ABOVE_STEPS = 1e4


def gth_factor(q: sp.sparray, exits: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    """LU factors of ``1 - Q`` for a transient chain, computed without subtracting (GTH).

    ``Q[to, from] >= 0`` are the transitions among the transient states (its
    diagonal is ignored), ``exits[from] >= 0`` the probabilities of leaving
    them. Eliminating state ``k`` censors the chain on the states after it:
    ``Q[i, j] += Q[i, k] Q[k, j] / d_k`` and ``exits[j] += Q[k, j] exits[k] / d_k``,
    where the pivot ``d_k = 1 - Q[k, k]`` is formed as
    ``exits[k] + sum_{i > k} Q[i, k]`` (Grassmann, Taksar and Heyman, Oper.
    Res. 33, 1107 (1985)). Returns ``(a, pivots)``: ``a`` holds the censored
    ``Q`` entries of each step (``1 - Q = L U`` with ``L[i, k] = -a[i, k] / d_k``
    and ``U[k, j] = -a[k, j]`` off the diagonal, ``U[k, k] = d_k``). Only sums
    and products of nonnegative numbers occur, so solves with nonnegative
    right-hand sides keep full relative precision however close ``Q`` is to
    stochastic (exits of 1e-40 are fine; LU on the stored ``1 - Q`` loses
    ``log10(1 / exits)`` digits). Dense, ``n^3 / 3`` operations (0.6 s for
    1000 states).
    """
    a = np.asarray(sp.csc_array(q).toarray() if sp.issparse(q) else q, dtype=float).copy()
    h = np.asarray(exits, dtype=float).copy()
    n = h.size
    np.fill_diagonal(a, 0.0)
    pivots = np.empty(n)
    for k in range(n):
        pivots[k] = h[k] + a[k + 1 :, k].sum()
        share = a[k + 1 :, k] / pivots[k]
        a[k + 1 :, k + 1 :] += np.outer(share, a[k, k + 1 :])
        h[k + 1 :] += a[k, k + 1 :] * (h[k] / pivots[k])
    return a, pivots


def gth_solve(
    factor: tuple[NDArray, NDArray], b: NDArray[np.float64], *, transpose: bool = False
) -> NDArray[np.float64]:
    """Solve ``(1 - Q) v = b`` (or ``(1 - Q)^T v = b``) with :func:`gth_factor`'s factors.

    For ``b >= 0`` every step adds nonnegative terms: ``v`` has full relative precision.
    """
    a, pivots = factor
    n = pivots.size
    v = np.asarray(b, dtype=float).copy()
    if not transpose:  # L z = b, then U v = z
        for k in range(n - 1):
            v[k + 1 :] += a[k + 1 :, k] * (v[k] / pivots[k])
        for k in range(n - 1, -1, -1):
            v[k] = (v[k] + a[k, k + 1 :] @ v[k + 1 :]) / pivots[k]
        return v
    for k in range(n):  # U^T y = b, then L^T v = y
        v[k] = (v[k] + a[:k, k] @ v[:k]) / pivots[k]
    for k in range(n - 2, -1, -1):
        v[k] += (a[k + 1 :, k] @ v[k + 1 :]) / pivots[k]
    return v


def solve_transient(
    q: sp.sparray, exits: NDArray[np.float64], b: NDArray[np.float64], *, transpose: bool = False
) -> NDArray[np.float64]:
    """``(1 - Q) v = b`` or its transpose (arguments as in :func:`gth_factor`).

    Sparse LU, whose relative error grows like ``eps * max_s E[tau | s]``
    (the condition number of ``1 - Q``). Chains of at most
    :data:`GTH_MAX_STATES` states whose longest expected absorption time
    exceeds :data:`GTH_ABOVE_STEPS` steps, or whose stored ``1 - Q`` is
    singular although the exits are not zero (``1 - 1e-24`` rounds to 1),
    are solved by GTH instead, exactly to the last digits for ``b >= 0``.
    """
    n = q.shape[0]
    a = sp.csc_array(sp.eye_array(n, format="csc") - q)
    if n > GTH_MAX_STATES:
        return solve(sp.csc_array(a.T) if transpose else a, b)
    trans = "T" if transpose else "N"
    try:
        lu = spla.splu(a)
        v = lu.solve(np.asarray(b, dtype=float), trans=trans)
        times = lu.solve(np.ones(n), trans="T")  # E[tau | s]: the conditioning
    except RuntimeError:
        times = np.array([np.inf])
    if np.all(np.abs(times) <= GTH_ABOVE_STEPS):  # also refuses inf and nan
        return v + lu.solve(b - (a.T @ v if transpose else a @ v), trans=trans)
    return gth_solve(gth_factor(q, exits), b, transpose=transpose)


def _ordering(a: sp.sparray) -> tuple[NDArray[np.int64], int]:
    """A fill-reducing symmetric ordering and the bandwidth it leaves.

    Reverse Cuthill-McKee on the pattern of ``a + a^T`` without its dense rows
    and columns (degree above 10 times the mean, e.g. the "reset"
    transitions of a link MDP), which are ordered last, where they cause no
    fill beyond their own row and column.
    """
    pattern = sp.csr_array(abs(a) + abs(a.T))
    degree = np.diff(pattern.indptr)
    dense = degree > max(16.0, 10.0 * degree.mean())
    keep = np.flatnonzero(~dense)
    sub = sp.csr_array(pattern[keep][:, keep])
    order = reverse_cuthill_mckee(sub, symmetric_mode=True)
    inv = np.empty(keep.size, dtype=np.int64)
    inv[order] = np.arange(keep.size)
    coo = sub.tocoo()
    bandwidth = int(np.max(np.abs(inv[coo.row] - inv[coo.col]), initial=0))
    perm = np.concatenate([keep[order], np.flatnonzero(dense)]).astype(np.int64)
    return perm, bandwidth


def prefer_direct(a: sp.sparray) -> bool:
    """True when sparse LU is expected to be cheap.

    Small systems always; otherwise the work of a banded LU, ``n b^2``, with
    ``b`` the bandwidth left by :func:`_ordering`, must stay below
    ``DIRECT_MAX_WORK``.
    """
    n = a.shape[0]
    if n <= DIRECT_MAX_STATES:
        return True
    _, bandwidth = _ordering(a)
    return n * float(bandwidth + 1) ** 2 <= DIRECT_MAX_WORK


def _direct(a: sp.sparray, b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sparse LU with one step of iterative refinement.

    Small systems use SuperLU's COLAMD ordering; larger ones the banded
    ordering of :func:`_ordering` (SuperLU's own orderings cost seconds and
    fill tens of millions of entries on a 10^5-state chain with a reset row),
    with threshold pivoting (0.1) so that the diagonal of the diagonally
    dominant systems of Markov chains stays the pivot and the band survives.
    """
    a = sp.csc_array(a)
    n = a.shape[0]
    if n <= DIRECT_MAX_STATES:
        lu = spla.splu(a)
        x = lu.solve(b)
        x += lu.solve(b - a @ x)
        return x
    perm, _ = _ordering(a)
    ap = sp.csc_array(a[perm][:, perm])
    lu = spla.splu(ap, permc_spec="NATURAL", diag_pivot_thresh=0.1)
    bp = b[perm]
    xp = lu.solve(bp)
    xp += lu.solve(bp - ap @ xp)
    x = np.empty(n)
    x[perm] = xp
    return x


def values_until_exit(
    t: sp.sparray, states: NDArray[np.int64], rewards: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Expected ``rewards`` collected from each of ``states`` until the chain ``t`` leaves them.

    ``(1 - Q^T) v = rewards`` with ``Q = t[states][:, states]`` (``T[to, from]``), by
    :func:`solve_transient`; the exits are the columns' mass outside ``states``.
    """
    t = sp.csc_array(t)
    inside = np.zeros(t.shape[0], dtype=bool)
    inside[states] = True
    exits = np.asarray(t[~inside][:, states].sum(axis=0)).ravel()
    return solve_transient(sp.csc_array(t[states][:, states]), exits, rewards, transpose=True)


def solve(a: sp.sparray, b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Solve ``a x = b`` for a sparse nonsingular ``a``.

    Raises ``RuntimeError`` (from SuperLU) when ``a`` is exactly singular.
    """
    if prefer_direct(a):
        return _direct(a, b)
    x, info = spla.gmres(sp.csr_array(a), b, rtol=GMRES_RTOL, atol=0.0, restart=50, maxiter=40)
    if info != 0 or not np.all(np.isfinite(x)):
        return _direct(a, b)
    return x


def solve_operator(
    matvec: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    n: int,
    b: NDArray[np.float64],
    fallback: Callable[[], NDArray[np.float64]],
) -> NDArray[np.float64]:
    """GMRES on a matrix-free operator; ``fallback()`` (a direct solve) if it fails."""
    op = spla.LinearOperator((n, n), matvec=matvec, dtype=float)
    x, info = spla.gmres(op, b, rtol=GMRES_RTOL, atol=0.0, restart=50, maxiter=40)
    if info != 0 or not np.all(np.isfinite(x)):
        return fallback()
    return x
