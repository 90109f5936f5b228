import itertools

import networkx as nx
import pytest

from qdms.links import ElementaryLink
from qdms.network import (
    Link,
    Network,
    Node,
    best_path,
    edge_disjoint_paths,
    k_shortest_paths,
    link_weight,
    metro_mesh,
)


def brute_force_paths(net, source, target, metric):
    graph = nx.Graph()
    for link in net.links:
        graph.add_edge(*link.nodes)
    out = []
    for nodes in nx.all_simple_paths(graph, source, target):
        if any(net.node(n).memory_qubits < 1 for n in nodes[1:-1]):
            continue
        w = sum(
            min(link_weight(lk, metric) for lk in net.links_between(a, b))
            for a, b in itertools.pairwise(nodes)
        )
        out.append((w, tuple(nodes)))
    return sorted(out)


@pytest.mark.parametrize("metric", ["hops", "fidelity", "waiting_time"])
def test_k_shortest_agrees_with_enumeration(metric):
    net = metro_mesh()
    found = k_shortest_paths(net, "pmu-1", "clock-1", metric=metric, k=5)
    expected = brute_force_paths(net, "pmu-1", "clock-1", metric)[:5]
    weights = [sum(link_weight(net.link(n), metric) for n in p.links) for p in found]
    assert weights == pytest.approx([w for w, _ in expected])


def test_edge_disjoint_paths_share_no_link():
    net = metro_mesh()
    paths = edge_disjoint_paths(net, "control", "core-n")
    used = [name for p in paths for name in p.links]
    assert len(used) == len(set(used))
    assert len(paths) == 4


def test_nodes_without_memory_do_not_relay():
    link = lambda n, a, b: Link(n, (a, b), ElementaryLink(0.5, [1.0]), 1e-4)  # noqa: E731
    net = Network(
        (Node("a"), Node("x", memory_qubits=0), Node("y", role="repeater"), Node("b")),
        (
            link("a-x", "a", "x"),
            link("x-b", "x", "b"),
            link("a-y", "a", "y"),
            link("y-b", "y", "b"),
        ),
    )
    paths = k_shortest_paths(net, "a", "b", k=3)
    assert [p.nodes for p in paths] == [("a", "y", "b")]


def test_best_path_prefers_the_better_exact_figure():
    net = metro_mesh()
    by_fidelity = best_path(
        net, "pmu-1", "pmu-3", metric="fidelity", on_failure="restart", round_steps=20
    )
    by_hops = best_path(net, "pmu-1", "pmu-3", metric="hops", on_failure="restart", round_steps=20)
    assert by_fidelity[1].fidelity >= by_hops[1].fidelity - 1e-12
    assert by_hops[0].hops <= by_fidelity[0].hops


def test_unknown_metric():
    with pytest.raises(ValueError, match="metric must be one of"):
        link_weight(metro_mesh().links[0], "cost")
