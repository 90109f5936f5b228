"""The two-link MDP with entanglement swapping (Khatri 2022, Sec. V), its LPs and the analytic waiting time.

States ``(x, m1, m2)``: ``x = 1`` once the end-to-end link exists (absorbing),
``m_i in {-1, 0, ..., m_i*}`` the elementary links' memory times. Actions
(eq. 108-116): 0 keep both, 1 keep the first and regenerate the second, 2
regenerate the first and keep the second, 3 regenerate both, 4 swap. Column
convention ``T[to, from]``; state index ``x N + (m1 + 1) n2 + (m2 + 1)``.

* Actions 0-3 act on ``x = 0`` as ``T_{a1} (x) T_{a2}``, the elementary-link
  matrices of the two links (wait or request), and leave ``x = 1`` alone
  (block-diagonal, eq. 117-118).
* Swap: from ``(0, m1, m2)`` with both links active it succeeds with
  ``p_swap`` and moves to ``(1, m1, m2)``, remembering the memory times; it
  fails with ``1 - p_swap`` and both links are requested again
  (``tau_1 (x) tau_2``, ``tau_i = p_i|0> + (1 - p_i)|-1>``). With a link
  inactive the swap action just waits.

Time (API.md): the swap is attempted at the end of the step in which both
links are active and its outcome is known in that step; the MDP records it
one transition later, so the waiting time is the absorption time minus one,
and ``p1 = p2 = p_swap = 1`` gives 1. A failed swap's links request again in
the next step, so ``E[W] = E[steps until both are active together] / p_swap``.

The analytic waiting time of Shchukin, Schmidt and van Loock (PRA 100,
032322 (2019), eq. 5; Khatri eq. 124) for two links of equal ``p`` and cutoff
``t*`` (active at ages ``0..t*``), re-derived from the chain above with
``q = 1 - p``:

    E[W] = (3 - 2p - 2 q^{t*+1}) / (p_swap p (2 - p - 2 q^{t*+1})),

which is ``(3 - 2p)/(p_swap p (2 - p))`` without a cutoff and
``1/(p_swap p^2)`` for ``t* = 0``. It is evaluated with ``expm1``/``log1p``:
``2 - p - 2 q^{t*+1} ~ (2 t* + 1) p`` cancels for small ``p``.

Under the cutoff policy the waiting time and the delivered fidelity are also
computed without the MDP, from a three-state embedded chain that keeps full
relative precision down to ``p = 1e-20`` (the MDP's absorbing-chain solve,
whose matrix has condition number ``~ 1/(p1 p2)``, does not). Observe the
pair of links only at three kinds of moments:

* ``B``: both links inactive; in each next step both request. Per step: both
  succeed (hit) with ``p1 p2``, only link ``i`` (go to ``I_i``) with
  ``p_i (1 - p_j)``, neither (stay) with ``(1 - p1)(1 - p2)``.
* ``I_i``: link ``i`` was heralded in this step (age 0), link ``j`` is
  inactive. Link ``i`` stays active for ages ``1..c_i``; link ``j`` is
  heralded in the ``k``-th of those steps with ``p_j (1 - p_j)^(k-1)`` (hit,
  with ages ``(k, 0)``). If not (``s_i = (1 - p_j)^{c_i}``), step ``c_i + 1``
  decides as ``B`` does, except that a link held to its memory limit ``m*``
  without a cutoff spends that step inactive (Khatri's ``T0``) and cannot be
  heralded in it. The mean time spent is
  ``E_i = sum_{k=0}^{c_i} (1 - p_j)^k = -expm1((c_i + 1) log1p(-p_j)) / p_j``.

``E[T] = sum_s N[B, s] E_s`` with ``N = (I - P)^{-1}`` the visits of the
embedded chain (``E_B = 1``) and ``E[W] = E[T] / p_swap``. ``N`` is computed
by Grassmann-Taksar-Heyman elimination (:func:`qdms.mdp.gth_factor`): the
diagonal ``1 - P[s, s]`` is formed as the sum of the exit and off-diagonal
probabilities, so nothing is subtracted and every digit survives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .._probability import none_of, some_of
from .._validation import check_int, check_probability
from ..links import ElementaryLink, MemoryCutoff
from ..mdp import (
    MDP,
    absorbing_value_lp,
    absorption_time_lp,
    absorption_time_pmf,
    gth_factor,
    gth_solve,
)

__all__ = [
    "ACTIONS",
    "TwoLinkModel",
    "two_link_cutoff_decision",
    "two_link_delivered_fidelity",
    "two_link_model",
    "two_link_optimal_value",
    "two_link_optimal_waiting_time",
    "two_link_waiting_time",
    "two_link_waiting_time_analytic",
    "two_link_waiting_time_pmf",
]

#: Action labels in index order (Khatri eq. 108-112).
ACTIONS = (
    "keep both",
    "keep first, regenerate second",
    "regenerate first, keep second",
    "regenerate both",
    "swap",
)


@dataclass(frozen=True, eq=False)
class TwoLinkModel:
    """The two-link MDP and its indexing.

    Attributes
    ----------
    mdp : the :class:`qdms.mdp.MDP` (5 actions).
    sizes : ``(n1, n2)``: states per link (index 0 is inactive, ``i = m + 1``).
    p_swap : swap success probability.
    """

    mdp: MDP
    sizes: tuple[int, int]
    p_swap: float

    @property
    def block(self) -> int:
        """Number of ``x = 0`` states, ``n1 n2``."""
        return self.sizes[0] * self.sizes[1]

    def index(self, x: int, m1: int, m2: int) -> int:
        """State index of ``(x, m1, m2)``."""
        return x * self.block + (m1 + 1) * self.sizes[1] + (m2 + 1)

    @property
    def initial(self) -> int:
        """Both links inactive, no end-to-end link: ``(0, -1, -1)``."""
        return self.index(0, -1, -1)

    @property
    def absorbing(self) -> NDArray[np.bool_]:
        """Mask of the states with ``x = 1``."""
        mask = np.zeros(2 * self.block, dtype=bool)
        mask[self.block :] = True
        return mask

    def ages(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """``(m1, m2)`` of every ``x`` block state, in index order."""
        i = np.arange(self.block)
        return i // self.sizes[1] - 1, i % self.sizes[1] - 1


def _model_from_chains(chain1, chain2, p_swap: float) -> TwoLinkModel:
    (wait1, req1), (wait2, req2) = chain1, chain2
    n1, n2 = wait1.shape[0], wait2.shape[0]
    block = n1 * n2
    kron = lambda a, b: sp.kron(sp.csc_array(a), sp.csc_array(b), format="csc")  # noqa: E731
    both = np.zeros(block)
    both[[i * n2 + j for i in range(1, n1) for j in range(1, n2)]] = 1.0
    both_active = sp.diags_array(both)
    eye = sp.eye_array(block, format="csc")
    zero = sp.csc_array((block, block))
    mats = []
    for a1, a2 in ((wait1, wait2), (wait1, req2), (req1, wait2), (req1, req2)):
        mats.append(sp.block_array([[kron(a1, a2), zero], [zero, eye]], format="csc"))
    stay = (
        kron(wait1, wait2) @ (eye - both_active) + (1.0 - p_swap) * kron(req1, req2) @ both_active
    )
    mats.append(sp.block_array([[stay, zero], [p_swap * both_active, eye]], format="csc"))
    return TwoLinkModel(MDP(mats, action_labels=ACTIONS), (n1, n2), p_swap)


def two_link_model(p1: float, p2: float, p_swap: float, m1_star: int, m2_star: int) -> TwoLinkModel:
    """Khatri's two-link MDP for links with maximum storage times ``m1*``, ``m2*`` (eq. 108-118).

    Examples
    --------
    >>> model = two_link_model(0.5, 0.5, 1.0, 2, 3)
    >>> model.mdp.n_states, model.mdp.n_actions
    (40, 5)
    """
    p_swap = check_probability("p_swap", p_swap)
    links = [
        ElementaryLink(check_probability(name, p), np.ones(check_int(star_name, m, low=0) + 1))
        for name, p, star_name, m in (
            ("p1", p1, "m1_star", m1_star),
            ("p2", p2, "m2_star", m2_star),
        )
    ]
    return _model_from_chains(
        links[0].transition_matrices(), links[1].transition_matrices(), p_swap
    )


def _persistent_chain(p: float):
    """A link that, once heralded, stays active forever (no cutoff, unbounded memory): states -1, 'active'."""
    wait = sp.csc_array(np.eye(2))
    request = sp.csc_array(np.array([[1 - p, 1 - p], [p, p]]))
    return wait, request


def two_link_cutoff_decision(
    model: TwoLinkModel, cutoff1: int | None, cutoff2: int | None
) -> NDArray[np.float64]:
    """The memory-cutoff policy of Khatri eq. 119 as a deterministic decision function.

    Swap when both links are active; otherwise keep an active link while its
    age is below its cutoff and regenerate every other link. ``None`` keeps
    a link until its memory expires.
    """
    n1, n2 = model.sizes
    c1 = n1 - 2 if cutoff1 is None else cutoff1
    c2 = n2 - 2 if cutoff2 is None else cutoff2
    m1, m2 = model.ages()
    keep1 = (m1 >= 0) & (m1 < c1) if cutoff1 is not None else m1 >= 0
    keep2 = (m2 >= 0) & (m2 < c2) if cutoff2 is not None else m2 >= 0
    action = np.where(keep1 & keep2, 0, np.where(keep1, 1, np.where(keep2, 2, 3)))
    action = np.where((m1 >= 0) & (m2 >= 0), 4, action)
    decision = np.zeros((2 * model.block, 5))
    decision[np.arange(model.block), action] = 1.0
    decision[model.block :, 0] = 1.0  # absorbing: irrelevant (Remark V.2)
    return decision


def _cutoff(name: str, value: int | None) -> int | None:
    return None if value is None else check_int(name, value, low=0)


def _positive(name: str, p: float, why: str) -> float:
    """A probability that must not be 0, or a ValueError saying ``why``."""
    p = check_probability(name, p)
    if p == 0:
        raise ValueError(f"{name} must be > 0: {why}")
    return p


def _waiting_model(p1, p2, p_swap, cutoff1, cutoff2) -> tuple[TwoLinkModel, NDArray[np.float64]]:
    p_swap = _positive("p_swap", p_swap, "the end-to-end link is never created")
    chains = []
    for name, p, cname, cutoff in (("p1", p1, "cutoff1", cutoff1), ("p2", p2, "cutoff2", cutoff2)):
        p = _positive(name, p, "that link is never heralded")
        cutoff = _cutoff(cname, cutoff)
        chains.append(
            _persistent_chain(p)
            if cutoff is None
            else ElementaryLink(p, np.ones(cutoff + 1)).transition_matrices()
        )
    model = _model_from_chains(chains[0], chains[1], p_swap)
    # With a persistent link, "cutoff None" keeps it; a finite cutoff is its own m*.
    return model, two_link_cutoff_decision(model, cutoff1, cutoff2)


@dataclass(frozen=True)
class _FirstJointActivity:
    """From the embedded chain: ``E[T]`` and the distribution of the ages ``(m1, m2)`` at ``T``."""

    mean_steps: float
    weights: NDArray[np.float64]
    m1: NDArray[np.int64]
    m2: NDArray[np.int64]


def _first_joint_activity(
    p: tuple[float, float], cutoffs: tuple[float, float], dead: tuple[bool, bool]
) -> _FirstJointActivity:
    """The embedded chain of the module notes, started in ``B``.

    ``cutoffs[i]``: the last age at which link ``i`` is held (``inf``: for
    ever; the age distribution is then left empty); ``dead[i]``: the step
    after it is spent inactive (memory limit without a cutoff) instead of
    requesting.
    """
    p1, p2 = p
    moves, exits, steps = np.zeros((3, 3)), np.zeros(3), np.ones(3)
    moves[0] = ((1.0 - p1) * (1.0 - p2), p1 * (1.0 - p2), (1.0 - p1) * p2)
    exits[0] = p1 * p2
    survive = [0.0, 0.0]
    for i, j in ((0, 1), (1, 0)):
        c, s = cutoffs[i], 1 + i
        survive[i] = none_of(p[j], c)  # link j is not heralded while i is held
        steps[s] = some_of(p[j], c + 1) / p[j]
        exits[s] = some_of(p[j], c)
        if dead[i]:  # step c + 1: link i is inactive, only link j can be heralded
            moves[s, [0, 1 + j]] = survive[i] * (1.0 - p[j]), survive[i] * p[j]
        else:  # step c + 1: both request, as from B
            moves[s] = survive[i] * moves[0]
            exits[s] += survive[i] * p1 * p2
    visits = gth_solve(gth_factor(moves.T, exits), np.eye(3)[0])  # N[B, :], column convention
    mean_steps = float(visits @ steps)
    if math.inf in cutoffs:
        empty = np.zeros(0, dtype=np.int64)
        return _FirstJointActivity(mean_steps, np.zeros(0), empty, empty)
    fresh = p1 * p2 * (visits[0] + sum(visits[1 + i] * survive[i] for i in (0, 1) if not dead[i]))
    weights, m1, m2 = [np.array([fresh])], [np.zeros(1, dtype=np.int64)], [np.zeros(1, np.int64)]
    for i, j in ((0, 1), (1, 0)):
        k = np.arange(1, int(cutoffs[i]) + 1)
        weights.append(visits[1 + i] * p[j] * none_of(p[j], k - 1))
        m1.append(k if i == 0 else np.zeros_like(k))
        m2.append(k if i == 1 else np.zeros_like(k))
    return _FirstJointActivity(mean_steps, *map(np.concatenate, (weights, m1, m2)))


def two_link_waiting_time(
    p1: float, p2: float, p_swap: float, cutoff1: int | None, cutoff2: int | None
) -> float:
    """Expected waiting time of the end-to-end link under the cutoff policy (eq. 119), in steps.

    ``cutoff = None``: that link is never discarded (unbounded memory).
    ``E[W] = E[T] / p_swap`` with ``E[T]`` from the embedded chain of the
    module notes, accurate to the last digits for any ``p`` down to 1e-20;
    the tests check it against the absorbing-chain computation of Khatri
    App. A.3 on the two-link MDP, exact rational arithmetic and Monte Carlo.

    Examples
    --------
    >>> round(two_link_waiting_time(0.5, 0.5, 1.0, None, None), 12)   # (3 - 2p)/(p (2 - p))
    2.666666666667
    >>> two_link_waiting_time(1.0, 1.0, 1.0, 0, 0)
    1.0
    """
    p_swap = _positive("p_swap", p_swap, "the end-to-end link is never created")
    p = (_positive("p1", p1, "that link is never heralded"),
         _positive("p2", p2, "that link is never heralded"))  # fmt: skip
    cutoffs = tuple(
        math.inf if c is None else _cutoff(name, c)
        for name, c in (("cutoff1", cutoff1), ("cutoff2", cutoff2))
    )
    return _first_joint_activity(p, cutoffs, (False, False)).mean_steps / p_swap


def two_link_waiting_time_pmf(
    p1: float, p2: float, p_swap: float, cutoff1: int | None, cutoff2: int | None, *, steps: int
) -> NDArray[np.float64]:
    """``Pr[W = t]`` for ``t = 0..steps`` under the cutoff policy (``Pr[W = 0] = 0``).

    Examples
    --------
    >>> two_link_waiting_time_pmf(0.5, 0.5, 1.0, 0, 0, steps=3).tolist()   # geometric with p^2
    [0.0, 0.25, 0.1875, 0.140625]
    """
    model, decision = _waiting_model(p1, p2, p_swap, cutoff1, cutoff2)
    steps = check_int("steps", steps, low=0)
    pmf = absorption_time_pmf(
        model.mdp, decision, model.initial, steps=steps + 1, absorbing=model.absorbing
    )
    return pmf[1:]


def two_link_waiting_time_analytic(p: float, p_swap: float, cutoff: int | None) -> float:
    """Shchukin-Schmidt-van Loock waiting time for two equal links (Khatri eq. 124; see the module notes).

    Examples
    --------
    >>> round(two_link_waiting_time_analytic(0.5, 1.0, None), 12)
    2.666666666667
    >>> round(two_link_waiting_time_analytic(0.5, 0.5, 0), 12)
    8.0
    """
    p = check_probability("p", p)
    ps = check_probability("p_swap", p_swap)
    if p == 0 or ps == 0:
        raise ValueError("p and p_swap must be > 0: the end-to-end link is never created")
    if cutoff is None:
        return (3.0 - 2.0 * p) / (ps * p * (2.0 - p))
    # 2 - p - 2 q^{t*+1} = 2 (1 - q^{t*+1}) - p: both terms are formed without cancellation,
    # and their difference is >= p (2 t* + 1 - ...) > 0, far from 0 relative to either.
    some = float(some_of(p, check_int("cutoff", cutoff, low=0) + 1))  # 1 - q^{t*+1}
    return (1.0 - 2.0 * p + 2.0 * some) / (ps * p * (2.0 * some - p))


def two_link_optimal_waiting_time(
    p1: float, p2: float, p_swap: float, m1_star: int, m2_star: int
) -> tuple[float, NDArray[np.float64]]:
    """Minimal expected waiting time over all stationary policies, by the LP of Theorem V.3 (eq. 122-123).

    Returns ``(value, decision)``: the waiting time in steps and the optimal
    decision function ``decision[state, action]`` (state index from
    :class:`TwoLinkModel`).

    Examples
    --------
    >>> value, decision = two_link_optimal_waiting_time(0.5, 0.5, 1.0, 3, 3)
    >>> round(value, 9) == round(two_link_waiting_time_analytic(0.5, 1.0, 3), 9)
    True
    """
    model = two_link_model(p1, p2, p_swap, m1_star, m2_star)
    if model.p_swap == 0 or min(p1, p2) == 0:
        raise ValueError("p1, p2 and p_swap must be > 0: the end-to-end link is never created")
    res = absorption_time_lp(model.mdp, model.initial, absorbing=model.absorbing)
    return res.value - 1.0, res.decision


def _swap_fidelity_table(
    link1: ElementaryLink, link2: ElementaryLink, model: TwoLinkModel
) -> NDArray[np.float64]:
    """``f(1, m1, m2)``: fidelity after swapping the Werner pairs stored for ``m1`` and ``m2`` steps (eq. 107)."""
    m1, m2 = model.ages()
    active = (m1 >= 0) & (m2 >= 0)
    f1 = np.where(active, link1.fidelities[np.maximum(m1, 0)], 0.0)
    f2 = np.where(active, link2.fidelities[np.maximum(m2, 0)], 0.0)
    swapped = f1 * f2 + (1 - f1) * (1 - f2) / 3.0  # Werner inputs (API.md)
    f = np.zeros(2 * model.block)
    f[model.block :] = np.where(active, swapped, 0.0)
    return f


def _model_for_links(link1: ElementaryLink, link2: ElementaryLink, p_swap: float) -> TwoLinkModel:
    return _model_from_chains(
        link1.transition_matrices(),
        link2.transition_matrices(),
        check_probability("p_swap", p_swap),
    )


def two_link_delivered_fidelity(
    link1: ElementaryLink,
    link2: ElementaryLink,
    p_swap: float,
    cutoff1: int | None,
    cutoff2: int | None,
) -> float:
    """Expected fidelity of the end-to-end pair when it is delivered, under the cutoff policy (API.md).

    The links keep their own ``m*`` (``None``: kept until the memory
    expires); the delivered pair is the swap of the two stored Werner pairs
    (``F1 F2 + (1 - F1)(1 - F2)/3``), averaged over the memory times at the
    swap (the first joint activity of the embedded chain in the module notes,
    accurate for any ``p``; the tests check it against the absorption
    distribution of the two-link MDP, eq. 107).

    Examples
    --------
    >>> a = ElementaryLink(0.5, [1.0, 0.9])
    >>> round(two_link_delivered_fidelity(a, a, 1.0, 0, 0), 12)
    1.0
    """
    _positive("p_swap", p_swap, "the end-to-end link is never created")
    for i, link, cutoff in ((1, link1, cutoff1), (2, link2, cutoff2)):
        link.decision_function(MemoryCutoff(_cutoff(f"cutoff{i}", cutoff)))  # cutoff <= m*
        if link.p == 0:
            raise ValueError(f"link{i}.p must be > 0: that link is never heralded")
    hits = _first_joint_activity(
        (link1.p, link2.p),
        (cutoff1 if cutoff1 is not None else link1.m_star,
         cutoff2 if cutoff2 is not None else link2.m_star),
        (cutoff1 is None, cutoff2 is None),
    )  # fmt: skip
    f1, f2 = link1.fidelities[hits.m1], link2.fidelities[hits.m2]
    swapped = f1 * f2 + (1.0 - f1) * (1.0 - f2) / 3.0  # Werner inputs (API.md)
    return float(hits.weights @ swapped / hits.weights.sum())


def two_link_optimal_value(
    link1: ElementaryLink, link2: ElementaryLink, p_swap: float
) -> tuple[float, NDArray[np.float64]]:
    """Optimal expected value of eq. 107 (fidelity of the delivered pair), by the LP of Theorem V.1 (eq. 120-121).

    Returns ``(value, decision)``.

    Examples
    --------
    >>> a = ElementaryLink(0.5, [1.0, 0.8])
    >>> value, decision = two_link_optimal_value(a, a, 1.0)
    >>> round(value, 9)   # insist on fresh pairs: F = 1
    1.0
    """
    model = _model_for_links(link1, link2, p_swap)
    if model.p_swap == 0 or link1.p == 0 or link2.p == 0:
        raise ValueError("p1, p2 and p_swap must be > 0: the end-to-end link is never created")
    res = absorbing_value_lp(
        model.mdp,
        _swap_fidelity_table(link1, link2, model),
        model.initial,
        absorbing=model.absorbing,
    )
    return res.value, res.decision
