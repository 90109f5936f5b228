import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.protocols import (
    imperfect_swap,
    imperfect_swap_fidelity,
    swap,
    swap_bell_diagonal,
    swap_fidelity,
    swap_outcomes,
    swap_werner,
)
from qdms.protocols.swapping import MAX_EXPLICIT_DIMENSION
from qdms.quantum import (
    bell_coefficients,
    bell_diagonal_state,
    bell_ket,
    check_density_matrix,
    fidelity,
    isotropic_state,
    ket_to_density,
    max_entangled_ket,
    partial_trace,
    random_density_matrix,
    werner_state,
)

from .literal import swap_literal

CASES = [(2, 1), (2, 2), (2, 3), (3, 1)]
CASE_IDS = [f"d{d}-n{n}" for d, n in CASES]


def random_links(rng, d, n):
    return [random_density_matrix(d * d, rng) for _ in range(n + 1)]


def prop_iii1_by_enumeration(states, d):
    """Khatri Prop. III.1 summed term by term over all index tuples that add up to (0, 0)."""
    q = [bell_coefficients(s, d).reshape(d, d) for s in states]
    total = 0.0
    for ks in itertools.product(itertools.product(range(d), range(d)), repeat=len(states)):
        if sum(k[0] for k in ks) % d == 0 and sum(k[1] for k in ks) % d == 0:
            total += np.prod([qi[k] for qi, k in zip(q, ks, strict=True)])
    return total


@pytest.mark.parametrize(("d", "n"), CASES, ids=CASE_IDS)
def test_ideal_links_give_phi_for_every_outcome(d, n):
    phi = ket_to_density(max_entangled_ket(d))
    res = swap_outcomes([phi] * (n + 1), d)
    assert res.outcomes.shape == (d ** (2 * n), n, 2)
    assert np.allclose(res.probabilities, d ** (-2 * n), atol=1e-14)
    for k in range(len(res.probabilities)):
        assert np.allclose(res.conditional_state(k), phi, atol=1e-12)
    assert np.allclose(swap([phi] * (n + 1), d), phi, atol=1e-12)


@pytest.mark.parametrize(("d", "n"), CASES, ids=CASE_IDS)
def test_explicit_simulation_matches_literal_protocol(d, n, rng):
    links = random_links(rng, d, n)
    outcomes, probs, weighted, average = swap_literal(links, d)
    res = swap_outcomes(links, d)
    expected_outcomes = np.array([[list(k) for k in ks] for ks in outcomes]).reshape(-1, n, 2)
    assert np.array_equal(res.outcomes, expected_outcomes)
    assert np.allclose(res.probabilities, probs, atol=1e-12)
    assert np.allclose(res.weighted_states, weighted, atol=1e-12)
    assert np.allclose(swap(links, d), average, atol=1e-12)
    assert np.allclose(res.average_state(), average, atol=1e-12)


@pytest.mark.parametrize(("d", "n"), CASES, ids=CASE_IDS)
def test_prop_iii1_matches_explicit_simulation_for_arbitrary_links(d, n, rng):
    # Acceptance: random, non-Bell-diagonal inputs; closed form vs explicit simulation to 1e-10.
    for _ in range(3):
        links = random_links(rng, d, n)
        explicit = fidelity(max_entangled_ket(d), swap_outcomes(links, d).average_state())
        assert abs(swap_fidelity(links, d) - explicit) < 1e-10
        assert abs(prop_iii1_by_enumeration(links, d) - explicit) < 1e-10
        assert abs(fidelity(max_entangled_ket(d), swap(links, d)) - explicit) < 1e-10


@pytest.mark.parametrize(("d", "n"), CASES, ids=CASE_IDS)
def test_bell_coefficients_of_output_are_the_convolution_for_any_input(d, n, rng):
    links = random_links(rng, d, n)
    q = np.stack([bell_coefficients(s, d) for s in links])
    out = swap_outcomes(links, d).average_state()
    assert np.allclose(bell_coefficients(out, d), swap_bell_diagonal(q, d), atol=1e-12)


@pytest.mark.parametrize(("d", "n"), [(2, 2), (3, 1)], ids=["d2-n2", "d3-n1"])
def test_bell_diagonal_inputs_give_bell_diagonal_output(d, n, rng):
    q = rng.dirichlet(np.ones(d * d), size=n + 1)
    out = swap([bell_diagonal_state(v, d) for v in q], d)
    assert np.allclose(out, bell_diagonal_state(swap_bell_diagonal(q, d), d), atol=1e-12)


@pytest.mark.parametrize(
    ("d", "k1", "k2", "expected"),
    [
        (2, (0, 1), (1, 0), (1, 1)),  # Psi+ and Phi- give Psi-
        (3, (1, 2), (2, 2), (0, 1)),  # plus signs: (1+2, 2+2) mod 3
        (3, (0, 1), (0, 1), (0, 2)),
        (3, (2, 0), (0, 1), (2, 1)),
    ],
)
def test_index_map_has_plus_signs(d, k1, k2, expected):
    links = [ket_to_density(bell_ket(*k1, d)), ket_to_density(bell_ket(*k2, d))]
    out = swap_outcomes(links, d).average_state()
    assert np.isclose(fidelity(bell_ket(*expected, d), out), 1.0, atol=1e-12)
    q = np.zeros((2, d * d))
    q[0, k1[0] * d + k1[1]] = q[1, k2[0] * d + k2[1]] = 1
    assert np.isclose(swap_bell_diagonal(q, d)[expected[0] * d + expected[1]], 1.0)


@pytest.mark.parametrize(("f1", "f2"), [(0.9, 0.8), (0.5, 0.99), (0.25, 1.0), (0.7, 0.7)])
def test_werner_textbook_result(f1, f2):
    expected = f1 * f2 + (1 - f1) * (1 - f2) / 3
    links = [isotropic_state(f1), isotropic_state(f2)]
    assert np.isclose(fidelity(max_entangled_ket(), swap_outcomes(links).average_state()), expected)
    assert np.isclose(swap_fidelity(links), expected, rtol=1e-12)
    w = [(4 * f - 1) / 3 for f in (f1, f2)]
    assert np.isclose((1 + 3 * swap_werner(w)) / 4, expected, rtol=1e-12)
    q = [[f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3] for f in (f1, f2)]
    assert np.isclose(swap_bell_diagonal(q)[0], expected, rtol=1e-12)


def test_qudit_isotropic_links_multiply_werner_parameters():
    ws = [0.9, 0.6, 0.75]
    out = swap([werner_state(w, 3) for w in ws], 3)
    assert np.allclose(out, werner_state(np.prod(ws), 3), atol=1e-12)
    assert np.isclose(swap_werner(ws, 3), np.prod(ws))


def direct_chain_convolution(q, d):
    out = q[0].reshape(d, d)
    for v in q[1:]:
        v = v.reshape(d, d)
        new = np.zeros((d, d))
        for z in range(d):
            for x in range(d):
                new += v[z, x] * np.roll(out, (z, x), axis=(0, 1))
        out = new
    return out.ravel()


@pytest.mark.parametrize("d", [2, 3])
def test_long_chain_fft_matches_direct_convolution(d, rng):
    q = rng.dirichlet(np.ones(d * d) * 0.3, size=1000)
    q[:, 0] += 20  # keep the chain far from uniform
    q /= q.sum(axis=1, keepdims=True)
    fast = swap_bell_diagonal(q, d)
    assert np.allclose(fast, direct_chain_convolution(q, d), rtol=1e-9, atol=1e-15)
    assert np.isclose(fast.sum(), 1.0)


def test_werner_chain_of_1000_links():
    w = np.full(1000, 0.999)
    q = np.stack([[wi + (1 - wi) / 4, (1 - wi) / 4, (1 - wi) / 4, (1 - wi) / 4] for wi in w])
    out = swap_bell_diagonal(q)
    expected_w = 0.999**1000
    assert np.isclose(swap_werner(w), expected_w, rtol=1e-12)
    assert np.isclose(out[0], expected_w + (1 - expected_w) / 4, rtol=1e-12)


@pytest.mark.parametrize(("d", "n"), [(2, 1), (2, 2), (3, 1)], ids=["d2-n1", "d2-n2", "d3-n1"])
def test_noisy_bell_measurement_matches_literal_povm(d, n, rng):
    links = random_links(rng, d, n)
    lam = rng.uniform(0, 0.6, size=n)
    _, probs, weighted, average = swap_literal(links, d, noise=lam)
    res = swap_outcomes(links, d, bell_measurement_noise=lam)
    assert np.allclose(res.probabilities, probs, atol=1e-12)
    assert np.allclose(res.weighted_states, weighted, atol=1e-12)
    assert np.allclose(swap(links, d, bell_measurement_noise=lam), average, atol=1e-12)
    # Closed form: (1 - Lam) S(rho) + Lam rho_{A1} (x) I/d, and F -> (1 - Lam) F + Lam/d^2.
    keep = np.prod(1 - lam)
    rho_a1 = partial_trace(links[0], [0], [d, d])
    expected = keep * swap(links, d) + (1 - keep) * np.kron(rho_a1, np.eye(d) / d)
    assert np.allclose(average, expected, atol=1e-12)
    f = fidelity(max_entangled_ket(d), average)
    assert abs(swap_fidelity(links, d, bell_measurement_noise=lam) - f) < 1e-10
    q = np.stack([bell_coefficients(s, d) for s in links])
    assert np.allclose(
        swap_bell_diagonal(q, d, bell_measurement_noise=lam), bell_coefficients(average, d)
    )


def test_noisy_measurement_acts_like_an_extra_werner_link():
    assert np.isclose(swap_werner([0.9, 0.8], bell_measurement_noise=0.1), 0.9 * 0.8 * 0.9)
    assert np.isclose(
        swap_werner([0.9, 0.8, 0.7], bell_measurement_noise=[0.1, 0.2]), 0.9 * 0.8 * 0.7 * 0.9 * 0.8
    )


def test_imperfect_swap_heralds_and_closed_form(rng):
    links = random_links(rng, 2, 2)
    p, rho = imperfect_swap(links, success_probability=[0.5, 0.8], bell_measurement_noise=0.1)
    assert np.isclose(p, 0.4)
    check_density_matrix(rho)
    p2, f = imperfect_swap_fidelity(
        links, success_probability=[0.5, 0.8], bell_measurement_noise=0.1
    )
    assert p2 == p
    assert abs(f - fidelity(max_entangled_ket(), rho)) < 1e-10
    _, _, _, literal = swap_literal(links, 2, noise=[0.1, 0.1])
    assert np.allclose(rho, literal, atol=1e-12)


def test_single_link_is_returned_unchanged(rng):
    rho = random_density_matrix(4, rng)
    assert np.allclose(swap([rho]), rho)
    assert np.isclose(swap_fidelity([rho]), fidelity(max_entangled_ket(), rho))
    assert imperfect_swap_fidelity([rho]).success_probability == 1.0


def test_conditional_state_of_impossible_outcome_raises():
    zero = np.diag([1.0, 0, 0, 0])  # |00><00|: some Bell outcomes never occur
    res = swap_outcomes([zero, zero])
    impossible = int(np.argmin(res.probabilities))
    assert res.probabilities[impossible] < 1e-15
    with pytest.raises(ValueError, match="undefined"):
        res.conditional_state(impossible)


def test_errors_name_the_argument():
    good = werner_state(0.5)
    with pytest.raises(ValueError, match=r"states\[1\] must be 4 x 4"):
        swap([good, np.eye(9) / 9])
    with pytest.raises(ValueError, match=r"states\[0\] must have unit trace"):
        swap_fidelity([np.eye(4), good])
    with pytest.raises(ValueError, match=r"states\[1\] must be positive semidefinite"):
        swap([good, np.diag([1.5, -0.5, 0, 0])])
    with pytest.raises(ValueError, match=r"states\[0\] must be 9 x 9"):
        swap([good, good], d=3)
    with pytest.raises(ValueError, match="at least 1"):
        swap([])
    with pytest.raises(TypeError, match="sequence of density matrices"):
        swap(good)
    with pytest.raises(ValueError, match="bell_measurement_noise"):
        swap([good, good], bell_measurement_noise=1.5)
    with pytest.raises(ValueError, match="one per node"):
        swap([good, good], bell_measurement_noise=[0.1, 0.2])
    with pytest.raises(ValueError, match="success_probability"):
        imperfect_swap([good, good], success_probability=-0.1)
    with pytest.raises(ValueError, match=r"coefficient_vectors\[1\] must sum to 1"):
        swap_bell_diagonal([[1, 0, 0, 0], [0.5, 0, 0, 0]])
    with pytest.raises(ValueError, match=r"shape \(m, 9\)"):
        swap_bell_diagonal([[1, 0, 0, 0]], d=3)
    with pytest.raises(ValueError, match="werner_parameters"):
        swap_werner([0.5, -0.5])
    with pytest.raises(ValueError, match="d must be an integer in"):
        swap([good], d=1)
    with pytest.raises(ValueError, match="swap\\(\\) instead"):
        swap_outcomes([good] * 7)
    assert 2 ** (2 * 7) > MAX_EXPLICIT_DIMENSION


werner = st.floats(-1 / 3, 1)


@given(st.lists(werner, min_size=1, max_size=50), st.floats(0, 1))
def test_property_bell_diagonal_chain_output_is_a_distribution(ws, lam):
    q = np.stack([[w + (1 - w) / 4, (1 - w) / 4, (1 - w) / 4, (1 - w) / 4] for w in ws])
    out = swap_bell_diagonal(q, bell_measurement_noise=lam)
    assert np.all(out >= 0) and np.isclose(out.sum(), 1)
    assert np.isclose(out[0], (1 + 3 * swap_werner(ws, bell_measurement_noise=lam)) / 4)


@given(st.integers(0, 2**32 - 1), st.integers(1, 3))
def test_property_swap_output_is_a_state_with_fidelity_in_unit_interval(seed, n):
    rng = np.random.default_rng(seed)
    links = [random_density_matrix(4, rng, rank=int(rng.integers(1, 5))) for _ in range(n + 1)]
    out = swap(links)
    check_density_matrix(out)
    f = swap_fidelity(links)
    assert 0 <= f <= 1
    assert abs(f - fidelity(max_entangled_ket(), out)) < 1e-10


@pytest.mark.parametrize("eps", [1e-6, 1e-12, 1e-15])
@pytest.mark.parametrize("links", [2, 3, 7])
def test_bell_diagonal_swap_keeps_tiny_coefficients(eps, links):
    # Prop. III.1 (checked against explicit LOCC above) summed exactly over Fractions: the
    # outcome (z, x) collects every product prod_i q_i[k_i] with sum_i k_i = (z, x) mod 2.
    # An FFT rounded the 1e-15 coefficients to 3 digits and a 1e-20 one to 0.
    from fractions import Fraction

    vectors = [[1 - 3 * eps, eps, eps, eps], [1 - eps, 0.0, eps, 0.0]] * links
    vectors = vectors[:links]
    exact = [Fraction(0)] * 4
    for ks in itertools.product(range(4), repeat=links):
        z = sum(k // 2 for k in ks) % 2
        x = sum(k % 2 for k in ks) % 2
        term = Fraction(1)
        for q, k in zip(vectors, ks, strict=True):
            term *= Fraction(q[k])
        exact[2 * z + x] += term
    got = swap_bell_diagonal(vectors)
    assert got == pytest.approx([float(v) for v in exact], rel=1e-13, abs=0)
