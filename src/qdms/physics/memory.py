"""Quantum memories: decoherence per time step and the fidelity ``f(m)`` of a stored link.

A link heralded in step ``m = 0`` sits in the memories of its two nodes; after
``m`` further steps each qubit has undergone ``m`` applications of the
memory's per-step channel. These functions give the fidelity to ``Phi+`` of
the stored pair, ``f(m)``, in closed form (checked in the tests against
repeated application of the channel to the density matrix).

References
----------
Khatri, AVS Quantum Sci. 4, 030501 (2022), App. D.1 (eq. 306-319).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._probability import none_of, some_of
from .._validation import check_int_array, check_nonnegative, check_positive, check_probability
from ..quantum import check_bell_coefficients, check_density_matrix

__all__ = [
    "amplitude_damping_memory_fidelity",
    "damping_parameter",
    "dephasing_memory_fidelity",
    "depolarising_memory_fidelity",
    "max_storage_steps",
]


def _steps(steps: int | ArrayLike) -> NDArray[np.int64]:
    return check_int_array("steps", steps, low=0)


def _out(arr: NDArray[np.float64]):
    return float(arr) if arr.ndim == 0 else arr


def damping_parameter(time_step_s: float, coherence_time_s: float) -> float:
    """Per-step decay parameter ``1 - exp(-dt / t_coh)`` of a memory (Khatri eq. 310).

    ``coherence_time_s = inf`` gives 0 (a perfect memory).

    Examples
    --------
    >>> round(damping_parameter(1e-3, 1.0), 12)
    0.000999500167
    >>> damping_parameter(1e-3, float("inf"))
    0.0
    """
    dt = check_nonnegative("time_step_s", time_step_s)
    tc = check_positive("coherence_time_s", coherence_time_s, allow_inf=True)
    return -math.expm1(-dt / tc)


def max_storage_steps(time_step_s: float, coherence_time_s: float) -> int:
    """Maximum storage time ``m* = floor(t_coh / dt)`` in steps (Khatri Sec. II.2).

    Examples
    --------
    >>> max_storage_steps(2e-3, 1.0)
    500
    """
    dt = check_positive("time_step_s", time_step_s)
    tc = check_positive("coherence_time_s", coherence_time_s)
    # Guard against 0.3/0.1 = 2.9999999999999996 style round-off.
    return int(math.floor(tc / dt * (1 + 1e-12)))


def depolarising_memory_fidelity(initial_fidelity: float, depolarising_probability: float, steps):
    """Fidelity of a Werner pair whose two qubits each depolarise once per step.

    Each qubit undergoes ``rho -> (1 - lam) rho + lam I/2`` per step, which
    multiplies the Werner parameter by ``(1 - lam)`` per qubit. After ``m``
    steps ``w_m = w_0 (1 - lam)^{2m}`` and ``f(m) = (1 + 3 w_m)/4`` with
    ``w_0 = (4 F_0 - 1)/3`` (API.md).

    Examples
    --------
    >>> depolarising_memory_fidelity(1.0, 0.1, [0, 1, 2]).round(6)
    array([1.      , 0.8575  , 0.742075])
    """
    f0 = check_probability("initial_fidelity", initial_fidelity)
    lam = check_probability("depolarising_probability", depolarising_probability)
    m = _steps(steps)
    # f0 s + (1 - s)/4 = 1/4 + (f0 - 1/4) s, with both terms >= 0 (f0 = 0 loses nothing)
    return _out(f0 * none_of(lam, 2 * m) + 0.25 * some_of(lam, 2 * m))


def dephasing_memory_fidelity(bell_coefficients: ArrayLike, dephasing_probability: float, steps):
    """Fidelity of a Bell-diagonal pair whose two qubits each dephase once per step.

    Each qubit undergoes ``rho -> (1 - p) rho + p Z rho Z`` per step. A ``Z``
    on either qubit swaps ``Phi+ <-> Phi-`` and ``Psi+ <-> Psi-``; after ``m``
    steps the net flip has probability ``(1 - (1 - 2p)^{2m}) / 2``, so
    ``f(m) = q_Phi+ (1 + c)/2 + q_Phi- (1 - c)/2`` with ``c = (1 - 2p)^{2m}``.

    Examples
    --------
    >>> dephasing_memory_fidelity([1, 0, 0, 0], 0.5, [0, 1])
    array([1. , 0.5])
    """
    q = check_bell_coefficients(bell_coefficients, d=2)
    p = check_probability("dephasing_probability", dephasing_probability)
    m = _steps(steps)
    x = min(p, 1.0 - p)  # |1 - 2p| = 1 - 2x
    c, one_minus_c = none_of(2.0 * x, 2 * m), some_of(2.0 * x, 2 * m)
    return _out(q[0] * (1 + c) / 2 + q[2] * one_minus_c / 2)


def amplitude_damping_memory_fidelity(bell_coefficients: ArrayLike, gamma: float, steps):
    """Fidelity ``f(m)`` of a stored pair, both qubits amplitude-damped once per step.

    ``bell_coefficients`` is a Bell-diagonal coefficient vector
    ``q = [Phi+, Psi+, Phi-, Psi-]`` or, more generally, any two-qubit density
    matrix ``rho`` (4 x 4). ``m`` steps of damping ``gamma`` compose to one of
    ``g = 1 - (1 - gamma)^m`` (Khatri eq. 311-314). Damping both qubits moves
    population ``|11> -> |01>, |10>, |00>`` and ``|01>, |10> -> |00>``, and
    multiplies the coherence ``<00|rho|11>`` by ``1 - g``, so (Khatri eq. 315-319,
    re-derived for any state)

        f(m) = [rho_00 + g (rho_01 + rho_10) + (g^2 + (1 - g)^2) rho_11] / 2
               + (1 - g) Re <00|rho|11>,

    with ``rho_ab`` the population of ``|ab>``. For a Bell-diagonal state
    ``rho_00 = rho_11 = (q0 + q2)/2``, ``rho_01 = rho_10 = (q1 + q3)/2`` and
    ``Re <00|rho|11> = (q0 - q2)/2``; for ``Phi+`` it is ``((2 - g)^2 + g^2)/4``.

    Examples
    --------
    >>> amplitude_damping_memory_fidelity([1, 0, 0, 0], 0.1, [0, 1]).round(6)
    array([1.   , 0.905])
    """
    arr = np.asarray(bell_coefficients)
    if arr.ndim == 2:
        rho = check_density_matrix(arr, "bell_coefficients", dim=4)
        pops = np.real(np.diag(rho))
        f0 = float(pops[0] + pops[3] + 2.0 * np.real(rho[0, 3])) / 2.0  # <Phi+|rho|Phi+>
    else:
        q = check_bell_coefficients(arr, d=2)
        pops = np.array([q[0] + q[2], q[1] + q[3], q[1] + q[3], q[0] + q[2]]) / 2
        f0 = float(q[0])
    g_one = check_probability("gamma", gamma)
    m = _steps(steps)
    survive = none_of(g_one, m)  # 1 - g
    g = some_of(g_one, m)  # no cancellation
    # The formula above, regrouped with g^2 + (1 - g)^2 = 1 - 2 g (1 - g) so that no term
    # cancels (Phi- gives g^2 / 2, which is 5e-25 for g = 1e-12):
    #   f = (1 - g) f0 + g [rho_00 - rho_11 + 2 g rho_11 + rho_01 + rho_10] / 2.
    f = survive * f0 + g * (pops[0] - pops[3] + 2.0 * g * pops[3] + pops[1] + pops[2]) / 2
    return _out(f)
