"""Entanglement swapping through ``n`` intermediate nodes, for qudits (Khatri Sec. III.2.1).

Set-up (Khatri eq. 53-58). Links ``rho_{A_i B_i}``, ``i = 1..n+1``, form a
chain: node ``i`` (``1 <= i <= n``) holds ``B_i`` and ``A_{i+1}``. Each
intermediate node measures ``(B_i, A_{i+1})`` in the Bell basis
``|Phi_{z,x}> = (Z^z X^x (x) I)|Phi>`` (the Weyl operator on ``B_i``) and
announces ``(z_i, x_i)``. The end node holding ``B_{n+1}`` applies the Weyl
correction ``W_{z,x} = Z^z X^x`` with ``z = z_1 + ... + z_n`` and
``x = x_1 + ... + x_n`` modulo ``d`` (eq. 56-57). The channel (eq. 58) is

    S(rho) = sum_{k_1..k_n} W_{z,x}^{B_{n+1}} tr_{mid}[(Phi_{k_1} (x) ... (x) Phi_{k_n}) rho] W_{z,x}^dag.

This correction is the one that returns ``|Phi>`` for every outcome when the
inputs are ``|Phi>`` (checked in the tests; for a single node the projected
state is ``(I (x) W_{z,x}^dag)|Phi>/d``). Eq. 56-58 were lost in the text of
the paper and are re-derived here.

Closed forms (re-derived, Khatri Prop. III.1 and App. H.1; proved by explicit
simulation in ``tests/protocols/test_swapping.py``):

* For *any* input states the Bell coefficients ``q_out[k] = <Phi_k|S(rho)|Phi_k>``
  are the convolution over ``Z_d x Z_d`` of the inputs' Bell coefficients
  ``q_i[k] = <Phi_k|rho_i|Phi_k>``, with plus signs::

      q_out[z, x] = sum_{(z_1,x_1)+...+(z_{n+1},x_{n+1}) = (z, x) mod d} prod_i q_i[z_i, x_i].

  Reason: the Weyl corrections twirl the off-diagonal Bell terms away, and
  ``(W_1 (x) I)|Phi> (x) (W_2 (x) I)|Phi>`` swaps to ``(W_1 W_2 (x) I)|Phi>``.
* Hence Prop. III.1 (eq. 63), the fidelity of the output with ``|Phi>``::

      F = sum_{k_1 + ... + k_{n+1} = (0, 0) mod d} prod_i <Phi_{k_i}|rho_i|Phi_{k_i}>.

  It depends only on the Bell diagonals of the inputs, even when they are
  not Bell-diagonal. Bell-diagonal inputs give a Bell-diagonal output.
* Werner (isotropic) inputs ``w_i Phi + (1 - w_i) I/d^2`` give the Werner
  output of parameter ``prod_i w_i``; for qubits two links of fidelities
  ``F1, F2`` give ``F1 F2 + (1 - F1)(1 - F2)/3``.

Imperfect joining (this project's model, see :mod:`qdms.protocols.locc`):
node ``i`` succeeds with probability ``p_i`` (heralded; failure discards the
links) and its Bell measurement has POVM ``(1 - lam_i) Phi_k + lam_i I/d^2``.
With ``Lam = 1 - prod_i (1 - lam_i)`` the output given success is
``(1 - Lam) S(rho) + Lam rho_{A_1} (x) I/d`` (a uniformly random outcome makes
the correction a full Weyl twirl of ``B_{n+1}``), so

    q_out -> (1 - Lam) q_out + Lam / d^2,   F -> (1 - Lam) F + Lam / d^2,   w_out = prod w_i prod (1 - lam_i).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_real_array
from ..quantum import apply_operator, bell_basis, bell_coefficients, permute_subsystems, weyl
from .locc import (
    HeraldedFidelity,
    HeraldedState,
    check_coefficient_vectors,
    check_states,
    per_node,
)

__all__ = [
    "SwapOutcomes",
    "imperfect_swap",
    "imperfect_swap_fidelity",
    "swap",
    "swap_bell_diagonal",
    "swap_fidelity",
    "swap_outcomes",
    "swap_werner",
]

#: Largest total dimension ``d^(2(n+1))`` that :func:`swap_outcomes` simulates (memory guard).
MAX_EXPLICIT_DIMENSION = 2**11


def _weyl_stack(d: int) -> NDArray[np.complex128]:
    """``W_{z,x}`` stacked by ``z*d + x``."""
    return np.stack([weyl(z, x, d) for z in range(d) for x in range(d)])


def _bell_step(
    sigma: NDArray[np.complex128],
    rho: NDArray[np.complex128],
    d: int,
    da: int,
    noise: float,
) -> NDArray[np.complex128]:
    """Swap ``sigma`` on ``(A, B)`` (dims ``da, d``) with ``rho`` on ``(A', B')`` at one node.

    Measures ``(B, A')`` with the POVM of :func:`bell_measurement_povm` and applies
    ``W_k`` to ``B'``; returns the outcome-averaged state on ``(A, B')``.
    """
    s = sigma.reshape(da, d, da, d)
    r = rho.reshape(d, d, d, d)
    v = bell_basis(d).reshape(d, d, d * d)  # [B, A', k]
    # <Phi_k|_{B A'} (sigma (x) rho) |Phi_k>, indices [k, a, e, a', e'].
    proj = np.einsum("bck,abAB,ceCE,BCk->kaeAE", v.conj(), s, r, v, optimize=True)
    if noise:
        # tr_{B A'}[sigma (x) rho] = sigma_A (x) rho_B', the same for every outcome.
        sigma_a = np.einsum("abAb->aA", s)
        rho_b = np.einsum("cecE->eE", r)
        flat = np.einsum("aA,eE->aeAE", sigma_a, rho_b)
        proj = (1 - noise) * proj + (noise / (d * d)) * flat[None]
    w = _weyl_stack(d)
    out = np.einsum("kef,kafAF,kEF->aeAE", w, proj, w.conj(), optimize=True)
    out = out.reshape(da * d, da * d)
    return (out + out.conj().T) / 2


def swap(
    states: Sequence[ArrayLike], d: int = 2, *, bell_measurement_noise: float | ArrayLike = 0.0
) -> NDArray[np.complex128]:
    """Output state on ``(A_1, B_{n+1})`` of entanglement swapping (Khatri eq. 58).

    Parameters
    ----------
    states : the ``n + 1`` link states ``rho_{A_i B_i}``, each ``d^2 x d^2``
        (``A_i`` first), in chain order. One state (``n = 0``) is returned as is.
    d : local dimension, >= 2.
    bell_measurement_noise : ``lam`` in [0, 1], once for all nodes or one per
        node: each Bell measurement has POVM ``(1 - lam) Phi_k + lam I/d^2``.

    Returns
    -------
    The ``d^2 x d^2`` density matrix, averaged over the outcomes (the channel
    is trace preserving: swapping is deterministic once corrected).

    Raises
    ------
    ValueError, TypeError
        If a state is not a ``d^2 x d^2`` density matrix (the message names
        ``states[i]``) or a noise parameter is not a probability.

    Notes
    -----
    Computed node by node, applying each node's correction ``W_{z_i,x_i}`` at
    once to the current end qudit; by Weyl covariance this equals the single
    correction ``W_{sum z, sum x}`` on ``B_{n+1}`` of eq. 56-58, which
    :func:`swap_outcomes` applies literally (the tests compare the two). Cost
    is linear in ``n``.

    Examples
    --------
    >>> from qdms.quantum import werner_state, fidelity, max_entangled_ket
    >>> out = swap([werner_state(0.9), werner_state(0.8)])
    >>> round(fidelity(max_entangled_ket(), out), 12)   # (1 + 3 * 0.72) / 4
    0.79
    """
    rhos = check_states(states, d)
    d = int(d)
    lam = per_node("bell_measurement_noise", bell_measurement_noise, len(rhos) - 1)
    sigma = rhos[0]
    for rho, noise in zip(rhos[1:], lam, strict=True):
        sigma = _bell_step(sigma, rho, d, d, float(noise))
    return sigma


@dataclass(frozen=True)
class SwapOutcomes:
    """Every outcome of the Bell measurements of a swap, with its probability and state.

    Attributes
    ----------
    d : local dimension.
    outcomes : int array ``(K, n, 2)``: ``(z_i, x_i)`` announced by node ``i``,
        for all ``K = d^(2n)`` outcome strings (node 1 most significant).
    probabilities : array ``(K,)``, summing to 1.
    corrections : int array ``(K, 2)``: ``(z, x)`` of the Weyl correction
        ``Z^z X^x`` applied to ``B_{n+1}`` (eq. 56-57).
    weighted_states : array ``(K, d^2, d^2)``: ``p_k sigma_k``, the corrected
        output given outcome ``k`` times its probability (sub-normalised).
    """

    d: int
    outcomes: NDArray[np.int_]
    probabilities: NDArray[np.float64]
    corrections: NDArray[np.int_]
    weighted_states: NDArray[np.complex128]

    def conditional_state(self, index: int) -> NDArray[np.complex128]:
        """The corrected output given outcome ``index`` (raises if that outcome never occurs)."""
        i = check_int("index", index, low=0, high=len(self.probabilities) - 1)
        p = self.probabilities[i]
        if not p > 1e-14:
            raise ValueError(f"outcome {i} has probability {p:.3g}: its state is undefined")
        return self.weighted_states[i] / p

    def average_state(self) -> NDArray[np.complex128]:
        """The outcome-averaged output, equal to :func:`swap`."""
        return self.weighted_states.sum(axis=0)


def swap_outcomes(
    states: Sequence[ArrayLike], d: int = 2, *, bell_measurement_noise: float | ArrayLike = 0.0
) -> SwapOutcomes:
    """All outcomes of swapping, by explicit joint Bell measurement (Khatri eq. 56-58 literally).

    The state ``rho_1 (x) ... (x) rho_{n+1}`` is built in full; each measured
    pair ``(B_i, A_{i+1})`` is rotated by the Bell basis change ``U^dag``
    (column ``z*d + x`` of ``U`` is ``|Phi_{z,x}>``), so the diagonal blocks
    of the measured systems are the post-measurement states. A noisy
    measurement mixes the blocks with weights ``(1 - lam) delta_{jk} + lam/d^2``.
    The correction ``W_{sum z, sum x}`` is then applied to ``B_{n+1}``.

    Parameters
    ----------
    states, d, bell_measurement_noise : as for :func:`swap`. The total dimension
        ``d^(2(n+1))`` is limited to :data:`MAX_EXPLICIT_DIMENSION`.

    Returns
    -------
    :class:`SwapOutcomes`.

    Examples
    --------
    >>> from qdms.quantum import ket_to_density, max_entangled_ket
    >>> phi = ket_to_density(max_entangled_ket())
    >>> res = swap_outcomes([phi, phi])
    >>> res.probabilities
    array([0.25, 0.25, 0.25, 0.25])
    >>> all(np.allclose(res.conditional_state(k), phi) for k in range(4))
    True
    """
    rhos = check_states(states, d)
    d = int(d)
    n = len(rhos) - 1
    lam = per_node("bell_measurement_noise", bell_measurement_noise, n)
    total = d ** (2 * (n + 1))
    if total > MAX_EXPLICIT_DIMENSION:
        raise ValueError(
            f"explicit simulation of {n + 1} links of dimension d={d} needs a "
            f"{total} x {total} matrix (limit {MAX_EXPLICIT_DIMENSION}); use swap() instead"
        )
    dims = [d] * (2 * (n + 1))
    full = rhos[0]
    for rho in rhos[1:]:
        full = np.kron(full, rho)
    u_dag = bell_basis(d).conj().T
    for i in range(n):
        full = apply_operator(full, u_dag, [2 * i + 1, 2 * i + 2], dims)
    full = permute_subsystems(full, [0, 2 * n + 1, *range(1, 2 * n + 1)], dims)
    m = d ** (2 * n)
    blocks = np.einsum("ajbj->jab", full.reshape(d * d, m, d * d, m))  # [outcome, out, out]
    weights = np.ones((1, 1))
    for noise in lam:
        weights = np.kron(weights, (1 - noise) * np.eye(d * d) + noise / (d * d))
    blocks = np.einsum("kj,jab->kab", weights, blocks)

    digits = np.array(np.unravel_index(np.arange(m), (d * d,) * n)).T.reshape(m, n)
    outcomes = np.stack([digits // d, digits % d], axis=-1)
    corrections = outcomes.sum(axis=1) % d
    w = _weyl_stack(d)
    corr = np.stack([np.kron(np.eye(d), w[z * d + x]) for z, x in corrections])
    weighted = corr @ blocks @ corr.conj().transpose(0, 2, 1)
    weighted = (weighted + weighted.conj().transpose(0, 2, 1)) / 2
    probabilities = np.real(np.trace(weighted, axis1=1, axis2=2))
    return SwapOutcomes(d, outcomes, probabilities, corrections, weighted)


def _convolve(q: NDArray[np.float64], d: int) -> NDArray[np.float64]:
    """Convolution over ``Z_d x Z_d`` of the rows of ``q`` (shape ``(m, d^2)``).

    Pairwise, as a balanced tree, each step a direct sum of products of
    nonnegative numbers: every coefficient keeps its relative precision (an
    FFT rounds a Psi- of 1e-20 next to a Phi+ of 1 to 0). ``m d^4`` products;
    for large ``d`` (``d^4 > 4096``) an FFT is used instead.
    """
    if q.shape[0] == 1:
        return q[0].copy()
    if d**4 > 4096:
        spectra = np.fft.fft2(q.reshape(-1, d, d), axes=(1, 2))
        out = np.real(np.fft.ifft2(np.prod(spectra, axis=0))).reshape(d * d)
        return np.where(out < 0, 0.0, out)  # round-off can make an exact zero negative
    a, b, z, x = np.ogrid[:d, :d, :d, :d]
    shift = (((z - a) % d) * d + (x - b) % d).reshape(d * d, d * d)  # [(a, b), (z, x)]
    rows = q
    while rows.shape[0] > 1:
        odd = rows[-1:] if rows.shape[0] % 2 else rows[:0]
        left, right = rows[0:-1:2] if odd.size else rows[0::2], rows[1::2]
        pairs = np.einsum("mk,mkj->mj", left, right[:, shift])
        rows = np.concatenate([pairs, odd])
    return rows[0]


def _noise_factor(bell_measurement_noise: float | ArrayLike, n: int) -> float:
    """``prod_i (1 - lam_i)``: the probability that no Bell measurement is depolarised."""
    lam = per_node("bell_measurement_noise", bell_measurement_noise, n)
    return float(np.prod(1 - lam)) if n else 1.0


def swap_bell_diagonal(
    coefficient_vectors: ArrayLike,
    d: int = 2,
    *,
    bell_measurement_noise: float | ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Bell coefficients of the swapped link: the convolution of the inputs over ``Z_d x Z_d``.

    ``q_out[z, x] = sum_{k_1 + ... + k_{n+1} = (z, x) mod d} prod_i q_i[k_i]`` (plus
    signs; re-derived with Khatri Prop. III.1, App. H.1), computed pairwise by
    direct sums of nonnegative products, so that tiny coefficients keep their
    digits (an FFT for ``d >= 9``). With noisy Bell
    measurements ``q_out -> (1 - Lam) q_out + Lam / d^2``, ``1 - Lam = prod (1 - lam_i)``.
    Exact for the Bell coefficients of *any* input states (their Bell
    diagonals), and the full output state when the inputs are Bell-diagonal.

    Parameters
    ----------
    coefficient_vectors : array ``(n + 1, d^2)``, each row indexed ``z*d + x``
        (qubits: ``[Phi+, Psi+, Phi-, Psi-]``), non-negative, summing to 1.
    d : local dimension, >= 2.
    bell_measurement_noise : as for :func:`swap`.

    Returns
    -------
    The output coefficient vector, length ``d^2``.

    Examples
    --------
    >>> swap_bell_diagonal([[0.7, 0.1, 0.1, 0.1], [0.7, 0.1, 0.1, 0.1]]).round(12)
    array([0.52, 0.16, 0.16, 0.16])
    >>> swap_bell_diagonal([[0, 1, 0, 0], [0, 0, 1, 0]])   # Psi+ and Phi- give Psi-
    array([0., 0., 0., 1.])
    """
    q = check_coefficient_vectors(coefficient_vectors, d)
    d = int(d)
    keep = _noise_factor(bell_measurement_noise, q.shape[0] - 1)
    out = _convolve(q, d)
    return keep * out + (1 - keep) / (d * d)


def swap_fidelity(
    states: Sequence[ArrayLike], d: int = 2, *, bell_measurement_noise: float | ArrayLike = 0.0
) -> float:
    """Fidelity of the swapped link with ``|Phi>`` for arbitrary inputs (Khatri Prop. III.1, eq. 63).

    ``F = sum_{k_1 + ... + k_{n+1} = (0, 0) mod d} prod_i <Phi_{k_i}|rho_i|Phi_{k_i}>``,
    the sum over all ``(n+1)``-tuples of Bell indices ``k_i = (z_i, x_i)`` in
    ``Z_d x Z_d`` that add up to zero. Eq. 63 is lost in the text; this is the
    re-derived form in the conventions of this project, which only needs the
    Bell diagonals of the inputs even when they are not Bell-diagonal. With
    noisy Bell measurements ``F -> (1 - Lam) F + Lam / d^2``.

    Parameters
    ----------
    states, d, bell_measurement_noise : as for :func:`swap`.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> round(swap_fidelity([werner_state(0.6), werner_state(0.6)]), 12)   # 0.7*0.7 + 0.3*0.3/3
    0.52
    """
    rhos = check_states(states, d)
    d = int(d)
    q = np.stack([bell_coefficients(r, d) for r in rhos])
    keep = _noise_factor(bell_measurement_noise, len(rhos) - 1)
    return float(keep * _convolve(q, d)[0] + (1 - keep) / (d * d))


def swap_werner(
    werner_parameters: ArrayLike,
    d: int = 2,
    *,
    bell_measurement_noise: float | ArrayLike = 0.0,
) -> float:
    """Werner parameter of the swapped link: ``prod_i w_i prod_j (1 - lam_j)``.

    The convolution of isotropic coefficient vectors ``w delta_0 + (1-w)/d^2``
    is isotropic with parameter ``prod w_i``; a depolarised Bell measurement
    acts as one more link of parameter ``1 - lam``. For qubits two links of
    fidelity ``F1, F2`` give ``F1 F2 + (1 - F1)(1 - F2)/3``.

    Parameters
    ----------
    werner_parameters : 1-D array of the ``n + 1`` links' ``w_i``, each in
        ``[-1/(d^2 - 1), 1]`` (``F = w + (1 - w)/d^2``).
    d : local dimension (fixes the allowed range), >= 2.
    bell_measurement_noise : as for :func:`swap`.

    Examples
    --------
    >>> round(swap_werner([0.9, 0.8, 0.5]), 12)
    0.36
    """
    d = check_int("d", d, low=2)
    w = check_real_array("werner_parameters", werner_parameters, ndim=1)
    if w.size == 0:
        raise ValueError("werner_parameters must hold at least one value")
    low = -1 / (d * d - 1)
    bad = (w < low - 1e-15) | (w > 1)
    if np.any(bad):
        raise ValueError(
            f"werner_parameters must lie in [{low:.6g}, 1] for d={d}, found {w[bad][0]!r}"
        )
    return float(np.prod(w) * _noise_factor(bell_measurement_noise, w.size - 1))


def imperfect_swap(
    states: Sequence[ArrayLike],
    d: int = 2,
    *,
    success_probability: float | ArrayLike = 1.0,
    bell_measurement_noise: float | ArrayLike = 0.0,
) -> HeraldedState:
    """Swapping with heralded failures and noisy Bell measurements.

    Node ``i`` succeeds with probability ``p_i`` independently of the state
    (a heralded failure, e.g. of a linear-optics Bell measurement, discards
    the links); given success it makes the noisy measurement of :func:`swap`.

    Returns
    -------
    :class:`HeraldedState` ``(prod_i p_i, state given success)``.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> p, rho = imperfect_swap([werner_state(1.0)] * 3, success_probability=0.5)
    >>> p, rho.shape
    (0.25, (4, 4))
    """
    rhos = check_states(states, d)
    p = per_node("success_probability", success_probability, len(rhos) - 1)
    state = swap(rhos, d, bell_measurement_noise=bell_measurement_noise)
    return HeraldedState(float(np.prod(p)), state)


def imperfect_swap_fidelity(
    states: Sequence[ArrayLike],
    d: int = 2,
    *,
    success_probability: float | ArrayLike = 1.0,
    bell_measurement_noise: float | ArrayLike = 0.0,
) -> HeraldedFidelity:
    """Closed form of :func:`imperfect_swap`: ``(prod p_i, (1 - Lam) F + Lam/d^2)``.

    ``F`` is Prop. III.1 (:func:`swap_fidelity`) and ``1 - Lam = prod (1 - lam_i)``.

    Examples
    --------
    >>> from qdms.quantum import werner_state
    >>> p, f = imperfect_swap_fidelity([werner_state(1.0)] * 2, success_probability=0.5,
    ...                                bell_measurement_noise=0.2)
    >>> p, round(f, 12)   # 0.8 * 1 + 0.2 / 4
    (0.5, 0.85)
    """
    rhos = check_states(states, d)
    p = per_node("success_probability", success_probability, len(rhos) - 1)
    f = swap_fidelity(rhos, d, bell_measurement_noise=bell_measurement_noise)
    return HeraldedFidelity(float(np.prod(p)), f)
