"""Occupation-measure linear programs for optimal stationary policies (Khatri Prop. A.2-A.4).

The text lost the programs; they are re-derived here in Khatri's vectors
``y_a`` (one per action, ``y_a(s) = x(s, a)``) and ``q = sum_a y_a``: the
average-reward LP of Puterman 2014, Sec. 8.8 (Thm. 8.8.2) for A.2, and the
occupation-measure LP of transient (absorbing) MDPs for A.3-A.4 (Kallenberg,
*Linear Programming and Finite Markovian Control Problems*, 1983; Bertsekas
and Tsitsiklis, Math. Oper. Res. 16, 580 (1991)).

Prop. A.2, eq. 171 (steady state). ``x(s, a)`` is the stationary joint
probability of state ``s`` and action ``a``::

    maximise   sum_{s,a} r(s, a) x(s, a)              (r(s, a) = f(s): <f|q>)
    subject to sum_a y_a = sum_a T_a y_a,  <1|q> = 1,  y_a >= 0
    eq. 172:   d(a|s) = x(s, a) / q(s)  where q(s) > 0.

Prop. A.3, eq. 173 (value at absorption) and Prop. A.4, eq. 185 (absorption
time). Over the transient states only, ``x(s, a)`` is the expected number of
steps ``t >= 1`` in which ``X_{t-1} = s`` and ``A_t = a``::

    subject to sum_a y_a - sum_a Q_a y_a = p_T,  y_a >= 0
    A.3:  maximise <f_A| sum_a R_a y_a> + <f_A|p_A>   (= lim E[f(X_t)], eq. 176-177)
    A.4:  minimise <1| sum_a y_a>                      (= E[tau], eq. 187)
    eq. 174/186: d(a|s) = x(s, a) / sum_a' x(s, a')

(``Q_a``, ``R_a`` as in :mod:`qdms.mdp.absorbing`.)

Validity. A.2 equals the optimal long-run average of ``r`` over stationary
policies when the MDP is unichain (every deterministic policy has one closed
class); for a multichain MDP it is the best value over all closed classes,
i.e. from the best initial state. Khatri's proof assumes every ``q(s) > 0``;
that fails for states transient under the optimal policy, which we handle as
below. A.3 and A.4 optimise over the policies that reach an absorbing state
with probability 1 from ``p_0`` (only those have a finite time; for A.3 the
others have no well-defined limit on their transient mass).

Decisions where the occupation vanishes (Khatri: "arbitrary"). A solver
resolves ``q(s) = sum_a x(s, a)`` only to its tolerance, so rows with
``q(s) <= 1e-9 max(1, max q)`` are treated as free; the trusted rows keep
the LP's decision. A free state takes an action that reaches the target
(the trusted support for A.2, the absorbing states for A.3 and A.4) with
probability 1 (action 0 when none does), chosen by policy iteration
restricted to the free states: for A.2 and A.4 the one that minimises the
expected time to reach the target, for A.3 the one that maximises the value
at absorption among those that still absorb. The reported ``value`` is the
exact value of the returned decision, evaluated by sparse linear algebra
(for A.2: the stationary value of each closed class, weighted by its LP
occupation); ``lp_value`` is HiGHS's objective.

Scaling. HiGHS's tolerances are absolute (about 1e-9 after its own
scaling), so an occupation of 1e-9 (a link heralded with ``p = 1e-9``) or a
reward of 1e-12 is invisible to it, and expected visits of 1e8 (two such
links) stall it. Two remedies:

* :func:`steady_state_lp` takes ``scale``, the expected order of magnitude
  ``D(s)`` of each state's stationary probability (for instance ``p`` for
  the active states of a link and 1 for the inactive one). It solves for
  ``y = x / D`` with each balance row divided by its own ``D(s)`` and the
  objective normalised to largest coefficient 1, so that near the optimum
  ``y ~ 1`` and every row and cost is of order one. The decision
  ``x(s, a) / q(s)`` is scale-free and the trust threshold above applies to
  ``y``.
* Policy iteration with exact evaluation (its solves switch to GTH
  elimination where expected times are long) starts from the LP's
  decision and settles the near-ties the LP cannot: for A.2
  :func:`~qdms.mdp.average_reward_policy_iteration`, for A.4
  :func:`~qdms.mdp.absorption_time_policy_iteration`. Where HiGHS fails on
  A.3 or A.4 altogether (both are feasible and bounded once the graph check
  passes, so any failure is numerical; ``lp_value`` is then ``nan``), or its
  objective disagrees with the exact value of its decision by more than
  1e-7, the policy iteration of the free states above also runs from the
  breadth-first policy over every transient state, and the better decision
  is returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linprog

from ._checks import check_distribution, check_reward, check_state_function, resolve_absorbing
from ._graph import almost_sure_reach
from ._polish import complete, improve_transient, repair, trusted_rows
from .absorbing import absorption_analysis
from .average_reward import average_reward_policy_iteration
from .decisions import _policy_matrix
from .model import MDP, MDPLike, as_mdp
from .shortest_path import absorption_time_policy_iteration
from .stationary import _names, _structure, closed_class_distribution

__all__ = [
    "LinearProgramResult",
    "absorbing_value_lp",
    "absorption_time_lp",
    "steady_state_lp",
]

HIGHS_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}
METHODS = ("highs", "highs-ds", "highs-ipm")
LinprogMethod = Literal["highs", "highs-ds", "highs-ipm"]


@dataclass(frozen=True, eq=False)
class LinearProgramResult:
    """Result of the linear programs of Khatri Prop. A.2-A.4.

    Attributes
    ----------
    value : the optimal value, evaluated exactly for ``decision``.
    decision : the decision function ``(n, n_actions)`` the LP defines
        (eq. 172, 174, 186; deterministic for a vertex solution).
    occupation : ``(n, n_actions)`` array ``x(s, a)`` of ``decision``:
        stationary joint probabilities (A.2) or expected visit counts of
        transient state-action pairs (A.3, A.4; zero on absorbing states).
    lp_value : the objective HiGHS returned (agrees with ``value`` to the
        solver's tolerance, about 1e-9 relative); ``nan`` where HiGHS could
        not solve an absorbing LP (expected times beyond ~1e8 steps), whose
        decision then comes from policy iteration with exact evaluation.

    Examples
    --------
    >>> res = absorption_time_lp([[[1, 0.5], [0, 0.5]]], 1)
    >>> res.value, res.occupation  # two expected visits of state 1 before absorption
    (2.0, array([[0.],
           [2.]]))
    """

    value: float
    decision: NDArray[np.float64]
    occupation: NDArray[np.float64]
    lp_value: float


def _solve(
    c: NDArray[np.float64],
    a_eq: sp.csc_array,
    b_eq: NDArray[np.float64],
    what: str,
    method: str,
    *,
    known_feasible: bool = False,
) -> Any:
    """HiGHS's solution; for an LP ``known_feasible`` (and bounded), ``None`` where HiGHS fails."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method=method, options=HIGHS_OPTIONS)
    if res.status == 0:
        return res
    if known_feasible:  # whatever HiGHS says, the trouble is numerical
        return None
    if res.status == 2:
        raise ValueError(f"{what}: the linear program is infeasible ({res.message})")
    if res.status == 3:
        raise ValueError(f"{what}: the linear program is unbounded ({res.message})")
    raise RuntimeError(f"{what}: HiGHS stopped with status {res.status}: {res.message}")


def _check_scale(scale: ArrayLike | None, n: int) -> NDArray[np.float64]:
    """``D(s)``: the given positive scale normalised to largest entry 1, or all ones."""
    if scale is None:
        return np.ones(n)
    d = np.asarray(scale, dtype=float)
    if d.shape != (n,) or not np.all(np.isfinite(d)) or not np.all(d > 0):
        raise ValueError(
            f"scale must be an array of {n} finite positive numbers (one per state), got "
            f"shape {d.shape} with smallest entry {np.min(d, initial=np.inf)!r}"
        )
    return d / d.max()


def _scaled(
    c: NDArray[np.float64], a_eq: sp.csc_array, b_eq: NDArray[np.float64], rows: NDArray, d_cols
) -> tuple[NDArray[np.float64], sp.csc_array, NDArray[np.float64]]:
    """The LP in ``y = x / D``: columns times ``D``, rows divided by ``rows``, costs to max 1."""
    a = sp.csc_array(sp.diags_array(1.0 / rows) @ a_eq @ sp.diags_array(d_cols))
    c = c * d_cols
    top = np.abs(c).max(initial=0.0)
    return (c / top if top > 0 else c), a, b_eq / rows


def steady_state_lp(
    mdp: MDPLike,
    f: ArrayLike,
    *,
    method: LinprogMethod = "highs",
    scale: ArrayLike | None = None,
) -> LinearProgramResult:
    """Optimal steady-state value and its decision by linear programming (Khatri Prop. A.2, eq. 171-172).

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP` or what :func:`~qdms.mdp.as_mdp` accepts.
    f : function of the state ``(n,)`` (Khatri's case), or a reward ``r(s, a)``
        of shape ``(n, n_actions)``.
    method : ``linprog`` method: ``"highs"`` (HiGHS chooses), ``"highs-ds"``
        (dual simplex) or ``"highs-ipm"`` (interior point with crossover,
        often faster on MDPs whose transition graphs are expanders).
    scale : optional ``(n,)`` positive order of magnitude of each state's
        stationary probability (module notes): needed when some are far
        below 1e-6 or the rewards are.

    Returns
    -------
    :class:`LinearProgramResult`; ``value`` is the long-run average
    (= ``lim E[f(X_t)]`` when the returned chain is aperiodic) of the decision.

    Examples
    --------
    Two states, "stay" or "switch"; f rewards state 1:

    >>> stay, switch = np.eye(2), np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> res = steady_state_lp([stay, switch], [0.0, 1.0])
    >>> round(res.value, 12), res.decision
    (1.0, array([[0., 1.],
           [1., 0.]]))
    """
    mdp = as_mdp(mdp)
    n, k = mdp.n_states, mdp.n_actions
    r = check_reward("f", f, n, k)
    dscale = _check_scale(scale, n)
    d_cols = np.tile(dscale, k)
    eye = sp.eye_array(n, format="csc")
    balance = sp.hstack([eye - t for t in mdp.transitions], format="csc")
    a_eq = sp.vstack([balance, sp.csc_array(np.ones((1, n * k)))], format="csc")
    b_eq = np.zeros(n + 1)
    b_eq[-1] = 1.0
    c, a_eq, b_eq = _scaled(-r.T.ravel(), a_eq, b_eq, np.append(dscale, 1.0), d_cols)
    res = _solve(c, a_eq, b_eq, "steady_state_lp", method)
    y = np.maximum(res.x, 0.0).reshape(k, n).T  # round-off below 0 from the solver
    x = y * dscale[:, None]
    trusted = trusted_rows(y)
    d = repair(mdp, complete(mdp, y, trusted), trusted)
    d = improve_transient(mdp, d, ~trusted, trusted, np.ones((n, k)), maximize=False)
    occupation = _stationary_occupation(mdp, d, x.sum(axis=1))
    value = float((occupation * r).sum())
    better = _improved(mdp, r, d, value)
    if better is not None:
        d, occupation, value = better
    return LinearProgramResult(value, d, occupation, float((r * x).sum()))


def _stationary_occupation(
    mdp: MDP, d: NDArray[np.float64], q: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``x(s, a)`` of ``d``: each closed class's stationary law, weighted by its LP mass ``q``."""
    t_d = _policy_matrix(mdp.transitions, d)
    classes = _structure(t_d).closed_classes
    weights = np.array([q[c].sum() for c in classes])
    weights = (
        weights / weights.sum() if weights.sum() > 0 else np.full(len(classes), 1 / len(classes))
    )
    occupation = np.zeros(d.shape)
    for w, c in zip(weights, classes, strict=True):
        occupation[c] = w * closed_class_distribution(t_d, c)[:, None] * d[c]
    return occupation


def _improved(mdp: MDP, r: NDArray[np.float64], d: NDArray[np.float64], value: float):
    """``(d, occupation, value)`` after exact policy iteration from the LP's decision, if better.

    HiGHS resolves values only to about 1e-9 relative, so a decision that is
    worse by less (a link with ``p = 1e-9`` that waits one step too long) can
    come out of the LP; policy iteration with exact evaluation settles such
    near-ties. Skipped (``None``) for randomised decisions and where policy
    iteration does not apply (a multichain MDP, or lost precision).
    """
    if not np.all((d == 0.0) | (d == 1.0)):
        return None
    try:
        it = average_reward_policy_iteration(mdp, r, decision=d, max_iterations=50)
        occupation = _stationary_occupation(mdp, it.decision, np.ones(mdp.n_states))
    except (ValueError, RuntimeError):
        return None
    better = float((occupation * r).sum())
    return (it.decision, occupation, better) if better > value else None


def _absorbing_lp(
    mdp: MDP, initial: Any, absorbing: ArrayLike | None, what: str
) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.int64], sp.csc_array, list[Any]]:
    """Mask, ``p_0``, transient states, the balance rows over them and the ``R_a`` blocks."""
    mask = resolve_absorbing(mdp, absorbing)
    p0 = check_distribution("initial", initial, mdp.n_states)
    winning, _, _ = almost_sure_reach(mdp, mask)
    lost = np.flatnonzero((p0 > 0) & ~winning)
    if lost.size:
        raise ValueError(
            f"{what}: no stationary policy reaches an absorbing state with probability 1 "
            f"from the initial states {_names(mdp, lost)}; the problem is infeasible"
        )
    tr = np.flatnonzero(~mask)
    blocks = [sp.csc_array(t[:, tr]) for t in mdp.transitions]
    eye = sp.eye_array(tr.size, format="csc")
    a_eq = sp.hstack([eye - sp.csc_array(b[tr, :]) for b in blocks], format="csc")
    return mask, p0, tr, a_eq, [sp.csc_array(b[mask, :]) for b in blocks]


def _finish(
    mdp: MDP,
    res: Any,
    tr: NDArray[np.int64],
    mask: NDArray[np.bool_],
    c: NDArray[np.float64],
    *,
    maximize: bool,
) -> NDArray[np.float64]:
    """The decision an absorbing LP's solution defines (``None``: HiGHS failed; module notes).

    Trusted rows keep the LP's decision and policy iteration improves the
    free rows; without a solution every transient row is free, so this is
    policy iteration from the breadth-first policy.
    """
    n, k = mdp.n_states, mdp.n_actions
    x = np.zeros((n, k))
    if res is not None:
        x[tr] = np.maximum(res.x, 0.0).reshape(k, tr.size).T
    d = complete(mdp, x, mask)
    d[mask] = 0.0
    d[mask, 0] = 1.0
    d = repair(mdp, d, mask)
    return improve_transient(mdp, d, ~trusted_rows(x), mask, c, maximize=maximize)


def _suspect(lp_value: float, exact: float) -> bool:
    """HiGHS's objective and the exact value of its decision disagree beyond its tolerances."""
    return not abs(lp_value - exact) <= 1e-7 * max(1.0, abs(exact))  # True for nan


def absorbing_value_lp(
    mdp: MDPLike,
    f: ArrayLike,
    initial: Any,
    *,
    absorbing: ArrayLike | None = None,
    method: LinprogMethod = "highs",
) -> LinearProgramResult:
    """Optimal ``lim E[f(X_t)]`` with absorbing states, by linear programming (Khatri Prop. A.3, eq. 173-174).

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP` or what :func:`~qdms.mdp.as_mdp` accepts.
    f : function of the state ``(n,)``; only its values on absorbing states matter.
    initial : ``p_0`` (vector or state index).
    absorbing : absorbing states (indices or mask); detected when omitted.
    method : ``linprog`` method, as in :func:`steady_state_lp`.

    Raises
    ------
    ValueError
        If no policy reaches an absorbing state with probability 1 from ``p_0``.

    Examples
    --------
    From state 0, action 0 ends in state 1 (f = 0.2) and action 1 ends in
    state 1 or 2 (f = 1) with probability 1/2:

    >>> a0 = [[0, 0, 0], [1, 1, 0], [0, 0, 1]]
    >>> a1 = [[0, 0, 0], [0.5, 1, 0], [0.5, 0, 1]]
    >>> res = absorbing_value_lp([a0, a1], [0.0, 0.2, 1.0], 0)
    >>> round(res.value, 12), res.decision[0]
    (0.6, array([0., 1.]))
    """
    mdp = as_mdp(mdp)
    fv = check_state_function("f", f, mdp.n_states)
    mask, p0, tr, a_eq, r_blocks = _absorbing_lp(mdp, initial, absorbing, "absorbing_value_lp")
    c = -np.concatenate([rb.T @ fv[mask] for rb in r_blocks])
    constant = float(fv[mask] @ p0[mask])
    if tr.size == 0:
        d0 = _first_action(mdp)
        return LinearProgramResult(constant, d0, np.zeros_like(d0), constant)
    res = _solve(c, a_eq, p0[tr], "absorbing_value_lp", method, known_feasible=True)
    per_step = np.zeros((mdp.n_states, mdp.n_actions))
    per_step[tr] = -c.reshape(mdp.n_actions, tr.size).T
    d = _finish(mdp, res, tr, mask, per_step, maximize=True)
    analysis = absorption_analysis(mdp, d, p0, absorbing=mask)
    lp_value = math.nan if res is None else float(-res.fun) + constant
    if _suspect(lp_value, analysis.value(fv)):  # try policy iteration from scratch as well
        other = _finish(mdp, None, tr, mask, per_step, maximize=True)
        other_analysis = absorption_analysis(mdp, other, p0, absorbing=mask)
        if other_analysis.value(fv) > analysis.value(fv):
            d, analysis = other, other_analysis
    occupation = analysis.visits[:, None] * d
    return LinearProgramResult(analysis.value(fv), d, occupation, lp_value)


def absorption_time_lp(
    mdp: MDPLike,
    initial: Any,
    *,
    absorbing: ArrayLike | None = None,
    method: LinprogMethod = "highs",
) -> LinearProgramResult:
    """Minimal expected time to absorption by linear programming (Khatri Prop. A.4, eq. 185-186).

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP` or what :func:`~qdms.mdp.as_mdp` accepts.
    initial : ``p_0`` (vector or state index).
    absorbing : absorbing states (indices or mask); detected when omitted.
    method : ``linprog`` method, as in :func:`steady_state_lp`.

    Returns
    -------
    :class:`LinearProgramResult` whose ``value`` is ``E[tau]`` in steps.

    Raises
    ------
    ValueError
        If no policy reaches an absorbing state with probability 1 from ``p_0``.

    Examples
    --------
    Action 0 succeeds with probability 1/4 per step, action 1 with 1/2:

    >>> a0 = [[1, 0.25], [0, 0.75]]
    >>> a1 = [[1, 0.5], [0, 0.5]]
    >>> res = absorption_time_lp([a0, a1], 1)
    >>> round(res.value, 12), res.decision[1]
    (2.0, array([0., 1.]))
    """
    mdp = as_mdp(mdp)
    mask, p0, tr, a_eq, _ = _absorbing_lp(mdp, initial, absorbing, "absorption_time_lp")
    if tr.size == 0:
        d0 = _first_action(mdp)
        return LinearProgramResult(0.0, d0, np.zeros_like(d0), 0.0)
    c = np.ones(tr.size * mdp.n_actions)
    res = _solve(c, a_eq, p0[tr], "absorption_time_lp", method, known_feasible=True)
    per_step = np.zeros((mdp.n_states, mdp.n_actions))
    per_step[tr] = 1.0
    lp_value = math.nan if res is None else float(res.fun)
    best = None
    for start in (res, None):  # the LP's decision; from scratch too if the LP is suspect
        d = _finish(mdp, start, tr, mask, per_step, maximize=False)
        try:  # exact policy iteration from it settles the LP's near-ties
            d = absorption_time_policy_iteration(
                mdp, initial=p0, absorbing=mask, decision=d
            ).decision
        except ValueError:  # not proper on every state some policy absorbs from
            d = absorption_time_policy_iteration(mdp, initial=p0, absorbing=mask).decision
        analysis = absorption_analysis(mdp, d, p0, absorbing=mask)
        if best is None or analysis.expected_steps < best[1].expected_steps:
            best = (d, analysis)
        if start is None or not _suspect(lp_value, analysis.expected_steps):
            break
    d, analysis = best
    occupation = analysis.visits[:, None] * d
    return LinearProgramResult(analysis.expected_steps, d, occupation, lp_value)


def _first_action(mdp: MDP) -> NDArray[np.float64]:
    d = np.zeros((mdp.n_states, mdp.n_actions))
    d[:, 0] = 1.0
    return d
