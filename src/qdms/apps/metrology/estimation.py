"""Estimating phi from Alice's Bell measurements: maximum likelihood, exact MSE, bounds.

Identifiability
---------------
A Bell measurement of the encoded pair depends on ``phi`` only through
``cos(N phi)`` (:mod:`.encoding`), so ``phi``, ``-phi`` and ``phi + 2 pi/N``
give the same statistics. The estimate is therefore taken in the
identifiability interval ``N phi in [0, pi]``, i.e. ``phi_hat in [0, pi/N]``
(API.md). A prior range wider than that needs several N:
:func:`multi_n_phase_estimate` combines data taken with different N on
``[0, pi/g]``, ``g = gcd`` of the N used (``[0, pi]`` as soon as one N is 1).

Bounds
------
``qcrb = 1/(P_E nu N^2)`` is eq. 5 of Rahim et al.: ``nu`` repetitions of which
``P_E nu`` are encoded on average, each pair carrying QFI ``N^2``.
``standard_quantum_limit = 1/(nu N)``: the same budget of ``nu N`` encodings
spent on ``nu N`` independent single-qubit probes that each see ``phi``
once, with no pairs set aside for security. This is the SQL the paper's
eq. 8 compares with: ``1/(P_E nu N^2) < 1/(nu N)`` iff ``P_E > 1/N``.

References
----------
Rahim et al., Sci. Rep. 13, 11630 (2023), eq. 2, 3, 5, 8.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln, xlog1py, xlogy

from ..._probability import some_of
from ._checks import (
    as_float_or_array,
    check_dephasing,
    check_n_encodings,
    check_p_encode,
    check_p_encode_array,
    check_pairs,
    check_phi,
    check_phi_array,
    check_werner,
)
from .encoding import _encoded_cos_sin, bell_observable, phase_response, quantum_fisher_information

__all__ = [
    "error_propagation_variance",
    "estimator_mean_squared_error",
    "maximum_likelihood_phase",
    "maximum_likelihood_phase_of_state",
    "multi_n_phase_estimate",
    "noisy_qcrb",
    "qcrb",
    "standard_quantum_limit",
]

#: Terms of a binomial sum whose log-probability is this far below the largest are
#: dropped; the Bernstein tail bound keeps the dropped mass below 2 e^{-60} per sum.
_TAIL_EXPONENT = 60.0


def _check_counts(bell_counts: ArrayLike) -> NDArray[np.int64]:
    arr = np.asarray(bell_counts)
    if arr.shape != (4,) or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise ValueError(f"bell_counts must be 4 counts [Phi+, Psi+, Phi-, Psi-], got {arr!r}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr != np.round(arr)):
        raise ValueError(f"bell_counts must be non-negative integers, got {arr!r}")
    return arr.astype(np.int64)


def maximum_likelihood_phase(
    bell_counts: ArrayLike,
    n_encodings: int,
    *,
    werner_parameter: float = 1.0,
    dephasing_per_encoding: float = 0.0,
) -> float:
    """Maximum-likelihood ``phi_hat in [0, pi/N]`` from Bell counts of encoded Werner pairs.

    Only the ``a`` Phi+ and ``b`` Phi- outcomes depend on ``phi``; given
    ``a + b`` they are binomial with ``q = 1/2 + v cos(theta)/(1+w)``
    (``v = eta w``, :func:`.encoding.bell_probabilities`). The likelihood is
    concave in ``q``, so the MLE is ``q_hat = a/(a+b)`` moved to the nearest
    attainable ``q`` when it lies outside, and ``theta_hat = arccos((2 q_hat -
    1)(1+w)/(2v))``. For |Phi+> this is ``theta_hat = 2 atan2(sqrt(b), sqrt(a))``,
    i.e. ``cos^2(theta_hat/2) = a/(a+b)``. When the likelihood is flat (no
    Phi+- outcome, or ``v = 0``) there is no unique maximum and the midpoint
    ``pi/(2N)`` of the interval is returned.

    Parameters
    ----------
    bell_counts : counts ``[Phi+, Psi+, Phi-, Psi-]`` of the encoded pairs.
    n_encodings : N >= 1.
    werner_parameter, dephasing_per_encoding : the link model Alice assumes.

    Returns
    -------
    ``phi_hat`` in radians, in ``[0, pi/N]``.

    Examples
    --------
    >>> round(maximum_likelihood_phase([75, 0, 25, 0], 2), 12)   # cos^2(N phi/2) = 3/4
    0.523598775598
    """
    counts = _check_counts(bell_counts)
    n = check_n_encodings(n_encodings)
    w = check_werner(werner_parameter)
    v = w * (1 - 2 * check_dephasing(dephasing_per_encoding)) ** n
    a, b = int(counts[0]), int(counts[2])
    if a + b == 0 or v == 0:
        return math.pi / (2 * n)
    if 2 * v == 1 + w:  # pure |Phi+>: the accurate form
        return 2 * math.atan2(math.sqrt(b), math.sqrt(a)) / n
    x = (a - b) / (a + b) * (1 + w) / (2 * v)
    return math.acos(min(1.0, max(-1.0, x))) / n


def _loglik_grid(theta, alpha, c, counts):
    p = alpha + (c * np.exp(1j * np.asarray(theta)[..., None])).real
    p = np.maximum(p, 0.0)  # rounding guard: p_k >= 0 holds exactly for a state
    return xlogy(counts, p).sum(axis=-1)


def _score(theta: float, alpha, c, counts, scale: float = 1.0) -> float:
    """d/dphi of the log-likelihood, for total phase ``theta = scale * phi``."""
    e = c * np.exp(1j * theta)
    p = alpha + e.real
    dp = -e.imag * scale
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(counts > 0, counts * dp / p, 0.0)
    return float(np.sum(terms))


def _maximise(loglik, score, lo: float, hi: float, points: int) -> float:
    """Global maximum of a smooth 1-D log-likelihood on [lo, hi]: grid, then the score's root."""
    from scipy.optimize import brentq  # imported on use: keeps `import qdms` light

    grid = np.linspace(lo, hi, points)
    values = loglik(grid)
    best = int(np.argmax(values))
    if np.all(values == values[best]):
        return (lo + hi) / 2  # flat likelihood: no unique maximum
    left = grid[max(best - 1, 0)]
    right = grid[min(best + 1, points - 1)]
    s_left, s_right = score(left), score(right)
    if best == 0 and s_left <= 0:
        return lo
    if best == points - 1 and s_right >= 0:
        return hi
    if s_left > 0 > s_right:
        return float(brentq(score, left, right, xtol=1e-15, rtol=4 * np.finfo(float).eps))
    # The grid point itself is (numerically) the stationary point.
    return float(grid[best])


def maximum_likelihood_phase_of_state(
    bell_counts: ArrayLike, n_encodings: int, link_state: ArrayLike
) -> float:
    """Maximum-likelihood ``phi_hat in [0, pi/N]`` for any known link state (numerical).

    ``log L(theta) = sum_k n_k log p_k(theta)`` with ``p_k`` from
    :func:`.encoding.phase_response`, maximised over ``theta in [0, pi]`` on a
    grid of 1025 points and refined by the root of the score (``brentq``). Outcomes that
    are impossible at every phase are ignored (they carry no information).

    Parameters
    ----------
    bell_counts : counts ``[Phi+, Psi+, Phi-, Psi-]`` of the encoded pairs.
    n_encodings : N >= 1.
    link_state : 4 x 4 pair state Alice assumes (A first).

    Returns
    -------
    ``phi_hat`` in radians, in ``[0, pi/N]``.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> round(maximum_likelihood_phase_of_state([60, 5, 30, 5], 1, werner_state(0.8)), 9)
    1.186399552
    >>> round(maximum_likelihood_phase([60, 5, 30, 5], 1, werner_parameter=0.8), 9)
    1.186399552
    """
    counts = _check_counts(bell_counts)
    n = check_n_encodings(n_encodings)
    alpha, c = phase_response(link_state, coherence=1.0)
    keep = alpha > 1e-14
    counts_k = counts[keep].astype(float)
    a_k, c_k = alpha[keep], c[keep]
    theta = _maximise(
        lambda t: _loglik_grid(t, a_k, c_k, counts_k),
        lambda t: _score(t, a_k, c_k, counts_k),
        0.0,
        np.pi,
        1025,
    )
    return theta / n


def multi_n_phase_estimate(
    counts_by_n: Mapping[int, ArrayLike], *, werner_parameter: float = 1.0
) -> float:
    """Joint maximum-likelihood ``phi_hat`` from Bell counts taken with several N.

    The combined likelihood ``prod_N L_N(N phi)`` identifies ``phi`` on
    ``[0, pi/g]``, ``g = gcd`` of the N given (``[0, pi]`` if some N is 1);
    small N remove the ``2 pi/N`` ambiguity of large N, large N give the
    precision. It is maximised on a grid fine enough for the total Fisher
    information and refined locally.

    Parameters
    ----------
    counts_by_n : ``{N: [Phi+, Psi+, Phi-, Psi-] counts}`` for each N used.
    werner_parameter : w in [-1/3, 1] of the links.

    Returns
    -------
    ``phi_hat`` in radians, in ``[0, pi/g]``.

    Examples
    --------
    >>> data = {1: [904, 0, 96, 0], 8: [66, 0, 34, 0]}   # counts expected at phi = 0.63
    >>> round(maximum_likelihood_phase(data[8], 8), 3)   # N = 8 alone: an alias in [0, pi/8]
    0.156
    >>> round(multi_n_phase_estimate(data), 3)
    0.63
    """
    if not isinstance(counts_by_n, Mapping) or not counts_by_n:
        raise ValueError("counts_by_n must be a non-empty mapping {n_encodings: bell_counts}")
    w = check_werner(werner_parameter)
    ns = [check_n_encodings(k, "n_encodings (a key of counts_by_n)") for k in counts_by_n]
    data = [_check_counts(counts_by_n[k]) for k in counts_by_n]
    g = 0
    for k in ns:
        g = math.gcd(g, k)
    hi = math.pi / g
    alpha = np.array([(1 + w) / 4, (1 - w) / 4, (1 + w) / 4, (1 - w) / 4])
    c = np.array([w / 2, 0.0, -w / 2, 0.0])
    keep = alpha > 1e-14
    info = sum(float(d[[0, 2]].sum()) * k * k for k, d in zip(ns, data, strict=True))
    points = int(min(2_000_001, max(4097, math.ceil(hi / math.sqrt(8.0 / max(info, 1.0))) * 4)))

    a_k, c_k = alpha[keep], c[keep]
    counts = [d[keep].astype(float) for d in data]

    def loglik(phi_grid):
        total = np.zeros(np.shape(phi_grid))
        for k, d in zip(ns, counts, strict=True):
            total += _loglik_grid(k * phi_grid, a_k, c_k, d)
        return total

    def score(phi: float) -> float:
        return sum(_score(k * phi, a_k, c_k, d, k) for k, d in zip(ns, counts, strict=True))

    return _maximise(loglik, score, 0.0, hi, points)


def _binom_logpmf(k, n, p: float, q: float | None = None):
    """``log C(n, k) p^k q^(n-k)`` with ``q = 1 - p`` (given when ``p`` is near 1)."""
    tail = xlog1py(n - k, -p) if q is None else xlogy(n - k, q)
    return gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0) + xlogy(k, p) + tail


def _bernstein_halfwidth(variance):
    """t with exp(-t^2 / (2 (variance + t/3))) = exp(-_TAIL_EXPONENT)."""
    c = _TAIL_EXPONENT
    return (2 * c / 3 + np.sqrt((2 * c / 3) ** 2 + 8 * c * variance)) / 2


def estimator_mean_squared_error(
    repetitions: int, p_encode: float, n_encodings: int, phi: float
) -> float:
    """Exact mean squared error ``E[(phi_hat - phi)^2]`` of the protocol's MLE (|Phi+> links).

    Model (API.md): of ``nu`` repetitions ``k ~ Binomial(nu, P_E)`` are encoded,
    conditioned on ``k >= 1``; given ``k``, the number of Phi+ outcomes is
    ``a ~ Binomial(k, cos^2(N phi / 2))`` and ``phi_hat = 2 atan2(sqrt(k-a),
    sqrt(a))/N`` (:func:`maximum_likelihood_phase`). The double sum over
    ``(k, a)`` is evaluated in log space; terms beyond a Bernstein tail bound
    (probability below ``2 e^{-60}``) are dropped. The error is measured
    against ``phi`` itself: for ``phi`` outside ``[0, pi/N]`` it includes the
    aliasing error of the identifiability interval.

    Cost grows like ``nu P_E (1-P_E) * min(k, nu P_E)``; ``nu = 10^5`` takes about a
    second.

    Parameters
    ----------
    repetitions : nu >= 1, pairs sent.
    p_encode : P_E in (0, 1].
    n_encodings : N >= 1.
    phi : true phase in radians (finite).

    Returns
    -------
    Mean squared error in rad^2.

    Examples
    --------
    >>> round(estimator_mean_squared_error(1, 1.0, 1, 0.0), 12)   # one pair, phi = 0: exact
    0.0
    >>> round(estimator_mean_squared_error(1, 1.0, 1, np.pi / 2), 12)   # 0 or pi, each 1/2
    2.467401100272
    """
    nu = check_pairs(repetitions, "repetitions")
    pe = check_p_encode(p_encode)
    n = check_n_encodings(n_encodings)
    ph = check_phi(phi)
    cos, sin = _encoded_cos_sin(n, ph, half=True)
    q, q_minus = float(cos * cos), float(sin * sin)  # P(Phi+-); (1 +- cos)/2 would lose 1e-25
    # Distribution of k, conditioned on k >= 1.
    if pe == 1.0:
        ks = np.array([nu])
        logw = np.array([0.0])
    else:
        mean, var = nu * pe, nu * pe * (1 - pe)
        half = _bernstein_halfwidth(var)
        ks = np.arange(max(1, math.floor(mean - half)), min(nu, math.ceil(mean + half)) + 1)
        log_norm = math.log(some_of(pe, nu))  # log P(k >= 1)
        logw = _binom_logpmf(ks, nu, pe) - log_norm
    total = 0.0
    block = max(1, int(4_000_000 // (2 * _bernstein_halfwidth(nu * 0.25) + 3)))
    for start in range(0, ks.size, block):
        kb = ks[start : start + block].astype(float)
        lw = logw[start : start + block]
        half = _bernstein_halfwidth(kb * q * (1 - q))
        lo = np.maximum(0, np.floor(kb * q - half)).astype(np.int64)
        hi = np.minimum(kb, np.ceil(kb * q + half)).astype(np.int64)
        width = int((hi - lo).max()) + 1
        a = lo[:, None] + np.arange(width)[None, :]
        valid = a <= hi[:, None]
        a = np.where(valid, a, lo[:, None]).astype(float)
        k2 = np.broadcast_to(kb[:, None], a.shape)
        logp = _binom_logpmf(a, k2, q, q_minus) + lw[:, None]
        est = 2 * np.arctan2(np.sqrt(k2 - a), np.sqrt(a)) / n
        total += float(np.sum(np.where(valid, np.exp(logp) * (est - ph) ** 2, 0.0)))
    return total


def qcrb(p_encode: ArrayLike, repetitions: int, n_encodings: int):
    """Quantum Cramer-Rao bound of eq. 5: ``delta^2 phi >= 1/(P_E nu N^2)``.

    Parameters
    ----------
    p_encode : P_E in (0, 1] (scalar or array).
    repetitions : nu >= 1, pairs used.
    n_encodings : N >= 1.

    Returns
    -------
    Variance bound in rad^2 (float, or array shaped like ``p_encode``).

    Examples
    --------
    >>> qcrb(0.5, 100, 4)
    0.00125
    """
    pe = check_p_encode_array(p_encode)
    nu = check_pairs(repetitions, "repetitions")
    n = check_n_encodings(n_encodings)
    return as_float_or_array(1.0 / (pe * nu * n * n))


def noisy_qcrb(
    p_encode: ArrayLike,
    repetitions: int,
    n_encodings: int,
    *,
    werner_parameter: float = 1.0,
    dephasing_per_encoding: float = 0.0,
):
    """QCRB over noisy links: ``1/(P_E nu F_Q)`` with ``F_Q = 2 eta^2 w^2 N^2/(1+w)``.

    Infinite when ``F_Q = 0`` (``w = 0`` or full dephasing).

    Parameters
    ----------
    p_encode : P_E in (0, 1] (scalar or array).
    repetitions : nu >= 1.
    n_encodings : N >= 1.
    werner_parameter : w in [-1/3, 1].
    dephasing_per_encoding : p in [0, 1/2].

    Returns
    -------
    Variance bound in rad^2.

    Examples
    --------
    >>> round(noisy_qcrb(0.5, 100, 4, werner_parameter=0.8) / qcrb(0.5, 100, 4), 12)
    1.40625
    """
    pe = check_p_encode_array(p_encode)
    nu = check_pairs(repetitions, "repetitions")
    fq = quantum_fisher_information(
        n_encodings,
        0.0,
        werner_parameter=werner_parameter,
        dephasing_per_encoding=dephasing_per_encoding,
    )
    if fq == 0:
        return as_float_or_array(np.full(pe.shape, np.inf))
    return as_float_or_array(1.0 / (pe * nu * fq))


def standard_quantum_limit(repetitions: int, n_encodings: int) -> float:
    """SQL ``1/(nu N)``: ``nu N`` single-qubit probes each encoding ``phi`` once (eq. 8's reference).

    Parameters
    ----------
    repetitions : nu >= 1.
    n_encodings : N >= 1.

    Returns
    -------
    Variance in rad^2.

    Examples
    --------
    >>> standard_quantum_limit(100, 4)
    0.0025
    """
    nu = check_pairs(repetitions, "repetitions")
    n = check_n_encodings(n_encodings)
    return 1.0 / (nu * n)


def error_propagation_variance(
    p_encode: float,
    repetitions: int,
    n_encodings: int,
    phi: ArrayLike,
    *,
    werner_parameter: float = 1.0,
):
    """Eq. 3 with the observable B: ``Var B / (P_E nu |d<B>/d phi|^2)``.

    With the corrected moments (``<B> = cos(N phi)``, ``Var B = sin^2(N phi)``)
    this is ``1/(P_E nu N^2)`` = eq. 5 wherever ``sin(N phi) != 0``; the
    paper's printed ``cos(phi)``, ``sin(phi)`` would give ``1/(P_E nu sin(phi))``.
    Infinite where ``d<B>/d phi = 0``.

    Parameters
    ----------
    p_encode : P_E in (0, 1].
    repetitions : nu >= 1.
    n_encodings : N >= 1.
    phi : phase in radians (scalar or array).
    werner_parameter : w in [-1/3, 1].

    Returns
    -------
    Variance in rad^2 (float or array).

    Examples
    --------
    >>> round(error_propagation_variance(0.5, 100, 4, 0.3), 12)
    0.00125
    """
    pe = check_p_encode(p_encode)
    nu = check_pairs(repetitions, "repetitions")
    n = check_n_encodings(n_encodings)
    ph = check_phi_array(phi)
    w = check_werner(werner_parameter)
    _, var = bell_observable(n, ph, werner_parameter=w)
    slope2 = (w * n * _encoded_cos_sin(n, ph)[1]) ** 2
    safe = np.where(slope2 > 0, slope2, 1.0)
    return as_float_or_array(np.where(slope2 > 0, var / (pe * nu * safe), np.inf))
