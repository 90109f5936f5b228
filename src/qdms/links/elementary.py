"""The elementary-link Markov decision process (Khatri 2022, Sec. II, App. D, F, G).

States ``m = -1, 0, ..., m*`` (``-1`` inactive, ``m`` the age in memory of an
active link, ``m = 0`` in the step of heralding); actions ``0 = wait`` and
``1 = request``. Transitions (Khatri eq. 5-10, column convention
``T[to, from]``; array index ``i = m + 1``):

* wait: ``-1 -> -1``; ``m -> m + 1`` for ``0 <= m < m*``; ``m* -> -1`` (memory expired);
* request: any state ``-> 0`` with probability ``p``, ``-> -1`` otherwise.

Time starts inactive (``X_0 = -1``); in step ``t = 1, 2, ...`` the action is
drawn from the decision function in state ``X_{t-1}`` and the link moves to
``X_t``. The figure of merit is ``V_t = E[f(X_t)]`` with ``f(-1) = 0``
(eq. 19): the probability of being active times the fidelity.

Closed forms (re-derived; the text lost them):

* Theorem II.2 (eq. 27-31). For a stationary decision function with request
  probabilities ``d(m)``, let ``pi_m = prod_{j<m} (1 - d(j))`` (the chance a
  heralded link is still kept at age ``m``), ``L = sum_{m=0}^{m*} pi_m`` and
  ``c = (1 - p) + p pi_{m*} (1 - d(m*))``. The stationary probability of a
  fresh link is ``x_0 = p d(-1) / (c + p d(-1) L)``, and

      V_inf = x_0 sum_m pi_m f(m),    Pr[active]_inf = x_0 L.

* Eq. 35-37, memory cutoff ``t* <= m*``: ``pi_m = 1`` for ``m <= t*``, so
  ``V_inf = p sum_{m=0}^{t*} f(m) / (1 + p t*)``, activity
  ``p (t* + 1)/(1 + p t*)``, fidelity the mean of ``f(0..t*)``. Never
  discarding (``t* = None``) gives ``p sum_{m<=m*} f(m) / (1 + p (m* + 1))``.
* Theorem II.4: the best stationary policy is a memory cutoff, so
  ``max_{t*} p F(t*)/(1 + p t*)`` with ``F`` the cumulative sum of ``f`` is the
  optimal steady-state value; the LP of Prop. II.3 gives the same number.
* Theorem II.1: backward recursion ``W_T = f``,
  ``W_{j-1}(m) = max(W_j(wait(m)), p W_j(0) + (1 - p) W_j(-1))``; the optimum
  is ``W_0(-1)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_int_array, check_probability, check_probability_array
from .policies import ForwardRecursion, MemoryCutoff, Policy, StationaryPolicy

__all__ = ["ElementaryLink", "last_reachable_age"]


def _times(t: int | ArrayLike) -> tuple[NDArray[np.int64], bool]:
    arr = check_int_array("t", t, low=1, hint=" (time counts from the first request)")
    if arr.size == 0:
        raise ValueError("t must contain at least one time step")
    return arr, arr.ndim == 0


def last_reachable_age(decision: NDArray[np.float64]) -> int:
    """The oldest age a stationary decision (request probabilities over ``m = -1..m*``) can reach.

    From ``m = -1`` a link ages one step at a time until it is requested for
    sure; older ages are never visited.

    Examples
    --------
    >>> last_reachable_age(np.array([1.0, 0.0, 0.5, 1.0, 0.0]))
    2
    """
    certain = np.flatnonzero(decision[1:] >= 1.0)
    return int(certain[0]) if certain.size else decision.size - 2


@dataclass(frozen=True, eq=False)
class ElementaryLink:
    """An elementary link: heralding probability ``p`` and fidelities ``f[0..m*]``.

    Parameters
    ----------
    p : success probability of one request, in [0, 1].
    fidelities : ``f(m)`` for ``m = 0..m*``, each in [0, 1] (need not decrease);
        ``m* = len(fidelities) - 1`` is the maximum storage time.

    Examples
    --------
    >>> link = ElementaryLink(0.5, [1.0, 0.9, 0.8])
    >>> link.m_star
    2
    >>> round(link.steady_state_value(MemoryCutoff(1)), 12)   # p (f0 + f1)/(1 + p)
    0.633333333333
    """

    p: float
    fidelities: NDArray[np.float64]

    def __init__(self, p: float, fidelities: ArrayLike) -> None:
        object.__setattr__(self, "p", check_probability("p", p))
        f = check_probability_array("fidelities", fidelities, ndim=1)
        if f.size == 0:
            raise ValueError("fidelities must be non-empty: f(0) is the fidelity at heralding")
        f.setflags(write=False)
        object.__setattr__(self, "fidelities", f)

    def __repr__(self) -> str:
        return f"ElementaryLink(p={self.p!r}, m_star={self.m_star})"

    @classmethod
    def from_physics(cls, physics) -> ElementaryLink:
        """Link from a :class:`qdms.physics.LinkPhysics` (its ``p`` and ``f[0..m*]``)."""
        return cls(physics.success_probability, physics.fidelities)

    @property
    def m_star(self) -> int:
        """Maximum storage time ``m*``."""
        return self.fidelities.size - 1

    # ------------------------------------------------------------------ policies
    def decision_function(self, policy: Policy) -> NDArray[np.float64]:
        """Request probabilities over ``m = -1..m*`` (index ``m + 1``) for ``policy``.

        Examples
        --------
        >>> ElementaryLink(0.5, [1.0, 0.9, 0.8, 0.7]).decision_function(MemoryCutoff(1))
        array([1., 0., 1., 1., 1.])
        """
        n = self.m_star + 2
        if isinstance(policy, MemoryCutoff):
            d = np.ones(n)
            if policy.cutoff is None:
                d[1:] = 0.0
            else:
                if policy.cutoff > self.m_star:
                    raise ValueError(
                        f"cutoff must be in [0, m*={self.m_star}] or None, got {policy.cutoff}"
                    )
                d[1 : policy.cutoff + 1] = 0.0
            return d
        if isinstance(policy, StationaryPolicy):
            d = policy.request_probability
            if d.size != n:
                raise ValueError(
                    f"request_probability must have length m* + 2 = {n} (states -1..{self.m_star}), got {d.size}"
                )
            return np.array(d, dtype=float)
        if isinstance(policy, ForwardRecursion):
            f = self.fidelities
            gain = self.p * f[0]
            after_wait = np.append(f[1:], 0.0)  # waiting in m* expires the link
            d = np.empty(n)
            d[0] = 1.0
            d[1:] = (gain > after_wait).astype(float)
            return d
        raise TypeError(
            f"policy must be MemoryCutoff, StationaryPolicy or ForwardRecursion, got {policy!r}"
        )

    def transition_matrices(self):
        """The ``(wait, request)`` transition matrices as scipy sparse arrays, ``T[to, from]``.

        Index ``i = m + 1``; columns sum to one (Khatri eq. 5-10).

        Examples
        --------
        >>> wait, req = ElementaryLink(0.25, [1.0, 0.9]).transition_matrices()
        >>> wait.toarray()
        array([[1., 0., 1.],
               [0., 0., 0.],
               [0., 1., 0.]])
        >>> req.toarray()[:, 0]
        array([0.75, 0.25, 0.  ])
        """
        from scipy import sparse

        n = self.m_star + 2
        rows = [0] + list(range(2, n)) + [0]
        cols = [0] + list(range(1, n - 1)) + [n - 1]
        wait = sparse.csr_array((np.ones(n), (rows, cols)), shape=(n, n))
        req_rows = np.concatenate([np.zeros(n, int), np.ones(n, int)])
        req_cols = np.concatenate([np.arange(n), np.arange(n)])
        req_vals = np.concatenate([np.full(n, 1 - self.p), np.full(n, self.p)])
        request = sparse.csr_array((req_vals, (req_rows, req_cols)), shape=(n, n))
        return wait, request

    # ------------------------------------------------------------ finite times
    def _evolve(self, d: NDArray[np.float64], t_max: int, keep: set[int] | None = None):
        """Iterate the state distribution for ``t = 1..t_max``.

        ``d`` is one decision function (stationary) or an array of ``t_max``
        of them (one per step). Returns ``(value[t-1], activity[t-1], {t:
        distribution})``. For a stationary policy only the ages it can reach
        are tracked (the first certain request ends them).
        """
        p, f = self.p, self.fidelities
        schedule = np.broadcast_to(d, (t_max, d.shape[-1]))
        top = last_reachable_age(d) if d.ndim == 1 else self.m_star
        f_act = f[: top + 1]
        x = np.zeros(top + 1)
        u = 1.0
        values = np.empty(t_max)
        activity = np.empty(t_max)
        snapshots: dict[int, NDArray[np.float64]] = {}
        for step in range(1, t_max + 1):
            row = schedule[step - 1]
            d_act = row[1 : top + 2]
            expired = x[-1] * (1.0 - row[-1]) if top == self.m_star else 0.0
            attempts = u * row[0] + float(x @ d_act)
            u = (1.0 - p) * attempts + u * (1.0 - row[0]) + expired
            x[1:] = x[:-1] * (1.0 - d_act[:-1])
            x[0] = p * attempts
            active = float(x.sum())
            total = u + active  # 1 but for rounding, whose drift would grow like t eps
            u, x, active = u / total, x / total, active / total
            values[step - 1] = float(x @ f_act)
            activity[step - 1] = active
            if keep and step in keep:
                full = np.zeros(self.m_star + 2)
                full[0] = u
                full[1 : top + 2] = x
                snapshots[step] = full
        return values, activity, snapshots

    def _at_times(
        self, d: NDArray[np.float64], times: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(V_t, Pr[active at t])`` at the given times under the stationary decision ``d``.

        Step by step (:meth:`_evolve`) up to the largest time, unless that is
        far (beyond 1e5 steps, a satellite link's rise with ``p = 1e-7``) and
        the times are few and the chain small: then the distribution jumps
        from one time to the next by powers of the transition matrix
        (repeated squaring), ``O(n^3 log t)`` instead of ``O(n t)``.
        """
        t_max = int(times.max())
        top = last_reachable_age(d)
        n = top + 2
        if t_max <= 100_000 or n > 200 or np.unique(times).size * 1000 > t_max:
            values, activity, _ = self._evolve(d, t_max)
            return values[times - 1], activity[times - 1]
        wait, request = self.transition_matrices()
        t_d = (wait @ np.diag(1.0 - d) + request @ np.diag(d))[:n, :n]  # ages -1..top
        f = np.concatenate([[0.0], self.fidelities[: top + 1]])
        state = np.eye(n)[0]
        now = 0
        values, activity = np.empty(times.shape), np.empty(times.shape)
        for t in np.unique(times):
            gap, power = int(t) - now, t_d
            while gap:  # state <- T^gap state; every product renormalised to total mass 1,
                if gap & 1:  # or the rounding drift of the mass grows like t eps
                    state = power @ state
                    state /= state.sum()
                gap >>= 1
                if gap:
                    power = power @ power
                    power /= power.sum(axis=0)
            now = int(t)
            values[times == t], activity[times == t] = state @ f, state[1:].sum()
        return values, activity

    def schedule_values(
        self, decisions: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(V_t, Pr[active at t])`` for ``t = 1..T`` under a time-dependent policy.

        ``decisions[j - 1]`` holds the request probabilities over ``m = -1..m*``
        used in step ``j`` (e.g. the output of :meth:`optimal_policy`).

        Examples
        --------
        >>> link = ElementaryLink(0.5, [1.0, 0.6, 0.5])
        >>> value, decisions = link.optimal_policy(3)
        >>> link.schedule_values(decisions)[0].round(6).tolist()
        [0.5, 0.5, 0.55]
        """
        d = check_probability_array("decisions", decisions, ndim=2)
        if d.shape[1] != self.m_star + 2:
            raise ValueError(
                f"decisions must have m* + 2 = {self.m_star + 2} columns, got {d.shape[1]}"
            )
        if d.shape[0] == 0:
            raise ValueError("decisions must hold at least one step")
        values, activity, _ = self._evolve(d, d.shape[0])
        return values, activity

    def state_distribution(self, t: int, policy: Policy) -> NDArray[np.float64]:
        """``Pr[X_t = m]`` for ``m = -1..m*`` (index ``m + 1``), eq. 153-155.

        Examples
        --------
        >>> ElementaryLink(0.5, [1.0, 0.9]).state_distribution(2, MemoryCutoff(None))
        array([0.25, 0.25, 0.5 ])
        """
        step = check_int("t", t, low=1)
        _, _, snaps = self._evolve(self.decision_function(policy), step, keep={step})
        return snaps[step]

    def value(self, t: int | ArrayLike, policy: Policy):
        """``V_t = Pr[active at t] * E[fidelity | active]`` (Khatri eq. 19), vectorised over ``t >= 1``.

        Examples
        --------
        >>> ElementaryLink(0.5, [1.0, 0.9]).value([1, 2, 3], MemoryCutoff(None)).round(6)
        array([0.5 , 0.7 , 0.35])
        """
        times, scalar = _times(t)
        out, _ = self._at_times(self.decision_function(policy), times)
        return float(out) if scalar else out

    def activity_probability(self, t: int | ArrayLike, policy: Policy):
        """``Pr[X_t != -1]``, the probability the link is active at ``t`` (Khatri eq. 20).

        Examples
        --------
        >>> ElementaryLink(0.5, [1.0, 0.9]).activity_probability([1, 2], MemoryCutoff(0)).tolist()
        [0.5, 0.5]
        """
        times, scalar = _times(t)
        _, out = self._at_times(self.decision_function(policy), times)
        return float(out) if scalar else out

    def expected_fidelity(self, t: int | ArrayLike, policy: Policy):
        """``F_t = V_t / Pr[active at t]`` (Khatri eq. 21).

        Raises ``ValueError`` where the link cannot be active (e.g. ``p = 0``).

        Examples
        --------
        >>> round(ElementaryLink(0.5, [1.0, 0.9]).expected_fidelity(2, MemoryCutoff(None)), 12)
        0.933333333333
        """
        times, scalar = _times(t)
        values, act = self._at_times(self.decision_function(policy), times)
        if np.any(act <= 0):
            bad = times[act <= 0].ravel()[0]
            raise ValueError(
                f"the link is never active at t={bad}: its expected fidelity is undefined"
            )
        out = values / act
        return float(out) if scalar else out

    # ------------------------------------------------------------ steady state
    def _check_aperiodic(self, d: NDArray[np.float64]) -> None:
        if self.p < 1.0 or d[0] == 0.0:
            return
        keep = np.concatenate([[1.0], np.cumprod(1.0 - d[1:-1])])  # pi_m, m = 0..m*
        leave = keep * d[1:]
        lengths = [m + 1 for m in np.flatnonzero(leave > 0)]
        if keep[-1] * (1.0 - d[-1]) > 0:  # expiry: one idle step in -1
            if d[0] < 1.0:
                return  # -1 has a self-loop
            lengths.append(self.m_star + 2)
        period = math.gcd(*lengths) if lengths else 1
        if period > 1:
            raise ValueError(
                f"with p = 1 this policy makes the link periodic (period {period}): "
                "V_t oscillates and has no steady-state limit"
            )

    def _steady(self, policy: Policy) -> tuple[float, float]:
        d = self.decision_function(policy)
        self._check_aperiodic(d)
        p = self.p
        if d[0] == 0.0 or p == 0.0:
            return 0.0, 0.0
        keep = np.concatenate([[1.0], np.cumprod(1.0 - d[1:-1])])  # pi_m
        lifetime = float(keep.sum())
        c = (1.0 - p) + p * keep[-1] * (1.0 - d[-1])
        x0 = p * d[0] / (c + p * d[0] * lifetime)
        return float(x0 * (keep @ self.fidelities)), float(x0 * lifetime)

    def steady_state_value(self, policy: Policy) -> float:
        """``lim V_t`` under a stationary policy (Theorem II.2; eq. 35 for the cutoff).

        Raises ``ValueError`` when the limit does not exist (``p = 1`` and a
        periodic policy, e.g. a cutoff >= 1; API.md).

        Examples
        --------
        >>> round(ElementaryLink(0.2, [1.0, 0.9, 0.8]).steady_state_value(MemoryCutoff(2)), 12)
        0.385714285714
        """
        return self._steady(policy)[0]

    def steady_state_activity(self, policy: Policy) -> float:
        """``lim Pr[active at t]``; ``p (t* + 1)/(1 + p t*)`` for a cutoff ``t*`` (eq. 36).

        Examples
        --------
        >>> round(ElementaryLink(0.2, [1.0, 0.9, 0.8]).steady_state_activity(MemoryCutoff(2)), 12)
        0.428571428571
        """
        return self._steady(policy)[1]

    def steady_state_fidelity(self, policy: Policy) -> float:
        """``lim F_t``: steady-state value over steady-state activity (eq. 37).

        Examples
        --------
        >>> round(ElementaryLink(0.2, [1.0, 0.9, 0.8]).steady_state_fidelity(MemoryCutoff(2)), 12)
        0.9
        """
        value, activity = self._steady(policy)
        if activity == 0:
            raise ValueError(
                "the link is never active in the steady state: its fidelity is undefined"
            )
        return value / activity

    def cutoff_values(self) -> NDArray[np.float64]:
        """Steady-state value of every memory cutoff ``t* = 0..m*`` (eq. 35), vectorised.

        Examples
        --------
        >>> ElementaryLink(0.2, [1.0, 0.9, 0.8]).cutoff_values().round(6)
        array([0.2     , 0.316667, 0.385714])
        """
        cutoffs = np.arange(self.m_star + 1)
        return self.p * np.cumsum(self.fidelities) / (1.0 + self.p * cutoffs)

    def optimal_cutoff(self) -> tuple[int, float]:
        """The memory cutoff with the largest steady-state value, and that value (Theorem II.4).

        Ties go to the smallest cutoff. With ``p = 1`` the only cutoff with a
        limit is 0 (the others are periodic), and it is optimal there.

        Examples
        --------
        >>> link = ElementaryLink(0.1, [1.0, 0.95, 0.9, 0.2])
        >>> cutoff, value = link.optimal_cutoff()
        >>> cutoff, round(value, 6)
        (2, 0.2375)
        """
        if self.p >= 1.0:
            return 0, float(self.fidelities[0])
        values = self.cutoff_values()
        best = int(np.argmax(values))
        return best, float(values[best])

    # ------------------------------------------------------------ optimisation
    def mdp(self):
        """This link as a :class:`qdms.mdp.MDP` (actions wait, request; state index ``m + 1``).

        Examples
        --------
        >>> ElementaryLink(0.5, [1.0, 0.9]).mdp().n_states
        3
        """
        from ..mdp import MDP

        labels = tuple(range(-1, self.m_star + 1))
        return MDP(
            list(self.transition_matrices()), state_labels=labels, action_labels=("wait", "request")
        )

    def lp_optimal_policy(self) -> tuple[float, StationaryPolicy]:
        """Optimal steady-state value and a policy attaining it, by the LP of Prop. II.3.

        Prop. II.3 is Prop. A.2 (:func:`qdms.mdp.steady_state_lp`) on this
        link's MDP with ``f(-1) = 0``; its optimum equals :meth:`optimal_cutoff`'s
        value (Theorem II.4). The LP maximises the long-run average, which is
        the limit wherever the limit exists.

        Examples
        --------
        >>> value, policy = ElementaryLink(0.1, [1.0, 0.95, 0.9, 0.2]).lp_optimal_policy()
        >>> round(value, 9), policy.request_probability[:4].tolist()   # m = 3 is never reached
        (0.2375, [1.0, 0.0, 0.0, 1.0])

        """
        from ..mdp import steady_state_lp

        # LP scale (qdms.mdp.linear_programs notes): an active state is ~p times as likely
        # as the inactive one; without it HiGHS cannot see a link with p = 1e-9.
        scale = np.concatenate([[1.0], np.full(self.m_star + 1, self.p)]) if self.p > 0 else None
        result = steady_state_lp(self.mdp(), np.concatenate([[0.0], self.fidelities]), scale=scale)
        return float(result.value), StationaryPolicy(result.decision[:, 1])

    def lp_optimal_value(self) -> float:
        """The optimal steady-state value by the LP of Prop. II.3 (see :meth:`lp_optimal_policy`).

        Examples
        --------
        >>> round(ElementaryLink(0.1, [1.0, 0.95, 0.9, 0.2]).lp_optimal_value(), 9)
        0.2375
        """
        return self.lp_optimal_policy()[0]

    def optimal_policy(self, horizon: int) -> tuple[float, NDArray[np.int8]]:
        """Optimal ``V_horizon`` over all policies, by backward recursion (Theorem II.1, eq. 23-26).

        Returns
        -------
        (value, decisions) with ``decisions[j - 1, m + 1]`` the optimal action
        (0 wait, 1 request) in step ``j = 1..horizon`` and state ``m``; ties
        request when inactive and wait when active.

        Examples
        --------
        >>> value, decisions = ElementaryLink(0.5, [1.0, 0.6, 0.5]).optimal_policy(3)
        >>> round(value, 6), decisions[:, :2].tolist()
        (0.55, [[1, 0], [1, 1], [1, 0]])
        """
        horizon = check_int("horizon", horizon, low=1)
        p = self.p
        w = np.concatenate([[0.0], self.fidelities])  # W_T over states -1..m*
        decisions = np.empty((horizon, w.size), dtype=np.int8)
        for j in range(horizon, 0, -1):
            request = p * w[1] + (1.0 - p) * w[0]
            wait = np.empty_like(w)
            wait[0] = w[0]
            wait[1:-1] = w[2:]
            wait[-1] = w[0]
            choose = request > wait
            choose[0] = request >= wait[0]  # nothing is lost by requesting when inactive
            decisions[j - 1] = choose
            w = np.where(choose, request, wait)
        return float(w[0]), decisions

    def optimal_time(
        self, policy: Policy | None = None, *, max_time: int | None = None
    ) -> tuple[int, float]:
        """The time ``t`` maximising ``V_t`` under ``policy`` (default never discard; eq. 333, Fig. 16).

        Searches ``t = 1..max_time`` (default ``4 (m* + 2) + ceil(50 / p)``,
        at most 10^6); the earliest maximiser wins.

        Examples
        --------
        >>> t, value = ElementaryLink(0.3, [1.0, 0.99, 0.98, 0.97, 0.5]).optimal_time()
        >>> t, round(value, 6)
        (4, 0.74523)
        """
        policy = MemoryCutoff(None) if policy is None else policy
        if max_time is None:
            extra = 10**6 if self.p == 0 else math.ceil(50.0 / self.p)
            max_time = min(4 * (self.m_star + 2) + extra, 10**6)
        max_time = check_int("max_time", max_time, low=1)
        values, _, _ = self._evolve(self.decision_function(policy), max_time)
        best = int(np.argmax(values))
        return best + 1, float(values[best])
