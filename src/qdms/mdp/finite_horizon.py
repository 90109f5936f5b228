"""Optimal finite-horizon policies by backward recursion (Bellman; Khatri Thm. II.1).

Objective. For a horizon of ``steps`` steps, a terminal function ``f`` of
the state and an optional reward ``r[s, a]`` collected in step ``t`` for the
state ``X_{t-1} = s`` and action ``A_t = a`` (Khatri App. A.2), maximise

    E[ sum_{t=1}^{steps} r(X_{t-1}, A_t) + f(X_steps) ]

over all policies. Backward recursion (Puterman 2014, Thm. 4.5.1; Khatri
Thm. II.1, eq. 23-26 for the elementary link, where ``r = 0`` and ``f`` is
the fidelity-weighted activity), re-derived in the column convention
``T_a[to, from]``::

    w_steps(s) = f(s)
    w_{t-1}(s) = max_a [ r(s, a) + sum_{s'} T_a[s', s] w_t(s') ],   t = steps, ..., 1
    d_t(s)     = argmax_a of the same bracket (deterministic)

so ``w_{t}(s)`` is the optimal expected value collected from time ``t`` on,
given ``X_t = s``, and the optimal value from ``p_0`` is ``<w_0| p_0>``.
Deterministic Markov policies attain the optimum over all (history-dependent,
randomised) policies (Puterman Thm. 4.4.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int
from ._bellman import greedy_actions
from ._checks import check_distribution, check_reward, check_state_function
from .model import MDPLike, as_mdp

__all__ = ["FiniteHorizonResult", "backward_recursion"]


@dataclass(frozen=True, eq=False)
class FiniteHorizonResult:
    """Result of :func:`backward_recursion`.

    Attributes
    ----------
    value : optimal expected value ``<w_0| p_0>`` from the initial
        distribution, or ``None`` when none was given.
    values : array ``(steps + 1, n)``; ``values[t, s] = w_t(s)``, the optimal
        expected value from time ``t`` given ``X_t = s`` (``values[-1] = f``).
    actions : int array ``(steps, n)``; ``actions[t - 1, s]`` is the action of
        ``d_t`` in state ``s``.
    decisions : one-hot array ``(steps, n, n_actions)``; ``decisions[t - 1]``
        is ``d_t``, ready for :func:`~qdms.mdp.state_distributions`.

    Examples
    --------
    >>> res = backward_recursion([np.eye(2)], [0.0, 1.0], 2, initial=1)
    >>> res.value, res.values.shape, res.actions.shape
    (1.0, (3, 2), (2, 2))
    """

    value: float | None
    values: NDArray[np.float64]
    actions: NDArray[np.int64]
    decisions: NDArray[np.float64]


def backward_recursion(
    mdp: MDPLike,
    f: ArrayLike,
    steps: int,
    *,
    rewards: ArrayLike | None = None,
    initial: Any = None,
) -> FiniteHorizonResult:
    """Optimal finite-horizon value and deterministic policy ``d_1, ..., d_steps`` (Khatri Thm. II.1).

    Maximises ``E[sum_{t=1}^{steps} r(X_{t-1}, A_t) + f(X_steps)]`` by the
    backward recursion in the module docstring. Ties between actions (within
    ``1e-12`` relative) go to the lowest action index.

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP` or what :func:`~qdms.mdp.as_mdp` accepts.
    f : terminal function of the state, shape ``(n,)``.
    steps : horizon, >= 0 (``steps = 0`` gives ``values = [f]`` and no decision).
    rewards : optional ``r[s, a]``, shape ``(n, n_actions)`` (or ``(n,)``: a
        reward per state, whatever the action), collected in every step.
    initial : optional ``p_0`` (vector or state index) for ``value``.

    Returns
    -------
    :class:`FiniteHorizonResult`.

    Examples
    --------
    Two states; action 1 moves state 0 to state 1 with probability 1/2,
    action 0 stays. The best way to be in state 1 after two steps:

    >>> stay = np.eye(2)
    >>> move = np.array([[0.5, 0.0], [0.5, 1.0]])
    >>> res = backward_recursion([stay, move], [0.0, 1.0], 2, initial=0)
    >>> res.value
    0.75
    >>> res.actions
    array([[1, 0],
           [1, 0]])
    """
    mdp = as_mdp(mdp)
    n, k = mdp.n_states, mdp.n_actions
    fv = check_state_function("f", f, n)
    steps = check_int("steps", steps, low=0)
    r = np.zeros((n, k)) if rewards is None else check_reward("rewards", rewards, n, k)
    p0 = None if initial is None else check_distribution("initial", initial, n)

    values = np.empty((steps + 1, n))
    actions = np.empty((steps, n), dtype=np.int64)
    values[steps] = fv
    rows = np.arange(n)
    for t in range(steps, 0, -1):
        q = r + mdp.expected_next(values[t])
        a = greedy_actions(q)
        actions[t - 1] = a
        values[t - 1] = q[rows, a]
    decisions = np.zeros((steps, n, k))
    if steps:
        decisions[np.arange(steps)[:, None], rows[None, :], actions] = 1.0
    value = None if p0 is None else float(values[0] @ p0)
    return FiniteHorizonResult(value=value, values=values, actions=actions, decisions=decisions)
