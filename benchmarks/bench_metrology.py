"""QSM (qdms.apps.metrology): simulation speed of the protocol and cost of the exact sums."""

from __future__ import annotations

from qdms.apps.metrology import (
    QSMProtocol,
    estimator_mean_squared_error,
    false_abort_probability,
)
from qdms.quantum import werner_state

from .timing import median_time, report


def main() -> None:
    honest = QSMProtocol(1_000_000, 0.5, 4, 0.3, seed=1)
    report("QSM run, l = 10^6 pairs, |Phi+> links (sampler)", median_time(honest.run), 2.0)
    noisy = QSMProtocol(
        1_000_000, 0.5, 4, 0.3, link_state=werner_state(0.95), abort_threshold=0.1, seed=1
    )
    report("QSM run, l = 10^6, Werner 0.95 links, threshold 0.1", median_time(noisy.run), 2.0)
    attacked = QSMProtocol(
        1_000_000, 0.5, 4, 0.3, attack="return_phase", attacked=1_000_000, seed=1
    )
    report("QSM run, l = 10^6, return_phase on every particle", median_time(attacked.run), 2.0)
    # Construction (validation + exact outcome model) included: a fresh protocol per run.
    report(
        "QSM construct + run, l = 10^6",
        median_time(lambda: QSMProtocol(1_000_000, 0.5, 4, 0.3, seed=2).run()),
        2.0,
    )
    small = QSMProtocol(100, 0.5, 4, 0.3, attack="forward_substitution_return_bobs", attacked=50)
    report("density-matrix path, l = 100 pairs", median_time(small.run_density_matrix, repeat=3))
    report(
        "exact MSE of the MLE, nu = 10^4",
        median_time(lambda: estimator_mean_squared_error(10_000, 0.5, 4, 0.3), repeat=3),
    )
    report(
        "false-abort probability, l = 10^4, threshold 0.05",
        median_time(
            lambda: false_abort_probability(
                10_000, 0.5, link_state=werner_state(0.95), abort_threshold=0.05
            ),
            repeat=3,
        ),
    )


if __name__ == "__main__":  # pragma: no cover
    main()
