import numpy as np
import pytest

from qdms.physics import (
    LinkPhysics,
    background_heralding,
    fiber_link,
    fiber_transmittance,
    memory_fidelities,
    multiplexed_success_probability,
    satellite_downlink,
    satellite_link,
)
from qdms.quantum import (
    amplitude_damping_kraus,
    apply_channel,
    fidelity,
    max_entangled_ket,
    random_density_matrix,
    werner_state,
)


def test_memory_fidelities_general_state_against_channel(rng):
    # A non-Bell-diagonal state: the closed form must equal repeated damping of the density matrix.
    rho = random_density_matrix(4, rng)
    dt, tc = 0.05, 0.2
    gamma = 1 - np.exp(-dt / tc)
    f = memory_fidelities(rho, time_step_s=dt, coherence_time_s=tc)
    assert len(f) == 5  # m* = floor(0.2 / 0.05) = 4
    state = rho
    for m in range(5):
        assert f[m] == pytest.approx(fidelity(max_entangled_ket(), state), rel=1e-10)
        state = apply_channel(
            apply_channel(state, amplitude_damping_kraus(gamma), [0], [2, 2]),
            amplitude_damping_kraus(gamma),
            [1],
            [2, 2],
        )


def test_memory_noise_options_start_at_initial_fidelity():
    for noise in ("amplitude_damping", "dephasing", "depolarising"):
        f = memory_fidelities(
            werner_state(0.8), time_step_s=1.0, coherence_time_s=10.0, noise=noise
        )
        assert f[0] == pytest.approx(0.85)
        assert np.all(np.diff(f) <= 1e-15)
    with pytest.raises(ValueError, match="noise must be"):
        memory_fidelities(
            werner_state(0.8), time_step_s=1.0, coherence_time_s=10.0, noise="bitflip"
        )


def test_fiber_link_composition():
    link = fiber_link(40.0, modes=10, coherence_time_s=0.01, source_fidelity=0.95)
    eta = fiber_transmittance(20.0)
    assert isinstance(link, LinkPhysics)
    assert link.success_probability == pytest.approx(multiplexed_success_probability(eta * eta, 10))
    assert link.fidelities[0] == pytest.approx(0.95)
    assert link.time_step_s == pytest.approx(2 * 40.0 * 1.4682 / 299792.458)
    assert link.max_storage_steps == int(0.01 / link.time_step_s)


def test_satellite_link_composition():
    link = satellite_link(1200.0, 800.0, background_photons=1e-4, modes=100)
    eta = satellite_downlink(1200.0, 800.0).transmittance
    pair = background_heralding(eta, eta, background_photons_a=1e-4, background_photons_b=1e-4)
    assert link.success_probability == pytest.approx(
        multiplexed_success_probability(pair.success_probability, 100)
    )
    assert link.fidelities[0] == pytest.approx(pair.fidelity)
    assert link.time_step_s == pytest.approx(2 * 1200.0 / 299792.458)


def test_infinite_coherence_needs_a_bound():
    with pytest.raises(ValueError, match="max_storage_steps"):
        fiber_link(10.0, coherence_time_s=float("inf"))
    link = fiber_link(10.0, coherence_time_s=float("inf"), max_storage_steps=5)
    assert np.allclose(link.fidelities, 1.0)
