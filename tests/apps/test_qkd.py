"""QKD key fractions against explicit measurement statistics, brute-force CHSH and published thresholds."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import brentq, minimize

from qdms.apps.qkd import (
    bb84_key_fraction,
    bb84_key_fraction_from_qber,
    chsh_value,
    di_key_fraction,
    key_rate_bits_per_second,
    plob_bound,
    qbers,
    six_state_key_fraction,
    six_state_key_fraction_from_qber,
)
from qdms.quantum import bell_diagonal_state, fidelity, max_entangled_ket, random_density_matrix
from tests.conftest import simplex4

X = np.array([[0, 1], [1, 0]])
Y = np.array([[0, -1j], [1j, 0]])
Z = np.diag([1.0, -1.0])


def agree_probability(rho, op):
    """Pr[outcomes agree] when both measure the Pauli ``op``: projectors onto its eigenvectors."""
    _, vecs = np.linalg.eigh(op)
    total = 0.0
    for k in range(2):
        proj = np.outer(vecs[:, k], vecs[:, k].conj())
        total += np.real(np.trace(rho @ np.kron(proj, proj)))
    return total


@given(simplex4)
def test_qbers_from_measurement_statistics(q):
    rho = bell_diagonal_state(q)
    qx, qy, qz = qbers(q)
    assert qx == pytest.approx(1 - agree_probability(rho, X), abs=1e-12)
    assert qy == pytest.approx(agree_probability(rho, Y), abs=1e-12)  # Y: Phi+ is anticorrelated
    assert qz == pytest.approx(1 - agree_probability(rho, Z), abs=1e-12)
    # Khatri Remark E.1, eq. 354
    assert fidelity(max_entangled_ket(), rho) == pytest.approx(1 - (qx + qy + qz) / 2, abs=1e-12)


def test_qbers_of_general_state(rng):
    rho = random_density_matrix(4, rng)
    qx, qy, qz = qbers(rho)
    assert qx == pytest.approx(1 - agree_probability(rho, X))
    assert qz == pytest.approx(1 - agree_probability(rho, Z))
    assert qy == pytest.approx(agree_probability(rho, Y))


def brute_force_chsh(rho):
    def observable(theta, phi):
        return np.cos(theta) * Z + np.sin(theta) * (np.cos(phi) * X + np.sin(phi) * Y)

    def neg_s(angles):
        a0, a1, b0, b1 = (observable(angles[2 * i], angles[2 * i + 1]) for i in range(4))
        s = np.kron(a0, b0) + np.kron(a0, b1) + np.kron(a1, b0) - np.kron(a1, b1)
        return -np.real(np.trace(rho @ s))

    rng = np.random.default_rng(0)
    return max(-minimize(neg_s, rng.uniform(0, np.pi, 8), method="BFGS").fun for _ in range(12))


@pytest.mark.parametrize(
    "q",
    [
        [1, 0, 0, 0],
        [0.85, 0.05, 0.05, 0.05],
        [0.6, 0.3, 0.05, 0.05],
        [0.5, 0.0, 0.3, 0.2],
        [0.3, 0.3, 0.2, 0.2],
    ],
)
def test_chsh_matches_brute_force_optimisation(q):
    q = np.array(q, float)
    assert chsh_value(q) == pytest.approx(brute_force_chsh(bell_diagonal_state(q)), rel=1e-6)


def test_chsh_of_general_state(rng):
    rho = random_density_matrix(4, rng, rank=1)
    assert chsh_value(rho) == pytest.approx(brute_force_chsh(rho), rel=1e-6)


def werner(q):
    """Bell coefficients of the Werner state with QBER q in every basis."""
    return np.array([1 - 1.5 * q, q / 2, q / 2, q / 2])


@given(st.floats(0, 0.3))
def test_symmetric_cases_reduce_to_khatri_351_353(q):
    assert bb84_key_fraction(werner(q)) == pytest.approx(bb84_key_fraction_from_qber(q), abs=1e-12)
    assert six_state_key_fraction(werner(q)) == pytest.approx(
        six_state_key_fraction_from_qber(q), abs=1e-12
    )


def test_published_error_thresholds():
    # Shor-Preskill BB84: 11.0 %; six-state: 12.6 % (Lo, QIC 1, 81 (2001)); DI with S = 2 sqrt2 (1 - 2Q): 7.1 %
    # (Acin et al., PRL 98, 230501 (2007)).
    bb84 = brentq(lambda q: 1 - 2 * (-q * math.log2(q) - (1 - q) * math.log2(1 - q)), 0.05, 0.2)
    assert bb84 == pytest.approx(0.110, abs=5e-4)
    assert (
        bb84_key_fraction_from_qber(bb84 - 1e-6) > 0
        and bb84_key_fraction_from_qber(bb84 + 1e-6) == 0
    )
    six = brentq(lambda q: six_state_key_fraction_from_qber(q) - 1e-15, 0.05, 0.2)
    assert six == pytest.approx(0.126, abs=5e-4)
    di = brentq(lambda q: di_key_fraction(q, 2 * math.sqrt(2) * (1 - 2 * q)) - 1e-15, 0.01, 0.1)
    assert di == pytest.approx(0.071, abs=5e-4)


def test_asymmetric_bb84_uses_both_bases():
    q = np.array([0.9, 0.1, 0.0, 0.0])  # bit flips only: Q_Z = 0.1, Q_X = 0
    h = -0.1 * math.log2(0.1) - 0.9 * math.log2(0.9)
    assert bb84_key_fraction(q) == pytest.approx(1 - h)
    assert six_state_key_fraction(q) == pytest.approx(1 - h)


def test_key_fractions_never_negative():
    mixed = [0.25] * 4
    assert bb84_key_fraction(mixed) == 0.0
    assert six_state_key_fraction(mixed) == 0.0
    assert di_key_fraction(0.5, 2.5) == 0.0


def test_rates_and_bounds():
    assert key_rate_bits_per_second(0.2, 0.01, 1e6) == pytest.approx(2000.0)
    assert plob_bound(0.5) == pytest.approx(1.0)
    assert plob_bound(np.array([0.0, 1e-12])) == pytest.approx([0.0, 1e-12 / math.log(2)], rel=1e-9)


def test_bad_input():
    with pytest.raises(ValueError, match="chsh must be at most"):
        di_key_fraction(0.0, 3.0)
    with pytest.raises(ValueError, match="bell_coefficients must sum to 1"):
        qbers([0.5, 0.1, 0.1, 0.1])
    with pytest.raises(ValueError, match="qber must be a probability"):
        bb84_key_fraction_from_qber(1.5)


@pytest.mark.parametrize("excess", [1e-2, 1e-6, 1e-10])
def test_di_key_fraction_just_above_the_classical_bound(excess):
    # 1 - h2((1 + r)/2) with r = sqrt((S/2)^2 - 1) -> 0: two cancellations, here evaluated
    # with 50 digits (Acin et al. 2007 with Q = 0).
    from decimal import Decimal, localcontext

    s = 2.0 + excess
    with localcontext() as ctx:
        ctx.prec = 50
        r = ((Decimal(s) / 2) ** 2 - 1).sqrt()
        x = (1 + r) / 2
        h = -(x * x.ln() + (1 - x) * (1 - x).ln()) / Decimal(2).ln()
        exact = float(1 - h)
    assert di_key_fraction(0.0, s) == pytest.approx(exact, rel=1e-12, abs=0)
