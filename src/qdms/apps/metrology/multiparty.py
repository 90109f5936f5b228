"""Multi-party QSM: Alice shares Bell pairs with K sensors; comparison with a GHZ probe.

Bell pairs (Rahim et al., Discussion)
-------------------------------------
Alice shares |Phi+> (or Werner pairs) with sensors ``B_1 .. B_K``; sensor j
applies ``U_E^{N_j}`` with its own ``phi_j`` and returns its particle; Alice
Bell-measures each pair. The joint state is a product over sensors and each
``phi_j`` lives in its own pair, so the QFI matrix is diagonal,

    F_jj = 2 w^2 N_j^2 / (1 + w)   (N_j^2 for |Phi+>),   F_ij = 0,

the multi-parameter QCRB ``Cov(phi_hat) >= F^{-1} / (P_E nu)`` is attained
parameter by parameter, and the joint MLE is the product of the single-pair
MLEs (:func:`multiparty_estimates`).

GHZ with parallel encoding (documented model)
---------------------------------------------
The comparison probe is a GHZ state shared by the K sensors, each qubit
encoded once by its sensor (``U_E^{N_j}``), either with Alice keeping one
more qubit as a reference (``reference=True``, K+1 qubits) or with all K
qubits sent out and returned (``reference=False``). The encoded state is
``(|0..0> + e^{i sum_j N_j phi_j}|1..1>)/sqrt(2)``: only the weighted sum is
encoded, and the QFI matrix is rank one, ``F_ij = N_i N_j`` (with white
noise of weight ``1-w`` on M qubits: ``N_i N_j w^2 / (w + (1-w)/2^{M-1})``).
Alice cannot estimate the K phases separately.

What an eavesdropper holding particles learns
---------------------------------------------
Eve holds a set of the particles that travel through the network (the
sensors' qubits, after encoding). Her information is the QFI matrix of her
reduced state about ``(phi_1 .. phi_K)`` (:func:`eavesdropper_qfi_matrix`):

* one particle, either probe: its state is ``I/2``: she learns nothing;
* every travelling particle of the Bell scheme: ``I/2^K``: still nothing
  (each phase sits in a correlation with a qubit Alice never sends);
* every travelling particle of the GHZ probe with a reference qubit: the
  state ``(|0..0><0..0| + |1..1><1..1|)/2``, nothing;
* every travelling particle of the GHZ probe without a reference: the whole
  encoded GHZ state, she learns the sum with the full QFI ``N_i N_j``.

So single particles are equally secret in both schemes; the difference the
paper points to appears when the probe has no qubit kept at home, and in
what Alice herself can estimate (K phases versus one sum).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..._validation import check_finite, check_int
from ...quantum import ghz_ket, ket_to_density, partial_trace, symmetric_logarithmic_derivative
from ._checks import check_n_encodings, check_p_encode, check_pairs, check_werner, phi_plus_density
from .estimation import maximum_likelihood_phase
from .protocol import QSMProtocol, QSMResult

__all__ = [
    "ProbeState",
    "eavesdropper_qfi_matrix",
    "ghz_qfi_matrix",
    "multiparty_estimates",
    "multiparty_qcrb",
    "multiparty_qfi_matrix",
    "probe_state",
    "qfi_matrix_of_state",
    "run_multiparty",
]


def _ns(n_encodings: Sequence[int]) -> list[int]:
    if isinstance(n_encodings, (int, np.integer)) or len(n_encodings) == 0:
        raise ValueError(f"n_encodings must be a non-empty sequence of ints, got {n_encodings!r}")
    return [check_n_encodings(n, f"n_encodings[{i}]") for i, n in enumerate(n_encodings)]


def _phis(phis: Sequence[float], k: int) -> list[float]:
    if len(phis) != k:
        raise ValueError(f"phis must have one phase per sensor ({k}), got {len(phis)}")
    return [check_finite(f"phis[{i}]", p) for i, p in enumerate(phis)]


def multiparty_qfi_matrix(n_encodings: Sequence[int], *, werner_parameter: float = 1.0):
    """Diagonal QFI matrix of one round (one pair per sensor): ``2 w^2 N_j^2/(1+w)``.

    Parameters
    ----------
    n_encodings : N_j >= 1 for each of the K sensors.
    werner_parameter : w in [-1/3, 1] of every pair.

    Returns
    -------
    K x K diagonal matrix, rad^-2.

    Examples
    --------
    >>> multiparty_qfi_matrix([1, 2, 3]).diagonal().tolist()
    [1.0, 4.0, 9.0]
    """
    ns = np.array(_ns(n_encodings), dtype=float)
    w = check_werner(werner_parameter)
    return np.diag(2 * w * w * ns * ns / (1 + w))


def ghz_qfi_matrix(
    n_encodings: Sequence[int], *, werner_parameter: float = 1.0, reference: bool = True
):
    """Rank-one QFI matrix of the parallel-encoded GHZ probe (module notes).

    Parameters
    ----------
    n_encodings : N_j >= 1 for each of the K sensors.
    werner_parameter : weight w of the GHZ state against white noise.
    reference : whether Alice keeps a reference qubit (K+1 qubits).

    Returns
    -------
    K x K rank-one matrix, rad^-2.

    Examples
    --------
    >>> ghz_qfi_matrix([1, 2]).tolist()
    [[1.0, 2.0], [2.0, 4.0]]
    """
    ns = np.array(_ns(n_encodings), dtype=float)
    w = check_werner(werner_parameter)
    m = ns.size + (1 if reference else 0)
    return np.outer(ns, ns) * w * w / (w + (1 - w) / 2 ** (m - 1))


def multiparty_qcrb(
    p_encode: float,
    repetitions: int,
    n_encodings: Sequence[int],
    *,
    werner_parameter: float = 1.0,
) -> NDArray[np.float64]:
    """Bounds ``[F^{-1}]_jj / (P_E nu)`` on each ``Var(phi_j)``; eq. 5 per sensor when w = 1.

    Parameters
    ----------
    p_encode : P_E in (0, 1].
    repetitions : nu >= 1 pairs per sensor.
    n_encodings : N_j >= 1 per sensor.
    werner_parameter : w in [-1/3, 1].

    Returns
    -------
    Array of K variance bounds, rad^2.

    Examples
    --------
    >>> multiparty_qcrb(0.5, 100, [1, 2]).tolist()
    [0.02, 0.005]
    """
    pe = check_p_encode(p_encode)
    nu = check_pairs(repetitions, "repetitions")
    f = multiparty_qfi_matrix(n_encodings, werner_parameter=werner_parameter).diagonal()
    return 1.0 / (pe * nu * f)


def multiparty_estimates(
    bell_counts: Sequence[ArrayLike],
    n_encodings: Sequence[int],
    *,
    werner_parameter: float = 1.0,
) -> NDArray[np.float64]:
    """Joint MLE of ``(phi_1 .. phi_K)``: it factorises into one MLE per sensor.

    Parameters
    ----------
    bell_counts : one ``[Phi+, Psi+, Phi-, Psi-]`` count vector per sensor.
    n_encodings : N_j per sensor.
    werner_parameter : w of the pairs.

    Returns
    -------
    Array of K estimates, each in ``[0, pi/N_j]``.

    Examples
    --------
    >>> multiparty_estimates([[75, 0, 25, 0], [50, 0, 50, 0]], [1, 2]).round(6).tolist()
    [1.047198, 0.785398]
    """
    ns = _ns(n_encodings)
    if len(bell_counts) != len(ns):
        raise ValueError(f"bell_counts must have one entry per sensor ({len(ns)})")
    return np.array(
        [
            maximum_likelihood_phase(c, n, werner_parameter=werner_parameter)
            for c, n in zip(bell_counts, ns, strict=True)
        ]
    )


@dataclass(frozen=True)
class ProbeState:
    """An encoded multi-party probe: state, exact derivatives, and which qubits travel."""

    state: NDArray[np.complex128]
    derivatives: tuple[NDArray[np.complex128], ...]
    travelling: tuple[int, ...]
    n_qubits: int


def _embed(op: NDArray, qubit: int, nq: int) -> NDArray[np.complex128]:
    out = np.ones((1, 1), dtype=complex)
    for q in range(nq):
        out = np.kron(out, op if q == qubit else np.eye(2))
    return out


def probe_state(
    n_encodings: Sequence[int],
    phis: Sequence[float],
    *,
    scheme: str = "bell",
    werner_parameter: float = 1.0,
    reference: bool = True,
) -> ProbeState:
    """Explicit encoded state of all K sensors and its exact derivatives ``i N_j [P_j, rho]``.

    ``scheme="bell"``: qubits ``(A_1, B_1, ..., A_K, B_K)``, Werner pairs,
    sensor qubits ``B_j`` travel. ``scheme="ghz"``: ``(R, S_1 .. S_K)`` with
    Alice's reference R when ``reference``, else ``(S_1 .. S_K)``; white noise
    ``w GHZ + (1-w) I/2^M``; the ``S_j`` travel.

    Parameters
    ----------
    n_encodings : N_j >= 1 per sensor.
    phis : phi_j per sensor, radians.
    scheme : ``"bell"`` or ``"ghz"``.
    werner_parameter : noise weight (module notes).
    reference : GHZ only: whether Alice keeps a reference qubit.

    Returns
    -------
    :class:`ProbeState`.

    Examples
    --------
    >>> probe_state([1, 1], [0.1, 0.2]).travelling
    (1, 3)
    """
    ns = _ns(n_encodings)
    ph = _phis(phis, len(ns))
    w = check_werner(werner_parameter)
    k = len(ns)
    if scheme == "bell":
        pair = w * phi_plus_density() + (1 - w) * np.eye(4) / 4
        rho = np.ones((1, 1), dtype=complex)
        for _ in range(k):
            rho = np.kron(rho, pair)
        nq, sensors = 2 * k, [2 * j + 1 for j in range(k)]
    elif scheme == "ghz":
        nq = k + (1 if reference else 0)
        sensors = [j + (1 if reference else 0) for j in range(k)]
        rho = w * ket_to_density(ghz_ket(nq)) + (1 - w) * np.eye(2**nq) / 2**nq
    else:
        raise ValueError(f"scheme must be 'bell' or 'ghz', got {scheme!r}")
    projectors = [_embed(np.diag([0.0, 1.0]), q, nq) for q in sensors]
    u = np.eye(2**nq, dtype=complex)
    for p_j, n_j, phi_j in zip(projectors, ns, ph, strict=True):
        u = u @ np.diag(np.exp(1j * n_j * phi_j * np.diag(p_j).real))
    rho = u @ rho @ u.conj().T
    derivs = tuple(
        1j * n_j * (p_j @ rho - rho @ p_j) for p_j, n_j in zip(projectors, ns, strict=True)
    )
    return ProbeState(rho, derivs, tuple(sensors), nq)


def qfi_matrix_of_state(state: ArrayLike, derivatives: Sequence[ArrayLike]) -> NDArray:
    """QFI matrix ``F_ij = Re tr(rho L_i L_j)`` from the SLDs of exact derivatives.

    Parameters
    ----------
    state : density matrix.
    derivatives : exact ``d rho / d phi_j``, one per parameter.

    Returns
    -------
    K x K real symmetric matrix.

    Examples
    --------
    >>> s = probe_state([2, 3], [0.1, 0.4])
    >>> (qfi_matrix_of_state(s.state, s.derivatives).round(9) + 0.0).tolist()
    [[4.0, 0.0], [0.0, 9.0]]
    """
    rho = np.asarray(state, dtype=complex)
    slds = [symmetric_logarithmic_derivative(rho, d) for d in derivatives]
    k = len(slds)
    f = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            f[i, j] = np.trace(rho @ slds[i] @ slds[j]).real
    return (f + f.T) / 2


def eavesdropper_qfi_matrix(
    held: Sequence[int],
    n_encodings: Sequence[int],
    phis: Sequence[float],
    *,
    scheme: str = "bell",
    werner_parameter: float = 1.0,
    reference: bool = True,
) -> NDArray[np.float64]:
    """QFI matrix about ``(phi_1 .. phi_K)`` of the travelling particles Eve holds.

    ``held`` lists sensor indices j (0-based) whose encoded particle Eve holds.

    Parameters
    ----------
    held : sensor indices whose travelling particle Eve holds.
    n_encodings, phis, scheme, werner_parameter, reference : as in :func:`probe_state`.

    Returns
    -------
    K x K QFI matrix of Eve's reduced state.

    Examples
    --------
    >>> eavesdropper_qfi_matrix([0, 1], [1, 1], [0.3, 0.5]).round(9).tolist()   # Bell: nothing
    [[0.0, 0.0], [0.0, 0.0]]
    >>> eavesdropper_qfi_matrix([0, 1], [1, 1], [0.3, 0.5], scheme="ghz", reference=False).round(9).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    probe = probe_state(
        n_encodings, phis, scheme=scheme, werner_parameter=werner_parameter, reference=reference
    )
    k = len(probe.travelling)
    idx = sorted({int(h) for h in held})
    if not idx or idx[0] < 0 or idx[-1] >= k:
        raise ValueError(f"held must list sensor indices in [0, {k - 1}], got {list(held)!r}")
    qubits = [probe.travelling[j] for j in idx]
    dims = [2] * probe.n_qubits
    reduced = partial_trace(probe.state, qubits, dims)
    dred = [partial_trace(d, qubits, dims) for d in probe.derivatives]
    return qfi_matrix_of_state(reduced, dred)


def run_multiparty(
    pairs: int,
    p_encode: float,
    n_encodings: Sequence[int],
    phis: Sequence[float],
    *,
    seed: int = 0,
) -> tuple[QSMResult, ...]:
    """One QSM run per sensor (independent Bell pairs), seeded by ``SeedSequence(seed).spawn(K)``.

    Parameters
    ----------
    pairs : l >= 1 pairs per sensor.
    p_encode : P_E in (0, 1].
    n_encodings : N_j per sensor.
    phis : phi_j per sensor, radians.
    seed : int >= 0.

    Returns
    -------
    One :class:`.protocol.QSMResult` per sensor.

    Examples
    --------
    >>> rs = run_multiparty(20_000, 0.5, [1, 4], [1.0, 0.2], seed=3)
    >>> [round(r.estimate, 2) for r in rs]
    [1.0, 0.2]
    """
    ns = _ns(n_encodings)
    ph = _phis(phis, len(ns))
    children = np.random.SeedSequence(check_int("seed", seed, low=0)).spawn(len(ns))
    return tuple(
        QSMProtocol(pairs, p_encode, n, p).run(np.random.default_rng(c))
        for n, p, c in zip(ns, ph, children, strict=True)
    )
