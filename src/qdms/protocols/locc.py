"""Shared pieces of the LOCC protocols: heralded results, input checks, Bell measurements.

Every protocol of :mod:`qdms.protocols` exists twice: as an explicit LOCC
instrument acting on density matrices (measurement, classical outcome,
correction) and as a closed form. This module holds what both need:

* the result types :class:`HeraldedState`, :class:`HeraldedFidelity` and
  :class:`HeraldedCoefficients`, named tuples ``(success_probability, value)``
  so that ``p, rho = recurrence_distill(...)`` unpacks as API.md requires;
* validation of lists of two-qudit states and of coefficient vectors (the
  errors name the argument and its index);
* the noisy Bell measurement used by swapping and teleportation.

Noisy Bell measurement (the model of this project)
--------------------------------------------------
A Bell measurement with depolarising noise ``lam`` has the POVM elements
``E_{z,x} = (1 - lam) Phi_{z,x} + lam I / d^2``. Because the measured pair is
discarded, this is the same as depolarising the measured pair,
``rho -> (1 - lam) rho + lam tr(rho) I / d^2``, before an ideal Bell
measurement: ``tr[E_k rho] = tr[Phi_k D_lam(rho)]`` and the unmeasured
systems see the same operation. With probability ``lam`` the outcome is
uniformly random and uncorrelated with the state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_probability, check_probability_array, check_real_array
from ..quantum import STATE_ATOL, bell_basis, check_density_matrix

__all__ = [
    "HeraldedCoefficients",
    "HeraldedFidelity",
    "HeraldedState",
    "bell_measurement_povm",
    "check_coefficient_vectors",
    "check_states",
    "per_node",
]


class HeraldedState(NamedTuple):
    """Outcome of a heralded protocol: success probability and the state given success."""

    success_probability: float
    state: NDArray[np.complex128]


class HeraldedFidelity(NamedTuple):
    """Success probability and the fidelity (to the target state) given success."""

    success_probability: float
    fidelity: float


class HeraldedCoefficients(NamedTuple):
    """Success probability and the Bell-coefficient vector of the state given success."""

    success_probability: float
    coefficients: NDArray[np.float64]


def check_states(
    states: Sequence[ArrayLike], d: int, *, name: str = "states", min_count: int = 1
) -> list[NDArray[np.complex128]]:
    """Return ``states`` as a list of ``d^2 x d^2`` density matrices, or raise.

    The error names the argument and the index of the offending state, e.g.
    ``states[1] must be 4 x 4, got 3 x 3``.

    Examples
    --------
    >>> len(check_states([np.eye(4) / 4] * 3, 2))
    3
    >>> check_states([np.eye(4) / 4, np.eye(9) / 9], 2)
    Traceback (most recent call last):
    ...
    ValueError: states[1] must be 4 x 4, got 9 x 9
    """
    d = check_int("d", d, low=2)
    if isinstance(states, np.ndarray) and states.ndim == 2:
        raise TypeError(f"{name} must be a sequence of density matrices, got a single matrix")
    try:
        items = list(states)
    except TypeError as exc:
        raise TypeError(
            f"{name} must be a sequence of density matrices, got {type(states).__name__}"
        ) from exc
    if len(items) < min_count:
        raise ValueError(f"{name} must hold at least {min_count} states, got {len(items)}")
    return [check_density_matrix(s, f"{name}[{i}]", dim=d * d) for i, s in enumerate(items)]


def check_coefficient_vectors(
    vectors: ArrayLike, d: int, *, name: str = "coefficient_vectors", min_count: int = 1
) -> NDArray[np.float64]:
    """Return Bell-coefficient vectors as an ``(m, d^2)`` float array, or raise.

    Vectorised: a chain of thousands of links is checked in one pass. Each row
    must be non-negative (within ``STATE_ATOL``) and sum to 1.

    Examples
    --------
    >>> check_coefficient_vectors([[1, 0, 0, 0], [0.7, 0.1, 0.1, 0.1]], 2).shape
    (2, 4)
    >>> check_coefficient_vectors([[0.5, 0.5, 0.5, 0]], 2)
    Traceback (most recent call last):
    ...
    ValueError: coefficient_vectors[0] must sum to 1, got sum 1.5
    """
    d = check_int("d", d, low=2)
    arr = check_real_array(name, vectors)
    if arr.ndim == 1:
        raise ValueError(f"{name} must be a sequence of vectors (2-D array), got shape {arr.shape}")
    if arr.ndim != 2 or arr.shape[1] != d * d:
        raise ValueError(f"{name} must have shape (m, {d * d}) for d={d}, got shape {arr.shape}")
    if arr.shape[0] < min_count:
        raise ValueError(f"{name} must hold at least {min_count} vectors, got {arr.shape[0]}")
    negative = np.flatnonzero(np.any(arr < -STATE_ATOL, axis=1))
    if negative.size:
        i = int(negative[0])
        raise ValueError(f"{name}[{i}] must have non-negative entries, got {arr[i]!r}")
    sums = arr.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1) > STATE_ATOL)
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name}[{i}] must sum to 1, got sum {sums[i]:.12g}")
    return arr


def per_node(name: str, value: Any, n: int) -> NDArray[np.float64]:
    """A probability given once for all ``n`` nodes, or once per node, as an array of length ``n``.

    Examples
    --------
    >>> per_node("success_probability", 0.5, 3)
    array([0.5, 0.5, 0.5])
    >>> per_node("success_probability", [0.5, 0.5], 3)
    Traceback (most recent call last):
    ...
    ValueError: success_probability must be one number or 3 numbers (one per node), got 2
    """
    if np.ndim(value) == 0:
        return np.full(n, check_probability(name, value))
    arr = check_probability_array(name, value, ndim=1)
    if arr.size != n:
        raise ValueError(f"{name} must be one number or {n} numbers (one per node), got {arr.size}")
    return arr


def bell_measurement_povm(d: int = 2, noise: float = 0.0) -> NDArray[np.complex128]:
    """POVM elements ``E_{z,x} = (1 - noise) Phi_{z,x} + noise I / d^2``, stacked by ``z*d + x``.

    ``noise = 0`` is the ideal Bell measurement of Khatri eq. 53. The first
    tensor factor of each element is the system that holds the Weyl operator
    in ``|Phi_{z,x}> = (Z^z X^x (x) I)|Phi>``.

    Examples
    --------
    >>> povm = bell_measurement_povm(2, 0.2)
    >>> np.allclose(povm.sum(axis=0), np.eye(4))
    True
    """
    d = check_int("d", d, low=2)
    lam = check_probability("noise", noise)
    b = bell_basis(d)
    proj = np.einsum("ik,jk->kij", b, b.conj())
    return (1 - lam) * proj + lam * np.eye(d * d) / (d * d)
