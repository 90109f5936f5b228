"""Repeater chains: exact waiting times and fidelities of multi-link protocols.

``nested``: waiting-time distribution and Werner parameter of nested swapping chains
with memory cut-offs (Li, Coopmans & Elkouss 2021); ``key_rate_optimisation``: their
BB84 secret-key rate and its optimal cut-offs.
"""

from .key_rate_optimisation import (
    CutoffOptimum,
    optimise_cutoff,
    secret_key_rate,
    werner_key_fraction,
)
from .nested import NestedChainResult, nested_chain

__all__ = [
    "CutoffOptimum",
    "NestedChainResult",
    "nested_chain",
    "optimise_cutoff",
    "secret_key_rate",
    "werner_key_fraction",
]
