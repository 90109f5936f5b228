"""Repeater chains: exact waiting times and fidelities of multi-link protocols.

``two_link``: Khatri's two-link MDP with swapping (Sec. V), its linear programs and
the analytic waiting time; ``multi_link``: the exact MDP of a chain of n links with
swaps whenever possible and cutoffs (Iñesta et al. 2023); ``nested``: waiting-time
distribution and Werner parameter

of nested swapping chains with memory cut-offs (Li, Coopmans & Elkouss 2021);
``key_rate_optimisation``: their BB84 secret-key rate and its optimal cut-offs.
"""

from .key_rate_optimisation import (
    CutoffOptimum,
    optimise_cutoff,
    secret_key_rate,
    werner_key_fraction,
)
from .multi_link import (
    MultiLinkModel,
    multi_link_model,
    multi_link_optimal_waiting_time,
    multi_link_waiting_time,
    multi_link_waiting_time_pmf,
)
from .multi_link_fidelity import (
    MultiLinkSummary,
    multi_link_delivered_fidelity,
    multi_link_delivered_werner,
    multi_link_summary,
)
from .nested import NestedChainResult, nested_chain
from .two_link import (
    ACTIONS,
    TwoLinkModel,
    two_link_cutoff_decision,
    two_link_delivered_fidelity,
    two_link_model,
    two_link_optimal_value,
    two_link_optimal_waiting_time,
    two_link_waiting_time,
    two_link_waiting_time_analytic,
    two_link_waiting_time_pmf,
)

__all__ = [
    "ACTIONS",
    "CutoffOptimum",
    "MultiLinkModel",
    "MultiLinkSummary",
    "NestedChainResult",
    "TwoLinkModel",
    "multi_link_delivered_fidelity",
    "multi_link_delivered_werner",
    "multi_link_model",
    "multi_link_optimal_waiting_time",
    "multi_link_summary",
    "multi_link_waiting_time",
    "multi_link_waiting_time_pmf",
    "nested_chain",
    "optimise_cutoff",
    "secret_key_rate",
    "two_link_cutoff_decision",
    "two_link_delivered_fidelity",
    "two_link_model",
    "two_link_optimal_value",
    "two_link_optimal_waiting_time",
    "two_link_waiting_time",
    "two_link_waiting_time_analytic",
    "two_link_waiting_time_pmf",
    "werner_key_fraction",
]
