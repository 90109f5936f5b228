"""Data of Khatri 2022, Figs. 13-17: the satellite elementary link of App. C.2 and D.

The text lost the figures' parameter values (number of modes, background
photons, source rate); qdms's choices are in :data:`FIGURE_DEFAULTS` and are
printed on every plot. The optics are those of Khatri et al. 2021 (see
:mod:`qdms.physics.satellite`). Each function returns plain numpy arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..apps.qkd import bb84_key_fraction, chsh_value, di_key_fraction, qbers, six_state_key_fraction
from ..chains import (
    two_link_optimal_waiting_time,
    two_link_waiting_time,
    two_link_waiting_time_analytic,
)
from ..links import ElementaryLink, MemoryCutoff
from ..physics import (
    background_heralding,
    multiplexed_success_probability,
    satellite_downlink,
    satellite_link,
)

__all__ = [
    "FIGURE_DEFAULTS",
    "Fig10",
    "Fig13",
    "Fig14",
    "Fig15",
    "Fig16",
    "Fig17",
    "fig10_data",
    "fig13_data",
    "fig14_data",
    "fig15_data",
    "fig16_data",
    "fig17_data",
]

#: Parameters qdms uses where Khatri's text lost them (documented choices).
FIGURE_DEFAULTS = {
    "altitudes_km": (500.0, 1000.0, 1500.0, 2000.0),
    "ground_distance_km": (0.0, 3000.0),
    "modes": 1000,
    "background_photons": 1e-4,
    "source_rate_hz": 1e9,
    "coherence_time_s": 1.0,
}


def _default(name: str, value):
    """``value``, or qdms's documented choice for the parameter the text lost."""
    return FIGURE_DEFAULTS[name] if value is None else value


def _distances(points: int = 121) -> NDArray[np.float64]:
    lo, hi = FIGURE_DEFAULTS["ground_distance_km"]
    return np.linspace(lo, hi, points)


def _heralding(distances, altitudes, nbar):
    eta = satellite_downlink(
        np.asarray(distances)[None, :], np.asarray(altitudes)[:, None]
    ).transmittance
    return background_heralding(eta, eta, background_photons_a=nbar, background_photons_b=nbar)


@dataclass(frozen=True)
class Fig13:
    """Success probability with multiplexing and initial fidelity, shape (altitude, distance)."""

    ground_distance_km: NDArray[np.float64]
    altitude_km: NDArray[np.float64]
    success_probability: NDArray[np.float64]
    fidelity: NDArray[np.float64]
    modes: int
    background_photons: float


def fig13_data(
    ground_distance_km: Sequence[float] | None = None,
    altitudes_km: Sequence[float] | None = None,
    *,
    modes: int | None = None,
    background_photons: float | None = None,
) -> Fig13:
    """Khatri Fig. 13: ``1 - (1 - p)^M`` (eq. 283 with Remark C.2) and ``F`` (eq. 287) against distance.

    Examples
    --------
    >>> data = fig13_data([0.0, 1000.0], [500.0])
    >>> data.success_probability.shape
    (1, 2)
    """
    d = _distances() if ground_distance_km is None else np.asarray(ground_distance_km, float)
    h = np.asarray(_default("altitudes_km", altitudes_km), float)
    m = _default("modes", modes)
    nbar = _default("background_photons", background_photons)
    pair = _heralding(d, h, nbar)
    return Fig13(
        d, h, multiplexed_success_probability(pair.success_probability, m), pair.fidelity, m, nbar
    )


@dataclass(frozen=True)
class Fig14:
    """Fidelity where the heralded state is entangled (Prop. C.4), shape (nbar, altitude, distance)."""

    ground_distance_km: NDArray[np.float64]
    altitude_km: NDArray[np.float64]
    background_photons: NDArray[np.float64]
    fidelity: NDArray[np.float64]
    entangled: NDArray[np.bool_]


def fig14_data(
    ground_distance_km: Sequence[float] | None = None,
    altitudes_km: Sequence[float] | None = None,
    background_photons: Sequence[float] = (1e-5, 1e-4, 1e-3),
) -> Fig14:
    """Khatri Fig. 14: the region of (distance, altitude) where the link is entangled, for several ``nbar``.

    Examples
    --------
    >>> fig14_data([0.0, 2000.0], [500.0, 1000.0], [1e-4]).entangled.shape
    (1, 2, 2)
    """
    d = _distances(151) if ground_distance_km is None else np.asarray(ground_distance_km, float)
    h = np.linspace(300.0, 3000.0, 136) if altitudes_km is None else np.asarray(altitudes_km, float)
    n = np.asarray(background_photons, float)
    pairs = [_heralding(d, h, nbar) for nbar in n]
    return Fig14(
        d,
        h,
        n,
        np.stack([p.fidelity for p in pairs]),
        np.stack([p.entangled for p in pairs]),
    )


@dataclass(frozen=True)
class Fig15:
    """Secret-key rates in bits/s of BB84, six-state and DI, shape (altitude, distance)."""

    ground_distance_km: NDArray[np.float64]
    altitude_km: NDArray[np.float64]
    bb84: NDArray[np.float64]
    six_state: NDArray[np.float64]
    device_independent: NDArray[np.float64]
    source_rate_hz: float


def fig15_data(
    ground_distance_km: Sequence[float] | None = None,
    altitudes_km: Sequence[float] | None = None,
    *,
    background_photons: float | None = None,
    source_rate_hz: float | None = None,
) -> Fig15:
    """Khatri Fig. 15: key rates ``R p K`` (eq. 303-305) of the heralded satellite pair.

    DI uses the key-basis error rate ``Q_Z`` and the largest CHSH value the
    state allows (documented choice; the text lost it).

    Examples
    --------
    >>> data = fig15_data([0.0], [500.0])
    >>> bool(data.six_state[0, 0] >= data.bb84[0, 0] >= data.device_independent[0, 0] > 0)
    True
    """
    d = _distances() if ground_distance_km is None else np.asarray(ground_distance_km, float)
    h = np.asarray(_default("altitudes_km", altitudes_km), float)
    nbar = _default("background_photons", background_photons)
    rate = _default("source_rate_hz", source_rate_hz)
    pair = _heralding(d, h, nbar)
    shape = pair.success_probability.shape
    q = pair.bell_coefficients.reshape(-1, 4)
    bb84 = np.array([bb84_key_fraction(v) for v in q]).reshape(shape)
    six = np.array([six_state_key_fraction(v) for v in q]).reshape(shape)
    di = np.array([di_key_fraction(qbers(v)[2], chsh_value(v)) for v in q]).reshape(shape)
    p = pair.success_probability
    return Fig15(d, h, rate * p * bb84, rate * p * six, rate * p * di, rate)


@dataclass(frozen=True)
class Fig16:
    """``V_t``, activity and fidelity against ``t`` for each (distance, altitude) case."""

    t: NDArray[np.int64]
    cases: tuple[tuple[float, float], ...]
    value: NDArray[np.float64]
    activity: NDArray[np.float64]
    fidelity: NDArray[np.float64]
    optimal_time: NDArray[np.int64]


def fig16_data(
    cases: Sequence[tuple[float, float]] = ((500.0, 500.0), (1000.0, 500.0), (1500.0, 1000.0)),
    *,
    t_max: int = 400,
    modes: int | None = None,
    background_photons: float | None = None,
    coherence_time_s: float | None = None,
) -> Fig16:
    """Khatri Fig. 16: ``V_t``, ``Pr[active]`` and ``F_t`` under the never-discard policy (eq. 38-40, 333).

    Each case is ``(ground_distance_km, altitude_km)``. As in the paper's
    ``t* = infinity`` curves the memory is never forced to discard within the
    plotted window (``m* = t_max``), while the stored pair decays with the
    coherence time (eq. 310-319).

    Examples
    --------
    >>> data = fig16_data(((1000.0, 500.0),), t_max=50)
    >>> data.value.shape, int(data.optimal_time[0]) >= 1
    ((1, 50), True)
    """
    m = _default("modes", modes)
    nbar = _default("background_photons", background_photons)
    tc = _default("coherence_time_s", coherence_time_s)
    t = np.arange(1, t_max + 1)
    values, activity, fidelity, best = [], [], [], []
    for d, h in cases:
        phys = satellite_link(
            d, h, background_photons=nbar, modes=m, coherence_time_s=tc, max_storage_steps=t_max
        )
        link = ElementaryLink.from_physics(phys)
        policy = MemoryCutoff(None)
        v = link.value(t, policy)
        a = link.activity_probability(t, policy)
        values.append(v)
        activity.append(a)
        fidelity.append(v / a)
        best.append(link.optimal_time(policy, max_time=t_max)[0])
    return Fig16(
        t, tuple(cases), np.array(values), np.array(activity), np.array(fidelity), np.array(best)
    )


@dataclass(frozen=True)
class Fig17:
    """Backward-recursion optimum at the horizon, shape (altitude, distance)."""

    ground_distance_km: NDArray[np.float64]
    altitude_km: NDArray[np.float64]
    horizon: int
    value: NDArray[np.float64]
    activity: NDArray[np.float64]
    fidelity: NDArray[np.float64]


def fig17_data(
    ground_distance_km: Sequence[float] | None = None,
    altitudes_km: Sequence[float] | None = None,
    *,
    horizon: int = 5,
    modes: int | None = None,
    background_photons: float | None = None,
    coherence_time_s: float | None = None,
) -> Fig17:
    """Khatri Fig. 17: optimal ``V_t`` (Theorem II.1) and its activity and fidelity, with multiplexing.

    Examples
    --------
    >>> data = fig17_data([500.0, 1500.0], [500.0], horizon=3)
    >>> data.value.shape
    (1, 2)
    """
    d = (
        np.linspace(100.0, 3000.0, 59)
        if ground_distance_km is None
        else np.asarray(ground_distance_km, float)
    )
    h = np.asarray(_default("altitudes_km", altitudes_km), float)
    m = _default("modes", modes)
    nbar = _default("background_photons", background_photons)
    tc = _default("coherence_time_s", coherence_time_s)
    value = np.empty((h.size, d.size))
    activity = np.empty_like(value)
    for i, alt in enumerate(h):
        for j, dist in enumerate(d):
            phys = satellite_link(dist, alt, background_photons=nbar, modes=m, coherence_time_s=tc)
            link = ElementaryLink.from_physics(phys)
            v, decisions = link.optimal_policy(horizon)
            _, act = link.schedule_values(decisions)
            value[i, j] = v
            activity[i, j] = act[-1]
    fidelity = np.divide(value, activity, out=np.zeros_like(value), where=activity > 0)
    return Fig17(d, h, horizon, value, activity, fidelity)


@dataclass(frozen=True)
class Fig10:
    """Two-link waiting times: LP optimum (Theorem V.3) and the analytic formula (eq. 124), plus asymmetric links."""

    p: NDArray[np.float64]
    p_swap: NDArray[np.float64]
    memory_steps: int
    lp: NDArray[np.float64]
    analytic: NDArray[np.float64]
    asymmetric_p2: NDArray[np.float64]
    asymmetric_cases: tuple[tuple[float, int, int], ...]
    asymmetric: NDArray[np.float64]


def fig10_data(
    p: Sequence[float] | None = None,
    p_swap: Sequence[float] = (0.25, 0.5, 0.75, 1.0),
    *,
    memory_steps: int = 10,
    asymmetric_cases: Sequence[tuple[float, int, int]] = (
        (0.2, 10, 10),
        (0.2, 10, 2),
        (0.2, 2, 10),
    ),
) -> Fig10:
    """Khatri Fig. 10: the LP of Theorem V.3 against eq. 124 (``m* = t* = memory_steps``), and what eq. 124 cannot do.

    The second part fixes ``p1`` and the cutoffs ``(t1, t2)`` of each case
    ``(p1, t1, t2)``, varies ``p2`` and gives the exact waiting time of the
    cutoff policy (absorbing chain, ``p_swap = 0.5``): asymmetric links, for
    which the symmetric formula has no answer.

    Examples
    --------
    >>> data = fig10_data([0.3, 0.6], (1.0,), memory_steps=3, asymmetric_cases=((0.2, 3, 1),))
    >>> bool(np.allclose(data.lp, data.analytic))
    True
    """
    p_arr = np.linspace(0.05, 1.0, 20) if p is None else np.asarray(p, float)
    ps = np.asarray(p_swap, float)
    lp = np.empty((ps.size, p_arr.size))
    analytic = np.empty_like(lp)
    for i, s in enumerate(ps):
        for j, q in enumerate(p_arr):
            lp[i, j] = two_link_optimal_waiting_time(q, q, s, memory_steps, memory_steps)[0]
            analytic[i, j] = two_link_waiting_time_analytic(q, s, memory_steps)
    p2 = p_arr
    cases = tuple((float(a), int(b), int(c)) for a, b, c in asymmetric_cases)
    asym = np.array(
        [[two_link_waiting_time(p1, q, 0.5, t1, t2) for q in p2] for p1, t1, t2 in cases]
    )
    return Fig10(p_arr, ps, memory_steps, lp, analytic, p2, cases, asym)
