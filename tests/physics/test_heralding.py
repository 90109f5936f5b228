import numpy as np
import pytest
from scipy.linalg import expm

from qdms.physics.heralding import (
    dual_rail_heralding,
    heralded_pair,
    multiplexed_success_probability,
    pure_loss_erasure_kraus,
)
from qdms.quantum import (
    apply_kraus,
    check_density_matrix,
    fidelity,
    ket_to_density,
    max_entangled_ket,
    partial_trace,
    random_density_matrix,
    werner_state,
)


def beamsplitter_loss(rho_rails, eta):
    """Pure loss on a dual-rail photon from the Fock-space beamsplitter with vacuum environment.

    Modes (a1, a2, e1, e2), each truncated to {0, 1} photons (exact on the
    one-photon input). Output on span{|vac>, |10>, |01>} reordered as
    (|10>, |01>, |vac>) to match the erasure flag convention.
    """
    a = np.array([[0, 1], [0, 0]], dtype=complex)  # annihilation on {0, 1}
    eye = np.eye(2)

    def op(single, slot):
        mats = [eye] * 4
        mats[slot] = single
        out = mats[0]
        for m in mats[1:]:
            out = np.kron(out, m)
        return out

    theta = np.arccos(np.sqrt(eta))
    gen = sum(
        theta * (op(a, i).conj().T @ op(a, i + 2) - op(a, i) @ op(a, i + 2).conj().T)
        for i in range(2)
    )
    u = expm(gen)
    # dual-rail basis: |0_L> = |1,0>, |1_L> = |0,1> on (a1, a2); environment vacuum.
    ket10 = np.kron(np.kron([0, 1], [1, 0]), np.kron([1, 0], [1, 0]))
    ket01 = np.kron(np.kron([1, 0], [0, 1]), np.kron([1, 0], [1, 0]))
    embed = np.stack([ket10, ket01], axis=1)
    full = u @ embed @ rho_rails @ embed.conj().T @ u.conj().T
    sys_state = partial_trace(full, [0, 1], [2, 2, 2, 2])  # (a1, a2)
    idx = [2, 1, 0]  # |10> -> 2, |01> -> 1, |00> -> 0 in (a1 a2) ordering
    return sys_state[np.ix_(idx, idx)]


@pytest.mark.parametrize("eta", [0.0, 0.3, 0.9, 1.0])
def test_pure_loss_is_erasure_lemma_c1(eta, rng):
    rho = random_density_matrix(2, rng)
    assert np.allclose(
        apply_kraus(rho, pure_loss_erasure_kraus(eta)), beamsplitter_loss(rho, eta), atol=1e-12
    )


def test_dual_rail_heralding_ideal():
    p, rho = dual_rail_heralding(0.3, 0.7)
    assert p == pytest.approx(0.21)
    assert fidelity(max_entangled_ket(), rho) == pytest.approx(1.0)


def test_heralded_pair_matches_detector_monte_carlo(rng):
    # Simulate every detector of both parties; a party heralds on exactly one click.
    source = werner_state(0.9)
    eta_a, eta_b, eff, pdc = 0.6, 0.3, 0.8, 0.05
    p, rho = heralded_pair(
        source, eta_a, eta_b, detector_efficiency=eff, dark_count_probability=pdc
    )
    n = 400_000
    outcomes = []
    for eta in (eta_a, eta_b):
        arrived = rng.random(n) < eta * eff
        dark = rng.random((n, 2)) < pdc
        # the photon's rail is detector 0 (the qubit value does not matter for heralding)
        clicks = dark.copy()
        clicks[:, 0] |= arrived
        herald = clicks.sum(axis=1) == 1
        outcomes.append((herald, herald & arrived))
    both = outcomes[0][0] & outcomes[1][0]
    p_mc = both.mean()
    assert abs(p_mc - p) < 4 * np.sqrt(p * (1 - p) / n)
    # state: mixture weights of (real, real), (real, fake), (fake, real), (fake, fake)
    ra, rb = outcomes[0][1][both], outcomes[1][1][both]
    weights = np.array([np.mean(ra & rb), np.mean(ra & ~rb), np.mean(~ra & rb), np.mean(~ra & ~rb)])
    rho_a = partial_trace(source, [0], [2, 2])
    rho_b = partial_trace(source, [1], [2, 2])
    parts = [source, np.kron(rho_a, np.eye(2) / 2), np.kron(np.eye(2) / 2, rho_b), np.eye(4) / 4]
    rho_mc = sum(w * part for w, part in zip(weights, parts, strict=True))
    assert np.allclose(rho, rho_mc, atol=4 / np.sqrt(both.sum()))


def test_heralded_pair_without_noise_keeps_the_state(rng):
    source = random_density_matrix(4, rng)
    p, rho = heralded_pair(source, 0.5, 0.5, detector_efficiency=0.5)
    assert p == pytest.approx(0.0625)
    assert np.allclose(rho, source)
    check_density_matrix(rho)


def test_multiplexing():
    for p in (1e-20, 1e-9, 0.01, 0.5):
        for m in (1, 10, 1000):
            exact = 1 - (1 - p) ** m if p > 1e-6 else m * p - m * (m - 1) / 2 * p * p
            assert multiplexed_success_probability(p, m) == pytest.approx(exact, rel=1e-12)
    assert multiplexed_success_probability(0.0, 5) == 0.0
    assert multiplexed_success_probability(1.0, 5) == 1.0


def test_bad_input():
    with pytest.raises(ValueError, match="transmittance_a must be a probability"):
        dual_rail_heralding(1.5, 0.5)
    with pytest.raises(ValueError, match="modes must be an integer in \\[1"):
        multiplexed_success_probability(0.1, 0)
    with pytest.raises(ValueError, match="state must be 4 x 4"):
        heralded_pair(np.eye(2) / 2, 0.5, 0.5)
    with pytest.raises(ValueError, match="unit trace"):
        heralded_pair(ket_to_density(max_entangled_ket()) * 2, 0.5, 0.5)
