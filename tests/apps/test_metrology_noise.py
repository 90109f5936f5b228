"""Precision over noisy links (qdms.apps.metrology.noise), against explicit density matrices."""

import math

import numpy as np
import pytest

from qdms.apps.metrology import (
    advantage_threshold,
    best_n_encodings,
    largest_useful_n_encodings,
    precision_loss,
)
from qdms.quantum import apply_channel, dephasing_kraus, quantum_fisher_information, werner_state


def explicit_qfi(n, w, p, phi=0.3):
    """Werner pair, Bob's qubit dephased and encoded N times, QFI from the SLD."""
    rho = werner_state(w)
    u = np.kron(np.eye(2), np.diag([1.0, np.exp(1j * phi)]))
    for _ in range(n):
        rho = apply_channel(rho, dephasing_kraus(p), [1], [2, 2])
        rho = u @ rho @ u.conj().T
    h = n * np.kron(np.eye(2), np.diag([0.0, 1.0]))
    return quantum_fisher_information(rho, 1j * (h @ rho - rho @ h))


def test_best_n_against_explicit_scan():
    for w, p in [(1.0, 0.013), (0.8, 0.05)]:
        ns = np.arange(1, 40)
        scan = [explicit_qfi(int(n), w, p) for n in ns]
        assert (
            best_n_encodings(werner_parameter=w, dephasing_per_encoding=p)
            == ns[int(np.argmax(scan))]
        )
    # p = 0.02: (1 - 2p) = 24/25 makes N = 24 and 25 tie exactly; the smaller is returned.
    assert explicit_qfi(24, 1.0, 0.02) == pytest.approx(explicit_qfi(25, 1.0, 0.02), rel=1e-9)
    assert best_n_encodings(dephasing_per_encoding=0.02) == 24
    assert best_n_encodings(dephasing_per_encoding=0.01, n_max=10) == 10
    assert best_n_encodings(n_max=7) == 7


def test_largest_useful_n_against_explicit_scan():
    w, p, pe = 0.9, 0.04, 0.6
    ns = np.arange(1, 80)
    useful = [n for n in ns if pe * explicit_qfi(int(n), w, p) > n]
    assert largest_useful_n_encodings(pe, werner_parameter=w, dephasing_per_encoding=p) == max(
        useful
    )
    # identifiability cap: N <= pi / phi_max
    assert largest_useful_n_encodings(pe, werner_parameter=w, phi_max=0.2) == math.floor(
        math.pi / 0.2
    )
    assert largest_useful_n_encodings(0.01, werner_parameter=0.5, phi_max=0.2) == 0
    assert largest_useful_n_encodings(0.5, werner_parameter=0.3, dephasing_per_encoding=0.2) == 0


def test_precision_loss_and_advantage_threshold():
    assert precision_loss(1.0) == 1.0
    for w in (0.9, 0.6):
        f = explicit_qfi(3, w, 0.0)
        assert precision_loss(w, n_encodings=3) == pytest.approx(9 / f, rel=1e-9)
        assert advantage_threshold(3, werner_parameter=w) == pytest.approx(3 / f, rel=1e-9)
    assert advantage_threshold(8) == 1 / 8  # eq. 8
    assert precision_loss(0.0) == math.inf


def test_bad_inputs():
    with pytest.raises(ValueError, match="give n_max"):
        best_n_encodings()
    with pytest.raises(ValueError, match="give phi_max"):
        largest_useful_n_encodings(0.5)
    with pytest.raises(ValueError, match="phi_max must be finite and > 0"):
        largest_useful_n_encodings(0.5, phi_max=0.0)
