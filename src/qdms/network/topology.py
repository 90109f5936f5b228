"""Network topology: nodes with roles and memories, links with their elementary-link models.

A network is a frozen description (Khatri 2022, Fig. 1-2): nodes (end
nodes, repeaters, sensors, clocks, control centres) with a memory coherence
time and a number of memory qubits per link; links between two nodes
(bipartite edges) or among several nodes fed by one source (hyperedges),
each an :class:`qdms.links.ElementaryLink` with its own policy (default: its
optimal steady-state memory cutoff, Theorem II.4).

The bipartite links form a networkx ``MultiGraph`` (parallel fibers allowed)
used for routing; hyperedges are kept apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import networkx as nx

from .._validation import check_int, check_nonnegative, check_positive
from ..links import ElementaryLink, MemoryCutoff, Policy
from ..physics import LinkPhysics

__all__ = ["Link", "Network", "Node", "Role", "link_from_physics"]

Role = Literal["end_node", "repeater", "sensor", "clock", "control_centre"]
ROLES: tuple[str, ...] = ("end_node", "repeater", "sensor", "clock", "control_centre")


@dataclass(frozen=True)
class Node:
    """A network node.

    Attributes
    ----------
    name : unique name.
    role : one of ``end_node``, ``repeater``, ``sensor``, ``clock``, ``control_centre``.
    memory_qubits : memory qubits available per attached link (0: the node cannot store).
    coherence_time_s : memory coherence time, s (``inf`` for a perfect memory).
    position_km : optional planar coordinates, km (for plots and geometric examples).
    """

    name: str
    role: Role = "end_node"
    memory_qubits: int = 1
    coherence_time_s: float = math.inf
    position_km: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"node name must be a non-empty string, got {self.name!r}")
        if self.role not in ROLES:
            raise ValueError(f"node {self.name!r}: role must be one of {ROLES}, got {self.role!r}")
        check_int(f"node {self.name!r} memory_qubits", self.memory_qubits, low=0)
        check_positive(
            f"node {self.name!r} coherence_time_s", self.coherence_time_s, allow_inf=True
        )


@dataclass(frozen=True)
class Link:
    """An elementary link among two (edge) or more (hyperedge) nodes.

    Attributes
    ----------
    name : unique name.
    nodes : the nodes it connects (2 for an edge, more for a hyperedge).
    elementary : its MDP model: heralding probability and fidelities ``f[0..m*]``.
    time_step_s : duration of one step of this link, s.
    policy : its elementary-link policy; ``None`` means the optimal steady-state cutoff.
    length_km : fiber length (or ground distance), km, if known.
    physics : the physical description it came from, if any (lets the link be
        re-timed to another step, see :meth:`at_time_step`).
    """

    name: str
    nodes: tuple[str, ...]
    elementary: ElementaryLink
    time_step_s: float
    policy: Policy | None = None
    length_km: float | None = None
    physics: LinkPhysics | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"link name must be a non-empty string, got {self.name!r}")
        nodes = tuple(self.nodes)
        object.__setattr__(self, "nodes", nodes)
        if len(nodes) < 2 or len(set(nodes)) != len(nodes):
            raise ValueError(
                f"link {self.name!r} must join at least two distinct nodes, got {nodes!r}"
            )
        check_positive(f"link {self.name!r} time_step_s", self.time_step_s)
        if self.length_km is not None:
            check_nonnegative(f"link {self.name!r} length_km", self.length_km)

    @property
    def is_hyperedge(self) -> bool:
        """Whether the link joins more than two nodes."""
        return len(self.nodes) > 2

    @property
    def effective_policy(self) -> Policy:
        """The policy in force: the one given, or the optimal steady-state cutoff."""
        if self.policy is not None:
            return self.policy
        return MemoryCutoff(self.elementary.optimal_cutoff()[0])

    def at_time_step(self, time_step_s: float) -> Link:
        """The same link driven in lock-step with a longer step (one attempt per step).

        Memory decoherence is recomputed for the new step when the link came
        from physics; otherwise ``f`` stays per step (the caller's model).
        """
        dt = check_positive("time_step_s", time_step_s)
        if self.physics is None or math.isclose(dt, self.time_step_s):
            return replace(self, time_step_s=dt)
        physics = self.physics.at_time_step(dt)
        return replace(
            self, elementary=ElementaryLink.from_physics(physics), time_step_s=dt, physics=physics
        )


def link_from_physics(
    name: str,
    nodes: Sequence[str],
    physics: LinkPhysics,
    *,
    policy: Policy | None = None,
    length_km: float | None = None,
) -> Link:
    """A :class:`Link` from a :class:`qdms.physics.LinkPhysics`.

    Examples
    --------
    >>> from qdms.physics import fiber_link
    >>> link = link_from_physics("a-b", ("a", "b"), fiber_link(20.0, coherence_time_s=0.01), length_km=20.0)
    >>> link.elementary.m_star
    51
    """
    return Link(
        name=name,
        nodes=tuple(nodes),
        elementary=ElementaryLink.from_physics(physics),
        time_step_s=physics.time_step_s,
        policy=policy,
        length_km=length_km,
        physics=physics,
    )


@dataclass(frozen=True)
class Network:
    """Nodes and links, validated; ``graph`` is the networkx MultiGraph of the bipartite links.

    Examples
    --------
    >>> from qdms.links import ElementaryLink
    >>> net = Network(
    ...     nodes=(Node("a"), Node("r", role="repeater"), Node("b")),
    ...     links=(Link("a-r", ("a", "r"), ElementaryLink(0.5, [1.0, 0.9]), 1e-4),
    ...            Link("r-b", ("r", "b"), ElementaryLink(0.4, [1.0, 0.9]), 1e-4)),
    ... )
    >>> sorted(net.graph.nodes), net.graph.number_of_edges()
    (['a', 'b', 'r'], 2)
    """

    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    graph: nx.MultiGraph = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        nodes = tuple(self.nodes)
        links = tuple(self.links)
        object.__setattr__(self, "nodes", nodes)
        object.__setattr__(self, "links", links)
        names = [n.name for n in nodes]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"node names must be unique, repeated: {sorted(dup)}")
        link_names = [lk.name for lk in links]
        dup = {n for n in link_names if link_names.count(n) > 1}
        if dup:
            raise ValueError(f"link names must be unique, repeated: {sorted(dup)}")
        known = set(names)
        for lk in links:
            missing = [n for n in lk.nodes if n not in known]
            if missing:
                raise ValueError(f"link {lk.name!r} names unknown node(s) {missing}")
        graph = nx.MultiGraph()
        for node in nodes:
            graph.add_node(node.name, node=node)
        for lk in links:
            if not lk.is_hyperedge:
                graph.add_edge(*lk.nodes, key=lk.name, link=lk)
        object.__setattr__(self, "graph", graph)

    def node(self, name: str) -> Node:
        """The node called ``name`` (``KeyError`` naming it if unknown)."""
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(f"unknown node {name!r}")

    def link(self, name: str) -> Link:
        """The link called ``name``."""
        for lk in self.links:
            if lk.name == name:
                return lk
        raise KeyError(f"unknown link {name!r}")

    @property
    def hyperedges(self) -> tuple[Link, ...]:
        """Links joining more than two nodes (multipartite sources)."""
        return tuple(lk for lk in self.links if lk.is_hyperedge)

    def links_between(self, a: str, b: str) -> list[Link]:
        """The bipartite links joining ``a`` and ``b`` (parallel links included)."""
        if not self.graph.has_edge(a, b):
            return []
        return [data["link"] for data in self.graph.get_edge_data(a, b).values()]

    def with_links(self, links: Iterable[Link]) -> Network:
        """A copy whose links are replaced by ``links``."""
        return Network(self.nodes, tuple(links))
