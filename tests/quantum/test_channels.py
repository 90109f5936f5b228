import numpy as np
import pytest

from qdms.quantum import (
    amplitude_damping_kraus,
    apply_kraus,
    bell_coefficients,
    check_density_matrix,
    choi_matrix,
    dephasing_kraus,
    depolarising_kraus,
    erasure_kraus,
    is_trace_preserving,
    isotropic_state,
    isotropic_twirl,
    isotropic_twirl_kraus,
    kraus_from_choi,
    max_entangled_ket,
    random_density_matrix,
    weyl,
)

CHANNELS = {
    "depolarising": lambda: depolarising_kraus(0.3),
    "depolarising-qutrit": lambda: depolarising_kraus(0.7, d=3),
    "dephasing": lambda: dephasing_kraus(0.2),
    "amplitude-damping": lambda: amplitude_damping_kraus(0.4),
    "erasure": lambda: erasure_kraus(0.25),
    "erasure-qutrit": lambda: erasure_kraus(0.5, d=3),
    "twirl": lambda: isotropic_twirl_kraus(2),
}


@pytest.mark.parametrize("name", CHANNELS)
def test_trace_preserving(name):
    assert is_trace_preserving(CHANNELS[name]())


@pytest.mark.parametrize("name", CHANNELS)
def test_outputs_are_states(name, rng):
    ops = CHANNELS[name]()
    rho = random_density_matrix(ops[0].shape[1], rng)
    check_density_matrix(apply_kraus(rho, ops))


def test_depolarising_formula(rng):
    for d in (2, 3):
        rho = random_density_matrix(d, rng)
        p = 0.37
        assert np.allclose(
            apply_kraus(rho, depolarising_kraus(p, d)), (1 - p) * rho + p * np.eye(d) / d
        )


def test_dephasing_formula(rng):
    rho = random_density_matrix(2, rng)
    z = np.diag([1, -1])
    assert np.allclose(apply_kraus(rho, dephasing_kraus(0.3)), 0.7 * rho + 0.3 * z @ rho @ z)


def test_amplitude_damping_action(rng):
    rho = random_density_matrix(2, rng)
    g = 0.3
    out = apply_kraus(rho, amplitude_damping_kraus(g))
    assert np.isclose(out[1, 1], (1 - g) * rho[1, 1])
    assert np.isclose(out[0, 1], np.sqrt(1 - g) * rho[0, 1])


def test_amplitude_damping_composes(rng):
    # Two steps with gamma equal one step with 1 - (1 - gamma)^2.
    rho = random_density_matrix(2, rng)
    g = 0.2
    twice = apply_kraus(apply_kraus(rho, amplitude_damping_kraus(g)), amplitude_damping_kraus(g))
    assert np.allclose(twice, apply_kraus(rho, amplitude_damping_kraus(1 - (1 - g) ** 2)))


def test_erasure_formula(rng):
    rho = random_density_matrix(3, rng)
    out = apply_kraus(rho, erasure_kraus(0.4, 3))
    assert np.allclose(out[:3, :3], 0.6 * rho)
    assert np.isclose(out[3, 3], 0.4)


def test_isotropic_twirl_matches_random_unitary_average(rng):
    # Monte Carlo over Haar unitaries U (x) conj(U).
    rho = random_density_matrix(4, rng)
    acc = np.zeros((4, 4), dtype=complex)
    n = 4000
    for _ in range(n):
        z = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
        q, r = np.linalg.qr(z)
        u = q * (np.diag(r) / abs(np.diag(r)))
        uu = np.kron(u, u.conj())
        acc += uu @ rho @ uu.conj().T
    assert np.allclose(acc / n, isotropic_twirl(rho), atol=0.03)
    assert np.allclose(isotropic_twirl(rho), apply_kraus(rho, isotropic_twirl_kraus(2)))
    f = np.real(max_entangled_ket().conj() @ rho @ max_entangled_ket())
    assert np.allclose(isotropic_twirl(rho), isotropic_state(f))


def test_weyl_twirl_gives_bell_diagonal(rng):
    # Averaging over W (x) conj(W) keeps exactly the Bell-basis diagonal.
    d = 3
    rho = random_density_matrix(d * d, rng)
    acc = sum(
        np.kron(weyl(z, x, d), weyl(z, x, d).conj())
        @ rho
        @ np.kron(weyl(z, x, d), weyl(z, x, d).conj()).conj().T
        for z in range(d)
        for x in range(d)
    ) / (d * d)
    from qdms.quantum import bell_diagonal_state

    assert np.allclose(acc, bell_diagonal_state(bell_coefficients(rho)))


def test_choi_round_trip(rng):
    ops = amplitude_damping_kraus(0.3)
    back = kraus_from_choi(choi_matrix(ops, 2), 2)
    rho = random_density_matrix(2, rng)
    assert np.allclose(apply_kraus(rho, ops), apply_kraus(rho, back))


def test_not_trace_preserving_detected():
    assert not is_trace_preserving([np.diag([1.0, 0.5])])


def test_bad_parameters():
    with pytest.raises(ValueError, match="gamma must be a probability"):
        amplitude_damping_kraus(1.1)
    with pytest.raises(ValueError, match="p must be a probability"):
        depolarising_kraus(-0.1)
