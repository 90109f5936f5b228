import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdms.protocols import ghz_swap, ghz_swap_fidelity, ghz_swap_fidelity_bell_diagonal
from qdms.quantum import (
    bell_coefficients,
    bell_diagonal_state,
    check_density_matrix,
    fidelity,
    ghz_ket,
    isotropic_state,
    ket_to_density,
    max_entangled_ket,
    random_density_matrix,
    werner_state,
)

from .literal import ghz_literal

PHI = ket_to_density(max_entangled_ket())


@pytest.mark.parametrize("links", [2, 3, 4], ids=["3-party", "4-party", "5-party"])
def test_ideal_links_give_exactly_ghz(links):
    out = ghz_swap([PHI] * links)
    assert np.allclose(out, ket_to_density(ghz_ket(links + 1)), atol=1e-12)
    assert np.isclose(ghz_swap_fidelity([PHI] * links), 1.0)


@pytest.mark.parametrize("links", [2, 3], ids=["3-party", "4-party"])
def test_explicit_matches_literal_sequential_protocol(links, rng):
    states = [random_density_matrix(4, rng) for _ in range(links)]
    assert np.allclose(ghz_swap(states), ghz_literal(states), atol=1e-12)


@pytest.mark.parametrize("links", [2, 3, 4], ids=["3-party", "4-party", "5-party"])
def test_prop_iii2_matches_explicit_simulation_for_arbitrary_links(links, rng):
    # Acceptance: random non-Bell-diagonal inputs, closed form vs explicit simulation to 1e-10.
    for _ in range(3):
        states = [random_density_matrix(4, rng) for _ in range(links)]
        explicit = fidelity(ghz_ket(links + 1), ghz_swap(states))
        assert abs(ghz_swap_fidelity(states) - explicit) < 1e-10


def test_fidelity_depends_only_on_bell_coefficients(rng):
    # <00|rho|00> + <11|rho|11> = q[Phi+] + q[Phi-] and 2 Re<00|rho|11> = q[Phi+] - q[Phi-] hold for
    # any state, so a link and its Bell-diagonal twirl give the same GHZ fidelity.
    states = [random_density_matrix(4, rng) for _ in range(3)]
    twirled = [bell_diagonal_state(bell_coefficients(s)) for s in states]
    f = fidelity(ghz_ket(4), ghz_swap(states))
    assert abs(fidelity(ghz_ket(4), ghz_swap(twirled)) - f) < 1e-10
    assert abs(ghz_swap_fidelity_bell_diagonal([bell_coefficients(s) for s in states]) - f) < 1e-10


def test_werner_links():
    fs = [0.9, 0.8, 0.7]
    out = ghz_swap([isotropic_state(f) for f in fs])
    w = [(4 * f - 1) / 3 for f in fs]
    expected = 0.5 * np.prod([(1 + 2 * f) / 3 for f in fs]) + 0.5 * np.prod(w)
    assert np.isclose(fidelity(ghz_ket(4), out), expected, rtol=1e-12)


def test_bell_diagonal_form(rng):
    q = rng.dirichlet(np.ones(4), size=3)
    explicit = fidelity(ghz_ket(4), ghz_swap([bell_diagonal_state(v) for v in q]))
    assert abs(ghz_swap_fidelity_bell_diagonal(q) - explicit) < 1e-10


def test_errors():
    with pytest.raises(ValueError, match="at least 2"):
        ghz_swap([PHI])
    with pytest.raises(ValueError, match=r"states\[1\] must be 4 x 4"):
        ghz_swap_fidelity([PHI, np.eye(9) / 9])
    with pytest.raises(ValueError, match=r"states\[0\] must be Hermitian"):
        ghz_swap([np.triu(np.ones((4, 4))) / 4, PHI])
    with pytest.raises(ValueError, match="limited to"):
        ghz_swap([PHI] * 6)
    with pytest.raises(ValueError, match="at least 2"):
        ghz_swap_fidelity_bell_diagonal([[1, 0, 0, 0]])


@given(st.integers(0, 2**32 - 1), st.integers(2, 3))
def test_property_output_is_a_state_and_fidelity_in_unit_interval(seed, links):
    rng = np.random.default_rng(seed)
    states = [random_density_matrix(4, rng, rank=int(rng.integers(1, 5))) for _ in range(links)]
    out = ghz_swap(states)
    check_density_matrix(out)
    f = ghz_swap_fidelity(states)
    assert -1e-12 <= f <= 1 + 1e-12
    assert abs(f - fidelity(ghz_ket(links + 1), out)) < 1e-10


@given(st.lists(st.floats(0, 1), min_size=2, max_size=30))
def test_property_werner_chain_fidelity_in_unit_interval(fs):
    f = ghz_swap_fidelity([werner_state((4 * fi - 1) / 3) for fi in fs[:5]])
    assert 0 <= f <= 1 + 1e-12
