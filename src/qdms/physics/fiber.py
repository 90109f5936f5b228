"""Optical fiber: transmittance, attenuation in dB, propagation delay, link time step.

References
----------
Khatri, AVS Quantum Sci. 4, 030501 (2022), App. C.1: a pure-loss channel of
transmittance ``eta = exp(-L / L0)``; ``L0 = 22 km`` is 0.2 dB/km.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_nonnegative, check_positive, check_real_array

__all__ = [
    "SPEED_OF_LIGHT_KM_PER_S",
    "attenuation_length_km",
    "fiber_loss_db",
    "fiber_propagation_delay_s",
    "fiber_transmittance",
    "fiber_transmittance_db",
    "round_trip_time_step_s",
]

#: Speed of light in vacuum, km/s (exact by the definition of the metre).
SPEED_OF_LIGHT_KM_PER_S = 299_792.458

#: Group index of standard single-mode fiber (SMF-28) at 1550 nm.
DEFAULT_GROUP_INDEX = 1.4682


def _lengths(length_km: float | ArrayLike, name: str = "length_km"):
    arr = check_real_array(name, length_km)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0, got {length_km!r}")
    return arr


def _out(arr):
    return float(arr) if np.ndim(arr) == 0 else arr


def fiber_transmittance(length_km: float | ArrayLike, *, attenuation_length_km: float = 22.0):
    """Transmittance of an optical fiber, ``eta = exp(-L / L0)`` (Khatri App. C.1).

    Parameters
    ----------
    length_km : fiber length in km, >= 0 (float or array).
    attenuation_length_km : ``L0`` in km, > 0 (22 km is 0.2 dB/km).

    Returns
    -------
    float or array, in (0, 1].

    Examples
    --------
    >>> round(fiber_transmittance(22.0), 12)
    0.367879441171
    >>> fiber_transmittance([0.0, 44.0]).round(6)
    array([1.      , 0.135335])
    """
    lengths = _lengths(length_km)
    l0 = check_positive("attenuation_length_km", attenuation_length_km)
    return _out(np.exp(-lengths / l0))


def attenuation_length_km(loss_db_per_km: float) -> float:
    """Attenuation length ``L0 = 10 / (alpha ln 10)`` of a fiber with loss ``alpha`` dB/km.

    Examples
    --------
    >>> round(attenuation_length_km(0.2), 4)
    21.7147
    """
    alpha = check_positive("loss_db_per_km", loss_db_per_km)
    return 10.0 / (alpha * math.log(10.0))


def fiber_transmittance_db(length_km: float | ArrayLike, *, loss_db_per_km: float = 0.2):
    """Transmittance ``10^(-alpha L / 10)`` of a fiber with loss ``alpha`` dB/km.

    Examples
    --------
    >>> fiber_transmittance_db(50.0)
    0.1
    """
    lengths = _lengths(length_km)
    alpha = check_nonnegative("loss_db_per_km", loss_db_per_km)
    return _out(10.0 ** (-alpha * lengths / 10.0))


def fiber_loss_db(transmittance: float | ArrayLike):
    """Loss in dB, ``-10 log10(eta)``, of a channel of transmittance ``eta`` in (0, 1].

    Examples
    --------
    >>> fiber_loss_db(0.01)
    20.0
    """
    eta = check_real_array("transmittance", transmittance)
    if np.any((eta <= 0) | (eta > 1)):
        raise ValueError(f"transmittance must lie in (0, 1], got {transmittance!r}")
    return _out(-10.0 * np.log10(eta))


def fiber_propagation_delay_s(
    length_km: float | ArrayLike, *, group_index: float = DEFAULT_GROUP_INDEX
):
    """One-way propagation delay ``L n / c`` in seconds (about 4.9 us per km).

    Examples
    --------
    >>> round(fiber_propagation_delay_s(1.0) * 1e6, 3)
    4.897
    """
    lengths = _lengths(length_km)
    n = check_positive("group_index", group_index)
    return _out(lengths * n / SPEED_OF_LIGHT_KM_PER_S)


def round_trip_time_step_s(distance_km: float | ArrayLike, *, group_index: float = 1.0):
    """Time step of an elementary link: the classical round trip ``2 L n / c`` between its nodes.

    A heralded attempt needs at least this long before the nodes know its
    outcome (Khatri App. D.2). ``group_index = 1`` is free space (the
    satellite example); use :data:`DEFAULT_GROUP_INDEX` for fiber.

    Examples
    --------
    >>> round(round_trip_time_step_s(300.0) * 1e3, 6)   # 300 km in free space
    2.001385
    """
    lengths = _lengths(distance_km, "distance_km")
    n = check_positive("group_index", group_index)
    return _out(2.0 * lengths * n / SPEED_OF_LIGHT_KM_PER_S)
