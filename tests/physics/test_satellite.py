"""Satellite geometry and transmittance against an independent 3-D vector construction."""

import numpy as np
import pytest

from qdms.physics.satellite import satellite_downlink


def geometry_by_vectors(d_km, h_km, r_km):
    """Stations on a great circle at +-d/2 (arc), satellite above the midpoint: vectors in km."""
    half = d_km / (2 * r_km)
    station = r_km * np.array([np.sin(half), np.cos(half)])
    sat = np.array([0.0, r_km + h_km])
    los = sat - station
    slant = np.linalg.norm(los)
    zenith = np.arccos(np.dot(los, station) / (slant * r_km))
    return slant, zenith


@pytest.mark.parametrize(
    "d,h", [(0.0, 500.0), (1000.0, 500.0), (2500.0, 1000.0), (4000.0, 2000.0), (300.0, 10000.0)]
)
def test_geometry_matches_vectors(d, h):
    link = satellite_downlink(d, h)
    slant, zenith = geometry_by_vectors(d, h, 6378.0)
    assert link.slant_range_km == pytest.approx(slant, rel=1e-12)
    assert link.zenith_angle_rad == pytest.approx(zenith, rel=1e-9, abs=1e-12)


def test_transmittance_formula_by_hand():
    # Gaussian beam: w(L)^2 = w0^2 (1 + (L lambda / (pi w0^2))^2), eta_fs = 1 - exp(-2 r^2 / w^2).
    d, h = 1500.0, 800.0
    link = satellite_downlink(d, h, earth_radius_km=6371.0)
    slant, zenith = geometry_by_vectors(d, h, 6371.0)
    w0, r, lam = 0.025, 0.75, 810e-9
    w2 = w0**2 * (1 + (slant * 1e3 * lam / (np.pi * w0**2)) ** 2)
    eta_fs = 1 - np.exp(-2 * r**2 / w2)
    eta_atm = 0.5 ** (1 / np.cos(zenith))
    assert link.diffraction_transmittance == pytest.approx(eta_fs, rel=1e-12)
    assert link.atmospheric_transmittance == pytest.approx(eta_atm, rel=1e-9)
    assert link.transmittance == pytest.approx(eta_fs * eta_atm, rel=1e-9)


def test_published_crossing_near_1700_km():
    # Khatri App. D.4: success probabilities for h = 500 km and 1000 km cross at about 1700 km
    # (with the optics of Khatri et al. 2021; here eta^2 is the two-photon success probability).
    d = np.linspace(1500.0, 1900.0, 4001)
    diff = satellite_downlink(d, 500.0).transmittance - satellite_downlink(d, 1000.0).transmittance
    crossing = d[np.argmin(np.abs(diff))]
    assert 1650.0 < crossing < 1720.0


def test_below_horizon_gives_zero():
    link = satellite_downlink(12000.0, 500.0)
    assert link.zenith_angle_rad > np.pi / 2
    assert link.atmospheric_transmittance == 0.0 and link.transmittance == 0.0


def test_vectorised():
    link = satellite_downlink(np.array([0.0, 1000.0]), np.array([[500.0], [1000.0]]))
    assert link.transmittance.shape == (2, 2)
    assert link.transmittance[0, 0] == pytest.approx(satellite_downlink(0.0, 500.0).transmittance)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"ground_distance_km": -1.0, "altitude_km": 500.0}, "ground_distance_km must be >= 0"),
        ({"ground_distance_km": 10.0, "altitude_km": 0.0}, "altitude_km must be > 0"),
        (
            {"ground_distance_km": 10.0, "altitude_km": 500.0, "zenith_transmittance": 1.5},
            "zenith_transmittance",
        ),
        ({"ground_distance_km": 10.0, "altitude_km": 500.0, "beam_waist_m": 0.0}, "beam_waist_m"),
    ],
)
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        satellite_downlink(**kwargs)
