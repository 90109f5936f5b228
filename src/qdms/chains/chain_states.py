"""States and one-step dynamics of a repeater chain of ``n`` elementary links with swaps and cutoffs.

The chain has nodes ``0, 1, ..., n``; elementary link ``i`` joins nodes ``i``
and ``i + 1``. Every end node has one memory and every intermediate node two,
a *left* one (towards node 0) and a *right* one, as in Iñesta, Vardoyan,
Scavuzzo and Wehner, npj Quantum Inf. 9, 46 (2023), arXiv:2207.06533, Fig. 1.

State
-----
A state is the set of entangled links stored in the chain, written as a
sorted tuple of ``(a, b, age, decay)`` with ``a < b``: nodes ``a`` and ``b``
share a pair held in the right memory of ``a`` and the left memory of ``b``
(an elementary link when ``b = a + 1``, a segment joined by swaps
otherwise). Each memory holds at most one pair, so at most one link starts
at each node and at most one ends at each node. ``age`` is the number of
steps since the *oldest* elementary link in it was heralded (0 in the step of
its heralding), the rule of Iñesta et al.; ``decay`` is the exponent of its
memory decay (see :func:`step_distribution`), 0 where it is not tracked.
Links form a laminar family: a link ``(a, b)`` with ``b >= a + 3`` leaves the
memories of the nodes strictly inside it free, and they may hold links that
lie strictly inside ``(a + 1, b - 1)`` (Iñesta et al. generate on every
physical link whose two memories are free).

One step, from ``X_t`` (the links at the end of step ``t``) to ``X_{t+1}``
-----------------------------------------------------------------------------
1. *Swaps*, at the end of step ``t``: the chosen nodes that hold a left and a
   right link measure them. Consecutive chosen nodes joined by links form a
   *run*; a run of ``k`` swaps succeeds with ``p_swap^k`` and leaves one link
   from its leftmost to its rightmost node, of age the maximum of the ages and
   decay the sum of the decays; otherwise every link of the run is discarded.
2. *Delivery*: if the link ``(0, n)`` now exists it is delivered, at step ``t``.
3. *Cutoff*: links of age ``cutoff`` are discarded (they were usable at ages
   ``0..cutoff``).
4. *Ageing*: step ``t + 1`` begins; every link ages by one, its decay grows by
   ``b - a`` (``decay="link"``: every elementary link in it keeps decaying)
   or by 1 (``decay="pair"``: it decays as one stored pair).
5. *Generation* in step ``t + 1``: every elementary link ``i`` whose two
   memories (the right one of node ``i``, the left one of node ``i + 1``) are
   free is heralded with probability ``p_i``, at age 0 and decay 0.

This is Khatri's two-link convention (AVS Quantum Sci. 4, 030501 (2022),
Sec. V; API.md) extended to ``n`` links, and Iñesta et al.'s environment
(states "just before swaps", links discarded after being usable at ages
``0..t_cut``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

__all__ = [
    "DELIVERED",
    "ChainLink",
    "ChainState",
    "step_distribution",
    "swappable_nodes",
]

#: A stored link ``(a, b, age, decay)``.
ChainLink = tuple[int, int, int, int]
#: A state: the sorted tuple of its links.
ChainState = tuple[ChainLink, ...]
#: Label of the absorbing state (the end-to-end pair has been delivered).
DELIVERED = "delivered"


def swappable_nodes(state: ChainState) -> tuple[int, ...]:
    """Nodes holding both a left and a right link, in increasing order.

    Examples
    --------
    >>> swappable_nodes(((0, 1, 0, 0), (1, 3, 2, 0)))
    (1,)
    """
    starts = {link[0] for link in state}
    return tuple(sorted(link[1] for link in state if link[1] in starts))


def _runs(by_start: dict, nodes: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for k in nodes:
        if runs and by_start[runs[-1][-1]][1] == k:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def _swap_outcomes(
    state: ChainState, nodes: Iterable[int], p_swap: float
) -> list[tuple[list[ChainLink], float]]:
    """Links after the swaps at ``nodes`` (sub-step 1), with their probabilities."""
    by_start = {link[0]: link for link in state}
    by_end = {link[1]: link for link in state}
    chosen = sorted(nodes)
    runs = _runs(by_start, chosen)
    used: set[ChainLink] = set()
    branches = []
    for run in runs:
        parts = [by_end[run[0]]] + [by_start[k] for k in run]
        used.update(parts)
        merged = (
            parts[0][0],
            parts[-1][1],
            max(link[2] for link in parts),
            sum(link[3] for link in parts),
        )
        success = p_swap ** len(run)
        options = [([merged], success)] if success > 0 else []
        if success < 1:
            options.append(([], 1.0 - success))
        branches.append(options)
    kept = [link for link in state if link not in used]
    outcomes = []
    for combo in itertools.product(*branches):
        links = list(kept)
        prob = 1.0
        for new, q in combo:
            links.extend(new)
            prob *= q
        outcomes.append((links, prob))
    return outcomes


def step_distribution(
    state: ChainState,
    nodes: Iterable[int],
    *,
    n_links: int,
    p_gen: Sequence[float],
    p_swap: float,
    cutoff: int | None,
    decay: str | None,
) -> dict[object, float]:
    """Distribution of the next state after swapping at ``nodes`` (the five sub-steps of the module notes).

    Parameters
    ----------
    state : the current state (links at the end of step ``t``).
    nodes : nodes that swap; each must hold a left and a right link.
    n_links : number ``n`` of elementary links.
    p_gen : heralding probability of each elementary link (length ``n``).
    p_swap : success probability of one swap.
    cutoff : largest usable age, or ``None`` (never discarded; ages not tracked, all 0).
    decay : ``"link"``, ``"pair"`` or ``None`` (decay not tracked, all 0).

    Returns
    -------
    ``{next state: probability}``; delivery is the key ``(DELIVERED, decay)``
    with the decay exponent of the delivered pair (0 when not tracked).

    Examples
    --------
    Two fresh links and a certain swap deliver at once:

    >>> state = ((0, 1, 0, 0), (1, 2, 0, 0))
    >>> step_distribution(state, [1], n_links=2, p_gen=[0.5, 0.5], p_swap=1.0,
    ...                   cutoff=3, decay=None)
    {('delivered', 0): 1.0}
    """
    out: dict[object, float] = {}
    for links, prob in _swap_outcomes(state, nodes, p_swap):
        final = next((link for link in links if link[0] == 0 and link[1] == n_links), None)
        if final is not None:
            key = (DELIVERED, final[3])
            out[key] = out.get(key, 0.0) + prob
            continue
        aged = []
        for a, b, age, dec in links:
            if cutoff is not None and age >= cutoff:
                continue  # sub-step 3: used up at ages 0..cutoff
            step = 0 if decay is None else (b - a if decay == "link" else 1)
            aged.append((a, b, age + (cutoff is not None), dec + step))
        starts = {link[0] for link in aged}
        ends = {link[1] for link in aged}
        free = [i for i in range(n_links) if i not in starts and i + 1 not in ends]
        options = []
        for i in free:
            p = p_gen[i]
            opts = [((i, i + 1, 0, 0), p)] if p > 0 else []
            if p < 1:
                opts.append((None, 1.0 - p))
            options.append(opts)
        for combo in itertools.product(*options):
            q = prob
            links_next = list(aged)
            for link, pr in combo:
                q *= pr
                if link is not None:
                    links_next.append(link)
            key = tuple(sorted(links_next))
            out[key] = out.get(key, 0.0) + q
    return out
