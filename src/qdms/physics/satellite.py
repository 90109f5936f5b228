"""Satellite-to-ground downlinks: geometry, diffraction, atmosphere, background photons.

A satellite at altitude ``h`` above the midpoint of two ground stations a
distance ``d`` apart (measured along the Earth's surface) sends one photon of
an entangled pair to each station (Khatri 2022, App. C.2, Fig. 12). The
model and its default optics are those of Khatri, Brady, Desporte, Bart and
Dowling, "Spooky action at a global distance", npj Quantum Inf. 7, 4 (2021)
(beam waist 2.5 cm, receiver radius 75 cm, 810 nm, zenith transmittance 0.5;
values read from the authors' ancillary code for arXiv:1912.06678).

Equations (Khatri 2022 numbering; the text lost them, re-derived here):

* (286) slant range ``L = sqrt(4 R (R + h) sin^2(d / 4R) + h^2)``;
* (268) zenith angle ``cos z = (h - 2 (R + h) sin^2(d / 4R)) / L``
  (equivalent to ``h/L - (L^2 - h^2) / (2 R L)``, written without cancellation);
* (264)-(266) diffraction ``eta_fs = 1 - exp(-2 r^2 / w(L)^2)``,
  ``w(L) = w0 sqrt(1 + (L / L_R)^2)``, ``L_R = pi w0^2 / lambda``;
* (267) atmosphere ``eta_atm = eta_zen^{sec z}`` for ``z < pi/2``; a satellite
  at or below a station's horizon gives ``eta_atm = 0`` (no link);
* (263) ``eta = eta_fs eta_atm``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_positive, check_probability, check_real_array

__all__ = ["SatelliteDownlink", "satellite_downlink"]


@dataclass(frozen=True)
class SatelliteDownlink:
    """One satellite-to-ground downlink (floats, or arrays when the inputs are arrays).

    Attributes
    ----------
    slant_range_km : distance from the satellite to the station, km.
    zenith_angle_rad : angle between the station's zenith and the satellite.
    diffraction_transmittance : ``eta_fs`` (eq. 264).
    atmospheric_transmittance : ``eta_atm`` (eq. 267); 0 below the horizon.
    transmittance : ``eta_fs * eta_atm`` (eq. 263).
    """

    slant_range_km: float | NDArray[np.float64]
    zenith_angle_rad: float | NDArray[np.float64]
    diffraction_transmittance: float | NDArray[np.float64]
    atmospheric_transmittance: float | NDArray[np.float64]
    transmittance: float | NDArray[np.float64]


def _out(a):
    return float(a) if np.ndim(a) == 0 else a


def satellite_downlink(
    ground_distance_km: float | ArrayLike,
    altitude_km: float | ArrayLike,
    *,
    earth_radius_km: float = 6378.0,
    beam_waist_m: float = 0.025,
    receiver_radius_m: float = 0.75,
    wavelength_m: float = 810e-9,
    zenith_transmittance: float = 0.5,
) -> SatelliteDownlink:
    """Downlink from a satellite above the midpoint of two stations (Khatri eq. 263-268, 286).

    Parameters
    ----------
    ground_distance_km : arc distance between the two ground stations, km, >= 0.
    altitude_km : satellite altitude, km, > 0. Broadcasts with the distance.
    earth_radius_km : Earth radius, km (API.md default 6378 km).
    beam_waist_m : initial beam waist ``w0``, m.
    receiver_radius_m : receiving aperture radius ``r``, m.
    wavelength_m : wavelength ``lambda``, m.
    zenith_transmittance : atmospheric transmittance at zenith, in [0, 1].

    Returns
    -------
    SatelliteDownlink for one of the two (identical) downlinks.

    Examples
    --------
    >>> link = satellite_downlink(0.0, 500.0)
    >>> round(link.slant_range_km, 6), round(link.zenith_angle_rad, 12)
    (500.0, 0.0)
    >>> round(link.transmittance, 6)
    0.020712
    >>> satellite_downlink([0.0, 2000.0], 1000.0).transmittance.round(6)
    array([0.005261, 0.0016  ])
    """
    d = check_real_array("ground_distance_km", ground_distance_km)
    h = check_real_array("altitude_km", altitude_km)
    if np.any(d < 0):
        raise ValueError(f"ground_distance_km must be >= 0, got {ground_distance_km!r}")
    if np.any(h <= 0):
        raise ValueError(f"altitude_km must be > 0, got {altitude_km!r}")
    r_e = check_positive("earth_radius_km", earth_radius_km)
    w0 = check_positive("beam_waist_m", beam_waist_m)
    rr = check_positive("receiver_radius_m", receiver_radius_m)
    lam = check_positive("wavelength_m", wavelength_m)
    eta_zen = check_probability("zenith_transmittance", zenith_transmittance)
    if np.any(d > np.pi * r_e):
        raise ValueError(
            f"ground_distance_km must be at most half the Earth's circumference, got {ground_distance_km!r}"
        )

    s2 = np.sin(d / (4.0 * r_e)) ** 2
    slant = np.sqrt(4.0 * r_e * (r_e + h) * s2 + h * h)
    cos_z = (h - 2.0 * (r_e + h) * s2) / slant
    zenith = np.arccos(np.clip(cos_z, -1.0, 1.0))

    rayleigh_m = np.pi * w0 * w0 / lam
    slant_m = slant * 1e3
    w2 = w0 * w0 * (1.0 + (slant_m / rayleigh_m) ** 2)
    eta_fs = -np.expm1(-2.0 * rr * rr / w2)
    visible = cos_z > 0
    sec = 1.0 / np.where(visible, cos_z, 1.0)
    eta_atm = np.where(visible, np.power(eta_zen, sec), 0.0)
    return SatelliteDownlink(
        slant_range_km=_out(slant),
        zenith_angle_rad=_out(zenith),
        diffraction_transmittance=_out(eta_fs),
        atmospheric_transmittance=_out(eta_atm),
        transmittance=_out(eta_fs * eta_atm),
    )
