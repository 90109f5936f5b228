"""Graph algorithms on the support of the transition matrices (private).

Edges go from ``from`` to ``to`` wherever ``T[to, from] > 0``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import breadth_first_order

from .model import MDP

__all__ = ["almost_sure_reach", "backward_reachable", "forward_reachable"]


def forward_reachable(transition: sp.sparray, sources: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """States reachable (in >= 0 steps) from any source under the chain ``T[to, from]``."""
    n = transition.shape[0]
    if not sources.any():
        return np.zeros(n, dtype=bool)
    # Adjacency from -> to is T.T; add a virtual node n with edges to every source.
    adj = sp.csr_array(transition.T)
    src = np.flatnonzero(sources)
    extra_row = sp.csr_array(
        (np.ones(src.size), (np.zeros(src.size, dtype=int), src)), shape=(1, n)
    )
    aug = sp.csr_array(
        sp.vstack(
            [sp.hstack([adj, sp.csr_array((n, 1))]), sp.hstack([extra_row, sp.csr_array((1, 1))])]
        )
    )
    order = breadth_first_order(aug, n, directed=True, return_predecessors=False)
    out = np.zeros(n, dtype=bool)
    out[order[order < n]] = True
    return out


def backward_reachable(transition: sp.sparray, targets: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """States from which some target is reachable (in >= 0 steps) under the chain ``T[to, from]``."""
    return forward_reachable(sp.csc_array(transition.T), targets)


def almost_sure_reach(
    mdp: MDP, target: NDArray[np.bool_]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.int64]]:
    """States from which some stationary policy reaches ``target`` with probability 1.

    The classical fixed point: keep the candidate set ``K`` (initially all
    states); allow only actions whose successors all lie in ``K``; shrink
    ``K`` to the states that reach ``target`` with positive probability by
    allowed actions; repeat until ``K`` is stable.

    Returns
    -------
    winning : mask of such states (targets included).
    allowed : ``(n, n_actions)`` mask of the actions that keep the chain in
        ``winning`` (meaningful on ``winning``).
    action : per state, the allowed action with the largest probability of
        entering the set reached so far by the breadth-first search from
        ``target`` (lowest index on ties). The policy taking it is absorbed in
        ``target`` with probability 1 from every winning state. ``-1`` on
        targets and losing states.
    """
    n = mdp.n_states
    rows = [sp.csr_array(t) for t in mdp.transitions]  # row "to" lists its predecessors
    cols = mdp.transitions  # CSC: column "from" lists its successors
    good = np.ones(n, dtype=bool)
    while True:
        leaks = mdp.expected_next((~good).astype(float)) > 0
        allowed = ~leaks
        reached = target.copy()
        action = np.full(n, -1, dtype=np.int64)
        frontier = np.flatnonzero(target)
        while frontier.size:
            preds = np.unique(np.concatenate([_gather(r, frontier)[1] for r in rows]))
            cand = preds[~reached[preds]]
            if not cand.size:
                break
            inside = reached.astype(float)
            mass = np.empty((cand.size, len(cols)))
            for a, t in enumerate(cols):
                owner, to, p = _gather(t, cand)
                mass[:, a] = np.bincount(owner, weights=p * inside[to], minlength=cand.size)
            mass[~allowed[cand]] = 0.0
            best = np.argmax(mass, axis=1)
            ok = mass[np.arange(cand.size), best] > 0
            new = cand[ok]
            action[new] = best[ok]
            reached[new] = True
            frontier = new
        if np.array_equal(reached, good):
            return good, allowed, action
        good = reached


def _gather(
    m: sp.csr_array | sp.csc_array, major: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """The entries of the given rows (CSR) or columns (CSC): (position in ``major``, index, value)."""
    starts = m.indptr[major]
    lens = m.indptr[major + 1] - starts
    owner = np.repeat(np.arange(major.size), lens)
    offsets = np.arange(owner.size) - np.repeat(np.cumsum(lens) - lens, lens) + starts[owner]
    return owner, m.indices[offsets], m.data[offsets]
