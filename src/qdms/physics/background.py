"""Heralding two photons through lossy channels that leak thermal background photons.

Model (Khatri 2022, App. C.2, eq. 260-262, 269-272; Khatri et al. 2021):
each polarisation mode of a receiver passes a beamsplitter of transmittance
``eta`` whose other port carries the truncated thermal state
``Theta = (1 - nbar)|0><0| + nbar|1><1|`` (eq. 260). A station heralds when its
photon-number-resolving detectors see exactly one photon in its two modes
(eq. 270); the pair is heralded when both stations do.

The text lost eq. 273-299; this module re-derives them for a source that
emits a Bell-diagonal pair (or vacuum). For one receiver and a one-photon
input ``|H>``, with ``delta = nbar (1 - eta)`` the chance that a background
photon leaks into a given mode:

* ``alpha = (1 - delta)(eta + delta (1 - 4 eta))`` — heralded as ``|H>``;
* ``beta = delta (1 - eta)(1 - nbar + 2 eta nbar)`` — heralded as ``|V>``;
* ``c = eta (1 - 2 delta)^2`` — the surviving coherence ``|H><V| -> c |H><V|``;
* a vacuum input heralds ``v I`` with ``v = delta (1 - delta)``.

(The ``(2 eta - 1)`` factors hidden in ``alpha`` are Hong-Ou-Mandel
interference between signal and background photons.) For a source
``(1 - p_vac) sum_k q_k Phi_k + p_vac |vac><vac|`` the heralded state is
Bell-diagonal with, writing ``A = a1 a2 + b1 b2``, ``B = a1 b2 + b1 a2``,
``C = c1 c2`` (eq. 278-282, re-derived):

    w(Phi+-) = (1-p_vac) [((q_Phi+ + q_Phi-) A + (q_Psi+ + q_Psi-) B) / 2 +- (q_Phi+ - q_Phi-) C / 2] + p_vac v1 v2
    w(Psi+-) = (1-p_vac) [((q_Phi+ + q_Phi-) B + (q_Psi+ + q_Psi-) A) / 2 +- (q_Psi+ - q_Psi-) C / 2] + p_vac v1 v2

The success probability (eq. 283) is their sum,
``(1 - p_vac)(a1 + b1)(a2 + b2) + 4 p_vac v1 v2``, and the fidelity (eq. 287)
is ``w(Phi+) / p``. The tests check all of this against a Fock-space
simulation of the beamsplitters. With ``nbar = 0`` it reduces to the
pure-loss result ``p = eta1 eta2`` and the source state (eq. 256-257).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_probability, check_probability_array
from ..quantum import check_bell_coefficients

__all__ = [
    "HeraldedPair",
    "background_heralding",
    "receiver_response",
    "thermal_background_state",
]


def thermal_background_state(mean_photon_number: float) -> NDArray[np.float64]:
    """Truncated thermal state ``(1 - nbar)|0><0| + nbar|1><1|`` of one mode (Khatri eq. 260).

    Examples
    --------
    >>> thermal_background_state(0.1)
    array([[0.9, 0. ],
           [0. , 0.1]])
    """
    n = check_probability("mean_photon_number", mean_photon_number)
    return np.diag([1.0 - n, n])


def receiver_response(transmittance: ArrayLike, mean_photon_number: ArrayLike):
    """Single-receiver response ``(alpha, beta, c, v)`` to one photon (see the module notes).

    Vectorised over arrays of ``eta`` and ``nbar`` (broadcast).

    Examples
    --------
    >>> [round(float(x), 12) for x in receiver_response(0.3, 0.0)]
    [0.3, 0.0, 0.3, 0.0]
    """
    eta = check_probability_array("transmittance", transmittance)
    n = check_probability_array("mean_photon_number", mean_photon_number)
    delta = n * (1.0 - eta)
    alpha = (1.0 - delta) * (eta + delta * (1.0 - 4.0 * eta))
    beta = delta * (1.0 - eta) * (1.0 - n + 2.0 * eta * n)
    c = eta * (1.0 - 2.0 * delta) ** 2
    v = delta * (1.0 - delta)
    return alpha, beta, c, v


def _alpha_minus_c(transmittance: ArrayLike, mean_photon_number: ArrayLike):
    """``alpha - c = delta (1 - eta - delta)`` of :func:`receiver_response`, without cancellation."""
    eta = np.asarray(transmittance, dtype=float)
    delta = np.asarray(mean_photon_number, dtype=float) * (1.0 - eta)
    return delta * (1.0 - eta - delta)


@dataclass(frozen=True)
class HeraldedPair:
    """Result of :func:`background_heralding` (arrays when the inputs are arrays).

    Attributes
    ----------
    success_probability : probability that both stations herald (eq. 283).
    bell_coefficients : heralded Bell-diagonal state, last axis ``[Phi+, Psi+, Phi-, Psi-]``.
    fidelity : ``bell_coefficients[..., 0]`` (eq. 287).
    entangled : whether the heralded state is entangled (largest coefficient > 1/2,
        the PPT criterion for Bell-diagonal states; Prop. C.4).
    """

    success_probability: float | NDArray[np.float64]
    bell_coefficients: NDArray[np.float64]
    fidelity: float | NDArray[np.float64]
    entangled: bool | NDArray[np.bool_]


def background_heralding(
    transmittance_a: ArrayLike,
    transmittance_b: ArrayLike,
    *,
    background_photons_a: ArrayLike = 0.0,
    background_photons_b: ArrayLike = 0.0,
    source: ArrayLike = (1.0, 0.0, 0.0, 0.0),
    vacuum_probability: float = 0.0,
) -> HeraldedPair:
    """Heralded two-photon state with loss and thermal background (Khatri Prop. C.3, eq. 283, 287).

    Parameters
    ----------
    transmittance_a, transmittance_b : channel transmittances in [0, 1] (arrays broadcast).
    background_photons_a, background_photons_b : mean background photon number
        ``nbar`` per mode at each station, in [0, 1].
    source : Bell-diagonal coefficients of the emitted pair, ``[Phi+, Psi+, Phi-, Psi-]``.
    vacuum_probability : probability that the source emits nothing.

    Returns
    -------
    HeraldedPair. Where the success probability is 0 the coefficients are
    those of the source (nothing is heralded there).

    Examples
    --------
    >>> pair = background_heralding(0.1, 0.1)
    >>> round(pair.success_probability, 12), round(pair.fidelity, 12)
    (0.01, 1.0)
    >>> pair = background_heralding(0.1, 0.1, background_photons_a=0.01, background_photons_b=0.01)
    >>> round(pair.fidelity, 6), bool(pair.entangled)
    (0.801134, True)
    """
    q = check_bell_coefficients(source, "source", d=2)
    p_vac = check_probability("vacuum_probability", vacuum_probability)
    a1, b1, c1, v1 = receiver_response(transmittance_a, background_photons_a)
    a2, b2, c2, v2 = receiver_response(transmittance_b, background_photons_b)
    # A - C = a1 a2 + b1 b2 - c1 c2 = a1 (a2 - c2) + c2 (a1 - c1) + b1 b2, with
    # a - c = delta (1 - eta - delta) >= 0: formed without cancellation, so a coefficient
    # of 1e-20 (Phi- from a Phi+ source with faint background) keeps its digits.
    d1, d2 = (
        _alpha_minus_c(transmittance_a, background_photons_a),
        _alpha_minus_c(transmittance_b, background_photons_b),
    )
    a_minus_c = a1 * d2 + c2 * d1 + b1 * b2
    big_b = a1 * b2 + b1 * a2
    big_c = c1 * c2
    q_phi, q_psi = q[0] + q[2], q[1] + q[3]
    vac = p_vac * v1 * v2
    # W_x = [q_same (A - C) + q_other B + 2 q_x C] / 2: the same-family Bell states share A,
    # and the coherent part C goes to the one whose source weight it carries.
    w_phi_p = (1 - p_vac) * (q_phi * a_minus_c + q_psi * big_b + 2 * q[0] * big_c) / 2 + vac
    w_phi_m = (1 - p_vac) * (q_phi * a_minus_c + q_psi * big_b + 2 * q[2] * big_c) / 2 + vac
    w_psi_p = (1 - p_vac) * (q_psi * a_minus_c + q_phi * big_b + 2 * q[1] * big_c) / 2 + vac
    w_psi_m = (1 - p_vac) * (q_psi * a_minus_c + q_phi * big_b + 2 * q[3] * big_c) / 2 + vac
    w = np.stack(np.broadcast_arrays(w_phi_p, w_psi_p, w_phi_m, w_psi_m), axis=-1)
    p = w.sum(axis=-1)
    safe = np.where(p > 0, p, 1.0)[..., None]
    coeffs = np.where(p[..., None] > 0, w / safe, q)
    fid = coeffs[..., 0]
    entangled = coeffs.max(axis=-1) > 0.5
    scalar = p.ndim == 0
    return HeraldedPair(
        success_probability=float(p) if scalar else p,
        bell_coefficients=coeffs,
        fidelity=float(fid) if scalar else fid,
        entangled=bool(entangled) if scalar else entangled,
    )
