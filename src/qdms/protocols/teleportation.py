"""Quantum teleportation over a (noisy) entangled resource (Khatri eq. 61-62).

Standard protocol (Bennett et al. 1993), written as entanglement swapping
with one trivial system (Khatri eq. 61-62): the sender holds the input qudit
``C`` and ``A`` of the resource ``rho_{AB}``; she measures ``(C, A)`` in the
Bell basis ``|Phi_{z,x}> = (Z^z X^x (x) I)|Phi>`` (the Weyl operator on
``C``) and sends ``(z, x)``; the receiver applies ``W_{z,x} = Z^z X^x`` to
``B``. With the ideal resource ``|Phi>`` the output is the input, for every
outcome: ``<Phi_{z,x}|_{CA} |psi>_C |Phi>_{AB} = W_{z,x}^dag |psi>_B / d``.

Closed forms (tested against the explicit protocol):

* A Bell-diagonal resource ``sum_{z,x} q[z,x] Phi_{z,x}`` gives the Weyl
  channel ``psi -> sum_{z,x} q[z,x] W_{z,-x} psi W_{z,-x}^dag`` (the Weyl
  operator on ``A`` moves to ``B`` transposed, ``(Z^z X^x)^T ~ Z^z X^{-x}``;
  for qubits ``W_{z,-x} = W_{z,x}``).
* The average fidelity over Haar-random pure inputs is
  ``f = (d F + 1) / (d + 1)`` with ``F = <Phi|rho|Phi>`` (Horodecki, Horodecki
  and Horodecki, PRA 60, 1888 (1999), with the entanglement fidelity of the
  teleportation channel equal to ``F`` by Prop. III.1 with ``n = 1``). The
  best classical (measure-and-prepare) value is ``2 / (d + 1)``, 2/3 for qubits.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_probability
from ..quantum import check_density_matrix, ket_to_density, max_entangled_ket, weyl
from .locc import check_coefficient_vectors, per_node
from .swapping import _bell_step

__all__ = [
    "average_teleportation_fidelity",
    "average_teleportation_fidelity_from_fidelity",
    "classical_teleportation_limit",
    "teleport",
    "teleport_bell_diagonal",
]


def _input_state(state: ArrayLike) -> NDArray[np.complex128]:
    arr = np.asarray(state)
    if arr.ndim == 1:
        return ket_to_density(arr)
    return check_density_matrix(arr, "state")


def _resource_dimension(resource: NDArray[np.complex128]) -> int:
    n = resource.shape[0]
    d = int(round(np.sqrt(n)))
    if d * d != n or d < 2:
        raise ValueError(f"resource must be d^2 x d^2 with d >= 2, got {n} x {n}")
    return d


def teleport(
    state: ArrayLike, resource: ArrayLike, *, bell_measurement_noise: float = 0.0
) -> NDArray[np.complex128]:
    """Teleport ``state`` through ``resource`` by explicit LOCC simulation (Khatri eq. 61-62).

    Parameters
    ----------
    state : the input, a ``d x d`` density matrix or a normalised ket of length ``d``.
    resource : the shared state ``rho_{AB}``, ``d^2 x d^2`` (``A`` with the sender).
    bell_measurement_noise : ``lam`` in [0, 1]: the sender's POVM is
        ``(1 - lam) Phi_k + lam I/d^2`` (see :mod:`qdms.protocols.locc`).

    Returns
    -------
    The receiver's ``d x d`` state, averaged over the outcomes.

    Raises
    ------
    ValueError
        If ``resource`` is not a ``d^2 x d^2`` density matrix or ``state`` not a
        ``d``-dimensional state.

    Examples
    --------
    >>> from qdms.quantum import ket_to_density, max_entangled_ket
    >>> psi = np.array([0.6, 0.8j])
    >>> np.allclose(teleport(psi, ket_to_density(max_entangled_ket())), np.outer(psi, psi.conj()))
    True
    """
    res = check_density_matrix(resource, "resource")
    d = _resource_dimension(res)
    rho = _input_state(state)
    if rho.shape[0] != d:
        raise ValueError(f"state must be {d}-dimensional for this resource, got {rho.shape[0]}")
    lam = per_node("bell_measurement_noise", bell_measurement_noise, 1)[0]
    # Swapping with a trivial first system A_1 (dimension 1): rho_{A_1 B_1} = state.
    return _bell_step(rho, res, d, 1, float(lam))


def teleport_bell_diagonal(state: ArrayLike, coefficients: ArrayLike) -> NDArray[np.complex128]:
    """Closed form for a Bell-diagonal resource: ``sum_{z,x} q[z,x] W_{z,-x} rho W_{z,-x}^dag``.

    Parameters
    ----------
    state : ``d x d`` density matrix or ket.
    coefficients : the resource's Bell coefficients, length ``d^2``, indexed ``z*d + x``.

    Examples
    --------
    >>> out = teleport_bell_diagonal(np.diag([1.0, 0.0]), [0.7, 0.1, 0.1, 0.1])
    >>> np.diag(out).real.round(12)   # X and ZX flip the bit: 0.2
    array([0.8, 0.2])
    """
    rho = _input_state(state)
    d = rho.shape[0]
    if d < 2:
        raise ValueError(f"state must have dimension >= 2, got {d}")
    q = check_coefficient_vectors(
        np.asarray(coefficients, dtype=float)[None], d, name="coefficients"
    )[0]
    out = np.zeros_like(rho)
    for z in range(d):
        for x in range(d):
            w = weyl(z, -x, d)
            out += q[z * d + x] * (w @ rho @ w.conj().T)
    return out


def average_teleportation_fidelity_from_fidelity(fidelity: float, d: int = 2) -> float:
    """``(d F + 1) / (d + 1)``: average fidelity of standard teleportation over a resource of fidelity ``F``.

    Horodecki, Horodecki and Horodecki, PRA 60, 1888 (1999); ``F`` is the
    squared fidelity ``<Phi|rho|Phi>`` of the resource.

    Examples
    --------
    >>> average_teleportation_fidelity_from_fidelity(0.5)   # (2 * 0.5 + 1) / 3
    0.6666666666666666
    """
    f = check_probability("fidelity", fidelity)
    d = check_int("d", d, low=2)
    return (d * f + 1) / (d + 1)


def average_teleportation_fidelity(resource: ArrayLike) -> float:
    """Average fidelity ``(d F + 1)/(d + 1)`` of :func:`teleport` through ``resource``, ``F = <Phi|rho|Phi>``.

    Averaged over Haar-random pure inputs ``psi`` of ``<psi|out|psi>`` (the tests
    check it by an exact 2-design and by Monte Carlo). Above
    :func:`classical_teleportation_limit` only if ``F > 1/d``.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> round(average_teleportation_fidelity(werner_state(0.6)), 12)   # F = 0.7
    0.8
    """
    res = check_density_matrix(resource, "resource")
    d = _resource_dimension(res)
    phi = max_entangled_ket(d)
    # The resource passed check_density_matrix (tolerance 1e-8): clip only that round-off.
    f = float(np.clip(np.real(np.vdot(phi, res @ phi)), 0.0, 1.0))
    return average_teleportation_fidelity_from_fidelity(f, d)


def classical_teleportation_limit(d: int = 2) -> float:
    """``2 / (d + 1)``: the best average fidelity without entanglement (2/3 for qubits).

    Examples
    --------
    >>> classical_teleportation_limit(2)
    0.6666666666666666
    """
    d = check_int("d", d, low=2)
    return 2 / (d + 1)
