"""Elementary links as Markov decision processes (Khatri 2022, Sec. II, App. D).

``ElementaryLink(p, fidelities)`` with the policies ``MemoryCutoff``,
``StationaryPolicy`` and ``ForwardRecursion``: finite-time and steady-state
values, activity probabilities and fidelities, optimal cutoffs, the LP of
Prop. II.3 and backward recursion.
"""

from .elementary import ElementaryLink, last_reachable_age
from .policies import (
    ForwardRecursion,
    MemoryCutoff,
    Policy,
    StationaryPolicy,
    forward_recursion_cutoff,
)

__all__ = [
    "ElementaryLink",
    "ForwardRecursion",
    "MemoryCutoff",
    "Policy",
    "StationaryPolicy",
    "forward_recursion_cutoff",
    "last_reachable_age",
]
