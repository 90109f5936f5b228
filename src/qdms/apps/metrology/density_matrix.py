"""Explicit density-matrix simulation of one QSM particle: operators and Born-rule measurements.

This is the reference the fast sampler (:mod:`.protocol`) is checked
against. Each particle is followed as a multi-qubit density matrix, with
every step of the protocol applied as an operator:

1. the link pair ``sigma`` on qubits (A, B); for a substitution attack Eve's
   own |Phi+> on (E1, E2) is appended and Bob receives E2 instead of B;
   for intercept-resend Eve measures B (Born rule, collapse) and resends a
   fresh qubit in the eigenstate she found;
2. verification: Bob measures his qubit in Z or X, then Alice measures A in
   the same basis (two sequential Born-rule measurements);
3. encoding: ``U_E`` applied N times, one operator at a time; decoy: nothing;
4. return path: the qubit that travels back is Bob's, except in the
   "reinject" substitution where Eve sends Alice the B she kept; a
   return-path attack applies ``diag(1, e^{i beta})`` to it;
5. Alice measures (A, returned qubit) in the Bell basis.

:func:`particle_outcome` either samples every measurement (given a
generator) or, without one, branches over all outcomes and returns the exact
outcome distribution. Uniform beta is averaged exactly with three angles:
the outcome probabilities are trigonometric polynomials of degree 1 in beta.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...quantum import apply_operator, bell_basis, ket_to_density, max_entangled_ket, partial_trace
from ._checks import check_attack, check_link_state, check_n_encodings, check_phi

__all__ = ["Role", "catch_probability", "particle_outcome", "particle_outcome_probabilities"]

Role = Literal["verification_z", "verification_x", "encoded", "decoy"]
_ROLES = ("verification_z", "verification_x", "encoded", "decoy")

_Z_PROJ = [np.diag([1.0, 0.0]).astype(complex), np.diag([0.0, 1.0]).astype(complex)]
_X_PROJ = [
    np.full((2, 2), 0.5, dtype=complex),
    np.array([[0.5, -0.5], [-0.5, 0.5]], dtype=complex),
]
_BELL = bell_basis(2)
_PHI_PLUS = ket_to_density(max_entangled_ket(2))


def _onehot(k: int) -> NDArray[np.float64]:
    out = np.zeros(4)
    out[k] = 1.0
    return out


def _pick(p: NDArray[np.float64], rng: np.random.Generator) -> int:
    cum = np.cumsum(p)
    return int(min(np.searchsorted(cum / cum[-1], rng.random(), side="right"), p.size - 1))


def _measure(rho, qubit: int, projectors, nq: int, rng, then: Callable):
    """Measure ``qubit``; ``then(outcome, post_state)``; branch exactly when ``rng`` is None."""
    dims = [2] * nq
    posts, probs = [], []
    for proj in projectors:
        post = apply_operator(rho, proj, [qubit], dims)
        probs.append(max(float(np.trace(post).real), 0.0))
        posts.append(post)
    p = np.array(probs)
    if rng is None:
        return sum(
            (pj * then(j, posts[j] / pj) for j, pj in enumerate(p) if pj > 1e-15),
            start=np.zeros(4),
        )
    j = _pick(p, rng)
    return then(j, posts[j] / p[j])


def _bell_measure(rho, a: int, b: int, nq: int, rng):
    pair = partial_trace(rho, [a, b], [2] * nq)
    p = np.array([max(float((v.conj() @ pair @ v).real), 0.0) for v in _BELL.T])
    p = p / p.sum()
    return p if rng is None else _pick(p, rng)


def _resend_b(rho, outcome: int, projectors):
    """Eve discards B of (A, B) and sends Bob a fresh qubit in the eigenstate she found."""
    return np.kron(partial_trace(rho, [0], [2, 2]), projectors[outcome])


def particle_outcome(
    link_state: ArrayLike | None,
    n_encodings: int,
    phi: float,
    role: Role,
    *,
    attack: str | None = None,
    beta: float = 0.0,
    rng: np.random.Generator | None = None,
):
    """Follow one particle through the protocol with explicit operators (module notes).

    Parameters
    ----------
    link_state : 4 x 4 pair state (A first); None is |Phi+>.
    n_encodings, phi : the encoding ``U_E^N``.
    role : ``"verification_z"``, ``"verification_x"``, ``"encoded"`` or ``"decoy"``.
    attack : None (honest) or the attack applied to this particle.
    beta : Eve's return-path phase (``return_phase`` only).
    rng : generator to sample the measurements; None returns the exact distribution.

    Returns
    -------
    The recorded outcome (int: ``2a + b`` for verification, the Bell index
    otherwise), or its probability vector of length 4 when ``rng`` is None.

    Examples
    --------
    >>> particle_outcome(None, 1, 0.3, "verification_z", attack="forward_intercept_resend_x").round(6)
    array([0.25, 0.25, 0.25, 0.25])
    """
    sigma = check_link_state(link_state)
    n = check_n_encodings(n_encodings)
    ph = check_phi(phi)
    if role not in _ROLES:
        raise ValueError(f"role must be one of {', '.join(_ROLES)}; got {role!r}")
    name = None if attack is None else check_attack(attack)
    u_e = np.diag([1.0, np.exp(1j * ph)])
    u_c = np.diag([1.0, np.exp(1j * beta)])

    def after_forward(rho, nq: int, bob: int, kept: int | None):
        if role.startswith("verification"):
            proj = _Z_PROJ if role.endswith("z") else _X_PROJ

            def alice(b: int, post):
                return _measure(
                    post,
                    0,
                    proj,
                    nq,
                    rng,
                    lambda a, _: _onehot(2 * a + b) if rng is None else 2 * a + b,
                )

            return _measure(rho, bob, proj, nq, rng, alice)
        if role == "encoded":
            for _ in range(n):  # sequential encoding, one U_E at a time
                rho = apply_operator(rho, u_e, [bob], [2] * nq)
        returned = kept if name == "forward_substitution_reinject" else bob
        if name == "return_phase":
            rho = apply_operator(rho, u_c, [returned], [2] * nq)
        return _bell_measure(rho, 0, returned, nq, rng)

    if name is not None and name.startswith("forward_substitution"):
        full = np.kron(sigma, _PHI_PLUS)  # qubits A, B, E1, E2
        return after_forward(full, 4, bob=3, kept=1)
    if name is not None and name.startswith("forward_intercept_resend"):
        proj = _Z_PROJ if name.endswith("z") else _X_PROJ
        return _measure(
            sigma,
            1,
            proj,
            2,
            rng,
            lambda e, post: after_forward(_resend_b(post, e, proj), 2, bob=1, kept=None),
        )
    return after_forward(sigma, 2, bob=1, kept=None)


def particle_outcome_probabilities(
    link_state: ArrayLike | None,
    n_encodings: int,
    phi: float,
    role: Role,
    *,
    attack: str | None = None,
    beta: float | None = 0.0,
) -> NDArray[np.float64]:
    """Exact outcome distribution of one particle; ``beta=None`` averages beta uniformly.

    Parameters
    ----------
    link_state, n_encodings, phi, role, attack : as in :func:`particle_outcome`.
    beta : Eve's return-path phase; None averages it over [0, 2 pi).

    Returns
    -------
    Probability vector of length 4.

    Examples
    --------
    >>> particle_outcome_probabilities(None, 1, 0.0, "decoy", attack="return_phase", beta=None).round(6)
    array([0.5, 0. , 0.5, 0. ])
    """
    if beta is None:
        # p(beta) = alpha + Re(c e^{i beta}): three equally spaced angles average it exactly.
        return (
            sum(
                particle_outcome(link_state, n_encodings, phi, role, attack=attack, beta=b)
                for b in (0.0, 2 * np.pi / 3, 4 * np.pi / 3)
            )
            / 3.0
        )
    return particle_outcome(link_state, n_encodings, phi, role, attack=attack, beta=beta)


def catch_probability(
    attack: str,
    p_encode: float,
    *,
    beta: float | None = None,
    link_state: ArrayLike | None = None,
    n_encodings: int = 1,
    phi: float = 0.0,
) -> float:
    """Probability that one attacked particle fails its check, from explicit Born probabilities.

    ``sum_role P(role | attacked) P(check fails | role)``; for ``return_phase``
    Eve touches only returning particles, so the role is encoded or decoy with
    probabilities ``2 P_E/(1+P_E)`` and ``(1-P_E)/(1+P_E)``.

    Parameters
    ----------
    attack : one of :data:`.attacks.ATTACKS`.
    p_encode : P_E in (0, 1].
    beta : Eve's phase for ``return_phase`` (None: uniform).
    link_state, n_encodings, phi : the link and encoding (the result does not
        depend on the encoding: encoded particles are not checked).

    Returns
    -------
    ``c``, the per-particle catch probability.

    Examples
    --------
    >>> round(catch_probability("forward_substitution_return_bobs", 0.2), 12)
    0.5
    """
    name = check_attack(attack)
    q = (1.0 - p_encode) / 2.0
    b = 0.0 if beta is None and name != "return_phase" else beta

    def prob(role):
        return particle_outcome_probabilities(
            link_state, n_encodings, phi, role, attack=name, beta=b
        )

    decoy_error = 1.0 - prob("decoy")[0]
    if name == "return_phase":
        return float((1.0 - p_encode) / (1.0 + p_encode) * decoy_error)
    mismatch = (prob("verification_z")[[1, 2]].sum() + prob("verification_x")[[1, 2]].sum()) / 2
    return float(q * mismatch + q * decoy_error)
