import numpy as np
import pytest

from qdms.physics.sources import bell_source, spdc_pair_probabilities, spdc_state
from qdms.quantum import fidelity, max_entangled_ket


def test_bell_source():
    assert fidelity(max_entangled_ket(), bell_source()) == pytest.approx(1.0)


def test_pair_distribution_sums_to_one_and_matches_two_mode_squeezing():
    r = 0.4
    probs = spdc_pair_probabilities(r)
    assert probs.sum() == pytest.approx(1.0, abs=1e-15)
    # Independent route: product of two two-mode squeezed vacua (one per polarisation),
    # P(k H pairs) = tanh^{2k} r / cosh^2 r; n pairs in total is a convolution.
    single = np.tanh(r) ** (2 * np.arange(60)) / np.cosh(r) ** 2
    conv = np.convolve(single, single)[: len(probs)]
    assert np.allclose(probs, conv, rtol=1e-12)
    mean_pairs = np.sum(np.arange(len(probs)) * probs)
    assert mean_pairs == pytest.approx(2 * np.sinh(r) ** 2, rel=1e-12)


def test_truncated_state_one_pair_block_is_phi_plus():
    psi = spdc_state(0.2, max_pairs=2).reshape(3, 3, 3, 3)
    block = np.array(
        [[psi[1, 0, 1, 0], psi[1, 0, 0, 1]], [psi[0, 1, 1, 0], psi[0, 1, 0, 1]]]
    ).reshape(4)
    block /= np.linalg.norm(block)
    assert fidelity(max_entangled_ket(), block) == pytest.approx(1.0)
    assert np.linalg.norm(psi) == pytest.approx(1.0)


def test_bad_input():
    with pytest.raises(ValueError, match="squeezing must be finite and >= 0"):
        spdc_pair_probabilities(-0.1)
