"""Honest runs over noisy links: check error rates, false aborts, and the abort threshold.

With a noisy link even an honest run shows errors. For a link state
``sigma`` (Alice's qubit first) a verification particle errs with
probability ``e_V = (P_Z(mismatch) + P_X(mismatch))/2`` and a decoy with
``e_D = 1 - <Phi+|sigma|Phi+>``. For the Werner state of parameter ``w``
(fidelity ``F = (1+3w)/4``): ``e_V = (1-w)/2`` and ``e_D = 3(1-w)/4 = 1 - F``.

The protocol aborts when an observed error rate exceeds the threshold
``t``: ``E_V > t n_V`` or ``E_D > t n_D`` (:mod:`.protocol`).

* ``t = 0`` (the paper's rule): every particle is independently a failed
  check with probability ``(1-P_E)/2 (e_V + e_D)``, so
  ``P(false abort) = 1 - (1 - (1-P_E)(e_V + e_D)/2)^l``.
* ``t > 0``: ``(n_V, n_D)`` is multinomial ``(l; q, q)`` with
  ``q = (1-P_E)/2``, and given them the error counts are independent
  binomials. With ``s_V(n) = P(Bin(n, e_V) > floor(t n))`` and ``s_D``
  alike, ``P(abort) = E[s_V] + E[s_D] - E[s_V(n_V) s_D(n_D)]``; the sums over
  ``(n_V, n_D)`` are exact up to Bernstein-bounded tails (mass below e^-60).

A threshold above 0 lets Eve hide a few attacked particles among the honest
errors: it trades security for robustness, and should be the smallest one
meeting the false-abort target (:func:`abort_threshold_for_false_abort`).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import bdtrc

from ..._probability import some_of
from ..._validation import check_probability
from ._checks import check_link_state, check_p_encode, check_pairs
from .estimation import _bernstein_halfwidth, _binom_logpmf
from .outcomes import outcome_model

__all__ = [
    "abort_threshold_for_false_abort",
    "check_error_rates",
    "false_abort_probability",
]


def check_error_rates(link_state: ArrayLike | None = None) -> tuple[float, float]:
    """Per-particle error probabilities ``(e_V, e_D)`` of honest verification and decoy checks.

    Parameters
    ----------
    link_state : 4 x 4 pair state; None is |Phi+>.

    Returns
    -------
    ``(e_V, e_D)``.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> [round(x, 12) for x in check_error_rates(werner_state(0.9))]
    [0.05, 0.075]
    """
    model = outcome_model(check_link_state(link_state), 1, 0.0).honest
    return model.verification_mismatch, float(1.0 - model.decoy()[0])


def _survival(n: np.ndarray, threshold: float, error: float) -> np.ndarray:
    """P(Bin(n, error) > floor(threshold n)), the abort probability of one check."""
    allowed = np.floor(threshold * n)
    return np.where(n > 0, bdtrc(allowed, np.maximum(n, 1), error), 0.0)


def false_abort_probability(
    pairs: int,
    p_encode: float,
    *,
    link_state: ArrayLike | None = None,
    abort_threshold: float = 0.0,
) -> float:
    """Probability that an honest run over links delivering ``link_state`` aborts (module notes).

    Parameters
    ----------
    pairs : l >= 1.
    p_encode : P_E in (0, 1].
    link_state : 4 x 4 pair state; None is |Phi+> (never aborts).
    abort_threshold : t in [0, 1].

    Returns
    -------
    Probability in [0, 1].

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> round(false_abort_probability(100, 0.5, link_state=werner_state(0.99)), 9)
    0.268742264
    >>> f"{false_abort_probability(100, 0.5, link_state=werner_state(0.99), abort_threshold=0.2):.4g}"
    '2.257e-06'
    """
    n = check_pairs(pairs)
    pe = check_p_encode(p_encode)
    t = check_probability("abort_threshold", abort_threshold)
    e_v, e_d = check_error_rates(link_state)
    q = (1.0 - pe) / 2.0
    if q == 0.0 or (e_v <= 0.0 and e_d <= 0.0):
        return 0.0
    if t == 0.0:
        return float(some_of(q * (e_v + e_d), n))
    # Window of n_V (marginally Bin(l, q)) and, given n_V, of n_D ~ Bin(l - n_V, q/(1-q)).
    half = _bernstein_halfwidth(n * q * (1 - q))
    nv = np.arange(max(0, math.floor(n * q - half)), min(n, math.ceil(n * q + half)) + 1)
    w_v = np.exp(_binom_logpmf(nv.astype(float), n, q))
    s_v = _survival(nv, t, e_v)
    r = q / (1 - q)
    first = float(np.sum(w_v * s_v))
    second = float(np.sum(w_v * _survival(nv, t, e_d)))  # n_D has the law of n_V
    if e_v <= 0.0 or e_d <= 0.0:
        return min(1.0, first + second)
    rest = (n - nv).astype(float)
    half_d = _bernstein_halfwidth(rest * r * (1 - r))
    lo = np.maximum(0, np.floor(rest * r - half_d)).astype(np.int64)
    hi = np.minimum(rest, np.ceil(rest * r + half_d)).astype(np.int64)
    width = int((hi - lo).max()) + 1
    nd = lo[:, None] + np.arange(width)[None, :]
    valid = nd <= hi[:, None]
    nd = np.where(valid, nd, lo[:, None])
    w_d = np.exp(_binom_logpmf(nd.astype(float), rest[:, None], r))
    base = int(lo.min())
    s_d = _survival(np.arange(base, int(hi.max()) + 1), t, e_d)[nd - base]  # s_D depends on n only
    joint = float(np.sum(w_v * s_v * np.sum(np.where(valid, w_d * s_d, 0.0), axis=1)))
    return min(1.0, max(0.0, first + second - joint))


def abort_threshold_for_false_abort(
    pairs: int,
    p_encode: float,
    target: float,
    *,
    link_state: ArrayLike | None = None,
) -> float:
    """Smallest abort threshold ``t`` with false-abort probability ``<= target`` (to 1e-9).

    The false-abort probability falls in steps as ``t`` grows; the threshold is
    found by bisection on the exact :func:`false_abort_probability`.

    Parameters
    ----------
    pairs : l >= 1.
    p_encode : P_E in (0, 1].
    target : largest acceptable false-abort probability, in [0, 1].
    link_state : 4 x 4 pair state; None is |Phi+>.

    Returns
    -------
    Threshold in [0, 1] (0 when the paper's rule already meets the target).

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> t = abort_threshold_for_false_abort(400, 0.5, 1e-3, link_state=werner_state(0.95))
    >>> round(t, 4)
    0.1089
    """
    n = check_pairs(pairs)
    pe = check_p_encode(p_encode)
    tgt = check_probability("target", target)
    sigma = check_link_state(link_state)

    def f(t: float) -> float:
        return false_abort_probability(n, pe, link_state=sigma, abort_threshold=t)

    if f(0.0) <= tgt:
        return 0.0
    lo, hi = 0.0, 1.0  # f(1) = 0: a rate never exceeds 1
    while hi - lo > 1e-9:
        mid = (lo + hi) / 2
        if f(mid) <= tgt:
            hi = mid
        else:
            lo = mid
    return hi
