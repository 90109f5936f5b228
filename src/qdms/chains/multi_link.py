"""Exact MDP of a repeater chain of ``n`` elementary links with swaps and cutoffs.

The model of Iñesta, Vardoyan, Scavuzzo and Wehner, "Optimal entanglement
distribution policies in homogeneous repeater chains with cutoffs", npj
Quantum Inf. 9, 46 (2023), arXiv:2207.06533, with heterogeneous heralding
probabilities, in the conventions of Khatri's two-link MDP (AVS Quantum Sci.
4, 030501 (2022), Sec. V; :mod:`qdms.chains.two_link`). States and the five
sub-steps of one time step are defined in :mod:`qdms.chains.chain_states`.
In short: the state ``X_t`` lists the links stored at the end of step ``t``
(node pairs and ages); the action chooses which nodes swap at the end of step
``t`` (any subset of the nodes holding two links); successful runs of swaps
join their links (age: the oldest), failed ones discard them; if the
end-to-end link exists it is delivered at step ``t``; links of age
``cutoff`` are discarded, the rest age by one, and every elementary link whose
two memories are free is heralded in step ``t + 1`` with probability ``p_i``.

MDP (column convention ``T_a[to, from]``, :mod:`qdms.mdp`)
---------------------------------------------------------
* States: every state reachable from the empty chain, by breadth-first search
  (index 0 is the empty chain ``X_0``), and one absorbing state
  ``"delivered"`` (the last index).
* Actions: ``a = 0 .. 2^(n-1) - 1``; bit ``k - 1`` of ``a`` asks node ``k``
  to swap. A node that does not hold two links ignores the request, so every
  action is defined in every state; ``0`` never swaps, ``2^(n-1) - 1``
  swaps as soon as possible ("swap-asap", the baseline of Iñesta et al.).
* Waiting time: delivery in the transition out of ``X_t`` means delivery at
  step ``t``, so ``W = tau - 1`` with ``tau`` the absorption time (as in
  :func:`~qdms.chains.two_link_waiting_time`); two links with
  ``p = p_swap = 1`` give ``W = 1``.

Delivered fidelities: :mod:`qdms.chains.multi_link_fidelity`.

Differences from Iñesta et al.: ``p`` may differ per link; ``cutoff`` may be
0 or ``None`` (then ages are not tracked); ``n`` counts links, theirs nodes
(``n_nodes = n + 1``); their ``t_cut`` is our ``cutoff`` (a link is usable at
ages ``0..t_cut``; their closed form for three nodes and ``t_cut = 2`` is
Khatri's eq. 124 with ``t* = 2``). Their policies never discard a link
before its cutoff, and neither do ours: for two links this is optimal
(Khatri's LP over keep/regenerate/swap policies gives the same optimum; see
the tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_probability
from ..mdp import (
    MDP,
    absorption_analysis,
    absorption_time_lp,
    absorption_time_pmf,
    absorption_time_policy_iteration,
    absorption_time_value_iteration,
    check_decision,
    deterministic_decision,
)
from .chain_states import DELIVERED, ChainState, step_distribution, swappable_nodes

__all__ = [
    "MultiLinkModel",
    "multi_link_model",
    "multi_link_optimal_waiting_time",
    "multi_link_waiting_time",
    "multi_link_waiting_time_pmf",
]

#: Largest number of links accepted (2^(n-1) actions).
MAX_LINKS = 8

Label = tuple[tuple[int, int, int], ...]


@dataclass(frozen=True, eq=False)
class MultiLinkModel:
    """The repeater-chain MDP and its indexing (see the module notes).

    Attributes
    ----------
    mdp : the :class:`qdms.mdp.MDP`, ``2^(n_links - 1)`` actions.
    states : state labels in index order: tuples of links ``(a, b, age)``
        sorted by ``a`` (ages are 0 when ``cutoff is None``), and the string
        ``"delivered"`` last.
    n_links : number ``n`` of elementary links (nodes ``0..n``).
    p_gen : heralding probability of each elementary link.
    p_swap : success probability of one swap.
    cutoff : largest usable age of a link (``None``: never discarded).
    """

    mdp: MDP
    states: tuple[Label | str, ...]
    n_links: int
    p_gen: tuple[float, ...]
    p_swap: float
    cutoff: int | None
    _index: dict = field(repr=False)
    _swappable: NDArray[np.int64] = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"MultiLinkModel(n_links={self.n_links}, p_gen={self.p_gen}, p_swap={self.p_swap}, "
            f"cutoff={self.cutoff}, n_states={self.n_states})"
        )

    @property
    def n_states(self) -> int:
        """Number of states, the absorbing one included."""
        return len(self.states)

    @property
    def n_actions(self) -> int:
        """Number of actions, ``2^(n_links - 1)``."""
        return self.mdp.n_actions

    @property
    def initial(self) -> int:
        """Index of the empty chain ``X_0`` (0)."""
        return 0

    @property
    def delivered(self) -> int:
        """Index of the absorbing state (the last)."""
        return len(self.states) - 1

    @property
    def absorbing(self) -> NDArray[np.bool_]:
        """Mask of the absorbing state."""
        mask = np.zeros(self.n_states, dtype=bool)
        mask[-1] = True
        return mask

    def index(self, state: Iterable[Sequence[int]]) -> int:
        """Index of a state given as links ``(a, b, age)`` in any order.

        Raises ``KeyError`` if the state is not reachable.
        """
        key = tuple(sorted(tuple(int(x) for x in link) for link in state))
        return self._index[key]

    def swappable_mask(self) -> NDArray[np.int64]:
        """Per state, the action that swaps at every node holding two links (0 when none)."""
        return self._swappable.copy()

    def swap_asap_decision(self) -> NDArray[np.float64]:
        """Swap as soon as possible: every node holding two links swaps (Iñesta et al.'s baseline).

        Examples
        --------
        >>> model = multi_link_model(2, 0.5, 1.0, 1)
        >>> model.swap_asap_decision()[model.index([(0, 1, 0), (1, 2, 1)])]
        array([0., 1.])
        """
        return deterministic_decision(self._swappable, self.n_actions)

    def decision_from_rule(self, rule: Callable[[Label], Iterable[int]]) -> NDArray[np.float64]:
        """Deterministic decision from ``rule(state) -> nodes that swap``.

        ``rule`` gets each state label (links ``(a, b, age)``) and returns the
        nodes that swap there; each must hold two links.

        Raises
        ------
        ValueError
            If ``rule`` names a node that cannot swap in that state.
        """
        actions = np.zeros(self.n_states, dtype=np.int64)
        for s, label in enumerate(self.states[:-1]):
            mask = 0
            for k in rule(label):
                bit = 1 << (int(k) - 1) if 1 <= int(k) < self.n_links else 0
                if not self._swappable[s] & bit:
                    raise ValueError(
                        f"rule asks node {k!r} to swap in state {label}, where it does not "
                        f"hold two links (nodes that can: {_nodes(int(self._swappable[s]))})"
                    )
                mask |= bit
            actions[s] = mask
        return deterministic_decision(actions, self.n_actions)

    def swap_nodes(self, decision: ArrayLike) -> dict[Label, tuple[int, ...]]:
        """The nodes that swap in each (non-absorbing) state under a deterministic ``decision``."""
        return {
            label: tuple(k for k in range(1, self.n_links) if mask >> (k - 1) & 1)
            for label, mask in self.policy_map(decision).items()
        }

    def policy_map(self, decision: ArrayLike) -> dict[Label, int]:
        """``{state label: action}`` of a deterministic ``decision``, bits of nodes that cannot swap cleared.

        The form :func:`qdms.sim.repeater_chain.simulate_repeater_chain` takes.
        """
        d = check_decision(decision, self.n_states, self.n_actions)
        actions = np.argmax(d, axis=1)
        if not np.all(d[np.arange(self.n_states), actions] == 1.0):
            raise ValueError("decision must be deterministic (one action with probability 1)")
        eff = actions & self._swappable
        return {label: int(eff[s]) for s, label in enumerate(self.states[:-1])}


def _probabilities(n_links: int, p: float | Sequence[float]) -> tuple[float, ...]:
    if np.ndim(p) == 0:
        if check_probability("p", p) == 0:
            raise ValueError("p must be > 0: the links are never heralded, got 0")
        return (float(p),) * n_links
    seq = list(np.asarray(p, dtype=object).ravel()) if not isinstance(p, list | tuple) else p
    if len(seq) != n_links:
        raise ValueError(f"p must be one probability or one per link ({n_links}), got {len(seq)}")
    values = [check_probability(f"p[{i}]", q) for i, q in enumerate(seq)]
    for i, q in enumerate(values):
        if q == 0:
            raise ValueError(f"p[{i}] must be > 0: that link is never heralded, got 0")
    return tuple(float(q) for q in values)


def _check_params(n_links, p, p_swap, cutoff):
    n = check_int("n_links", n_links, low=1, high=MAX_LINKS)
    probs = _probabilities(n, p)
    ps = check_probability("p_swap", p_swap)
    if n > 1 and ps == 0:
        raise ValueError("p_swap must be > 0: the end-to-end link is never created, got 0")
    cut = None if cutoff is None else check_int("cutoff", cutoff, low=0)
    return n, probs, ps, cut


def _submasks(mask: int) -> list[int]:
    """Every sub-mask of ``mask``, 0 first."""
    out, sub = [], mask
    while True:
        out.append(sub)
        if sub == 0:
            return sorted(out)
        sub = (sub - 1) & mask


def _nodes(mask: int) -> list[int]:
    return [k + 1 for k in range(mask.bit_length()) if mask >> k & 1]


def _as_mask(nodes: Iterable[int]) -> int:
    return sum(1 << (k - 1) for k in nodes)


def _label(state: ChainState) -> Label:
    return tuple((a, b, age) for a, b, age, _ in state)


def multi_link_model(
    n_links: int,
    p: float | Sequence[float],
    p_swap: float,
    cutoff: int | None,
    *,
    max_states: int = 2_000_000,
) -> MultiLinkModel:
    """The MDP of a chain of ``n_links`` elementary links with swaps and a cutoff (module notes).

    Parameters
    ----------
    n_links : number ``n`` of elementary links, in ``[1, 8]`` (nodes ``0..n``).
    p : heralding probability per step, one for all links or one per link, in (0, 1].
    p_swap : success probability of one swap, in (0, 1].
    cutoff : largest usable age of a stored link (its oldest elementary link), an
        int >= 0 (Iñesta et al.'s ``t_cut``), or ``None``: never discarded.
    max_states : give up (``ValueError``) past this many states.

    Raises
    ------
    ValueError
        If a probability lies outside [0, 1] or is 0, ``cutoff`` is negative,
        ``n_links`` is out of range, or the state space exceeds ``max_states``.

    Examples
    --------
    >>> model = multi_link_model(3, 0.5, 0.5, 2)
    >>> model.n_states, model.n_actions
    (81, 4)
    """
    n, probs, ps, cut = _check_params(n_links, p, p_swap, cutoff)
    max_states = check_int("max_states", max_states, low=1)
    states: list[ChainState] = [()]
    index: dict[ChainState, int] = {(): 0}
    swappable: list[int] = []
    pair_of: list[dict[int, int]] = []
    pair_to: list[NDArray[np.int64]] = []
    pair_prob: list[NDArray[np.float64]] = []
    i = 0
    while i < len(states):
        state = states[i]
        smask = _as_mask(swappable_nodes(state))
        swappable.append(smask)
        own: dict[int, int] = {}
        for sub in _submasks(smask):
            dist = step_distribution(
                state, _nodes(sub), n_links=n, p_gen=probs, p_swap=ps, cutoff=cut, decay=None
            )
            to, pr = [], []
            for key, q in dist.items():
                if key and key[0] == DELIVERED:
                    to.append(-1)
                else:
                    j = index.get(key)
                    if j is None:
                        j = index[key] = len(states)
                        states.append(key)
                        if len(states) >= max_states:
                            raise ValueError(
                                f"the chain has more than max_states = {max_states} states; "
                                "lower n_links or cutoff, or raise max_states"
                            )
                    to.append(j)
                pr.append(q)
            own[sub] = len(pair_to)
            pair_to.append(np.array(to, dtype=np.int64))
            pair_prob.append(np.array(pr))
        pair_of.append(own)
        i += 1
    n_states = len(states) + 1
    delivered = n_states - 1
    lengths = np.array([t.size for t in pair_to])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    flat_to = np.concatenate(pair_to)
    flat_to[flat_to < 0] = delivered
    flat_prob = np.concatenate(pair_prob)
    smasks = np.array(swappable, dtype=np.int64)
    mats = []
    for a in range(1 << (n - 1)):
        pairs = np.array([own[a & m] for own, m in zip(pair_of, swappable, strict=True)])
        counts = lengths[pairs]
        offsets = np.repeat(starts[pairs] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        gather = np.arange(counts.sum()) + offsets
        rows = np.concatenate([flat_to[gather], [delivered]])
        cols = np.concatenate([np.repeat(np.arange(len(states)), counts), [delivered]])
        vals = np.concatenate([flat_prob[gather], [1.0]])
        mats.append(sp.csc_array((vals, (rows, cols)), shape=(n_states, n_states)))
    labels: list[Label | str] = [_label(s) for s in states]
    labels.append(DELIVERED)
    action_labels = tuple(tuple(_nodes(a)) for a in range(1 << (n - 1)))
    return MultiLinkModel(
        mdp=MDP(mats, state_labels=labels, action_labels=action_labels),
        states=tuple(labels),
        n_links=n,
        p_gen=probs,
        p_swap=ps,
        cutoff=cut,
        _index={lab: s for s, lab in enumerate(labels[:-1])},
        _swappable=np.concatenate([smasks, [0]]),
    )


def _check_model(model: MultiLinkModel) -> MultiLinkModel:
    if not isinstance(model, MultiLinkModel):
        raise TypeError(f"model must be a MultiLinkModel, got {type(model).__name__}")
    return model


def multi_link_waiting_time(model: MultiLinkModel, decision: ArrayLike) -> float:
    """Expected waiting time in steps of the end-to-end link under ``decision`` (absorption time minus 1).

    Raises
    ------
    ValueError
        If under ``decision`` the end-to-end link is not delivered with probability 1.

    Examples
    --------
    >>> model = multi_link_model(2, 0.5, 1.0, None)
    >>> round(multi_link_waiting_time(model, model.swap_asap_decision()), 12)  # (3-2p)/(p(2-p))
    2.666666666667
    """
    model = _check_model(model)
    res = absorption_analysis(model.mdp, decision, model.initial, absorbing=model.absorbing)
    return res.expected_steps - 1.0


def multi_link_waiting_time_pmf(
    model: MultiLinkModel, decision: ArrayLike, *, steps: int
) -> NDArray[np.float64]:
    """``Pr[W = t]`` for ``t = 0..steps`` under ``decision`` (``Pr[W = 0] = 0``).

    Examples
    --------
    >>> model = multi_link_model(1, 0.5, 1.0, 0)
    >>> multi_link_waiting_time_pmf(model, model.swap_asap_decision(), steps=3).tolist()
    [0.0, 0.5, 0.25, 0.125]
    """
    model = _check_model(model)
    steps = check_int("steps", steps, low=0)
    pmf = absorption_time_pmf(
        model.mdp, decision, model.initial, steps=steps + 1, absorbing=model.absorbing
    )
    return pmf[1:]


def _prefer_swaps(model: MultiLinkModel, values: NDArray[np.float64]) -> NDArray[np.int64]:
    """Greedy actions for ``values``; among ties (1e-9 relative) the one with most swaps."""
    finite = np.where(np.isfinite(values), values, 0.0)
    q = 1.0 + model.mdp.expected_next(finite)
    best = q.min(axis=1, keepdims=True)
    ties = q <= best + 1e-9 * np.maximum(1.0, np.abs(best))
    eff = np.arange(model.n_actions)[None, :] & model._swappable[:, None]
    count = np.array([bin(a).count("1") for a in range(model.n_actions)])[eff]
    score = np.where(ties, count * model.n_actions + eff, -1)  # most swaps, then that action
    actions = np.take_along_axis(eff, np.argmax(score, axis=1)[:, None], axis=1).ravel()
    actions[model.delivered] = 0
    return actions


def multi_link_optimal_waiting_time(
    model: MultiLinkModel,
    *,
    method: Literal["policy_iteration", "value_iteration", "lp"] = "policy_iteration",
) -> tuple[float, NDArray[np.float64]]:
    """Minimal expected waiting time over all swap policies, and an optimal decision.

    Solved by policy iteration (default), value iteration (tolerance 1e-10)
    or the LP of Khatri Prop. A.4 (:mod:`qdms.mdp`), all on sparse matrices.
    Among actions that tie (1e-9 relative) the decision takes the one with
    the most swaps, so it departs from swap-asap only where waiting is
    strictly better; the reported value is that decision's exact waiting time.
    Where that tie-break is worse than the solver's own decision (for ``p``
    below ~1e-5 the values reach 1e13 steps and real differences fall inside
    the tie band), the solver's decision is returned. Value iteration needs
    about ``E[W]`` iterations: use it for fast links only.

    Returns
    -------
    ``(waiting_time, decision)``: steps, and ``decision[state, action]``.

    Examples
    --------
    >>> model = multi_link_model(3, 0.5, 1.0, 2)
    >>> value, decision = multi_link_optimal_waiting_time(model)
    >>> round(value, 9), round(multi_link_waiting_time(model, model.swap_asap_decision()), 9)
    (3.565217391, 3.589398401)
    """
    model = _check_model(model)
    kwargs = {"initial": model.initial, "absorbing": model.absorbing}
    if method == "policy_iteration":
        res = absorption_time_policy_iteration(model.mdp, **kwargs)
        values, solved = res.state_values, res.decision
    elif method == "value_iteration":
        res = absorption_time_value_iteration(model.mdp, **kwargs)
        values, solved = res.state_values, res.decision
    elif method == "lp":
        solved = absorption_time_lp(model.mdp, model.initial, absorbing=model.absorbing).decision
        values = _state_values(model, solved)
    else:
        raise ValueError(
            f"method must be 'policy_iteration', 'value_iteration' or 'lp', got {method!r}"
        )
    decision = deterministic_decision(_prefer_swaps(model, values), model.n_actions)
    waiting = multi_link_waiting_time(model, decision)
    # With waiting times of 1e13 steps, real differences hide inside the tie band: the
    # swap-preferring decision is kept unless the solver's own is better beyond rounding
    # (both are evaluated exactly, to ~1e-15).
    solved_waiting = multi_link_waiting_time(model, solved)
    if solved_waiting < waiting * (1.0 - 1e-13):
        return solved_waiting, solved
    return waiting, decision


def _state_values(model: MultiLinkModel, decision: NDArray[np.float64]) -> NDArray[np.float64]:
    """Expected absorption time from every transient state under ``decision`` (one sparse solve)."""
    n = model.n_states
    t_d = sum(
        model.mdp.transitions[a] @ sp.diags_array(decision[:, a]) for a in range(model.n_actions)
    )
    q = sp.csc_array(sp.csc_array(t_d)[: n - 1, : n - 1])
    v = np.zeros(n)
    v[: n - 1] = spla.spsolve(sp.csc_array(sp.eye_array(n - 1, format="csc") - q.T), np.ones(n - 1))
    return v
