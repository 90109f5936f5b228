"""The recurrence step shared by BBPSSW and DEJMPS: bilateral CNOT and a parity check.

Protocol (Khatri Sec. III.1, Fig. 4, eq. 43-47; Bennett et al., PRL 76, 722
(1996)). Alice holds ``A1, A2`` and Bob ``B1, B2`` of two two-qubit links
``rho1`` on ``(A1, B1)`` and ``rho2`` on ``(A2, B2)``. Each party applies a
CNOT from their qubit of pair 1 (control, kept) to their qubit of pair 2
(target), measures the target in the standard basis, and they keep pair 1
when their outcomes agree (API.md). No local rotations: those belong to
:mod:`~qdms.protocols.distillation.dejmps`; a twirl to Werner form makes it
BBPSSW (:mod:`~qdms.protocols.distillation.bbpssw`).

Closed form for Bell-diagonal inputs (re-derived; tested against the explicit
instrument). Write ``Phi_{z,x} = (Z^z X^x (x) I) Phi+`` as a Pauli error on
Alice's qubit. Conjugation by ``CNOT_{1->2}`` maps ``X_1 -> X_1 X_2`` and
``Z_2 -> Z_1 Z_2``, and ``Phi+ (x) Phi+`` is invariant under the bilateral CNOT,
so ``Phi_{z1,x1} (x) Phi_{z2,x2} -> Phi_{z1+z2, x1} (x) Phi_{z2, x1+x2}``. The
``Z (x) Z`` outcomes on pair 2 agree iff ``x1 + x2 = 0``. Hence, with
``Q[z, x] = q[z*2 + x]`` and ``P(x) = Q[0, x] + Q[1, x]``::

    p = sum_x P1(x) P2(x)
      = (q1[Phi+] + q1[Phi-])(q2[Phi+] + q2[Phi-]) + (q1[Psi+] + q1[Psi-])(q2[Psi+] + q2[Psi-]),
    q'[z, x] = sum_{z2} Q1[z + z2, x] Q2[z2, x] / p,

e.g. ``q'[Phi+] = (q1[Phi+] q2[Phi+] + q1[Phi-] q2[Phi-]) / p`` and
``q'[Phi-] = (q1[Phi+] q2[Phi-] + q1[Phi-] q2[Phi+]) / p``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...quantum import apply_operator, check_density_matrix, isotropic_twirl, partial_trace
from ..locc import HeraldedCoefficients, HeraldedState, check_coefficient_vectors

__all__ = [
    "recurrence_bell_diagonal",
    "recurrence_distill",
]

_CNOT = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=complex)
_AGREE = np.diag([1.0, 0.0, 0.0, 1.0]).astype(complex)  # |00><00| + |11><11| on (A2, B2)
_DIMS = [2, 2, 2, 2]  # A1, B1, A2, B2

#: Success probabilities below this are treated as "never succeeds" (the state is undefined).
MIN_SUCCESS_PROBABILITY = 1e-14


def _bilateral_cnot_round(
    rho1: NDArray[np.complex128],
    rho2: NDArray[np.complex128],
    alice: NDArray[np.complex128] | None = None,
    bob: NDArray[np.complex128] | None = None,
) -> HeraldedState:
    """Explicit instrument: optional local unitaries, bilateral CNOT, Z measurement, keep on agreement."""
    full = np.kron(rho1, rho2)
    if alice is not None and bob is not None:
        for qubit, u in ((0, alice), (2, alice), (1, bob), (3, bob)):
            full = apply_operator(full, u, [qubit], _DIMS)
    full = apply_operator(full, _CNOT, [0, 2], _DIMS)  # Alice: A1 -> A2
    full = apply_operator(full, _CNOT, [1, 3], _DIMS)  # Bob: B1 -> B2
    kept = partial_trace(apply_operator(full, _AGREE, [2, 3], _DIMS), [0, 1], _DIMS)
    p = float(np.real(np.trace(kept)))
    if not p > MIN_SUCCESS_PROBABILITY:
        raise ValueError(
            f"distillation never succeeds on these inputs (success probability {p:.3g})"
        )
    out = kept / p
    return HeraldedState(p, (out + out.conj().T) / 2)


def recurrence_distill(rho1: ArrayLike, rho2: ArrayLike, *, twirl: bool = False) -> HeraldedState:
    """One recurrence round on two arbitrary two-qubit links, by explicit LOCC simulation (API.md).

    Parameters
    ----------
    rho1 : 4 x 4 state of pair 1 on ``(A1, B1)``, the pair that is kept.
    rho2 : 4 x 4 state of pair 2 on ``(A2, B2)``, measured.
    twirl : if True, first twirl both inputs into Werner states of the same
        fidelity (``isotropic_twirl``): the BBPSSW protocol (Khatri eq. 46-47).

    Returns
    -------
    :class:`~qdms.protocols.locc.HeraldedState` ``(success_probability, state)``,
    the state of pair 1 given that the outcomes agreed.

    Raises
    ------
    ValueError
        If an input is not a 4 x 4 density matrix (named ``rho1``/``rho2``),
        or the round can never succeed on these inputs.

    Examples
    --------
    >>> from qdms.quantum import fidelity, max_entangled_ket, werner_state
    >>> p, rho = recurrence_distill(werner_state(0.6), werner_state(0.6))
    >>> round(p, 12), round(fidelity(max_entangled_ket(), rho), 12)   # eq. 48-49 with F = 0.7
    (0.68, 0.735294117647)
    """
    r1 = check_density_matrix(rho1, "rho1", dim=4)
    r2 = check_density_matrix(rho2, "rho2", dim=4)
    if not isinstance(twirl, bool):
        raise TypeError(f"twirl must be a bool, got {twirl!r}")
    if twirl:
        r1, r2 = isotropic_twirl(r1, 2), isotropic_twirl(r2, 2)
    return _bilateral_cnot_round(r1, r2)


def recurrence_bell_diagonal(q1: ArrayLike, q2: ArrayLike) -> HeraldedCoefficients:
    """Closed form of :func:`recurrence_distill` for Bell-diagonal inputs (module notes).

    Parameters
    ----------
    q1, q2 : Bell coefficients ``[Phi+, Psi+, Phi-, Psi-]`` of pairs 1 (kept) and 2.

    Returns
    -------
    :class:`~qdms.protocols.locc.HeraldedCoefficients` ``(p, q')``.

    Examples
    --------
    >>> p, q = recurrence_bell_diagonal([0.7, 0.1, 0.1, 0.1], [0.7, 0.1, 0.1, 0.1])
    >>> round(p, 12), q.round(6)
    (0.68, array([0.735294, 0.029412, 0.205882, 0.029412]))
    """
    a = check_coefficient_vectors(np.asarray(q1, dtype=float)[None], 2, name="q1")[0].reshape(2, 2)
    b = check_coefficient_vectors(np.asarray(q2, dtype=float)[None], 2, name="q2")[0].reshape(2, 2)
    p = float(np.sum(a.sum(axis=0) * b.sum(axis=0)))
    if not p > MIN_SUCCESS_PROBABILITY:
        raise ValueError(
            f"distillation never succeeds on these inputs (success probability {p:.3g})"
        )
    out = np.empty((2, 2))
    out[0] = a[0] * b[0] + a[1] * b[1]
    out[1] = a[1] * b[0] + a[0] * b[1]
    return HeraldedCoefficients(p, out.reshape(4) / p)
