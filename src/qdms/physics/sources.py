"""Entanglement sources: the ideal Bell source and the (truncated) SPDC state.

A polarisation-entangled SPDC source acts as a two-mode squeezer on each
polarisation (Khatri 2022, eq. 231-233; Kok and Braunstein 2000). With
squeezing ``r`` it emits ``n`` pairs with probability
``p_n = (n + 1) tanh^{2n}(r) / cosh^4(r)``, in the state

    |Phi_n> = sum_{k=0}^{n} |n-k, k>_A |n-k, k>_B / sqrt(n + 1)

(occupations of the H and V modes at each station); ``|Phi_1>`` is the dual-rail
``Phi+`` (eq. 234). Truncating at ``n <= n_max`` and renormalising gives the
approximate source of eq. 233.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .._validation import check_int, check_nonnegative
from ..quantum import ket_to_density, max_entangled_ket

__all__ = ["bell_source", "spdc_pair_probabilities", "spdc_state"]


def bell_source() -> NDArray[np.complex128]:
    """The ideal source state ``Phi+`` as a 4 x 4 density matrix (Khatri eq. 234).

    Examples
    --------
    >>> bell_source().real.round(1)[0]
    array([0.5, 0. , 0. , 0.5])
    """
    return ket_to_density(max_entangled_ket(2))


def spdc_pair_probabilities(squeezing: float, max_pairs: int | None = None) -> NDArray[np.float64]:
    """Probabilities ``p_n = (n + 1) tanh^{2n}(r) / cosh^4(r)`` of emitting ``n`` pairs.

    With ``max_pairs`` the list stops at ``n = max_pairs`` (not renormalised);
    without it, it runs until the remaining mass is below 1e-16.

    Examples
    --------
    >>> spdc_pair_probabilities(0.1, 2).round(6).tolist()
    [0.980231, 0.019475, 0.00029]
    """
    r = check_nonnegative("squeezing", squeezing)
    x = np.tanh(r) ** 2
    if max_pairs is None:
        n_max = 0
        while (
            1.0 - np.sum((np.arange(n_max + 1) + 1) * x ** np.arange(n_max + 1)) * (1 - x) ** 2
            > 1e-16
        ):
            n_max += 1
            if n_max > 10_000:
                raise ValueError(
                    f"squeezing={squeezing!r} is too large to sum the pair distribution"
                )
    else:
        n_max = check_int("max_pairs", max_pairs, low=0)
    n = np.arange(n_max + 1)
    return (n + 1) * x**n * (1 - x) ** 2  # 1 - tanh^2 = 1/cosh^2


def spdc_state(squeezing: float, max_pairs: int = 2) -> NDArray[np.complex128]:
    """Truncated SPDC ket over the modes ``(A_H, A_V, B_H, B_V)`` (Khatri eq. 233).

    The ket lives in the Fock space with ``max_pairs + 1`` levels per mode,
    index order as in ``numpy.ravel_multi_index`` over the four occupations,
    renormalised after truncation.

    Examples
    --------
    >>> psi = spdc_state(0.1, max_pairs=1)
    >>> idx = lambda *occ: np.ravel_multi_index(occ, (2, 2, 2, 2))
    >>> round(float(abs(psi[idx(1, 0, 1, 0)]) ** 2 / abs(psi[idx(0, 1, 0, 1)]) ** 2), 12)
    1.0
    """
    n_max = check_int("max_pairs", max_pairs, low=0)
    probs = spdc_pair_probabilities(squeezing, n_max)
    levels = n_max + 1
    ket = np.zeros((levels,) * 4, dtype=complex)
    for n, pn in enumerate(probs):
        for k in range(n + 1):
            ket[n - k, k, n - k, k] = np.sqrt(pn / (n + 1))
    ket = ket.reshape(-1)
    return ket / np.linalg.norm(ket)
