"""Figure data of Khatri Figs. 13-17 against independent computations."""

import numpy as np
import pytest

from qdms.figures import fig13_data, fig14_data, fig15_data, fig16_data, fig17_data
from qdms.figures.render import render_figure
from qdms.links import ElementaryLink, MemoryCutoff
from qdms.physics import satellite_link
from tests.physics.test_background import brute_force
from tests.physics.test_satellite import geometry_by_vectors


def transmittance_by_hand(d, h):
    slant, zenith = geometry_by_vectors(d, h, 6378.0)
    w2 = 0.025**2 * (1 + (slant * 1e3 * 810e-9 / (np.pi * 0.025**2)) ** 2)
    return (1 - np.exp(-2 * 0.75**2 / w2)) * 0.5 ** (1 / np.cos(zenith))


@pytest.mark.parametrize("d,h", [(0.0, 500.0), (1200.0, 1000.0), (2500.0, 1500.0)])
def test_fig13_point_against_fock_simulation(d, h):
    data = fig13_data([d], [h], modes=500, background_photons=2e-4)
    eta = transmittance_by_hand(d, h)
    p, rho = brute_force(eta, eta, 2e-4, 2e-4, np.array([1.0, 0, 0, 0]), 0.0)
    assert data.success_probability[0, 0] == pytest.approx(1 - (1 - p) ** 500, rel=1e-9)
    assert data.fidelity[0, 0] == pytest.approx(
        np.real(rho[0, 0] + rho[3, 3] + 2 * rho[0, 3]) / 2, rel=1e-9
    )


def test_fig14_region_is_ppt_region():
    data = fig14_data([0.0, 1500.0, 3000.0], [500.0, 2000.0], [1e-4, 1e-3])
    for k, nbar in enumerate(data.background_photons):
        for i, h in enumerate(data.altitude_km):
            for j, d in enumerate(data.ground_distance_km):
                eta = transmittance_by_hand(d, h)
                _, rho = brute_force(eta, eta, nbar, nbar, np.array([1.0, 0, 0, 0]), 0.0)
                pt = rho.reshape(2, 2, 2, 2).transpose(0, 3, 2, 1).reshape(4, 4)  # transpose on B
                assert data.entangled[k, i, j] == (np.linalg.eigvalsh(pt)[0] < 0)
    assert data.entangled.any() and not data.entangled.all()


def test_fig15_rates_and_ordering():
    data = fig15_data([0.0, 1000.0, 2000.0], [500.0, 1000.0])
    assert np.all(data.six_state >= data.bb84 - 1e-12)
    assert np.all(data.bb84 >= data.device_independent - 1e-12)
    assert data.bb84[0, 0] > 0


def test_fig16_matches_geometric_sum_closed_form():
    # Never-discard policy, infinite memory: V_t = sum_{m<t} p (1-p)^{t-1-m} f(m) with
    # f(m) = 1/2 + (y - 1)/2 r^m + x/2 r^{2m} (amplitude damping of a Bell-diagonal pair with
    # equal Psi weights; x = q_Phi+ + q_Phi-, y = q_Phi+ - q_Phi-, r = exp(-dt / t_coh)).
    d, h = 1000.0, 500.0
    data = fig16_data(((d, h),), t_max=120)
    phys = satellite_link(
        d, h, background_photons=1e-4, modes=1000, coherence_time_s=1.0, max_storage_steps=120
    )
    p = phys.success_probability
    rho = phys.state
    x = np.real(rho[0, 0] + rho[3, 3])
    y = 2 * np.real(rho[0, 3])
    r = np.exp(-phys.time_step_s / 1.0)
    t = np.arange(1, 121)
    qq = 1 - p

    def geometric(ratio):
        return p * (qq**t - ratio**t) / (qq - ratio)

    closed = 0.5 * (1 - qq**t) + (y - 1) / 2 * geometric(r) + x / 2 * geometric(r * r)
    assert np.allclose(data.value[0], closed, rtol=1e-10)
    assert np.allclose(data.activity[0], 1 - qq**t, rtol=1e-12)
    assert data.optimal_time[0] == int(np.argmax(closed)) + 1


def test_fig17_optimum_dominates_cutoffs_and_crossing():
    data = fig17_data([300.0, 2200.0], [500.0, 1000.0], horizon=4)
    for i, h in enumerate(data.altitude_km):
        for j, d in enumerate(data.ground_distance_km):
            link = ElementaryLink.from_physics(
                satellite_link(d, h, background_photons=1e-4, modes=1000)
            )
            best_cutoff = max(
                link.value(4, MemoryCutoff(c)) for c in [*range(min(link.m_star, 6) + 1), None]
            )
            assert data.value[i, j] >= best_cutoff - 1e-12
            assert 0 <= data.fidelity[i, j] <= 1
    # Khatri App. D.4: far apart, the higher satellite wins (the success curves cross near 1700 km).
    assert data.value[1, 1] > data.value[0, 1]
    assert data.value[0, 0] > data.value[1, 0]


def test_render_writes_files(tmp_path):
    paths = render_figure("khatri_fig16", tmp_path)
    assert {p.suffix for p in paths} == {".png", ".svg", ".csv"}
    assert all(p.stat().st_size > 1000 for p in paths)
    with pytest.raises(ValueError, match="unknown figure"):
        render_figure("fig99", tmp_path)


def test_fig10_lp_equals_formula_and_asymmetric_curves_are_exact():
    from qdms.figures import fig10_data
    from qdms.network import collective_waiting_time

    data = fig10_data([0.1, 0.5, 0.9], (0.3, 1.0), memory_steps=5, asymmetric_cases=((0.2, 5, 1),))
    assert np.allclose(data.lp, data.analytic, rtol=1e-9)
    expected = [collective_waiting_time([0.2, q], [5, 1]) / 0.5 for q in data.asymmetric_p2]
    assert np.allclose(data.asymmetric[0], expected, rtol=1e-10)
