"""Minimal expected time to absorption by value and policy iteration (stochastic shortest path).

The alternatives to the LP of Khatri Prop. A.4 (:func:`~qdms.mdp.absorption_time_lp`)
for MDPs too large for it. With ``V(s)`` the expected number of steps to
absorption from ``s`` (0 on absorbing states), the Bellman equation in the
column convention ``T_a[to, from]`` is

    V(s) = min_a [ 1 + sum_{s' transient} T_a[s', s] V(s') ]

(Bertsekas and Tsitsiklis, Math. Oper. Res. 16, 580 (1991)). Only states
from which some policy is absorbed with probability 1 have a finite value,
and only actions that keep the chain among them can be optimal; both are
found first by a graph fixed point. Policy iteration starts from a proper
policy (one that absorbs with probability 1: breadth-first towards the
absorbing states) and evaluates each policy by the solve
``(1 - Q_d.T) V = 1`` (sparse LU; GTH elimination where ``V`` is large, see
:func:`~qdms.mdp.gth_factor`); every improved policy stays proper. Value iteration
starts from ``V = 0`` and increases monotonically to the optimum, so its
iterate is a lower bound, while the exact value of its greedy policy is an
upper bound: it stops when they agree within ``tol``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_positive
from ._bellman import greedy_actions
from ._checks import check_distribution, resolve_absorbing
from ._graph import almost_sure_reach, backward_reachable
from ._linalg import values_until_exit
from .average_reward import IterationResult, _deterministic_actions
from .decisions import _policy_matrix, deterministic_decision
from .model import MDP, MDPLike, as_mdp
from .stationary import _names

__all__ = ["absorption_time_policy_iteration", "absorption_time_value_iteration"]


class _Problem:
    def __init__(self, mdp: MDP, initial: Any, absorbing: ArrayLike | None, what: str) -> None:
        self.mdp = mdp
        self.mask = resolve_absorbing(mdp, absorbing)
        self.winning, self.allowed, self.bfs_action = almost_sure_reach(mdp, self.mask)
        self.live = self.winning & ~self.mask
        self.live_idx = np.flatnonzero(self.live)
        self.p0 = None if initial is None else check_distribution("initial", initial, mdp.n_states)
        if self.p0 is not None:
            lost = np.flatnonzero((self.p0 > 0) & ~self.winning)
            if lost.size:
                raise ValueError(
                    f"{what}: no policy reaches an absorbing state with probability 1 from the "
                    f"initial states {_names(mdp, lost)}: the expected time is infinite"
                )

    def proper(self, actions: NDArray[np.int64]) -> bool:
        t_d = _policy_matrix(
            self.mdp.transitions, deterministic_decision(actions, self.mdp.n_actions)
        )
        return bool(backward_reachable(t_d, self.mask)[self.live].all())

    def evaluate(self, actions: NDArray[np.int64]) -> NDArray[np.float64]:
        """Exact ``V_d``: solve ``(1 - Q_d.T) V = 1`` on the live states."""
        t_d = _policy_matrix(
            self.mdp.transitions, deterministic_decision(actions, self.mdp.n_actions)
        )
        idx = self.live_idx
        v = np.where(self.winning, 0.0, np.inf)
        if idx.size:
            v[idx] = values_until_exit(t_d, idx, np.ones(idx.size))
        return v

    def greedy(
        self, v: NDArray[np.float64], current: NDArray[np.int64] | None
    ) -> NDArray[np.int64]:
        finite = np.where(np.isfinite(v), v, 0.0)  # non-winning successors are not allowed anyway
        q = 1.0 + self.mdp.expected_next(finite)
        actions = np.zeros(self.mdp.n_states, dtype=np.int64)
        idx = self.live_idx
        actions[idx] = greedy_actions(
            q[idx],
            maximize=False,
            current=None if current is None else current[idx],
            allowed=self.allowed[idx],
            scale=float(finite.max(initial=0.0)),
        )
        return actions

    def value(self, v: NDArray[np.float64]) -> float | None:
        if self.p0 is None:
            return None
        return float(self.p0[self.winning] @ v[self.winning])


def absorption_time_policy_iteration(
    mdp: MDPLike,
    *,
    initial: Any = None,
    absorbing: ArrayLike | None = None,
    decision: ArrayLike | None = None,
    max_iterations: int = 10_000,
) -> IterationResult:
    """Minimal expected absorption time by policy iteration (stochastic shortest path).

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP` or what :func:`~qdms.mdp.as_mdp` accepts.
    initial : optional ``p_0`` (vector or state index) for ``value``.
    absorbing : absorbing states (indices or mask); detected when omitted.
    decision : optional deterministic starting decision; it must absorb with
        probability 1 from every state where some policy does.
    max_iterations : at most this many policy improvements.

    Returns
    -------
    :class:`~qdms.mdp.IterationResult`; ``state_values[s]`` is the minimal
    expected number of steps from ``s`` (``inf`` where no policy absorbs with
    probability 1), ``value`` the expected time from ``initial``. On absorbing
    and hopeless states the decision is action 0.

    Raises
    ------
    ValueError
        If ``initial`` has mass on a state from which no policy absorbs, or
        the starting ``decision`` does not absorb.

    Examples
    --------
    >>> a0 = [[1, 0.25], [0, 0.75]]
    >>> a1 = [[1, 0.5], [0, 0.5]]
    >>> res = absorption_time_policy_iteration([a0, a1], initial=1)
    >>> res.value, res.state_values
    (2.0, array([0., 2.]))
    """
    mdp = as_mdp(mdp)
    prob = _Problem(mdp, initial, absorbing, "absorption_time_policy_iteration")
    max_iterations = check_int("max_iterations", max_iterations, low=1)
    if decision is None:
        actions = np.where(prob.live, prob.bfs_action, 0).astype(np.int64)
    else:
        actions = np.where(prob.live, _deterministic_actions(mdp, decision), 0).astype(np.int64)
        if not (prob.allowed[prob.live_idx, actions[prob.live_idx]].all() and prob.proper(actions)):
            raise ValueError(
                "decision must reach an absorbing state with probability 1 from every state "
                "where some policy does (a proper policy) to start policy iteration"
            )
    for it in range(1, max_iterations + 1):
        v = prob.evaluate(actions)
        new = prob.greedy(v, actions)
        if np.array_equal(new, actions):
            value = prob.value(v)
            d = deterministic_decision(actions, mdp.n_actions)
            return IterationResult(value, d, v, it, value, value)
        actions = new
    raise RuntimeError(
        f"absorption_time_policy_iteration did not converge in max_iterations = {max_iterations}"
    )


def absorption_time_value_iteration(
    mdp: MDPLike,
    *,
    initial: Any = None,
    absorbing: ArrayLike | None = None,
    tol: float = 1e-10,
    max_iterations: int = 1_000_000,
) -> IterationResult:
    """Minimal expected absorption time by value iteration (stochastic shortest path).

    Parameters
    ----------
    mdp, initial, absorbing : as in :func:`absorption_time_policy_iteration`.
    tol : stop when the exact value of the greedy policy exceeds the
        iterate (a lower bound) by at most ``tol`` relative, in every state.
    max_iterations : at most this many Bellman updates.

    Returns
    -------
    :class:`~qdms.mdp.IterationResult`; ``state_values`` is the exact value
    of the returned decision (an upper bound on the optimum, within ``tol``
    of it); ``lower_bound <= optimum <= upper_bound = value`` from ``initial``.

    Raises
    ------
    ValueError
        If ``initial`` has mass on a state from which no policy absorbs.
    RuntimeError
        If the bounds have not met after ``max_iterations``.

    Examples
    --------
    >>> a0 = [[1, 0.25], [0, 0.75]]
    >>> a1 = [[1, 0.5], [0, 0.5]]
    >>> res = absorption_time_value_iteration([a0, a1], initial=1)
    >>> round(res.value, 9), res.decision[1]
    (2.0, array([0., 1.]))
    """
    mdp = as_mdp(mdp)
    prob = _Problem(mdp, initial, absorbing, "absorption_time_value_iteration")
    tol = check_positive("tol", tol)
    max_iterations = check_int("max_iterations", max_iterations, low=1)
    idx = prob.live_idx
    v = np.zeros(mdp.n_states)
    next_check = 1
    for it in range(1, max_iterations + 1):
        q = 1.0 + mdp.expected_next(v)
        new = np.zeros(mdp.n_states)
        if idx.size:
            new[idx] = np.where(prob.allowed[idx], q[idx], np.inf).min(axis=1)
        delta = float(np.max(np.abs(new - v))) if idx.size else 0.0
        v = new
        scale = max(1.0, float(v.max()))
        if delta <= tol * scale and it >= next_check:
            next_check = it + max(1, it // 4)
            actions = prob.greedy(v, None)
            if prob.proper(actions):
                v_d = prob.evaluate(actions)
                if np.all(v_d[idx] - v[idx] <= tol * max(1.0, float(v_d[idx].max(initial=0.0)))):
                    d = deterministic_decision(actions, mdp.n_actions)
                    value = prob.value(v_d)
                    lower = prob.value(np.where(prob.winning, v, np.inf))
                    return IterationResult(value, d, v_d, it, lower, value)
    raise RuntimeError(
        f"absorption_time_value_iteration did not converge in max_iterations = {max_iterations}"
    )
