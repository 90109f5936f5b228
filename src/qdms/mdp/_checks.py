"""Input checks shared by the modules of qdms.mdp (private)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_real_array
from .model import MDP, absorbing_states, column_tolerance

__all__ = ["check_distribution", "check_reward", "check_state_function", "resolve_absorbing"]


def check_distribution(
    name: str, initial: Any, n_states: int, *, allow_batch: bool = False
) -> NDArray[np.float64]:
    """A probability vector over states (or an int: the point mass on that state).

    With ``allow_batch`` a 2-D array ``(n_states, k)`` of ``k`` distributions
    (columns) is accepted too.
    """
    if isinstance(initial, numbers.Integral) and not isinstance(initial, bool):
        s = check_int(name, initial, low=0, high=n_states - 1)
        out = np.zeros(n_states)
        out[s] = 1.0
        return out
    p = check_real_array(name, initial)
    if p.ndim not in ((1, 2) if allow_batch else (1,)) or p.shape[0] != n_states:
        allowed = f"({n_states},)" + (f" or ({n_states}, k)" if allow_batch else "")
        raise ValueError(
            f"{name} must be a probability vector of shape {allowed} "
            f"(or a state index), got shape {p.shape}"
        )
    if np.any(p < 0):
        raise ValueError(f"{name} must be non-negative, found {float(p[p < 0][0])!r}")
    sums = p.sum(axis=0)
    tol = column_tolerance(n_states)
    if np.any(np.abs(sums - 1.0) > tol):
        bad = np.atleast_1d(sums)[np.abs(np.atleast_1d(sums) - 1.0) > tol][0]
        raise ValueError(f"{name} must sum to 1 (within {tol:g}), sums to {float(bad)!r}")
    return p


def check_state_function(name: str, f: ArrayLike, n_states: int) -> NDArray[np.float64]:
    """A real function of the state: a finite 1-D array of length ``n_states``."""
    arr = check_real_array(name, f)
    if arr.shape != (n_states,):
        raise ValueError(
            f"{name} must be a function of the state, shape ({n_states},), got {arr.shape}"
        )
    return arr


def check_reward(
    name: str, reward: ArrayLike, n_states: int, n_actions: int
) -> NDArray[np.float64]:
    """A reward ``r[s, a]`` of shape (n, n_actions), or a function of state ``f[s]`` (broadcast)."""
    arr = check_real_array(name, reward)
    if arr.shape == (n_states,):
        return np.repeat(arr[:, None], n_actions, axis=1)
    if arr.shape != (n_states, n_actions):
        raise ValueError(
            f"{name} must be a function of the state ({n_states},) or a reward "
            f"({n_states}, {n_actions}) per state and action, got shape {arr.shape}"
        )
    return arr


def resolve_absorbing(mdp: MDP, absorbing: ArrayLike | None) -> NDArray[np.bool_]:
    """Boolean mask of the absorbing states: detected when ``None``, else given by index or mask."""
    n = mdp.n_states
    if absorbing is None:
        mask = np.zeros(n, dtype=bool)
        mask[absorbing_states(mdp)] = True
        if not mask.any():
            raise ValueError(
                "the MDP has no absorbing state (T_a[s, s] = 1 for every action a); "
                "pass absorbing=... explicitly"
            )
        return mask
    arr = np.asarray(absorbing)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise ValueError(f"absorbing as a mask must have shape ({n},), got {arr.shape}")
        mask = arr.copy()
    else:
        if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
            raise TypeError(
                f"absorbing must be a 1-D array of state indices or a boolean mask, got {absorbing!r}"
            )
        if np.any((arr < 0) | (arr >= n)):
            raise ValueError(f"absorbing indices must lie in [0, {n - 1}], got {arr.tolist()}")
        mask = np.zeros(n, dtype=bool)
        mask[arr] = True
    if not mask.any():
        raise ValueError("absorbing must name at least one state")
    return mask
