"""States, Weyl operators, Bell/GHZ/graph states, channels, fidelity, entropy and QFI.

The bottom layer of qdms (DESIGN.md). Everything is a plain numpy array;
conventions (Bell index ``z*d + x``, squared fidelity, ``numpy.kron`` order)
are stated in each module.
"""

from .bell_diagonal import (
    bell_coefficients,
    bell_diagonal_state,
    check_bell_coefficients,
    isotropic_coefficients,
    werner_coefficients,
)
from .channels import (
    amplitude_damping_kraus,
    apply_kraus,
    choi_matrix,
    dephasing_kraus,
    depolarising_kraus,
    erasure_kraus,
    is_trace_preserving,
    isotropic_twirl,
    isotropic_twirl_kraus,
    kraus_from_choi,
)
from .fisher import (
    quantum_fisher_information,
    quantum_fisher_information_pure,
    quantum_fisher_information_unitary,
    symmetric_logarithmic_derivative,
)
from .measures import binary_entropy, fidelity, trace_distance, von_neumann_entropy
from .states import (
    STATE_ATOL,
    check_density_matrix,
    check_ket,
    fidelity_from_werner_parameter,
    ghz_ket,
    graph_state_ket,
    isotropic_state,
    ket_to_density,
    random_density_matrix,
    random_ket,
    werner_parameter_from_fidelity,
    werner_state,
)
from .subsystems import apply_channel, apply_operator, partial_trace, permute_subsystems, tensor
from .weyl import bell_basis, bell_ket, clock, max_entangled_ket, shift, weyl

__all__ = [
    "STATE_ATOL",
    "amplitude_damping_kraus",
    "apply_channel",
    "apply_kraus",
    "apply_operator",
    "bell_basis",
    "bell_coefficients",
    "bell_diagonal_state",
    "bell_ket",
    "binary_entropy",
    "check_bell_coefficients",
    "check_density_matrix",
    "check_ket",
    "choi_matrix",
    "clock",
    "dephasing_kraus",
    "depolarising_kraus",
    "erasure_kraus",
    "fidelity",
    "fidelity_from_werner_parameter",
    "ghz_ket",
    "graph_state_ket",
    "is_trace_preserving",
    "isotropic_coefficients",
    "isotropic_state",
    "isotropic_twirl",
    "isotropic_twirl_kraus",
    "ket_to_density",
    "kraus_from_choi",
    "max_entangled_ket",
    "partial_trace",
    "permute_subsystems",
    "quantum_fisher_information",
    "quantum_fisher_information_pure",
    "quantum_fisher_information_unitary",
    "random_density_matrix",
    "random_ket",
    "shift",
    "symmetric_logarithmic_derivative",
    "tensor",
    "trace_distance",
    "von_neumann_entropy",
    "werner_coefficients",
    "werner_parameter_from_fidelity",
    "werner_state",
    "weyl",
]
