"""Input checks shared by every layer.

Every public function of qdms validates its input early and fails with a
``ValueError`` (or ``TypeError``) that names the parameter, the value it got
and the allowed range. These helpers keep the messages uniform.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "check_finite",
    "check_int",
    "check_int_array",
    "check_nonnegative",
    "check_positive",
    "check_probability",
    "check_probability_array",
    "check_real_array",
]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _as_real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:
            arr = np.asarray(value)
        except Exception:  # pragma: no cover - exotic objects
            arr = None
        if arr is None or arr.shape != () or not np.issubdtype(arr.dtype, np.number):
            raise TypeError(f"{name} must be a real number, got {_short(value)}")
        if np.iscomplexobj(arr):
            raise TypeError(f"{name} must be a real number, got {_short(value)}")
        value = arr.item()
    return float(value)


def check_finite(name: str, value: Any) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number."""
    x = _as_real(name, value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {_short(value)}")
    return x


def check_probability(name: str, value: Any) -> float:
    """Return ``value`` as a float in [0, 1], or raise naming ``name``."""
    x = _as_real(name, value)
    if not 0.0 <= x <= 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be a probability in [0, 1], got {_short(value)}")
    return x


def check_positive(name: str, value: Any, *, allow_inf: bool = False) -> float:
    """Return ``value`` as a float > 0 (finite unless ``allow_inf``)."""
    x = _as_real(name, value)
    if not x > 0 or (math.isinf(x) and not allow_inf):
        bound = "> 0" if allow_inf else "finite and > 0"
        raise ValueError(f"{name} must be {bound}, got {_short(value)}")
    return x


def check_nonnegative(name: str, value: Any, *, allow_inf: bool = False) -> float:
    """Return ``value`` as a float >= 0 (finite unless ``allow_inf``)."""
    x = _as_real(name, value)
    if not x >= 0 or (math.isinf(x) and not allow_inf):
        bound = ">= 0" if allow_inf else "finite and >= 0"
        raise ValueError(f"{name} must be {bound}, got {_short(value)}")
    return x


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int in [low, high] (bounds optional), or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer() and math.isfinite(value):
            value = int(value)
        else:
            raise TypeError(f"{name} must be an integer, got {_short(value)}")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        lo = "-inf" if low is None else str(low)
        hi = "inf" if high is None else str(high)
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {v}")
    return v


def check_int_array(
    name: str, value: ArrayLike, *, low: int | None = None, hint: str = ""
) -> NDArray[np.int64]:
    """Return ``value`` as an int64 array (scalar or any shape) with every entry >= ``low``.

    Floats are accepted when they are whole numbers; ``hint`` is appended to the
    range in the error message.
    """
    arr = np.asarray(value)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise TypeError(f"{name} must hold integers, got {_short(value)}")
    if np.issubdtype(arr.dtype, np.floating) and (
        not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr))
    ):
        raise TypeError(f"{name} must hold integers, got {_short(value)}")
    arr = arr.astype(np.int64)
    if low is not None and np.any(arr < low):
        raise ValueError(f"{name} must be >= {low}{hint}, got {_short(value)}")
    return arr


def check_real_array(
    name: str, value: ArrayLike, *, ndim: int | None = None
) -> NDArray[np.float64]:
    """Return ``value`` as a float array of finite entries (optionally of given ndim)."""
    try:
        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover
        raise TypeError(f"{name} must be an array of real numbers, got {_short(value)}") from exc
    if (
        arr.dtype == object
        or np.iscomplexobj(arr)
        or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool)
    ):
        raise TypeError(f"{name} must be an array of real numbers, got {_short(value)}")
    arr = arr.astype(float)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must have finite entries, got {_short(value)}")
    return arr


def check_probability_array(
    name: str, value: ArrayLike, *, ndim: int | None = None
) -> NDArray[np.float64]:
    """Return ``value`` as a float array with every entry in [0, 1]."""
    arr = check_real_array(name, value, ndim=ndim)
    bad = (arr < 0) | (arr > 1)
    if np.any(bad):
        first = arr[bad].flat[0]
        raise ValueError(f"{name} must have every entry in [0, 1], found {first!r}")
    return arr
