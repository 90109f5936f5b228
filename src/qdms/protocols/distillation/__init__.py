"""Entanglement distillation: the recurrence round, BBPSSW, DEJMPS and repeated rounds (Khatri Sec. III.1).

Each protocol exists as an explicit LOCC instrument on density matrices
(``recurrence_distill``, ``dejmps``) and as a closed form on Bell
coefficients or fidelities (``recurrence_bell_diagonal``,
``bbpssw``/``bbpssw_bell_diagonal``, ``dejmps_bell_diagonal``); the tests
prove them equal. ``pumping`` and ``symmetric_recurrence`` iterate a round.
"""

from .bbpssw import bbpssw, bbpssw_bell_diagonal
from .dejmps import dejmps, dejmps_bell_diagonal
from .recurrence import recurrence_bell_diagonal, recurrence_distill
from .schedules import DistillationSchedule, pumping, symmetric_recurrence

__all__ = [
    "DistillationSchedule",
    "bbpssw",
    "bbpssw_bell_diagonal",
    "dejmps",
    "dejmps_bell_diagonal",
    "pumping",
    "recurrence_bell_diagonal",
    "recurrence_distill",
    "symmetric_recurrence",
]
