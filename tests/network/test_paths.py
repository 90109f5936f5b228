"""Virtual links along paths: exact analysis against Monte Carlo of the protocol and explicit swapping."""

import numpy as np
import pytest

from qdms.network import (
    analyse_path,
    linear_chain,
    link_path,
    network_state,
    two_cities_via_satellite,
    werner_curve,
)
from qdms.network.paths import path_links
from qdms.protocols import swap_fidelity
from qdms.quantum import werner_state
from qdms.sim.network import simulate_delivery


@pytest.mark.parametrize(
    "on_failure,round_steps", [("continue", 1), ("continue", 4), ("restart", 6), ("stop", 8)]
)
def test_path_report_matches_monte_carlo(on_failure, round_steps):
    net = linear_chain(3, 25.0, coherence_time_s=0.005)
    path = link_path(net, ["n0", "n1", "n2", "n3"])
    report = analyse_path(
        net,
        path,
        swap_probability=0.6,
        bell_measurement_noise=0.02,
        round_steps=round_steps,
        on_failure=on_failure,
    )
    links = path_links(net, path)
    sim = simulate_delivery(
        [lk.elementary for lk in links],
        [lk.effective_policy for lk in links],
        join_probability=0.36,
        round_steps=round_steps,
        on_failure=on_failure,
        trials=30_000,
        rng=np.random.default_rng(2),
    )
    delivered = sim.delivered.mean()
    assert (
        abs(delivered - report.delivery_probability)
        < 5 * np.sqrt(delivered * (1 - delivered) / 30_000) + 1e-12
    )
    mean, se = sim.mean_waiting_steps()
    assert abs(mean - report.mean_waiting_steps) < 5 * se + 1e-9
    w, w_se = sim.mean_of([werner_curve(lk) for lk in links])
    assert abs(w * 0.98**2 - report.werner_parameter) < 5 * w_se


def test_delivered_fidelity_is_explicit_swap_of_stored_states():
    # Average the explicit swap of Werner states over the simulated ages at delivery.
    net = linear_chain(2, 30.0, coherence_time_s=0.005)
    path = link_path(net, ["n0", "n1", "n2"])
    report = analyse_path(net, path)
    links = path_links(net, path)
    sim = simulate_delivery(
        [lk.elementary for lk in links],
        [lk.effective_policy for lk in links],
        trials=3000,
        rng=np.random.default_rng(4),
    )
    curves = [werner_curve(lk) for lk in links]
    fids = [
        swap_fidelity([werner_state(curves[0][a]), werner_state(curves[1][b])])
        for a, b in sim.ages[sim.delivered]
    ]
    assert abs(np.mean(fids) - report.fidelity) < 5 * np.std(fids) / np.sqrt(len(fids))


def test_single_link_path_is_the_link():
    net = linear_chain(1, 20.0)
    report = analyse_path(net, link_path(net, ["n0", "n1"]))
    link = net.links[0]
    assert report.join_probability == 1.0
    assert report.mean_waiting_steps == pytest.approx(1 / link.elementary.p)
    assert report.fidelity == pytest.approx(
        link.elementary.fidelities[0]
    )  # found active in its heralding step
    assert report.classical_time_s == 0.0


def test_links_are_retimed_to_the_slowest():
    net = two_cities_via_satellite()
    report = analyse_path(
        net, link_path(net, ["alice", "gs-a", "gs-b", "bob"]), swap_probability=0.5
    )
    assert report.time_step_s == pytest.approx(net.link("gs-a-gs-b").time_step_s)
    assert 0.5 < report.fidelity < 1.0


def test_key_rate_uses_renewal_cycle():
    from qdms.apps.qkd import bb84_key_fraction

    net = linear_chain(2, 20.0)
    report = analyse_path(net, link_path(net, ["n0", "n1", "n2"]), swap_probability=0.5)
    rate = report.key_rate_bps(bb84_key_fraction)
    w = report.werner_parameter
    k = bb84_key_fraction([w + (1 - w) / 4, (1 - w) / 4, (1 - w) / 4, (1 - w) / 4])
    assert rate == pytest.approx(k / report.mean_waiting_time_s)


def test_network_state_eq_91_93():
    net = linear_chain(2, 20.0)
    state = network_state(net, 7)
    link = net.links[0]
    assert state[link.name].activity == pytest.approx(
        link.elementary.activity_probability(7, link.effective_policy)
    )
    assert 0 < state[link.name].fidelity <= 1


def test_bad_input():
    net = linear_chain(2, 20.0)
    with pytest.raises(ValueError, match="no link between 'n0' and 'n2'"):
        link_path(net, ["n0", "n2"])
    with pytest.raises(ValueError, match="swap_probability must be > 0"):
        analyse_path(net, link_path(net, ["n0", "n1", "n2"]), swap_probability=0.0)
    with pytest.raises(ValueError, match="on_failure must be"):
        analyse_path(net, link_path(net, ["n0", "n1", "n2"]), on_failure="retry")
