"""Bell-diagonal states as coefficient vectors.

A bipartite ``d x d`` state is Bell-diagonal when it is a mixture of the Bell
states ``|Phi_{z,x}>`` (:mod:`qdms.quantum.weyl`). It is then represented by its
coefficient vector ``q`` of length ``d^2``, indexed ``z*d + x`` (DESIGN.md);
for qubits ``q = [Phi+, Psi+, Phi-, Psi-]`` (API.md). Werner, isotropic and
dephased pairs are Bell-diagonal, and so are the outputs of swapping them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_probability
from .states import STATE_ATOL, check_density_matrix
from .weyl import bell_basis

__all__ = [
    "bell_coefficients",
    "bell_diagonal_state",
    "check_bell_coefficients",
    "isotropic_coefficients",
    "werner_coefficients",
]


def check_bell_coefficients(q: ArrayLike, name: str = "bell_coefficients", *, d: int | None = None):
    """Return ``q`` as a probability vector of length ``d^2``, or raise ``ValueError``.

    ``d`` defaults to the square root of the length.

    Examples
    --------
    >>> check_bell_coefficients([0.7, 0.1, 0.1, 0.1])
    array([0.7, 0.1, 0.1, 0.1])
    """
    arr = np.asarray(q, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D vector, got shape {arr.shape}")
    n = arr.size
    dd = int(round(np.sqrt(n)))
    if d is None:
        d = dd
    if d < 2 or n != d * d:
        raise ValueError(f"{name} must have length d^2 with d >= 2, got length {n}")
    if not np.all(np.isfinite(arr)) or np.any(arr < -STATE_ATOL):
        raise ValueError(f"{name} must have non-negative finite entries, got {arr!r}")
    if abs(arr.sum() - 1) > STATE_ATOL:
        raise ValueError(f"{name} must sum to 1, got sum {arr.sum():.12g}")
    return arr


def bell_diagonal_state(q: ArrayLike, d: int | None = None) -> NDArray[np.complex128]:
    """Density matrix ``sum_{z,x} q[z*d + x] |Phi_{z,x}><Phi_{z,x}|``.

    Examples
    --------
    >>> rho = bell_diagonal_state([1, 0, 0, 0])
    >>> rho.real * 2
    array([[1., 0., 0., 1.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.],
           [1., 0., 0., 1.]])
    """
    arr = check_bell_coefficients(q, "q", d=d)
    b = bell_basis(int(round(np.sqrt(arr.size))))
    return (b * arr) @ b.conj().T


def bell_coefficients(rho: ArrayLike, d: int | None = None) -> NDArray[np.float64]:
    """Bell-basis diagonal ``<Phi_{z,x}|rho|Phi_{z,x}>`` of any bipartite ``d x d`` state.

    For a Bell-diagonal state this inverts :func:`bell_diagonal_state`. For any
    state it is the coefficient vector of its Bell-diagonal twirl (the state
    after the parties apply a random ``W_{z,x} (x) conj(W_{z,x})``), which has
    the same fidelity to every Bell state. Entry 0 is the fidelity to ``|Phi>``.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> bell_coefficients(werner_state(0.6)).round(12)
    array([0.7, 0.1, 0.1, 0.1])
    """
    arr = check_density_matrix(rho, "rho")
    n = arr.shape[0]
    if d is None:
        d = int(round(np.sqrt(n)))
    d = check_int("d", d, low=2)
    if n != d * d:
        raise ValueError(f"rho must be {d * d} x {d * d} for d={d}, got {n} x {n}")
    b = bell_basis(d)
    return np.real(np.einsum("ik,ij,jk->k", b.conj(), arr, b))


def isotropic_coefficients(fidelity: float, d: int = 2) -> NDArray[np.float64]:
    """Coefficients ``[F, (1-F)/(d^2-1), ...]`` of the isotropic state of fidelity ``F``.

    Examples
    --------
    >>> isotropic_coefficients(0.7).round(12)
    array([0.7, 0.1, 0.1, 0.1])
    """
    f = check_probability("fidelity", fidelity)
    d = check_int("d", d, low=2)
    q = np.full(d * d, (1 - f) / (d * d - 1))
    q[0] = f
    return q


def werner_coefficients(werner: float, d: int = 2) -> NDArray[np.float64]:
    """Coefficients of ``w Phi + (1 - w) I / d^2``: ``[w + (1-w)/d^2, (1-w)/d^2, ...]``.

    Examples
    --------
    >>> werner_coefficients(0.6)
    array([0.7, 0.1, 0.1, 0.1])
    """
    d = check_int("d", d, low=2)
    w = float(werner)
    if not -1 / (d * d - 1) <= w <= 1:
        raise ValueError(f"werner must lie in [{-1 / (d * d - 1):.6g}, 1], got {werner!r}")
    q = np.full(d * d, (1 - w) / (d * d))
    q[0] += w
    return q
