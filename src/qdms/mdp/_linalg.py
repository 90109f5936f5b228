"""Sparse linear solves for policy evaluation (private).

Direct sparse LU (SuperLU, with one step of iterative refinement) when it is
cheap: small systems, or systems whose reverse Cuthill-McKee bandwidth keeps
the work small (chains, grids, the link MDPs; see :func:`prefer_direct`). Random "expander" transition
graphs make LU fill catastrophic (a 10^4-state random MDP fills 2e7
entries), so larger systems with a wide band go to restarted GMRES, which
converges in tens of iterations on such fast-mixing chains; if it does not
converge, LU is used after all.
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
    "prefer_direct",
    "solve",
    "solve_operator",
]

DIRECT_MAX_STATES = 2000
DIRECT_MAX_WORK = 5e9
GMRES_RTOL = 1e-13


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
