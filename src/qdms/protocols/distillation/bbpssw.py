"""BBPSSW distillation: twirl to Werner form, then one recurrence round (Khatri eq. 43-49).

Bennett, Brassard, Popescu, Schumacher, Smolin and Wootters, PRL 76, 722
(1996); Khatri Sec. III.1 and Fig. 4. Both links are first twirled into
Werner states of their fidelities ``F1, F2`` (``isotropic_twirl``, eq. 46-47);
then :func:`~qdms.protocols.distillation.recurrence.recurrence_distill`.
The recurrence closed form with ``q = [F, (1-F)/3, (1-F)/3, (1-F)/3]`` gives
eq. 48-49 (lost in the text, re-derived and tested against the explicit
instrument)::

    p  = F1 F2 + F1 (1 - F2)/3 + (1 - F1) F2/3 + 5 (1 - F1)(1 - F2)/9,      (48)
    F' = [F1 F2 + (1 - F1)(1 - F2)/9] / p.                                  (49)

The output given success is Bell-diagonal but not Werner; a further round
twirls it again.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..._validation import check_probability_array
from ...quantum import isotropic_coefficients
from ..locc import HeraldedCoefficients, HeraldedFidelity, check_coefficient_vectors
from .recurrence import recurrence_bell_diagonal

__all__ = ["bbpssw", "bbpssw_bell_diagonal"]


def bbpssw(f1: float | ArrayLike, f2: float | ArrayLike) -> HeraldedFidelity:
    """Success probability and output fidelity of BBPSSW on Werner links (Khatri eq. 48-49).

    Parameters
    ----------
    f1, f2 : fidelities of the two links to ``Phi+``, in [0, 1] (arrays broadcast).

    Returns
    -------
    :class:`~qdms.protocols.locc.HeraldedFidelity` ``(p, F')``, floats or arrays.

    Examples
    --------
    >>> p, f = bbpssw(0.7, 0.7)
    >>> round(p, 12), round(f, 12)
    (0.68, 0.735294117647)
    """
    a = check_probability_array("f1", f1)
    b = check_probability_array("f2", f2)
    a, b = np.broadcast_arrays(a, b)
    p = a * b + a * (1 - b) / 3 + (1 - a) * b / 3 + 5 * (1 - a) * (1 - b) / 9
    f = (a * b + (1 - a) * (1 - b) / 9) / p  # p >= 1/3 on [0, 1]^2
    if p.ndim == 0:
        return HeraldedFidelity(float(p), float(f))
    return HeraldedFidelity(p, f)


def bbpssw_bell_diagonal(q1: ArrayLike, q2: ArrayLike) -> HeraldedCoefficients:
    """BBPSSW on Bell-coefficient vectors: twirl each to ``[F, (1-F)/3, (1-F)/3, (1-F)/3]``, then recur.

    A ``step`` for :func:`~qdms.protocols.distillation.schedules.pumping` and
    :func:`~qdms.protocols.distillation.schedules.symmetric_recurrence`.

    Examples
    --------
    >>> p, q = bbpssw_bell_diagonal([0.7, 0.3, 0, 0], [0.7, 0, 0.3, 0])
    >>> bool(np.isclose(q[0], bbpssw(0.7, 0.7).fidelity))
    True
    """
    a = check_coefficient_vectors(np.asarray(q1, dtype=float)[None], 2, name="q1")[0]
    b = check_coefficient_vectors(np.asarray(q2, dtype=float)[None], 2, name="q2")[0]
    fa = min(max(float(a[0]), 0.0), 1.0)  # round-off of a validated vector only
    fb = min(max(float(b[0]), 0.0), 1.0)
    return recurrence_bell_diagonal(isotropic_coefficients(fa), isotropic_coefficients(fb))
