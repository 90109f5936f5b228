"""The run's numbers against the library: links, routing, key rates, QSM, GHZ sensing."""

import pathlib

import numpy as np
import pytest

from qdms.apps.metrology import QSMProtocol, summarise
from qdms.apps.qkd import bb84_key_fraction, six_state_key_fraction
from qdms.network import serve_requests
from qdms.quantum import ghz_ket, quantum_fisher_information_unitary, werner_state
from qdms.report import (
    ClockFigures,
    GHZFigures,
    QKDFigures,
    QSMFigures,
    analyse_scenario,
    serve_in_order,
)
from qdms.scenario import build_network, build_requests, load_scenario, protocol_settings

EXAMPLES = pathlib.Path(__file__).parents[2] / "examples"


def stationary_value(elem, policy):
    """E[f] in the stationary law of the link's chain on the states it reaches (-1..t*), by linear algebra."""
    keep = policy.cutoff + 2  # states -1..t*; later ages are never reached
    wait, request = (np.asarray(m[:keep, :keep].todense()) for m in elem.transition_matrices())
    d = elem.decision_function(policy)[:keep]
    chain = wait * (1 - d)[None, :] + request * d[None, :]  # T[to, from]
    a = np.vstack([chain - np.eye(keep), np.ones(keep)])
    b = np.zeros(keep + 1)
    b[-1] = 1
    pi = np.linalg.lstsq(a, b, rcond=None)[0]
    return float(pi[1:] @ elem.fidelities[: keep - 1])


@pytest.fixture(scope="module")
def metro():
    scenario = load_scenario(EXAMPLES / "metro-sensing.yaml")
    return scenario, analyse_scenario(scenario)


def test_links_are_the_elementary_link_model(metro):
    scenario, analysis = metro
    network = build_network(scenario)
    assert [lk.name for lk in analysis.links] == [lk.name for lk in network.links]
    for figures, link in zip(analysis.links, network.links, strict=True):
        elem = link.elementary
        cutoff, value = elem.optimal_cutoff()
        assert figures.cutoff_steps == cutoff and figures.policy == "optimal cutoff"
        assert figures.steady_state_value == pytest.approx(value, rel=1e-12)
        assert figures.success_probability == elem.p
        assert figures.initial_fidelity == elem.fidelities[0]
        assert figures.heralding_rate_hz == pytest.approx(elem.p / link.time_step_s, rel=1e-12)
        assert stationary_value(elem, figures.link.effective_policy) == pytest.approx(
            value, rel=1e-9
        )
        np.testing.assert_allclose(
            figures.vt_values, elem.value(figures.vt_steps, link.effective_policy)
        )


def test_exclusive_serving_matches_serve_requests(metro):
    scenario, analysis = metro
    network, requests, settings = (
        build_network(scenario),
        build_requests(scenario),
        protocol_settings(scenario),
    )
    reference = serve_requests(network, requests, settings).results
    mine = serve_in_order(network, requests, settings, exclusive=True)
    for a, b in zip(mine, reference, strict=True):
        assert (a.served, a.paths, a.hub) == (b.served, b.paths, b.hub)
        assert a.fidelity == pytest.approx(b.fidelity, rel=1e-12)
        assert a.mean_waiting_time_s == pytest.approx(b.mean_waiting_time_s, rel=1e-12)
    # every link serves at most one request
    used = [name for r in analysis.requests for name in r.links]
    assert len(used) == len(set(used))
    assert all(r.served for r in analysis.requests)


def test_independent_allocation_analyses_each_request_alone():
    scenario = load_scenario(EXAMPLES / "smart-grid-qkd.yaml")
    shared = scenario.model_copy(
        update={
            "protocol": scenario.protocol.model_copy(update={"allocation": "independent"}),
            "requests": scenario.requests
            + (scenario.requests[0].model_copy(update={"name": "again"}),),
        }
    )
    analysis = analyse_scenario(shared)
    network, settings = build_network(shared), protocol_settings(shared)
    for figures, request in zip(analysis.requests, build_requests(shared), strict=True):
        alone = serve_requests(network, [request], settings).results[0]
        assert figures.served and figures.fidelity == pytest.approx(alone.fidelity, rel=1e-12)
    assert analysis.requests[0].delivery_rate_hz == pytest.approx(
        analysis.requests[2].delivery_rate_hz
    )
    exclusive = analyse_scenario(shared.model_copy(update={"protocol": scenario.protocol}))
    assert not exclusive.requests[2].served and "already serving" in exclusive.requests[2].reason


def test_key_rates_are_the_path_reports(metro):
    _, analysis = metro
    (qkd,) = [r for r in analysis.requests if r.kind == "qkd"]
    report = qkd.result.path_reports[0]
    app = qkd.application
    assert isinstance(app, QKDFigures)
    assert app.bb84_key_rate_bps == pytest.approx(report.key_rate_bps(bb84_key_fraction), rel=1e-12)
    assert app.six_state_key_rate_bps == pytest.approx(
        report.key_rate_bps(six_state_key_fraction), rel=1e-12
    )
    assert app.required_key_rate_bps == 256 / 0.25  # AES-GCM-256, a new key every 0.25 s
    assert app.sufficient == (app.bb84_key_rate_bps >= 1024)
    assert app.shortest_rekey_interval_s == pytest.approx(256 / app.bb84_key_rate_bps)
    assert app.one_time_pad_coverage == pytest.approx(app.bb84_key_rate_bps / 16000)


def test_qsm_figures_against_the_metrology_summary_and_an_explicit_qfi(metro):
    scenario, analysis = metro
    (qsm,) = [r for r in analysis.requests if r.kind == "secure_sensing"]
    app = qsm.application
    assert isinstance(app, QSMFigures)
    spec = scenario.requests[1]
    link = werner_state(app.werner_parameter)
    summary = summarise(
        QSMProtocol(spec.pairs, spec.p_encode, spec.n_encodings, 0.1, link_state=link,
                    attack=spec.attack, attacked=spec.attacked)
    )  # fmt: skip
    assert app.qcrb == pytest.approx(summary.noisy_qcrb, rel=1e-12)
    assert app.sql == pytest.approx(summary.sql, rel=1e-12)
    assert app.detection_probability == pytest.approx(summary.detection_derived, rel=1e-12)
    assert app.detection_probability_eq7 == pytest.approx(summary.detection_eq7, rel=1e-12)
    assert app.false_abort_probability == pytest.approx(summary.false_abort, rel=1e-12)
    assert app.false_abort_at_threshold <= spec.false_abort_target < app.false_abort_probability
    # QFI per encoded pair from the explicit state: generator N |1><1| on Bob's qubit
    n = spec.n_encodings
    generator = np.kron(np.eye(2), np.diag([0.0, n]))
    assert app.qfi == pytest.approx(quantum_fisher_information_unitary(link, generator), rel=1e-9)
    assert app.time_per_run_s == pytest.approx(spec.pairs * qsm.mean_waiting_time_s, rel=1e-12)


def test_ghz_qfi_against_the_explicit_noisy_ghz_state(metro):
    _, analysis = metro
    (ghz,) = [r for r in analysis.requests if r.kind == "ghz_sensing"]
    app = ghz.application
    assert isinstance(app, GHZFigures)
    k = app.sensors
    ket = ghz_ket(k)
    rho = (
        app.white_noise_weight * np.outer(ket, ket.conj())
        + (1 - app.white_noise_weight) * np.eye(2**k) / 2**k
    )
    assert np.real(ket.conj() @ rho @ ket) == pytest.approx(ghz.fidelity, rel=1e-12)
    ones = np.array([bin(i).count("1") for i in range(2**k)], dtype=float)  # sum_j |1><1|_j
    assert app.qfi == pytest.approx(
        quantum_fisher_information_unitary(rho, np.diag(ones)), rel=1e-9
    )
    assert app.qfi_sql < app.qfi < app.qfi_heisenberg
    assert app.states_per_s == pytest.approx(1 / ghz.mean_waiting_time_s, rel=1e-12)


def test_clock_sync_gives_pairs_and_says_what_is_missing(metro):
    _, analysis = metro
    (clock,) = [r for r in analysis.requests if r.kind == "clock_sync"]
    assert isinstance(clock.application, ClockFigures)
    assert clock.application.pairs_per_s == pytest.approx(1 / clock.mean_waiting_time_s, rel=1e-12)
    assert "no clock-synchronisation application" in clock.application.note
    assert clock.links[-1] == "satellite"
