"""Example topologies: a linear chain, a star of sensors, a metropolitan mesh, two cities via a satellite.

Each function builds a :class:`Network` from physics with documented,
realistic defaults (fiber at 0.2 dB/km, i.e. ``L0 = 22 km``; memories with
the coherence time given; one attempt per step).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .._validation import check_int, check_positive
from ..physics import fiber_link, satellite_link
from .topology import Link, Network, Node, link_from_physics

__all__ = [
    "linear_chain",
    "metro_mesh",
    "random_geometric_network",
    "sensor_star",
    "two_cities_via_satellite",
]


def _fiber(name: str, a: str, b: str, length_km: float, coherence_time_s: float, **kw) -> Link:
    return link_from_physics(
        name,
        (a, b),
        fiber_link(length_km, coherence_time_s=coherence_time_s, **kw),
        length_km=length_km,
    )


def linear_chain(
    links: int,
    link_length_km: float,
    *,
    coherence_time_s: float = 0.01,
    source_fidelity: float = 0.98,
) -> Network:
    """A repeater chain ``n0 - n1 - ... - n{links}`` of equal fiber links (ends are end nodes).

    Examples
    --------
    >>> [n.role for n in linear_chain(2, 25.0).nodes]
    ['end_node', 'repeater', 'end_node']
    """
    links = check_int("links", links, low=1)
    check_positive("link_length_km", link_length_km)
    nodes = tuple(
        Node(
            f"n{i}",
            role="end_node" if i in (0, links) else "repeater",
            coherence_time_s=coherence_time_s,
        )
        for i in range(links + 1)
    )
    edges = tuple(
        _fiber(
            f"n{i}-n{i + 1}",
            f"n{i}",
            f"n{i + 1}",
            link_length_km,
            coherence_time_s,
            source_fidelity=source_fidelity,
        )
        for i in range(links)
    )
    return Network(nodes, edges)


def sensor_star(
    distances_km: Sequence[float] = (10.0, 20.0, 35.0, 50.0),
    *,
    coherence_time_s: float = 0.05,
    hub: str = "hub",
) -> Network:
    """Sensors around a hub, one fiber link each (distributed sensing, GHZ targets).

    Examples
    --------
    >>> len(sensor_star().links)
    4
    """
    nodes = [
        Node(
            hub, role="repeater", memory_qubits=len(distances_km), coherence_time_s=coherence_time_s
        )
    ]
    links = []
    for i, d in enumerate(distances_km):
        name = f"s{i + 1}"
        nodes.append(Node(name, role="sensor", coherence_time_s=coherence_time_s))
        links.append(_fiber(f"{hub}-{name}", hub, name, d, coherence_time_s))
    return Network(tuple(nodes), tuple(links))


#: Sites of the metropolitan example (km, planar): a control centre, a substation ring, sensors.
METRO_SITES = {
    "control": ("control_centre", (0.0, 0.0)),
    "core-n": ("repeater", (0.0, 12.0)),
    "core-e": ("repeater", (11.0, 2.0)),
    "core-s": ("repeater", (-2.0, -10.0)),
    "core-w": ("repeater", (-12.0, 1.0)),
    "pmu-1": ("sensor", (6.0, 24.0)),
    "pmu-2": ("sensor", (25.0, 6.0)),
    "clock-1": ("clock", (-6.0, -22.0)),
    "pmu-3": ("sensor", (-26.0, 8.0)),
}
METRO_FIBERS = [
    ("control", "core-n"),
    ("control", "core-e"),
    ("control", "core-s"),
    ("control", "core-w"),
    ("core-n", "core-e"),
    ("core-e", "core-s"),
    ("core-s", "core-w"),
    ("core-w", "core-n"),
    ("core-n", "pmu-1"),
    ("core-e", "pmu-2"),
    ("core-s", "clock-1"),
    ("core-w", "pmu-3"),
    ("pmu-1", "pmu-2"),
]


def metro_mesh(*, coherence_time_s: float = 0.05, route_factor: float = 1.3) -> Network:
    """A metropolitan mesh of 9 sites; fiber lengths are the straight-line distances times ``route_factor``.

    Examples
    --------
    >>> net = metro_mesh()
    >>> len(net.nodes), len(net.links)
    (9, 13)
    """
    check_positive("route_factor", route_factor)
    nodes = tuple(
        Node(name, role=role, memory_qubits=4, coherence_time_s=coherence_time_s, position_km=pos)
        for name, (role, pos) in METRO_SITES.items()
    )
    links = []
    for a, b in METRO_FIBERS:
        (xa, ya), (xb, yb) = METRO_SITES[a][1], METRO_SITES[b][1]
        length = round(route_factor * math.hypot(xa - xb, ya - yb), 1)
        links.append(_fiber(f"{a}-{b}", a, b, length, coherence_time_s))
    return Network(nodes, tuple(links))


def two_cities_via_satellite(
    *,
    ground_distance_km: float = 1200.0,
    altitude_km: float = 500.0,
    metro_link_km: float = 30.0,
    coherence_time_s: float = 1.0,
    modes: int = 1000,
    background_photons: float = 1e-4,
) -> Network:
    """Two cities, each a user 30 km from its ground station, joined through a satellite downlink pair.

    Examples
    --------
    >>> [lk.name for lk in two_cities_via_satellite().links]
    ['alice-gs-a', 'gs-a-gs-b', 'gs-b-bob']
    """
    nodes = (
        Node("alice", coherence_time_s=coherence_time_s),
        Node("gs-a", role="repeater", memory_qubits=2, coherence_time_s=coherence_time_s),
        Node("gs-b", role="repeater", memory_qubits=2, coherence_time_s=coherence_time_s),
        Node("bob", coherence_time_s=coherence_time_s),
    )
    sat = satellite_link(
        ground_distance_km,
        altitude_km,
        modes=modes,
        background_photons=background_photons,
        coherence_time_s=coherence_time_s,
    )
    links = (
        _fiber("alice-gs-a", "alice", "gs-a", metro_link_km, coherence_time_s, modes=10),
        link_from_physics("gs-a-gs-b", ("gs-a", "gs-b"), sat, length_km=ground_distance_km),
        _fiber("gs-b-bob", "gs-b", "bob", metro_link_km, coherence_time_s, modes=10),
    )
    return Network(nodes, links)


def random_geometric_network(
    nodes: int = 100,
    links: int = 300,
    *,
    area_km: float = 200.0,
    coherence_time_s: float = 0.01,
    seed: int = 0,
) -> Network:
    """Random sites in a square, joined by the ``links`` shortest fibers that keep it connected.

    A minimum spanning tree guarantees connectivity; the remaining links are
    the shortest other pairs. Reproducible from ``seed``.

    Examples
    --------
    >>> net = random_geometric_network(20, 40, seed=1)
    >>> len(net.nodes), len(net.links)
    (20, 40)
    """
    import networkx as nx
    import numpy as np

    nodes = check_int("nodes", nodes, low=2)
    links = check_int("links", links, low=nodes - 1, high=nodes * (nodes - 1) // 2)
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, check_positive("area_km", area_km), size=(nodes, 2))
    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    complete = nx.Graph()
    i, j = np.triu_indices(nodes, 1)
    complete.add_weighted_edges_from(zip(i.tolist(), j.tolist(), dist[i, j].tolist(), strict=True))
    chosen = {tuple(sorted(e)) for e in nx.minimum_spanning_tree(complete).edges()}
    for k in np.argsort(dist[i, j]):
        if len(chosen) >= links:
            break
        chosen.add((int(i[k]), int(j[k])))
    names = [f"v{k}" for k in range(nodes)]
    site_nodes = tuple(
        Node(
            names[k],
            role="repeater",
            memory_qubits=4,
            coherence_time_s=coherence_time_s,
            position_km=tuple(xy[k]),
        )
        for k in range(nodes)
    )
    edges = tuple(
        _fiber(
            f"{names[a]}-{names[b]}",
            names[a],
            names[b],
            max(round(float(dist[a, b]), 2), 0.1),
            coherence_time_s,
        )
        for a, b in sorted(chosen)
    )
    return Network(site_nodes, edges)
