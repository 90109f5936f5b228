"""Quantum secure metrology (QSM) with Bell pairs: Rahim et al., Sci. Rep. 13, 11630 (2023).

Alice shares Bell pairs with Bob, who checks some of them (verification),
encodes a phase ``phi`` N times on others (``U_E^N``, probability P_E) and
returns the rest untouched as decoys; Alice checks the decoys and estimates
``phi`` from Bell measurements of the encoded pairs. See ``docs/metrology.md``.

Modules
-------
encoding      encoded states, Bell statistics, observable B, QFI and Bell-measurement FI
estimation    maximum likelihood, exact MSE, QCRB (eq. 5), SQL, multi-N estimation
attacks       eq. 7 and the derived detection probabilities of each attack
outcomes      exact outcome distributions of every particle type (the sampler's input)
density_matrix  explicit per-particle density-matrix simulation (the reference)
protocol      QSMProtocol (frozen parameters) with run() and run_density_matrix()
honest        honest runs over noisy links: false aborts and abort thresholds
noise         precision under network noise; how many encodings are worth it
tradeoff      Fig. 2 data, eq. 8, best P_E for a detection requirement
multiparty    K sensors with Bell pairs; comparison with a GHZ probe
summary       a run with its bounds and detection probabilities (the CLI's table)
plots         Fig. 2 (matplotlib, imported on use)
"""

from .attacks import (
    ATTACKS,
    Attack,
    attack_catch_probability,
    attack_check_profile,
    attack_detection_probability,
    detection_probability,
    return_phase_shared_beta_detection_probability,
)
from .density_matrix import catch_probability, particle_outcome, particle_outcome_probabilities
from .encoding import (
    BELL_LABELS,
    bell_measurement_fisher_information,
    bell_observable,
    bell_probabilities,
    bell_probabilities_of_state,
    eavesdropper_state,
    encoded_state,
    encoded_state_derivative,
    encoding_unitary,
    phase_response,
    quantum_fisher_information,
)
from .estimation import (
    error_propagation_variance,
    estimator_mean_squared_error,
    maximum_likelihood_phase,
    maximum_likelihood_phase_of_state,
    multi_n_phase_estimate,
    noisy_qcrb,
    qcrb,
    standard_quantum_limit,
)
from .honest import abort_threshold_for_false_abort, check_error_rates, false_abort_probability
from .multiparty import (
    ProbeState,
    eavesdropper_qfi_matrix,
    ghz_qfi_matrix,
    multiparty_estimates,
    multiparty_qcrb,
    multiparty_qfi_matrix,
    probe_state,
    qfi_matrix_of_state,
    run_multiparty,
)
from .noise import (
    advantage_threshold,
    best_n_encodings,
    largest_useful_n_encodings,
    precision_loss,
)
from .outcomes import CaseProbabilities, OutcomeModel, attacked_link_state, outcome_model
from .plots import plot_tradeoff, tradeoff_figure
from .protocol import DetectionEstimate, QSMProtocol, QSMResult, simulate_detection_probability
from .summary import QSMSummary, summarise
from .tradeoff import (
    TradeoffCurve,
    TradeoffPoint,
    best_encoding_probability,
    quantum_advantage_interval,
    tradeoff_curve,
)

__all__ = [
    "ATTACKS",
    "BELL_LABELS",
    "Attack",
    "CaseProbabilities",
    "DetectionEstimate",
    "OutcomeModel",
    "ProbeState",
    "QSMProtocol",
    "QSMResult",
    "QSMSummary",
    "TradeoffCurve",
    "TradeoffPoint",
    "abort_threshold_for_false_abort",
    "advantage_threshold",
    "attack_catch_probability",
    "attack_check_profile",
    "attack_detection_probability",
    "attacked_link_state",
    "bell_measurement_fisher_information",
    "bell_observable",
    "bell_probabilities",
    "bell_probabilities_of_state",
    "best_encoding_probability",
    "best_n_encodings",
    "catch_probability",
    "check_error_rates",
    "detection_probability",
    "eavesdropper_qfi_matrix",
    "eavesdropper_state",
    "encoded_state",
    "encoded_state_derivative",
    "encoding_unitary",
    "error_propagation_variance",
    "estimator_mean_squared_error",
    "false_abort_probability",
    "ghz_qfi_matrix",
    "largest_useful_n_encodings",
    "maximum_likelihood_phase",
    "maximum_likelihood_phase_of_state",
    "multi_n_phase_estimate",
    "multiparty_estimates",
    "multiparty_qcrb",
    "multiparty_qfi_matrix",
    "noisy_qcrb",
    "outcome_model",
    "particle_outcome",
    "particle_outcome_probabilities",
    "phase_response",
    "plot_tradeoff",
    "precision_loss",
    "probe_state",
    "qcrb",
    "qfi_matrix_of_state",
    "quantum_advantage_interval",
    "quantum_fisher_information",
    "return_phase_shared_beta_detection_probability",
    "run_multiparty",
    "simulate_detection_probability",
    "standard_quantum_limit",
    "summarise",
    "tradeoff_curve",
    "tradeoff_figure",
]
