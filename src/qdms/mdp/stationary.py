"""Class structure, stationary distribution and steady-state value of a stationary policy (Khatri eq. 168).

For a stationary policy ``d`` the chain ``T_d`` (column convention
``T_d[to, from]``) splits into closed communicating classes and transient
states. The stationary distribution ``pi = T_d pi``, ``<1|pi> = 1`` is
unique exactly when there is one closed class (the chain is *unichain*); it
vanishes on transient states. The steady-state value (Khatri eq. 168)

    lim_{t -> inf} E[f(X_t)] = lim_t <f| T_d^t |p_0> = <f| pi>

exists for every ``p_0`` and equals ``<f|pi>`` when, in addition, the closed
class is aperiodic. If it is periodic with period ``k > 1``, ``T_d^t p_0``
cycles and ``E[f(X_t)]`` generally oscillates; its Cesàro average still
tends to ``<f|pi>`` (:func:`average_value`). References: Puterman 2014,
App. A.2-A.4; Kemeny and Snell, *Finite Markov Chains* (1960).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import connected_components, shortest_path

from ._checks import check_reward, check_state_function
from ._linalg import prefer_direct, solve_operator, solve_transient
from .decisions import _policy_matrix, check_decision
from .model import MDP, MDPLike, as_mdp

__all__ = [
    "ChainStructure",
    "average_value",
    "chain_structure",
    "stationary_distribution",
    "steady_state_value",
]


@dataclass(frozen=True, eq=False)
class ChainStructure:
    """Closed classes, their periods and the transient states of a Markov chain.

    Attributes
    ----------
    closed_classes : tuple of sorted int arrays, one per closed communicating
        class (ordered by their smallest state).
    periods : tuple of ints, the period of each closed class (1 = aperiodic).
    transient : sorted int array of the states in no closed class.

    Examples
    --------
    >>> s = chain_structure([[0.5, 0.0], [0.5, 1.0]])
    >>> s.closed_classes, s.transient, s.is_unichain, s.is_aperiodic
    ((array([1]),), array([0]), True, True)
    """

    closed_classes: tuple[NDArray[np.int64], ...]
    periods: tuple[int, ...]
    transient: NDArray[np.int64]

    @property
    def is_unichain(self) -> bool:
        """True when there is exactly one closed class."""
        return len(self.closed_classes) == 1

    @property
    def is_aperiodic(self) -> bool:
        """True when every closed class has period 1."""
        return all(p == 1 for p in self.periods)


def _structure(t: sp.csc_array) -> ChainStructure:
    n = t.shape[0]
    coo = t.tocoo()
    to, fr = coo.row, coo.col
    n_comp, labels = connected_components(sp.csr_array(t.T), directed=True, connection="strong")
    cross = labels[to] != labels[fr]
    is_open = np.zeros(n_comp, dtype=bool)
    is_open[labels[fr[cross]]] = True
    closed = ~is_open[labels]
    order = np.argsort(labels, kind="stable")
    order = order[closed[order]]
    groups = np.split(order, np.flatnonzero(np.diff(labels[order])) + 1) if order.size else []
    groups = sorted((np.sort(g) for g in groups), key=lambda g: int(g[0]))
    # Period of each closed class: gcd over its edges (u -> v) of level[u] + 1 - level[v],
    # with BFS levels from one root per class (a virtual source n joined to every root).
    roots = np.array([g[0] for g in groups], dtype=np.int64)
    adj = sp.csr_array(t.T)
    src_row = sp.csr_array(
        (np.ones(roots.size), (np.zeros(roots.size, dtype=int), roots)), shape=(1, n)
    )
    aug = sp.csr_array(
        sp.vstack(
            [sp.hstack([adj, sp.csr_array((n, 1))]), sp.hstack([src_row, sp.csr_array((1, 1))])]
        )
    )
    level = shortest_path(aug, directed=True, unweighted=True, indices=n)[:n]
    inside = closed[fr]
    u, v = fr[inside], to[inside]
    gaps = np.abs(level[u] + 1 - level[v]).astype(np.int64)
    edge_class = labels[u]
    periods = []
    for g in groups:
        sel = gaps[edge_class == labels[g[0]]]
        periods.append(int(np.gcd.reduce(sel)) if sel.size else 1)
    return ChainStructure(
        closed_classes=tuple(g.astype(np.int64) for g in groups),
        periods=tuple(periods),
        transient=np.flatnonzero(~closed).astype(np.int64),
    )


def chain_structure(transition: ArrayLike) -> ChainStructure:
    """Closed classes, periods and transient states of a column-stochastic matrix ``T[to, from]``.

    Parameters
    ----------
    transition : square column-stochastic matrix, dense or scipy.sparse.

    Examples
    --------
    >>> s = chain_structure([[0.0, 1.0, 0.5], [1.0, 0.0, 0.0], [0.0, 0.0, 0.5]])
    >>> s.closed_classes, s.periods, s.transient
    ((array([0, 1]),), (2,), array([2]))
    """
    mdp = as_mdp(transition)
    if mdp.n_actions != 1:
        raise ValueError(
            "transition must be one matrix; for an MDP use policy_matrix(mdp, decision)"
        )
    return _structure(mdp.transitions[0])


def _names(mdp: MDP, states: NDArray[np.int64], limit: int = 5) -> str:
    shown = states[:limit].tolist()
    if mdp.state_labels is not None:
        shown = [mdp.state_labels[s] for s in shown]
    more = f", ... ({states.size} states)" if states.size > limit else ""
    return "[" + ", ".join(map(str, shown)) + more + "]"


def _decision_matrix(mdp: MDP, decision: ArrayLike | None) -> tuple[sp.csc_array, np.ndarray]:
    if decision is None:
        if mdp.n_actions != 1:
            raise ValueError(
                f"decision is required: the MDP has {mdp.n_actions} actions (None is "
                "allowed only for a Markov chain, one action)"
            )
        decision = np.ones((mdp.n_states, 1))
    d = check_decision(decision, mdp.n_states, mdp.n_actions)
    return _policy_matrix(mdp.transitions, d), d


def _unichain(mdp: MDP, structure: ChainStructure) -> NDArray[np.int64]:
    if not structure.is_unichain:
        classes = structure.closed_classes
        raise ValueError(
            f"the chain under this decision has {len(classes)} closed classes (e.g. states "
            f"{_names(mdp, classes[0])} and {_names(mdp, classes[1])}): the stationary "
            "distribution is not unique and the long-run behaviour depends on the initial state"
        )
    return structure.closed_classes[0]


def closed_class_distribution(t: sp.csc_array, states: NDArray[np.int64]) -> NDArray[np.float64]:
    """Stationary distribution of the irreducible block ``T_C = t[states][:, states]``.

    Direct: fix ``pi(k) = 1`` for a state ``k`` of large probability (the
    largest entry after 64 steps of the power method from the uniform
    distribution, so that no entry of the solution overflows); the other
    equations of ``T_C pi = pi`` are ``(1 - T_C)[~k, ~k] x = T_C[~k, k]``, a
    principal block of a diagonally dominant M-matrix (nonsingular for an
    irreducible chain, and sparse): ``x`` counts the visits between returns
    to ``k``, solved as in :func:`~qdms.mdp.absorption_analysis` (LU, then
    GTH elimination where the visits are many); then normalisation. For large wide-band blocks: GMRES on the
    nonsingular ``(1 - T_C + u 1^T) pi = u`` with ``u = 1/m``
    (``1^T (1 - T_C) = 0`` makes ``sum(pi) = 1`` automatic).
    """
    m = states.size
    if m == 1:
        return np.ones(1)
    block = sp.csc_array(t[states][:, states])
    a = sp.csc_array(sp.eye_array(m, format="csc") - block)

    def direct() -> NDArray[np.float64]:
        p = np.full(m, 1.0 / m)
        for _ in range(64):
            p = block @ p
        k = int(np.argmax(p))
        rest = np.delete(np.arange(m), k)
        exits = np.asarray(block[[k]][:, rest].toarray()).ravel()  # returns to k
        x = solve_transient(block[rest][:, rest], exits, block[rest][:, [k]].toarray().ravel())
        pi = np.empty(m)
        pi[rest] = x
        pi[k] = 1.0
        return pi / pi.sum()

    if prefer_direct(a):
        return direct()
    u = np.full(m, 1.0 / m)
    return solve_operator(lambda x: x - block @ x + u * x.sum(), m, u, direct)


def stationary_distribution(mdp: MDPLike, decision: ArrayLike | None = None) -> NDArray[np.float64]:
    """The unique stationary distribution ``pi = T_d pi`` of a stationary policy (Khatri eq. 168).

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP`, or a single column-stochastic matrix
        (a Markov chain), or what :func:`~qdms.mdp.as_mdp` accepts.
    decision : decision ``(n, n_actions)``; may be omitted for a chain.

    Returns
    -------
    Array ``(n,)``, zero on transient states.

    Raises
    ------
    ValueError
        If the chain ``T_d`` has more than one closed class (then the
        stationary distribution is not unique). A periodic chain still has a
        unique stationary distribution and is accepted.

    Examples
    --------
    >>> stationary_distribution([[0.9, 0.2], [0.1, 0.8]])
    array([0.66666667, 0.33333333])
    """
    mdp = as_mdp(mdp)
    t_d, _ = _decision_matrix(mdp, decision)
    states = _unichain(mdp, _structure(t_d))
    pi = np.zeros(mdp.n_states)
    pi[states] = closed_class_distribution(t_d, states)
    return pi


def average_value(mdp: MDPLike, decision: ArrayLike | None, f: ArrayLike) -> float:
    """Long-run average ``lim (1/T) sum_{t<T} E[r(X_t, A_{t+1})] = sum_s pi(s) sum_a d(a|s) r(s, a)``.

    The Cesàro limit, which exists for every unichain policy, periodic or
    not, and equals :func:`steady_state_value` when that exists. ``f`` is a
    function of the state ``(n,)`` (then this is ``<f|pi>``) or a reward
    ``(n, n_actions)``.

    Raises
    ------
    ValueError
        If the chain has more than one closed class.

    Examples
    --------
    >>> average_value([[0.0, 1.0], [1.0, 0.0]], None, [0.0, 1.0])  # periodic: still 1/2
    0.5
    """
    mdp = as_mdp(mdp)
    t_d, d = _decision_matrix(mdp, decision)
    r = check_reward("f", f, mdp.n_states, mdp.n_actions)
    states = _unichain(mdp, _structure(t_d))
    pi = closed_class_distribution(t_d, states)
    return float(pi @ (d[states] * r[states]).sum(axis=1))


def steady_state_value(mdp: MDPLike, decision: ArrayLike | None, f: ArrayLike) -> float:
    """Steady-state value ``lim_{t->inf} E[f(X_t)] = <f|pi>`` of a stationary policy (Khatri eq. 168).

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP` or a single chain matrix.
    decision : stationary decision ``(n, n_actions)`` (may be ``None`` for a chain).
    f : function of the state, shape ``(n,)``.

    Returns
    -------
    The limit, the same for every initial distribution.

    Raises
    ------
    ValueError
        If the chain has more than one closed class (the limit depends on the
        initial distribution), or its closed class is periodic (the limit does
        not exist in general: ``E[f(X_t)]`` oscillates; :func:`average_value`
        gives the Cesàro average). The message says which.

    Examples
    --------
    >>> round(steady_state_value([[0.9, 0.2], [0.1, 0.8]], None, [0.0, 1.0]), 12)
    0.333333333333
    """
    mdp = as_mdp(mdp)
    t_d, _ = _decision_matrix(mdp, decision)
    fv = check_state_function("f", f, mdp.n_states)
    structure = _structure(t_d)
    states = _unichain(mdp, structure)
    if structure.periods[0] > 1:
        raise ValueError(
            f"the chain under this decision is periodic with period {structure.periods[0]} "
            f"(closed class {_names(mdp, states)}): E[f(X_t)] cycles and the steady-state "
            "limit does not exist; average_value gives the long-run (Cesàro) average"
        )
    pi = closed_class_distribution(t_d, states)
    return float(pi @ fv[states])
