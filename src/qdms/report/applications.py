"""What each request's delivered entanglement is worth to its application.

Models (stated in the report):

* The delivered Bell pair is the Werner state of its delivered fidelity (API.md:
  swapping multiplies Werner parameters, so :func:`qdms.network.analyse_path`
  gives exactly that state's Werner parameter).
* QKD (Khatri eq. 100-102): ``rate = K(F) p_deliver / E[time per delivery]``
  secret bits per second, ``K`` the asymptotic BB84 or six-state key fraction
  (:mod:`qdms.apps.qkd`). Key needed: a one-time pad uses one key bit per data
  bit, so it needs ``data_rate_bps``; AES-GCM needs one fresh ``aes_key_bits``
  key every ``rekey_interval_s`` (the data rate does not matter while each key
  encrypts far fewer than 2^32 blocks). The request is met when the BB84 rate
  (the smaller, more conservative one) reaches the need.
* Secure sensing (Rahim et al. 2023) over pairs of Werner parameter ``w``: QFI per
  encoded pair ``2 w^2 N^2/(1+w)``, QCRB ``1/(P_E l F_Q)``, SQL ``1/(l N)``;
  detection probability of the stated attack (derived closed forms, exact for
  ideal links and abort threshold 0; a threshold above 0 lets Eve hide among the
  honest errors), honest false-abort probability over the noisy pairs, and the
  smallest abort threshold keeping it below the target.
* GHZ sensing: the delivered ``K``-qubit state is modelled as a GHZ state with
  white noise of the same fidelity, ``w |GHZ><GHZ| + (1 - w) I/2^K``; each sensor
  encodes a common phase once, and the QFI is ``K^2 w^2/(w + (1-w)/2^(K-1))``
  (:func:`qdms.apps.metrology.ghz_qfi_matrix`), against ``K`` for the same
  sensors with unentangled qubits (SQL) and ``K^2`` for a perfect GHZ state.
* Clock synchronisation: the Bell-pair rate and fidelity only; qdms has no
  clock-synchronisation application yet, so no timing figures are given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..apps.metrology import (
    TradeoffCurve,
    abort_threshold_for_false_abort,
    advantage_threshold,
    attack_detection_probability,
    best_encoding_probability,
    detection_probability,
    false_abort_probability,
    ghz_qfi_matrix,
    noisy_qcrb,
    qcrb,
    quantum_fisher_information,
    standard_quantum_limit,
    tradeoff_curve,
)
from ..apps.qkd import bb84_key_fraction, six_state_key_fraction
from ..quantum import werner_parameter_from_fidelity, werner_state

__all__ = [
    "CLOCK_NOTE",
    "ApplicationFigures",
    "ClockFigures",
    "GHZFigures",
    "QKDFigures",
    "QSMFigures",
    "application_figures",
    "ghz_white_noise_weight",
    "werner_bell_coefficients",
]

CLOCK_NOTE = (
    "qdms has no clock-synchronisation application yet: the report gives the rate and "
    "fidelity of the Bell pairs delivered for it, not timing accuracy or TDEV."
)


def werner_bell_coefficients(werner: float) -> np.ndarray:
    """Bell coefficients ``[Phi+, Psi+, Phi-, Psi-]`` of the Werner state ``w Phi+ + (1-w) I/4``."""
    rest = (1.0 - werner) / 4.0
    return np.array([werner + rest, rest, rest, rest])


@dataclass(frozen=True)
class QKDFigures:
    """Key rates of a virtual link and what the data needs (bits per second)."""

    bb84_key_fraction: float
    six_state_key_fraction: float
    bb84_key_rate_bps: float
    six_state_key_rate_bps: float
    data_rate_bps: float | None
    encryption: str
    aes_key_bits: int
    rekey_interval_s: float
    required_key_rate_bps: float | None
    margin: float | None
    sufficient: bool | None
    shortest_rekey_interval_s: float | None
    one_time_pad_coverage: float | None


@dataclass(frozen=True)
class QSMFigures:
    """Quantum secure metrology over the delivered pairs (variances in rad^2, QFI in rad^-2)."""

    werner_parameter: float
    pairs: int
    p_encode: float
    n_encodings: int
    qfi_ideal: float
    qfi: float
    qcrb_ideal: float
    qcrb: float
    sql: float
    quantum_advantage: bool
    advantage_threshold_p_encode: float
    attack: str
    attacked: int
    detection_probability: float
    detection_probability_eq7: float
    false_abort_probability: float
    false_abort_target: float
    suggested_abort_threshold: float
    false_abort_at_threshold: float
    required_detection: float | None
    best_p_encode: float | None
    best_p_encode_variance: float | None
    best_p_encode_note: str | None
    time_per_run_s: float
    curve: TradeoffCurve


@dataclass(frozen=True)
class GHZFigures:
    """Distributed phase sensing with the delivered GHZ state."""

    sensors: int
    fidelity: float
    white_noise_weight: float
    qfi: float
    qfi_sql: float
    qfi_heisenberg: float
    gain_over_sql_db: float
    states_per_s: float


@dataclass(frozen=True)
class ClockFigures:
    """Entanglement delivered for clock synchronisation."""

    pairs_per_s: float
    fidelity: float
    note: str = CLOCK_NOTE


ApplicationFigures = QKDFigures | QSMFigures | GHZFigures | ClockFigures


def ghz_white_noise_weight(fidelity: float, sensors: int) -> float:
    """``w`` with ``F = w + (1 - w)/2^K``: the GHZ weight of a white-noise state of fidelity F.

    Examples
    --------
    >>> ghz_white_noise_weight(1.0, 3), ghz_white_noise_weight(0.125, 3)
    (1.0, 0.0)
    """
    floor = 2.0**-sensors
    return (fidelity - floor) / (1.0 - floor)


def _qkd(spec: Any, werner: float, rate_hz: float) -> QKDFigures:
    q = werner_bell_coefficients(werner)
    k_bb84 = bb84_key_fraction(q)
    k_six = six_state_key_fraction(q)
    bb84 = k_bb84 * rate_hz
    six = k_six * rate_hz
    if spec.encryption == "aes_gcm":
        required = spec.aes_key_bits / spec.rekey_interval_s
    else:
        required = spec.data_rate_bps
    margin = None if required is None else bb84 / required
    return QKDFigures(
        bb84_key_fraction=k_bb84,
        six_state_key_fraction=k_six,
        bb84_key_rate_bps=bb84,
        six_state_key_rate_bps=six,
        data_rate_bps=spec.data_rate_bps,
        encryption=spec.encryption,
        aes_key_bits=spec.aes_key_bits,
        rekey_interval_s=spec.rekey_interval_s,
        required_key_rate_bps=required,
        margin=margin,
        sufficient=None if margin is None else bool(margin >= 1.0),
        shortest_rekey_interval_s=(spec.aes_key_bits / bb84 if bb84 > 0 else math.inf),
        one_time_pad_coverage=(None if spec.data_rate_bps is None else bb84 / spec.data_rate_bps),
    )


def _qsm(spec: Any, werner: float, rate_hz: float) -> QSMFigures:
    l_, pe, n = spec.pairs, spec.p_encode, spec.n_encodings
    w = max(werner, -1.0 / 3.0)
    state = werner_state(w)
    best = best_var = note = None
    if spec.required_detection is not None:
        try:
            point = best_encoding_probability(
                spec.required_detection, l_, n, attacked=spec.attacked, attack=spec.attack
            )
            best, best_var = (
                point.p_encode,
                float(noisy_qcrb(point.p_encode, l_, n, werner_parameter=w)),
            )
        except ValueError as exc:
            note = str(exc)
    fq = quantum_fisher_information(n, 0.0, werner_parameter=w)
    bound = float(noisy_qcrb(pe, l_, n, werner_parameter=w))
    sql = standard_quantum_limit(l_, n)
    threshold = abort_threshold_for_false_abort(l_, pe, spec.false_abort_target, link_state=state)
    return QSMFigures(
        werner_parameter=w,
        pairs=l_,
        p_encode=pe,
        n_encodings=n,
        qfi_ideal=float(n * n),
        qfi=float(fq),
        qcrb_ideal=float(qcrb(pe, l_, n)),
        qcrb=bound,
        sql=sql,
        quantum_advantage=bool(bound < sql),
        advantage_threshold_p_encode=advantage_threshold(n, werner_parameter=w),
        attack=spec.attack,
        attacked=spec.attacked,
        detection_probability=float(attack_detection_probability(spec.attack, pe, spec.attacked)),
        detection_probability_eq7=float(detection_probability(pe, spec.attacked)),
        false_abort_probability=false_abort_probability(l_, pe, link_state=state),
        false_abort_target=spec.false_abort_target,
        suggested_abort_threshold=threshold,
        false_abort_at_threshold=false_abort_probability(
            l_, pe, link_state=state, abort_threshold=threshold
        ),
        required_detection=spec.required_detection,
        best_p_encode=best,
        best_p_encode_variance=best_var,
        best_p_encode_note=note,
        time_per_run_s=l_ / rate_hz if rate_hz > 0 else math.inf,
        curve=tradeoff_curve(attacked=spec.attacked, repetitions=l_, n_encodings=n),
    )


def _ghz(sensors: int, fidelity: float, rate_hz: float) -> GHZFigures:
    w = ghz_white_noise_weight(fidelity, sensors)
    if w < -1.0 / 3.0:
        w = -1.0 / 3.0  # below every fidelity the star protocol delivers; keeps the QFI defined
    qfi = float(np.sum(ghz_qfi_matrix([1] * sensors, werner_parameter=w, reference=False)))
    return GHZFigures(
        sensors=sensors,
        fidelity=fidelity,
        white_noise_weight=w,
        qfi=qfi,
        qfi_sql=float(sensors),
        qfi_heisenberg=float(sensors * sensors),
        gain_over_sql_db=10 * math.log10(qfi / sensors) if qfi > 0 else -math.inf,
        states_per_s=rate_hz,
    )


def application_figures(spec: Any, served: Any) -> ApplicationFigures | None:
    """The application figures of a served request (``served``: its :class:`RequestFigures`)."""
    if not served.served:
        return None
    rate = served.delivery_rate_hz
    if spec.kind == "ghz_sensing":
        return _ghz(len(spec.sites), served.fidelity, rate)
    werner = served.werner_parameter
    if werner is None:
        werner = float(werner_parameter_from_fidelity(served.fidelity))
    if spec.kind == "qkd":
        return _qkd(spec, werner, rate)
    if spec.kind == "secure_sensing":
        return _qsm(spec, werner, rate)
    if spec.kind == "clock_sync":
        return ClockFigures(pairs_per_s=rate, fidelity=served.fidelity)
    raise ValueError(f"unknown request kind {spec.kind!r}")
