import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.protocols import (
    average_teleportation_fidelity,
    average_teleportation_fidelity_from_fidelity,
    classical_teleportation_limit,
    swap,
    teleport,
    teleport_bell_diagonal,
)
from qdms.quantum import (
    bell_coefficients,
    bell_diagonal_state,
    check_density_matrix,
    fidelity,
    ket_to_density,
    max_entangled_ket,
    random_density_matrix,
    random_ket,
    werner_state,
    weyl,
)

from .literal import teleport_literal


def mub_states(d):
    """Eigenvectors of Z and of Z^z X (z = 0..d-1): d + 1 mutually unbiased bases, an exact
    2-design for prime d (Wootters and Fields 1989)."""
    ops = [weyl(1, 0, d)] + [weyl(z, 1, d) for z in range(d)]
    kets = []
    for op in ops:
        _, vecs = np.linalg.eig(op)
        kets += [v / np.linalg.norm(v) for v in vecs.T]
    return kets


@pytest.mark.parametrize("d", [2, 3])
def test_ideal_resource_teleports_any_state(d, rng):
    phi = ket_to_density(max_entangled_ket(d))
    for _ in range(3):
        rho = random_density_matrix(d, rng)
        assert np.allclose(teleport(rho, phi), rho, atol=1e-12)
    psi = random_ket(d, rng)
    assert np.allclose(teleport(psi, phi), np.outer(psi, psi.conj()), atol=1e-12)


@pytest.mark.parametrize("d", [2, 3])
def test_explicit_matches_literal_protocol(d, rng):
    rho = random_density_matrix(d, rng)
    resource = random_density_matrix(d * d, rng)
    assert np.allclose(teleport(rho, resource), teleport_literal(rho, resource, d), atol=1e-12)


@pytest.mark.parametrize("d", [2, 3])
def test_teleportation_is_swapping_with_a_trivial_system(d, rng):
    # Khatri eq. 61-62: the same protocol as swapping rho_{A1 B1} = |0><0| (x) state with the resource.
    rho = random_density_matrix(d, rng)
    resource = random_density_matrix(d * d, rng)
    zero = np.zeros((d, d))
    zero[0, 0] = 1
    swapped = swap([np.kron(zero, rho), resource], d)
    assert np.allclose(swapped, np.kron(zero, teleport(rho, resource)), atol=1e-12)


@pytest.mark.parametrize("d", [2, 3])
def test_bell_diagonal_resource_gives_weyl_channel(d, rng):
    q = rng.dirichlet(np.ones(d * d))
    rho = random_density_matrix(d, rng)
    assert np.allclose(
        teleport(rho, bell_diagonal_state(q, d)), teleport_bell_diagonal(rho, q), atol=1e-12
    )


@pytest.mark.parametrize("d", [2, 3])
def test_average_fidelity_by_exact_two_design(d, rng):
    for resource in (random_density_matrix(d * d, rng), werner_state(0.4, d)):
        kets = mub_states(d)
        assert len(kets) == d * (d + 1)
        mean = np.mean([fidelity(k, teleport(k, resource)) for k in kets])
        assert abs(mean - average_teleportation_fidelity(resource)) < 1e-10


def test_average_fidelity_by_haar_monte_carlo():
    rng = np.random.default_rng(7)
    resource = random_density_matrix(4, rng)
    samples = []
    for _ in range(2000):
        k = random_ket(2, rng)
        samples.append(fidelity(k, teleport(k, resource)))
    samples = np.array(samples)
    sem = samples.std(ddof=1) / np.sqrt(samples.size)
    assert abs(samples.mean() - average_teleportation_fidelity(resource)) < 4 * sem


def test_classical_limit():
    assert classical_teleportation_limit(2) == pytest.approx(2 / 3)
    product = np.diag([1.0, 0, 0, 0])  # F = 1/2, no entanglement
    assert average_teleportation_fidelity(product) == pytest.approx(2 / 3)
    assert average_teleportation_fidelity_from_fidelity(1 / 3, 3) == pytest.approx(
        classical_teleportation_limit(3)
    )
    assert average_teleportation_fidelity(werner_state(1.0)) == pytest.approx(1.0)


def test_noisy_bell_measurement(rng):
    rho = random_density_matrix(2, rng)
    resource = random_density_matrix(4, rng)
    noisy = teleport(rho, resource, bell_measurement_noise=0.3)
    assert np.allclose(noisy, 0.7 * teleport(rho, resource) + 0.3 * np.eye(2) / 2, atol=1e-12)


def test_errors():
    phi = ket_to_density(max_entangled_ket())
    with pytest.raises(ValueError, match="state must be 2-dimensional"):
        teleport(np.eye(3) / 3, phi)
    with pytest.raises(ValueError, match="resource must have unit trace"):
        teleport(np.eye(2) / 2, 2 * phi)
    with pytest.raises(ValueError, match="resource must be d\\^2 x d\\^2"):
        teleport(np.eye(2) / 2, np.eye(3) / 3)
    with pytest.raises(ValueError, match="normalised"):
        teleport([1.0, 1.0], phi)
    with pytest.raises(ValueError, match="fidelity"):
        average_teleportation_fidelity_from_fidelity(1.2)
    with pytest.raises(ValueError, match="coefficients"):
        teleport_bell_diagonal(np.eye(2) / 2, [0.5, 0.5, 0.5, 0])


@given(st.integers(0, 2**32 - 1))
def test_property_output_is_a_state_and_fidelity_bounds(seed):
    rng = np.random.default_rng(seed)
    resource = random_density_matrix(4, rng, rank=int(rng.integers(1, 5)))
    out = teleport(random_density_matrix(2, rng), resource)
    check_density_matrix(out)
    f = average_teleportation_fidelity(resource)
    assert 1 / 3 <= f <= 1
    assert np.isclose(f, (2 * bell_coefficients(resource)[0] + 1) / 3)
