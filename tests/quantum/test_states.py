import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.quantum import (
    check_density_matrix,
    check_ket,
    fidelity,
    fidelity_from_werner_parameter,
    ghz_ket,
    graph_state_ket,
    isotropic_state,
    ket_to_density,
    max_entangled_ket,
    random_density_matrix,
    random_ket,
    werner_parameter_from_fidelity,
    werner_state,
)


def cz(n, i, j):
    diag = np.ones(2**n)
    for k in range(2**n):
        bits = [(k >> (n - 1 - m)) & 1 for m in range(n)]
        if bits[i] and bits[j]:
            diag[k] = -1
    return np.diag(diag)


@pytest.mark.parametrize(
    "adjacency",
    [
        [[0, 1], [1, 0]],
        [[0, 1, 1], [1, 0, 1], [1, 1, 0]],
        [[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]],
        [[0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]],
    ],
    ids=["edge", "triangle", "line4", "star4"],
)
def test_graph_state_is_product_of_cz_on_plus(adjacency):
    a = np.array(adjacency)
    n = len(a)
    plus = np.ones(2**n) / np.sqrt(2**n)
    for i in range(n):
        for j in range(i + 1, n):
            if a[i, j]:
                plus = cz(n, i, j) @ plus
    assert np.allclose(graph_state_ket(a), plus)


def test_graph_state_stabilisers():
    # K_v = X_v prod_{u in N(v)} Z_u stabilises |G> (Khatri eq. 75-76 equivalently).
    a = np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]])
    g = graph_state_ket(a)
    x = np.array([[0, 1], [1, 0]])
    z = np.diag([1, -1])
    for v in range(3):
        ops = [x if u == v else (z if a[v, u] else np.eye(2)) for u in range(3)]
        k = ops[0]
        for o in ops[1:]:
            k = np.kron(k, o)
        assert np.allclose(k @ g, g)


@pytest.mark.parametrize("n,d", [(2, 2), (3, 2), (4, 2), (3, 3)])
def test_ghz(n, d):
    g = ghz_ket(n, d)
    assert np.isclose(np.linalg.norm(g), 1)
    for k in range(d):
        idx = sum(k * d**j for j in range(n))
        assert np.isclose(g[idx], 1 / np.sqrt(d))
    assert np.count_nonzero(np.abs(g) > 1e-12) == d


def test_ghz_two_parties_is_phi():
    assert np.allclose(ghz_ket(2, 3), max_entangled_ket(3))


@given(st.floats(0, 1), st.integers(2, 4))
def test_isotropic_state_is_state_with_given_fidelity(f, d):
    rho = isotropic_state(f, d)
    check_density_matrix(rho)
    assert np.isclose(fidelity(max_entangled_ket(d), rho), f, atol=1e-12)


@given(st.floats(0, 1))
def test_werner_parameter_round_trip(f):
    w = werner_parameter_from_fidelity(f)
    assert np.isclose(fidelity_from_werner_parameter(w), f)
    assert np.isclose(f, (1 + 3 * w) / 4)
    assert np.allclose(werner_state(w), isotropic_state(f))


def test_werner_state_definition():
    w = 0.37
    phi = ket_to_density(max_entangled_ket())
    assert np.allclose(werner_state(w), w * phi + (1 - w) * np.eye(4) / 4)


def test_random_states_are_states(rng):
    for dim in (2, 3, 6):
        check_density_matrix(random_density_matrix(dim, rng))
        check_ket(random_ket(dim, rng))


def test_random_states_reproducible():
    a = random_density_matrix(4, np.random.default_rng(5))
    b = random_density_matrix(4, np.random.default_rng(5))
    assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "bad,match",
    [
        (np.eye(2), "unit trace"),
        (np.diag([1.5, -0.5]), "positive semidefinite"),
        (np.array([[0.5, 0.5], [0.0, 0.5]]), "Hermitian"),
        (np.ones((2, 3)) / 6, "square"),
        (np.array([[np.nan, 0], [0, 1]]), "non-finite"),
    ],
)
def test_non_states_rejected(bad, match):
    with pytest.raises(ValueError, match=f"sigma must .*{match}|sigma has {match}|{match}"):
        check_density_matrix(bad, "sigma")


def test_ket_checks():
    with pytest.raises(ValueError, match="normalised"):
        check_ket([1, 1])
    with pytest.raises(ValueError, match="dimension 4"):
        check_ket([1, 0], dim=4)


def test_graph_state_rejects_bad_adjacency():
    with pytest.raises(ValueError, match="symmetric"):
        graph_state_ket([[0, 1], [0, 0]])
    with pytest.raises(ValueError, match="0 or 1"):
        graph_state_ket([[0, 2], [2, 0]])


def test_fidelity_values_out_of_range():
    with pytest.raises(ValueError, match="fidelity must"):
        isotropic_state(1.2)
    with pytest.raises(ValueError, match="fidelity must lie"):
        werner_parameter_from_fidelity(-0.1)
