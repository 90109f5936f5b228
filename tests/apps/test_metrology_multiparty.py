"""Multi-party QSM and the GHZ comparison (qdms.apps.metrology.multiparty)."""

import math

import numpy as np
import pytest

from qdms.apps.metrology import (
    eavesdropper_qfi_matrix,
    estimator_mean_squared_error,
    ghz_qfi_matrix,
    multiparty_estimates,
    multiparty_qcrb,
    multiparty_qfi_matrix,
    probe_state,
    qfi_matrix_of_state,
    run_multiparty,
)
from qdms.quantum import quantum_fisher_information_pure


@pytest.mark.parametrize("w", [1.0, 0.85, 0.4])
def test_bell_qfi_matrix_is_diagonal(w):
    ns, phis = [1, 2, 3], [0.3, 1.1, 0.2]
    probe = probe_state(ns, phis, werner_parameter=w)
    np.testing.assert_allclose(
        qfi_matrix_of_state(probe.state, probe.derivatives),
        multiparty_qfi_matrix(ns, werner_parameter=w),
        atol=1e-9,
    )


@pytest.mark.parametrize("reference", [True, False])
@pytest.mark.parametrize("w", [1.0, 0.7])
def test_ghz_qfi_matrix_is_rank_one(reference, w):
    ns, phis = [1, 2, 2], [0.3, 0.5, 0.9]
    probe = probe_state(ns, phis, scheme="ghz", werner_parameter=w, reference=reference)
    f = qfi_matrix_of_state(probe.state, probe.derivatives)
    np.testing.assert_allclose(
        f, ghz_qfi_matrix(ns, werner_parameter=w, reference=reference), atol=1e-9
    )
    assert np.linalg.matrix_rank(f, tol=1e-8) == 1


def test_pure_ghz_sum_against_pure_state_formula():
    """The sum direction: QFI of phi_j -> phi_j + t along (1, 1, ...) is (sum N)^2."""
    ns = [1, 3]
    m = len(ns) + 1
    total = sum(ns)
    psi = np.zeros(2**m, dtype=complex)
    psi[0] = psi[-1] = 1 / math.sqrt(2)
    psi[-1] *= np.exp(1j * total * 0.2)
    dpsi = np.zeros_like(psi)
    dpsi[-1] = 1j * total * psi[-1]
    f = ghz_qfi_matrix(ns)
    assert np.ones(2) @ f @ np.ones(2) == pytest.approx(quantum_fisher_information_pure(psi, dpsi))


def test_what_eve_learns():
    ns, phis = [2, 3], [0.4, 0.7]
    zero = np.zeros((2, 2))
    for scheme, reference in [("bell", True), ("ghz", True), ("ghz", False)]:
        for j in (0, 1):  # one particle: nothing, in every scheme
            np.testing.assert_allclose(
                eavesdropper_qfi_matrix([j], ns, phis, scheme=scheme, reference=reference),
                zero,
                atol=1e-12,
            )
    # Every travelling particle: nothing for Bell pairs or a GHZ probe with a reference...
    np.testing.assert_allclose(eavesdropper_qfi_matrix([0, 1], ns, phis), zero, atol=1e-12)
    np.testing.assert_allclose(
        eavesdropper_qfi_matrix([0, 1], ns, phis, scheme="ghz"), zero, atol=1e-12
    )
    # ... but the full sum for a GHZ probe with no qubit kept at home.
    np.testing.assert_allclose(
        eavesdropper_qfi_matrix([0, 1], ns, phis, scheme="ghz", reference=False),
        np.outer(ns, ns),
        atol=1e-9,
    )


def test_multiparty_estimation_monte_carlo():
    """Independent sensors: each MSE is the single-sensor exact MSE and the errors are uncorrelated."""
    pairs, pe, ns, phis, runs = 400, 0.5, [1, 3], [0.9, 0.4], 1000
    errs = np.array(
        [
            [
                r.estimate - p
                for r, p in zip(run_multiparty(pairs, pe, ns, phis, seed=s), phis, strict=True)
            ]
            for s in range(runs)
        ]
    )
    for j, (n, phi) in enumerate(zip(ns, phis, strict=True)):
        sq = errs[:, j] ** 2
        exact = estimator_mean_squared_error(pairs, pe, n, phi)
        assert abs(sq.mean() - exact) < 4 * sq.std(ddof=1) / math.sqrt(runs)
        assert exact == pytest.approx(multiparty_qcrb(pe, pairs, ns)[j], rel=0.05)
    corr = np.corrcoef(errs.T)[0, 1]
    assert abs(corr) < 4 / math.sqrt(runs)


def test_multiparty_estimates_and_bounds():
    np.testing.assert_allclose(
        multiparty_estimates([[75, 0, 25, 0], [50, 0, 50, 0]], [1, 2]), [math.pi / 3, math.pi / 4]
    )
    np.testing.assert_allclose(multiparty_qcrb(0.5, 100, [1, 2]), [0.02, 0.005])


def test_bad_inputs():
    with pytest.raises(ValueError, match="phis must have one phase per sensor"):
        probe_state([1, 2], [0.1])
    with pytest.raises(ValueError, match="scheme must be"):
        probe_state([1], [0.1], scheme="w")
    with pytest.raises(ValueError, match="held must list sensor indices"):
        eavesdropper_qfi_matrix([2], [1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="n_encodings must be a non-empty sequence"):
        multiparty_qfi_matrix([])
