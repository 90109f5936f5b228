"""Path finding: fewest hops, highest delivered fidelity, lowest waiting time; k shortest and disjoint paths.

Routing runs on the bipartite links (a networkx graph). Each metric turns a
link into an additive weight for the search:

* ``"hops"``: 1 per link;
* ``"fidelity"``: ``-ln w`` with ``w`` the Werner parameter of the link's
  steady-state fidelity under its policy (swapping multiplies Werner
  parameters, so the lightest path has the largest product); links with
  ``w <= 0`` cannot carry entanglement and are skipped;
* ``"waiting_time"``: ``1/p``, the link's own expected waiting time.

The weights rank candidates; :func:`best_path` then evaluates the ``k``
lightest simple paths exactly (:func:`qdms.network.analyse_path`) and keeps
the best by the exact figure, since neither the delivered fidelity at the
moment of joining nor the collective waiting time is additive.

Only nodes with memory can relay (a repeater stores one qubit per link
until it swaps); links in ``exclude`` (busy serving another request) are
left out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection
from typing import Literal

import networkx as nx

from .._validation import check_int
from ..quantum import werner_parameter_from_fidelity
from .paths import OnFailure, Path, PathReport, analyse_path
from .topology import Link, Network

__all__ = [
    "Metric",
    "best_path",
    "edge_disjoint_paths",
    "k_shortest_paths",
    "link_weight",
    "routing_graph",
]

Metric = Literal["hops", "fidelity", "waiting_time"]
METRICS = ("hops", "fidelity", "waiting_time")


def link_weight(link: Link, metric: Metric) -> float:
    """Additive routing weight of ``link`` under ``metric`` (``inf``: unusable).

    Examples
    --------
    >>> from qdms.network.examples import linear_chain
    >>> link = linear_chain(1, 20.0).links[0]
    >>> link_weight(link, "hops"), round(link_weight(link, "waiting_time"), 6)
    (1.0, 2.482065)
    """
    if metric == "hops":
        return 1.0
    if metric == "waiting_time":
        return math.inf if link.elementary.p == 0 else 1.0 / link.elementary.p
    if metric == "fidelity":
        if link.elementary.p == 0:
            return math.inf
        f = link.elementary.steady_state_fidelity(link.effective_policy)
        w = werner_parameter_from_fidelity(min(max(f, 0.0), 1.0))
        return math.inf if w <= 0 else -math.log(w)
    raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")


def routing_graph(network: Network, metric: Metric, *, exclude: Collection[str] = ()) -> nx.Graph:
    """Simple graph of usable links: per node pair the lightest free link, with its weight.

    Nodes without memory are kept (they may be end points) but get no
    through-traffic: :func:`k_shortest_paths` drops paths relaying through them.
    """
    graph = nx.Graph()
    graph.add_nodes_from(n.name for n in network.nodes)
    for link in network.links:
        if link.is_hyperedge or link.name in exclude:
            continue
        weight = link_weight(link, metric)
        if not math.isfinite(weight):
            continue
        a, b = link.nodes
        if not graph.has_edge(a, b) or weight < graph[a][b]["weight"]:
            graph.add_edge(a, b, weight=weight, link=link.name)
    return graph


def _relays_ok(network: Network, nodes: list[str]) -> bool:
    return all(network.node(n).memory_qubits >= 1 for n in nodes[1:-1])


def k_shortest_paths(
    network: Network,
    source: str,
    target: str,
    *,
    metric: Metric = "hops",
    k: int = 1,
    exclude: Collection[str] = (),
) -> list[Path]:
    """The ``k`` lightest simple paths from ``source`` to ``target`` (Yen's algorithm via networkx).

    Examples
    --------
    >>> from qdms.network.examples import metro_mesh
    >>> [p.hops for p in k_shortest_paths(metro_mesh(), "pmu-1", "pmu-3", k=3)]
    [3, 4, 5]
    """
    k = check_int("k", k, low=1)
    for name in (source, target):
        network.node(name)
    graph = routing_graph(network, metric, exclude=exclude)
    if not nx.has_path(graph, source, target):
        return []
    out = []
    for nodes in nx.shortest_simple_paths(graph, source, target, weight="weight"):
        if not _relays_ok(network, nodes):
            continue
        links = tuple(graph[a][b]["link"] for a, b in itertools.pairwise(nodes))
        out.append(Path(tuple(nodes), links))
        if len(out) == k:
            break
    return out


def edge_disjoint_paths(
    network: Network, source: str, target: str, *, exclude: Collection[str] = ()
) -> list[Path]:
    """A maximum set of paths sharing no link (parallel fibers count as separate links).

    Examples
    --------
    >>> from qdms.network.examples import metro_mesh
    >>> len(edge_disjoint_paths(metro_mesh(), "control", "core-n"))
    4
    """
    for name in (source, target):
        network.node(name)
    # One helper vertex per link, so that parallel links stay distinct in a simple graph.
    simple = nx.Graph()
    simple.add_nodes_from(n.name for n in network.nodes)
    for link in network.links:
        if not link.is_hyperedge and link.name not in exclude:
            mid = ("link", link.name)
            simple.add_edge(link.nodes[0], mid)
            simple.add_edge(mid, link.nodes[1])
    if not nx.has_path(simple, source, target):
        return []
    paths = []
    for nodes in nx.edge_disjoint_paths(simple, source, target):
        real = [n for n in nodes if not isinstance(n, tuple)]
        links = tuple(n[1] for n in nodes if isinstance(n, tuple))
        if _relays_ok(network, real):
            paths.append(Path(tuple(real), links))
    return paths


def best_path(
    network: Network,
    source: str,
    target: str,
    *,
    metric: Metric = "fidelity",
    k: int = 4,
    exclude: Collection[str] = (),
    swap_probability: float = 1.0,
    bell_measurement_noise: float = 0.0,
    round_steps: int = 1,
    on_failure: OnFailure = "continue",
) -> tuple[Path, PathReport] | None:
    """The best of the ``k`` lightest paths by the exact figure of ``metric``; ``None`` if there is no path.

    ``"hops"`` keeps the fewest hops (ties: the higher fidelity);
    ``"fidelity"`` the highest delivered fidelity; ``"waiting_time"`` the
    lowest expected virtual-link waiting time in seconds. Candidates whose
    exact analysis is refused (too many joint states) are skipped; if all
    are, ``ValueError`` says why.

    Examples
    --------
    >>> from qdms.network.examples import linear_chain
    >>> path, report = best_path(linear_chain(2, 20.0), "n0", "n2")
    >>> path.nodes, round(report.fidelity, 4)
    (('n0', 'n1', 'n2'), 0.9289)
    """
    candidates = k_shortest_paths(network, source, target, metric=metric, k=k, exclude=exclude)
    if not candidates:
        return None
    reports, refusals = [], []
    for path in candidates:
        try:
            reports.append(
                analyse_path(
                    network,
                    path,
                    swap_probability=swap_probability,
                    bell_measurement_noise=bell_measurement_noise,
                    round_steps=round_steps,
                    on_failure=on_failure,
                )
            )
        except ValueError as exc:  # e.g. a joint chain too large for the exact analysis
            refusals.append(f"{' - '.join(path.nodes)}: {exc}")
    if not reports:
        raise ValueError("no candidate route could be analysed: " + "; ".join(refusals))
    if metric == "hops":
        key = lambda r: (r.path.hops, -r.fidelity)  # noqa: E731
    elif metric == "fidelity":
        key = lambda r: (-r.fidelity, r.mean_waiting_time_s)  # noqa: E731
    else:
        key = lambda r: (r.mean_waiting_time_s, -r.fidelity)  # noqa: E731
    best = min(reports, key=key)
    return best.path, best
