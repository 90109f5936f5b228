"""Completing and polishing the decision an LP defines (private).

An LP solution fixes the decision (Khatri eq. 172, 174, 186) only where the
occupation ``q(s) = sum_a x(s, a)`` is positive, and a solver resolves
occupations only down to its tolerance (about 1e-10). States below that are
"free". They first take the breadth-first action towards the target (the
trusted support for A.2, the absorbing states for A.3/A.4; see
``almost_sure_reach``), then policy iteration restricted to the free states
improves them: for A.2 and A.4 it minimises the expected time to reach the
target, for A.3 it maximises the value collected at absorption. The trusted
rows keep the LP's decision. This matters: in a long birth-death chain the
optimal stationary distribution underflows on half the states, and an
arbitrary action there can move the chain's mass into the wrong well.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._bellman import greedy_actions
from ._graph import almost_sure_reach, backward_reachable
from ._linalg import values_until_exit
from .decisions import _policy_matrix
from .model import MDP
from .stationary import _structure

__all__ = ["SUPPORT_RTOL", "complete", "improve_transient", "repair", "trusted_rows"]

SUPPORT_RTOL = 1e-9
MAX_POLISH = 1000


def complete(mdp: MDP, x: NDArray[np.float64], target: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Decision ``x(s, a) / q(s)`` on trusted rows; elsewhere an action reaching ``target`` (or 0)."""
    n, k = x.shape
    q = x.sum(axis=1)
    trusted = q > SUPPORT_RTOL * max(1.0, float(q.max(initial=0.0)))
    d = np.zeros((n, k))
    d[trusted] = x[trusted] / q[trusted, None]
    d[trusted] /= d[trusted].sum(axis=1, keepdims=True)
    _, _, action = almost_sure_reach(mdp, target)
    rest = np.flatnonzero(~trusted)
    d[rest, np.maximum(action[rest], 0)] = 1.0
    return d


def trusted_rows(x: NDArray[np.float64]) -> NDArray[np.bool_]:
    q = x.sum(axis=1)
    return q > SUPPORT_RTOL * max(1.0, float(q.max(initial=0.0)))


def repair(mdp: MDP, d: NDArray[np.float64], target: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Attractor actions for states from which ``T_d`` may be trapped in a class missing ``target``."""
    t_d = _policy_matrix(mdp.transitions, d)
    traps = np.zeros(mdp.n_states, dtype=bool)
    for cls in _structure(t_d).closed_classes:
        if not target[cls].any():
            traps[cls] = True
    if not traps.any():
        return d
    bad = backward_reachable(t_d, traps) & ~target
    winning, _, action = almost_sure_reach(mdp, target)
    fix = np.flatnonzero(bad & winning)
    d = d.copy()
    d[fix] = 0.0
    d[fix, action[fix]] = 1.0
    return d


def improve_transient(
    mdp: MDP,
    d: NDArray[np.float64],
    free: NDArray[np.bool_],
    absorbing: NDArray[np.bool_],
    c: NDArray[np.float64],
    *,
    maximize: bool,
) -> NDArray[np.float64]:
    """Policy iteration on the ``free`` rows for ``sum_t c(X_{t-1}, A_t)`` until absorption.

    Every policy kept absorbs with probability 1 from the winning states;
    an improvement that would not is refused (the last proper policy is kept).
    """
    winning, allowed, _ = almost_sure_reach(mdp, absorbing)
    live = np.flatnonzero(winning & ~absorbing)
    idx = np.flatnonzero(free & winning & ~absorbing)
    if not idx.size:
        return d
    k = mdp.n_actions
    for _ in range(MAX_POLISH):
        t_d = _policy_matrix(mdp.transitions, d)
        if not backward_reachable(t_d, absorbing)[live].all():
            return d
        u = np.zeros(mdp.n_states)
        try:
            u[live] = values_until_exit(t_d, live, (d * c).sum(axis=1)[live])
        except RuntimeError:  # numerically singular: keep the last decision
            return d
        if not np.all(np.isfinite(u)):
            return d
        current = np.argmax(d[idx], axis=1)
        new = greedy_actions(
            (c + mdp.expected_next(u))[idx],
            maximize=maximize,
            current=current,
            allowed=allowed[idx],
        )
        if np.array_equal(new, current):
            return d
        trial = d.copy()
        trial[idx] = np.eye(k)[new]
        if not backward_reachable(_policy_matrix(mdp.transitions, trial), absorbing)[live].all():
            return d
        d = trial
    return d
