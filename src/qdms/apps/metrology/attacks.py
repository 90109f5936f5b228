"""Detection probabilities of attacks on the QSM protocol: eq. 7 and closed forms derived here.

The protocol (Rahim et al., Methods; split of API.md): Bob puts each received
particle independently into verification with probability ``q = (1-P_E)/2``,
encoding with ``P_E`` and decoy with ``q``. Verification particles are
measured (Z or X, 1/2 each, Alice measures hers in the same basis) and
discarded: they do not travel back. Encoded and decoy particles return;
Alice Bell-measures the decoy pairs and expects |Phi+>.

An attacked particle is caught when the check it lands in fails:

    c = P(verification) m_V + P(decoy) m_D,

with ``m_V`` the probability that Alice's and Bob's outcomes differ and
``m_D`` the probability that the decoy's Bell outcome is not Phi+. Encoded
particles are never checked. Attacked particles are independent (ideal
|Phi+> links: honest particles never fail), so for ``l`` attacked particles

    P_D = 1 - (1 - c)^l.

Per attacked particle, with ``A`` Alice's qubit, ``B`` Bob's original qubit
and ``E1 E2`` Eve's own |Phi+>:

=====================================  ===========  =====  =====  ==================
attack                                 P(verif.)    m_V    m_D    c
=====================================  ===========  =====  =====  ==================
``forward_substitution_reinject``      (1-P_E)/2    1/2    0      (1-P_E)/4
``forward_substitution_return_bobs``   (1-P_E)/2    1/2    3/4    5(1-P_E)/8
``forward_intercept_resend_z``         (1-P_E)/2    1/4    1/2    3(1-P_E)/8
``forward_intercept_resend_x``         (1-P_E)/2    1/4    1/2    3(1-P_E)/8
``return_phase`` (given beta)          0            --     s      s (1-P_E)/(1+P_E)
``return_phase`` (beta uniform)        0            --     1/2    (1-P_E)/(2(1+P_E))
=====================================  ===========  =====  =====  ==================

with ``s = sin^2(beta/2)``. Why:

* Substitution: Bob holds E2, which is uncorrelated with A, and
  ``rho_{A E2} = I/4``: in either basis the outcomes agree with probability
  1/2. In the "reinject" variant the decoy pair Alice measures is (A, B), the
  untouched |Phi+>, so ``m_D = 0``; in the "return_bobs" variant it is
  (A, E2) = I/4, Phi+ with probability 1/4, so ``m_D = 3/4``.
* Intercept-resend in Z: the pair becomes ``(|00><00| + |11><11|)/2``; Z
  outcomes always agree, X outcomes agree with probability 1/2, so
  ``m_V = (0 + 1/2)/2``; its Bell outcomes are Phi+ or Phi- with 1/2 each, so
  ``m_D = 1/2``. In X the pair is ``(|++><++| + |--><--|)/2`` and the roles of
  the bases swap (Bell outcomes Phi+ or Psi+), with the same numbers.
* Return-path phase: Eve sees only returning particles, of which a fraction
  ``P(decoy | returning) = ((1-P_E)/2) / ((1+P_E)/2) = (1-P_E)/(1+P_E)`` are
  decoys. ``diag(1, e^{i beta})`` turns |Phi+> into
  ``cos(beta/2)|Phi+> - i sin(beta/2)|Phi->`` up to a phase, so ``m_D =
  sin^2(beta/2)``. With ``beta=None`` each attacked particle gets its own beta
  uniform in [0, 2 pi), and the exact average of ``sin^2(beta/2)`` is 1/2.
  :func:`return_phase_shared_beta_detection_probability` treats one beta
  shared by all attacked particles instead (then they are not independent).

Eq. 7 and the protocol
----------------------
Eq. 7, ``P_D = 1 - ((3+P_E)/4)^l``, is ``c = (1-P_E)/4``: a check probability
``(1-P_E)/2`` times an escape probability 1/2 per check. It is exact for
``forward_substitution_reinject`` (only verification can catch it, with
probability 1/2). It underestimates the substitution attack in which Eve
lets Bob's particle return (decoys catch it too: ``c = 5(1-P_E)/8``) and the
intercept-resend attacks (``c = 3(1-P_E)/8``). For the return-path attack the
paper's decoy probability ``(1-P_E)/2`` is a fraction of all particles; the
particles Eve can touch on the way back are only the returning ones, a
fraction ``(1+P_E)/2``, so ``c = (1-P_E)/(2(1+P_E))``, larger than eq. 7's by
``2/(1+P_E)``. Eq. 7 holds for it only if ``l`` counts every position of the
sequence, verification slots (where Eve finds nothing to attack) included.

References
----------
Rahim et al., Sci. Rep. 13, 11630 (2023), Methods, Security, eq. 7.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ..._validation import check_finite
from ._checks import (
    ATTACKS,
    Attack,
    as_float_or_array,
    check_attack,
    check_attacked,
    check_p_encode,
    check_p_encode_array,
)

__all__ = [
    "ATTACKS",
    "Attack",
    "attack_catch_probability",
    "attack_check_profile",
    "attack_detection_probability",
    "detection_probability",
    "return_phase_shared_beta_detection_probability",
]

#: (m_V, m_D) of each forward attack on an ideal |Phi+> link (module table).
_FORWARD = {
    "forward_substitution_reinject": (0.5, 0.0),
    "forward_substitution_return_bobs": (0.5, 0.75),
    "forward_intercept_resend_z": (0.25, 0.5),
    "forward_intercept_resend_x": (0.25, 0.5),
}


def _detect(catch, attacked):
    """1 - (1 - c)^l without cancellation."""
    return -np.expm1(np.asarray(attacked, dtype=float) * np.log1p(-np.asarray(catch, dtype=float)))


def detection_probability(p_encode: ArrayLike, attacked: ArrayLike):
    """Eq. 7 of Rahim et al. as published: ``P_D = 1 - ((3 + P_E)/4)^l``.

    Parameters
    ----------
    p_encode : P_E in (0, 1] (scalar or array).
    attacked : l, number of attacked particles (int >= 0 or array of them).

    Notes
    -----
    Exact for ``forward_substitution_reinject`` only; see the module notes and
    :func:`attack_detection_probability` for the other attacks.

    Returns
    -------
    P_D (float, or array broadcast from the inputs).

    Examples
    --------
    >>> round(detection_probability(0.5, 10), 12)
    0.736924423836
    >>> detection_probability(1.0, 10)   # no checks left
    0.0
    """
    pe = check_p_encode_array(p_encode)
    n = check_attacked(attacked)
    return as_float_or_array(_detect((1.0 - pe) / 4.0, n))


def _check_beta(attack: str, beta: float | None) -> float | None:
    if beta is None:
        return None
    if attack != "return_phase":
        raise ValueError(f"beta applies only to the return_phase attack, not {attack!r}")
    return check_finite("beta", beta)


def attack_check_profile(
    attack: Attack, p_encode: float, *, beta: float | None = None
) -> tuple[float, float, float, float]:
    """``(P(verification), m_V, P(decoy), m_D)`` of one attacked particle (module table).

    Parameters
    ----------
    attack : one of :data:`ATTACKS`.
    p_encode : P_E in (0, 1].
    beta : Eve's phase for ``return_phase`` (None: uniform).

    Returns
    -------
    ``(P(verification), m_V, P(decoy), m_D)`` for one attacked particle.

    Examples
    --------
    >>> attack_check_profile("forward_intercept_resend_z", 0.5)
    (0.25, 0.25, 0.25, 0.5)
    >>> attack_check_profile("return_phase", 0.5, beta=np.pi)
    (0.0, 0.0, 0.3333333333333333, 1.0)
    """
    name = check_attack(attack)
    pe = check_p_encode(p_encode)
    b = _check_beta(name, beta)
    if name == "return_phase":
        m_d = 0.5 if b is None else math.sin(b / 2) ** 2
        return 0.0, 0.0, (1.0 - pe) / (1.0 + pe), m_d
    m_v, m_d = _FORWARD[name]
    return (1.0 - pe) / 2, m_v, (1.0 - pe) / 2, m_d


def attack_catch_probability(attack: Attack, p_encode: ArrayLike, *, beta: float | None = None):
    """Probability ``c`` that one attacked particle fails a check (module table).

    Parameters
    ----------
    attack : one of :data:`ATTACKS`.
    p_encode : P_E in (0, 1] (scalar or array).
    beta : Eve's phase for ``return_phase`` (None: uniform, averaged exactly).

    Returns
    -------
    ``c`` (float or array).

    Examples
    --------
    >>> attack_catch_probability("forward_substitution_return_bobs", 0.2)
    0.5
    >>> round(attack_catch_probability("return_phase", 0.2), 12)
    0.333333333333
    """
    name = check_attack(attack)
    pe = check_p_encode_array(p_encode)
    b = _check_beta(name, beta)
    if name == "return_phase":
        m_d = 0.5 if b is None else math.sin(b / 2) ** 2
        return as_float_or_array((1.0 - pe) / (1.0 + pe) * m_d)
    m_v, m_d = _FORWARD[name]
    return as_float_or_array((1.0 - pe) / 2 * (m_v + m_d))


def attack_detection_probability(
    attack: Attack, p_encode: ArrayLike, attacked: ArrayLike, *, beta: float | None = None
):
    """Probability that at least one check fails when Eve attacks ``attacked`` particles.

    ``P_D = 1 - (1 - c)^l`` with the per-particle catch probability ``c`` of
    :func:`attack_catch_probability` (module table); ideal |Phi+> links.

    Parameters
    ----------
    attack : one of :data:`ATTACKS`.
    p_encode : P_E in (0, 1] (scalar or array; broadcast with ``attacked``).
    attacked : number l >= 0 of attacked particles (for ``return_phase``: of
        returning particles), int or array of ints.
    beta : Eve's phase for ``return_phase``; None averages exactly over beta
        uniform in [0, 2 pi), drawn independently for each attacked particle.

    Returns
    -------
    P_D (float, or array broadcast from ``p_encode`` and ``attacked``).

    Raises
    ------
    ValueError : unknown attack, P_E outside (0, 1], negative l, or ``beta``
        given for a forward attack.

    Examples
    --------
    >>> round(attack_detection_probability("forward_substitution_reinject", 0.5, 10), 12)
    0.736924423836
    >>> attack_detection_probability("forward_intercept_resend_x", 0.5, [0, 1, 2]).round(6)
    array([0.      , 0.1875  , 0.339844])
    """
    catch = attack_catch_probability(attack, p_encode, beta=beta)
    n = check_attacked(attacked)
    return as_float_or_array(_detect(catch, n))


def return_phase_shared_beta_detection_probability(p_encode: float, attacked: int) -> float:
    """``P_D`` when one beta, uniform in [0, 2 pi), is applied to all ``l`` attacked particles.

    ``P_D = 1 - E_beta[(1 - r sin^2(beta/2))^l]`` with ``r = (1-P_E)/(1+P_E)``.
    ``s = sin^2(beta/2)`` has the arcsine law, and ``E[(1 - r s)^l] =
    2F1(-l, 1/2; 1; r)``. The integrand is a trigonometric polynomial of
    degree ``l`` in ``beta``, so the average over ``l + 1`` equally spaced
    angles is exact; it is evaluated that way, term by term in log space.

    Parameters
    ----------
    p_encode : P_E in (0, 1].
    attacked : l >= 0 returning particles attacked.

    Returns
    -------
    P_D.

    Examples
    --------
    >>> round(return_phase_shared_beta_detection_probability(0.5, 1), 12)   # = c for l = 1
    0.166666666667
    >>> round(return_phase_shared_beta_detection_probability(0.5, 4), 6)
    0.459587
    """
    pe = check_p_encode(p_encode)
    n = int(check_attacked(attacked))
    if n == 0:
        return 0.0
    r = (1.0 - pe) / (1.0 + pe)
    m = n + 1
    beta = 2 * np.pi * np.arange(m) / m
    return float(np.mean(_detect(r * np.sin(beta / 2) ** 2, n)))
