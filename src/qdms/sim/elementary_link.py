"""Monte Carlo simulation of an elementary link under a policy.

Simulates ``trials`` independent links step by step, exactly as the
elementary-link MDP prescribes (``qdms.links.elementary``): from ``X_0 = -1``,
in step ``t`` the action is drawn from the decision function in ``X_{t-1}``;
"request" heralds a fresh link (``m = 0``) with probability ``p``; "wait"
ages an active link by one step, and an active link of age ``m*`` that waits
expires (``m = -1``). Used to cross-check the analytic layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_probability, check_probability_array

__all__ = ["LinkSimulation", "simulate_elementary_link"]


@dataclass(frozen=True)
class LinkSimulation:
    """Per-step sample means over the trials (index ``t - 1``) and their standard errors.

    Attributes
    ----------
    value, value_se : mean and standard error of ``f(X_t)`` (``f(-1) = 0``).
    activity, activity_se : mean and standard error of ``[X_t != -1]``.
    final_states : ``X_T`` of every trial (``-1`` inactive).
    first_active : first step at whose end each trial was active (0 if never).
    """

    value: NDArray[np.float64]
    value_se: NDArray[np.float64]
    activity: NDArray[np.float64]
    activity_se: NDArray[np.float64]
    final_states: NDArray[np.int64]
    first_active: NDArray[np.int64]


def simulate_elementary_link(
    p: float,
    fidelities: ArrayLike,
    decisions: ArrayLike,
    steps: int,
    trials: int,
    rng: np.random.Generator,
) -> LinkSimulation:
    """Simulate ``trials`` links for ``steps`` steps.

    Parameters
    ----------
    p : heralding success probability.
    fidelities : ``f[0..m*]``.
    decisions : request probabilities over ``m = -1..m*`` (stationary) or an
        array ``(steps, m* + 2)`` of them (one row per step, time-dependent).
    steps, trials : numbers of steps and independent links.
    rng : the random generator (results are reproducible from its seed).

    Examples
    --------
    >>> sim = simulate_elementary_link(1.0, [1.0], [1.0, 1.0], 3, 10, np.random.default_rng(0))
    >>> sim.activity.tolist()
    [1.0, 1.0, 1.0]
    """
    p = check_probability("p", p)
    f = check_probability_array("fidelities", fidelities, ndim=1)
    steps = check_int("steps", steps, low=1)
    trials = check_int("trials", trials, low=1)
    d = check_probability_array("decisions", decisions)
    n = f.size + 1
    if d.ndim == 1:
        d = np.broadcast_to(d, (steps, d.size))
    if d.shape != (steps, n):
        raise ValueError(f"decisions must have shape ({n},) or ({steps}, {n}), got {d.shape}")
    m_star = f.size - 1
    f_ext = np.concatenate([[0.0], f])  # index m + 1
    state = np.full(trials, -1, dtype=np.int64)
    first = np.zeros(trials, dtype=np.int64)
    value = np.empty(steps)
    value_se = np.empty(steps)
    activity = np.empty(steps)
    activity_se = np.empty(steps)
    for t in range(steps):
        request = rng.random(trials) < d[t, state + 1]
        success = rng.random(trials) < p
        waited = np.where(state == m_star, -1, np.where(state >= 0, state + 1, -1))
        state = np.where(request, np.where(success, 0, -1), waited)
        active = state >= 0
        first = np.where((first == 0) & active, t + 1, first)
        fv = f_ext[state + 1]
        value[t] = fv.mean()
        value_se[t] = fv.std(ddof=1) / np.sqrt(trials) if trials > 1 else np.inf
        activity[t] = active.mean()
        activity_se[t] = active.std(ddof=1) / np.sqrt(trials) if trials > 1 else np.inf
    return LinkSimulation(value, value_se, activity, activity_se, state, first)
