"""Distribution of states over time and expected values under a policy (Khatri eq. 153-155, 164-167).

Time indexing (Khatri eq. 155; see :mod:`qdms.mdp.decisions`): ``p_0`` is the
distribution at time 0; step ``t >= 1`` applies ``d_t`` to ``X_{t-1}``, so

    p_t = T_{d_t} T_{d_{t-1}} ... T_{d_1} p_0                     (eq. 153-154)

and ``E[f(X_t)] = <f| p_t> = sum_s f(s) p_t(s)`` (eq. 165-167). A stationary
policy uses the same ``d`` in every step: ``p_t = T_d^t p_0``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int
from ._checks import check_distribution, check_state_function
from .decisions import PolicyLike, _policy_matrix, check_policy
from .model import MDPLike, as_mdp

__all__ = ["expected_values", "state_distributions"]


def state_distributions(
    mdp: MDPLike, policy: PolicyLike, initial: Any, steps: int
) -> NDArray[np.float64]:
    """Distributions ``p_0, p_1, ..., p_steps`` of the state under a policy (Khatri eq. 153-155).

    ``p_t = T_{d_t} p_{t-1}`` with ``T_d`` of :func:`~qdms.mdp.policy_matrix`:
    the decision ``d_t`` (``policy[t-1]`` for a time-dependent policy) acts in
    step ``t`` on the state ``X_{t-1}``.

    Parameters
    ----------
    mdp : an :class:`~qdms.mdp.MDP` or what :func:`~qdms.mdp.as_mdp` accepts.
    policy : a decision ``(n, n_actions)`` (stationary) or a sequence of at
        least ``steps`` decisions ``d_1, d_2, ...`` (time-dependent).
    initial : ``p_0``, shape ``(n,)``, or ``(n, k)`` for ``k`` initial
        distributions at once (columns), or an int state index (point mass).
    steps : number of steps, >= 0.

    Returns
    -------
    Array of shape ``(steps + 1, n)`` (or ``(steps + 1, n, k)``) whose entry
    ``[t]`` is ``p_t``.

    Examples
    --------
    >>> T = [[0.5, 0.0], [0.5, 1.0]]  # from state 0: stay or move to 1
    >>> state_distributions(T, [[1.0], [1.0]], 0, 2)
    array([[1.  , 0.  ],
           [0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    mdp = as_mdp(mdp)
    steps = check_int("steps", steps, low=0)
    p = check_distribution("initial", initial, mdp.n_states, allow_batch=True)
    pol = check_policy(policy, mdp.n_states, mdp.n_actions, steps=steps)
    out = np.empty((steps + 1, *p.shape))
    out[0] = p
    if isinstance(pol, np.ndarray):
        t_d = _policy_matrix(mdp.transitions, pol)
        for t in range(1, steps + 1):
            out[t] = t_d @ out[t - 1]
    else:
        for t in range(1, steps + 1):
            out[t] = _policy_matrix(mdp.transitions, pol[t - 1]) @ out[t - 1]
    return out


def expected_values(
    mdp: MDPLike, policy: PolicyLike, initial: Any, f: ArrayLike, steps: int
) -> NDArray[np.float64]:
    """Expected values ``E[f(X_t)] = <f| p_t>`` for ``t = 0..steps`` (Khatri eq. 164-167).

    Parameters
    ----------
    mdp, policy, initial, steps : as in :func:`state_distributions`.
    f : function of the state, shape ``(n,)`` (Khatri's vector ``|f>``, eq. 164).

    Returns
    -------
    Array of shape ``(steps + 1,)`` (or ``(steps + 1, k)`` for ``k`` initial
    distributions): entry ``[t]`` is ``E[f(X_t)]``.

    Examples
    --------
    >>> T = [[0.5, 0.0], [0.5, 1.0]]
    >>> expected_values(T, [[1.0], [1.0]], 0, [0.0, 1.0], 3)
    array([0.   , 0.5  , 0.75 , 0.875])
    """
    mdp = as_mdp(mdp)
    fv = check_state_function("f", f, mdp.n_states)
    dists = state_distributions(mdp, policy, initial, steps)
    return np.tensordot(dists, fv, axes=([1], [0]))
