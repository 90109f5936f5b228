"""Background heralding against a brute-force Fock-space simulation of the beamsplitters."""

import functools

import numpy as np
import pytest
from scipy.linalg import expm

from qdms.physics.background import (
    background_heralding,
    receiver_response,
    thermal_background_state,
)
from qdms.quantum import bell_basis, bell_coefficients, bell_diagonal_state

D = 3  # photon cutoff per mode: signal (<= 1) + background (<= 1)
ANNIHILATE = np.diag(np.sqrt(np.arange(1, D)), 1)


def _mode_op(single, slot, n=4):
    mats = [np.eye(D)] * n
    mats[slot] = single
    out = mats[0]
    for m in mats[1:]:
        out = np.kron(out, m)
    return out


@functools.cache
def receiver_superoperator(eta, nbar):
    """Map |i><j| (i, j in vac, H, V) -> 2x2 block on the heralded single-photon subspace.

    Modes: (H, V, env_H, env_V). Each signal mode meets its own environment
    mode on a beamsplitter of transmittance eta; environments start in the
    truncated thermal state; heralding keeps exactly one photon in (H, V).
    """
    theta = np.arccos(np.sqrt(eta))
    gen = sum(
        theta
        * (
            _mode_op(ANNIHILATE, i).T @ _mode_op(ANNIHILATE, i + 2)
            - _mode_op(ANNIHILATE, i + 2).T @ _mode_op(ANNIHILATE, i)
        )
        for i in range(2)
    )
    u = expm(gen)

    def ket(occ):
        v = np.zeros(D**4)
        v[np.ravel_multi_index(occ, (D,) * 4)] = 1
        return v

    inputs = {0: (0, 0), 1: (1, 0), 2: (0, 1)}  # vac, H, V
    env = thermal_background_state(nbar)
    outs = [(1, 0), (0, 1)]
    sup = np.zeros((3, 3, 2, 2), dtype=complex)
    for eh in range(2):
        for ev in range(2):
            pe = env[eh, eh] * env[ev, ev]
            if pe == 0:
                continue
            evolved = {
                k: (u @ ket((*occ, eh, ev))).reshape(D, D, D, D) for k, occ in inputs.items()
            }
            for i in range(3):
                for j in range(3):
                    for a, oa in enumerate(outs):
                        for b, ob in enumerate(outs):
                            amp_i = evolved[i][oa[0], oa[1]]  # env indices remain
                            amp_j = evolved[j][ob[0], ob[1]]
                            sup[i, j, a, b] += pe * np.sum(amp_i * amp_j.conj())
    return sup


def brute_force(eta_a, eta_b, n_a, n_b, q, p_vac):
    sa, sb = receiver_superoperator(eta_a, n_a), receiver_superoperator(eta_b, n_b)
    # Source on (vac, H, V) x (vac, H, V): Bell-diagonal pair in the one-photon block, plus vacuum.
    rho2 = bell_diagonal_state(q)  # basis |HH>, |HV>, |VH>, |VV> with H = |0>, V = |1>
    src = np.zeros((3, 3, 3, 3), dtype=complex)
    src[1:, 1:, 1:, 1:] = (1 - p_vac) * rho2.reshape(2, 2, 2, 2)
    src[0, 0, 0, 0] = p_vac
    out = np.einsum("ikjl,ijab,klcd->acbd", src, sa, sb).reshape(4, 4)
    p = np.trace(out).real
    return p, out / p


@pytest.mark.parametrize(
    "eta_a,eta_b,n_a,n_b,q,p_vac",
    [
        (0.3, 0.3, 0.05, 0.05, [1, 0, 0, 0], 0.0),
        (0.8, 0.2, 0.1, 0.02, [0.7, 0.1, 0.15, 0.05], 0.0),
        (0.05, 0.6, 0.3, 0.0, [0.4, 0.3, 0.2, 0.1], 0.2),
        (1.0, 0.0, 0.5, 0.5, [0.25, 0.25, 0.25, 0.25], 0.5),
        (0.9, 0.9, 0.0, 0.0, [0.6, 0.2, 0.1, 0.1], 0.1),
    ],
)
def test_closed_form_equals_fock_simulation(eta_a, eta_b, n_a, n_b, q, p_vac):
    p, rho = brute_force(eta_a, eta_b, n_a, n_b, np.array(q, float), p_vac)
    pair = background_heralding(
        eta_a,
        eta_b,
        background_photons_a=n_a,
        background_photons_b=n_b,
        source=q,
        vacuum_probability=p_vac,
    )
    assert pair.success_probability == pytest.approx(p, rel=1e-10)
    # The brute-force state is Bell-diagonal and equal to the closed form.
    assert np.allclose(rho, bell_diagonal_state(pair.bell_coefficients), atol=1e-12)
    assert np.allclose(bell_coefficients(rho), pair.bell_coefficients, atol=1e-12)
    assert pair.fidelity == pytest.approx(
        np.real(bell_basis(2)[:, 0].conj() @ rho @ bell_basis(2)[:, 0]), rel=1e-10
    )


def test_pure_loss_limit():
    pair = background_heralding(np.array([0.1, 0.5]), 0.2)
    assert np.allclose(pair.success_probability, [0.02, 0.1])
    assert np.allclose(pair.bell_coefficients, [[1, 0, 0, 0]] * 2)


def test_entanglement_condition_prop_c4():
    # For a Phi+ source the state is entangled iff c1 c2 > a1 b2 + b1 a2 (Prop. C.4, re-derived);
    # check that the PPT test on the coefficients agrees on a grid.
    eta = np.linspace(0.01, 0.99, 25)[:, None]
    nbar = np.linspace(0.0, 0.3, 31)[None, :]
    pair = background_heralding(eta, eta, background_photons_a=nbar, background_photons_b=nbar)
    a, b, c, _ = receiver_response(eta, nbar)
    assert np.array_equal(pair.entangled, c * c > 2 * a * b)
    assert pair.entangled.any() and (~pair.entangled).any()


def test_background_only_heralds_noise():
    pair = background_heralding(0.0, 0.0, background_photons_a=0.1, background_photons_b=0.1)
    assert pair.success_probability > 0
    assert np.allclose(pair.bell_coefficients, 0.25)


def test_bad_input():
    with pytest.raises(ValueError, match="mean_photon_number must have every entry in \\[0, 1\\]"):
        background_heralding(0.5, 0.5, background_photons_a=-0.1)
    with pytest.raises(ValueError, match="source must sum to 1"):
        background_heralding(0.5, 0.5, source=[0.5, 0.0, 0.0, 0.0])


@pytest.mark.parametrize("eta", [1e-2, 1e-6])
@pytest.mark.parametrize("nbar", [1e-9, 1e-12, 1e-15])
def test_faint_background_keeps_the_digits_of_small_coefficients(eta, nbar):
    # The closed form (checked against the Fock-space simulation above) evaluated with 50
    # digits: its Phi- weight (A - C)/2 once cancelled to 2.6e-4 relative at nbar = 1e-15.
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        e, n = Decimal(eta), Decimal(nbar)
        d = n * (1 - e)
        alpha = (1 - d) * (e + d * (1 - 4 * e))
        beta = d * (1 - e) * (1 - n + 2 * e * n)
        c = e * (1 - 2 * d) ** 2
        big_a, big_b, big_c = alpha * alpha + beta * beta, 2 * alpha * beta, c * c
        w = [(big_a + big_c) / 2, big_b / 2, (big_a - big_c) / 2, big_b / 2]  # Phi+ source
        total = sum(w)
        exact = [float(x / total) for x in w]
    pair = background_heralding(eta, eta, background_photons_a=nbar, background_photons_b=nbar)
    assert pair.bell_coefficients == pytest.approx(exact, rel=1e-12, abs=0)
