import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.protocols import bbpssw, bbpssw_bell_diagonal, recurrence_distill
from qdms.quantum import fidelity, isotropic_state, max_entangled_ket, random_density_matrix


def eq48(f1, f2):
    return f1 * f2 + f1 * (1 - f2) / 3 + (1 - f1) * f2 / 3 + 5 * (1 - f1) * (1 - f2) / 9


def eq49(f1, f2):
    return (f1 * f2 + (1 - f1) * (1 - f2) / 9) / eq48(f1, f2)


@pytest.mark.parametrize(
    ("f1", "f2"), [(0.7, 0.7), (0.9, 0.6), (0.5, 0.5), (1.0, 0.3), (0.25, 0.8)]
)
def test_eq_48_49_match_explicit_simulation_of_werner_links(f1, f2):
    p, out = recurrence_distill(isotropic_state(f1), isotropic_state(f2))
    assert np.isclose(p, eq48(f1, f2), rtol=1e-12)
    assert np.isclose(fidelity(max_entangled_ket(), out), eq49(f1, f2), rtol=1e-12)
    got = bbpssw(f1, f2)
    assert np.isclose(got.success_probability, p, rtol=1e-12)
    assert np.isclose(got.fidelity, fidelity(max_entangled_ket(), out), rtol=1e-12)


def test_twirled_arbitrary_inputs_follow_eq_48_49(rng):
    for _ in range(3):
        rho1, rho2 = random_density_matrix(4, rng), random_density_matrix(4, rng)
        f1 = fidelity(max_entangled_ket(), rho1)
        f2 = fidelity(max_entangled_ket(), rho2)
        p, out = recurrence_distill(rho1, rho2, twirl=True)
        assert abs(p - bbpssw(f1, f2).success_probability) < 1e-10
        assert abs(fidelity(max_entangled_ket(), out) - bbpssw(f1, f2).fidelity) < 1e-10


def test_textbook_equal_fidelity_form():
    # Bennett et al. 1996: F' = [F^2 + ((1-F)/3)^2] / [F^2 + 2F(1-F)/3 + 5((1-F)/3)^2].
    for f in np.linspace(0, 1, 11):
        e = (1 - f) / 3
        expected = (f**2 + e**2) / (f**2 + 2 * f * (1 - f) / 3 + 5 * e**2)
        assert np.isclose(bbpssw(f, f).fidelity, expected, rtol=1e-12)


def test_improves_only_above_one_half():
    # For Werner links with F >= 1/4 (w >= 0) one round helps exactly when F > 1/2.
    f = np.linspace(0.26, 0.99, 74)
    p, out = bbpssw(f, f)
    assert isinstance(p, np.ndarray) and p.shape == f.shape
    assert np.all((out > f) == (f > 0.5 + 1e-12))
    assert np.isclose(bbpssw(0.5, 0.5).fidelity, 0.5)
    assert bbpssw(1.0, 1.0) == (1.0, 1.0)


def test_bell_diagonal_step_uses_only_the_fidelities():
    p, q = bbpssw_bell_diagonal([0.8, 0.2, 0, 0], [0.6, 0, 0, 0.4])
    ref = bbpssw(0.8, 0.6)
    assert np.isclose(p, ref.success_probability) and np.isclose(q[0], ref.fidelity)


def test_errors():
    with pytest.raises(ValueError, match="f1"):
        bbpssw(1.1, 0.5)
    with pytest.raises(ValueError, match="f2"):
        bbpssw(0.5, [0.2, -0.1])


@given(st.floats(0, 1), st.floats(0, 1))
def test_property_probability_and_fidelity_in_range(f1, f2):
    p, f = bbpssw(f1, f2)
    assert 1 / 3 - 1e-12 <= p <= 1 and 0 <= f <= 1
