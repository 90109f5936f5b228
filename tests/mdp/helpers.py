"""Independent references for the qdms.mdp tests: dense linear algebra, enumeration, Monte Carlo.

Nothing here calls qdms.mdp: these are the brute-force computations the
library is checked against.
"""

from __future__ import annotations

import itertools

import numpy as np


def random_stochastic(
    rng: np.random.Generator, n: int, *, support: int | None = None
) -> np.ndarray:
    """A dense column-stochastic matrix ``T[to, from]``; each column has ``support`` nonzeros."""
    t = np.zeros((n, n))
    for j in range(n):
        m = n if support is None else support
        rows = rng.choice(n, size=m, replace=False)
        t[rows, j] = rng.dirichlet(np.ones(m))
    return t


def random_mdp(rng, n, k, *, support=None) -> np.ndarray:
    """Stack ``(k, n, n)`` of random column-stochastic matrices."""
    return np.array([random_stochastic(rng, n, support=support) for _ in range(k)])


def random_absorbing_mdp(rng, n_transient, n_absorbing, k, *, support=None) -> np.ndarray:
    """States ``0..n_transient-1`` transient, the rest absorbing (identity columns).

    Action 0 leaves every transient state for an absorbing one with
    probability >= 0.05, so some policy always absorbs.
    """
    n = n_transient + n_absorbing
    out = np.zeros((k, n, n))
    for a in range(k):
        for j in range(n_transient):
            m = n if support is None else support
            rows = rng.choice(n, size=m, replace=False)
            out[a, rows, j] = rng.dirichlet(np.ones(m))
            if a == 0:
                out[a, :, j] *= 0.95
                out[a, n_transient + rng.integers(n_absorbing), j] += 0.05
        out[a, n_transient:, n_transient:] = np.eye(n_absorbing)
    return out


def all_deterministic(n: int, k: int):
    """Every deterministic decision as a one-hot ``(n, k)`` array."""
    for actions in itertools.product(range(k), repeat=n):
        d = np.zeros((n, k))
        d[np.arange(n), actions] = 1.0
        yield d


def dense_policy_matrix(stack: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``T_d[to, from] = sum_a d(a|from) T_a[to, from]`` by an explicit loop (Khatri eq. 148)."""
    k, n, _ = stack.shape
    out = np.zeros((n, n))
    for a in range(k):
        for j in range(n):
            out[:, j] += d[j, a] * stack[a, :, j]
    return out


def reachability(t: np.ndarray) -> np.ndarray:
    """``R[i, j]`` true when ``j`` is reachable from ``i`` in >= 0 steps (edges T[to, from] > 0)."""
    n = t.shape[0]
    r = (t.T > 0) | np.eye(n, dtype=bool)
    for _ in range(int(np.ceil(np.log2(max(n, 2)))) + 1):
        r = (r.astype(int) @ r.astype(int)) > 0
    return r


def dense_closed_classes(t: np.ndarray) -> list[np.ndarray]:
    """Closed communicating classes from the transitive closure."""
    r = reachability(t)
    classes, seen = [], set()
    for i in range(t.shape[0]):
        if i in seen:
            continue
        cls = np.flatnonzero(r[i] & r[:, i])
        seen.update(cls.tolist())
        if np.array_equal(np.flatnonzero(r[i]), cls):
            classes.append(cls)
    return classes


def null_space_distribution(t: np.ndarray) -> np.ndarray:
    """The stationary distribution of an irreducible block by SVD of ``T - I``."""
    _, _, vh = np.linalg.svd(t - np.eye(t.shape[0]))
    v = vh[-1]
    return v / v.sum()


def best_stationary_value(t: np.ndarray, r_d: np.ndarray) -> float:
    """Max over closed classes of ``sum pi r_d`` (the multichain steady-state optimum of one policy)."""
    best = -np.inf
    for cls in dense_closed_classes(t):
        pi = null_space_distribution(t[np.ix_(cls, cls)])
        best = max(best, float(pi @ r_d[cls]))
    return best


def simulate(rng, stack, policy, initial, steps, size, *, stop=None):
    """Monte Carlo paths of the MDP; returns states ``(steps + 1, size)``.

    ``policy(t)`` gives the decision ``d_t`` for step ``t``. With ``stop``
    (a boolean mask) chains that enter it stay put (absorbed).
    """
    n = stack.shape[1]
    cdf = np.cumsum(stack, axis=1)  # [a, to, from]
    cdf[:, -1, :] = 1.0
    x = rng.choice(n, size=size, p=initial)
    out = np.empty((steps + 1, size), dtype=np.int64)
    out[0] = x
    for t in range(1, steps + 1):
        d = policy(t)
        dcdf = np.cumsum(d, axis=1)
        dcdf[:, -1] = 1.0
        a = (rng.random(size)[:, None] > dcdf[x]).sum(axis=1)
        nxt = (rng.random(size)[:, None] > cdf[a, :, x]).sum(axis=1)
        if stop is not None:
            nxt = np.where(stop[x], x, nxt)
        x = nxt
        out[t] = x
    return out
