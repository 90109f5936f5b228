"""Exact outcome probabilities of every particle type in a QSM run (what the sampler draws from).

A particle's fate depends on its role (verification in Z or X, encoding,
decoy) and on whether Eve attacked it. For each case this module gives the
distribution of the outcome recorded by the protocol, computed from the
two-qubit state Alice and Bob end up sharing:

* verification: the joint outcome ``(a, b)`` of Alice and Bob in the chosen
  basis, index ``2a + b`` (``0`` = |0> or |+>); it is a mismatch for
  indices 1 and 2;
* decoy and encoded pairs: Alice's Bell outcome ``[Phi+, Psi+, Phi-, Psi-]``,
  as ``p(beta) = alpha + Re(c e^{i beta})`` where ``beta`` is a phase Eve adds
  on the return path (0 when she does not; :func:`.encoding.phase_response`).

The attacked two-qubit states (A = Alice's qubit, the other one is the qubit
that meets Alice's in the check) are, for a link state ``sigma``:

* substitution: Bob measures half of Eve's |Phi+>: ``rho_A (x) I/2``; its
  decoys and encoded pairs are ``sigma`` unencoded ("reinject": Eve returns
  Bob's original particle) or ``rho_A (x) I/2`` ("return_bobs");
* intercept-resend: ``sigma`` dephased on B in the measured basis, then
  checked or encoded as usual;
* return phase: ``sigma`` and its encoded version, rotated by ``beta``.

:mod:`.density_matrix` computes the same probabilities by applying the
operators and Born-rule measurements to the explicit multi-qubit state; the
tests check that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...quantum import partial_trace
from ._checks import check_attack, check_link_state, check_n_encodings, check_phi
from .encoding import encoded_state, phase_response

__all__ = [
    "CaseProbabilities",
    "OutcomeModel",
    "attacked_link_state",
    "outcome_model",
    "verification_probabilities",
]

_H = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)
_HH = np.kron(_H, _H)


def verification_probabilities(state: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Joint outcome probabilities ``(P_Z, P_X)`` of a pair measured in Z and in X.

    Index ``2a + b`` for Alice's outcome ``a`` and Bob's ``b``.

    Examples
    --------
    >>> pz, px = verification_probabilities(np.eye(4) / 4)
    >>> pz.tolist(), px.round(12).tolist()
    ([0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25])
    """
    rho = check_link_state(state, "state")
    pz = np.clip(np.diag(rho).real, 0.0, None)
    px = np.clip(np.diag(_HH @ rho @ _HH).real, 0.0, None)
    return pz / pz.sum(), px / px.sum()


def _dephase_b(rho: NDArray[np.complex128], basis: str) -> NDArray[np.complex128]:
    if basis == "z":
        projectors = [np.diag([1.0, 0.0]), np.diag([0.0, 1.0])]
    else:
        projectors = [np.full((2, 2), 0.5), np.array([[0.5, -0.5], [-0.5, 0.5]])]
    out = np.zeros((4, 4), dtype=complex)
    for p in projectors:
        k = np.kron(np.eye(2), p)
        out += k @ rho @ k
    return out


def attacked_link_state(attack: str, link_state: ArrayLike | None = None) -> NDArray[np.complex128]:
    """The pair (A, qubit Bob holds) after a forward attack; the link state for ``return_phase``.

    Parameters
    ----------
    attack : one of :data:`.attacks.ATTACKS`.
    link_state : 4 x 4 pair state; None is |Phi+>.

    Returns
    -------
    4 x 4 state of (A, the qubit Bob receives).

    Examples
    --------
    >>> np.allclose(attacked_link_state("forward_substitution_reinject"), np.eye(4) / 4)
    True
    """
    name = check_attack(attack)
    sigma = check_link_state(link_state)
    if name.startswith("forward_substitution"):
        return np.kron(partial_trace(sigma, [0], [2, 2]), np.eye(2) / 2)
    if name == "forward_intercept_resend_z":
        return _dephase_b(sigma, "z")
    if name == "forward_intercept_resend_x":
        return _dephase_b(sigma, "x")
    return sigma


@dataclass(frozen=True)
class CaseProbabilities:
    """Outcome distributions of honest or of attacked particles (module notes).

    Attributes
    ----------
    verification_z, verification_x : joint ``(a, b)`` outcome probabilities.
    decoy_alpha, decoy_c : Bell-outcome response of decoys, ``alpha + Re(c e^{i beta})``.
    encoded_alpha, encoded_c : the same for encoded pairs.
    """

    verification_z: NDArray[np.float64]
    verification_x: NDArray[np.float64]
    decoy_alpha: NDArray[np.float64]
    decoy_c: NDArray[np.complex128]
    encoded_alpha: NDArray[np.float64]
    encoded_c: NDArray[np.complex128]

    @staticmethod
    def _at(alpha, c, beta) -> NDArray[np.float64]:
        b = np.asarray(beta, dtype=float)
        p = alpha + (c * np.exp(1j * b[..., None])).real
        p = np.maximum(p, 0.0)  # rounding guard; exact values are >= 0
        return p / p.sum(axis=-1, keepdims=True)

    def decoy(self, beta: ArrayLike = 0.0) -> NDArray[np.float64]:
        """Bell-outcome probabilities of a decoy pair (array over ``beta``)."""
        return self._at(self.decoy_alpha, self.decoy_c, beta)

    def encoded(self, beta: ArrayLike = 0.0) -> NDArray[np.float64]:
        """Bell-outcome probabilities of an encoded pair (array over ``beta``)."""
        return self._at(self.encoded_alpha, self.encoded_c, beta)

    @property
    def verification_mismatch(self) -> float:
        """Mismatch probability of a verification particle, bases equally likely."""
        return float((self.verification_z[[1, 2]].sum() + self.verification_x[[1, 2]].sum()) / 2)


@dataclass(frozen=True)
class OutcomeModel:
    """Outcome distributions of a run: ``honest`` particles and, if any, ``attacked`` ones."""

    honest: CaseProbabilities
    attacked: CaseProbabilities | None


def _case(verif_state, decoy_state, encoded_state_) -> CaseProbabilities:
    pz, px = verification_probabilities(verif_state)
    da, dc = phase_response(decoy_state)
    ea, ec = phase_response(encoded_state_)
    return CaseProbabilities(pz, px, da, dc, ea, ec)


def outcome_model(
    link_state: ArrayLike | None,
    n_encodings: int,
    phi: float,
    attack: str | None = None,
) -> OutcomeModel:
    """Exact outcome distributions of honest and attacked particles (module notes).

    Parameters
    ----------
    link_state : 4 x 4 pair state; None is |Phi+>.
    n_encodings, phi : the encoding ``U_E^N``.
    attack : None or one of :data:`.attacks.ATTACKS`.

    Returns
    -------
    :class:`OutcomeModel`.

    Examples
    --------
    >>> m = outcome_model(None, 2, np.pi / 4, "forward_intercept_resend_z")
    >>> m.honest.encoded().round(6).tolist()
    [0.5, 0.0, 0.5, 0.0]
    >>> m.attacked.verification_mismatch
    0.25
    """
    sigma = check_link_state(link_state)
    n = check_n_encodings(n_encodings)
    ph = check_phi(phi)
    honest = _case(sigma, sigma, encoded_state(n, ph, link_state=sigma))
    if attack is None:
        return OutcomeModel(honest, None)
    name = check_attack(attack)
    tau = attacked_link_state(name, sigma)
    if name == "forward_substitution_reinject":
        attacked = _case(tau, sigma, sigma)  # Bob's original particle returns unencoded
    elif name == "return_phase":
        attacked = honest  # beta enters through CaseProbabilities.decoy/encoded(beta)
    else:
        attacked = _case(tau, tau, encoded_state(n, ph, link_state=tau))
    return OutcomeModel(honest, attacked)
