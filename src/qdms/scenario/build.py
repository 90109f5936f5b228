"""From a validated scenario to the library's objects: link physics, the network, requests, protocol.

* Each link's physics comes from :func:`qdms.physics.fiber_link` or
  :func:`qdms.physics.satellite_link`. The stored pair sits in the memories of
  both end sites; it decoheres as if both qubits were in the worse memory (the
  shorter coherence time, with that site's noise model): :class:`LinkPhysics`
  applies one memory model to both qubits.
* A fiber without ``length_km`` is ``route_factor`` times the straight-line
  distance between its sites' positions.
* Policies: ``"optimal"`` leaves :attr:`qdms.network.Link.policy` unset (the
  link's optimal steady-state cutoff, Khatri Theorem II.4); ``"never"`` is
  :class:`MemoryCutoff(None) <qdms.links.MemoryCutoff>`; a number is that cutoff
  in steps (it must not exceed the link's memory horizon ``m*``).
* Requests: ``qkd``, ``secure_sensing`` and ``clock_sync`` ask for a Bell pair
  (a virtual link), ``ghz_sensing`` for a GHZ state delivered by the star
  protocol (:func:`qdms.network.serve_requests`).
"""

from __future__ import annotations

import math

from ..links import MemoryCutoff, Policy
from ..network import Link, Network, Node, ProtocolSettings, Request, link_from_physics
from ..physics import LinkPhysics, attenuation_length_km, fiber_link, satellite_link
from .checks import check_scenario
from .loading import ScenarioError, ScenarioIssue
from .schema import GHZSensingRequest, LinkSpec, Scenario

__all__ = [
    "build_network",
    "build_requests",
    "fiber_length_km",
    "link_memory",
    "link_physics",
    "link_policy",
    "physics_problems",
    "protocol_settings",
]

APPLICATION = {
    "qkd": "qkd",
    "secure_sensing": "sensing",
    "ghz_sensing": "sensing",
    "clock_sync": "clock",
}


def link_memory(scenario: Scenario, spec: LinkSpec) -> tuple[float, str]:
    """``(coherence_time_s, noise)`` of a link's pair: the worse of its two sites' memories."""
    a, b = (scenario.site(n).memory for n in spec.between)
    worse = a if a.coherence_time_s <= b.coherence_time_s else b
    return worse.coherence_time_s, worse.noise


def fiber_length_km(scenario: Scenario, spec: LinkSpec) -> float:
    """The fiber length: given, or ``route_factor`` times the distance between the sites."""
    if spec.fiber is None:
        raise ValueError(f"link {spec.link_name!r} is not a fiber link")
    if spec.fiber.length_km is not None:
        return spec.fiber.length_km
    (xa, ya), (xb, yb) = (scenario.site(n).position_km for n in spec.between)
    return spec.fiber.route_factor * math.hypot(xa - xb, ya - yb)


def link_physics(scenario: Scenario, spec: LinkSpec) -> LinkPhysics:
    """The :class:`qdms.physics.LinkPhysics` of one link of ``scenario``.

    Examples
    --------
    >>> from qdms.scenario import parse_scenario
    >>> s = parse_scenario('''
    ... name: one
    ... sites: [{name: a, memory: {coherence_time_s: 0.01}}, {name: b, memory: {coherence_time_s: 1}}]
    ... links: [{between: [a, b], fiber: {length_km: 50}}]
    ... ''')
    >>> phys = link_physics(s, s.links[0])
    >>> round(phys.success_probability, 6), phys.max_storage_steps
    (0.1, 20)
    """
    coherence, noise = link_memory(scenario, spec)
    modes = spec.multiplexing.modes
    if spec.satellite is not None:
        sat = spec.satellite
        optics = {
            key: getattr(sat, key)
            for key in ("beam_waist_m", "receiver_radius_m", "wavelength_m", "zenith_transmittance")
            if getattr(sat, key) is not None
        }
        f0 = spec.source.fidelity
        return satellite_link(
            sat.ground_distance_km,
            sat.altitude_km,
            background_photons=sat.background_photons,
            modes=modes,
            coherence_time_s=coherence,
            source=(f0, (1 - f0) / 3, (1 - f0) / 3, (1 - f0) / 3),
            memory_noise=noise,
            **optics,
        )
    fiber = spec.fiber
    detectors = spec.detectors
    return fiber_link(
        fiber_length_km(scenario, spec),
        attenuation_length_km=attenuation_length_km(fiber.attenuation_db_per_km),
        source_fidelity=spec.source.fidelity,
        detector_efficiency=1.0 if detectors is None else detectors.efficiency,
        dark_count_probability=0.0 if detectors is None else detectors.dark_count_probability,
        modes=modes,
        coherence_time_s=coherence,
        memory_noise=noise,
        group_index=fiber.group_index,
    )


def link_policy(scenario: Scenario, spec: LinkSpec) -> Policy | None:
    """The link's policy: ``None`` for the optimal cutoff, else a :class:`MemoryCutoff`."""
    setting = spec.cutoff if spec.cutoff is not None else scenario.policies.cutoff
    if setting == "optimal":
        return None
    if setting == "never":
        return MemoryCutoff(None)
    return MemoryCutoff(int(setting))


def _link(scenario: Scenario, i: int) -> Link:
    spec = scenario.links[i]
    physics = link_physics(scenario, spec)
    length = (
        fiber_length_km(scenario, spec)
        if spec.fiber is not None
        else spec.satellite.ground_distance_km
    )
    policy = link_policy(scenario, spec)
    link = link_from_physics(spec.link_name, spec.between, physics, policy=policy, length_km=length)
    if isinstance(policy, MemoryCutoff) and policy.cutoff is not None:
        m_star = link.elementary.m_star
        if policy.cutoff > m_star:
            field = ("links", i, "cutoff") if spec.cutoff is not None else ("policies", "cutoff")
            raise _Problem(
                field,
                f"{policy.cutoff} is not allowed: must be <= the memory horizon m* = {m_star} "
                f"steps of link {spec.link_name!r}",
            )
    return link


class _Problem(Exception):
    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _links(scenario: Scenario) -> tuple[list[Link], list[tuple[tuple[str | int, ...], str]]]:
    links, problems = [], []
    for i, spec in enumerate(scenario.links):
        try:
            link = _link(scenario, i)
        except _Problem as exc:
            problems.append((exc.path, exc.message))
            continue
        except ValueError as exc:
            problems.append((("links", i), f"the link's physics cannot be computed: {exc}"))
            continue
        if link.physics.transmittance[0] == 0 and spec.satellite is not None:
            problems.append(
                (
                    ("links", i, "satellite"),
                    "the satellite is at or below the ground stations' horizon (transmittance 0): "
                    "lower ground_distance_km or raise altitude_km",
                )
            )
            continue
        if link.elementary.p == 0:
            problems.append(
                (("links", i), "this link never heralds a pair (success probability 0)")
            )
            continue
        links.append(link)
    return links, problems


def physics_problems(scenario: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Problems found only by computing the links' physics (``(path, message)`` pairs).

    A link whose success probability is 0 (e.g. a satellite below the horizon),
    physics that cannot be computed, or a cutoff beyond the memory horizon.
    """
    return _links(scenario)[1]


def build_network(scenario: Scenario) -> Network:
    """The :class:`qdms.network.Network` of ``scenario`` (sites, links with physics and policies).

    Raises
    ------
    ScenarioError : the scenario is inconsistent or a link's physics fails (paths, no lines).

    Examples
    --------
    >>> from qdms.scenario import parse_scenario
    >>> s = parse_scenario('''
    ... name: one
    ... sites: [{name: a, position_km: [0, 0], memory: {coherence_time_s: 0.05}},
    ...         {name: b, position_km: [3, 4], memory: {coherence_time_s: 0.05}}]
    ... links: [{between: [a, b], fiber: {route_factor: 2}}]
    ... ''')
    >>> build_network(s).links[0].length_km
    10.0
    """
    problems = check_scenario(scenario)
    if problems:
        raise ScenarioError([ScenarioIssue(scenario.name, None, p, m) for p, m in problems])
    links, problems = _links(scenario)
    if problems:
        raise ScenarioError([ScenarioIssue(scenario.name, None, p, m) for p, m in problems])
    nodes = tuple(
        Node(
            s.name,
            role=s.role,
            memory_qubits=s.memory.qubits,
            coherence_time_s=s.memory.coherence_time_s,
            position_km=s.position_km,
        )
        for s in scenario.sites
    )
    return Network(nodes, tuple(links))


def build_requests(scenario: Scenario) -> list[Request]:
    """The :class:`qdms.network.Request` of each request of ``scenario``, in order."""
    out = []
    for spec in scenario.requests:
        if isinstance(spec, GHZSensingRequest):
            nodes, kind = tuple(spec.sites), "ghz"
        else:
            nodes, kind = tuple(spec.between), "bell_pair"
        out.append(
            Request(
                spec.name,
                nodes,
                kind=kind,
                metric=spec.metric,
                application=APPLICATION[spec.kind],
            )
        )
    return out


def protocol_settings(scenario: Scenario) -> ProtocolSettings:
    """The :class:`qdms.network.ProtocolSettings` of the scenario's ``protocol`` section."""
    p = scenario.protocol
    return ProtocolSettings(
        swap_probability=p.swap_probability,
        bell_measurement_noise=p.bell_measurement_noise,
        round_steps=p.round_steps,
        on_failure=p.on_failure,
        k_paths=p.k_paths,
    )
