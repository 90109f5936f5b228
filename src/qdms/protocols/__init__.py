"""LOCC protocols with exact fidelities: swapping, GHZ swapping, graph states, distillation, teleportation.

Khatri, AVS Quantum Sci. 4, 030501 (2022), Sec. III and App. H. Every
protocol exists twice: as an explicit LOCC instrument acting on density
matrices (measurement, classical outcome, correction), the ground truth,
and as a fast closed form for the network layers; the tests prove them
equal. Conventions (DESIGN.md): ``|Phi_{z,x}> = (Z^z X^x (x) I)|Phi>``,
Bell-coefficient vectors indexed ``z*d + x`` (qubits ``[Phi+, Psi+, Phi-, Psi-]``),
squared fidelity, ``numpy.kron`` order of subsystems. ``docs/protocols.md``
has the derivations.
"""

from .distillation import (
    DistillationSchedule,
    bbpssw,
    bbpssw_bell_diagonal,
    dejmps,
    dejmps_bell_diagonal,
    pumping,
    recurrence_bell_diagonal,
    recurrence_distill,
    symmetric_recurrence,
)
from .ghz import ghz_swap, ghz_swap_fidelity, ghz_swap_fidelity_bell_diagonal
from .graph_states import (
    distribute_graph_state,
    graph_state_fidelity,
    graph_state_fidelity_bell_diagonal,
)
from .locc import (
    HeraldedCoefficients,
    HeraldedFidelity,
    HeraldedState,
    bell_measurement_povm,
)
from .swapping import (
    SwapOutcomes,
    imperfect_swap,
    imperfect_swap_fidelity,
    swap,
    swap_bell_diagonal,
    swap_fidelity,
    swap_outcomes,
    swap_werner,
)
from .teleportation import (
    average_teleportation_fidelity,
    average_teleportation_fidelity_from_fidelity,
    classical_teleportation_limit,
    teleport,
    teleport_bell_diagonal,
)

__all__ = [
    "DistillationSchedule",
    "HeraldedCoefficients",
    "HeraldedFidelity",
    "HeraldedState",
    "SwapOutcomes",
    "average_teleportation_fidelity",
    "average_teleportation_fidelity_from_fidelity",
    "bbpssw",
    "bbpssw_bell_diagonal",
    "bell_measurement_povm",
    "classical_teleportation_limit",
    "dejmps",
    "dejmps_bell_diagonal",
    "distribute_graph_state",
    "ghz_swap",
    "ghz_swap_fidelity",
    "ghz_swap_fidelity_bell_diagonal",
    "graph_state_fidelity",
    "graph_state_fidelity_bell_diagonal",
    "imperfect_swap",
    "imperfect_swap_fidelity",
    "pumping",
    "recurrence_bell_diagonal",
    "recurrence_distill",
    "swap",
    "swap_bell_diagonal",
    "swap_fidelity",
    "swap_outcomes",
    "swap_werner",
    "symmetric_recurrence",
    "teleport",
    "teleport_bell_diagonal",
]
