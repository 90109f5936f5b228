"""Kets and density matrices: validation, standard families, random states.

States are plain numpy arrays: a ket is a 1-D complex vector, a density
matrix a 2-D Hermitian, positive semidefinite matrix of unit trace.
Multipartite states use the ``numpy.kron`` order: subsystem 0 is the most
significant index.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_probability
from .weyl import max_entangled_ket

__all__ = [
    "STATE_ATOL",
    "check_density_matrix",
    "check_ket",
    "fidelity_from_werner_parameter",
    "ghz_ket",
    "graph_state_ket",
    "isotropic_state",
    "ket_to_density",
    "random_density_matrix",
    "random_ket",
    "werner_parameter_from_fidelity",
    "werner_state",
]

#: Absolute tolerance used to accept a matrix as a state (Hermiticity,
#: trace, smallest eigenvalue) or a vector as normalised.
STATE_ATOL = 1e-8


def check_ket(
    psi: ArrayLike, name: str = "psi", *, dim: int | None = None
) -> NDArray[np.complex128]:
    """Return ``psi`` as a normalised complex vector, or raise ``ValueError``.

    Examples
    --------
    >>> check_ket([1, 0])
    array([1.+0.j, 0.+0.j])
    """
    arr = np.asarray(psi, dtype=complex)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D state vector, got shape {arr.shape}")
    if dim is not None and arr.size != dim:
        raise ValueError(f"{name} must have dimension {dim}, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} has non-finite entries")
    norm = np.linalg.norm(arr)
    if abs(norm - 1) > STATE_ATOL:
        raise ValueError(f"{name} must be normalised, got norm {norm:.12g}")
    return arr


def check_density_matrix(
    rho: ArrayLike, name: str = "rho", *, dim: int | None = None
) -> NDArray[np.complex128]:
    """Return ``rho`` as a complex density matrix, or raise ``ValueError``.

    A density matrix is square, Hermitian, positive semidefinite and of unit
    trace, each within :data:`STATE_ATOL`. The error names ``name`` and what
    is wrong.

    Examples
    --------
    >>> check_density_matrix(np.eye(2) / 2).real
    array([[0.5, 0. ],
           [0. , 0.5]])
    >>> check_density_matrix(np.eye(2))
    Traceback (most recent call last):
    ...
    ValueError: rho must have unit trace, got trace 2
    """
    arr = np.asarray(rho, dtype=complex)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(f"{name} must be a square matrix, got shape {arr.shape}")
    if dim is not None and arr.shape[0] != dim:
        raise ValueError(f"{name} must be {dim} x {dim}, got {arr.shape[0]} x {arr.shape[1]}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} has non-finite entries")
    if not np.allclose(arr, arr.conj().T, atol=STATE_ATOL, rtol=0):
        raise ValueError(f"{name} must be Hermitian")
    tr = np.trace(arr).real
    if abs(tr - 1) > STATE_ATOL:
        raise ValueError(f"{name} must have unit trace, got trace {tr:.12g}")
    lowest = np.linalg.eigvalsh((arr + arr.conj().T) / 2)[0]
    if lowest < -STATE_ATOL:
        raise ValueError(f"{name} must be positive semidefinite, smallest eigenvalue {lowest:.3g}")
    return arr


def ket_to_density(psi: ArrayLike) -> NDArray[np.complex128]:
    """Density matrix ``|psi><psi|`` of a normalised ket.

    Examples
    --------
    >>> ket_to_density([0, 1]).real
    array([[0., 0.],
           [0., 1.]])
    """
    ket = check_ket(psi)
    return np.outer(ket, ket.conj())


def werner_parameter_from_fidelity(fidelity: float | ArrayLike, d: int = 2):
    """Werner parameter ``w = (d^2 F - 1) / (d^2 - 1)`` of an isotropic state of fidelity F.

    For qubits ``F = (1 + 3 w) / 4`` (API.md).

    Examples
    --------
    >>> float(werner_parameter_from_fidelity(1.0))
    1.0
    >>> float(werner_parameter_from_fidelity(0.25))
    0.0
    """
    d = check_int("d", d, low=2)
    f = np.asarray(fidelity, dtype=float)
    if np.any(~((f >= 0) & (f <= 1))):
        raise ValueError(f"fidelity must lie in [0, 1], got {fidelity!r}")
    w = (d * d * f - 1) / (d * d - 1)
    return w if w.ndim else float(w)


def fidelity_from_werner_parameter(werner: float | ArrayLike, d: int = 2):
    """Fidelity ``F = w + (1 - w) / d^2`` of the isotropic state ``w Phi + (1-w) I/d^2``.

    Examples
    --------
    >>> float(fidelity_from_werner_parameter(0.0))
    0.25
    """
    d = check_int("d", d, low=2)
    w = np.asarray(werner, dtype=float)
    low = -1 / (d * d - 1)
    if np.any(~((w >= low - 1e-15) & (w <= 1))):
        raise ValueError(f"werner parameter must lie in [{low:.6g}, 1], got {werner!r}")
    f = w + (1 - w) / (d * d)
    return f if f.ndim else float(f)


def isotropic_state(fidelity: float, d: int = 2) -> NDArray[np.complex128]:
    """Isotropic state ``F Phi + (1 - F) (I - Phi) / (d^2 - 1)`` of fidelity ``F`` to ``|Phi>``.

    For qubits this is the Werner state of API.md with ``F = (1 + 3 w)/4``.

    Examples
    --------
    >>> rho = isotropic_state(0.7)
    >>> round(float(np.real(max_entangled_ket().conj() @ rho @ max_entangled_ket())), 12)
    0.7
    """
    f = check_probability("fidelity", fidelity)
    d = check_int("d", d, low=2)
    phi = max_entangled_ket(d)
    proj = np.outer(phi, phi.conj())
    return f * proj + (1 - f) * (np.eye(d * d) - proj) / (d * d - 1)


def werner_state(werner: float, d: int = 2) -> NDArray[np.complex128]:
    """Werner (isotropic) state ``w Phi + (1 - w) I / d^2`` of Werner parameter ``w``.

    Examples
    --------
    >>> np.allclose(werner_state(1.0), ket_to_density(max_entangled_ket()))
    True
    """
    return isotropic_state(fidelity_from_werner_parameter(werner, d), d)


def ghz_ket(n: int, d: int = 2) -> NDArray[np.complex128]:
    """``|GHZ_n> = sum_k |k>^{(x) n} / sqrt(d)`` (Khatri eq. 64, for qudits).

    Examples
    --------
    >>> ghz_ket(3).real.round(4)[[0, 7]]
    array([0.7071, 0.7071])
    """
    n = check_int("n", n, low=1)
    d = check_int("d", d, low=2)
    ket = np.zeros(d**n, dtype=complex)
    step = sum(d**j for j in range(n))
    ket[np.arange(d) * step] = 1 / np.sqrt(d)
    return ket


def graph_state_ket(adjacency: ArrayLike) -> NDArray[np.complex128]:
    """Graph state ``|G> = 2^{-n/2} sum_x (-1)^{x^T A x / 2} |x>`` (Khatri eq. 73-76).

    The sign ``(-1)^{sum_{i<j} A_ij x_i x_j}`` is the product of the
    controlled-Z gates of the edges applied to ``|+>^{(x) n}``.

    Parameters
    ----------
    adjacency : symmetric 0/1 matrix with zero diagonal, ``n x n``.

    Examples
    --------
    >>> (graph_state_ket([[0, 1], [1, 0]]) * 2).real
    array([ 1.,  1.,  1., -1.])
    """
    a = np.asarray(adjacency)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ValueError(f"adjacency must be a square matrix, got shape {a.shape}")
    if not np.all((a == 0) | (a == 1)):
        raise ValueError("adjacency must have entries 0 or 1")
    if not np.array_equal(a, a.T) or np.any(np.diag(a) != 0):
        raise ValueError("adjacency must be symmetric with a zero diagonal")
    n = a.shape[0]
    bits = (np.arange(2**n)[:, None] >> np.arange(n - 1, -1, -1)) & 1
    parity = np.einsum("ki,ij,kj->k", bits, np.triu(a.astype(int)), bits) % 2
    return (1 - 2 * parity).astype(complex) / np.sqrt(2**n)


def random_ket(dim: int, rng: np.random.Generator) -> NDArray[np.complex128]:
    """Haar-random pure state of dimension ``dim`` drawn from ``rng``.

    Examples
    --------
    >>> psi = random_ket(4, np.random.default_rng(1))
    >>> round(float(np.linalg.norm(psi)), 12)
    1.0
    """
    dim = check_int("dim", dim, low=1)
    v = rng.normal(size=dim) + 1j * rng.normal(size=dim)
    return v / np.linalg.norm(v)


def random_density_matrix(
    dim: int, rng: np.random.Generator, *, rank: int | None = None
) -> NDArray[np.complex128]:
    """Random density matrix ``G G^dag / tr(G G^dag)`` with Ginibre ``G`` (``dim x rank``).

    ``rank=None`` gives full rank (the Hilbert-Schmidt measure).

    Examples
    --------
    >>> rho = random_density_matrix(4, np.random.default_rng(2), rank=2)
    >>> int(np.linalg.matrix_rank(rho))
    2
    """
    dim = check_int("dim", dim, low=1)
    rank = dim if rank is None else check_int("rank", rank, low=1, high=dim)
    g = rng.normal(size=(dim, rank)) + 1j * rng.normal(size=(dim, rank))
    rho = g @ g.conj().T
    return rho / np.trace(rho).real
