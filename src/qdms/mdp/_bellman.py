"""Greedy action selection shared by the recursions and iterations (private)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["TIE_RTOL", "greedy_actions"]

TIE_RTOL = 1e-12


def greedy_actions(
    q: NDArray[np.float64],
    *,
    maximize: bool = True,
    current: NDArray[np.int64] | None = None,
    allowed: NDArray[np.bool_] | None = None,
    scale: float = 0.0,
) -> NDArray[np.int64]:
    """Per row of ``q[s, a]``, the best action; ties within ``1e-12`` relative go to the lowest index.

    The tie tolerance is ``1e-12 * max(|best of the row|, scale)``; pass the
    scale of the values (e.g. ``max |h|``) so that round-off in them is not
    mistaken for an improvement. There is no absolute floor: values of 1e-20
    (a satellite link's) are compared as carefully as values of 1.

    With ``current`` given, a state keeps its current action when that action
    ties with the best (this makes policy iteration terminate). ``allowed``
    masks out actions (``False`` entries are never chosen).

    Examples
    --------
    >>> greedy_actions(np.array([[1.0, 2.0], [3.0, 3.0 + 1e-15]]))
    array([1, 0])
    """
    q = np.asarray(q, dtype=float)
    if not maximize:
        q = -q
    if allowed is not None:
        q = np.where(allowed, q, -np.inf)
    best = q.max(axis=1)
    tol = TIE_RTOL * np.maximum(scale, np.abs(np.where(np.isfinite(best), best, 0.0)))
    ties = q >= (best - tol)[:, None]
    choice = np.argmax(ties, axis=1)
    if current is not None:
        keep = ties[np.arange(q.shape[0]), current]
        choice = np.where(keep, current, choice)
    return choice.astype(np.int64)
