"""Finite Markov decision processes: evolution, backward recursion, stationary and absorbing analysis, LPs.

The generic MDP layer of qdms (Khatri, AVS Quantum Sci. 4, 030501 (2022),
Sec. II and App. A). Conventions, kept by every function:

- ``T_a[to, from]``: columns are "from" states and sum to 1; probability
  vectors are columns and evolve as ``p_t = T_{d_t} p_{t-1}`` (App. A.1).
  Matrices are ``scipy.sparse.csc_array``.
- A decision function is ``decision[s, a] = d(a|s)`` (rows sum to 1); a
  policy is one decision (stationary) or a sequence ``d_1, d_2, ...``.
- ``X_0 ~ p_0`` at time 0; step ``t >= 1`` applies ``d_t`` to ``X_{t-1}``.

Modules: :mod:`~qdms.mdp.model` (the MDP), :mod:`~qdms.mdp.decisions`
(decision functions, ``T_d``), :mod:`~qdms.mdp.evolution` (``p_t``,
``E[f(X_t)]``), :mod:`~qdms.mdp.finite_horizon` (backward recursion),
:mod:`~qdms.mdp.stationary` (class structure, stationary distribution),
:mod:`~qdms.mdp.absorbing` (absorption time and probabilities),
:mod:`~qdms.mdp.linear_programs` (Prop. A.2-A.4),
:mod:`~qdms.mdp.average_reward` and :mod:`~qdms.mdp.shortest_path`
(value and policy iteration).
"""

from ._linalg import gth_factor, gth_solve
from .absorbing import (
    AbsorbingBlocks,
    AbsorptionResult,
    absorbing_blocks,
    absorption_analysis,
    absorption_time_pmf,
    expected_absorption_time,
)
from .average_reward import (
    IterationResult,
    average_reward_policy_iteration,
    relative_value_iteration,
)
from .decisions import check_decision, check_policy, deterministic_decision, policy_matrix
from .evolution import expected_values, state_distributions
from .finite_horizon import FiniteHorizonResult, backward_recursion
from .linear_programs import (
    LinearProgramResult,
    absorbing_value_lp,
    absorption_time_lp,
    steady_state_lp,
)
from .model import MDP, absorbing_states, as_mdp, column_tolerance
from .shortest_path import absorption_time_policy_iteration, absorption_time_value_iteration
from .stationary import (
    ChainStructure,
    average_value,
    chain_structure,
    stationary_distribution,
    steady_state_value,
)

__all__ = [
    "MDP",
    "AbsorbingBlocks",
    "AbsorptionResult",
    "ChainStructure",
    "FiniteHorizonResult",
    "IterationResult",
    "LinearProgramResult",
    "absorbing_blocks",
    "absorbing_states",
    "absorbing_value_lp",
    "absorption_analysis",
    "absorption_time_lp",
    "absorption_time_pmf",
    "absorption_time_policy_iteration",
    "absorption_time_value_iteration",
    "as_mdp",
    "average_reward_policy_iteration",
    "average_value",
    "backward_recursion",
    "chain_structure",
    "check_decision",
    "check_policy",
    "column_tolerance",
    "deterministic_decision",
    "expected_absorption_time",
    "expected_values",
    "gth_factor",
    "gth_solve",
    "policy_matrix",
    "relative_value_iteration",
    "state_distributions",
    "stationary_distribution",
    "steady_state_lp",
    "steady_state_value",
]
