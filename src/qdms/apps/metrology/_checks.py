"""Input checks shared by the QSM modules (messages name parameter, value and range)."""

from __future__ import annotations

import numbers
from typing import Any, Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..._validation import check_finite, check_int, check_int_array, check_real_array
from ...quantum import check_density_matrix, max_entangled_ket

__all__ = [
    "ATTACKS",
    "Attack",
    "as_float_or_array",
    "check_attack",
    "check_attacked",
    "check_dephasing",
    "check_link_state",
    "check_n_encodings",
    "check_p_encode",
    "check_p_encode_array",
    "check_pairs",
    "check_phi",
    "check_phi_array",
    "check_werner",
    "phi_plus_density",
    "werner_parameter_of",
]

Attack = Literal[
    "forward_substitution_reinject",
    "forward_substitution_return_bobs",
    "forward_intercept_resend_z",
    "forward_intercept_resend_x",
    "return_phase",
]
#: The attack names of API.md, in a fixed order.
ATTACKS: tuple[str, ...] = get_args(Attack)

#: Smallest Werner parameter of a two-qubit Werner state (the state stays positive).
WERNER_MIN = -1.0 / 3.0


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_p_encode(value: Any, name: str = "p_encode") -> float:
    """Encoding probability P_E in (0, 1]."""
    x = check_finite(name, value)
    if not 0.0 < x <= 1.0:
        raise ValueError(f"{name} must lie in (0, 1], got {_short(value)}")
    return x


def check_p_encode_array(value: ArrayLike, name: str = "p_encode") -> NDArray[np.float64]:
    """Array of encoding probabilities, each in (0, 1]."""
    if np.asarray(value).ndim == 0:
        return np.asarray(check_p_encode(value, name))
    arr = check_real_array(name, value)
    bad = ~((arr > 0) & (arr <= 1))
    if np.any(bad):
        raise ValueError(f"{name} must have every entry in (0, 1], found {arr[bad].flat[0]!r}")
    return arr


def check_n_encodings(value: Any, name: str = "n_encodings") -> int:
    """Number N of sequential encodings, an integer >= 1."""
    return check_int(name, value, low=1)


def check_pairs(value: Any, name: str = "pairs") -> int:
    """Number of Bell pairs (or repetitions), an integer >= 1."""
    return check_int(name, value, low=1)


def check_phi(value: Any, name: str = "phi") -> float:
    """A finite real phase in radians."""
    return check_finite(name, value)


def check_phi_array(value: ArrayLike, name: str = "phi") -> NDArray[np.float64]:
    """A finite real phase (scalar or array) in radians."""
    arr = np.asarray(value)
    if arr.ndim == 0:
        return np.asarray(check_finite(name, value))
    return check_real_array(name, value)


def check_werner(value: Any, name: str = "werner_parameter") -> float:
    """Werner parameter w in [-1/3, 1] (the state w Phi+ + (1-w) I/4 is positive)."""
    x = check_finite(name, value)
    if not WERNER_MIN - 1e-15 <= x <= 1.0:
        raise ValueError(f"{name} must lie in [-1/3, 1], got {_short(value)}")
    return x


def check_dephasing(value: Any, name: str = "dephasing_per_encoding") -> float:
    """Dephasing probability per encoding step in [0, 1/2] (1/2 destroys all coherence)."""
    x = check_finite(name, value)
    if not 0.0 <= x <= 0.5:
        raise ValueError(f"{name} must lie in [0, 0.5], got {_short(value)}")
    return x


def check_attack(value: Any, name: str = "attack") -> str:
    """One of :data:`ATTACKS`."""
    if not isinstance(value, str) or value not in ATTACKS:
        raise ValueError(f"{name} must be one of {', '.join(ATTACKS)}; got {_short(value)}")
    return value


def check_attacked(value: Any, name: str = "attacked") -> NDArray[np.int64] | int:
    """Number of attacked particles: an int >= 0, or an array of them."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return check_int(name, value, low=0)
    arr = np.asarray(value)
    if arr.ndim == 0:
        return check_int(name, arr.item(), low=0)
    return check_int_array(name, arr, low=0)


def phi_plus_density() -> NDArray[np.complex128]:
    """|Phi+><Phi+| (qubit A first, ``numpy.kron`` order)."""
    ket = max_entangled_ket(2)
    return np.outer(ket, ket.conj())


def check_link_state(value: ArrayLike | None, name: str = "link_state") -> NDArray[np.complex128]:
    """A two-qubit density matrix (Alice's qubit first); None means the ideal Phi+."""
    if value is None:
        return phi_plus_density()
    return check_density_matrix(value, name, dim=4).copy()


def werner_parameter_of(state: NDArray[np.complex128]) -> float | None:
    """The Werner parameter w if ``state`` equals ``w Phi+ + (1-w) I/4`` (to 1e-12), else None."""
    fid = float(np.real(state[0, 0] + state[3, 3] + state[0, 3] + state[3, 0]) / 2)
    w = (4 * fid - 1) / 3
    if not WERNER_MIN - 1e-12 <= w <= 1 + 1e-12:
        return None
    w = min(1.0, max(WERNER_MIN, w))
    werner = w * phi_plus_density() + (1 - w) * np.eye(4) / 4
    return w if np.allclose(state, werner, atol=1e-12, rtol=0) else None


def as_float_or_array(x: NDArray[np.float64] | float):
    """A 0-d result as a Python float, otherwise the array."""
    arr = np.asarray(x, dtype=float)
    return float(arr) if arr.ndim == 0 else arr
