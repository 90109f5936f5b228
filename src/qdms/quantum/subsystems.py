"""Tensor products, partial traces and local operations on multipartite states.

Subsystems are addressed either by index, with ``dims`` a sequence of
dimensions, or by name, with ``dims`` a mapping ``{name: dimension}`` whose
order is the tensor-product order. The joint index follows ``numpy.kron``:
subsystem 0 is the most significant.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int

__all__ = [
    "apply_channel",
    "apply_operator",
    "partial_trace",
    "permute_subsystems",
    "tensor",
]

Dims = Sequence[int] | Mapping[Hashable, int]
Targets = Sequence[int | Hashable] | int | Hashable


def tensor(*operators: ArrayLike) -> NDArray[np.complex128]:
    """Kronecker product of kets or matrices, in the order given.

    Accepts a single mapping ``{name: operator}`` too, whose order is kept.

    Examples
    --------
    >>> tensor([1, 0], [0, 1]).real
    array([0., 1., 0., 0.])
    >>> tensor({"A": np.eye(2), "B": np.eye(3)}).shape
    (6, 6)
    """
    if len(operators) == 1 and isinstance(operators[0], Mapping):
        operators = tuple(operators[0].values())
    if not operators:
        raise ValueError("tensor needs at least one operator")
    out = np.asarray(operators[0], dtype=complex)
    for op in operators[1:]:
        out = np.kron(out, np.asarray(op, dtype=complex))
    return out


def _normalise_dims(dims: Dims) -> tuple[list[int], list[Hashable] | None]:
    if isinstance(dims, Mapping):
        names = list(dims.keys())
        values = list(dims.values())
    else:
        names = None
        values = list(dims)
    if not values:
        raise ValueError("dims must name at least one subsystem")
    return [check_int(f"dims[{i}]", v, low=1) for i, v in enumerate(values)], names


def _resolve(targets: Targets, dims: Dims, n: int, names: list[Hashable] | None) -> list[int]:
    if isinstance(targets, (str, int, np.integer)) or not isinstance(targets, Sequence):
        targets = [targets]
    out: list[int] = []
    for t in targets:
        if names is not None:
            if t not in names:
                raise ValueError(f"unknown subsystem {t!r}; known: {names}")
            idx = names.index(t)
        else:
            idx = check_int("target", t)
            if not 0 <= idx < n:
                raise ValueError(f"subsystem index {idx} out of range [0, {n - 1}]")
        out.append(idx)
    if len(set(out)) != len(out):
        raise ValueError(f"targets must be distinct, got {list(targets)}")
    return out


def _check_square(rho: ArrayLike, total: int, name: str = "rho") -> NDArray[np.complex128]:
    arr = np.asarray(rho, dtype=complex)
    if arr.shape != (total, total):
        raise ValueError(f"{name} must be {total} x {total} for these dims, got shape {arr.shape}")
    return arr


def partial_trace(rho: ArrayLike, keep: Targets, dims: Dims) -> NDArray[np.complex128]:
    """Reduced state on the subsystems ``keep``, in the order they are listed.

    Examples
    --------
    >>> from qdms.quantum import ket_to_density, max_entangled_ket
    >>> partial_trace(ket_to_density(max_entangled_ket()), [0], [2, 2]).real
    array([[0.5, 0. ],
           [0. , 0.5]])
    >>> partial_trace(np.eye(6) / 6, "B", {"A": 2, "B": 3}).shape
    (3, 3)
    """
    dlist, names = _normalise_dims(dims)
    n = len(dlist)
    total = int(np.prod(dlist))
    arr = _check_square(rho, total)
    kept = _resolve(keep, dims, n, names)
    traced = [i for i in range(n) if i not in kept]
    t = arr.reshape(dlist + dlist)
    # Move kept row axes then kept column axes to the front, traced pairs to the back.
    order = kept + [i + n for i in kept] + traced + [i + n for i in traced]
    t = t.transpose(order)
    dk = int(np.prod([dlist[i] for i in kept])) if kept else 1
    dt = int(np.prod([dlist[i] for i in traced])) if traced else 1
    t = t.reshape(dk, dk, dt, dt)
    return np.trace(t, axis1=2, axis2=3)


def permute_subsystems(rho: ArrayLike, order: Targets, dims: Dims) -> NDArray[np.complex128]:
    """Reorder the subsystems of a density matrix or ket: new subsystem ``i`` is old ``order[i]``.

    Examples
    --------
    >>> permute_subsystems(np.kron([1, 0], [0, 1]), [1, 0], [2, 2]).real
    array([0., 0., 1., 0.])
    """
    dlist, names = _normalise_dims(dims)
    n = len(dlist)
    perm = _resolve(order, dims, n, names)
    if sorted(perm) != list(range(n)):
        raise ValueError(f"order must be a permutation of all {n} subsystems, got {order!r}")
    arr = np.asarray(rho, dtype=complex)
    total = int(np.prod(dlist))
    newdims = [dlist[i] for i in perm]
    if arr.ndim == 1:
        if arr.size != total:
            raise ValueError(f"ket must have dimension {total} for these dims, got {arr.size}")
        return arr.reshape(dlist).transpose(perm).reshape(total)
    arr = _check_square(arr, total)
    t = arr.reshape(dlist + dlist).transpose(perm + [p + n for p in perm])
    return t.reshape(int(np.prod(newdims)), -1)


def _apply_left(
    t: NDArray[np.complex128],
    op: NDArray[np.complex128],
    axes: list[int],
    dlist: list[int],
    offset: int,
) -> NDArray[np.complex128]:
    """Contract ``op`` (acting on the subsystems ``axes``) into the row (offset 0) or column index."""
    k = len(axes)
    dsub = [dlist[i] for i in axes]
    opt = op.reshape(dsub + dsub)
    moved = np.tensordot(opt, t, axes=(list(range(k, 2 * k)), [a + offset for a in axes]))
    # tensordot puts the new axes first; move them back into place.
    rest = [i for i in range(t.ndim) if i not in [a + offset for a in axes]]
    inverse = np.empty(t.ndim, dtype=int)
    for j, a in enumerate(axes):
        inverse[a + offset] = j
    for j, r in enumerate(rest):
        inverse[r] = k + j
    return moved.transpose(inverse)


def apply_operator(
    rho: ArrayLike, operator: ArrayLike, targets: Targets, dims: Dims
) -> NDArray[np.complex128]:
    """Apply ``operator`` to the subsystems ``targets``: ``O rho O^dag`` (or ``O psi`` for a ket).

    The operator acts on the targets in the order listed (the first target is
    its most significant factor); every other subsystem sees the identity.

    Examples
    --------
    >>> from qdms.quantum.weyl import shift
    >>> apply_operator(np.kron([1, 0], [1, 0]), shift(2), [1], [2, 2]).real
    array([0., 1., 0., 0.])
    """
    dlist, names = _normalise_dims(dims)
    n = len(dlist)
    axes = _resolve(targets, dims, n, names)
    dsub = int(np.prod([dlist[i] for i in axes]))
    op = np.asarray(operator, dtype=complex)
    if op.shape != (dsub, dsub):
        raise ValueError(
            f"operator must be {dsub} x {dsub} for targets {targets!r}, got {op.shape}"
        )
    arr = np.asarray(rho, dtype=complex)
    total = int(np.prod(dlist))
    if arr.ndim == 1:
        if arr.size != total:
            raise ValueError(f"ket must have dimension {total} for these dims, got {arr.size}")
        return _apply_left(arr.reshape(dlist), op, axes, dlist, 0).reshape(total)
    arr = _check_square(arr, total)
    t = arr.reshape(dlist + dlist)
    t = _apply_left(t, op, axes, dlist, 0)
    t = _apply_left(t, op.conj(), axes, dlist, n)
    return t.reshape(total, total)


def apply_channel(
    rho: ArrayLike, kraus: Sequence[ArrayLike], targets: Targets, dims: Dims
) -> NDArray[np.complex128]:
    """Apply the channel with Kraus operators ``kraus`` to the subsystems ``targets``.

    Kraus operators must be square (input and output of the same dimension);
    for a channel that changes dimension (erasure) use
    :func:`qdms.quantum.channels.apply_kraus` on the whole state.

    Examples
    --------
    >>> from qdms.quantum import ket_to_density, max_entangled_ket, depolarising_kraus
    >>> rho = apply_channel(ket_to_density(max_entangled_ket()), depolarising_kraus(1.0), [0], [2, 2])
    >>> np.allclose(rho, np.eye(4) / 4)
    True
    """
    if len(kraus) == 0:
        raise ValueError("kraus must contain at least one operator")
    return sum(apply_operator(rho, k, targets, dims) for k in kraus)
