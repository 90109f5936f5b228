"""Waiting times of collections of elementary links and of virtual links (Khatri 2022, Sec. IV.2).

Links are independent (each runs its own policy with its own memories,
Khatri eq. 91). The *collective waiting time* of a set of links (Def. IV.3,
eq. 96-97) is the first step at whose end all of them are active; time
starts with every link inactive and the first request in step 1 (DESIGN.md).

* Never discard, unbounded memory (``cutoffs=None``): active links stay
  active, so ``W = max_i G_i`` with ``G_i`` geometric. Conditioning on the
  links still inactive gives a recursion with positive terms only,

      E[S] (1 - prod_{i in S} q_i) = 1 + sum_{S' subset S, S' != S} P(S -> S') E[S'],

  ``P(S -> S') = prod_{i in S'} q_i prod_{i in S - S'} p_i``, ``q = 1 - p`` (the
  recursion of Khatri App. I). For ``n`` identical links it gives eq. 98,
  ``E[W] = sum_k (-1)^{k+1} C(n, k) / (1 - q^k)``, without its cancellations;
  links with equal ``p`` are grouped so the cost grows with the number of
  distinct probabilities, not with ``2^n``.
* Memory cutoffs (and any stationary elementary-link policies): the product
  of the links' Markov chains, absorbed when all are active; the expected
  absorption time is one sparse linear solve (``(I - Q) h = 1``), and the
  expected value of any function of the links' ages at that moment another.

The *virtual-link waiting time* (Def. IV.4, eq. 99) repeats "wait until all
links of the path are active, then join" until the join succeeds (success
probability ``p_join``, failure discards every link): ``E = E[W] / p_join``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.sparse.linalg import spsolve

from .._validation import check_int, check_positive, check_probability, check_probability_array
from ..links import ElementaryLink, MemoryCutoff, Policy, last_reachable_age

__all__ = [
    "MAX_PRODUCT_STATES",
    "CollectiveDelivery",
    "collective_delivery",
    "collective_waiting_time",
    "virtual_link_waiting_time",
]

#: Largest product state space solved exactly.
MAX_PRODUCT_STATES = 3_000_000
#: Largest number of joint transitions (non-zeros of the product matrix) built.
MAX_PRODUCT_NONZEROS = 40_000_000


def _never_discard_waiting_time(p: NDArray[np.float64]) -> float:
    """E[max of independent geometrics] by the positive recursion over inactive counts per group."""
    values, counts = np.unique(p, return_counts=True)
    if np.any(values == 0):
        return math.inf
    groups = list(zip(values.tolist(), counts.tolist(), strict=True))
    log_q = [math.log1p(-v) if v < 1 else -math.inf for v, _ in groups]

    @cache
    def binom_row(n: int, g: int) -> tuple[float, ...]:
        # P(j of n inactive links of group g stay inactive) for j = 0..n
        v = groups[g][0]
        if v >= 1:
            return tuple([1.0] + [0.0] * n)
        return tuple(math.comb(n, j) * (1 - v) ** j * v ** (n - j) for j in range(n + 1))

    @cache
    def expected(state: tuple[int, ...]) -> float:
        if not any(state):
            return 0.0
        stay = math.fsum(n * lq for n, lq in zip(state, log_q, strict=True) if n)
        leave = -math.expm1(stay) if stay > -math.inf else 1.0  # 1 - P(no inactive link heralds)
        total = 1.0
        for nxt in np.ndindex(*(n + 1 for n in state)):
            if nxt == state:
                continue
            prob = 1.0
            for g, (n, j) in enumerate(zip(state, nxt, strict=True)):
                prob *= binom_row(n, g)[j]
            if prob:
                total += prob * expected(tuple(nxt))
        return total / leave if leave > 0 else math.inf

    return expected(tuple(counts.tolist()))


@dataclass(frozen=True)
class CollectiveDelivery:
    """The moment all links of a set are first active together.

    Attributes
    ----------
    mean_waiting_time : E[W] in steps (>= 1).
    age_distribution : for each link, the marginal probabilities of its age
        ``0..m*`` at that moment.
    mean_product : the expected value of ``prod_i g_i(age_i)`` for the
        functions given (1.0 when none were given).
    absorption : probability of each joint all-active state at that moment.
    ages : for each link, its age in each of those joint states.
    """

    mean_waiting_time: float
    age_distribution: tuple[NDArray[np.float64], ...]
    mean_product: float
    absorption: NDArray[np.float64] = field(repr=False)
    ages: tuple[NDArray[np.int64], ...] = field(repr=False)

    def expect(self, functions: Sequence[ArrayLike | None]) -> float:
        """``E[prod_i g_i(age_i)]`` at delivery; ``None`` stands for ``g_i = 1``.

        Examples
        --------
        >>> from qdms.links import ElementaryLink, MemoryCutoff
        >>> a = ElementaryLink(0.5, [1.0, 0.5])
        >>> d = collective_delivery([a, a], [MemoryCutoff(1)] * 2)
        >>> bool(abs(d.expect([[1.0, 0.0], None]) - d.age_distribution[0][0]) < 1e-12)
        True
        """
        if len(functions) != len(self.ages):
            raise ValueError(
                f"functions must have one entry per link ({len(self.ages)}), got {len(functions)}"
            )
        weights = np.ones(self.absorption.size)
        for k, (g, idx) in enumerate(zip(functions, self.ages, strict=True)):
            if g is None:
                continue
            g = np.asarray(g, dtype=float)
            size = self.age_distribution[k].size
            if g.shape != (size,):
                raise ValueError(f"functions[{k}] must have length m* + 1 = {size}, got {g.shape}")
            weights *= g[idx]
        return float(self.absorption @ weights)


def _link_chain(link: ElementaryLink, policy: Policy):
    """Transition matrix T[to, from] of one link (index m + 1) on the states its policy can reach.

    Ages after the first certain request are never visited from ``m = -1``,
    so they are dropped; returns ``(matrix, number of ages kept)``.
    """
    wait, request = link.transition_matrices()
    d = link.decision_function(policy)
    top = last_reachable_age(d)
    keep = top + 2  # states -1..top
    chain = (wait @ sparse.diags_array(1.0 - d) + request @ sparse.diags_array(d)).tocsr()
    return chain[:keep][:, :keep].tocsr(), top + 1  # still stochastic: d(top) = 1


def _geometric_series(q, b: NDArray[np.float64], leak: NDArray[np.float64], max_iterations: int):
    """``sum_k Q^k b`` by the chain's own evolution, with the geometric tail added once it is geometric.

    Once ``Q^k b`` points along the dominant eigenvector (its direction is
    stable to 1e-14 relative in every component) the rest of the series is
    ``v_k lambda / (1 - lambda)``.
    For a non-negative ``b``, ``1 - lambda`` is the fraction of the mass absorbed
    in one step, ``leak . v / 1 . v``, computed without cancellation.
    """
    v = b.copy()
    total = v.copy()
    norm = float(np.abs(v).sum())
    if norm == 0:
        return total
    positive = bool(np.all(b >= 0))
    for _ in range(max_iterations):
        nxt = q @ v
        new_norm = float(np.abs(nxt).sum())
        total += nxt
        if new_norm <= 1e-18 * max(float(np.abs(total).sum()), 1e-300):
            return total
        # Settled in every component, relative to itself: the states holding only O(p) of
        # the mass (links partly active) must have settled too, however small p is.
        now, before = nxt / new_norm, v / norm
        live = now > 0
        settled = np.all(np.abs(now[live] - before[live]) <= 1e-14 * now[live])
        if settled and np.all(before[~live] == 0):
            gap = float(leak @ nxt) / new_norm if positive else 1.0 - new_norm / norm
            if gap > 0:
                return total + nxt * ((1.0 - gap) / gap)
        v, norm = nxt, new_norm
    raise ValueError(
        f"the collective waiting time did not converge in {max_iterations} steps of the chain"
    )


def _expected_visits(q_block, leak: NDArray[np.float64], start: NDArray[np.float64]):
    """``(I - Q)^-1 start``: expected visits to each transient state.

    ``leak[j]`` is the probability of absorption in one step from transient
    state ``j``. The visits are the series ``sum_k Q^k start``, summed as the
    chain evolves (:func:`_geometric_series`): only non-negative terms are
    added, and the geometric tail uses the leak, so the result keeps relative
    accuracy even when the expected waiting time is 1e9 steps (a sparse LU of
    ``I - Q`` loses about ``E[W] * 1e-16`` there, and its fill-in explodes on
    Kronecker products of five or more links). Should the series not settle,
    the LU (with the outflow-summed diagonal of the GTH algorithm) is used.
    """
    try:
        return _geometric_series(q_block.tocsr(), start, leak, 200_000)
    except ValueError:
        q = q_block.tocsc()
        off = q - sparse.diags_array(q.diagonal())
        outflow = np.asarray(off.sum(axis=0)).ravel() + leak
        return spsolve((sparse.diags_array(outflow) - off).tocsc(), start)


def collective_delivery(
    links: Sequence[ElementaryLink],
    policies: Sequence[Policy],
    *,
    age_functions: Sequence[ArrayLike] | None = None,
    round_steps: int = 1,
) -> CollectiveDelivery:
    """Collective waiting time and the links' ages when all are first active (Def. IV.3).

    Exact, by absorbing the product of the links' chains in the all-active
    states. ``age_functions[i][m]`` (optional) is a function of link ``i``'s
    age ``m = 0..m*`` (e.g. its Werner parameter); the result's
    ``mean_product`` is ``E[prod_i g_i(age_i)]`` at the moment of delivery.
    With ``round_steps = t0`` the links are only checked every ``t0`` steps
    (Khatri Fig. 8); the waiting time is still counted in steps.

    Examples
    --------
    >>> from qdms.links import ElementaryLink, MemoryCutoff
    >>> a = ElementaryLink(0.5, [1.0, 0.9, 0.8])
    >>> round(collective_delivery([a, a], [MemoryCutoff(None)] * 2).mean_waiting_time, 6)
    2.947368
    """
    if len(links) == 0:
        raise ValueError("links must contain at least one link")
    if len(policies) != len(links):
        raise ValueError(
            f"policies must have one entry per link ({len(links)}), got {len(policies)}"
        )
    chains, ages_kept = zip(
        *(_link_chain(link, pol) for link, pol in zip(links, policies, strict=True)), strict=True
    )
    sizes = [n + 1 for n in ages_kept]
    total = math.prod(sizes)
    if total > MAX_PRODUCT_STATES:
        raise ValueError(
            f"the product of the links' state spaces has {total} states (> {MAX_PRODUCT_STATES}); "
            "use smaller cutoffs or estimate with qdms.sim.network"
        )
    if any(link.p == 0 for link in links):
        raise ValueError("a link with p = 0 is never active: the waiting time is infinite")
    t0 = check_int("round_steps", round_steps, low=1)
    if t0 > 1:
        chains = [sparse.csr_array(np.linalg.matrix_power(c.toarray(), t0)) for c in chains]
    nonzeros = math.prod(c.nnz for c in chains)
    if nonzeros > MAX_PRODUCT_NONZEROS:
        raise ValueError(
            f"the joint chain of these links has {nonzeros} transitions (> {MAX_PRODUCT_NONZEROS}); "
            "use smaller cutoffs, on_failure='restart' or 'stop', or estimate with qdms.sim.network"
        )
    joint = chains[0]
    for chain in chains[1:]:
        joint = sparse.kron(joint, chain, format="csr")
    # Absorbing set: every link active (index >= 1 in every factor).
    active = np.ones(total, dtype=bool)
    for k, size in enumerate(sizes):
        idx = np.arange(total) // math.prod(sizes[k + 1 :]) % size
        active &= idx >= 1
    transient = np.flatnonzero(~active)
    absorbing = np.flatnonzero(active)
    joint_csc = joint.tocsc()
    q_block = joint_csc[transient][:, transient]  # T[to, from] restricted
    r_block = joint_csc[absorbing][:, transient]
    # Expected visits to each transient state from the start (all inactive): N e_start with
    # N = (I - Q)^-1 the fundamental matrix (Khatri eq. 162-163); the waiting time is their sum.
    start = np.zeros(transient.size)
    start[0] = 1.0  # index 0 = every link inactive, the first transient state
    leak = np.asarray(r_block.sum(axis=0)).ravel()  # one-step absorption probability per state
    visits = _expected_visits(q_block, leak, start)
    mean_w = float(visits.sum()) * t0
    absorbed = r_block @ visits  # probability of entering each all-active state first
    if not (math.isfinite(mean_w) and 0 < absorbed.sum() < math.inf):
        raise ValueError(
            f"the links are too rare for floating point (heralding probabilities "
            f"{[link.p for link in links]}): the expected waiting time exceeds 1e308 steps or "
            "their joint activity underflows; shorten the links or use on_failure='stop'"
        )
    absorbed = absorbed / absorbed.sum()
    ages = tuple(absorbing // math.prod(sizes[k + 1 :]) % size - 1 for k, size in enumerate(sizes))
    marginals = []
    for k, (idx, size) in enumerate(zip(ages, sizes, strict=True)):
        full = np.zeros(links[k].m_star + 1)
        full[: size - 1] = np.bincount(idx, weights=absorbed, minlength=size - 1)
        marginals.append(full)
    delivery = CollectiveDelivery(mean_w, tuple(marginals), 1.0, absorbed, ages)
    if age_functions is None:
        return delivery
    if len(age_functions) != len(links):
        raise ValueError(f"age_functions must have one array per link ({len(links)})")
    return replace(delivery, mean_product=delivery.expect(list(age_functions)))


@dataclass(frozen=True)
class RoundDelivery:
    """All links checked once, after ``t0`` steps from inactive (Khatri Fig. 8, eq. 91-93).

    The links are independent, so the probability that all are active is the
    product of their activity probabilities, and given that event their ages
    stay independent, each distributed as its own state at ``t0`` given
    activity (eq. 93).

    Attributes
    ----------
    round_steps : ``t0``.
    probability : ``prod_i Pr[link i active at t0]``.
    age_distribution : per link, ``Pr[age = m | active at t0]``.
    """

    round_steps: int
    probability: float
    age_distribution: tuple[NDArray[np.float64], ...] = field(repr=False)

    def expect(self, functions: Sequence[ArrayLike | None]) -> float:
        """``E[prod_i g_i(age_i) | all active at t0] = prod_i E[g_i(age_i) | active]``.

        Examples
        --------
        >>> from qdms.links import ElementaryLink, MemoryCutoff
        >>> a = ElementaryLink(0.5, [1.0, 0.5])
        >>> d = round_delivery([a, a], [MemoryCutoff(1)] * 2, 2)
        >>> d.probability, d.expect([[1.0, 0.5], None])
        (0.5625, 0.6666666666666666)
        """
        if len(functions) != len(self.age_distribution):
            raise ValueError(
                f"functions must have one entry per link ({len(self.age_distribution)}), got {len(functions)}"
            )
        out = 1.0
        for k, (g, dist) in enumerate(zip(functions, self.age_distribution, strict=True)):
            if g is None:
                continue
            g = np.asarray(g, dtype=float)
            if g.shape != dist.shape:
                raise ValueError(
                    f"functions[{k}] must have length m* + 1 = {dist.size}, got {g.shape}"
                )
            out *= float(dist @ g)
        return out


def round_delivery(
    links: Sequence[ElementaryLink], policies: Sequence[Policy], round_steps: int
) -> RoundDelivery:
    """The links after one round of ``t0`` steps from inactive, by independence (eq. 91-93).

    Examples
    --------
    >>> from qdms.links import ElementaryLink, MemoryCutoff
    >>> round(round_delivery([ElementaryLink(0.5, [1.0])] * 2, [MemoryCutoff(0)] * 2, 3).probability, 12)
    0.25
    """
    if len(links) == 0:
        raise ValueError("links must contain at least one link")
    if len(policies) != len(links):
        raise ValueError(
            f"policies must have one entry per link ({len(links)}), got {len(policies)}"
        )
    t0 = check_int("round_steps", round_steps, low=1)
    probability = 1.0
    dists = []
    for link, policy in zip(links, policies, strict=True):
        dist = link.state_distribution(t0, policy)
        active = dist[1:].sum()  # not 1 - dist[0]: that cancels to 0 for p = 1e-20
        probability *= float(active)
        dists.append(dist[1:] / active if active > 0 else np.zeros(link.m_star + 1))
    return RoundDelivery(t0, probability, tuple(dists))


def collective_waiting_time(
    success_probabilities: ArrayLike, cutoffs: int | Sequence[int] | None = None
) -> float:
    """Expected first step at whose end all the given links are active (Khatri Def. IV.3, eq. 97-98).

    Parameters
    ----------
    success_probabilities : one heralding probability per link, each in (0, 1].
    cutoffs : ``None`` (never discard, unbounded memory), one int for all
        links, or one per link: memory cutoffs ``t*`` (a link is active at
        ages ``0..t*``, then requested again).

    Examples
    --------
    >>> round(collective_waiting_time([0.5, 0.5]), 12)        # eq. 98: 2/p - 1/(1-(1-p)^2)
    2.666666666667
    >>> round(collective_waiting_time([0.5, 0.5], cutoffs=0), 12)   # both fresh in the same step
    4.0
    """
    p = check_probability_array("success_probabilities", success_probabilities, ndim=1)
    if p.size == 0:
        raise ValueError("success_probabilities must contain at least one link")
    if np.any(p == 0):
        raise ValueError("success_probabilities must be > 0: a link with p = 0 is never active")
    if cutoffs is None:
        return _never_discard_waiting_time(p)
    if isinstance(cutoffs, (int, np.integer)):
        cut = [check_int("cutoffs", cutoffs, low=0)] * p.size
    else:
        cut = [check_int(f"cutoffs[{i}]", c, low=0) for i, c in enumerate(cutoffs)]
        if len(cut) != p.size:
            raise ValueError(f"cutoffs must have one entry per link ({p.size}), got {len(cut)}")
    links = [ElementaryLink(pi, np.ones(c + 1)) for pi, c in zip(p, cut, strict=True)]
    return collective_delivery(links, [MemoryCutoff(c) for c in cut]).mean_waiting_time


def virtual_link_waiting_time(collective_mean: float, join_probability: float) -> float:
    """Expected virtual-link waiting time ``E[W_collective] / p_join`` (Khatri Def. IV.4, eq. 99).

    Examples
    --------
    >>> virtual_link_waiting_time(4.0, 0.5)
    8.0
    """
    mean = check_positive("collective_mean", collective_mean, allow_inf=True)
    pj = check_probability("join_probability", join_probability)
    if pj == 0:
        raise ValueError("join_probability must be > 0: the join never succeeds")
    return mean / pj
