import numpy as np
import pytest

from qdms.links import ElementaryLink
from qdms.network import (
    Link,
    Network,
    Node,
    ProtocolSettings,
    Request,
    sensor_star,
    serve_requests,
    target_fidelity,
)
from qdms.network.paths import path_links, werner_curve
from qdms.protocols import distribute_graph_state, graph_state_fidelity
from qdms.quantum import fidelity, ghz_ket, werner_state
from qdms.sim.network import simulate_delivery


def test_ghz_request_fidelity_matches_monte_carlo_of_explicit_protocol():
    net = sensor_star((10.0, 20.0, 30.0), coherence_time_s=0.002)
    plan = serve_requests(
        net, [Request("ghz", ("s1", "s2", "s3"), kind="ghz", application="sensing")]
    )
    result = plan.results[0]
    assert result.served and result.hub == "hub"
    links = [lk for p in result.paths for lk in path_links(net, p)]
    dt = max(lk.time_step_s for lk in links)  # the protocol runs the links in lock-step
    links = [lk.at_time_step(dt) for lk in links]

    sim = simulate_delivery(
        [lk.elementary for lk in links],
        [lk.effective_policy for lk in links],
        trials=400,
        rng=np.random.default_rng(8),
    )
    curves = [werner_curve(lk) for lk in links]
    star = [[0, 1, 1], [1, 0, 0], [1, 0, 0]]
    fids = [
        graph_state_fidelity(star, [werner_state(curves[i][a]) for i, a in enumerate(ages)])
        for ages in sim.ages[sim.delivered]
    ]
    assert abs(np.mean(fids) - result.fidelity) < 5 * np.std(fids) / np.sqrt(len(fids)) + 1e-12
    mean, se = sim.mean_waiting_steps()
    assert (
        abs(mean * links[0].time_step_s - result.mean_waiting_time_s)
        < 5 * se * links[0].time_step_s + 1e-6
    )


def test_ghz_from_star_equals_ghz_state_up_to_local_hadamards():
    # The star graph state is the GHZ state after Hadamards on the leaves: same fidelity under noise.
    links = [werner_state(0.9), werner_state(0.8), werner_state(0.85)]
    rho = distribute_graph_state([[0, 1, 1], [1, 0, 0], [1, 0, 0]], links)
    h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    u = np.kron(np.eye(2), np.kron(h, h))
    assert fidelity(ghz_ket(3), u @ rho @ u.T) == pytest.approx(
        graph_state_fidelity([[0, 1, 1], [1, 0, 0], [1, 0, 0]], links)
    )


def test_capacity_conflicts_are_reported_not_raised():
    net = sensor_star((10.0, 20.0))
    plan = serve_requests(net, [Request("one", ("s1", "s2")), Request("two", ("s1", "s2"))])
    assert plan.results[0].served
    second = plan.results[1]
    assert not second.served and "already serving" in second.reason
    assert plan.used_links() == {"hub-s1": "one", "hub-s2": "one"}


def test_target_fidelity_is_product():
    net = sensor_star((10.0, 20.0, 30.0, 40.0))
    plan = serve_requests(net, [Request("a", ("s1", "s2")), Request("b", ("s3", "s4"))])
    assert target_fidelity(plan.results) == pytest.approx(
        plan.results[0].fidelity * plan.results[1].fidelity
    )


def test_impossible_requests_raise_naming_the_request():
    link = Link("a-b", ("a", "b"), ElementaryLink(0.5, [1.0]), 1e-4)
    net = Network((Node("a"), Node("b"), Node("c"), Node("d", memory_qubits=0)), (link,))
    with pytest.raises(ValueError, match="request 'r1' names unknown node 'zz'"):
        serve_requests(net, [Request("r1", ("a", "zz"))])
    with pytest.raises(ValueError, match="request 'r2': nodes 'a' and 'c' are not connected"):
        serve_requests(net, [Request("r2", ("a", "c"))])
    with pytest.raises(ValueError, match="request 'r3': node 'd' has no memory"):
        serve_requests(net, [Request("r3", ("a", "d"))])
    with pytest.raises(ValueError, match="bell_pair joins exactly two nodes"):
        Request("r4", ("a", "b", "c"))
    with pytest.raises(ValueError, match="request names must be unique"):
        serve_requests(net, [Request("x", ("a", "b")), Request("x", ("a", "b"))])


def test_settings_validation():
    with pytest.raises(ValueError, match="swap_probability must be a probability"):
        ProtocolSettings(swap_probability=1.5)
    with pytest.raises(ValueError, match="on_failure must be"):
        ProtocolSettings(on_failure="later")


def test_ghz_request_served_by_a_multipartite_source():
    # Three sensors fed by one GHZ source (a hyperedge): no hub, no joining.
    ghz_link = Link("src", ("a", "b", "c"), ElementaryLink(0.2, [0.95, 0.9, 0.85]), 1e-4)
    pair = Link("a-b", ("a", "b"), ElementaryLink(0.5, [1.0]), 1e-4)
    net = Network((Node("a"), Node("b"), Node("c")), (ghz_link, pair))
    plan = serve_requests(net, [Request("g", ("c", "a", "b"), kind="ghz")])
    result = plan.results[0]
    assert result.served and result.hyperedge == "src" and result.paths == ()
    assert result.fidelity == pytest.approx(0.95)  # found active in its heralding step
    assert result.mean_waiting_time_s == pytest.approx(1e-4 / 0.2)
    assert plan.used_links() == {"src": "g"}
    rounds = serve_requests(
        net,
        [Request("g", ("a", "b", "c"), kind="ghz")],
        ProtocolSettings(on_failure="restart", round_steps=2),
    )
    link = ghz_link.elementary
    dist = link.state_distribution(2, ghz_link.effective_policy)
    active = 1 - dist[0]
    assert rounds.results[0].fidelity == pytest.approx(dist[1:] @ link.fidelities / active)
    assert rounds.results[0].mean_waiting_time_s == pytest.approx(2 * 1e-4 / active)
