"""Heralded entanglement generation over lossy channels, detectors and multiplexing.

A source emits a photon pair; each photon is a dual-rail (or k-rail) qudit
that crosses a pure-loss channel of transmittance ``eta``. On the single-photon
encoding the pure-loss channel *is* an erasure channel with erasure
probability ``1 - eta`` (Khatri Lemma C.1), so heralding "both photons
arrived" succeeds with probability ``eta_a eta_b`` and, with perfect
detectors, leaves the source state untouched (Khatri eq. 254-257).

References
----------
Khatri, AVS Quantum Sci. 4, 030501 (2022), App. C.1, Lemma C.1, Remark C.2.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_probability, check_probability_array
from ..quantum import check_density_matrix, erasure_kraus, ket_to_density, max_entangled_ket

__all__ = [
    "dual_rail_heralding",
    "heralded_pair",
    "multiplexed_success_probability",
    "pure_loss_erasure_kraus",
]


def pure_loss_erasure_kraus(transmittance: float, rails: int = 2) -> list[NDArray[np.complex128]]:
    """Kraus operators of a pure-loss channel on a single photon in ``rails`` modes.

    By Khatri Lemma C.1 this is the erasure channel with erasure probability
    ``1 - eta`` whose flag is the vacuum: output dimension ``rails + 1``, the
    last basis vector being ``|vac>``.

    Examples
    --------
    >>> from qdms.quantum import apply_kraus
    >>> np.diag(apply_kraus(np.diag([1.0, 0.0]), pure_loss_erasure_kraus(0.8))).real.round(12)
    array([0.8, 0. , 0.2])
    """
    eta = check_probability("transmittance", transmittance)
    rails = check_int("rails", rails, low=2)
    return erasure_kraus(1.0 - eta, rails)


def heralded_pair(
    state: ArrayLike,
    transmittance_a: float,
    transmittance_b: float,
    *,
    detector_efficiency: float = 1.0,
    dark_count_probability: float = 0.0,
) -> tuple[float, NDArray[np.complex128]]:
    """Success probability and heralded state of a photon pair sent over two lossy channels.

    Model (documented choice; with ideal detectors it is Khatri eq. 254-257):
    each party has one detector per rail and heralds when exactly one of its
    two detectors clicks. A photon arrives and is detected with probability
    ``eta = transmittance * detector_efficiency``; each detector also clicks
    spuriously with probability ``dark_count_probability`` per attempt.
    A party heralds *correctly* when its photon is detected and its other
    detector stays dark, probability ``eta (1 - p_dc)``, and *falsely* when the
    photon is lost and exactly one detector fires dark, probability
    ``(1 - eta) 2 p_dc (1 - p_dc)``; a false herald leaves that party's qubit
    maximally mixed and uncorrelated. The two parties herald independently.

    Parameters
    ----------
    state : two-qubit source state (4 x 4), qubit A first.
    transmittance_a, transmittance_b : channel transmittances in [0, 1].
    detector_efficiency : in [0, 1].
    dark_count_probability : per detector and attempt, in [0, 1].

    Returns
    -------
    (success_probability, state) with the heralded 4 x 4 state. When the
    success probability is 0 the returned state is the source state.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> p, rho = heralded_pair(werner_state(1.0), 0.1, 0.2)
    >>> round(p, 12)
    0.02
    >>> p, rho = heralded_pair(werner_state(1.0), 0.1, 0.1, dark_count_probability=1e-3)
    >>> round(float(np.real(rho[0, 0] + rho[3, 3] + rho[0, 3] + rho[3, 0]) / 2), 6)
    0.973712
    """
    rho = check_density_matrix(state, "state", dim=4)
    eta_d = check_probability("detector_efficiency", detector_efficiency)
    p_dc = check_probability("dark_count_probability", dark_count_probability)
    real, fake = [], []
    for name, value in (("transmittance_a", transmittance_a), ("transmittance_b", transmittance_b)):
        eta = check_probability(name, value) * eta_d
        real.append(eta * (1.0 - p_dc))
        fake.append((1.0 - eta) * 2.0 * p_dc * (1.0 - p_dc))
    p = (real[0] + fake[0]) * (real[1] + fake[1])
    if p == 0.0:
        return 0.0, rho
    rho_a = np.einsum("ajbj->ab", rho.reshape(2, 2, 2, 2))
    rho_b = np.einsum("jajb->ab", rho.reshape(2, 2, 2, 2))
    half = np.eye(2) / 2
    out = (
        real[0] * real[1] * rho
        + real[0] * fake[1] * np.kron(rho_a, half)
        + fake[0] * real[1] * np.kron(half, rho_b)
        + fake[0] * fake[1] * np.eye(4) / 4
    )
    return float(p), out / p


def dual_rail_heralding(
    transmittance_a: float, transmittance_b: float
) -> tuple[float, NDArray[np.complex128]]:
    """Ideal ``Phi+`` source, dual-rail photons over two pure-loss channels (Khatri Lemma C.1).

    Heralded when both photons arrive: success probability ``eta_a eta_b``
    and the heralded state is ``Phi+`` (Khatri eq. 256-257).

    Examples
    --------
    >>> p, rho = dual_rail_heralding(0.5, 0.5)
    >>> p, rho.shape
    (0.25, (4, 4))
    """
    return heralded_pair(ket_to_density(max_entangled_ket(2)), transmittance_a, transmittance_b)


def multiplexed_success_probability(p: float | ArrayLike, modes: int):
    """Probability ``1 - (1 - p)^M`` that at least one of ``M`` multiplexed modes succeeds.

    Computed as ``-expm1(M log1p(-p))``, accurate for ``p`` down to 1e-20
    (Khatri Remark C.2).

    Examples
    --------
    >>> print(f"{multiplexed_success_probability(1e-20, 1000):.12g}")
    1e-17
    >>> multiplexed_success_probability([0.5, 1.0], 2)
    array([0.75, 1.  ])
    """
    arr = check_probability_array("p", p)
    m = check_int("modes", modes, low=1)
    safe = np.where(arr >= 1.0, 0.0, arr)  # log1p(-1) = -inf: p = 1 is handled apart
    out = np.where(arr >= 1.0, 1.0, -np.expm1(m * np.log1p(-safe)))
    return float(out) if out.ndim == 0 else out
