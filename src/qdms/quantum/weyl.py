"""Discrete Weyl operators and the qudit Bell basis.

Conventions (Khatri 2022, eq. 53-55; DESIGN.md):

* shift ``X|k> = |k+1 mod d>``, clock ``Z|k> = exp(2 pi i k / d)|k>``;
* ``W_{z,x} = Z^z X^x``;
* ``|Phi> = sum_k |k,k> / sqrt(d)`` and ``|Phi_{z,x}> = (W_{z,x} (x) I)|Phi>``;
* Bell-basis vectors and Bell-diagonal coefficients are indexed ``z*d + x``.
  For qubits the order is ``[Phi+, Psi+, Phi-, Psi-]``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .._validation import check_int

__all__ = [
    "bell_basis",
    "bell_ket",
    "clock",
    "max_entangled_ket",
    "shift",
    "weyl",
]


def _dimension(d: int) -> int:
    return check_int("d", d, low=2)


def shift(d: int = 2) -> NDArray[np.complex128]:
    """Shift operator ``X|k> = |k+1 mod d>`` (Khatri eq. 55).

    Examples
    --------
    >>> shift(3) @ np.array([1, 0, 0])
    array([0.+0.j, 1.+0.j, 0.+0.j])
    """
    d = _dimension(d)
    return np.roll(np.eye(d, dtype=complex), 1, axis=0)


def clock(d: int = 2) -> NDArray[np.complex128]:
    """Clock operator ``Z|k> = exp(2 pi i k / d)|k>`` (Khatri eq. 55).

    Examples
    --------
    >>> np.allclose(clock(2), np.diag([1, -1]))
    True
    """
    d = _dimension(d)
    return np.diag(np.exp(2j * np.pi * np.arange(d) / d))


def weyl(z: int, x: int, d: int = 2) -> NDArray[np.complex128]:
    """Weyl operator ``W_{z,x} = Z^z X^x`` (indices taken modulo ``d``).

    Examples
    --------
    >>> np.allclose(weyl(1, 1), [[0, 1], [-1, 0]])   # Z X = i Y
    True
    """
    d = _dimension(d)
    z = check_int("z", z) % d
    x = check_int("x", x) % d
    phases = np.exp(2j * np.pi * z * np.arange(d) / d)
    return phases[:, None] * np.roll(np.eye(d, dtype=complex), x, axis=0)


def max_entangled_ket(d: int = 2) -> NDArray[np.complex128]:
    """``|Phi> = sum_k |k,k> / sqrt(d)`` (Khatri eq. 54).

    Examples
    --------
    >>> max_entangled_ket(2).real.round(4)
    array([0.7071, 0.    , 0.    , 0.7071])
    """
    d = _dimension(d)
    ket = np.zeros(d * d, dtype=complex)
    ket[:: d + 1] = 1 / np.sqrt(d)
    return ket


def bell_ket(z: int, x: int, d: int = 2) -> NDArray[np.complex128]:
    """Bell vector ``|Phi_{z,x}> = (Z^z X^x (x) I)|Phi>`` (Khatri eq. 53).

    Its components are ``<a,b|Phi_{z,x}> = w^{z a} [a = b + x] / sqrt(d)`` with
    ``w = exp(2 pi i / d)``.

    Examples
    --------
    >>> bell_ket(0, 1).real.round(4)   # Psi+ = (|01> + |10>)/sqrt(2)
    array([0.    , 0.7071, 0.7071, 0.    ])
    """
    d = _dimension(d)
    return (weyl(z, x, d) @ max_entangled_ket(d).reshape(d, d)).reshape(d * d)


def bell_basis(d: int = 2) -> NDArray[np.complex128]:
    """All Bell vectors as the columns of a unitary ``d^2 x d^2`` matrix.

    Column ``z*d + x`` is ``|Phi_{z,x}>``.

    Examples
    --------
    >>> B = bell_basis(3)
    >>> np.allclose(B.conj().T @ B, np.eye(9))
    True
    """
    d = _dimension(d)
    a = np.arange(d)
    omega = np.exp(2j * np.pi / d)
    basis = np.zeros((d, d, d, d), dtype=complex)  # [a, b, z, x]
    for z in range(d):
        for x in range(d):
            basis[(a + x) % d, a, z, x] = omega ** (z * ((a + x) % d)) / np.sqrt(d)
    return basis.reshape(d * d, d * d)
