"""Precision over noisy network links: what noise costs, and how many encodings are worth it.

Model: the link delivers a Werner pair of parameter ``w`` (fidelity
``F = (1+3w)/4``), and Bob's qubit dephases with probability ``p`` per
encoding step while it is held for the N encodings (coherence
``eta = (1-2p)^N``). Per encoded pair (:func:`.encoding.quantum_fisher_information`)

    F_Q(N) = 2 eta^2 w^2 N^2 / (1 + w) = 2 w^2 N^2 x^N / (1 + w),   x = (1-2p)^2.

* Precision lost: the QCRB grows by ``F_Q(ideal)/F_Q = (1+w)/(2 eta^2 w^2)``.
* Quantum advantage over the SQL ``1/(nu N)`` needs ``P_E F_Q(N) > N``, i.e.
  ``P_E > (1+w)/(2 w^2 eta^2 N)`` (eq. 8, ``P_E > 1/N``, when ``w = 1``, ``p = 0``).
* Without memory dephasing ``F_Q`` grows like ``N^2`` for every ``w > 0``,
  and the only limit on N is the identifiability interval: ``phi`` must lie
  in ``[0, pi/N]``, so a prior range ``[0, phi_max]`` allows ``N <= pi/phi_max``.
* With dephasing, ``N^2 x^N`` peaks at ``N = 2/(-ln x) = 1/gamma``,
  ``gamma = -ln(1-2p)`` (:func:`best_n_encodings`): beyond it each extra
  encoding loses information. The advantage condition ``N x^N > (1+w)/(2 w^2 P_E)``
  holds on an interval of N whose upper end is the largest N still worth
  using (:func:`largest_useful_n_encodings`).
"""

from __future__ import annotations

import math

from ..._validation import check_positive
from ._checks import check_dephasing, check_n_encodings, check_p_encode, check_werner
from .encoding import quantum_fisher_information

__all__ = [
    "advantage_threshold",
    "best_n_encodings",
    "largest_useful_n_encodings",
    "precision_loss",
]


def precision_loss(
    werner_parameter: float, *, n_encodings: int = 1, dephasing_per_encoding: float = 0.0
) -> float:
    """Factor ``(1+w)/(2 eta^2 w^2)`` by which noise multiplies the QCRB (inf if no information).

    Parameters
    ----------
    werner_parameter : w in [-1/3, 1] (``w = (4F-1)/3`` for fidelity F).
    n_encodings : N >= 1.
    dephasing_per_encoding : p in [0, 1/2].

    Returns
    -------
    Factor >= 1 (``math.inf`` when the pairs carry no information).

    Examples
    --------
    >>> round(precision_loss(0.9), 12)
    1.172839506173
    """
    w = check_werner(werner_parameter)
    n = check_n_encodings(n_encodings)
    fq = quantum_fisher_information(
        n, 0.0, werner_parameter=w, dephasing_per_encoding=dephasing_per_encoding
    )
    return math.inf if fq == 0 else n * n / fq


def advantage_threshold(
    n_encodings: int, *, werner_parameter: float = 1.0, dephasing_per_encoding: float = 0.0
) -> float:
    """The P_E above which the protocol beats the SQL: ``N / F_Q(N)`` (eq. 8 gives ``1/N``).

    A value above 1 means that no P_E gives an advantage.

    Parameters
    ----------
    n_encodings : N >= 1.
    werner_parameter : w in [-1/3, 1].
    dephasing_per_encoding : p in [0, 1/2].

    Returns
    -------
    Threshold on P_E (``math.inf`` when the pairs carry no information).

    Examples
    --------
    >>> advantage_threshold(10)
    0.1
    >>> round(advantage_threshold(10, werner_parameter=0.8), 12)
    0.140625
    """
    n = check_n_encodings(n_encodings)
    fq = quantum_fisher_information(
        n,
        0.0,
        werner_parameter=werner_parameter,
        dephasing_per_encoding=dephasing_per_encoding,
    )
    return math.inf if fq == 0 else n / fq


def best_n_encodings(
    *,
    werner_parameter: float = 1.0,
    dephasing_per_encoding: float = 0.0,
    n_max: int | None = None,
) -> int:
    """N maximising the QFI per encoded pair, ``N^2 (1-2p)^{2N}`` (at most ``n_max``).

    The continuous maximum is at ``1/gamma``, ``gamma = -ln(1-2p)``; the better
    of its floor and ceiling is returned (the smaller on a tie). Without dephasing the QFI grows
    without bound and ``n_max`` (e.g. ``floor(pi/phi_max)``) is required.

    Parameters
    ----------
    werner_parameter : w in [-1/3, 1] (does not move the optimum).
    dephasing_per_encoding : p in [0, 1/2].
    n_max : upper bound on N, or None.

    Returns
    -------
    N >= 1.

    Examples
    --------
    >>> best_n_encodings(dephasing_per_encoding=0.01)
    49
    """
    check_werner(werner_parameter)
    p = check_dephasing(dephasing_per_encoding)
    cap = None if n_max is None else check_n_encodings(n_max, "n_max")
    if p == 0.0:
        if cap is None:
            raise ValueError(
                "without dephasing (dephasing_per_encoding = 0) the QFI grows with every N; "
                "give n_max, e.g. floor(pi / phi_max) from the identifiability interval"
            )
        return cap
    if p == 0.5:
        return 1  # every encoding erases the phase; nothing is gained
    gamma = -math.log1p(-2 * p)
    star = 1.0 / gamma
    lo, hi = max(1, math.floor(star)), max(1, math.ceil(star))

    def log_qfi(n: int) -> float:
        return 2 * math.log(n) - 2 * gamma * n

    # On a tie (e.g. p = 1/(2(N+1)) ties N and N+1) the smaller N: fewer encodings.
    best = hi if log_qfi(hi) > log_qfi(lo) + 1e-12 else lo
    return best if cap is None else min(best, cap)


def largest_useful_n_encodings(
    p_encode: float,
    *,
    werner_parameter: float = 1.0,
    dephasing_per_encoding: float = 0.0,
    phi_max: float | None = None,
) -> int:
    """Largest N for which the noisy protocol still beats the SQL; 0 if none does.

    Advantage at N means ``P_E F_Q(N) > N`` (module notes); ``phi_max`` (the
    largest phase to identify, radians) adds ``N <= pi/phi_max``. Without
    dephasing the advantage only improves with N, so ``phi_max`` is required.

    Parameters
    ----------
    p_encode : P_E in (0, 1].
    werner_parameter : w in [-1/3, 1].
    dephasing_per_encoding : p in [0, 1/2].
    phi_max : largest phase to identify, radians (> 0), or None.

    Returns
    -------
    N >= 0 (0: no N beats the SQL).

    Examples
    --------
    >>> largest_useful_n_encodings(0.5, dephasing_per_encoding=0.01)
    95
    >>> largest_useful_n_encodings(0.5, phi_max=0.1)
    31
    """
    pe = check_p_encode(p_encode)
    w = check_werner(werner_parameter)
    p = check_dephasing(dephasing_per_encoding)
    cap = None
    if phi_max is not None:
        cap = max(0, math.floor(math.pi / check_positive("phi_max", phi_max)))
    if w == 0.0 or p == 0.5:
        return 0
    k = (1 + w) / (2 * w * w * pe)  # advantage iff N x^N > k

    def useful(n: int) -> bool:
        return (
            pe * quantum_fisher_information(n, 0.0, werner_parameter=w, dephasing_per_encoding=p)
            > n
        )

    if p == 0.0:
        if cap is None:
            raise ValueError(
                "without dephasing every N above the advantage threshold is useful; "
                "give phi_max (the identifiability interval bounds N by pi/phi_max)"
            )
        return cap if cap >= 1 and cap > k else 0
    gamma = -math.log1p(-2 * p)
    peak = max(1, round(1 / (2 * gamma)))  # N x^N peaks at 1/(2 gamma)
    if not useful(peak):
        peak_alt = [n for n in (peak - 1, peak + 1) if n >= 1 and useful(n)]
        if not peak_alt:
            return 0
        peak = max(peak_alt)
    lo, hi = peak, peak + 1
    while useful(hi):  # beyond the peak N x^N decreases: bracket the last useful N
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if useful(mid):
            lo = mid
        else:
            hi = mid
    if cap is not None and cap < lo:  # the useful N form an interval ending at lo
        return cap if cap >= 1 and useful(cap) else 0
    return lo
