"""Figures of merit: fidelity, trace distance, entropies.

Fidelity follows the squared convention of Khatri 2022, eq. 189:
``F(rho, sigma) = ||sqrt(rho) sqrt(sigma)||_1^2``, so that
``F(|psi><psi|, sigma) = <psi|sigma|psi>`` (eq. 190).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_probability_array
from .states import check_density_matrix, check_ket

__all__ = [
    "binary_entropy",
    "fidelity",
    "trace_distance",
    "von_neumann_entropy",
]


def _state(x: ArrayLike, name: str) -> tuple[NDArray[np.complex128], bool]:
    arr = np.asarray(x)
    if arr.ndim == 1:
        return check_ket(arr, name), True
    return check_density_matrix(arr, name), False


def fidelity(rho: ArrayLike, sigma: ArrayLike) -> float:
    """Uhlmann fidelity ``||sqrt(rho) sqrt(sigma)||_1^2`` (Khatri eq. 189).

    Either argument may be a ket; then the fast pure-state path
    ``<psi|sigma|psi>`` (eq. 190) is used.

    Examples
    --------
    >>> from qdms.quantum import max_entangled_ket, werner_state
    >>> round(fidelity(max_entangled_ket(), werner_state(0.6)), 12)
    0.7
    >>> round(fidelity(np.eye(2) / 2, np.diag([1.0, 0.0])), 12)
    0.5
    """
    a, a_pure = _state(rho, "rho")
    b, b_pure = _state(sigma, "sigma")
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"rho and sigma must have the same dimension, got {a.shape[0]} and {b.shape[0]}"
        )
    if a_pure and b_pure:
        return float(abs(np.vdot(a, b)) ** 2)
    if a_pure or b_pure:
        psi, mat = (a, b) if a_pure else (b, a)
        return float(np.real(np.vdot(psi, mat @ psi)))
    # Nuclear norm of sqrt(rho) sqrt(sigma), with eigenvalues at round-off level set to zero:
    # their square roots (~1e-8) would otherwise swamp the result at the 1e-9 level.
    singular = np.linalg.svd(_psd_sqrt(a) @ _psd_sqrt(b), compute_uv=False)
    return float(min(np.sum(singular) ** 2, 1.0))


def _psd_sqrt(m: NDArray[np.complex128]) -> NDArray[np.complex128]:
    w, v = np.linalg.eigh((m + m.conj().T) / 2)
    cutoff = 16 * m.shape[0] * np.finfo(float).eps * max(w[-1], 0.0)
    root = np.sqrt(np.where(w > cutoff, w, 0.0))
    return (v * root) @ v.conj().T


def trace_distance(rho: ArrayLike, sigma: ArrayLike) -> float:
    """Trace distance ``||rho - sigma||_1 / 2`` (kets are accepted).

    Examples
    --------
    >>> trace_distance([1, 0], [0, 1])
    1.0
    """
    a, a_pure = _state(rho, "rho")
    b, b_pure = _state(sigma, "sigma")
    if a_pure:
        a = np.outer(a, a.conj())
    if b_pure:
        b = np.outer(b, b.conj())
    if a.shape != b.shape:
        raise ValueError(
            f"rho and sigma must have the same dimension, got {a.shape[0]} and {b.shape[0]}"
        )
    diff = a - b
    return float(np.sum(np.abs(np.linalg.eigvalsh((diff + diff.conj().T) / 2))) / 2)


def von_neumann_entropy(rho: ArrayLike, *, base: float = 2.0) -> float:
    """Von Neumann entropy ``-tr(rho log rho)``, in bits by default.

    Examples
    --------
    >>> von_neumann_entropy(np.eye(4) / 4)
    2.0
    """
    a, pure = _state(rho, "rho")
    if pure:
        return 0.0
    ev = np.linalg.eigvalsh(a)
    ev = ev[ev > 0]
    return float(-np.sum(ev * np.log(ev)) / np.log(base)) + 0.0


def binary_entropy(p: float | ArrayLike):
    """Binary entropy ``h2(p) = -p log2 p - (1-p) log2 (1-p)`` with ``h2(0) = h2(1) = 0``.

    Vectorised over arrays; accurate for ``p`` down to the smallest floats.

    Examples
    --------
    >>> binary_entropy(0.5)
    1.0
    >>> binary_entropy([0.0, 0.11]).round(6)
    array([0.      , 0.499916])
    """
    arr = check_probability_array("p", p)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(
            arr * np.log2(np.where(arr > 0, arr, 1.0))
            + (1 - arr) * np.log1p(-np.where(arr < 1, arr, 0.0)) / np.log(2)
        )
    h = np.where((arr == 0) | (arr == 1), 0.0, h)
    return float(h) if h.ndim == 0 else h
