"""The precision-security trade-off: Fig. 2 and eq. 8 of Rahim et al., and the best P_E.

Raising P_E encodes more pairs (smaller variance, eq. 5: ``1/(P_E nu N^2)``)
and leaves fewer for verification and decoys (smaller detection probability,
eq. 7: ``1 - ((3+P_E)/4)^l``). Quantum advantage over the SQL ``1/(nu N)``
needs ``1/N < P_E <= 1`` (eq. 8).

Fig. 2 of the paper plots P_D and the variance against P_E; its parameters
are not given in the text. :func:`tradeoff_curve` computes the same curves
for any ``(l, nu, N)``; the defaults here (``l = 10`` attacked particles,
``nu = 100`` repetitions, ``N = 10``) are our choice. It also gives the
detection probability of each attack as derived in :mod:`.attacks`.

Given a required detection probability, the best P_E is the largest one
that still meets it (the variance falls with P_E). Each attack's per-particle
catch probability ``c`` falls with P_E; the requirement ``1 - (1-c)^l >= P_D*``
is ``c >= c* = 1 - (1 - P_D*)^{1/l}``:

* eq. 7 and the forward attacks, ``c = kappa (1 - P_E)``: ``P_E <= 1 - c*/kappa``;
* ``return_phase``, ``c = m (1-P_E)/(1+P_E)``: ``P_E <= (1 - c*/m)/(1 + c*/m)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..._validation import check_int, check_probability
from ._checks import (
    ATTACKS,
    Attack,
    check_attack,
    check_n_encodings,
    check_p_encode_array,
    check_pairs,
)
from .attacks import attack_catch_probability, attack_detection_probability, detection_probability
from .estimation import qcrb, standard_quantum_limit

__all__ = [
    "TradeoffCurve",
    "TradeoffPoint",
    "best_encoding_probability",
    "quantum_advantage_interval",
    "tradeoff_curve",
]


def quantum_advantage_interval(n_encodings: int) -> tuple[float, float]:
    """Eq. 8: the QCRB beats the SQL for ``1/N < P_E <= 1`` (open at the left end).

    Parameters
    ----------
    n_encodings : N >= 1.

    Returns
    -------
    ``(1/N, 1)``.

    Examples
    --------
    >>> quantum_advantage_interval(4)
    (0.25, 1.0)
    """
    n = check_n_encodings(n_encodings)
    return 1.0 / n, 1.0


@dataclass(frozen=True)
class TradeoffCurve:
    """The data of Fig. 2: detection probability and variance against P_E.

    Attributes
    ----------
    p_encode : grid of P_E values.
    detection : eq. 7 at each P_E for ``attacked`` particles.
    variance : QCRB, eq. 5, at each P_E.
    sql : the SQL ``1/(nu N)`` (a constant).
    advantage_bound : ``1/N``, left end of eq. 8.
    attack_detection : the derived ``P_D`` of each attack (:mod:`.attacks`), by name.
    """

    p_encode: NDArray[np.float64]
    detection: NDArray[np.float64]
    variance: NDArray[np.float64]
    sql: float
    advantage_bound: float
    attacked: int
    repetitions: int
    n_encodings: int
    attack_detection: dict[str, NDArray[np.float64]] = field(default_factory=dict)


def tradeoff_curve(
    *,
    attacked: int = 10,
    repetitions: int = 100,
    n_encodings: int = 10,
    p_encode: ArrayLike | None = None,
) -> TradeoffCurve:
    """Detection probability (eq. 7 and each attack) and variance (eq. 5) against P_E.

    Parameters
    ----------
    attacked : l >= 1, particles Eve attacks.
    repetitions : nu >= 1, pairs used for the variance.
    n_encodings : N >= 1.
    p_encode : grid of P_E in (0, 1]; default 199 points from 0.005 to 1.

    Returns
    -------
    :class:`TradeoffCurve`.

    Examples
    --------
    >>> c = tradeoff_curve(attacked=10, repetitions=100, n_encodings=10, p_encode=[0.5, 1.0])
    >>> c.detection.round(6).tolist(), c.variance.tolist()
    ([0.736924, 0.0], [0.0002, 0.0001])
    """
    l_ = check_int("attacked", attacked, low=1)
    nu = check_pairs(repetitions, "repetitions")
    n = check_n_encodings(n_encodings)
    grid = np.linspace(0.005, 1.0, 199) if p_encode is None else p_encode
    pe = np.atleast_1d(check_p_encode_array(grid))
    return TradeoffCurve(
        p_encode=pe,
        detection=np.atleast_1d(detection_probability(pe, l_)),
        variance=np.atleast_1d(qcrb(pe, nu, n)),
        sql=standard_quantum_limit(nu, n),
        advantage_bound=1.0 / n,
        attacked=l_,
        repetitions=nu,
        n_encodings=n,
        attack_detection={
            a: np.atleast_1d(attack_detection_probability(a, pe, l_)) for a in ATTACKS
        },
    )


@dataclass(frozen=True)
class TradeoffPoint:
    """The best P_E for a detection requirement, and what it delivers."""

    p_encode: float
    detection: float
    variance: float
    sql: float
    quantum_advantage: bool
    attack: str | None


def best_encoding_probability(
    required_detection: float,
    repetitions: int,
    n_encodings: int,
    *,
    attacked: int | None = None,
    attack: Attack | None = None,
) -> TradeoffPoint:
    """Largest P_E whose detection probability still meets ``required_detection`` (module notes).

    Parameters
    ----------
    required_detection : P_D* in [0, 1).
    repetitions : nu, pairs available (the resource budget).
    n_encodings : N.
    attacked : l, particles Eve attacks; None means every pair (``l = nu``).
    attack : None uses eq. 7; otherwise the derived closed form of that attack.

    Returns
    -------
    :class:`TradeoffPoint` with the P_E, its P_D, variance (QCRB), the SQL
    and whether the QCRB beats the SQL (eq. 8).

    Raises
    ------
    ValueError : when no P_E in (0, 1] reaches the requirement.

    Examples
    --------
    >>> pt = best_encoding_probability(0.99, 100, 10)
    >>> round(pt.p_encode, 6), pt.quantum_advantage
    (0.81997, True)
    """
    target = check_probability("required_detection", required_detection)
    nu = check_pairs(repetitions, "repetitions")
    n = check_n_encodings(n_encodings)
    l_ = nu if attacked is None else check_int("attacked", attacked, low=1)
    name = None if attack is None else check_attack(attack)
    if target >= 1.0:
        raise ValueError("required_detection must be < 1: no finite attack is caught surely")
    c_star = -math.expm1(math.log1p(-target) / l_)  # needed per-particle catch probability
    if name is None:
        p = 1.0 - c_star / 0.25
    elif name == "return_phase":
        ratio = c_star / 0.5  # c = (1/2)(1-P_E)/(1+P_E) for beta uniform
        p = (1.0 - ratio) / (1.0 + ratio)
    else:
        kappa = 2.0 * attack_catch_probability(name, 0.5)  # c = kappa (1 - P_E)
        p = 1.0 - c_star / kappa
    if not p > 0.0:
        raise ValueError(
            f"required_detection {target!r} cannot be met against {l_} attacked particles "
            f"({name or 'eq. 7'}) by any P_E in (0, 1]"
        )
    p = min(p, 1.0)
    detection = (
        detection_probability(p, l_) if name is None else attack_detection_probability(name, p, l_)
    )
    variance = qcrb(p, nu, n)
    sql = standard_quantum_limit(nu, n)
    return TradeoffPoint(p, float(detection), float(variance), sql, bool(variance < sql), name)
