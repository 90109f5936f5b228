import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.physics.memory import (
    amplitude_damping_memory_fidelity,
    damping_parameter,
    dephasing_memory_fidelity,
    depolarising_memory_fidelity,
    max_storage_steps,
)
from qdms.quantum import (
    amplitude_damping_kraus,
    apply_channel,
    bell_diagonal_state,
    dephasing_kraus,
    depolarising_kraus,
    fidelity,
    max_entangled_ket,
    werner_state,
)
from tests.conftest import simplex4


def stored_fidelities(rho, kraus, steps):
    """Apply the per-step channel to both qubits, step by step: the brute-force f(m)."""
    out = []
    for _ in range(steps + 1):
        out.append(fidelity(max_entangled_ket(), rho))
        rho = apply_channel(apply_channel(rho, kraus, [0], [2, 2]), kraus, [1], [2, 2])
    return np.array(out)


@given(simplex4, st.floats(0, 1))
def test_amplitude_damping_closed_form_equals_repeated_channel(q, gamma):
    expected = stored_fidelities(bell_diagonal_state(q), amplitude_damping_kraus(gamma), 6)
    assert np.allclose(
        amplitude_damping_memory_fidelity(q, gamma, np.arange(7)), expected, atol=1e-12
    )


@given(simplex4, st.floats(0, 1))
def test_dephasing_closed_form_equals_repeated_channel(q, p):
    expected = stored_fidelities(bell_diagonal_state(q), dephasing_kraus(p), 5)
    assert np.allclose(dephasing_memory_fidelity(q, p, np.arange(6)), expected, atol=1e-12)


@given(st.floats(0, 1), st.floats(0, 1))
def test_depolarising_closed_form_equals_repeated_channel(f0, lam):
    w0 = (4 * f0 - 1) / 3
    expected = stored_fidelities(werner_state(w0), depolarising_kraus(lam), 5)
    assert np.allclose(depolarising_memory_fidelity(f0, lam, np.arange(6)), expected, atol=1e-12)


def test_tiny_damping_keeps_relative_accuracy():
    # gamma = 1e-12 per step over 1e6 steps: 1 - f is ~ 1e-6 and must be accurate to 1e-9 relative.
    gamma, m = 1e-12, 10**6
    g = -np.expm1(m * np.log1p(-gamma))
    f = amplitude_damping_memory_fidelity([1, 0, 0, 0], gamma, m)
    exact_loss = 1 - ((2 - g) ** 2 + g**2) / 4  # = g - g^2/2
    assert 1 - f == pytest.approx(g - g * g / 2, rel=1e-6)
    assert exact_loss == pytest.approx(g - g * g / 2, rel=1e-6)


def test_damping_parameter_and_storage():
    assert damping_parameter(0.0, 1.0) == 0.0
    assert damping_parameter(1.0, 1.0) == pytest.approx(1 - np.exp(-1))
    assert max_storage_steps(0.1, 0.3) == 3
    assert max_storage_steps(0.4, 1.0) == 2


def test_bad_input():
    with pytest.raises(ValueError, match="steps must be >= 0"):
        depolarising_memory_fidelity(0.9, 0.1, -1)
    with pytest.raises(TypeError, match="steps must hold integers"):
        depolarising_memory_fidelity(0.9, 0.1, 1.5)
    with pytest.raises(ValueError, match="gamma must be a probability"):
        amplitude_damping_memory_fidelity([1, 0, 0, 0], 2.0, 1)
    with pytest.raises(ValueError, match="coherence_time_s must be > 0"):
        damping_parameter(1.0, 0.0)


# --- tiny fidelities: an explicit Kraus simulation in 50-digit decimal arithmetic ---------


def _decimal_stored_fidelity(bell, kraus_of, steps):
    """<Phi+| (E x E)^steps (rho) |Phi+> for a Bell-diagonal rho, every product in Decimal."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        half = Decimal(1) / 2
        kets = [  # Phi+, Psi+, Phi-, Psi- in the basis 00, 01, 10, 11
            [half.sqrt(), 0, 0, half.sqrt()],
            [0, half.sqrt(), half.sqrt(), 0],
            [half.sqrt(), 0, 0, -half.sqrt()],
            [0, half.sqrt(), -half.sqrt(), 0],
        ]
        kets = [[Decimal(x) for x in k] for k in kets]
        rho = [[sum(Decimal(w) * k[i] * k[j] for w, k in zip(bell, kets, strict=True)) for j in range(4)]
               for i in range(4)]  # fmt: skip
        single = kraus_of(ctx)
        pairs = [[[a[i // 2][j // 2] * b[i % 2][j % 2] for j in range(4)] for i in range(4)]
                 for a in single for b in single]  # fmt: skip
        for _ in range(steps):
            new = [[Decimal(0)] * 4 for _ in range(4)]
            for k in pairs:  # K rho K^T (real Kraus operators)
                kr = [
                    [sum(k[i][m] * rho[m][j] for m in range(4)) for j in range(4)] for i in range(4)
                ]
                for i in range(4):
                    for j in range(4):
                        new[i][j] += sum(kr[i][m] * k[j][m] for m in range(4))
            rho = new
        phi = kets[0]
        return float(sum(phi[i] * rho[i][j] * phi[j] for i in range(4) for j in range(4)))


@pytest.mark.parametrize("bell", [[0, 0, 1, 0], [0, 1, 0, 0], [0.5, 0, 0.5, 0]])
@pytest.mark.parametrize("gamma", [1e-3, 1e-9, 1e-12])
def test_amplitude_damping_keeps_digits_of_tiny_fidelities(bell, gamma):
    from decimal import Decimal

    def kraus(ctx):
        g = Decimal(gamma)
        return [[[1, 0], [0, (1 - g).sqrt()]], [[0, g.sqrt()], [0, 0]]]

    for m in (1, 3):
        exact = _decimal_stored_fidelity(bell, kraus, m)  # Phi-: g^2 / 2, 5e-25 at 1e-12
        got = amplitude_damping_memory_fidelity(bell, gamma, m)
        assert got == pytest.approx(exact, rel=1e-12, abs=0)


@pytest.mark.parametrize("p", [1e-3, 1e-9, 1e-12])
def test_dephasing_and_depolarising_keep_digits_of_tiny_fidelities(p):
    from decimal import Decimal

    def dephase(ctx):
        a, b = (1 - Decimal(p)).sqrt(), Decimal(p).sqrt()
        return [[[a, 0], [0, a]], [[b, 0], [0, -b]]]

    def depolarise(ctx):  # rho -> (1 - lam) rho + lam I/2 = sum of the four Paulis
        a, b = (1 - Decimal(p) * 3 / 4).sqrt(), (Decimal(p) / 4).sqrt()
        # real Kraus set: I, X, Z and XZ (= -iY, real), each weighted
        return [[[a, 0], [0, a]], [[0, b], [b, 0]], [[b, 0], [0, -b]], [[0, -b], [b, 0]]]

    for m in (1, 4):
        exact = _decimal_stored_fidelity([0, 0, 1, 0], dephase, m)
        assert dephasing_memory_fidelity([0, 0, 1, 0], p, m) == pytest.approx(
            exact, rel=1e-12, abs=0
        )
        exact = _decimal_stored_fidelity([0, 1 / 3, 1 / 3, 1 / 3], depolarise, m)  # F0 = 0
        assert depolarising_memory_fidelity(0.0, p, m) == pytest.approx(exact, rel=1e-12, abs=0)
