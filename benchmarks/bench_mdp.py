"""Timings of qdms.mdp on random sparse MDPs of 10^3 to 10^5 states.

Two families, two actions, four successors per state and action:

- "local": the two neighbours, one successor within +-5 states and, with
  probability 0.05, a reset to state 1 (banded plus one dense row, like the
  link MDPs, where "request" resets the memory), where sparse LU is cheap;
- "random": the next state (mod n) and three successors drawn uniformly (an
  expander graph), where sparse LU fills in and policy evaluation goes to
  GMRES.

The absorbing variants make every 50th state absorbing. Figures are medians
of warm calls; run with OPENBLAS_NUM_THREADS=1 on a shared machine (BLAS
threads contending for cores slow GMRES down by an order of magnitude).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import scipy.sparse as sp

from benchmarks.timing import median_time, report
from qdms.mdp import (
    MDP,
    absorption_analysis,
    absorption_time_lp,
    absorption_time_policy_iteration,
    absorption_time_value_iteration,
    average_reward_policy_iteration,
    backward_recursion,
    relative_value_iteration,
    state_distributions,
    stationary_distribution,
    steady_state_lp,
)

SUCCESSORS = 4
WINDOW = 5
RESET = 0.05


def random_mdp(n: int, family: str, *, seed: int, absorbing_every: int | None = None) -> MDP:
    """A random sparse MDP with two actions (columns are "from" states)."""
    rng = np.random.default_rng(seed)
    states = np.arange(n)
    mats = []
    for _ in range(2):
        cols = np.repeat(states, SUCCESSORS)
        vals = rng.dirichlet(np.ones(SUCCESSORS), size=n)
        if family == "local":
            rows = np.clip(cols + rng.integers(-WINDOW, WINDOW + 1, size=cols.size), 0, n - 1)
            rows[0::SUCCESSORS] = np.maximum(states - 1, 0)  # a birth-death backbone
            rows[1::SUCCESSORS] = np.minimum(states + 1, n - 1)
            rows[2::SUCCESSORS] = 1  # a reset, as "request" in a link MDP
            vals[:, 2] = RESET
            vals[:, [0, 1, 3]] *= (1 - RESET) / vals[:, [0, 1, 3]].sum(axis=1, keepdims=True)
        else:
            rows = rng.integers(0, n, size=cols.size)
            rows[0::SUCCESSORS] = (states + 1) % n  # a cycle backbone: irreducible
        vals = vals.ravel()
        if absorbing_every:
            keep = cols % absorbing_every != 0
            stops = np.arange(0, n, absorbing_every)
            rows = np.concatenate([rows[keep], stops])
            vals = np.concatenate([vals[keep], np.ones(stops.size)])
            cols = np.concatenate([cols[keep], stops])
        mats.append(sp.csc_array((vals, (rows, cols)), shape=(n, n)))
    return MDP(mats)


def cases(n: int, family: str) -> list[tuple[str, Callable[[], object]]]:
    """The timed calls for one random MDP (and its absorbing variant).

    Linear programs on expander graphs are expensive for HiGHS (31 s for A.2
    and 52 s for A.4 at n = 3000), so the random family runs them only at
    n = 1000; value iteration on the local family stops at 10^4.
    """
    mdp = random_mdp(n, family, seed=n)
    absorbing = random_mdp(n, family, seed=n + 1, absorbing_every=50)
    f = np.random.default_rng(0).random(n)
    d = np.zeros((n, 2))
    d[:, 0] = 1.0
    p0 = np.full(n, 1.0 / n)
    out = [
        ("state_distributions, 100 steps", partial(state_distributions, mdp, d, p0, 100)),
        ("backward_recursion, 100 steps", partial(backward_recursion, mdp, f, 100)),
        ("stationary_distribution", partial(stationary_distribution, mdp, d)),
        ("absorption_analysis", partial(absorption_analysis, absorbing, d, p0)),
        ("average_reward_policy_iteration", partial(average_reward_policy_iteration, mdp, f)),
        (
            "absorption_time_policy_iteration",
            partial(absorption_time_policy_iteration, absorbing, initial=p0),
        ),
    ]
    if family == "random" or n <= 10_000:
        out += [
            ("relative_value_iteration, tol 1e-10", partial(relative_value_iteration, mdp, f)),
            (
                "absorption_time_value_iteration, tol 1e-10",
                partial(absorption_time_value_iteration, absorbing, initial=p0),
            ),
        ]
    if family == "local" or n <= 1_000:
        out += [
            ("steady_state_lp (Prop. A.2)", partial(steady_state_lp, mdp, f)),
            ("absorption_time_lp (Prop. A.4)", partial(absorption_time_lp, absorbing, p0)),
        ]
    return out


def main(sizes: tuple[int, ...] = (1_000, 3_000, 10_000, 100_000)) -> None:
    for family in ("local", "random"):
        for n in sizes:
            repeat, warmup = (3, 1) if n <= 10_000 else (1, 0)
            for label, fn in cases(n, family):
                seconds = median_time(fn, repeat=repeat, warmup=warmup)
                report(f"{family:>6} n={n:<7d} {label}", seconds)


if __name__ == "__main__":
    main()
