"""Monte Carlo simulation of the end-to-end protocol on a set of links (Khatri Fig. 8, Sec. IV).

Every trial runs the links' Markov chains step by step from inactive
(:mod:`qdms.links.elementary`), checks every ``round_steps`` steps whether all
are active, and then tries the joining operations (success
``join_probability``). What happens otherwise follows ``on_failure``:
``"continue"`` keeps the links running (a failed join discards all of them),
``"restart"`` discards all links after every unsuccessful round, ``"stop"``
ends the trial after one round. The result keeps each trial's waiting time
and the links' ages when the pair was delivered, so any function of them
(e.g. the delivered Werner parameter) can be averaged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .._validation import check_int, check_probability
from ..links import ElementaryLink, Policy

__all__ = ["DeliverySimulation", "simulate_delivery"]


@dataclass(frozen=True)
class DeliverySimulation:
    """Per-trial outcomes.

    Attributes
    ----------
    delivered : whether the trial delivered (always, unless ``"stop"``).
    waiting_steps : steps until delivery (0 where not delivered).
    ages : ``(trials, links)`` ages of the links at delivery (-1 where not delivered).
    """

    delivered: NDArray[np.bool_]
    waiting_steps: NDArray[np.int64]
    ages: NDArray[np.int64]

    def mean_waiting_steps(self) -> tuple[float, float]:
        """Mean and standard error of the waiting time over delivered trials."""
        w = self.waiting_steps[self.delivered].astype(float)
        return float(w.mean()), float(w.std(ddof=1) / np.sqrt(w.size))

    def mean_of(self, functions: Sequence[NDArray[np.float64]]) -> tuple[float, float]:
        """Mean and standard error of ``prod_i g_i(age_i)`` over delivered trials."""
        ages = self.ages[self.delivered]
        values = np.ones(ages.shape[0])
        for i, g in enumerate(functions):
            values *= np.asarray(g)[ages[:, i]]
        return float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size))


def simulate_delivery(
    links: Sequence[ElementaryLink],
    policies: Sequence[Policy],
    *,
    join_probability: float = 1.0,
    round_steps: int = 1,
    on_failure: str = "continue",
    trials: int,
    rng: np.random.Generator,
    max_steps: int = 10**7,
) -> DeliverySimulation:
    """Simulate ``trials`` runs of the protocol on ``links`` (see the module notes).

    Examples
    --------
    >>> from qdms.links import ElementaryLink, MemoryCutoff
    >>> sim = simulate_delivery([ElementaryLink(1.0, [1.0])] * 2, [MemoryCutoff(0)] * 2,
    ...                         trials=5, rng=np.random.default_rng(0))
    >>> sim.waiting_steps.tolist()
    [1, 1, 1, 1, 1]
    """
    p_join = check_probability("join_probability", join_probability)
    t0 = check_int("round_steps", round_steps, low=1)
    trials = check_int("trials", trials, low=1)
    if on_failure not in ("continue", "restart", "stop"):
        raise ValueError(f"on_failure must be 'continue', 'restart' or 'stop', got {on_failure!r}")
    n = len(links)
    decisions = [link.decision_function(pol) for link, pol in zip(links, policies, strict=True)]
    m_star = np.array([link.m_star for link in links])
    p = np.array([link.p for link in links])
    state = np.full((trials, n), -1, dtype=np.int64)
    running = np.ones(trials, dtype=bool)
    delivered = np.zeros(trials, dtype=bool)
    waiting = np.zeros(trials, dtype=np.int64)
    ages = np.full((trials, n), -1, dtype=np.int64)
    step = 0
    while running.any():
        step += 1
        if step > max_steps:
            raise RuntimeError(f"simulation exceeded max_steps={max_steps}")
        idx = np.flatnonzero(running)
        s = state[idx]
        for i in range(n):
            request = rng.random(idx.size) < decisions[i][s[:, i] + 1]
            success = rng.random(idx.size) < p[i]
            waited = np.where((s[:, i] >= 0) & (s[:, i] < m_star[i]), s[:, i] + 1, -1)
            s[:, i] = np.where(request, np.where(success, 0, -1), waited)
        state[idx] = s
        if step % t0:
            continue
        all_active = (s >= 0).all(axis=1)
        joined = all_active & (rng.random(idx.size) < p_join)
        done = idx[joined]
        delivered[done] = True
        waiting[done] = step
        ages[done] = s[joined]
        running[done] = False
        failed_join = idx[all_active & ~joined]
        if on_failure == "stop":
            running[idx] = False
        elif on_failure == "restart":
            state[idx[~joined]] = -1
        else:
            state[failed_join] = -1
    return DeliverySimulation(delivered, waiting, ages)
