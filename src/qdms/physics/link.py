"""The physical description of an elementary link, the one result every later layer consumes.

A link description goes in (fiber or satellite, source, detectors,
multiplexing, memories); out comes :class:`LinkPhysics`: the heralding
success probability ``p``, the heralded state ``rho_0``, the time step in
seconds and the fidelities ``f[0..m*]`` of the stored pair over memory time,
with ``m*`` from the memories' coherence time (or a maximum the user sets).

Memory model (Khatri 2022, App. D.1): each qubit of the stored pair
undergoes the memory's channel once per time step, with parameter
``1 - exp(-dt / t_coh)`` (eq. 310); ``m* = floor(t_coh / dt)`` (Sec. II.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_nonnegative, check_positive, check_probability
from ..quantum import bell_coefficients, bell_diagonal_state, check_density_matrix, werner_state
from .background import background_heralding
from .fiber import DEFAULT_GROUP_INDEX, fiber_transmittance, round_trip_time_step_s
from .heralding import heralded_pair, multiplexed_success_probability
from .memory import (
    amplitude_damping_memory_fidelity,
    damping_parameter,
    dephasing_memory_fidelity,
    depolarising_memory_fidelity,
    max_storage_steps,
)
from .satellite import satellite_downlink

__all__ = ["LinkPhysics", "MemoryNoise", "fiber_link", "memory_fidelities", "satellite_link"]

MemoryNoise = Literal["amplitude_damping", "dephasing", "depolarising"]


@dataclass(frozen=True)
class LinkPhysics:
    """What an elementary link delivers, from physics (input to :class:`qdms.links.ElementaryLink`).

    Attributes
    ----------
    success_probability : ``p``, probability that one time step heralds a pair.
    state : heralded two-qubit state ``rho_0`` (4 x 4).
    time_step_s : duration of one time step, s.
    fidelities : ``f[0..m*]``, fidelity to ``Phi+`` after ``m`` steps in memory.
    transmittance : per-photon channel transmittance (station A, station B).
    description : human-readable summary of the inputs.
    coherence_time_s : the memories' coherence time, s.
    memory_noise : the memories' noise model.
    """

    success_probability: float
    state: NDArray[np.complex128] = field(repr=False)
    time_step_s: float
    fidelities: NDArray[np.float64] = field(repr=False)
    transmittance: tuple[float, float]
    description: str = ""
    coherence_time_s: float = math.inf
    memory_noise: MemoryNoise = "amplitude_damping"

    @property
    def max_storage_steps(self) -> int:
        """``m*``, the last memory time kept."""
        return len(self.fidelities) - 1

    def at_time_step(self, time_step_s: float) -> LinkPhysics:
        """The same link driven with a longer step (one attempt per step, e.g. in lock-step
        with slower links): ``p`` is kept, the memory decay and ``m*`` follow the new step.

        Examples
        --------
        >>> link = fiber_link(10.0, coherence_time_s=0.01)
        >>> slow = link.at_time_step(4 * link.time_step_s)
        >>> slow.max_storage_steps, link.max_storage_steps
        (25, 102)
        """
        dt = check_positive("time_step_s", time_step_s)
        max_steps = None if math.isfinite(self.coherence_time_s) else self.max_storage_steps
        fids = memory_fidelities(
            self.state,
            time_step_s=dt,
            coherence_time_s=self.coherence_time_s,
            noise=self.memory_noise,
            max_steps=max_steps,
        )
        return replace(self, time_step_s=dt, fidelities=fids)


def _storage_steps(time_step_s: float, coherence_time_s: float, max_steps: int | None) -> int:
    if max_steps is not None:
        return check_int("max_storage_steps", max_steps, low=0)
    if math.isinf(coherence_time_s):
        raise ValueError(
            "coherence_time_s is infinite: give max_storage_steps to bound the memory time"
        )
    return max_storage_steps(time_step_s, coherence_time_s)


def memory_fidelities(
    state: ArrayLike,
    *,
    time_step_s: float,
    coherence_time_s: float,
    noise: MemoryNoise = "amplitude_damping",
    max_steps: int | None = None,
) -> NDArray[np.float64]:
    """Fidelities ``f[0..m*]`` of a stored pair whose qubits both decohere each step.

    Parameters
    ----------
    state : heralded two-qubit state (4 x 4).
    time_step_s : step duration, s, > 0.
    coherence_time_s : memory coherence time, s, > 0 (``inf``: perfect memory,
        then ``max_steps`` is required).
    noise : ``"amplitude_damping"`` (Khatri App. D.1), ``"dephasing"`` or
        ``"depolarising"``; the per-step parameter is ``1 - exp(-dt/t_coh)``
        (the dephasing probability is half of it, so that coherences decay as
        ``exp(-dt/t_coh)`` per qubit).
    max_steps : ``m*``; default ``floor(t_coh / dt)``.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> memory_fidelities(werner_state(1.0), time_step_s=0.1, coherence_time_s=0.3).round(4)
    array([1.    , 0.7567, 0.6318, 0.5677])
    """
    rho = check_density_matrix(state, "state", dim=4)
    dt = check_positive("time_step_s", time_step_s)
    tc = check_positive("coherence_time_s", coherence_time_s, allow_inf=True)
    m_star = _storage_steps(dt, tc, max_steps)
    steps = np.arange(m_star + 1)
    gamma = damping_parameter(dt, tc)
    if noise == "amplitude_damping":
        return np.atleast_1d(amplitude_damping_memory_fidelity(rho, gamma, steps))
    q = bell_coefficients(rho)
    if noise == "dephasing":
        return np.atleast_1d(dephasing_memory_fidelity(q, gamma / 2, steps))
    if noise == "depolarising":
        return np.atleast_1d(depolarising_memory_fidelity(q[0], gamma, steps))
    raise ValueError(
        f"noise must be 'amplitude_damping', 'dephasing' or 'depolarising', got {noise!r}"
    )


def fiber_link(
    length_km: float,
    *,
    attenuation_length_km: float = 22.0,
    source_fidelity: float = 1.0,
    detector_efficiency: float = 1.0,
    dark_count_probability: float = 0.0,
    modes: int = 1,
    coherence_time_s: float = 1.0,
    memory_noise: MemoryNoise = "amplitude_damping",
    max_storage_steps: int | None = None,
    group_index: float = DEFAULT_GROUP_INDEX,
) -> LinkPhysics:
    """A fiber link with the source at its midpoint (each photon crosses ``L/2``).

    The source emits a Werner pair of fidelity ``source_fidelity``; heralding
    uses :func:`qdms.physics.heralded_pair` (detector efficiency, dark counts),
    multiplexed over ``modes`` (Khatri Remark C.2). The time step is the
    classical round trip ``2 L n / c`` between the nodes.

    Examples
    --------
    >>> link = fiber_link(50.0, coherence_time_s=0.01)
    >>> round(link.success_probability, 6), link.max_storage_steps
    (0.103031, 20)
    """
    length = check_nonnegative("length_km", length_km)
    f0 = check_probability("source_fidelity", source_fidelity)
    eta = fiber_transmittance(length / 2, attenuation_length_km=attenuation_length_km)
    p1, rho = heralded_pair(
        werner_state((4 * f0 - 1) / 3),
        eta,
        eta,
        detector_efficiency=detector_efficiency,
        dark_count_probability=dark_count_probability,
    )
    dt = round_trip_time_step_s(length, group_index=group_index)
    if dt == 0:
        raise ValueError("length_km must be > 0 to define a time step")
    return _stored_link(
        p1,
        rho,
        dt,
        eta,
        f"fiber {length:g} km, L0 {attenuation_length_km:g} km, {modes} mode(s)",
        modes=modes,
        coherence_time_s=coherence_time_s,
        memory_noise=memory_noise,
        max_storage_steps=max_storage_steps,
    )


def _stored_link(
    p_single: float,
    rho: NDArray[np.complex128],
    time_step_s: float,
    transmittance: float,
    description: str,
    *,
    modes: int,
    coherence_time_s: float,
    memory_noise: MemoryNoise,
    max_storage_steps: int | None,
) -> LinkPhysics:
    """Multiplex a heralded pair over ``modes`` and store it: the common end of every link builder."""
    fids = memory_fidelities(
        rho,
        time_step_s=time_step_s,
        coherence_time_s=coherence_time_s,
        noise=memory_noise,
        max_steps=max_storage_steps,
    )
    return LinkPhysics(
        success_probability=float(multiplexed_success_probability(p_single, modes)),
        state=rho,
        time_step_s=time_step_s,
        fidelities=fids,
        transmittance=(transmittance, transmittance),
        description=description,
        coherence_time_s=coherence_time_s,
        memory_noise=memory_noise,
    )


def satellite_link(
    ground_distance_km: float,
    altitude_km: float,
    *,
    background_photons: float = 0.0,
    modes: int = 1,
    coherence_time_s: float = 1.0,
    source: ArrayLike = (1.0, 0.0, 0.0, 0.0),
    memory_noise: MemoryNoise = "amplitude_damping",
    max_storage_steps: int | None = None,
    **optics: float,
) -> LinkPhysics:
    """A satellite above the midpoint of two ground stations (Khatri App. C.2, D.2).

    Transmittance from :func:`satellite_downlink` (``optics`` are its keyword
    options), heralding with background photons from
    :func:`background_heralding` (Prop. C.3), multiplexing over ``modes``,
    time step ``2 d / c`` (the round trip between the stations, App. D.2).

    Examples
    --------
    >>> link = satellite_link(1000.0, 500.0, modes=1000)
    >>> round(link.success_probability, 6), link.max_storage_steps
    (0.049176, 149)
    """
    down = satellite_downlink(ground_distance_km, altitude_km, **optics)
    eta = float(down.transmittance)
    nbar = check_probability("background_photons", background_photons)
    pair = background_heralding(
        eta, eta, background_photons_a=nbar, background_photons_b=nbar, source=source
    )
    dt = round_trip_time_step_s(ground_distance_km)
    if dt == 0:
        raise ValueError("ground_distance_km must be > 0 to define a time step")
    return _stored_link(
        pair.success_probability,
        bell_diagonal_state(pair.bell_coefficients),
        dt,
        eta,
        f"satellite at {altitude_km:g} km over stations {ground_distance_km:g} km apart, "
        f"nbar {nbar:g}, {modes} mode(s)",
        modes=modes,
        coherence_time_s=coherence_time_s,
        memory_noise=memory_noise,
        max_storage_steps=max_storage_steps,
    )
