"""Everything ``qdms run`` computes for a scenario, as frozen results (no files, no printing).

The chain: link physics -> elementary links and their policies (Khatri Sec. II)
-> routing and the end-to-end protocol (Khatri Fig. 8, :func:`qdms.network.serve_requests`)
-> per request: waiting time, fidelity, delivery rate, and the application figures
(:mod:`.applications`): QKD key rates, QSM precision and security, GHZ sensing.

Requests are served in the order given. With ``protocol.allocation: exclusive``
each elementary link serves at most one request, exactly as
:func:`qdms.network.serve_requests` does (links serving earlier requests are left
out of the routing of later ones); with ``independent`` each request is analysed
as if it had the network to itself (time sharing: the rates are then upper
bounds for requests that share links).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from ..apps.qkd import bb84_key_fraction, key_rate_bits_per_second, six_state_key_fraction
from ..links import MemoryCutoff
from ..network import Link, Network, Request, RequestResult, serve_requests
from ..quantum import bell_coefficients
from ..scenario import (
    Multiplexing,
    Scenario,
    build_network,
    build_requests,
    link_physics,
    protocol_settings,
)
from .applications import ApplicationFigures, application_figures

__all__ = [
    "LinkFigures",
    "Progress",
    "RequestFigures",
    "ScenarioAnalysis",
    "analyse_scenario",
    "serve_in_order",
]

#: ``progress(step, done, total)``: called as the run advances.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class LinkFigures:
    """An elementary link from physics to policy (units in the names; fidelities to Phi+).

    ``cutoff_steps`` is the memory cutoff in force (None: never discard);
    steady-state figures are None when the chain is periodic (p = 1, cutoff >= 1).
    ``memoryless_*_key_rate_bps`` (only with ``source.rate_hz``) is ``R p1 K`` of
    Khatri eq. 303-305: every pair measured at once, ``p1`` the one-mode probability.
    """

    name: str
    kind: str
    sites: tuple[str, str]
    length_km: float
    description: str
    transmittance: float
    success_probability: float
    initial_fidelity: float
    time_step_s: float
    coherence_time_s: float
    max_storage_steps: int
    policy: str
    cutoff_steps: int | None
    steady_state_activity: float | None
    steady_state_fidelity: float | None
    steady_state_value: float | None
    heralding_rate_hz: float
    source_rate_hz: float | None
    single_mode_success_probability: float
    memoryless_bb84_key_rate_bps: float | None
    memoryless_six_state_key_rate_bps: float | None
    vt_steps: NDArray[np.int64] = field(repr=False)
    vt_values: NDArray[np.float64] = field(repr=False)
    vt_activity: NDArray[np.float64] = field(repr=False)
    link: Link = field(repr=False)


@dataclass(frozen=True)
class RequestFigures:
    """A request: how it is served and what it delivers (None where not served)."""

    name: str
    kind: str
    sites: tuple[str, ...]
    served: bool
    reason: str | None
    routes: tuple[tuple[str, ...], ...]
    links: tuple[str, ...]
    hub: str | None
    time_step_s: float | None
    join_probability: float | None
    delivery_probability: float | None
    mean_waiting_steps: float | None
    mean_waiting_time_s: float | None
    fidelity: float | None
    werner_parameter: float | None
    delivery_rate_hz: float | None
    application: ApplicationFigures | None
    result: RequestResult = field(repr=False)


@dataclass(frozen=True)
class ScenarioAnalysis:
    """The whole analysis of a scenario."""

    scenario: Scenario
    network: Network = field(repr=False)
    links: tuple[LinkFigures, ...]
    requests: tuple[RequestFigures, ...]
    notes: tuple[str, ...]
    started_utc: str
    elapsed_s: float


def _vt_horizon(scenario: Scenario, cutoff: int | None, m_star: int) -> int:
    if scenario.analyses.vt_horizon_steps is not None:
        return scenario.analyses.vt_horizon_steps
    anchor = m_star if cutoff is None else cutoff
    return int(min(max(40, 4 * (anchor + 1)), 2000))


def _link_figures(scenario: Scenario, index: int, link: Link) -> LinkFigures:
    spec = scenario.links[index]
    phys = link.physics
    elem = link.elementary
    policy = link.effective_policy
    cutoff = policy.cutoff if isinstance(policy, MemoryCutoff) else None
    label = (
        "optimal cutoff"
        if link.policy is None
        else ("never discard" if cutoff is None else "fixed cutoff")
    )
    try:
        activity = elem.steady_state_activity(policy)
        fidelity = elem.steady_state_fidelity(policy)
        value = elem.steady_state_value(policy)
    except ValueError:  # periodic chain (p = 1, cutoff >= 1): no steady state
        activity = fidelity = value = None
    if spec.multiplexing.modes == 1:
        p1 = phys.success_probability
    else:
        one = spec.model_copy(update={"multiplexing": Multiplexing(modes=1)})
        p1 = link_physics(scenario, one).success_probability
    rate = spec.source.rate_hz
    bb84 = six = None
    if rate is not None:
        q0 = bell_coefficients(phys.state)
        bb84 = key_rate_bits_per_second(bb84_key_fraction(q0), p1, rate)
        six = key_rate_bits_per_second(six_state_key_fraction(q0), p1, rate)
    t = np.arange(1, _vt_horizon(scenario, cutoff, elem.m_star) + 1)
    return LinkFigures(
        name=link.name,
        kind=spec.kind,
        sites=tuple(spec.between),
        length_km=float(link.length_km),
        description=phys.description,
        transmittance=float(phys.transmittance[0]),
        success_probability=elem.p,
        initial_fidelity=float(elem.fidelities[0]),
        time_step_s=link.time_step_s,
        coherence_time_s=phys.coherence_time_s,
        max_storage_steps=elem.m_star,
        policy=label,
        cutoff_steps=cutoff,
        steady_state_activity=activity,
        steady_state_fidelity=fidelity,
        steady_state_value=value,
        heralding_rate_hz=elem.p / link.time_step_s,
        source_rate_hz=rate,
        single_mode_success_probability=p1,
        memoryless_bb84_key_rate_bps=bb84,
        memoryless_six_state_key_rate_bps=six,
        vt_steps=t,
        vt_values=np.asarray(elem.value(t, policy)),
        vt_activity=np.asarray(elem.activity_probability(t, policy)),
        link=link,
    )


def serve_in_order(
    network: Network,
    requests: list[Request],
    settings,
    *,
    exclusive: bool = True,
    progress: Progress | None = None,
) -> list[RequestResult]:
    """Serve ``requests`` one by one; with ``exclusive`` no link serves two requests.

    Equivalent to :func:`qdms.network.serve_requests` on all requests at once
    (the tests check it); one call per request lets the caller follow progress.
    """
    busy: set[str] = set()
    out = []
    for k, request in enumerate(requests):
        if progress is not None:
            progress(f"request {request.name}", k, len(requests))
        free = network.with_links(lk for lk in network.links if lk.name not in busy)
        if exclusive and busy and not _connected(free, request.nodes):
            result = RequestResult(
                request,
                False,
                reason=f"every route between {' and '.join(repr(n) for n in request.nodes)} "
                f"crosses links already serving other requests ({', '.join(sorted(busy))})",
            )
        else:
            try:
                result = serve_requests(
                    free if exclusive else network, [request], settings
                ).results[0]
            except ValueError as exc:  # e.g. a routing metric undefined for a periodic link
                result = RequestResult(request, False, reason=f"the analysis refused it: {exc}")
        if exclusive and result.served:
            busy.update(name for p in result.paths for name in p.links)
        out.append(result)
    if progress is not None:
        progress("requests", len(requests), len(requests))
    return out


def _connected(network: Network, nodes) -> bool:
    graph = nx.Graph()
    graph.add_nodes_from(n.name for n in network.nodes)
    graph.add_edges_from(lk.nodes for lk in network.links if not lk.is_hyperedge)
    return all(nx.has_path(graph, nodes[0], other) for other in nodes[1:])


def _request_figures(
    scenario: Scenario, spec, result: RequestResult, with_apps: bool
) -> RequestFigures:
    sites = tuple(spec.sites) if spec.kind == "ghz_sensing" else tuple(spec.between)
    if not result.served:
        return RequestFigures(
            spec.name, spec.kind, sites, False, result.reason, (), (), None,
            None, None, None, None, None, None, None, None, None, result,
        )  # fmt: skip
    report = result.path_reports[0] if len(result.path_reports) == 1 else None
    rate = (
        result.delivery_probability / result.mean_waiting_time_s
        if result.mean_waiting_time_s and result.mean_waiting_time_s > 0
        else math.inf
    )
    partial = RequestFigures(
        name=spec.name,
        kind=spec.kind,
        sites=sites,
        served=True,
        reason=None,
        routes=tuple(tuple(p.nodes) for p in result.paths),
        links=tuple(name for p in result.paths for name in p.links),
        hub=result.hub,
        time_step_s=report.time_step_s if report is not None else None,
        join_probability=result.join_probability,
        delivery_probability=result.delivery_probability,
        mean_waiting_steps=report.mean_waiting_steps if report is not None else None,
        mean_waiting_time_s=result.mean_waiting_time_s,
        fidelity=result.fidelity,
        werner_parameter=report.werner_parameter if report is not None else None,
        delivery_rate_hz=rate,
        application=None,
        result=result,
    )
    if not with_apps:
        return partial
    return replace(partial, application=application_figures(spec, partial))


def analyse_scenario(scenario: Scenario, *, progress: Progress | None = None) -> ScenarioAnalysis:
    """Run every analysis the scenario asks for and return the results (nothing is written).

    Parameters
    ----------
    scenario : a validated :class:`qdms.scenario.Scenario`.
    progress : optional ``progress(step, done, total)`` callback.

    Raises
    ------
    qdms.scenario.ScenarioError : the scenario cannot be built into a network.
    """
    from datetime import UTC, datetime

    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    network = build_network(scenario)
    notes: list[str] = []
    links: list[LinkFigures] = []
    if scenario.analyses.links:
        for i, link in enumerate(network.links):
            if progress is not None:
                progress(f"link {link.name}", i, len(network.links))
            links.append(_link_figures(scenario, i, link))
        if progress is not None:
            progress("links", len(network.links), len(network.links))
    requests: list[RequestFigures] = []
    if scenario.analyses.requests and scenario.requests:
        results = serve_in_order(
            network,
            build_requests(scenario),
            protocol_settings(scenario),
            exclusive=scenario.protocol.allocation == "exclusive",
            progress=progress,
        )
        with_apps = scenario.analyses.applications
        for spec, result in zip(scenario.requests, results, strict=True):
            requests.append(_request_figures(scenario, spec, result, with_apps))
    elif scenario.requests:
        notes.append("analyses.requests is false: requests were not analysed.")
    return ScenarioAnalysis(
        scenario=scenario,
        network=network,
        links=tuple(links),
        requests=tuple(requests),
        notes=tuple(notes),
        started_utc=started,
        elapsed_s=time.perf_counter() - t0,
    )
