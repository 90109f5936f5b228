import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.protocols import (
    distribute_graph_state,
    graph_state_fidelity,
    graph_state_fidelity_bell_diagonal,
)
from qdms.quantum import (
    bell_coefficients,
    bell_diagonal_state,
    check_density_matrix,
    fidelity,
    graph_state_ket,
    isotropic_state,
    ket_to_density,
    max_entangled_ket,
    random_density_matrix,
)

from .literal import graph_literal

PHI = ket_to_density(max_entangled_ket())
GRAPHS = {
    "edge": [[0, 1], [1, 0]],
    "star4": [[0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]],
    "line3": [[0, 1, 0], [1, 0, 1], [0, 1, 0]],
    "line4": [[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]],
    "triangle": [[0, 1, 1], [1, 0, 1], [1, 1, 0]],
    "empty3": [[0, 0, 0], [0, 0, 0], [0, 0, 0]],
}


def prop_iii4_by_enumeration(adjacency, states):
    a = np.array(adjacency)
    q = [bell_coefficients(s).reshape(2, 2) for s in states]
    total = 0.0
    for e in itertools.product([0, 1], repeat=len(a)):
        z = a @ np.array(e) % 2
        total += np.prod([q[v][z[v], e[v]] for v in range(len(a))])
    return total


@pytest.mark.parametrize("name", list(GRAPHS))
def test_ideal_links_give_exactly_the_graph_state(name):
    a = GRAPHS[name]
    out = distribute_graph_state(a, [PHI] * len(a))
    assert np.allclose(out, ket_to_density(graph_state_ket(a)), atol=1e-12)
    assert np.isclose(graph_state_fidelity(a, [PHI] * len(a)), 1.0)


@pytest.mark.parametrize("name", ["star4", "line3", "triangle"])
def test_explicit_matches_literal_protocol(name, rng):
    a = GRAPHS[name]
    states = [random_density_matrix(4, rng) for _ in a]
    assert np.allclose(distribute_graph_state(a, states), graph_literal(a, states), atol=1e-12)


@pytest.mark.parametrize("name", ["star4", "line3", "line4", "triangle", "edge"])
def test_prop_iii4_matches_explicit_simulation_for_arbitrary_links(name, rng):
    # Acceptance: star, line and triangle graphs, random non-Bell-diagonal links, 1e-10.
    a = GRAPHS[name]
    for _ in range(2):
        states = [random_density_matrix(4, rng) for _ in a]
        explicit = fidelity(graph_state_ket(a), distribute_graph_state(a, states))
        assert abs(graph_state_fidelity(a, states) - explicit) < 1e-10
        assert abs(prop_iii4_by_enumeration(a, states) - explicit) < 1e-10


def test_which_qubit_the_centre_holds_does_not_change_the_fidelity(rng):
    a = GRAPHS["triangle"]
    states = [random_density_matrix(4, rng) for _ in a]
    swapped = [s.reshape(2, 2, 2, 2).transpose(1, 0, 3, 2).reshape(4, 4) for s in states]
    f1 = fidelity(graph_state_ket(a), distribute_graph_state(a, states))
    f2 = fidelity(graph_state_ket(a), distribute_graph_state(a, swapped))
    assert abs(f1 - f2) < 1e-10


def test_bell_diagonal_and_werner_links(rng):
    a = GRAPHS["line4"]
    q = rng.dirichlet(np.ones(4), size=4)
    explicit = fidelity(
        graph_state_ket(a), distribute_graph_state(a, [bell_diagonal_state(v) for v in q])
    )
    assert abs(graph_state_fidelity_bell_diagonal(a, q) - explicit) < 1e-10
    # A single edge with two Werner links is LU-equivalent to swapping them: F1 F2 + (1-F1)(1-F2)/3.
    f1, f2 = 0.9, 0.75
    got = graph_state_fidelity(GRAPHS["edge"], [isotropic_state(f1), isotropic_state(f2)])
    assert np.isclose(got, f1 * f2 + (1 - f1) * (1 - f2) / 3)


def test_errors():
    with pytest.raises(ValueError, match="one link per vertex"):
        distribute_graph_state(GRAPHS["triangle"], [PHI, PHI])
    with pytest.raises(ValueError, match="symmetric"):
        graph_state_fidelity([[0, 1], [0, 0]], [PHI, PHI])
    with pytest.raises(ValueError, match="entries 0 or 1"):
        graph_state_fidelity([[0, 2], [2, 0]], [PHI, PHI])
    with pytest.raises(ValueError, match="square"):
        graph_state_fidelity([0, 1], [PHI, PHI])
    with pytest.raises(ValueError, match=r"states\[1\] must have unit trace"):
        distribute_graph_state(GRAPHS["edge"], [PHI, 2 * PHI])
    with pytest.raises(ValueError, match="limited to"):
        distribute_graph_state(np.zeros((6, 6), int), [PHI] * 6)
    with pytest.raises(ValueError, match="one vector per vertex"):
        graph_state_fidelity_bell_diagonal(GRAPHS["edge"], [[1, 0, 0, 0]] * 3)
    with pytest.raises(ValueError, match="at most"):
        graph_state_fidelity_bell_diagonal(np.zeros((25, 25), int), [[1, 0, 0, 0]] * 25)


def test_closed_form_for_a_larger_graph_with_perfect_links():
    n = 12
    ring = np.roll(np.eye(n, dtype=int), 1, axis=1) + np.roll(np.eye(n, dtype=int), -1, axis=1)
    q = np.tile([1.0, 0, 0, 0], (n, 1))
    assert np.isclose(graph_state_fidelity_bell_diagonal(ring, q), 1.0)


@given(st.integers(0, 2**32 - 1))
def test_property_output_is_a_state_and_fidelity_in_unit_interval(seed):
    rng = np.random.default_rng(seed)
    a = GRAPHS["line3"]
    states = [random_density_matrix(4, rng, rank=int(rng.integers(1, 5))) for _ in a]
    out = distribute_graph_state(a, states)
    check_density_matrix(out)
    f = graph_state_fidelity(a, states)
    assert -1e-12 <= f <= 1 + 1e-12
