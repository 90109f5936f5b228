import numpy as np
import pytest
import scipy.sparse as sp

from qdms.mdp import MDP, absorbing_states, as_mdp, column_tolerance

from .helpers import random_mdp


def test_stores_sparse_columns(rng):
    stack = random_mdp(rng, 5, 3, support=2)
    mdp = MDP(list(stack), state_labels="abcde" and list("abcde"), action_labels=[0, 1, 2])
    assert mdp.n_states == 5 and mdp.n_actions == 3
    for a in range(3):
        assert isinstance(mdp.transitions[a], sp.csc_array)
        assert np.array_equal(mdp.transitions[a].toarray(), stack[a])
        assert mdp.transitions[a].nnz == 10  # explicit zeros dropped
    assert mdp.state_labels == tuple("abcde")


def test_accepts_3d_array_and_sparse_inputs(rng):
    stack = random_mdp(rng, 4, 2)
    a = MDP(stack)
    b = MDP([sp.csr_matrix(stack[0]), sp.coo_array(stack[1])])
    for x, y in zip(a.transitions, b.transitions, strict=True):
        assert np.array_equal(x.toarray(), y.toarray())


def test_expected_next_is_the_transposed_product(rng):
    stack = random_mdp(rng, 6, 3, support=3)
    w = rng.normal(size=6)
    q = MDP(stack).expected_next(w)
    for a in range(3):
        for s in range(6):
            assert q[s, a] == pytest.approx(sum(stack[a, s2, s] * w[s2] for s2 in range(6)))


@pytest.mark.parametrize(
    ("transitions", "match"),
    [
        ([], "at least one"),
        ([np.ones((2, 3)) / 2], "square"),
        ([np.eye(2), np.eye(3)], "same states"),
        ([np.array([[1.5, 0.0], [-0.5, 1.0]])], "non-negative"),
        ([np.array([[0.5, 0.0], [0.4, 1.0]])], r"column 0 sums to 0\.9"),
        ([np.array([[0.5, 0.5], [0.0, 1.0]])], "pass the transpose"),
        ([np.array([[np.nan, 0.0], [1.0, 1.0]])], "finite"),
        ([np.ones(3)], "2-dimensional"),
        (np.ones((2, 2)), "n_actions, n, n"),
    ],
)
def test_rejects_bad_matrices(transitions, match):
    with pytest.raises(ValueError, match=match):
        MDP(transitions)


def test_rejects_complex_and_bad_labels():
    with pytest.raises(TypeError, match="real"):
        MDP([np.eye(2) * (1 + 0j)])
    with pytest.raises(ValueError, match="state_labels must have 2"):
        MDP([np.eye(2)], state_labels=["x"])
    with pytest.raises(TypeError, match="sequence of matrices"):
        MDP(sp.eye_array(2))


def test_column_tolerance_is_1e12_n():
    n = 4
    t = np.eye(n)
    t[0, 0] = 1 + 0.9 * column_tolerance(n)
    MDP([t])  # accepted
    t[0, 0] = 1 + 2 * column_tolerance(n)
    with pytest.raises(ValueError, match="column 0"):
        MDP([t])


def test_as_mdp_forms():
    chain = [[0.0, 1.0], [1.0, 0.0]]
    assert as_mdp(chain).n_actions == 1
    assert as_mdp(np.array([np.eye(2), chain])).n_actions == 2
    assert as_mdp([np.eye(2), np.array(chain)]).n_actions == 2
    mdp = MDP([np.eye(2)])
    assert as_mdp(mdp) is mdp
    with pytest.raises(ValueError, match="shape"):
        as_mdp(np.ones(3))


def test_absorbing_states_need_every_action():
    a0 = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    a1 = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    assert absorbing_states([a0, a1]).tolist() == [0]
    assert absorbing_states([a0]).tolist() == [0, 1, 2]
