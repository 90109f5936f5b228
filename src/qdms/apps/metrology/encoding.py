"""Sequential phase encoding on a Bell pair: states, Bell-basis statistics, Fisher informations.

Conventions
-----------
* A pair is a 4 x 4 density matrix in ``numpy.kron`` order with Alice's qubit
  A first and Bob's qubit B second. The ideal pair is |Phi+> (Rahim et al.
  eq. 4); a network link delivers any two-qubit state, most often the Werner
  state ``w Phi+ + (1-w) I/4`` of fidelity ``F = (1+3w)/4`` (API.md).
* One encoding is ``U_E = |0><0| + e^{i phi}|1><1|`` on B (Rahim et al.,
  protocol step 3); N sequential encodings give ``U_E^N = diag(1, e^{i N phi})``
  and the total phase ``theta = N phi`` (eq. 6).
* Bell outcomes are ordered ``[Phi+, Psi+, Phi-, Psi-]`` (index z*2 + x,
  DESIGN.md). The paper's Bell observable
  ``B = |0><1|^{(x)2} + |1><0|^{(x)2} = |Phi+><Phi+| - |Phi-><Phi-|``.
* Optional memory noise: Bob's qubit dephases, ``rho -> (1-p) rho + p Z rho Z``,
  once per encoding step, so its coherence shrinks by ``eta = (1-2p)^N``.
  Dephasing commutes with ``U_E``, so the order of noise and encodings does
  not matter.

Phase response
--------------
``U_E^N`` multiplies the entry ``<ab|rho|a'b'>`` by ``e^{i theta (b - b')}``,
so every Bell probability of the encoded pair is a first-order trigonometric
polynomial, ``p_k(theta) = alpha_k + Re(c_k e^{i theta})`` with
``alpha_k = <Phi_k|rho_0|Phi_k>`` (the part with ``b = b'``) and
``c_k = 2 <Phi_k|rho_+|Phi_k>`` (the part with ``b = 1, b' = 0``). For a
Werner pair ``alpha = [(1+w)/4, (1-w)/4, (1+w)/4, (1-w)/4]`` and
``c = [eta w/2, 0, -eta w/2, 0]``.

Where the paper is wrong
------------------------
Rahim et al. (Precision section) give ``<B> = cos(phi)`` and
``delta^2 B = sin(phi)``. On the encoded state (6) they are
``<B> = cos(N phi)`` and ``Var B = sin^2(N phi)``; only then does error
propagation (eq. 3) give the bound (5), ``1/(P_E nu N^2)``.

References
----------
Rahim, Khan, Khalid, ur Rehman, Jung, Shin, Sci. Rep. 13, 11630 (2023), eq. 1-6.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..._probability import some_of
from ...quantum import bell_basis, partial_trace
from ._checks import (
    as_float_or_array,
    check_dephasing,
    check_link_state,
    check_n_encodings,
    check_phi,
    check_phi_array,
    check_werner,
)

__all__ = [
    "BELL_LABELS",
    "bell_measurement_fisher_information",
    "bell_observable",
    "bell_probabilities",
    "bell_probabilities_of_state",
    "eavesdropper_state",
    "encoded_state",
    "encoded_state_derivative",
    "encoding_unitary",
    "phase_response",
    "quantum_fisher_information",
]

#: Labels of the Bell outcomes in index order z*2 + x.
BELL_LABELS: tuple[str, str, str, str] = ("Phi+", "Psi+", "Phi-", "Psi-")

#: Projector |1><1| on Bob's qubit, embedded in the pair (I (x) |1><1|).
_P1_B = np.kron(np.eye(2), np.diag([0.0, 1.0])).astype(complex)
#: Mask of the pair entries with b = 1, b' = 0 (they pick up e^{+i theta}).
_B_IDX = np.array([0, 1, 0, 1])
_PLUS_MASK = (_B_IDX[:, None] == 1) & (_B_IDX[None, :] == 0)
_MINUS_MASK = _PLUS_MASK.T
_BELL = bell_basis(2)


def _coherence_factor(n: int, p: float) -> float:
    return (1.0 - 2.0 * p) ** n


def _coherence_loss(n: int, p: float) -> float:
    """``1 - eta^2 = 1 - (1 - 2p)^{2N}`` without cancellation (p = 1e-12 keeps its digits)."""
    return float(some_of(2.0 * p, 2 * n))


def _encoded_cos_sin(n: int, phi, *, half: bool = False):
    """``(cos theta, sin theta)`` of ``theta = N phi`` (or ``theta / 2``), exact to the last digits.

    ``N * phi`` rounds, and near ``theta = pi`` (the edge of the identifiability
    interval) or ``cos theta = 0`` that rounding is all of ``sin theta`` or
    ``cos theta``. The product's rounding error ``lo`` is recovered exactly
    (Dekker's two-product) and applied to first order:
    ``sin(hi + lo) = sin hi + lo cos hi``, ``cos(hi + lo) = cos hi - lo sin hi``.
    """
    a = np.asarray(phi, dtype=float)
    hi = n * a
    split = 134217729.0 * a  # Veltkamp: a = a1 + a2 with 26-bit halves (n is an exact integer)
    a1 = split - (split - a)
    a2 = a - a1
    lo = ((n * a1 - hi) + n * a2) if n < 2**26 else np.zeros_like(hi)
    if half:
        hi, lo = hi / 2, lo / 2
    c, s = np.cos(hi), np.sin(hi)
    return c - lo * s, s + lo * c


def _phi_weights(w: float, n: int, p: float, phi):
    """``(P(Phi+), P(Phi-))`` of the encoded pair, ``(1+w)/4 +- v cos(theta)/2``, regrouped.

    With ``cos theta = 2 cos^2(theta/2) - 1 = 1 - 2 sin^2(theta/2)`` and ``v = w eta``:
    for ``v >= 0``, ``P(Phi+) = (1 + w - 2v)/4 + v cos^2(theta/2)`` with
    ``1 + w - 2v = (1 - w) + 2 w (1 - eta)``; for ``v < 0`` the roles of the half-angle
    terms swap. Every term is nonnegative: a ``P(Phi-)`` of 2.5e-25 (``phi = 1e-12``)
    keeps its digits, where ``(1 - cos theta)/2`` gives 0.
    """
    v = w * _coherence_factor(n, p)
    one_minus_eta = float(some_of(2.0 * p, n))
    c, s = _encoded_cos_sin(n, phi, half=True)
    c2, s2 = c * c, s * s
    if v >= 0:
        base = ((1 - w) + 2 * w * one_minus_eta) / 4
        return base + v * c2, base + v * s2
    # w < 0: 1 + w + 2v = (1 + 3w) + 2|w|(1 - eta), and 1 + 3w = (1 + 2w) + w is exact in
    # floating point (Sterbenz), so w = -1/3 + 1e-12 keeps its digits
    base = (((1 + 2 * w) + w) - 2 * w * one_minus_eta) / 4
    return base - v * s2, base - v * c2


def encoding_unitary(n_encodings: int, phi: float) -> NDArray[np.complex128]:
    """``U_E^N = diag(1, e^{i N phi})`` on Bob's qubit (Rahim et al., protocol step 3).

    Parameters
    ----------
    n_encodings : N >= 1, number of sequential applications of ``U_E``.
    phi : the encoded phase in radians (finite).

    Returns
    -------
    2 x 2 complex array.

    Examples
    --------
    >>> np.allclose(encoding_unitary(2, np.pi / 4), np.diag([1, 1j]))
    True
    """
    n = check_n_encodings(n_encodings)
    ph = check_phi(phi)
    return np.diag([1.0, np.exp(1j * n * ph)])


def encoded_state(
    n_encodings: int,
    phi: float,
    *,
    link_state: ArrayLike | None = None,
    dephasing_per_encoding: float = 0.0,
) -> NDArray[np.complex128]:
    """The pair after Bob's N encodings: ``(I (x) U_E^N) rho (I (x) U_E^N)^dag`` (eq. 6).

    Parameters
    ----------
    n_encodings : N >= 1.
    phi : phase in radians.
    link_state : 4 x 4 pair state (A first); None is |Phi+>.
    dephasing_per_encoding : dephasing probability p of Bob's qubit per encoding, in [0, 1/2].

    Returns
    -------
    4 x 4 density matrix (A first).

    Examples
    --------
    >>> rho = encoded_state(3, np.pi / 3)   # N phi = pi: |Phi+> -> |Phi->
    >>> round(float(rho[0, 3].real), 12)
    -0.5
    """
    n = check_n_encodings(n_encodings)
    ph = check_phi(phi)
    rho = check_link_state(link_state)
    eta = _coherence_factor(n, check_dephasing(dephasing_per_encoding))
    out = rho.copy()
    out[_PLUS_MASK] *= eta * np.exp(1j * n * ph)
    out[_MINUS_MASK] *= eta * np.exp(-1j * n * ph)
    return out


def encoded_state_derivative(
    n_encodings: int,
    phi: float,
    *,
    link_state: ArrayLike | None = None,
    dephasing_per_encoding: float = 0.0,
) -> NDArray[np.complex128]:
    """Exact ``d rho / d phi = i N [I (x) |1><1|, rho(phi)]`` of :func:`encoded_state`.

    Parameters
    ----------
    n_encodings, phi, link_state, dephasing_per_encoding : as in :func:`encoded_state`.

    Returns
    -------
    4 x 4 Hermitian, traceless matrix.

    Examples
    --------
    >>> d = encoded_state_derivative(2, 0.0)
    >>> np.allclose(d, 1j * np.array([[0, 0, 0, -1], [0] * 4, [0] * 4, [1, 0, 0, 0]]))
    True
    """
    n = check_n_encodings(n_encodings)
    rho = encoded_state(
        n, phi, link_state=link_state, dephasing_per_encoding=dephasing_per_encoding
    )
    return 1j * n * (_P1_B @ rho - rho @ _P1_B)


def phase_response(
    state: ArrayLike, *, coherence: float = 1.0
) -> tuple[NDArray[np.float64], NDArray[np.complex128]]:
    """Coefficients ``(alpha, c)`` with ``p_k(theta) = alpha_k + Re(c_k e^{i theta})``.

    ``p_k(theta)`` is the probability of Bell outcome k when Bob's qubit of
    ``state`` is rotated by ``diag(1, e^{i theta})`` (see the module notes).
    ``coherence`` multiplies ``c`` (memory dephasing, ``eta``).

    Parameters
    ----------
    state : 4 x 4 pair state (A first).
    coherence : factor in [0, 1] applied to ``c``.

    Returns
    -------
    (alpha, c): real and complex arrays of length 4, outcomes ``[Phi+, Psi+, Phi-, Psi-]``.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> alpha, c = phase_response(werner_state(1.0))
    >>> alpha.round(6).tolist(), c.real.round(6).tolist()
    ([0.5, 0.0, 0.5, 0.0], [0.5, 0.0, -0.5, 0.0])
    """
    rho = check_link_state(state, "state")
    rho0 = np.where(_PLUS_MASK | _MINUS_MASK, 0.0, rho)
    rho_plus = np.where(_PLUS_MASK, rho, 0.0)
    alpha = np.einsum("ik,ij,jk->k", _BELL.conj(), rho0, _BELL).real
    c = 2.0 * coherence * np.einsum("ik,ij,jk->k", _BELL.conj(), rho_plus, _BELL)
    return alpha, c


def bell_probabilities_of_state(state: ArrayLike, total_phase: ArrayLike) -> NDArray[np.float64]:
    """Bell-outcome probabilities after ``diag(1, e^{i theta})`` on Bob's qubit of ``state``.

    Parameters
    ----------
    state : 4 x 4 pair state.
    total_phase : theta (scalar or array) in radians, e.g. ``N phi`` or ``N phi + beta``.

    Returns
    -------
    Array of shape ``theta.shape + (4,)``, outcomes ``[Phi+, Psi+, Phi-, Psi-]``.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> bell_probabilities_of_state(werner_state(1.0), np.pi / 2).round(6)
    array([0.5, 0. , 0.5, 0. ])
    """
    alpha, c = phase_response(state)
    theta = check_phi_array(total_phase, "total_phase")
    return alpha + (c * np.exp(1j * theta[..., None])).real


def bell_probabilities(
    n_encodings: int,
    phi: ArrayLike,
    *,
    werner_parameter: float = 1.0,
    dephasing_per_encoding: float = 0.0,
) -> NDArray[np.float64]:
    """Closed-form Bell-outcome probabilities of an encoded Werner pair.

    With ``theta = N phi`` and ``v = eta w``:
    ``P(Phi+-) = (1+w)/4 +- (v/2) cos(theta)``, ``P(Psi+) = P(Psi-) = (1-w)/4``.
    For ``w = 1`` (|Phi+>): ``cos^2(theta/2)`` and ``sin^2(theta/2)``.

    Parameters
    ----------
    n_encodings : N >= 1.
    phi : phase in radians (scalar or array).
    werner_parameter : w in [-1/3, 1].
    dephasing_per_encoding : p in [0, 1/2].

    Returns
    -------
    Array of shape ``phi.shape + (4,)``.

    Examples
    --------
    >>> bell_probabilities(2, np.pi / 6).round(6)
    array([0.75, 0.  , 0.25, 0.  ])
    """
    n = check_n_encodings(n_encodings)
    ph = check_phi_array(phi)
    w = check_werner(werner_parameter)
    p = check_dephasing(dephasing_per_encoding)
    out = np.empty(ph.shape + (4,))
    out[..., 0], out[..., 2] = _phi_weights(w, n, p, ph)
    out[..., 1] = out[..., 3] = (1 - w) / 4
    return out


def bell_observable(
    n_encodings: int,
    phi: ArrayLike,
    *,
    werner_parameter: float = 1.0,
    dephasing_per_encoding: float = 0.0,
):
    """Mean and variance of the Bell observable ``B = Phi+ - Phi-`` on the encoded pair.

    ``<B> = v cos(N phi)`` and ``Var B = (1+w)/2 - v^2 cos^2(N phi)`` with
    ``v = eta w``; for |Phi+> this is ``(cos(N phi), sin^2(N phi))``.
    The paper prints ``cos(phi)`` and ``sin(phi)`` (typos, see module notes).

    Parameters
    ----------
    n_encodings : N >= 1.
    phi : phase in radians (scalar or array).
    werner_parameter : w in [-1/3, 1] of the link pair.
    dephasing_per_encoding : memory dephasing probability per encoding, in [0, 1/2].

    Returns
    -------
    (mean, variance), floats or arrays shaped like ``phi``.

    Examples
    --------
    >>> m, v = bell_observable(2, np.pi / 8)
    >>> round(m, 12), round(v, 12)
    (0.707106781187, 0.5)
    """
    n = check_n_encodings(n_encodings)
    ph = check_phi_array(phi)
    w = check_werner(werner_parameter)
    p = check_dephasing(dephasing_per_encoding)
    v = w * _coherence_factor(n, p)
    cos, sin = _encoded_cos_sin(n, ph)
    mean = v * cos
    # (1+w)/2 - v^2 cos^2 = (1-w)(1+2w)/2 + w^2 (1 - eta^2) + v^2 sin^2: no term cancels
    # (w = 1 - 1e-12 or a dephasing of 1e-12 keep their digits; the pure case is sin^2).
    var = ((1 - w) * (1 + 2 * w) / 2 + w * w * _coherence_loss(n, p)) + v * v * sin**2
    return as_float_or_array(mean), as_float_or_array(var)


def quantum_fisher_information(
    n_encodings: int,
    phi: ArrayLike,
    *,
    werner_parameter: float = 1.0,
    dephasing_per_encoding: float = 0.0,
):
    """QFI about ``phi`` of one encoded pair: ``F_Q = 2 eta^2 w^2 N^2 / (1 + w)``.

    Derivation: on the span of |00>, |11> the encoded Werner pair is
    ``[[a, c e^{-i theta}], [c e^{i theta}, a]]`` with ``a = (1+w)/4`` and
    ``c = eta w / 2``; elsewhere it is ``(1-w)/4`` times the identity, which the
    phase leaves unchanged. The eigenvalues are ``a +- c`` and the generator
    ``N |1><1|_B`` couples the two eigenvectors with amplitude ``N/2``, so
    ``F_Q = 2 sum_{i != j} (l_i - l_j)^2/(l_i + l_j) |H_ij|^2 = 2 * 2 * (2c)^2/(2a) * (N/2)^2
    = 2 c^2 N^2 / a`` (the SLD QFI of eq. 1 for a unitary family).
    It is ``N^2`` for |Phi+> (eq. 5 per pair) and independent of ``phi``.

    Parameters
    ----------
    n_encodings : N >= 1.
    phi : phase in radians (scalar or array; the QFI does not depend on it).
    werner_parameter : w in [-1/3, 1] of the link pair.
    dephasing_per_encoding : memory dephasing probability per encoding, in [0, 1/2].

    Returns
    -------
    QFI in rad^-2 per encoded pair: a float, or an array shaped like ``phi``.

    Examples
    --------
    >>> quantum_fisher_information(4, 0.1)
    16.0
    >>> round(quantum_fisher_information(4, 0.1, werner_parameter=0.8), 12)
    11.377777777778
    """
    n = check_n_encodings(n_encodings)
    ph = check_phi_array(phi)
    w = check_werner(werner_parameter)
    v = w * _coherence_factor(n, check_dephasing(dephasing_per_encoding))
    value = 2 * v * v * n * n / (1 + w)
    return as_float_or_array(np.full(ph.shape, value))


def bell_measurement_fisher_information(
    n_encodings: int,
    phi: ArrayLike,
    *,
    werner_parameter: float = 1.0,
    dephasing_per_encoding: float = 0.0,
):
    """Classical Fisher information of Alice's Bell measurement on one encoded pair.

    From the probabilities of :func:`bell_probabilities` (the Psi outcomes do
    not depend on ``phi``), ``F = sum_k (d p_k / d phi)^2 / p_k`` is

        F_B = 2 v^2 N^2 (1+w) sin^2(theta) / ((1+w)^2 sin^2(theta) + D cos^2(theta)),

    with ``theta = N phi``, ``v = eta w`` and ``D = (1+w)^2 - 4 v^2 >= 0``. When
    ``D = 0`` (|Phi+>, or ``w = -1/3`` without dephasing) it is the constant
    ``2 v^2 N^2 / (1+w)`` (``N^2`` for |Phi+>), its continuous extension at
    ``sin(theta) = 0``; then the Bell measurement attains the QFI at every phase.
    For ``D > 0`` it equals the QFI only at ``cos(theta) = 0`` and vanishes at
    ``sin(theta) = 0``.

    Parameters
    ----------
    n_encodings : N >= 1.
    phi : phase in radians (scalar or array).
    werner_parameter : w in [-1/3, 1] of the link pair.
    dephasing_per_encoding : memory dephasing probability per encoding, in [0, 1/2].

    Returns
    -------
    Fisher information in rad^-2 per encoded pair: a float, or an array shaped like ``phi``.

    Examples
    --------
    >>> bell_measurement_fisher_information(3, 0.2)
    9.0
    >>> round(bell_measurement_fisher_information(3, np.pi / 6, werner_parameter=0.8), 12)
    6.4
    """
    n = check_n_encodings(n_encodings)
    ph = check_phi_array(phi)
    w = check_werner(werner_parameter)
    p = check_dephasing(dephasing_per_encoding)
    v = w * _coherence_factor(n, p)
    # (1+w)^2 - 4v^2 without cancelling; 1 + 3w = (1 + 2w) + w is exact (Sterbenz)
    d = (1 - w) * ((1 + 2 * w) + w) + 4 * w * w * _coherence_loss(n, p)
    if d <= 0.0:
        return as_float_or_array(np.full(ph.shape, 2 * v * v * n * n / (1 + w)))
    cos, sin = _encoded_cos_sin(n, ph)
    s2, c2 = sin**2, cos**2
    value = 2 * v * v * n * n * (1 + w) * s2 / ((1 + w) ** 2 * s2 + d * c2)
    return as_float_or_array(value)


def eavesdropper_state(
    n_encodings: int, phi: float, *, link_state: ArrayLike | None = None
) -> NDArray[np.complex128]:
    """State of an encoded particle on its way back to Alice: ``Tr_A`` of the encoded pair.

    For |Phi+> it is ``I/2`` whatever ``phi`` (Rahim et al., Security,
    scenario 2): the phase lives only in the correlation with Alice's qubit, so
    Eve learns nothing about ``phi`` from the returning particle. The same holds
    for every link whose Bob marginal ``rho_B`` is diagonal in Z (Werner and all
    Bell-diagonal pairs, amplitude-damped pairs). In general Eve holds
    ``U_E^N rho_B U_E^N^dag``: a link whose ``rho_B`` has a coherence
    ``<0|rho_B|1> != 0`` leaks ``phi`` through its phase.

    Parameters
    ----------
    n_encodings : N >= 1.
    phi : phase in radians.
    link_state : 4 x 4 pair state; None is |Phi+>.

    Returns
    -------
    2 x 2 density matrix of Bob's qubit after encoding.

    Examples
    --------
    >>> np.allclose(eavesdropper_state(5, 0.7), np.eye(2) / 2)
    True
    """
    rho = encoded_state(n_encodings, phi, link_state=link_state)
    return partial_trace(rho, [1], [2, 2])
