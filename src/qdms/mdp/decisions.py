"""Decision functions, policies and the induced transition matrix ``T_d`` (Khatri eq. 144-148).

A **decision function** is an array ``decision[s, a] = d(a | s)``: the
probability of taking action ``a`` in state ``s``. Rows sum to 1; a
deterministic decision has one 1 per row (:func:`deterministic_decision`).

A **policy** is a sequence ``(d_1, d_2, ...)`` of decision functions
(Khatri eq. 145). Functions of :mod:`qdms.mdp` accept

- a 2-D array ``(n_states, n_actions)``: a stationary policy, the same ``d``
  at every step;
- a 3-D array ``(steps, n_states, n_actions)`` or a sequence of 2-D arrays:
  a time-dependent policy, whose entry ``[0]`` is ``d_1``.

Time indexing: ``X_0`` has the initial distribution ``p_0`` (Khatri eq.
155). In step ``t = 1, 2, ...`` the action ``A_t`` is drawn from
``d_t(. | X_{t-1})`` and ``X_t`` from ``T_{A_t}[., X_{t-1}]``. Hence
``p_t = T_{d_t} p_{t-1}``; for the elementary link, ``t = 1`` is the first step
with a request and ``p_1 = T_{d_1} p_0``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_real_array
from .model import MDPLike, as_mdp

__all__ = [
    "PolicyLike",
    "check_decision",
    "check_policy",
    "deterministic_decision",
    "policy_matrix",
]

PolicyLike = ArrayLike | Sequence[ArrayLike]


def check_decision(
    decision: ArrayLike, n_states: int, n_actions: int, *, name: str = "decision"
) -> NDArray[np.float64]:
    """Return ``decision`` as a float array ``(n_states, n_actions)`` of rows summing to 1.

    Raises
    ------
    ValueError
        If the shape is wrong, an entry is negative, above 1 or not finite,
        or a row does not sum to 1 within ``1e-12 * n_actions``.

    Examples
    --------
    >>> check_decision([[0.25, 0.75], [1, 0]], 2, 2)
    array([[0.25, 0.75],
           [1.  , 0.  ]])
    """
    d = check_real_array(name, decision, ndim=2)
    if d.shape != (n_states, n_actions):
        raise ValueError(
            f"{name} must have shape (n_states, n_actions) = ({n_states}, {n_actions}), "
            f"got {d.shape}"
        )
    if np.any((d < 0) | (d > 1)):
        bad = d[(d < 0) | (d > 1)][0]
        raise ValueError(f"{name} entries are probabilities in [0, 1], found {float(bad)!r}")
    sums = d.sum(axis=1)
    bad_rows = np.flatnonzero(np.abs(sums - 1.0) > 1e-12 * max(n_actions, 1))
    if bad_rows.size:
        s = int(bad_rows[0])
        raise ValueError(
            f"{name} rows (states) must sum to 1 over actions; row {s} sums to {float(sums[s])!r}"
        )
    return d


def deterministic_decision(actions: ArrayLike, n_actions: int) -> NDArray[np.float64]:
    """The deterministic decision function taking action ``actions[s]`` in state ``s``.

    Parameters
    ----------
    actions : 1-D integer array, one action index in ``[0, n_actions)`` per state.
    n_actions : number of actions, >= 1.

    Returns
    -------
    One-hot array ``(n_states, n_actions)``.

    Examples
    --------
    >>> deterministic_decision([1, 0, 1], 2)
    array([[0., 1.],
           [1., 0.],
           [0., 1.]])
    """
    n_actions = check_int("n_actions", n_actions, low=1)
    arr = np.asarray(actions)
    if arr.ndim != 1:
        raise ValueError(f"actions must be 1-dimensional (one per state), got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"actions must be integers, got dtype {arr.dtype}")
    if np.any((arr < 0) | (arr >= n_actions)):
        bad = arr[(arr < 0) | (arr >= n_actions)][0]
        raise ValueError(f"actions must lie in [0, {n_actions - 1}], found {bad}")
    out = np.zeros((arr.size, n_actions))
    out[np.arange(arr.size), arr.astype(np.int64)] = 1.0
    return out


def check_policy(
    policy: PolicyLike, n_states: int, n_actions: int, steps: int | None = None
) -> list[NDArray[np.float64]] | NDArray[np.float64]:
    """Validate a policy: a 2-D stationary decision, or a 3-D/sequence time-dependent one.

    Returns the 2-D decision for a stationary policy, otherwise the list
    ``[d_1, d_2, ...]``; with ``steps`` given a time-dependent policy must
    hold at least ``steps`` decision functions.

    Examples
    --------
    >>> len(check_policy([[[1, 0]], [[0, 1]]], 1, 2, steps=2))
    2
    """
    if isinstance(policy, np.ndarray) or not isinstance(policy, Sequence):
        arr = np.asarray(policy)
        if arr.ndim == 2:
            return check_decision(arr, n_states, n_actions, name="policy")
        if arr.ndim != 3:
            raise ValueError(
                "policy must be a decision (n_states, n_actions) or a sequence of them "
                f"(steps, n_states, n_actions), got shape {arr.shape}"
            )
        items: list[Any] = list(arr)
    else:
        first = np.asarray(policy[0]) if len(policy) else None
        if first is not None and first.ndim == 1:
            return check_decision(policy, n_states, n_actions, name="policy")
        items = list(policy)
    decisions = [
        check_decision(d, n_states, n_actions, name=f"policy[{t}] (d_{t + 1})")
        for t, d in enumerate(items)
    ]
    if steps is not None and len(decisions) < steps:
        raise ValueError(
            f"policy must hold at least steps = {steps} decision functions d_1..d_{steps}, "
            f"got {len(decisions)}"
        )
    return decisions


def policy_matrix(mdp: MDPLike, decision: ArrayLike) -> sp.csc_array:
    """The transition matrix ``T_d = sum_a T_a D_a`` of a decision function (Khatri eq. 146-148).

    Re-derived (the equations are lost in the text): with the diagonal
    matrices ``D_a = sum_s d(a|s) |s><s|`` (eq. 146),
    ``T_d = sum_a T_a D_a`` (eq. 147), i.e.
    ``T_d[to, from] = sum_a d(a | from) T_a[to, from]`` (eq. 148); it is
    column-stochastic and ``p_t = T_{d_t} p_{t-1}``.

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP` or what :func:`~qdms.mdp.as_mdp` accepts.
    decision : array ``(n_states, n_actions)``, rows summing to 1.

    Returns
    -------
    ``scipy.sparse.csc_array`` of shape ``(n_states, n_states)``, ``T[to, from]``.

    Examples
    --------
    >>> wait = np.eye(2)
    >>> request = np.array([[0.5, 0.5], [0.5, 0.5]])
    >>> policy_matrix([wait, request], [[0.0, 1.0], [1.0, 0.0]]).toarray()
    array([[0.5, 0. ],
           [0.5, 1. ]])
    """
    mdp = as_mdp(mdp)
    d = check_decision(decision, mdp.n_states, mdp.n_actions)
    return _policy_matrix(mdp.transitions, d)


def _policy_matrix(transitions: Sequence[sp.csc_array], d: NDArray[np.float64]) -> sp.csc_array:
    total: sp.csc_array | None = None
    for a, t in enumerate(transitions):
        weights = d[:, a]
        if not np.any(weights):
            continue
        # Scale column "from" by d(a | from): the CSC data of column j is data[indptr[j]:indptr[j+1]].
        scaled = t.copy()
        scaled.data = scaled.data * np.repeat(weights, np.diff(t.indptr))
        total = scaled if total is None else total + scaled
    assert total is not None  # rows of d sum to 1, so some action has weight
    total = sp.csc_array(total)
    total.eliminate_zeros()
    return total
