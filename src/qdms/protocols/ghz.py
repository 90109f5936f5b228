"""GHZ entanglement swapping: a chain of Bell pairs into an (n+2)-qubit GHZ state (Khatri Sec. III.2.2).

Protocol (Khatri eq. 65-69, Fig. 6). Links ``rho_{A_i B_i}``, ``i = 1..n+1``,
form a chain; intermediate node ``j`` (``1 <= j <= n``) holds ``B_j`` and
``A_{j+1}``. In sequence ``j = 1, ..., n``: node ``j`` applies
``CNOT_{B_j -> A_{j+1}}``, measures ``A_{j+1}`` in the standard basis and
sends the bit ``x_j`` to the holder of ``B_{j+1}``, who applies ``X^{x_j}``
to it before its own CNOT. The output lives on ``(A_1, B_1, B_2, ..., B_{n+1})``:
the two end nodes and one qubit at every intermediate node. For ideal inputs
it is ``|GHZ_{n+2}> = (|0...0> + |1...1>)/sqrt(2)`` (eq. 64, 70-71).

Prop. III.2 (eq. 72, lost in the text and re-derived here; App. H.2). For
*any* two-qubit states ``rho_i``::

    F = <GHZ_{n+2}| G(rho_1 (x) ... (x) rho_{n+1}) |GHZ_{n+2}>
      = 1/2 prod_i (<00|rho_i|00> + <11|rho_i|11>) + 1/2 prod_i (<00|rho_i|11> + <11|rho_i|00>).

Derivation: with all outcomes summed, ``F = tr[rho Pi]`` with
``Pi = sum_x K_x^dag |GHZ><GHZ| K_x``. Pushing ``|GHZ>`` back through the
corrections and CNOTs gives ``K_x^dag |GHZ> = (|c c> + |c' c'>)/sqrt(2)``, where
pair ``i`` is in ``|c_i c_i>``, ``c_1 = 0``, ``c_{i+1} = c_i + x_i`` and ``c'``
is the complement of ``c``; summing over ``x`` (that is over ``c`` with
``c_1 = 0``, and its complement) gives the two products. For *every* state
``<00|rho|00> + <11|rho|11> = q[Phi+] + q[Phi-]`` and
``2 Re <00|rho|11> = q[Phi+] - q[Phi-]`` (Bell coefficients ``q``), so::

    F = 1/2 prod_i (q_i[Phi+] + q_i[Phi-]) + 1/2 prod_i (q_i[Phi+] - q_i[Phi-]);

for Werner inputs of fidelity ``F_i`` the factors are ``(1 + 2 F_i)/3`` and
``w_i = (4 F_i - 1)/3``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..quantum import apply_channel, apply_operator, partial_trace
from .locc import check_coefficient_vectors, check_states

__all__ = [
    "ghz_swap",
    "ghz_swap_fidelity",
    "ghz_swap_fidelity_bell_diagonal",
]

_CNOT = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=complex)
_X = np.array([[0, 1], [1, 0]], dtype=complex)
_KET_BRA = [np.diag([1.0, 0.0]).astype(complex), np.diag([0.0, 1.0]).astype(complex)]
# Measure the first qubit in Z, keep the bit x in it as a classical record, apply X^x to the second.
_MEASURE_AND_CORRECT = [np.kron(_KET_BRA[0], np.eye(2)), np.kron(_KET_BRA[1], _X)]

#: Largest number of links that :func:`ghz_swap` simulates (a 2^(2(n+1)) density matrix).
MAX_EXPLICIT_LINKS = 5


def ghz_swap(states: Sequence[ArrayLike]) -> NDArray[np.complex128]:
    """Output state of GHZ swapping, by explicit simulation of the LOCC protocol (Khatri eq. 68-69).

    Parameters
    ----------
    states : the ``n + 1 >= 2`` two-qubit link states ``rho_{A_i B_i}`` (4 x 4,
        ``A_i`` first) in chain order; at most :data:`MAX_EXPLICIT_LINKS`.

    Returns
    -------
    The ``2^(n+2)``-dimensional density matrix on ``(A_1, B_1, ..., B_{n+1})``,
    averaged over the outcomes (the protocol is deterministic).

    Raises
    ------
    ValueError, TypeError
        If fewer than two states are given, or a state is not a 4 x 4 density
        matrix (the message names ``states[i]``).

    Examples
    --------
    >>> from qdms.quantum import ghz_ket, ket_to_density, max_entangled_ket, fidelity
    >>> phi = ket_to_density(max_entangled_ket())
    >>> round(fidelity(ghz_ket(3), ghz_swap([phi, phi])), 12)
    1.0
    """
    rhos = check_states(states, 2, min_count=2)
    n = len(rhos) - 1
    if n + 1 > MAX_EXPLICIT_LINKS:
        raise ValueError(
            f"explicit GHZ swapping is limited to {MAX_EXPLICIT_LINKS} links, got {n + 1}; "
            "use ghz_swap_fidelity for the fidelity"
        )
    dims = [2] * (2 * (n + 1))  # order A_1, B_1, A_2, B_2, ...
    full = rhos[0]
    for rho in rhos[1:]:
        full = np.kron(full, rho)
    for j in range(1, n + 1):
        b_j, a_next, b_next = 2 * j - 1, 2 * j, 2 * j + 1
        full = apply_operator(full, _CNOT, [b_j, a_next], dims)
        full = apply_channel(full, _MEASURE_AND_CORRECT, [a_next, b_next], dims)
    keep = [0] + [2 * j + 1 for j in range(n + 1)]
    out = partial_trace(full, keep, dims)
    return (out + out.conj().T) / 2


def ghz_swap_fidelity(states: Sequence[ArrayLike]) -> float:
    """Fidelity of the GHZ-swapped state with ``|GHZ_{n+2}>`` (Khatri Prop. III.2, eq. 72, re-derived).

    ``F = 1/2 prod_i (<00|rho_i|00> + <11|rho_i|11>) + 1/2 prod_i 2 Re<00|rho_i|11>``
    for any two-qubit link states ``rho_i`` (see the module notes).

    Parameters
    ----------
    states : ``n + 1 >= 2`` two-qubit states, 4 x 4, in chain order.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> round(ghz_swap_fidelity([werner_state(1.0), werner_state(0.0)]), 12)   # (1/2 + 0)/2
    0.25
    """
    rhos = check_states(states, 2, min_count=2)
    diag = np.array([np.real(r[0, 0] + r[3, 3]) for r in rhos])
    coh = np.array([2 * np.real(r[0, 3]) for r in rhos])
    return float(0.5 * np.prod(diag) + 0.5 * np.prod(coh))


def ghz_swap_fidelity_bell_diagonal(coefficient_vectors: ArrayLike) -> float:
    """Prop. III.2 from Bell coefficients: ``[prod (q_i[Phi+] + q_i[Phi-]) + prod (q_i[Phi+] - q_i[Phi-])] / 2``.

    Exact for any links, Bell-diagonal or not, given their Bell coefficients.

    Parameters
    ----------
    coefficient_vectors : array ``(n + 1, 4)`` of ``[Phi+, Psi+, Phi-, Psi-]``
        coefficients, ``n + 1 >= 2``.

    Examples
    --------
    >>> round(ghz_swap_fidelity_bell_diagonal([[0.7, 0.1, 0.1, 0.1]] * 2), 12)   # (0.8^2 + 0.6^2)/2
    0.5
    """
    q = check_coefficient_vectors(coefficient_vectors, 2, min_count=2)
    return float(0.5 * np.prod(q[:, 0] + q[:, 2]) + 0.5 * np.prod(q[:, 0] - q[:, 2]))
