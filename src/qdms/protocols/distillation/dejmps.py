"""DEJMPS distillation: local X rotations, then one recurrence round.

Deutsch, Ekert, Jozsa, Macchiavello, Popescu and Sanpera, PRL 77, 2818
(1996). Alice applies ``R_x(pi/2) = exp(-i pi X/4)`` to both of her qubits
and Bob ``R_x(-pi/2)`` to both of his; then the bilateral CNOT and the parity
check of :mod:`~qdms.protocols.distillation.recurrence`.

Closed form (re-derived; tested against the explicit instrument). Because
``R_x(-pi/2) = conj(R_x(pi/2))``, the rotation is ``U (x) conj(U)``, which
leaves ``Phi+`` invariant and maps ``(P (x) I) Phi+`` to ``(U P U^dag (x) I) Phi+``:
``X -> X``, ``Z -> -Y``, ``Y -> Z``. So it fixes ``Phi+`` and ``Psi+`` and
exchanges ``Phi-`` and ``Psi-``. In the order ``[Phi+, Psi+, Phi-, Psi-]``
the rotated vector is ``r = [q0, q1, q3, q2]``, and the recurrence gives::

    p        = (q1[Phi+] + q1[Psi-])(q2[Phi+] + q2[Psi-]) + (q1[Psi+] + q1[Phi-])(q2[Psi+] + q2[Phi-]),
    q'[Phi+] = (q1[Phi+] q2[Phi+] + q1[Psi-] q2[Psi-]) / p,
    q'[Phi-] = (q1[Phi+] q2[Psi-] + q1[Psi-] q2[Phi+]) / p,
    q'[Psi+] = (q1[Psi+] q2[Psi+] + q1[Phi-] q2[Phi-]) / p,
    q'[Psi-] = (q1[Psi+] q2[Phi-] + q1[Phi-] q2[Psi+]) / p.

With equal inputs and DEJMPS's names ``A = Phi+``, ``B = Psi-``, ``C = Psi+``,
``D = Phi-`` this is their ``A' = (A^2 + B^2)/N``, ``B' = 2CD/N``,
``C' = (C^2 + D^2)/N``, ``D' = 2AB/N`` with ``N = (A + B)^2 + (C + D)^2``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...quantum import check_density_matrix
from ..locc import HeraldedCoefficients, HeraldedState, check_coefficient_vectors
from .recurrence import _bilateral_cnot_round, recurrence_bell_diagonal

__all__ = ["dejmps", "dejmps_bell_diagonal"]

_RX_PLUS = np.array([[1, -1j], [-1j, 1]], dtype=complex) / np.sqrt(2)  # R_x(pi/2)
_RX_MINUS = _RX_PLUS.conj()  # R_x(-pi/2)
#: Where the rotation sends each Bell coefficient: r = q[_ROTATION].
_ROTATION = np.array([0, 1, 3, 2])


def dejmps(rho1: ArrayLike, rho2: ArrayLike) -> HeraldedState:
    """One DEJMPS round on two arbitrary two-qubit links, by explicit LOCC simulation.

    Parameters
    ----------
    rho1 : 4 x 4 state of pair 1 on ``(A1, B1)``, kept.
    rho2 : 4 x 4 state of pair 2 on ``(A2, B2)``, measured.

    Returns
    -------
    :class:`~qdms.protocols.locc.HeraldedState` ``(success_probability, state)``.

    Examples
    --------
    >>> from qdms.quantum import bell_diagonal_state, fidelity, max_entangled_ket
    >>> rho = bell_diagonal_state([0.7, 0.2, 0.1, 0.0])
    >>> p, out = dejmps(rho, rho)
    >>> round(p, 12), round(fidelity(max_entangled_ket(), out), 12)
    (0.58, 0.844827586207)
    """
    r1 = check_density_matrix(rho1, "rho1", dim=4)
    r2 = check_density_matrix(rho2, "rho2", dim=4)
    return _bilateral_cnot_round(r1, r2, _RX_PLUS, _RX_MINUS)


def dejmps_bell_diagonal(q1: ArrayLike, q2: ArrayLike) -> HeraldedCoefficients:
    """Closed form of :func:`dejmps` for Bell-diagonal links (module notes).

    Parameters
    ----------
    q1, q2 : Bell coefficients ``[Phi+, Psi+, Phi-, Psi-]`` of pairs 1 (kept) and 2.

    Examples
    --------
    >>> p, q = dejmps_bell_diagonal([0.7, 0.2, 0.1, 0.0], [0.7, 0.2, 0.1, 0.0])
    >>> round(p, 12), q.round(6)
    (0.58, array([0.844828, 0.086207, 0.      , 0.068966]))
    """
    a = check_coefficient_vectors(np.asarray(q1, dtype=float)[None], 2, name="q1")[0]
    b = check_coefficient_vectors(np.asarray(q2, dtype=float)[None], 2, name="q2")[0]
    return recurrence_bell_diagonal(a[_ROTATION], b[_ROTATION])
