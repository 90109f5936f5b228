"""The simulated protocol (qdms.apps.metrology.protocol): sampler against density matrices.

* exactly: the outcome probabilities the sampler draws from equal the Born
  probabilities of the explicit density-matrix path, for any link state and attack;
* statistically: runs of the sampler and of the density-matrix path give the
  same distributions of counts and outcomes.
"""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chi2_contingency, chisquare

from qdms.apps.metrology import (
    ATTACKS,
    QSMProtocol,
    outcome_model,
    particle_outcome,
    particle_outcome_probabilities,
)
from qdms.quantum import amplitude_damping_kraus, apply_channel, random_density_matrix, werner_state


def links(rng):
    damped = apply_channel(werner_state(1.0), amplitude_damping_kraus(0.3), [1], [2, 2])
    return [None, werner_state(0.85), damped, random_density_matrix(4, rng)]


@pytest.mark.parametrize("attack", [None, *ATTACKS])
def test_sampler_probabilities_equal_born_probabilities(attack, rng):
    n, phi = 3, 0.41
    for link in links(rng):
        model = outcome_model(link, n, phi, attack)
        cases = [(model.honest, None)]
        if attack is not None:
            cases.append((model.attacked, attack))
        for case, att in cases:
            betas = (0.0, 1.3, 4.0) if att == "return_phase" else (0.0,)
            for beta in betas:

                def dm(role, link=link, att=att, beta=beta):
                    return particle_outcome_probabilities(link, n, phi, role, attack=att, beta=beta)

                if att != "return_phase":  # verification particles never return
                    np.testing.assert_allclose(
                        case.verification_z, dm("verification_z"), atol=1e-12
                    )
                    np.testing.assert_allclose(
                        case.verification_x, dm("verification_x"), atol=1e-12
                    )
                np.testing.assert_allclose(case.decoy(beta), dm("decoy"), atol=1e-12)
                np.testing.assert_allclose(case.encoded(beta), dm("encoded"), atol=1e-12)


def test_density_matrix_particle_sampling_follows_born_rule():
    g = np.random.default_rng(4)
    link = werner_state(0.7)
    for role, attack in [("encoded", "forward_intercept_resend_x"), ("verification_z", None)]:
        p = particle_outcome_probabilities(link, 2, 0.5, role, attack=attack)
        draws = [particle_outcome(link, 2, 0.5, role, attack=attack, rng=g) for _ in range(1500)]
        counts = np.bincount(draws, minlength=4)
        keep = p > 0
        assert np.all(counts[~keep] == 0)
        assert chisquare(counts[keep], 1500 * p[keep]).pvalue > 1e-3


def pooled(results):
    v = np.array(
        [[r.verification_errors, r.verification_count - r.verification_errors] for r in results]
    ).sum(0)
    d = np.array([r.decoy_count for r in results]).sum()
    e = np.array([r.bell_counts for r in results]).sum(0)
    roles = np.array([[r.verification_count, r.encoded_count, r.decoy_count] for r in results]).sum(
        0
    )
    return v, d, e, roles


@pytest.mark.parametrize("attack", ["forward_intercept_resend_x", "return_phase"])
def test_sampler_and_density_matrix_runs_agree(attack):
    proto = QSMProtocol(
        10,
        0.5,
        2,
        0.4,
        link_state=werner_state(0.9),
        abort_threshold=1.0,
        attack=attack,
        attacked=4,
    )
    g = np.random.default_rng(21)
    dm = [proto.run_density_matrix(g) for _ in range(250)]
    fast = [proto.run(g) for _ in range(2000)]
    v1, _, e1, r1 = pooled(dm)
    v2, _, e2, r2 = pooled(fast)
    assert chi2_contingency(np.array([r1, r2])).pvalue > 1e-3  # role counts
    assert chi2_contingency(np.array([v1, v2])).pvalue > 1e-3  # verification errors
    keep = (e1 + e2) > 0
    assert chi2_contingency(np.array([e1[keep], e2[keep]])).pvalue > 1e-3  # Bell outcomes
    est1 = np.array([r.estimate for r in dm if r.estimate is not None])
    est2 = np.array([r.estimate for r in fast if r.estimate is not None])
    assert abs(est1.mean() - est2.mean()) < 4 * math.hypot(
        est1.std() / math.sqrt(est1.size), est2.std() / math.sqrt(est2.size)
    )


def test_sampler_counts_match_exact_expectations():
    link = werner_state(0.8)
    proto = QSMProtocol(200, 0.6, 3, 0.3, link_state=link, abort_threshold=1.0)
    g = np.random.default_rng(9)
    results = [proto.run(g) for _ in range(400)]
    _, _, e, roles = pooled(results)
    assert chisquare(roles, roles.sum() * np.array([0.2, 0.6, 0.2])).pvalue > 1e-3
    p = outcome_model(link, 3, 0.3).honest.encoded()
    assert chisquare(e, e.sum() * p).pvalue > 1e-3


@given(
    pairs=st.integers(1, 3000),
    pe=st.floats(0.01, 1.0),
    n=st.integers(1, 20),
    phi=st.floats(-10, 10),
    seed=st.integers(0, 2**32),
)
def test_honest_noiseless_runs_never_abort(pairs, pe, n, phi, seed):
    r = QSMProtocol(pairs, pe, n, phi, seed=seed).run()
    assert not r.aborted
    assert r.verification_errors == 0 and r.decoy_errors == 0
    assert r.verification_count + r.encoded_count + r.decoy_count == pairs
    if r.encoded_count:
        assert 0 <= r.estimate <= math.pi / n
        assert r.bell_counts[1] == r.bell_counts[3] == 0


def test_honest_noiseless_density_matrix_runs_never_abort():
    for seed in range(5):
        assert not QSMProtocol(15, 0.4, 2, 0.7, seed=seed).run_density_matrix().aborted


def test_same_seed_same_numbers():
    kw = dict(
        attack="return_phase", attacked=50, link_state=werner_state(0.95), abort_threshold=0.2
    )
    a = QSMProtocol(5000, 0.5, 4, 0.3, seed=7, **kw)
    b = QSMProtocol(5000, 0.5, 4, 0.3, seed=7, **kw)
    assert a == b and hash(a) == hash(b)
    assert a.run() == b.run() == a.run()
    assert QSMProtocol(5000, 0.5, 4, 0.3, seed=8, **kw).run() != a.run()
    small = QSMProtocol(12, 0.5, 2, 0.3, seed=3, attack="forward_intercept_resend_z", attacked=3)
    assert small.run_density_matrix() == small.run_density_matrix()


def test_million_pairs_estimate():
    r = QSMProtocol(1_000_000, 0.5, 4, 0.3, seed=1).run()
    assert not r.aborted
    assert abs(r.estimate - 0.3) < 5 * math.sqrt(1 / (0.5e6 * 16))


def test_abort_reasons_and_fields():
    r = QSMProtocol(
        2000, 0.5, 1, 0.1, attack="forward_substitution_return_bobs", attacked=2000
    ).run()
    assert r.aborted and r.abort_reason == "verification"
    assert r.decoy_errors is None and r.bell_counts is None and r.estimate is None
    assert r.decoy_error_rate is None and r.verification_error_rate > 0.3
    r = QSMProtocol(2000, 0.5, 1, 0.1, attack="return_phase", attacked=2000, beta=math.pi).run()
    assert r.aborted and r.abort_reason == "decoy" and r.decoy_error_rate == 1.0
    assert r.verification_error_rate == 0.0
    assert r.attacked_count == r.encoded_count + r.decoy_count  # all returning ones
    # P_E = 1: nothing is checked, Eve is never caught (and the estimate is wrong).
    r = QSMProtocol(500, 1.0, 1, 0.5, attack="forward_intercept_resend_z", attacked=500).run()
    assert not r.aborted and r.verification_count == r.decoy_count == 0


def test_frozen():
    p = QSMProtocol(10, 0.5, 1, 0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.pairs = 11
    np.testing.assert_allclose(p.link_density, werner_state(1.0), atol=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"pairs": 0}, ValueError, "pairs must be an integer in \\[1, inf\\], got 0"),
        ({"p_encode": 0.0}, ValueError, "p_encode must lie in \\(0, 1\\], got 0.0"),
        ({"p_encode": -0.1}, ValueError, "p_encode must lie in \\(0, 1\\], got -0.1"),
        ({"p_encode": 1.01}, ValueError, "p_encode must lie in \\(0, 1\\], got 1.01"),
        ({"n_encodings": 0}, ValueError, "n_encodings must be an integer in \\[1, inf\\], got 0"),
        ({"phi": math.nan}, ValueError, "phi must be finite, got nan"),
        ({"phi": "0.1"}, TypeError, "phi must be a real number"),
        ({"abort_threshold": 1.5}, ValueError, "abort_threshold must be a probability"),
        ({"attack": "mitm"}, ValueError, "attack must be one of"),
        ({"attacked": 3}, ValueError, "attacked must be 0 when attack is None"),
        (
            {"attack": "return_phase", "attacked": 11},
            ValueError,
            "attacked must be an integer in \\[0, 10\\]",
        ),
        ({"attack": "forward_intercept_resend_z", "beta": 1.0}, ValueError, "beta applies only"),
        ({"link_state": np.eye(4)}, ValueError, "link_state must have unit trace"),
        ({"seed": -1}, ValueError, "seed must be an integer in \\[0, inf\\]"),
    ],
)
def test_bad_inputs(kwargs, exc, match):
    base = dict(pairs=10, p_encode=0.5, n_encodings=2, phi=0.1)
    base.update(kwargs)
    with pytest.raises(exc, match=match):
        QSMProtocol(**base)


def test_bad_rng():
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        QSMProtocol(10, 0.5, 2, 0.1).run(rng=3)
