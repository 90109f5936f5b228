"""One run of the protocol with its bounds and detection probabilities (what ``qdms qsm`` prints)."""

from __future__ import annotations

from dataclasses import dataclass

from ._checks import werner_parameter_of
from .attacks import attack_detection_probability, detection_probability
from .encoding import quantum_fisher_information
from .estimation import estimator_mean_squared_error, noisy_qcrb, qcrb, standard_quantum_limit
from .honest import false_abort_probability
from .protocol import QSMProtocol, QSMResult

__all__ = ["QSMSummary", "summarise"]

#: Largest number of pairs for which the exact MSE is included (it costs ~1 s at 10^5).
MSE_MAX_PAIRS = 20_000


@dataclass(frozen=True)
class QSMSummary:
    """A run and the analytic figures that go with it.

    Attributes
    ----------
    protocol, result : the parameters and the simulated run.
    qcrb : eq. 5, ``1/(P_E l N^2)`` with the ``l`` pairs as repetitions.
    noisy_qcrb : ``1/(P_E l F_Q)`` for the link's Werner parameter (None if not Werner).
    sql : ``1/(l N)``.
    mse : exact MSE of the estimator (|Phi+> links, ``l <= MSE_MAX_PAIRS``), else None.
    detection_eq7 : eq. 7 for ``attacked`` particles (None without an attack).
    detection_derived : the derived closed form for the attack (None without one).
    false_abort : probability that an honest run over this link aborts.
    """

    protocol: QSMProtocol
    result: QSMResult
    qcrb: float
    noisy_qcrb: float | None
    sql: float
    mse: float | None
    detection_eq7: float | None
    detection_derived: float | None
    false_abort: float


def summarise(protocol: QSMProtocol) -> QSMSummary:
    """Run ``protocol`` once (its seed) and collect the bounds and detection probabilities.

    Parameters
    ----------
    protocol : a :class:`.protocol.QSMProtocol`.

    Returns
    -------
    :class:`QSMSummary`.

    Examples
    --------
    >>> s = summarise(QSMProtocol(1000, 0.5, 4, 0.3, seed=2))
    >>> s.result.aborted, s.qcrb, s.detection_eq7
    (False, 0.000125, None)
    """
    if not isinstance(protocol, QSMProtocol):
        raise TypeError(f"protocol must be a QSMProtocol, got {type(protocol).__name__}")
    p = protocol
    result = p.run()
    w = werner_parameter_of(p.link_density)
    mse = None
    if p.link_state is None and p.pairs <= MSE_MAX_PAIRS:
        mse = estimator_mean_squared_error(p.pairs, p.p_encode, p.n_encodings, p.phi)
    noisy = None
    if w is not None and quantum_fisher_information(p.n_encodings, 0.0, werner_parameter=w) > 0:
        noisy = float(noisy_qcrb(p.p_encode, p.pairs, p.n_encodings, werner_parameter=w))
    d7 = dd = None
    if p.attack is not None:
        d7 = float(detection_probability(p.p_encode, p.attacked))
        dd = float(attack_detection_probability(p.attack, p.p_encode, p.attacked, beta=p.beta))
    return QSMSummary(
        protocol=p,
        result=result,
        qcrb=float(qcrb(p.p_encode, p.pairs, p.n_encodings)),
        noisy_qcrb=noisy,
        sql=standard_quantum_limit(p.pairs, p.n_encodings),
        mse=mse,
        detection_eq7=d7,
        detection_derived=dd,
        false_abort=false_abort_probability(
            p.pairs, p.p_encode, link_state=p.link_density, abort_threshold=p.abort_threshold
        ),
    )
