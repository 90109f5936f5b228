"""Asymptotic QKD key fractions from the shared state (Khatri 2022, App. E; API.md).

Entanglement-based QKD on a two-qubit state ``rho``. Quantum bit error rates
are measured against the ideal correlations of ``Phi+``: outcomes agree in X
and Z and are opposite in Y (API.md), so for Bell-diagonal coefficients
``q = [Phi+, Psi+, Phi-, Psi-]`` (Khatri eq. 345-350):

    Q_X = q_Phi- + q_Psi-,   Q_Y = q_Phi- + q_Psi+,   Q_Z = q_Psi+ + q_Psi-,

and ``F = 1 - (Q_X + Q_Y + Q_Z)/2`` (Remark E.1, eq. 354). Key fractions are
asymptotic secret bits per delivered pair (log base 2), with no sifting
factor (the key basis is chosen almost always), and 0 where no key can be
distilled:

* BB84 (key from Z, phase errors from X; Shor and Preskill 2000):
  ``K = 1 - h2(Q_Z) - h2(Q_X)``, which is Khatri's eq. 351 ``1 - 2 h2(Q)`` when
  ``Q_X = Q_Z = Q``.
* Six-state (the full Bell-diagonal state is known; Lo 2001):
  ``K = 1 - H(q)`` with ``H`` the Shannon entropy of ``q`` (of the Bell-basis
  diagonal for a general state), which is Khatri's eq. 353
  ``1 + (1 - 3Q/2) log2(1 - 3Q/2) + (3Q/2) log2(Q/2)`` when
  ``Q_X = Q_Y = Q_Z = Q``.
* Device independent, CHSH based (Acin et al. 2007; Pironio et al. 2009;
  Khatri eq. 358-360): ``K = 1 - h2(Q) - h2((1 + sqrt((S/2)^2 - 1))/2)`` for
  ``S > 2``, with ``Q`` the key-basis error rate.

Both device-dependent rates depend only on the Bell-basis diagonal, since
the X, Y and Z correlations are diagonal in the Bell basis.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_finite, check_positive, check_probability, check_probability_array
from ..quantum import bell_coefficients as _bell_coefficients
from ..quantum import binary_entropy, check_bell_coefficients

__all__ = [
    "bb84_key_fraction",
    "bb84_key_fraction_from_qber",
    "chsh_value",
    "di_key_fraction",
    "key_rate_bits_per_second",
    "plob_bound",
    "qbers",
    "six_state_key_fraction",
    "six_state_key_fraction_from_qber",
]

_TSIRELSON = 2.0 * math.sqrt(2.0)


def _coefficients(state: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(state)
    if arr.ndim == 2:
        return _bell_coefficients(arr, 2)
    return check_bell_coefficients(arr, "bell_coefficients", d=2)


def qbers(bell_coefficients: ArrayLike) -> tuple[float, float, float]:
    """``(Q_X, Q_Y, Q_Z)`` of a two-qubit state (coefficients ``[Phi+, Psi+, Phi-, Psi-]`` or 4 x 4).

    Examples
    --------
    >>> qbers([0.85, 0.05, 0.05, 0.05])
    (0.1, 0.1, 0.1)
    >>> qbers([1.0, 0.0, 0.0, 0.0])
    (0.0, 0.0, 0.0)
    """
    q = _coefficients(bell_coefficients)
    return (float(q[2] + q[3]), float(q[2] + q[1]), float(q[1] + q[3]))


def _clip_key(k: float) -> float:
    return max(0.0, float(k))


def bb84_key_fraction(bell_coefficients: ArrayLike) -> float:
    """BB84 key fraction ``max(0, 1 - h2(Q_Z) - h2(Q_X))`` (Khatri eq. 351 generalised).

    Examples
    --------
    >>> round(bb84_key_fraction([0.925, 0.025, 0.025, 0.025]), 6)   # Werner, Q = 0.05
    0.427206
    >>> bb84_key_fraction([0.7, 0.1, 0.1, 0.1])
    0.0
    """
    qx, _, qz = qbers(bell_coefficients)
    return _clip_key(1.0 - binary_entropy(qz) - binary_entropy(qx))


def bb84_key_fraction_from_qber(qber: float) -> float:
    """``max(0, 1 - 2 h2(Q))``, BB84 with equal error rates in both bases (Khatri eq. 351).

    Examples
    --------
    >>> round(bb84_key_fraction_from_qber(0.05), 6)
    0.427206
    """
    q = check_probability("qber", qber)
    return _clip_key(1.0 - 2.0 * binary_entropy(q))


def six_state_key_fraction(bell_coefficients: ArrayLike) -> float:
    """Six-state key fraction ``max(0, 1 - H(q))`` (Khatri eq. 353 generalised; Lo 2001).

    Examples
    --------
    >>> round(six_state_key_fraction([0.925, 0.025, 0.025, 0.025]), 6)   # Q = 0.05
    0.496816
    """
    q = _coefficients(bell_coefficients)
    q = q[q > 0]
    return _clip_key(1.0 + float(np.sum(q * np.log2(q))))


def six_state_key_fraction_from_qber(qber: float) -> float:
    """``max(0, 1 + (1 - 3Q/2) log2(1 - 3Q/2) + (3Q/2) log2(Q/2))`` (Khatri eq. 353).

    Defined for ``Q <= 2/3`` (the depolarised limit).

    Examples
    --------
    >>> round(six_state_key_fraction_from_qber(0.05), 6)
    0.496816
    """
    q = check_probability("qber", qber)
    if q > 2.0 / 3.0:
        raise ValueError(f"qber must be in [0, 2/3] for the six-state protocol, got {qber!r}")
    a = 1.0 - 1.5 * q
    terms = (a * math.log2(a) if a > 0 else 0.0) + (
        1.5 * q * (math.log2(q) - 1.0) if q > 0 else 0.0
    )
    return _clip_key(1.0 + terms)


def chsh_value(bell_coefficients: ArrayLike) -> float:
    """Largest CHSH value ``2 sqrt(t1^2 + t2^2)`` over all settings (Horodecki et al. 1995).

    ``t1, t2`` are the two largest singular values of the correlation matrix
    ``T_ij = tr(rho sigma_i (x) sigma_j)``; for a Bell-diagonal state they are
    the two largest of ``|1 - 2 Q_X|``, ``|1 - 2 Q_Y|``, ``|1 - 2 Q_Z|``.
    Accepts coefficients or a 4 x 4 density matrix.

    Examples
    --------
    >>> round(chsh_value([1.0, 0.0, 0.0, 0.0]), 12)
    2.828427124746
    """
    arr = np.asarray(bell_coefficients)
    if arr.ndim == 2:
        from ..quantum import check_density_matrix

        rho = check_density_matrix(arr, "bell_coefficients", dim=4)
        paulis = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1, -1])]
        t = np.array([[np.real(np.trace(rho @ np.kron(a, b))) for b in paulis] for a in paulis])
        sv = np.linalg.svd(t, compute_uv=False)
    else:
        qx, qy, qz = qbers(arr)
        sv = np.sort(np.abs([1 - 2 * qx, 1 - 2 * qy, 1 - 2 * qz]))[::-1]
    return float(2.0 * math.sqrt(sv[0] ** 2 + sv[1] ** 2))


def di_key_fraction(qber: float, chsh: float) -> float:
    """DI key fraction ``max(0, 1 - h2(Q) - h2((1 + sqrt((S/2)^2 - 1))/2))``; 0 when ``S <= 2``.

    Khatri eq. 360 (Acin et al. PRL 98, 230501 (2007); Pironio et al. 2009),
    with ``Q`` the key-basis error rate and ``S`` the CHSH value, at most
    ``2 sqrt 2``.

    Examples
    --------
    >>> round(di_key_fraction(0.0, 2 * 2 ** 0.5), 12)
    1.0
    >>> di_key_fraction(0.05, 2.0)
    0.0
    """
    q = check_probability("qber", qber)
    s = check_finite("chsh", chsh)
    if s > _TSIRELSON * (1 + 1e-12):
        raise ValueError(
            f"chsh must be at most 2 sqrt(2) = {_TSIRELSON:.12g} (Tsirelson), got {chsh!r}"
        )
    if s <= 2.0:
        return 0.0
    s = min(s, _TSIRELSON)
    r = min(1.0, math.sqrt((s / 2.0 - 1.0) * (s / 2.0 + 1.0)))  # no cancellation near S = 2
    return _clip_key(_one_minus_h2_centred(r) - binary_entropy(q))


def _one_minus_h2_centred(r: float) -> float:
    """``1 - h2((1 + r)/2)`` for ``r`` in [0, 1], accurate however small ``r`` is.

    It equals ``[(1 + r) log(1 + r) + (1 - r) log(1 - r)] / (2 ln 2)``, whose two terms
    cancel to ``r^2 / (2 ln 2)`` for small ``r``; there the series
    ``sum_k r^{2k} / (k (2k - 1)) / (2 ln 2)`` is used instead.
    """
    if r >= 0.5:
        tail = 0.0 if r >= 1.0 else (1.0 - r) * math.log1p(-r)
        return ((1.0 + r) * math.log1p(r) + tail) / (2.0 * math.log(2.0))
    total, power, k = 0.0, r * r, 1
    while True:
        term = power / (k * (2 * k - 1))
        total += term
        if term <= 1e-17 * total:
            return total / (2.0 * math.log(2.0))
        power *= r * r
        k += 1


def key_rate_bits_per_second(
    key_fraction: float, success_probability: float, source_rate_hz: float
) -> float:
    """Secret key rate ``R p K`` in bits per second (Khatri eq. 303-305).

    Examples
    --------
    >>> key_rate_bits_per_second(0.5, 1e-3, 1e9)
    500000.0
    """
    k = check_finite("key_fraction", key_fraction)
    if k < 0:
        raise ValueError(f"key_fraction must be >= 0, got {key_fraction!r}")
    p = check_probability("success_probability", success_probability)
    rate = check_positive("source_rate_hz", source_rate_hz)
    return k * p * rate


def plob_bound(transmittance: float | ArrayLike):
    """Repeaterless bound ``-log2(1 - eta)`` bits per channel use (Pirandola et al., Nat. Commun. 8, 15043 (2017)).

    Examples
    --------
    >>> round(plob_bound(1e-3), 9)
    0.001443417
    """
    eta = check_probability_array("transmittance", transmittance)
    with np.errstate(divide="ignore"):
        out = -np.log1p(-eta) / math.log(2.0)
    return float(out) if out.ndim == 0 else out
