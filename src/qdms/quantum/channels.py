"""Quantum channels as lists of Kraus operators.

A channel ``N(rho) = sum_k K_k rho K_k^dag`` is a list of matrices; it is
trace preserving when ``sum_k K_k^dag K_k = I`` (:func:`is_trace_preserving`).
Apply one to chosen subsystems of a larger state with
:func:`qdms.quantum.subsystems.apply_channel`, or to a whole state with
:func:`apply_kraus` (which also allows a change of dimension).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_probability
from .weyl import max_entangled_ket, weyl

__all__ = [
    "amplitude_damping_kraus",
    "apply_kraus",
    "choi_matrix",
    "dephasing_kraus",
    "depolarising_kraus",
    "erasure_kraus",
    "is_trace_preserving",
    "isotropic_twirl",
    "isotropic_twirl_kraus",
    "kraus_from_choi",
]

Kraus = list[NDArray[np.complex128]]


def depolarising_kraus(p: float, d: int = 2) -> Kraus:
    """Depolarising channel ``rho -> (1 - p) rho + p tr(rho) I / d``.

    Kraus operators ``sqrt(1 - p + p/d^2) I`` and ``sqrt(p/d^2) W_{z,x}`` for
    ``(z, x) != (0, 0)``, the Weyl operators of :mod:`qdms.quantum.weyl`.

    Examples
    --------
    >>> is_trace_preserving(depolarising_kraus(0.3, d=3))
    True
    """
    p = check_probability("p", p)
    d = check_int("d", d, low=2)
    ops = [np.sqrt(1 - p + p / d**2) * np.eye(d, dtype=complex)]
    ops += [
        np.sqrt(p / d**2) * weyl(z, x, d) for z in range(d) for x in range(d) if (z, x) != (0, 0)
    ]
    return ops


def dephasing_kraus(p: float) -> Kraus:
    """Qubit dephasing (phase flip) ``rho -> (1 - p) rho + p Z rho Z``.

    ``p = 1/2`` destroys all coherence in the standard basis.

    Examples
    --------
    >>> rho = np.full((2, 2), 0.5)
    >>> apply_kraus(rho, dephasing_kraus(0.5)).real
    array([[0.5, 0. ],
           [0. , 0.5]])
    """
    p = check_probability("p", p)
    return [
        np.sqrt(1 - p) * np.eye(2, dtype=complex),
        np.sqrt(p) * np.diag([1, -1]).astype(complex),
    ]


def amplitude_damping_kraus(gamma: float) -> Kraus:
    """Amplitude damping ``K0 = |0><0| + sqrt(1-gamma)|1><1|``, ``K1 = sqrt(gamma)|0><1|`` (Khatri eq. 306-309).

    Examples
    --------
    >>> apply_kraus(np.diag([0.0, 1.0]), amplitude_damping_kraus(0.25)).real
    array([[0.25, 0.  ],
           [0.  , 0.75]])
    """
    g = check_probability("gamma", gamma)
    k0 = np.array([[1, 0], [0, np.sqrt(1 - g)]], dtype=complex)
    k1 = np.array([[0, np.sqrt(g)], [0, 0]], dtype=complex)
    return [k0, k1]


def erasure_kraus(erasure_probability: float, d: int = 2) -> Kraus:
    """Erasure channel ``rho -> (1 - p) rho + p tr(rho) |e><e|`` (Khatri App. C.1).

    The output space has dimension ``d + 1``; the erasure flag ``|e>`` is its
    last basis vector. Kraus operators are ``(d + 1) x d``. A pure-loss channel
    of transmittance ``eta`` acting on a k-rail photon is this channel with
    ``p = 1 - eta`` (Khatri Lemma C.1).

    Examples
    --------
    >>> out = apply_kraus(np.diag([1.0, 0.0]), erasure_kraus(0.1))
    >>> np.diag(out).real
    array([0.9, 0. , 0.1])
    """
    p = check_probability("erasure_probability", erasure_probability)
    d = check_int("d", d, low=2)
    keep = np.zeros((d + 1, d), dtype=complex)
    keep[:d, :d] = np.sqrt(1 - p) * np.eye(d)
    ops = [keep]
    for k in range(d):
        op = np.zeros((d + 1, d), dtype=complex)
        op[d, k] = np.sqrt(p)
        ops.append(op)
    return ops


def isotropic_twirl(rho: ArrayLike, d: int = 2) -> NDArray[np.complex128]:
    """Isotropic twirl ``int dU (U (x) conj(U)) rho (U (x) conj(U))^dag``.

    Equals ``F Phi + (tr rho - F)(I - Phi)/(d^2 - 1)`` with ``F = <Phi|rho|Phi>``
    (Watrous 2018, Example 7.25; Khatri eq. 46-47 uses it for BBPSSW).

    Examples
    --------
    >>> from qdms.quantum import bell_ket, ket_to_density
    >>> out = isotropic_twirl(ket_to_density(bell_ket(0, 1)))
    >>> round(float(np.real(out[0, 0])), 12)   # Psi+ has F = 0
    0.166666666667
    """
    d = check_int("d", d, low=2)
    arr = np.asarray(rho, dtype=complex)
    if arr.shape != (d * d, d * d):
        raise ValueError(f"rho must be {d * d} x {d * d}, got shape {arr.shape}")
    phi = max_entangled_ket(d)
    proj = np.outer(phi, phi.conj())
    f = np.real(np.vdot(phi, arr @ phi))
    tr = np.real(np.trace(arr))
    return f * proj + (tr - f) * (np.eye(d * d) - proj) / (d * d - 1)


def choi_matrix(
    channel: Sequence[ArrayLike] | Callable[[NDArray], NDArray], d_in: int
) -> NDArray[np.complex128]:
    """Choi matrix ``sum_{ij} |i><j| (x) N(|i><j|)`` of a channel given by Kraus list or callable.

    Examples
    --------
    >>> np.allclose(choi_matrix(amplitude_damping_kraus(0.0), 2), np.outer([1, 0, 0, 1], [1, 0, 0, 1]))
    True
    """
    d_in = check_int("d_in", d_in, low=1)
    if callable(channel):
        fn = channel
    else:
        ops = [np.asarray(k, dtype=complex) for k in channel]
        fn = lambda x: apply_kraus(x, ops)  # noqa: E731
    blocks = []
    for i in range(d_in):
        row = []
        for j in range(d_in):
            e = np.zeros((d_in, d_in), dtype=complex)
            e[i, j] = 1
            row.append(np.asarray(fn(e), dtype=complex))
        blocks.append(row)
    return np.block(blocks)


def kraus_from_choi(choi: ArrayLike, d_in: int, *, atol: float = 1e-12) -> Kraus:
    """Kraus operators of a completely positive map from its Choi matrix (minimal number).

    Examples
    --------
    >>> ops = kraus_from_choi(choi_matrix(depolarising_kraus(0.5), 2), 2)
    >>> len(ops), is_trace_preserving(ops)
    (4, True)
    """
    c = np.asarray(choi, dtype=complex)
    d_in = check_int("d_in", d_in, low=1)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or c.shape[0] % d_in:
        raise ValueError(f"choi must be square with size a multiple of d_in={d_in}, got {c.shape}")
    d_out = c.shape[0] // d_in
    w, v = np.linalg.eigh((c + c.conj().T) / 2)
    if w[0] < -1e-9 * max(1.0, w[-1]):
        raise ValueError(
            f"choi matrix is not positive semidefinite (eigenvalue {w[0]:.3g}): map not CP"
        )
    ops = []
    for val, vec in zip(w, v.T, strict=True):
        if val > atol:
            # vec has components (i, a): Choi = sum |i><j| (x) K|i><j|K^dag, so K[a, i] = sqrt(val) vec[i, a].
            ops.append(np.sqrt(val) * vec.reshape(d_in, d_out).T)
    return ops


def isotropic_twirl_kraus(d: int = 2) -> Kraus:
    """Kraus operators of the isotropic twirl on two qudits (from its Choi matrix).

    Examples
    --------
    >>> is_trace_preserving(isotropic_twirl_kraus(2))
    True
    """
    d = check_int("d", d, low=2)
    return kraus_from_choi(choi_matrix(lambda x: isotropic_twirl(x, d), d * d), d * d)


def apply_kraus(rho: ArrayLike, kraus: Sequence[ArrayLike]) -> NDArray[np.complex128]:
    """``sum_k K_k rho K_k^dag`` on the whole state (Kraus operators may be rectangular).

    Examples
    --------
    >>> apply_kraus(np.eye(2) / 2, amplitude_damping_kraus(1.0)).real
    array([[1., 0.],
           [0., 0.]])
    """
    arr = np.asarray(rho, dtype=complex)
    ops = [np.asarray(k, dtype=complex) for k in kraus]
    if not ops:
        raise ValueError("kraus must contain at least one operator")
    if any(k.ndim != 2 or k.shape[1] != arr.shape[0] for k in ops):
        raise ValueError(f"Kraus operators must have {arr.shape[0]} columns to act on rho")
    return sum(k @ arr @ k.conj().T for k in ops)


def is_trace_preserving(kraus: Sequence[ArrayLike], *, atol: float = 1e-10) -> bool:
    """Whether ``sum_k K_k^dag K_k = I`` within ``atol``.

    Examples
    --------
    >>> is_trace_preserving([np.eye(2)]), is_trace_preserving([np.eye(2) * 0.5])
    (True, False)
    """
    ops = [np.asarray(k, dtype=complex) for k in kraus]
    if not ops:
        return False
    total = sum(k.conj().T @ k for k in ops)
    return bool(np.allclose(total, np.eye(total.shape[0]), atol=atol, rtol=0))
