"""Absorbing chains: blocks, fundamental matrix, absorption time and absorption probabilities.

Khatri App. A.2.1 and A.3, re-derived (the equations are lost in the text).
Order the states as (transient ``S_T``, absorbing ``S_A``). In the column
convention ``T[to, from]`` every action's matrix has the block form

    T_a = [[Q_a, 0],        Q_a = T_a[S_T, S_T]   transient -> transient
           [R_a, 1]]        R_a = T_a[S_A, S_T]   transient -> absorbing     (eq. 156)

(nothing leaves an absorbing state). For a decision ``d`` the same holds for
``T_d`` with ``Q_d = sum_a Q_a D_a``, ``R_d = sum_a R_a D_a`` (eq. 157-163),
and

    T_d^t = [[Q_d^t, 0], [R_d (1 + Q_d + ... + Q_d^{t-1}), 1]]
          -> [[0, 0], [R_d N_d, 1]],   N_d = (1 - Q_d)^{-1}             (eq. 175)

when every transient state is left with probability 1. With ``p_0 = (p_T, p_A)``:

- expected visits to each transient state ``v = N_d p_T`` (solved, never inverted);
- expected absorption time ``E[tau] = <1| N_d |p_T>`` (Khatri, text after
  eq. 169; Kemeny and Snell, *Finite Markov Chains*, Thm. 3.3.5);
- ``Pr[tau = t] = <1| R_d Q_d^{t-1} |p_T>`` for ``t >= 1`` and
  ``Pr[tau = 0] = <1|p_A>``;
- absorption probabilities ``R_d N_d p_T + p_A`` and the limit
  ``lim E[f(X_t)] = <f_A| R_d N_d |p_T> + <f_A|p_A>`` (eq. 176-177).

Absorbing states are found automatically (``T_a[s, s] = 1`` for all ``a``,
:func:`~qdms.mdp.absorbing_states`) or given as ``absorbing=`` (indices or a
boolean mask). Given states are *made* absorbing: their own columns are
ignored, so ``tau`` is the first-passage time into that set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_probability, check_real_array
from ._checks import check_distribution, resolve_absorbing
from ._graph import backward_reachable, forward_reachable
from ._linalg import solve_transient
from .decisions import _policy_matrix, check_decision
from .model import MDP, MDPLike, as_mdp
from .stationary import _names

__all__ = [
    "AbsorbingBlocks",
    "AbsorptionResult",
    "absorbing_blocks",
    "absorption_analysis",
    "absorption_time_pmf",
    "expected_absorption_time",
]


@dataclass(frozen=True, eq=False)
class AbsorbingBlocks:
    """The blocks of ``T_d`` (Khatri eq. 156-163).

    Attributes
    ----------
    transient, absorbing : sorted state indices of ``S_T`` and ``S_A``.
    q : ``csc_array`` ``(|S_T|, |S_T|)``, ``Q_d = T_d[S_T, S_T]``.
    r : ``csc_array`` ``(|S_A|, |S_T|)``, ``R_d = T_d[S_A, S_T]``.

    Examples
    --------
    >>> absorbing_blocks([[1.0, 0.5], [0.0, 0.5]], None).q.toarray()
    array([[0.5]])
    """

    transient: NDArray[np.int64]
    absorbing: NDArray[np.int64]
    q: sp.csc_array
    r: sp.csc_array


@dataclass(frozen=True, eq=False)
class AbsorptionResult:
    """Result of :func:`absorption_analysis`; arrays are indexed by state.

    Attributes
    ----------
    expected_steps : ``E[tau]``, the expected number of steps to absorption.
    visits : ``(n,)`` expected number of times ``t >= 0`` each transient
        state is occupied before absorption (``N_d p_T``; 0 on absorbing states).
    absorption_probabilities : ``(n,)`` probability of ending in each
        absorbing state (0 on transient states); sums to 1.
    transient, absorbing : the state indices of ``S_T`` and ``S_A``.

    Examples
    --------
    >>> res = absorption_analysis([[1.0, 0.5], [0.0, 0.5]], None, 1)
    >>> res.expected_steps, res.visits, res.absorption_probabilities
    (2.0, array([0., 2.]), array([1., 0.]))
    """

    expected_steps: float
    visits: NDArray[np.float64]
    absorption_probabilities: NDArray[np.float64]
    transient: NDArray[np.int64]
    absorbing: NDArray[np.int64]

    def value(self, f: ArrayLike) -> float:
        """``lim E[f(X_t)] = sum_s f(s) Pr[absorbed in s]`` (Khatri eq. 176-177).

        Examples
        --------
        >>> T = [[1.0, 0.25, 0.0], [0.0, 0.5, 0.0], [0.0, 0.25, 1.0]]
        >>> absorption_analysis(T, None, 1).value([0.0, 0.0, 1.0])
        0.5
        """
        fv = check_real_array("f", f)
        if fv.shape != self.visits.shape:
            raise ValueError(f"f must have shape {self.visits.shape}, got {fv.shape}")
        return float(fv @ self.absorption_probabilities)


def _decision(mdp: MDP, decision: ArrayLike | None) -> NDArray[np.float64]:
    if decision is None:
        if mdp.n_actions != 1:
            raise ValueError(
                f"decision is required: the MDP has {mdp.n_actions} actions "
                "(None is allowed only for a Markov chain, one action)"
            )
        return np.ones((mdp.n_states, 1))
    return check_decision(decision, mdp.n_states, mdp.n_actions)


def _blocks(t_d: sp.csc_array, mask: NDArray[np.bool_]) -> AbsorbingBlocks:
    tr, ab = np.flatnonzero(~mask), np.flatnonzero(mask)
    cols = sp.csc_array(t_d[:, tr])
    return AbsorbingBlocks(tr, ab, sp.csc_array(cols[tr, :]), sp.csc_array(cols[ab, :]))


def absorbing_blocks(
    mdp: MDPLike, decision: ArrayLike | None, *, absorbing: ArrayLike | None = None
) -> AbsorbingBlocks:
    """Split ``T_d`` into its transient and absorbing blocks ``Q_d``, ``R_d`` (Khatri eq. 156-163).

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP` or what :func:`~qdms.mdp.as_mdp` accepts.
    decision : decision ``(n, n_actions)``; ``None`` for a chain (one action).
    absorbing : optional absorbing states (indices or mask); detected when omitted.

    Examples
    --------
    >>> T = [[1.0, 0.25, 0.0], [0.0, 0.5, 0.0], [0.0, 0.25, 1.0]]
    >>> b = absorbing_blocks(T, None)
    >>> b.transient, b.absorbing, b.q.toarray(), b.r.toarray()
    (array([1]), array([0, 2]), array([[0.5]]), array([[0.25],
           [0.25]]))
    """
    mdp = as_mdp(mdp)
    mask = resolve_absorbing(mdp, absorbing)
    return _blocks(_policy_matrix(mdp.transitions, _decision(mdp, decision)), mask)


def _proper_support(mdp: MDP, blocks: AbsorbingBlocks, p_t: NDArray[np.float64]) -> np.ndarray:
    """Transient positions reachable from ``p_T``; raise if some of them never absorbs."""
    exits = np.asarray(blocks.r.sum(axis=0)).ravel() > 0
    reach = forward_reachable(blocks.q, p_t > 0)
    absorbs = backward_reachable(blocks.q, exits)
    stuck = np.flatnonzero(reach & ~absorbs)
    if stuck.size:
        raise ValueError(
            "under this decision the chain never reaches an absorbing state from the "
            f"transient states {_names(mdp, blocks.transient[stuck])}, which the initial "
            "distribution reaches: the absorption time is infinite with positive probability"
        )
    return np.flatnonzero(reach)


def absorption_analysis(
    mdp: MDPLike, decision: ArrayLike | None, initial: Any, *, absorbing: ArrayLike | None = None
) -> AbsorptionResult:
    """Expected absorption time, visits and absorption probabilities of a stationary policy.

    Solves ``(1 - Q_d) v = p_T`` on the transient states reachable from
    ``p_0`` (Khatri App. A.3, eq. 170, 175-177; see the module docstring) by
    sparse LU, which loses about ``log10(E[tau])`` digits; where it finds
    more than 1e4 visits and there are at most 1000 such states, again by
    subtraction-free GTH elimination, which keeps every digit however rare
    absorption is (``E[tau] = 1e40`` is fine).

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP` or what :func:`~qdms.mdp.as_mdp` accepts.
    decision : decision ``(n, n_actions)``; ``None`` for a chain (one action).
    initial : ``p_0`` (vector or state index); mass on absorbing states is
        absorbed at ``t = 0``.
    absorbing : optional absorbing states (indices or mask); detected when omitted.

    Raises
    ------
    ValueError
        If the MDP has no absorbing state, or from some state reachable from
        ``p_0`` the chain never reaches one (the expected time is infinite).

    Examples
    --------
    Leave state 1 with probability 1/2 per step, to 0 or 2 alike:

    >>> T = [[1.0, 0.25, 0.0], [0.0, 0.5, 0.0], [0.0, 0.25, 1.0]]
    >>> res = absorption_analysis(T, None, 1)
    >>> res.expected_steps, res.absorption_probabilities
    (2.0, array([0.5, 0. , 0.5]))
    """
    mdp = as_mdp(mdp)
    mask = resolve_absorbing(mdp, absorbing)
    p0 = check_distribution("initial", initial, mdp.n_states)
    blocks = _blocks(_policy_matrix(mdp.transitions, _decision(mdp, decision)), mask)
    p_t = p0[blocks.transient]
    live = _proper_support(mdp, blocks, p_t)
    visits_t = np.zeros(blocks.transient.size)
    if live.size:
        q = blocks.q[live][:, live]
        exits = np.asarray(blocks.r[:, live].sum(axis=0)).ravel()
        visits_t[live] = solve_transient(q, exits, p_t[live])
    visits = np.zeros(mdp.n_states)
    visits[blocks.transient] = visits_t
    absorbed = np.zeros(mdp.n_states)
    absorbed[blocks.absorbing] = blocks.r @ visits_t + p0[blocks.absorbing]
    return AbsorptionResult(
        expected_steps=float(visits_t.sum()),
        visits=visits,
        absorption_probabilities=absorbed,
        transient=blocks.transient,
        absorbing=blocks.absorbing,
    )


def expected_absorption_time(
    mdp: MDPLike, decision: ArrayLike | None, initial: Any, *, absorbing: ArrayLike | None = None
) -> float:
    """``E[tau] = <1| (1 - Q_d)^{-1} |p_T>``, the expected number of steps to absorption (Khatri eq. 170).

    Same arguments and errors as :func:`absorption_analysis`.

    Examples
    --------
    >>> expected_absorption_time([[1.0, 0.25], [0.0, 0.75]], None, 1)
    4.0
    """
    return absorption_analysis(mdp, decision, initial, absorbing=absorbing).expected_steps


def absorption_time_pmf(
    mdp: MDPLike,
    decision: ArrayLike | None,
    initial: Any,
    *,
    steps: int | None = None,
    mass: float | None = None,
    absorbing: ArrayLike | None = None,
    max_steps: int = 10_000_000,
) -> NDArray[np.float64]:
    """Distribution ``Pr[tau = t]`` of the absorption time, for ``t = 0, 1, 2, ...``.

    ``Pr[tau = t] = <1| R_d Q_d^{t-1} |p_T>`` for ``t >= 1`` (the mass that
    leaves the transient states in step ``t``, computed from ``R_d`` directly,
    without the cancellation of ``1 - sum``), and ``Pr[tau = 0] = <1|p_A>``
    (0 when ``p_0`` is transient, Khatri's case).

    Parameters
    ----------
    mdp, decision, initial, absorbing : as in :func:`absorption_analysis`.
    steps : last time ``t`` returned (the array has ``steps + 1`` entries).
    mass : alternatively, stop at the first ``t`` with ``Pr[tau <= t] >= mass``,
        ``mass`` in ``(0, 1)``. Give exactly one of ``steps`` and ``mass``.
    max_steps : with ``mass``, give up (``ValueError``) past this many steps.

    Returns
    -------
    Array ``pmf`` with ``pmf[t] = Pr[tau = t]``.

    Examples
    --------
    >>> absorption_time_pmf([[1.0, 0.5], [0.0, 0.5]], None, 1, steps=3)
    array([0.   , 0.5  , 0.25 , 0.125])
    >>> absorption_time_pmf([[1.0, 0.5], [0.0, 0.5]], None, 1, mass=0.7).size  # t = 0, 1, 2
    3
    """
    mdp = as_mdp(mdp)
    if (steps is None) == (mass is None):
        raise ValueError("give exactly one of steps (a horizon) and mass (a probability in (0, 1))")
    mask = resolve_absorbing(mdp, absorbing)
    p0 = check_distribution("initial", initial, mdp.n_states)
    blocks = _blocks(_policy_matrix(mdp.transitions, _decision(mdp, decision)), mask)
    v = p0[blocks.transient]
    exits = np.asarray(blocks.r.sum(axis=0)).ravel()
    pmf = [float(p0[blocks.absorbing].sum())]
    if steps is not None:
        steps = check_int("steps", steps, low=0)
        for _ in range(steps):
            pmf.append(float(exits @ v))
            v = blocks.q @ v
        return np.array(pmf)
    mass = check_probability("mass", mass)
    if not 0.0 < mass < 1.0:
        raise ValueError(f"mass must lie in (0, 1), got {mass!r}")
    max_steps = check_int("max_steps", max_steps, low=1)
    _proper_support(mdp, blocks, v)
    total = pmf[0]
    while total < mass:
        if len(pmf) > max_steps:
            raise ValueError(
                f"Pr[tau <= {max_steps}] = {total!r} is still below mass = {mass!r}; "
                "raise max_steps or lower mass"
            )
        pmf.append(float(exits @ v))
        total += pmf[-1]
        v = blocks.q @ v
    return np.array(pmf)
