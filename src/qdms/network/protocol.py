"""The end-to-end network protocol of Khatri Fig. 8 for several requests at once.

Requests ask for a Bell pair between two end nodes (a virtual link: QKD,
teleportation, clock synchronisation) or for a GHZ or graph state among
several (distributed sensing). :func:`serve_requests` routes them one after
the other; each elementary link serves at most one request, so a request
whose every route crosses busy links is reported as not served, with the
reason. Impossible requests (an unknown node, an end node without memory,
nodes the network does not connect) raise ``ValueError`` naming the request.

Bipartite requests: the best path by the request's metric
(:func:`best_path`), analysed exactly by :func:`analyse_path`.

GHZ requests whose nodes share a free multipartite source (a hyperedge,
Khatri Fig. 2) are served by it directly. Other multipartite requests: a hub (a node with memory, not a terminal) gets an

edge-disjoint virtual link to every terminal; when all links of all these
paths are active together the repeaters swap and the hub distributes the
target graph state with the star protocol of Khatri Sec. III.2.3 (a GHZ
state is the star graph state up to local Hadamards, so its fidelity is that
of the star graph). Its fidelity (Prop. III.4) is multilinear in the virtual
links' Werner parameters ``W_v``, so its expectation over the links' joint
ages at the moment of joining is ``sum_S g_S E[prod_{v in S} W_v]`` with the
coefficients ``g_S`` from evaluating the fidelity at ``W in {0,1}^k``
(Moebius inversion) and the expectations from one absorbing-chain solve.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx
import numpy as np

from .._validation import check_int, check_probability
from ..physics import SPEED_OF_LIGHT_KM_PER_S
from ..protocols import graph_state_fidelity_bell_diagonal
from .paths import (
    OnFailure,
    Path,
    PathReport,
    delivery_for,
    path_links,
    waiting_figures,
    werner_curve,
)
from .routing import Metric, best_path, k_shortest_paths
from .topology import Network

__all__ = [
    "ProtocolSettings",
    "Request",
    "RequestResult",
    "ServicePlan",
    "serve_requests",
    "target_fidelity",
]

Kind = Literal["bell_pair", "ghz", "graph_state"]


@dataclass(frozen=True)
class Request:
    """What a set of nodes needs.

    Attributes
    ----------
    name : unique name of the request.
    nodes : its end nodes (two for a Bell pair; more for GHZ or graph states).
    kind : ``"bell_pair"``, ``"ghz"`` or ``"graph_state"``.
    adjacency : for ``graph_state``, the target graph over ``nodes`` (0/1 matrix).
    metric : how to choose routes (``"fidelity"``, ``"waiting_time"``, ``"hops"``).
    application : what the entanglement is for (``qkd``, ``sensing``, ``clock``,
        ``teleportation``; informational).
    """

    name: str
    nodes: tuple[str, ...]
    kind: Kind = "bell_pair"
    adjacency: tuple[tuple[int, ...], ...] | None = None
    metric: Metric = "fidelity"
    application: str = "qkd"

    def __post_init__(self) -> None:
        nodes = tuple(self.nodes)
        object.__setattr__(self, "nodes", nodes)
        if len(set(nodes)) != len(nodes):
            raise ValueError(f"request {self.name!r}: nodes must be distinct, got {nodes}")
        if self.kind == "bell_pair" and len(nodes) != 2:
            raise ValueError(
                f"request {self.name!r}: a bell_pair joins exactly two nodes, got {len(nodes)}"
            )
        if self.kind in ("ghz", "graph_state") and len(nodes) < 3:
            raise ValueError(
                f"request {self.name!r}: a {self.kind} needs at least three nodes, got {len(nodes)}"
            )
        if self.kind not in ("bell_pair", "ghz", "graph_state"):
            raise ValueError(
                f"request {self.name!r}: kind must be bell_pair, ghz or graph_state, got {self.kind!r}"
            )
        if self.kind == "graph_state":
            a = np.asarray(self.adjacency if self.adjacency is not None else [], dtype=int)
            if (
                a.shape != (len(nodes), len(nodes))
                or not np.array_equal(a, a.T)
                or np.any(np.diag(a))
            ):
                raise ValueError(
                    f"request {self.name!r}: adjacency must be a symmetric 0/1 matrix over its "
                    f"{len(nodes)} nodes with a zero diagonal"
                )

    def target_adjacency(self) -> np.ndarray:
        """Adjacency of the target graph (star on the first node for GHZ)."""
        n = len(self.nodes)
        if self.kind == "graph_state":
            return np.asarray(self.adjacency, dtype=int)
        star = np.zeros((n, n), dtype=int)
        star[0, 1:] = star[1:, 0] = 1
        return star


@dataclass(frozen=True)
class ProtocolSettings:
    """Parameters of the joining operations and of the protocol's rounds.

    Attributes
    ----------
    swap_probability : success probability of each Bell-state measurement.
    bell_measurement_noise : depolarising probability of each Bell measurement.
    round_steps : ``t0`` of Fig. 8, steps between checks (1: check every step).
    on_failure : ``"continue"`` (Fig. 8: keep running until the target is reached),
        ``"restart"`` (discard everything and start a new round) or ``"stop"``
        (one round only); see :func:`qdms.network.analyse_path`.
    k_paths : candidate routes evaluated exactly per path search.
    """

    swap_probability: float = 1.0
    bell_measurement_noise: float = 0.0
    round_steps: int = 1
    on_failure: OnFailure = "continue"
    k_paths: int = 4

    def __post_init__(self) -> None:
        check_probability("swap_probability", self.swap_probability)
        check_probability("bell_measurement_noise", self.bell_measurement_noise)
        check_int("round_steps", self.round_steps, low=1)
        check_int("k_paths", self.k_paths, low=1)
        if self.on_failure not in ("continue", "restart", "stop"):
            raise ValueError(
                f"on_failure must be 'continue', 'restart' or 'stop', got {self.on_failure!r}"
            )
        if self.swap_probability == 0:
            raise ValueError("swap_probability must be > 0")


@dataclass(frozen=True)
class RequestResult:
    """How a request is served (or why not).

    Attributes
    ----------
    request : the request.
    served : whether it got routes.
    reason : why not, when not served.
    paths : the routes (one per virtual link; for multipartite targets from the hub).
    hub : the node that distributes a multipartite state.
    fidelity : fidelity of the delivered target state.
    join_probability : probability that all the joining operations succeed.
    delivery_probability : probability that the target is delivered at all (below 1
        only when the protocol stops after one round).
    mean_waiting_time_s : expected time until the target is delivered, given delivery.
    hyperedge : the multipartite source that serves a GHZ request directly, if any.

    path_reports : the per-path analyses (bipartite: one).
    """

    request: Request
    served: bool
    reason: str | None = None
    paths: tuple[Path, ...] = ()
    hub: str | None = None
    fidelity: float | None = None
    join_probability: float | None = None
    delivery_probability: float | None = None
    mean_waiting_time_s: float | None = None
    path_reports: tuple[PathReport, ...] = field(default=(), repr=False)
    hyperedge: str | None = None

    @property
    def links(self) -> tuple[str, ...]:
        """The elementary links this request occupies."""
        own = (self.hyperedge,) if self.hyperedge else ()
        return own + tuple(name for p in self.paths for name in p.links)


@dataclass(frozen=True)
class ServicePlan:
    """Results for all requests, in the order given."""

    results: tuple[RequestResult, ...]

    @property
    def served(self) -> tuple[RequestResult, ...]:
        return tuple(r for r in self.results if r.served)

    @property
    def unserved(self) -> tuple[RequestResult, ...]:
        return tuple(r for r in self.results if not r.served)

    def used_links(self) -> dict[str, str]:
        """Link name -> the request it serves."""
        return {name: r.request.name for r in self.served for name in r.links}


def _check_request(network: Network, request: Request) -> None:
    known = {n.name for n in network.nodes}
    for name in request.nodes:
        if name not in known:
            raise ValueError(f"request {request.name!r} names unknown node {name!r}")
        if network.node(name).memory_qubits < 1:
            raise ValueError(
                f"request {request.name!r}: node {name!r} has no memory to hold its qubit"
            )
    graph = nx.Graph()
    graph.add_nodes_from(known)
    graph.add_edges_from(lk.nodes for lk in network.links if not lk.is_hyperedge)
    if request.kind == "ghz" and any(
        set(lk.nodes) == set(request.nodes) for lk in network.hyperedges
    ):
        return  # a multipartite source joins exactly these nodes
    first = request.nodes[0]
    for other in request.nodes[1:]:
        if not nx.has_path(graph, first, other):
            raise ValueError(
                f"request {request.name!r}: nodes {first!r} and {other!r} are not connected by the network"
            )


def _serve_pair(
    network: Network, request: Request, settings: ProtocolSettings, busy: set[str]
) -> RequestResult:
    a, b = request.nodes
    try:
        found = best_path(
            network,
            a,
            b,
            metric=request.metric,
            k=settings.k_paths,
            exclude=busy,
            swap_probability=settings.swap_probability,
            bell_measurement_noise=settings.bell_measurement_noise,
            round_steps=settings.round_steps,
            on_failure=settings.on_failure,
        )
    except ValueError as exc:
        return RequestResult(request, False, reason=str(exc))
    if found is None:
        return RequestResult(request, False, reason=_busy_reason(network, request, busy))
    path, report = found
    return RequestResult(
        request,
        True,
        paths=(path,),
        fidelity=report.fidelity,
        join_probability=report.join_probability,
        delivery_probability=report.delivery_probability,
        mean_waiting_time_s=report.mean_waiting_time_s,
        path_reports=(report,),
    )


def _busy_reason(network: Network, request: Request, busy: set[str]) -> str:
    return (
        f"every route between {' and '.join(repr(n) for n in request.nodes)} crosses links already "
        f"serving other requests ({', '.join(sorted(busy)) or 'none'}) or relays through nodes without memory"
    )


def _serve_from_hyperedge(
    request: Request, settings: ProtocolSettings, busy: set[str], network: Network
) -> RequestResult | None:
    """A GHZ request whose nodes share a free multipartite source (Khatri Fig. 2) is served by it.

    The source's fidelities ``f(m)`` are then the target state's fidelities
    (its GHZ state over memory time); no joining is needed.
    """
    if request.kind != "ghz":
        return None
    for link in network.hyperedges:
        if set(link.nodes) == set(request.nodes) and link.name not in busy:
            delivery = delivery_for(
                [link], round_steps=settings.round_steps, on_failure=settings.on_failure
            )
            deliver, _, steps = waiting_figures(delivery, 1.0, settings.on_failure)
            return RequestResult(
                request,
                True,
                paths=(),
                hub=None,
                fidelity=delivery.expect([np.asarray(link.elementary.fidelities)]),
                join_probability=1.0,
                delivery_probability=deliver,
                mean_waiting_time_s=steps * link.time_step_s,
                hyperedge=link.name,
            )
    return None


def _serve_multipartite(
    network: Network, request: Request, settings: ProtocolSettings, busy: set[str]
) -> RequestResult:
    direct = _serve_from_hyperedge(request, settings, busy, network)
    if direct is not None:
        return direct
    terminals = request.nodes

    candidates = [n.name for n in network.nodes if n.name not in terminals and n.memory_qubits >= 1]
    best: tuple[float, str, list[Path]] | None = None
    for hub in candidates:
        used = set(busy)
        paths = []
        weight = 0.0
        for t in terminals:
            found = k_shortest_paths(network, hub, t, metric=request.metric, k=1, exclude=used)
            if not found:
                break
            paths.append(found[0])
            used.update(found[0].links)
            weight += found[0].hops
        else:
            if best is None or weight < best[0]:
                best = (weight, hub, paths)
    if best is None:
        return RequestResult(
            request,
            False,
            reason=f"no hub with memory reaches all of {list(terminals)} over free, disjoint routes",
        )
    _, hub, paths = best
    links = [lk for p in paths for lk in path_links(network, p)]
    dt = max(lk.time_step_s for lk in links)
    links = [lk.at_time_step(dt) for lk in links]
    try:
        delivery = delivery_for(
            links, round_steps=settings.round_steps, on_failure=settings.on_failure
        )
    except ValueError as exc:  # too many joint states for the exact analysis
        return RequestResult(request, False, hub=hub, paths=tuple(paths), reason=str(exc))
    # Which links make up virtual link v, and each link's Werner parameter over its ages.
    owner = [v for v, p in enumerate(paths) for _ in p.links]
    werner = [werner_curve(lk) for lk in links]
    noise = [(1.0 - settings.bell_measurement_noise) ** (p.hops - 1) for p in paths]
    adjacency = request.target_adjacency()
    k = len(paths)

    def fidelity_at(ws: Sequence[float]) -> float:
        q = np.array([[w + (1 - w) / 4, (1 - w) / 4, (1 - w) / 4, (1 - w) / 4] for w in ws])
        return graph_state_fidelity_bell_diagonal(adjacency, q)

    subsets = [s for r in range(k + 1) for s in itertools.combinations(range(k), r)]
    corner = {s: fidelity_at([1.0 if v in s else 0.0 for v in range(k)]) for s in subsets}
    total = 0.0
    for subset in subsets:
        # Moebius inversion: the coefficient of prod_{v in S} W_v in the multilinear fidelity.
        g = sum(
            (-1) ** (len(subset) - j) * corner[t]
            for j in range(len(subset) + 1)
            for t in itertools.combinations(subset, j)
        )
        if g == 0:
            continue
        funcs = [werner[i] if owner[i] in subset else None for i in range(len(links))]
        total += g * math.prod(noise[v] for v in subset) * delivery.expect(funcs)
    p_join = settings.swap_probability ** sum(p.hops - 1 for p in paths)
    length = max(sum(lk.length_km or 0.0 for lk in path_links(network, p)) for p in paths)
    t_class = length / SPEED_OF_LIGHT_KM_PER_S
    deliver, _, steps = waiting_figures(delivery, p_join, settings.on_failure)
    attempts = 1.0 if settings.on_failure == "stop" else 1.0 / p_join
    return RequestResult(
        request,
        True,
        paths=tuple(paths),
        hub=hub,
        fidelity=float(total),
        join_probability=p_join,
        delivery_probability=deliver,
        mean_waiting_time_s=steps * dt + attempts * t_class,
    )


def serve_requests(
    network: Network, requests: Sequence[Request], settings: ProtocolSettings | None = None
) -> ServicePlan:
    """Route and analyse every request in turn (Khatri Fig. 8 and Sec. IV).

    Examples
    --------
    >>> from qdms.network.examples import metro_mesh
    >>> plan = serve_requests(metro_mesh(), [Request("key", ("control", "pmu-2"))])
    >>> plan.results[0].served, plan.results[0].paths[0].hops
    (True, 2)
    """
    settings = settings or ProtocolSettings()
    names = [r.name for r in requests]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f"request names must be unique, repeated: {sorted(dup)}")
    for request in requests:
        _check_request(network, request)
    busy: set[str] = set()
    results = []
    for request in requests:
        if request.kind == "bell_pair":
            result = _serve_pair(network, request, settings, busy)
        else:
            result = _serve_multipartite(network, request, settings, busy)
        if result.served:
            busy.update(result.links)
        results.append(result)
    return ServicePlan(tuple(results))


def target_fidelity(results: Sequence[RequestResult]) -> float:
    """Fidelity of the whole target: the product over its parts (fidelity is multiplicative, Khatri Sec. IV.1).

    Examples
    --------
    >>> target_fidelity([])
    1.0
    """
    out = 1.0
    for r in results:
        if not r.served or r.fidelity is None:
            raise ValueError(f"request {r.request.name!r} is not served: the target is not reached")
        out *= r.fidelity
    return out
