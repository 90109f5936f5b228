"""From the scenario model to the library's objects: the same physics as calling the library directly."""

import math

import numpy as np
import pytest

from qdms.links import MemoryCutoff
from qdms.network import ProtocolSettings
from qdms.physics import fiber_link, satellite_link
from qdms.scenario import (
    ScenarioError,
    build_network,
    build_requests,
    link_memory,
    link_physics,
    link_policy,
    parse_scenario,
    protocol_settings,
)

TEXT = """\
name: build
sites:
  - {name: a, role: control_centre, position_km: [0, 0], memory: {qubits: 2, coherence_time_s: 1.0}}
  - {name: b, role: repeater, position_km: [6, 8], memory: {qubits: 4, coherence_time_s: 0.02, noise: dephasing}}
  - {name: c, role: sensor, position_km: [20, 8], memory: {coherence_time_s: 0.5}}
  - {name: d, role: sensor, position_km: [6, 30], memory: {coherence_time_s: 0.5}}
  - {name: far, role: clock, memory: {coherence_time_s: 2.0}}
links:
  - between: [a, b]
    fiber: {route_factor: 1.5, attenuation_db_per_km: 0.25, group_index: 1.5}
    source: {fidelity: 0.97}
    detectors: {efficiency: 0.8, dark_count_probability: 1.0e-5}
    multiplexing: {modes: 3}
  - {between: [b, c], fiber: {length_km: 14}, cutoff: 5}
  - {between: [b, d], fiber: {length_km: 22}, cutoff: never}
  - name: sky
    between: [a, far]
    satellite: {altitude_km: 800, ground_distance_km: 900, background_photons: 2.0e-4, zenith_transmittance: 0.6}
    source: {fidelity: 0.99}
    multiplexing: {modes: 100}
requests:
  - {name: k, kind: qkd, between: [a, c], metric: hops}
  - {name: q, kind: secure_sensing, between: [a, d]}
  - {name: g, kind: ghz_sensing, sites: [a, c, d]}
  - {name: t, kind: clock_sync, between: [a, far]}
policies: {cutoff: optimal}
protocol: {swap_probability: 0.5, bell_measurement_noise: 0.02, round_steps: 3, on_failure: restart, k_paths: 2}
"""


@pytest.fixture(scope="module")
def scenario():
    return parse_scenario(TEXT)


def test_fiber_physics_is_the_library_call(scenario):
    phys = link_physics(scenario, scenario.links[0])
    # worse memory of a (1 s) and b (20 ms, dephasing); length 1.5 * 10 km; L0 = 10 / (0.25 ln 10) km
    direct = fiber_link(
        15.0,
        attenuation_length_km=10 / (0.25 * math.log(10)),
        source_fidelity=0.97,
        detector_efficiency=0.8,
        dark_count_probability=1e-5,
        modes=3,
        coherence_time_s=0.02,
        memory_noise="dephasing",
        group_index=1.5,
    )
    assert phys.success_probability == pytest.approx(direct.success_probability, rel=1e-12)
    np.testing.assert_allclose(phys.fidelities, direct.fidelities, rtol=1e-12)
    assert phys.time_step_s == pytest.approx(2 * 15.0 * 1.5 / 299_792.458, rel=1e-12)
    assert link_memory(scenario, scenario.links[0]) == (0.02, "dephasing")


def test_satellite_physics_is_the_library_call(scenario):
    phys = link_physics(scenario, scenario.links[3])
    direct = satellite_link(
        900.0,
        800.0,
        background_photons=2e-4,
        modes=100,
        coherence_time_s=1.0,
        source=(0.99, 0.01 / 3, 0.01 / 3, 0.01 / 3),
        zenith_transmittance=0.6,
    )
    assert phys.success_probability == pytest.approx(direct.success_probability, rel=1e-12)
    np.testing.assert_allclose(phys.fidelities, direct.fidelities, rtol=1e-12)


def test_network_policies_and_requests(scenario):
    net = build_network(scenario)
    assert [lk.name for lk in net.links] == ["a-b", "b-c", "b-d", "sky"]
    assert net.link("a-b").length_km == pytest.approx(15.0)
    assert net.link("sky").length_km == 900.0
    assert net.link("a-b").policy is None  # optimal: the link's own optimal cutoff
    assert net.link("b-c").policy == MemoryCutoff(5)
    assert net.link("b-d").policy == MemoryCutoff(None)
    assert link_policy(scenario, scenario.links[0]) is None
    node = net.node("b")
    assert (node.role, node.memory_qubits, node.coherence_time_s, node.position_km) == (
        "repeater",
        4,
        0.02,
        (6.0, 8.0),
    )
    kinds = [(r.name, r.kind, r.nodes, r.application, r.metric) for r in build_requests(scenario)]
    assert kinds == [
        ("k", "bell_pair", ("a", "c"), "qkd", "hops"),
        ("q", "bell_pair", ("a", "d"), "sensing", "fidelity"),
        ("g", "ghz", ("a", "c", "d"), "sensing", "fidelity"),
        ("t", "bell_pair", ("a", "far"), "clock", "fidelity"),
    ]
    assert protocol_settings(scenario) == ProtocolSettings(0.5, 0.02, 3, "restart", 2)


def test_build_network_refuses_an_inconsistent_model(scenario):
    broken = scenario.model_copy(update={"links": scenario.links[:1]})  # c, d and far unreachable
    with pytest.raises(ScenarioError, match="not connected"):
        build_network(broken)


def test_satellite_below_the_horizon_is_reported():
    text = TEXT.replace("ground_distance_km: 900", "ground_distance_km: 15000")
    with pytest.raises(ScenarioError, match=r"links\[3\]\.satellite: the satellite is at or below"):
        parse_scenario(text)
