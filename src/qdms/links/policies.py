"""Policies for the elementary-link MDP (Khatri 2022, Sec. II.3-II.4, App. D.3).

A stationary policy is a decision function: the probability of "request"
(action 1) in each memory state ``m = -1, 0, ..., m*`` (DESIGN.md). These
classes describe policies; :meth:`qdms.links.ElementaryLink.decision_function`
turns one into its array for a given link.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_int, check_positive, check_probability, check_probability_array

__all__ = [
    "ForwardRecursion",
    "MemoryCutoff",
    "Policy",
    "StationaryPolicy",
    "forward_recursion_cutoff",
]


@dataclass(frozen=True)
class MemoryCutoff:
    """Memory-cutoff policy with cutoff ``t*`` (Khatri eq. 33-34; API.md).

    Wait in states ``0 <= m < t*``, request in ``m = -1`` and ``m >= t*``: a
    link is active at the end of the steps in which its age is ``0..t*``, then
    discarded and requested again. ``cutoff=None`` never discards by choice
    (the link still expires after ``m*``, Khatri's ``T0``).

    Examples
    --------
    >>> MemoryCutoff(3)
    MemoryCutoff(cutoff=3)
    """

    cutoff: int | None

    def __post_init__(self) -> None:
        if self.cutoff is not None:
            object.__setattr__(self, "cutoff", check_int("cutoff", self.cutoff, low=0))


@dataclass(frozen=True)
class StationaryPolicy:
    """A stationary (time-homogeneous) decision function.

    Parameters
    ----------
    request_probability : array over ``m = -1, 0, ..., m*`` (length ``m* + 2``):
        the probability of "request" in each state.

    Examples
    --------
    >>> StationaryPolicy([1.0, 0.0, 0.5, 1.0]).request_probability
    array([1. , 0. , 0.5, 1. ])
    """

    request_probability: NDArray[np.float64]

    def __init__(self, request_probability: ArrayLike) -> None:
        arr = check_probability_array("request_probability", request_probability, ndim=1)
        if arr.size < 2:
            raise ValueError(f"request_probability must have length m* + 2 >= 2, got {arr.size}")
        arr.setflags(write=False)
        object.__setattr__(self, "request_probability", arr)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StationaryPolicy) and np.array_equal(
            self.request_probability, other.request_probability
        )

    def __hash__(self) -> int:
        return hash(self.request_probability.tobytes())


@dataclass(frozen=True)
class ForwardRecursion:
    """The forward-recursion policy (Khatri eq. 334; Khatri, Quantum 5, 537 (2021)).

    In each state take the action that maximises the expected figure of
    merit one step ahead: request iff ``p f(0) > E[f after waiting]``, that is
    ``p f(0) > f(m + 1)`` for ``0 <= m < m*``, ``p f(0) > 0`` in ``m = m*``, and
    always request when inactive (``m = -1``). Ties wait.

    Examples
    --------
    >>> ForwardRecursion()
    ForwardRecursion()
    """


Policy = MemoryCutoff | StationaryPolicy | ForwardRecursion


def forward_recursion_cutoff(
    p: float, coherence_steps: float, max_storage_steps: int | None = None
) -> int | None:
    """Cutoff of the forward-recursion policy for an ideal source and damped memories (Prop. D.1, eq. 336).

    With no background photons and a ``Phi+`` source, amplitude damping of
    both memories gives ``f(m) = (1 + exp(-2 m / m_c)) / 2`` with
    ``m_c = t_coh / dt`` the coherence time in steps (App. D.1). The forward
    recursion requests in age ``m`` iff ``p > f(m + 1)``, so it is the memory
    cutoff (re-derived; the text lost eq. 335-336)

        t*_p = floor((m_c / 2) ln(1 / (2p - 1)))   for 1/2 < p < 1,

    capped at ``max_storage_steps``. For ``p <= 1/2`` it never discards by
    choice: without ``max_storage_steps`` it returns ``None``; with it, ``m*``
    (the forward recursion requests in ``m*`` rather than let the link expire).
    ``p = 1`` gives 0.

    Examples
    --------
    >>> forward_recursion_cutoff(0.9, 100.0)
    11
    >>> forward_recursion_cutoff(0.4, 100.0) is None
    True
    """
    p = check_probability("p", p)
    mc = check_positive("coherence_steps", coherence_steps)
    cap = (
        None
        if max_storage_steps is None
        else check_int("max_storage_steps", max_storage_steps, low=0)
    )
    if p <= 0.5:
        return cap
    cutoff = 0 if p >= 1.0 else math.floor(mc / 2 * math.log(1.0 / (2.0 * p - 1.0)))
    return cutoff if cap is None else min(cutoff, cap)
