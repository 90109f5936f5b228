"""Delivered fidelity of a repeater chain of ``n`` links under a given swap policy.

The links are Werner pairs (API.md); an elementary link
stored for ``m`` steps has Werner parameter ``w_i(m) = w0_i exp(-m / c)``
(``c = coherence_steps``) and swapping multiplies Werner parameters. With
``decay="link"`` (the default) the delivered Werner parameter is the product
over the ``n`` elementary links of ``w_i(age at delivery)``,
``W = prod_i w0_i exp(-sum_i m_i / c)``: every elementary link keeps decaying
until delivery, also after it was swapped. With ``decay="pair"`` a joined
segment decays as one stored pair, ``exp(-1/c)`` per step, the convention of
Li, Coopmans and Elkouss, IEEE TQE 2 (2021) (:func:`~qdms.chains.nested_chain`).
The two agree for ``n = 2`` (delivery is the swap) and for swap-asap chains
that join everything in one step. The exponent is tracked exactly by
augmenting each link with it, for one policy at a time; the expected
fidelity is ``(1 + 3 E[W]) / 4``.

References
----------
Iñesta, Vardoyan, Scavuzzo and Wehner, npj Quantum Inf. 9, 46 (2023),
arXiv:2207.06533 (the chain and its policies); Khatri, AVS Quantum Sci. 4,
030501 (2022), eq. 107 (two links); Li, Coopmans and Elkouss, IEEE TQE 2
(2021) (per-pair decay).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from .._validation import check_positive, check_probability
from ..mdp import absorption_analysis, check_decision
from .chain_states import DELIVERED, ChainState, step_distribution
from .multi_link import (
    MultiLinkModel,
    multi_link_model,
    multi_link_optimal_waiting_time,
    multi_link_waiting_time,
)

__all__ = [
    "MultiLinkSummary",
    "multi_link_delivered_fidelity",
    "multi_link_delivered_werner",
    "multi_link_summary",
]


def _werner_factors(n_links: int, werner0: float | Sequence[float]) -> float:
    if np.ndim(werner0) == 0:
        return check_probability("werner0", werner0) ** n_links
    seq = list(werner0)  # type: ignore[arg-type]
    if len(seq) != n_links:
        raise ValueError(
            f"werner0 must be one Werner parameter or one per link ({n_links}), got {len(seq)}"
        )
    return math.prod(check_probability(f"werner0[{i}]", w) for i, w in enumerate(seq))


def _delivery_chain(
    model: MultiLinkModel, decision: ArrayLike, decay: str | None
) -> tuple[sp.csc_array, NDArray[np.float64]]:
    """The chain of ``decision`` with every link's decay exponent tracked (module notes).

    Returns ``(T, exponents)``: the transition matrix (absorbing states last,
    one per delivered decay exponent) and the exponent of each state (NaN on
    transient states).
    """
    d = check_decision(decision, model.n_states, model.n_actions)
    states: list[ChainState] = [()]
    index: dict[ChainState, int] = {(): 0}
    delivered: dict[int, int] = {}
    swappable = model.swappable_mask()
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    i = 0
    while i < len(states):
        state = states[i]
        reduced = model.index(link[:3] for link in state)
        for a in np.flatnonzero(d[reduced] > 0):
            bits = int(a) & int(swappable[reduced])
            nodes = [k for k in range(1, model.n_links) if bits >> (k - 1) & 1]
            dist = step_distribution(
                state,
                nodes,
                n_links=model.n_links,
                p_gen=model.p_gen,
                p_swap=model.p_swap,
                cutoff=model.cutoff,
                decay=decay,
            )
            for key, q in dist.items():
                if key and key[0] == DELIVERED:
                    j = -1 - delivered.setdefault(key[1], len(delivered))
                else:
                    j = index.get(key)
                    if j is None:
                        j = index[key] = len(states)
                        states.append(key)
                rows.append(j)
                cols.append(i)
                vals.append(float(d[reduced, a]) * q)
        i += 1
    n_t, n_a = len(states), len(delivered)
    r = np.array(rows, dtype=np.int64)
    r = np.where(r < 0, n_t + (-1 - r), r)
    ends = np.arange(n_t, n_t + n_a)
    t = sp.csc_array(
        (
            np.concatenate([vals, np.ones(n_a)]),
            (np.concatenate([r, ends]), np.concatenate([cols, ends])),
        ),
        shape=(n_t + n_a, n_t + n_a),
    )
    exponents = np.full(n_t + n_a, np.nan)
    for s, j in delivered.items():
        exponents[n_t + j] = s
    return t, exponents


def multi_link_delivered_werner(
    model: MultiLinkModel,
    decision: ArrayLike,
    werner0: float | Sequence[float],
    coherence_steps: float,
    *,
    decay: Literal["link", "pair"] = "link",
) -> float:
    """Expected Werner parameter of the delivered end-to-end pair under ``decision`` (module notes).

    Parameters
    ----------
    model : the chain.
    decision : decision function ``decision[state, action]`` on ``model``'s states.
    werner0 : Werner parameter of a fresh elementary link, in [0, 1], one or one per link.
    coherence_steps : memory coherence time ``c`` in steps, > 0 (``math.inf``: no decay).
    decay : ``"link"``: ``W = prod_i werner0_i exp(-m_i / c)`` with ``m_i`` the age
        of elementary link ``i`` at delivery; ``"pair"``: a joined pair decays
        as one pair, ``exp(-1/c)`` per step.

    Raises
    ------
    ValueError
        For parameters out of range, ``cutoff=None`` with finite ``coherence_steps``
        (unbounded ages), or a decision that does not deliver with probability 1.

    Examples
    --------
    >>> model = multi_link_model(2, 0.5, 1.0, 1)
    >>> w = multi_link_delivered_werner(model, model.swap_asap_decision(), 1.0, 10.0)
    >>> round(w, 12)   # half the deliveries have ages (0, 0), half (0, 1)
    0.952418709018
    """
    if not isinstance(model, MultiLinkModel):
        raise TypeError(f"model must be a MultiLinkModel, got {type(model).__name__}")
    w0 = _werner_factors(model.n_links, werner0)
    c = check_positive("coherence_steps", coherence_steps, allow_inf=True)
    if decay not in ("link", "pair"):
        raise ValueError(f"decay must be 'link' or 'pair', got {decay!r}")
    if math.isinf(c):
        multi_link_waiting_time(model, decision)  # the decision must deliver
        return w0
    if model.cutoff is None:
        raise ValueError(
            "a finite coherence_steps needs a finite cutoff (cutoff=None leaves ages unbounded)"
        )
    t, exponents = _delivery_chain(model, decision, decay)
    res = absorption_analysis(t, None, 0, absorbing=~np.isnan(exponents))
    f = np.where(np.isnan(exponents), 0.0, w0 * np.exp(-np.nan_to_num(exponents) / c))
    return res.value(f)


def multi_link_delivered_fidelity(
    model: MultiLinkModel,
    decision: ArrayLike,
    werner0: float | Sequence[float],
    coherence_steps: float,
    *,
    decay: Literal["link", "pair"] = "link",
) -> float:
    """Expected fidelity ``(1 + 3 E[W]) / 4`` of the delivered pair (see :func:`multi_link_delivered_werner`).

    Examples
    --------
    >>> model = multi_link_model(3, 0.9, 1.0, 2)
    >>> round(multi_link_delivered_fidelity(model, model.swap_asap_decision(), 1.0, math.inf), 12)
    1.0
    """
    w = multi_link_delivered_werner(model, decision, werner0, coherence_steps, decay=decay)
    return (1.0 + 3.0 * w) / 4.0


@dataclass(frozen=True, eq=False)
class MultiLinkSummary:
    """Optimal and swap-asap figures of one chain (:func:`multi_link_summary`).

    Attributes
    ----------
    model : the :class:`MultiLinkModel`.
    optimal_waiting_time, swap_asap_waiting_time : expected waiting times in steps.
    optimal_decision : the optimal decision (ties go to the most swaps).
    optimal_fidelity, swap_asap_fidelity : expected delivered fidelities.
    """

    model: MultiLinkModel
    optimal_waiting_time: float
    swap_asap_waiting_time: float
    optimal_decision: NDArray[np.float64] = field(repr=False)
    optimal_fidelity: float
    swap_asap_fidelity: float

    @property
    def n_states(self) -> int:
        """Number of MDP states."""
        return self.model.n_states

    @property
    def advantage(self) -> float:
        """``(T_swap-asap - T_opt) / T_opt``, the relative gain of the optimal policy (Iñesta et al.)."""
        return (self.swap_asap_waiting_time - self.optimal_waiting_time) / self.optimal_waiting_time


def multi_link_summary(
    n_links: int,
    p: float | Sequence[float],
    p_swap: float,
    cutoff: int,
    *,
    werner0: float | Sequence[float] = 1.0,
    coherence_steps: float = math.inf,
    decay: Literal["link", "pair"] = "link",
) -> MultiLinkSummary:
    """Optimal and swap-asap waiting times and delivered fidelities of one chain.

    Examples
    --------
    >>> s = multi_link_summary(3, 0.5, 0.5, 2, werner0=0.98, coherence_steps=50.0)
    >>> round(s.optimal_waiting_time, 6), round(s.swap_asap_waiting_time, 6)
    (12.7079, 12.775768)
    >>> round(s.optimal_fidelity, 6), round(s.swap_asap_fidelity, 6)
    (0.929707, 0.929768)
    """
    model = multi_link_model(n_links, p, p_swap, cutoff)
    t_opt, d_opt = multi_link_optimal_waiting_time(model)
    d_asap = model.swap_asap_decision()
    return MultiLinkSummary(
        model=model,
        optimal_waiting_time=t_opt,
        swap_asap_waiting_time=multi_link_waiting_time(model, d_asap),
        optimal_decision=d_opt,
        optimal_fidelity=multi_link_delivered_fidelity(
            model, d_opt, werner0, coherence_steps, decay=decay
        ),
        swap_asap_fidelity=multi_link_delivered_fidelity(
            model, d_asap, werner0, coherence_steps, decay=decay
        ),
    )
