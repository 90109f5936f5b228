"""Optimal steady-state value by relative value iteration and policy iteration (unichain MDPs).

The alternatives to the LP of Khatri Prop. A.2 (:func:`~qdms.mdp.steady_state_lp`)
for MDPs too large for it. Criterion: the long-run average of a reward
``r(s, a)`` (Khatri's function of state: ``r(s, a) = f(s)``), which is the
steady-state value ``lim E[f(X_t)]`` (eq. 168-169) for aperiodic policies.
In the row form used for values (``P_d = T_d.T``, ``P_d[from, to]``), the
average-reward optimality equation of a unichain MDP (Puterman 2014, Sec. 8.4)
reads

    g + h(s) = max_a [ r(s, a) + sum_{s'} T_a[s', s] h(s') ].

Policy iteration (Puterman Sec. 8.6) evaluates a deterministic ``d`` by the
sparse solve of ``g 1 + (1 - P_d) h = r_d`` with ``h(0) = 0``, then improves
greedily, keeping the current action on ties; it stops when no action
changes. Relative value iteration (Puterman Sec. 8.5.5) iterates
``h <- L h - (L h)(0)`` on the aperiodic transform ``T~_a = tau 1 + (1 - tau) T_a``
(same gain, same optimal policies; Puterman Sec. 8.5.4), and stops when
``min_s (L h - h) <= g* <= max_s (L h - h)`` (Puterman Thm. 8.5.5) brackets
the optimum within ``tol``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_positive, check_real_array
from ._bellman import greedy_actions
from ._checks import check_reward
from ._linalg import solve
from .decisions import _policy_matrix, check_decision, deterministic_decision
from .model import MDP, MDPLike, as_mdp
from .stationary import _names, _structure, average_value

__all__ = ["IterationResult", "average_reward_policy_iteration", "relative_value_iteration"]


@dataclass(frozen=True, eq=False)
class IterationResult:
    """Result of value and policy iteration.

    Attributes
    ----------
    value : the value of the returned ``decision``, computed exactly by
        sparse linear algebra: its long-run average (average reward), or its
        expected absorption time from ``initial`` (``None`` without ``initial``).
    decision : deterministic decision function ``(n, n_actions)``.
    state_values : ``(n,)``; the relative values (bias) ``h`` with ``h(0) = 0``
        (average reward), or the expected steps to absorption from each state
        (``inf`` where no policy absorbs with probability 1, 0 on absorbing states).
    iterations : number of iterations (Bellman updates or policy improvements).
    lower_bound, upper_bound : bounds on the optimal value (equal to
        ``value`` for policy iteration; ``None`` when ``value`` is ``None``).

    Examples
    --------
    >>> res = average_reward_policy_iteration([[[0.5, 0.5], [0.5, 0.5]]], [0.0, 2.0])
    >>> res.value, res.state_values, res.iterations
    (1.0, array([0., 2.]), 1)
    """

    value: float | None
    decision: NDArray[np.float64]
    state_values: NDArray[np.float64]
    iterations: int
    lower_bound: float | None
    upper_bound: float | None


def _deterministic_actions(mdp: MDP, decision: ArrayLike) -> NDArray[np.int64]:
    d = check_decision(decision, mdp.n_states, mdp.n_actions)
    if not np.all((d == 0) | (d == 1)):
        raise ValueError("decision must be deterministic (one 1 per row) to start policy iteration")
    return np.argmax(d, axis=1).astype(np.int64)


def _require_unichain(mdp: MDP, t_d: sp.csc_array, where: str) -> None:
    classes = _structure(t_d).closed_classes
    if len(classes) > 1:
        raise ValueError(
            f"{where} needs a unichain MDP, but a policy it visited has {len(classes)} closed "
            f"classes (e.g. states {_names(mdp, classes[0])} and {_names(mdp, classes[1])}); "
            "use steady_state_lp for a multichain MDP"
        )


def _evaluate_gain(
    t_d: sp.csc_array, r_d: NDArray[np.float64]
) -> tuple[float, NDArray[np.float64]]:
    """Solve ``g 1 + (1 - T_d.T) h = r_d`` with ``h(0) = 0`` (unknown ``g`` in place of ``h(0)``)."""
    n = t_d.shape[0]
    m = sp.csc_array(sp.eye_array(n, format="csc") - t_d.T)
    m = sp.hstack([sp.csc_array(np.ones((n, 1))), m[:, 1:]], format="csc")
    z = solve(m, r_d)
    g = float(z[0])
    z[0] = 0.0
    return g, z


def average_reward_policy_iteration(
    mdp: MDPLike,
    f: ArrayLike,
    *,
    decision: ArrayLike | None = None,
    max_iterations: int = 10_000,
) -> IterationResult:
    """Optimal long-run average (steady-state value) by policy iteration, for unichain MDPs.

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP` or what :func:`~qdms.mdp.as_mdp` accepts.
    f : function of the state ``(n,)``, or a reward ``r(s, a)`` ``(n, n_actions)``.
    decision : optional deterministic starting decision (default: action 0 everywhere).
    max_iterations : at most this many policy improvements.

    Returns
    -------
    :class:`IterationResult` with ``value = g*`` (equal to the LP of
    :func:`~qdms.mdp.steady_state_lp`) and ``state_values = h``.

    Raises
    ------
    ValueError
        If a policy met on the way has several closed classes (the MDP is not
        unichain).
    RuntimeError
        If the gain decreases (impossible in exact arithmetic: some policy
        met mixes so slowly that its relative values lost all precision), or
        ``max_iterations`` is reached.

    Examples
    --------
    Action 1 pushes towards state 1, which f rewards:

    >>> a0 = [[0.9, 0.5], [0.1, 0.5]]
    >>> a1 = [[0.5, 0.1], [0.5, 0.9]]
    >>> res = average_reward_policy_iteration([a0, a1], [0.0, 1.0])
    >>> round(res.value, 12), res.decision.argmax(axis=1)  # pi(1) = 0.5 / 0.6
    (0.833333333333, array([1, 1]))
    """
    mdp = as_mdp(mdp)
    n, k = mdp.n_states, mdp.n_actions
    r = check_reward("f", f, n, k)
    max_iterations = check_int("max_iterations", max_iterations, low=1)
    actions = (
        np.zeros(n, dtype=np.int64) if decision is None else _deterministic_actions(mdp, decision)
    )
    rows = np.arange(n)
    previous = -np.inf
    for it in range(1, max_iterations + 1):
        t_d = _policy_matrix(mdp.transitions, deterministic_decision(actions, k))
        _require_unichain(mdp, t_d, "average_reward_policy_iteration")
        g, h = _evaluate_gain(t_d, r[rows, actions])
        scale = float(np.abs(h).max() + np.abs(r).max())
        if g < previous - 1e-9 * max(1.0, abs(previous)):
            raise RuntimeError(
                f"average_reward_policy_iteration lost precision at iteration {it}: the gain fell "
                f"from {previous!r} to {g!r} (relative values reach {scale:.3g}; some policy "
                "mixes too slowly for double precision); try steady_state_lp"
            )
        previous = max(previous, g)
        new = greedy_actions(r + mdp.expected_next(h), current=actions, scale=scale)
        if np.array_equal(new, actions):
            return IterationResult(g, deterministic_decision(actions, k), h, it, g, g)
        actions = new
    raise RuntimeError(
        f"average_reward_policy_iteration did not converge in max_iterations = {max_iterations}"
    )


def relative_value_iteration(
    mdp: MDPLike,
    f: ArrayLike,
    *,
    tol: float = 1e-10,
    max_iterations: int = 1_000_000,
    aperiodicity: float = 0.5,
) -> IterationResult:
    """Optimal long-run average (steady-state value) by relative value iteration, for unichain MDPs.

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP` or what :func:`~qdms.mdp.as_mdp` accepts.
    f : function of the state ``(n,)``, or a reward ``r(s, a)`` ``(n, n_actions)``.
    tol : stop when the bounds on ``g*`` agree to ``tol`` relative (``> 0``).
    max_iterations : at most this many Bellman updates.
    aperiodicity : ``tau`` in ``[0, 1)`` of the aperiodic transform
        ``tau 1 + (1 - tau) T_a`` (0 disables it; convergence then needs
        aperiodic optimal chains).

    Returns
    -------
    :class:`IterationResult`: ``lower_bound <= value <= g* <= upper_bound``,
    where ``value`` is the exact gain of the greedy ``decision``;
    ``state_values`` approximates the relative values ``h`` (``h(0) = 0``).

    Raises
    ------
    ValueError
        If the greedy decision has several closed classes (not unichain).
    RuntimeError
        If the bounds have not met after ``max_iterations``.

    Examples
    --------
    >>> a0 = [[0.9, 0.5], [0.1, 0.5]]
    >>> a1 = [[0.5, 0.1], [0.5, 0.9]]
    >>> res = relative_value_iteration([a0, a1], [0.0, 1.0])
    >>> round(res.value, 12), res.lower_bound <= res.value <= res.upper_bound
    (0.833333333333, True)
    """
    mdp = as_mdp(mdp)
    n, k = mdp.n_states, mdp.n_actions
    r = check_reward("f", f, n, k)
    tol = check_positive("tol", tol)
    max_iterations = check_int("max_iterations", max_iterations, low=1)
    tau = float(check_real_array("aperiodicity", aperiodicity, ndim=0))
    if not 0.0 <= tau < 1.0:
        raise ValueError(f"aperiodicity must lie in [0, 1), got {aperiodicity!r}")
    h = np.zeros(n)
    for it in range(1, max_iterations + 1):
        q = r + tau * h[:, None] + (1.0 - tau) * mdp.expected_next(h)
        new = q.max(axis=1)
        diff = new - h
        lo, hi = float(diff.min()), float(diff.max())
        h = new - new[0]
        if hi - lo <= tol * max(1.0, abs(lo), abs(hi)):
            iterations = it
            break
    else:
        raise RuntimeError(
            f"relative_value_iteration: bounds [{lo!r}, {hi!r}] on the optimal value did not "
            f"meet within max_iterations = {max_iterations}"
        )
    actions = greedy_actions(q)
    d = deterministic_decision(actions, k)
    _require_unichain(mdp, _policy_matrix(mdp.transitions, d), "relative_value_iteration")
    value = average_value(mdp, d, r)
    # h of the transform is h / (1 - tau) in terms of the original chain's relative values.
    return IterationResult(value, d, (1.0 - tau) * h, iterations, lo, hi)
