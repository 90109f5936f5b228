"""Physics of links: fiber, satellite, sources, detectors, memories, multiplexing, heralding.

From hardware parameters to what the elementary-link layer consumes
(:class:`LinkPhysics`): the heralding success probability ``p``, the heralded
state, the time step in seconds and the fidelities ``f[0..m*]`` over memory
time.
"""

from .background import (
    HeraldedPair,
    background_heralding,
    receiver_response,
    thermal_background_state,
)
from .fiber import (
    SPEED_OF_LIGHT_KM_PER_S,
    attenuation_length_km,
    fiber_loss_db,
    fiber_propagation_delay_s,
    fiber_transmittance,
    fiber_transmittance_db,
    round_trip_time_step_s,
)
from .heralding import (
    dual_rail_heralding,
    heralded_pair,
    multiplexed_success_probability,
    pure_loss_erasure_kraus,
)
from .link import LinkPhysics, MemoryNoise, fiber_link, memory_fidelities, satellite_link
from .memory import (
    amplitude_damping_memory_fidelity,
    damping_parameter,
    dephasing_memory_fidelity,
    depolarising_memory_fidelity,
    max_storage_steps,
)
from .satellite import SatelliteDownlink, satellite_downlink
from .sources import bell_source, spdc_pair_probabilities, spdc_state

__all__ = [
    "SPEED_OF_LIGHT_KM_PER_S",
    "HeraldedPair",
    "LinkPhysics",
    "MemoryNoise",
    "SatelliteDownlink",
    "amplitude_damping_memory_fidelity",
    "attenuation_length_km",
    "background_heralding",
    "bell_source",
    "damping_parameter",
    "dephasing_memory_fidelity",
    "depolarising_memory_fidelity",
    "dual_rail_heralding",
    "fiber_link",
    "fiber_loss_db",
    "fiber_propagation_delay_s",
    "fiber_transmittance",
    "fiber_transmittance_db",
    "heralded_pair",
    "max_storage_steps",
    "memory_fidelities",
    "multiplexed_success_probability",
    "pure_loss_erasure_kraus",
    "receiver_response",
    "round_trip_time_step_s",
    "satellite_downlink",
    "satellite_link",
    "spdc_pair_probabilities",
    "spdc_state",
    "thermal_background_state",
]
