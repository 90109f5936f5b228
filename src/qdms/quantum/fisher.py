"""Quantum Fisher information of a one-parameter family of states.

For ``rho(phi)`` with derivative ``drho = d rho / d phi`` the symmetric
logarithmic derivative ``L`` solves ``drho = (L rho + rho L) / 2`` and the QFI
is ``F_Q = tr(rho L^2)`` (Rahim et al., Sci. Rep. 13, 11630 (2023), eq. 1;
Braunstein and Caves 1994). In the eigenbasis ``rho = sum_i l_i |i><i|``,

    F_Q = 2 sum_{i,j: l_i + l_j > 0} |<i|drho|j>|^2 / (l_i + l_j).

Derivatives are supplied exactly by the caller (never finite differences).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .states import check_density_matrix, check_ket

__all__ = [
    "quantum_fisher_information",
    "quantum_fisher_information_pure",
    "quantum_fisher_information_unitary",
    "symmetric_logarithmic_derivative",
]

#: Eigenvalue sums below this (relative to the largest eigenvalue) count as zero.
_SUPPORT_RTOL = 1e-13


def _check_derivative(drho: ArrayLike, n: int) -> NDArray[np.complex128]:
    d = np.asarray(drho, dtype=complex)
    if d.shape != (n, n):
        raise ValueError(f"drho must be {n} x {n}, got shape {d.shape}")
    if not np.allclose(d, d.conj().T, atol=1e-10, rtol=0):
        raise ValueError("drho must be Hermitian")
    if abs(np.trace(d)) > 1e-8:
        raise ValueError(
            f"drho must be traceless (the family stays normalised), got trace {np.trace(d):.3g}"
        )
    return d


def _eig(rho: NDArray[np.complex128]):
    w, v = np.linalg.eigh(rho)
    return np.clip(w, 0, None), v


def symmetric_logarithmic_derivative(rho: ArrayLike, drho: ArrayLike) -> NDArray[np.complex128]:
    """The SLD ``L`` with ``drho = (L rho + rho L)/2``, zero outside the support of ``rho``.

    Examples
    --------
    >>> rho = np.diag([0.75, 0.25]); drho = np.diag([1.0, -1.0])
    >>> symmetric_logarithmic_derivative(rho, drho).real.round(6)
    array([[ 1.333333,  0.      ],
           [ 0.      , -4.      ]])
    """
    r = check_density_matrix(rho, "rho")
    d = _check_derivative(drho, r.shape[0])
    w, v = _eig(r)
    dm = v.conj().T @ d @ v
    s = w[:, None] + w[None, :]
    mask = s > _SUPPORT_RTOL * max(w[-1], 1e-300)
    lm = np.zeros_like(dm)
    lm[mask] = 2 * dm[mask] / s[mask]
    return v @ lm @ v.conj().T


def quantum_fisher_information(rho: ArrayLike, drho: ArrayLike) -> float:
    """QFI ``tr(rho L^2)`` of the family at the point where ``rho`` and ``drho`` are given.

    Works for pure and mixed states; for pure states it equals
    ``4 (<dpsi|dpsi> - |<psi|dpsi>|^2)``.

    Examples
    --------
    >>> rho = np.diag([0.75, 0.25]); drho = np.diag([1.0, -1.0])
    >>> round(quantum_fisher_information(rho, drho), 12)   # classical: sum (dp)^2 / p
    5.333333333333
    """
    r = check_density_matrix(rho, "rho")
    d = _check_derivative(drho, r.shape[0])
    w, v = _eig(r)
    dm = v.conj().T @ d @ v
    s = w[:, None] + w[None, :]
    mask = s > _SUPPORT_RTOL * max(w[-1], 1e-300)
    return float(2 * np.sum(np.abs(dm[mask]) ** 2 / s[mask]))


def quantum_fisher_information_pure(psi: ArrayLike, dpsi: ArrayLike) -> float:
    """QFI ``4 (<dpsi|dpsi> - |<psi|dpsi>|^2)`` of a pure-state family.

    Examples
    --------
    >>> psi = np.array([1, 1]) / np.sqrt(2); dpsi = np.array([0, 1j]) / np.sqrt(2)
    >>> round(quantum_fisher_information_pure(psi, dpsi), 12)   # |0> + e^{i phi}|1>
    1.0
    """
    p = check_ket(psi, "psi")
    dp = np.asarray(dpsi, dtype=complex)
    if dp.shape != p.shape:
        raise ValueError(f"dpsi must have the shape of psi {p.shape}, got {dp.shape}")
    return float(4 * (np.vdot(dp, dp).real - abs(np.vdot(p, dp)) ** 2))


def quantum_fisher_information_unitary(rho: ArrayLike, generator: ArrayLike) -> float:
    """QFI of ``rho(phi) = exp(-i phi H) rho exp(i phi H)`` (independent of ``phi``).

    ``F_Q = 2 sum_{i,j} (l_i - l_j)^2 / (l_i + l_j) |H_ij|^2``; for a pure
    state it is ``4 Var(H)``.

    Examples
    --------
    >>> plus = np.full((2, 2), 0.5)
    >>> round(quantum_fisher_information_unitary(plus, np.diag([0.0, 1.0])), 12)
    1.0
    """
    r = check_density_matrix(rho, "rho")
    h = np.asarray(generator, dtype=complex)
    if h.shape != r.shape:
        raise ValueError(f"generator must be {r.shape[0]} x {r.shape[0]}, got shape {h.shape}")
    if not np.allclose(h, h.conj().T, atol=1e-10, rtol=0):
        raise ValueError("generator must be Hermitian")
    w, v = _eig(r)
    hm = v.conj().T @ h @ v
    s = w[:, None] + w[None, :]
    diff = w[:, None] - w[None, :]
    mask = s > _SUPPORT_RTOL * max(w[-1], 1e-300)
    return float(2 * np.sum(diff[mask] ** 2 / s[mask] * np.abs(hm[mask]) ** 2))
