"""Repeated distillation rounds: entanglement pumping and symmetric recurrence.

Both schedules iterate a two-to-one ``step`` on Bell-coefficient vectors
(:func:`~qdms.protocols.distillation.dejmps.dejmps_bell_diagonal` by
default, or ``bbpssw_bell_diagonal``, ``recurrence_bell_diagonal``, or any
callable ``(q_kept, q_sacrificed) -> (p, q')``):

* pumping (Dür, Briegel, Cirac and Zoller, PRA 59, 169 (1999)): each round
  distils the current pair with one fresh raw pair, ``q_{k+1} = step(q_k, q_0)``;
* symmetric recurrence (Bennett et al. 1996; Deutsch et al. 1996): each round
  distils two independent copies of the previous round's output,
  ``q_{k+1} = step(q_k, q_k)``.

Accounting convention (stated because the literature varies). A failed round
destroys both of its pairs, and whatever they cost is lost.

* ``cumulative_success_probability[k]``: the probability that one attempt
  with the minimum number of raw pairs (``k + 1`` for pumping, ``2^k`` for
  recurrence) succeeds in all ``k`` rounds: ``P_{k+1} = P_k p_k`` (pumping),
  ``P_{k+1} = P_k^2 p_k`` (recurrence), ``P_0 = 1``.
* ``expected_raw_pairs[k]``: the expected number of raw pairs consumed per
  output pair of round ``k`` when every failure is made good by producing
  the lost inputs again (failed branches are regenerated, not the whole
  tree). Each attempt of round ``k + 1`` costs its inputs and succeeds with
  ``p_k``, so by Wald's identity ``N_{k+1} = (N_k + 1) / p_k`` (pumping: a
  round-``k`` pair plus a raw pair) and ``N_{k+1} = 2 N_k / p_k``
  (recurrence), ``N_0 = 1``. The tests check both by Monte Carlo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..._validation import check_int
from ..locc import HeraldedCoefficients, check_coefficient_vectors
from .dejmps import dejmps_bell_diagonal

__all__ = ["DistillationSchedule", "pumping", "symmetric_recurrence"]

Step = Callable[[NDArray[np.float64], NDArray[np.float64]], HeraldedCoefficients]


@dataclass(frozen=True)
class DistillationSchedule:
    """Result of repeated distillation rounds (see the module notes for the accounting).

    Attributes
    ----------
    coefficients : array ``(rounds + 1, 4)``: row ``k`` is the Bell-coefficient
        vector after ``k`` rounds (row 0 the raw pair).
    success_probabilities : array ``(rounds,)``: ``p_k``, the success
        probability of round ``k + 1`` given its inputs.
    cumulative_success_probability : array ``(rounds + 1,)``: ``P_k``.
    expected_raw_pairs : array ``(rounds + 1,)``: ``N_k``, raw pairs per output pair.
    """

    coefficients: NDArray[np.float64]
    success_probabilities: NDArray[np.float64]
    cumulative_success_probability: NDArray[np.float64]
    expected_raw_pairs: NDArray[np.float64]

    @property
    def fidelities(self) -> NDArray[np.float64]:
        """Fidelity to ``Phi+`` after each round (the first coefficient)."""
        return self.coefficients[:, 0]


def _run(coefficients: ArrayLike, rounds: int, step: Step, symmetric: bool) -> DistillationSchedule:
    raw = check_coefficient_vectors(
        np.asarray(coefficients, dtype=float)[None], 2, name="coefficients"
    )[0]
    rounds = check_int("rounds", rounds, low=0)
    if not callable(step):
        raise TypeError(f"step must be a callable (q1, q2) -> (p, q), got {step!r}")
    qs = [raw]
    ps: list[float] = []
    cumulative = [1.0]
    pairs = [1.0]
    for _ in range(rounds):
        q = qs[-1]
        p, q_next = step(q, q if symmetric else raw)
        ps.append(float(p))
        qs.append(np.asarray(q_next, dtype=float))
        if symmetric:
            cumulative.append(cumulative[-1] ** 2 * p)
            pairs.append(2 * pairs[-1] / p)
        else:
            cumulative.append(cumulative[-1] * p)
            pairs.append((pairs[-1] + 1) / p)
    return DistillationSchedule(
        np.array(qs), np.array(ps, dtype=float), np.array(cumulative), np.array(pairs)
    )


def pumping(
    coefficients: ArrayLike, rounds: int, *, step: Step = dejmps_bell_diagonal
) -> DistillationSchedule:
    """Entanglement pumping: ``rounds`` rounds, each with one fresh raw pair.

    Parameters
    ----------
    coefficients : Bell coefficients ``[Phi+, Psi+, Phi-, Psi-]`` of the raw pair.
    rounds : number of rounds, >= 0.
    step : the two-to-one round on coefficient vectors (default DEJMPS).

    Returns
    -------
    :class:`DistillationSchedule`, with ``N_{k+1} = (N_k + 1)/p_k`` and ``P_{k+1} = P_k p_k``.

    Examples
    --------
    >>> from qdms.quantum import isotropic_coefficients
    >>> s = pumping(isotropic_coefficients(0.8), 3)
    >>> s.fidelities.round(4), s.expected_raw_pairs.round(3)
    (array([0.8   , 0.8382, 0.8874, 0.8954]), array([1.   , 2.601, 4.761, 7.257]))
    """
    return _run(coefficients, rounds, step, symmetric=False)


def symmetric_recurrence(
    coefficients: ArrayLike, rounds: int, *, step: Step = dejmps_bell_diagonal
) -> DistillationSchedule:
    """Symmetric recurrence: each round distils two copies of the previous round's output.

    Parameters
    ----------
    coefficients : Bell coefficients ``[Phi+, Psi+, Phi-, Psi-]`` of the raw pair.
    rounds : number of rounds, >= 0.
    step : the two-to-one round on coefficient vectors (default DEJMPS).

    Returns
    -------
    :class:`DistillationSchedule`, with ``N_{k+1} = 2 N_k / p_k`` and ``P_{k+1} = P_k^2 p_k``.

    Examples
    --------
    >>> from qdms.quantum import isotropic_coefficients
    >>> s = symmetric_recurrence(isotropic_coefficients(0.8), 3)
    >>> s.fidelities.round(4), s.expected_raw_pairs.round(3)
    (array([0.8   , 0.8382, 0.9436, 0.988 ]), array([ 1.   ,  2.601,  6.987, 15.504]))
    """
    return _run(coefficients, rounds, step, symmetric=True)
