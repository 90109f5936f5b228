"""``(1 - p)^n`` and ``1 - (1 - p)^n`` without cancellation, shared by every layer (private).

Probabilities here reach 1e-20, where ``1 - (1 - p)^n`` formed directly is 0; both are
computed through ``log1p``/``expm1``, with ``n = 0``, ``n = inf`` and ``p = 1`` exact.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["none_of", "some_of"]


def none_of(p: float, steps: ArrayLike) -> NDArray[np.float64]:
    """``(1 - p)^steps``: no success in ``steps`` tries (``0^0 = 1``; ``steps`` may be inf).

    Examples
    --------
    >>> float(none_of(1e-20, 3)), float(none_of(1.0, 0)), float(none_of(0.5, np.inf))
    (1.0, 1.0, 0.0)
    """
    n = np.asarray(steps, dtype=float)
    if p <= 0.0:
        return np.ones_like(n)
    if p >= 1.0:
        return np.where(n == 0, 1.0, 0.0)
    return np.exp(n * math.log1p(-p))


def some_of(p: float, steps: ArrayLike) -> NDArray[np.float64]:
    """``1 - (1 - p)^steps``: at least one success in ``steps`` tries, without cancellation.

    Examples
    --------
    >>> round(float(some_of(1e-20, 3)) * 1e20, 12), float(some_of(1.0, 0)), float(some_of(0.5, np.inf))
    (3.0, 0.0, 1.0)
    """
    n = np.asarray(steps, dtype=float)
    if p <= 0.0:
        return np.zeros_like(n)
    if p >= 1.0:
        return np.where(n == 0, 0.0, 1.0)
    return -np.expm1(n * math.log1p(-p))
