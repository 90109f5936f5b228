"""A finite Markov decision process: states, actions and one stochastic matrix per action.

Conventions (Khatri App. A.1-A.2, used by every module of :mod:`qdms.mdp`)
--------------------------------------------------------------------------
Probability vectors are **column vectors** indexed by state, and transition
matrices act on them from the left::

    T_a[to, from] = Pr[X_t = to | X_{t-1} = from, A_t = a]      (Khatri eq. 131, 142)

so every **column** of ``T_a`` sums to one (Khatri eq. 132) and a distribution
evolves as ``p_t = T p_{t-1}`` (eq. 133). This is the transpose of the
row-stochastic convention of most MDP textbooks (Puterman 2014 writes
``p(j | s, a)`` as row ``s``); whenever a value function ``w`` (a row vector,
a function of the "from" state) is propagated backwards we use ``T_a.T @ w``.

The matrices are stored as ``scipy.sparse.csc_array`` (columns = "from"
states, so a column is one conditional distribution).

References
----------
S. Khatri, "On the design and analysis of near-term quantum network protocols
using Markov decision processes", AVS Quantum Sci. 4, 030501 (2022), App. A.
M. L. Puterman, *Markov Decision Processes* (Wiley, 2014).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

__all__ = ["MDP", "MDPLike", "absorbing_states", "as_mdp", "column_tolerance"]


def column_tolerance(n_states: int) -> float:
    """Tolerance ``1e-12 * n`` on the column sums of an ``n``-state stochastic matrix.

    Examples
    --------
    >>> column_tolerance(10)
    1e-11
    """
    return 1e-12 * max(int(n_states), 1)


def _to_csc(name: str, matrix: Any) -> sp.csc_array:
    if sp.issparse(matrix):
        if np.iscomplexobj(matrix.data):
            raise TypeError(f"{name} must be real, got a complex sparse matrix")
        out = sp.csc_array(matrix, dtype=float)
    else:
        arr = np.asarray(matrix)
        if arr.dtype == object or np.iscomplexobj(arr) or not np.issubdtype(arr.dtype, np.number):
            if arr.dtype != bool:
                raise TypeError(f"{name} must be a real matrix, got dtype {arr.dtype}")
        if arr.ndim != 2:
            raise ValueError(f"{name} must be a 2-dimensional matrix, got shape {arr.shape}")
        out = sp.csc_array(arr.astype(float))
    out.sum_duplicates()
    out.eliminate_zeros()
    out.sort_indices()
    return out


def _check_stochastic(name: str, matrix: sp.csc_array) -> None:
    n_rows, n_cols = matrix.shape
    if n_rows != n_cols:
        raise ValueError(f"{name} must be square (T[to, from]), got shape {matrix.shape}")
    data = matrix.data
    if not np.all(np.isfinite(data)):
        raise ValueError(f"{name} must have finite entries")
    if np.any(data < 0):
        raise ValueError(f"{name} must be non-negative, found entry {float(data[data < 0][0])!r}")
    sums = np.asarray(matrix.sum(axis=0)).ravel()
    tol = column_tolerance(n_cols)
    bad = np.flatnonzero(np.abs(sums - 1.0) > tol)
    if bad.size:
        j = int(bad[0])
        hint = ""
        rows = np.asarray(matrix.sum(axis=1)).ravel()
        if np.all(np.abs(rows - 1.0) <= tol):
            hint = " (its rows sum to 1: pass the transpose, qdms uses T[to, from])"
        raise ValueError(
            f"{name} must be column-stochastic (columns = 'from' states summing to 1 within "
            f"{tol:g}); column {j} sums to {float(sums[j])!r}{hint}"
        )


def _check_labels(name: str, labels: Sequence[Any] | None, size: int) -> tuple[Any, ...] | None:
    if labels is None:
        return None
    if isinstance(labels, str):
        raise TypeError(f"{name} must be a sequence of labels, not a string")
    out = tuple(labels)
    if len(out) != size:
        raise ValueError(f"{name} must have {size} entries, got {len(out)}")
    return out


@dataclass(frozen=True, eq=False)
class MDP:
    """A finite MDP given by one column-stochastic matrix per action (Khatri eq. 141-142).

    Parameters
    ----------
    transitions : sequence of (n, n) matrices (dense or scipy.sparse), one per
        action, or a 3-D array of shape (n_actions, n, n). Entry
        ``transitions[a][to, from]`` is the probability of moving to ``to``
        from ``from`` when action ``a`` is taken; each column sums to 1
        within ``1e-12 * n``. Stored as ``scipy.sparse.csc_array``.
    state_labels, action_labels : optional sequences of names (any objects),
        of length ``n_states`` and ``n_actions``.

    Raises
    ------
    ValueError
        If there is no action, a matrix is not square, sizes differ, an entry
        is negative or not finite, or a column does not sum to 1.
    TypeError
        If a matrix is not real.

    Examples
    --------
    >>> wait = [[1.0, 0.0], [0.0, 1.0]]
    >>> request = [[0.5, 0.5], [0.5, 0.5]]
    >>> mdp = MDP([wait, request], state_labels=["off", "on"], action_labels=["wait", "request"])
    >>> mdp.n_states, mdp.n_actions
    (2, 2)
    >>> mdp.transitions[1].toarray()[:, 0]  # distribution after "request" from "off"
    array([0.5, 0.5])
    """

    transitions: tuple[sp.csc_array, ...]
    state_labels: tuple[Any, ...] | None = None
    action_labels: tuple[Any, ...] | None = None

    def __post_init__(self) -> None:
        raw = self.transitions
        if sp.issparse(raw):
            raise TypeError(
                "transitions must be a sequence of matrices, one per action; "
                "wrap a single Markov chain as [matrix]"
            )
        if isinstance(raw, np.ndarray):
            if raw.ndim != 3:
                raise ValueError(
                    f"transitions as an array must have shape (n_actions, n, n), got {raw.shape}"
                )
            raw = list(raw)
        try:
            items = list(raw)
        except TypeError as exc:
            raise TypeError("transitions must be a sequence of matrices, one per action") from exc
        if not items:
            raise ValueError("transitions must hold at least one action's matrix, got none")
        mats = tuple(_to_csc(f"transitions[{a}]", m) for a, m in enumerate(items))
        for a, m in enumerate(mats):
            _check_stochastic(f"transitions[{a}]", m)
            if m.shape != mats[0].shape:
                raise ValueError(
                    f"transitions[{a}] has shape {m.shape} but transitions[0] has "
                    f"shape {mats[0].shape}: all actions act on the same states"
                )
        object.__setattr__(self, "transitions", mats)
        n, k = mats[0].shape[0], len(mats)
        object.__setattr__(
            self, "state_labels", _check_labels("state_labels", self.state_labels, n)
        )
        object.__setattr__(
            self, "action_labels", _check_labels("action_labels", self.action_labels, k)
        )

    @property
    def n_states(self) -> int:
        """Number of states ``|S|``."""
        return int(self.transitions[0].shape[0])

    @property
    def n_actions(self) -> int:
        """Number of actions ``|A|``."""
        return len(self.transitions)

    @cached_property
    def backward(self) -> sp.csr_array:
        """The ``(n_actions * n, n)`` stack of ``T_a.T``: ``(backward @ w)[a*n + s] = sum_s' T_a[s', s] w[s']``.

        One sparse product gives the expected next value of ``w`` for every
        state-action pair (the Bellman operator's inner sum).

        Examples
        --------
        >>> mdp = MDP([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]])
        >>> (mdp.backward @ np.array([1.0, 2.0])).reshape(2, 2)  # [action, state]
        array([[1., 2.],
               [2., 1.]])
        """
        return sp.csr_array(sp.vstack([t.T for t in self.transitions], format="csr"))

    def expected_next(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        """``q[s, a] = sum_s' T_a[s', s] values[s']``, the expected next value, shape (n, n_actions).

        Examples
        --------
        >>> mdp = MDP([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]])
        >>> mdp.expected_next(np.array([1.0, 2.0]))
        array([[1., 2.],
               [2., 1.]])
        """
        return (self.backward @ values).reshape(self.n_actions, self.n_states).T


MDPLike = MDP | Sequence[ArrayLike] | ArrayLike


def as_mdp(mdp: Any) -> MDP:
    """Return ``mdp`` as an :class:`MDP`.

    Accepts an :class:`MDP`, a sequence of matrices (one per action), a 3-D
    array ``(n_actions, n, n)``, or one 2-D matrix (a Markov chain: an MDP
    with a single action).

    Examples
    --------
    >>> as_mdp([[0.0, 1.0], [1.0, 0.0]]).n_actions  # one matrix: a Markov chain
    1
    """
    if isinstance(mdp, MDP):
        return mdp
    if sp.issparse(mdp):
        return MDP([mdp])
    if (
        isinstance(mdp, list | tuple)
        and mdp
        and all(sp.issparse(m) or (isinstance(m, np.ndarray) and m.ndim == 2) for m in mdp)
    ):
        return MDP(list(mdp))
    try:
        arr = np.asarray(mdp, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"mdp must be an MDP, a sequence of matrices or a matrix, got {type(mdp).__name__}"
        ) from exc
    if arr.ndim == 2:
        return MDP([arr])
    if arr.ndim == 3:
        return MDP(arr)
    raise ValueError(
        f"mdp as an array must be a matrix (n, n) or a stack (n_actions, n, n), got shape {arr.shape}"
    )


def absorbing_states(mdp: MDPLike) -> NDArray[np.int64]:
    """States ``s`` with ``T_a[s, s] = 1`` for every action ``a`` (Khatri App. A.2.1).

    A state is absorbing when no action moves it anywhere else: every
    off-diagonal entry of its column is 0. (A diagonal of ``1 - 1e-15`` is
    a state left with probability 1e-15 per step, which is not absorbing:
    rare events are the point here, so no tolerance applies.)

    Parameters
    ----------
    mdp : an :class:`MDP` or anything :func:`as_mdp` accepts.

    Returns
    -------
    Sorted array of state indices.

    Examples
    --------
    >>> T = [[1.0, 0.5, 0.0], [0.0, 0.0, 0.0], [0.0, 0.5, 1.0]]
    >>> absorbing_states(T)
    array([0, 2])
    """
    mdp = as_mdp(mdp)
    mask = np.ones(mdp.n_states, dtype=bool)
    for t in mdp.transitions:
        off = sp.csc_array(t - sp.diags_array(t.diagonal()))
        off.eliminate_zeros()
        mask &= np.diff(off.indptr) == 0  # no other state in the column
    return np.flatnonzero(mask)
