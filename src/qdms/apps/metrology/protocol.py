"""The QSM protocol of Rahim et al. as a simulation: a frozen parameter bundle and its runs.

Steps (Rahim et al., Methods, Protocol; split of API.md):

1. Alice shares ``pairs`` pairs with Bob (|Phi+> or the ``link_state`` a
   network link delivers), keeping S_A and sending S_B.
2. Verification: Bob picks each particle with probability ``(1-P_E)/2`` and
   measures it in Z or X (1/2 each); Alice measures her half in the same
   basis; a mismatch is an error. Abort when the verification error rate
   exceeds ``abort_threshold`` (default 0: any error aborts, the paper's rule).
3. Encoding: of all particles, a fraction ``P_E`` gets ``U_E^N`` and
   ``(1-P_E)/2`` are decoys (identity); Bob returns them and announces the decoys.
4. Decoy check: Alice Bell-measures the decoy pairs; a non-Phi+ outcome is an
   error; abort above the threshold.
5. Estimation: Alice Bell-measures the encoded pairs and takes the
   maximum-likelihood ``phi_hat in [0, pi/N]`` (:mod:`.estimation`).

Eve (optional) attacks the first ``attacked`` particles of S_B (forward
attacks) or the first ``attacked`` returning particles (``return_phase``,
with ``beta`` fixed or, for ``beta=None``, drawn uniformly per particle).
Attacks are described in :mod:`.attacks`.

Two simulation paths give the same distribution of results:

* :meth:`QSMProtocol.run` draws the role counts (multinomial), the
  verification bases (binomial) and the outcome counts of every particle
  type (multinomial) from the exact probabilities of :mod:`.outcomes`;
  only particles whose distribution varies (random beta) are drawn one by
  one. ``pairs = 10^6`` takes well under a millisecond.
* :meth:`QSMProtocol.run_density_matrix` follows every particle as a density
  matrix with explicit operators and Born-rule measurements
  (:mod:`.density_matrix`); use it for small ``pairs``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from statistics import NormalDist
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..._validation import check_finite, check_int, check_probability
from ._checks import (
    Attack,
    check_attack,
    check_link_state,
    check_n_encodings,
    check_p_encode,
    check_pairs,
    check_phi,
    werner_parameter_of,
)
from .density_matrix import particle_outcome
from .estimation import maximum_likelihood_phase, maximum_likelihood_phase_of_state
from .outcomes import CaseProbabilities, OutcomeModel, outcome_model

__all__ = [
    "DetectionEstimate",
    "QSMProtocol",
    "QSMResult",
    "simulate_detection_probability",
]

AbortReason = Literal["verification", "decoy"]


@dataclass(frozen=True)
class QSMResult:
    """Outcome of one protocol run.

    Attributes
    ----------
    aborted : whether a check failed.
    abort_reason : ``"verification"``, ``"decoy"`` or None.
    estimate : ``phi_hat`` in ``[0, pi/N]`` (radians); None when aborted or no pair was encoded.
    verification_count, encoded_count, decoy_count : Bob's role counts.
    verification_errors : mismatches among the verification particles.
    decoy_errors : non-Phi+ decoy outcomes; None when the run stopped at verification.
    bell_counts : ``(Phi+, Psi+, Phi-, Psi-)`` counts of the encoded pairs; None when aborted.
    attacked_count : particles Eve attacked.
    """

    aborted: bool
    abort_reason: AbortReason | None
    estimate: float | None
    verification_count: int
    encoded_count: int
    decoy_count: int
    verification_errors: int
    decoy_errors: int | None
    bell_counts: tuple[int, int, int, int] | None
    attacked_count: int

    @property
    def verification_error_rate(self) -> float | None:
        """Mismatches per verification particle (None without verification particles)."""
        if self.verification_count == 0:
            return None
        return self.verification_errors / self.verification_count

    @property
    def decoy_error_rate(self) -> float | None:
        """Errors per decoy (None without decoys or when not checked)."""
        if self.decoy_errors is None or self.decoy_count == 0:
            return None
        return self.decoy_errors / self.decoy_count


def _freeze_state(state: ArrayLike | None) -> tuple[tuple[complex, ...], ...] | None:
    if state is None:
        return None
    rho = check_link_state(state)
    return tuple(tuple(complex(x) for x in row) for row in rho)


@dataclass(frozen=True)
class QSMProtocol:
    """Parameters of one QSM run (frozen); :meth:`run` simulates it.

    Parameters
    ----------
    pairs : l >= 1, Bell pairs Alice prepares.
    p_encode : P_E in (0, 1], probability that a particle is encoded.
    n_encodings : N >= 1, applications of ``U_E`` per encoded particle.
    phi : true phase in radians (finite); identifiable in ``[0, pi/N]``.
    link_state : 4 x 4 two-qubit state the link delivers (Alice's qubit first);
        None is |Phi+>. Stored as a tuple; :attr:`link_density` gives the array.
    abort_threshold : abort when an observed error rate exceeds it, in [0, 1].
    attack : None or one of :data:`.attacks.ATTACKS`.
    attacked : particles Eve attacks, 0 <= attacked <= pairs (0 without an attack).
    beta : return-path phase of ``return_phase``; None draws it uniformly per particle.
    seed : seed of the generator :meth:`run` uses when none is passed.

    Examples
    --------
    >>> r = QSMProtocol(pairs=10_000, p_encode=0.5, n_encodings=4, phi=0.3, seed=1).run()
    >>> r.aborted, abs(r.estimate - 0.3) < 0.01
    (False, True)
    >>> QSMProtocol(pairs=100, p_encode=0.0, n_encodings=1, phi=0.1)
    Traceback (most recent call last):
    ...
    ValueError: p_encode must lie in (0, 1], got 0.0
    """

    pairs: int
    p_encode: float
    n_encodings: int
    phi: float
    link_state: ArrayLike | None = None
    abort_threshold: float = 0.0
    attack: Attack | None = None
    attacked: int = 0
    beta: float | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "pairs", check_pairs(self.pairs))
        set_(self, "p_encode", check_p_encode(self.p_encode))
        set_(self, "n_encodings", check_n_encodings(self.n_encodings))
        set_(self, "phi", check_phi(self.phi))
        set_(self, "link_state", _freeze_state(self.link_state))
        set_(self, "abort_threshold", check_probability("abort_threshold", self.abort_threshold))
        if self.attack is not None:
            set_(self, "attack", check_attack(self.attack))
        set_(self, "attacked", check_int("attacked", self.attacked, low=0, high=self.pairs))
        if self.attack is None and self.attacked:
            raise ValueError(f"attacked must be 0 when attack is None, got {self.attacked}")
        if self.beta is not None:
            if self.attack != "return_phase":
                raise ValueError(
                    f"beta applies only to attack='return_phase', not attack={self.attack!r}"
                )
            set_(self, "beta", check_finite("beta", self.beta))
        set_(self, "seed", check_int("seed", self.seed, low=0))

    @property
    def link_density(self) -> NDArray[np.complex128]:
        """The link state as a 4 x 4 array (|Phi+> when ``link_state`` is None)."""
        return check_link_state(None if self.link_state is None else np.array(self.link_state))

    @cached_property
    def outcomes(self) -> OutcomeModel:
        """Exact outcome distributions the sampler draws from (:func:`.outcomes.outcome_model`)."""
        return outcome_model(self.link_density, self.n_encodings, self.phi, self.attack)

    def _rng(self, rng: np.random.Generator | None) -> np.random.Generator:
        if rng is None:
            return np.random.default_rng(self.seed)
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        return rng

    @property
    def _role_probabilities(self) -> NDArray[np.float64]:
        q = (1.0 - self.p_encode) / 2.0
        return np.array([q, self.p_encode, q])  # verification, encoded, decoy

    # ------------------------------------------------------------------ sampler
    def run(self, rng: np.random.Generator | None = None) -> QSMResult:
        """Simulate one run by sampling counts from exact outcome probabilities (module notes).

        ``rng`` defaults to ``numpy.random.default_rng(seed)``: the same seed
        gives the same result.
        """
        g = self._rng(rng)
        model = self.outcomes
        roles = self._role_probabilities
        forward = self.attack is not None and self.attack != "return_phase"
        a_fwd = self.attacked if forward else 0
        hon = g.multinomial(self.pairs - a_fwd, roles)
        att = g.multinomial(a_fwd, roles) if forward else np.zeros(3, dtype=np.int64)

        v_err = _sample_verification(g, int(hon[0]), model.honest)
        if forward:
            v_err += _sample_verification(g, int(att[0]), model.attacked)

        n_e, n_d = int(hon[1]), int(hon[2])
        d_att = e_att = 0
        attacked_count = a_fwd
        if self.attack == "return_phase":
            # Eve attacks `attacked` of the returning (encoded or decoy) particles;
            # which of them are decoys is hypergeometric.
            attacked_count = min(self.attacked, n_e + n_d)
            d_att = int(g.hypergeometric(n_d, n_e, attacked_count)) if attacked_count else 0
            e_att = attacked_count - d_att
        decoy = g.multinomial(n_d - d_att, model.honest.decoy())
        encoded = g.multinomial(n_e - e_att, model.honest.encoded())
        if forward:
            decoy = decoy + g.multinomial(int(att[2]), model.attacked.decoy())
            encoded = encoded + g.multinomial(int(att[1]), model.attacked.encoded())
        elif self.attack == "return_phase":
            decoy = decoy + _sample_varying(g, model.honest.decoy, self._betas(g, d_att))
            encoded = encoded + _sample_varying(g, model.honest.encoded, self._betas(g, e_att))
        total = hon + att
        return self._finish(
            int(total[0]), int(total[1]), int(total[2]), v_err, decoy, encoded, attacked_count
        )

    def _betas(self, g: np.random.Generator, size: int) -> NDArray[np.float64]:
        if self.beta is None:
            return g.uniform(0.0, 2 * np.pi, size)
        return np.full(size, self.beta)

    # ----------------------------------------------------------- density matrix
    def run_density_matrix(self, rng: np.random.Generator | None = None) -> QSMResult:
        """Simulate one run particle by particle with explicit density matrices (slow; small l)."""
        g = self._rng(rng)
        roles = np.cumsum(self._role_probabilities)
        link = self.link_density
        n_v = n_e = n_d = v_err = 0
        decoy = np.zeros(4, dtype=np.int64)
        encoded = np.zeros(4, dtype=np.int64)
        returning_attacked = 0
        for i in range(self.pairs):
            u = g.random()
            role = "verification" if u < roles[0] else ("encoded" if u < roles[1] else "decoy")
            attack, beta = None, 0.0
            if self.attack is not None and self.attack != "return_phase" and i < self.attacked:
                attack = self.attack
            if self.attack == "return_phase" and role != "verification":
                if returning_attacked < self.attacked:
                    attack, returning_attacked = self.attack, returning_attacked + 1
                    beta = float(g.uniform(0.0, 2 * np.pi)) if self.beta is None else self.beta
            if role == "verification":
                basis = "verification_z" if g.random() < 0.5 else "verification_x"
                k = particle_outcome(
                    link, self.n_encodings, self.phi, basis, attack=attack, beta=beta, rng=g
                )
                n_v += 1
                v_err += int(k in (1, 2))
                continue
            k = particle_outcome(
                link, self.n_encodings, self.phi, role, attack=attack, beta=beta, rng=g
            )
            if role == "encoded":
                n_e += 1
                encoded[k] += 1
            else:
                n_d += 1
                decoy[k] += 1
        attacked_count = returning_attacked if self.attack == "return_phase" else self.attacked
        return self._finish(n_v, n_e, n_d, v_err, decoy, encoded, attacked_count)

    # ------------------------------------------------------------------ results
    @cached_property
    def _werner(self) -> float | None:
        return 1.0 if self.link_state is None else werner_parameter_of(self.link_density)

    def _estimate(self, counts: NDArray[np.int64]) -> float:
        """Alice's MLE under her (honest) link model: closed form for Werner links."""
        if self._werner is not None:
            return maximum_likelihood_phase(counts, self.n_encodings, werner_parameter=self._werner)
        return maximum_likelihood_phase_of_state(counts, self.n_encodings, self.link_density)

    def _finish(self, n_v, n_e, n_d, v_err, decoy, encoded, attacked_count) -> QSMResult:
        t = self.abort_threshold
        common = dict(
            verification_count=n_v,
            encoded_count=n_e,
            decoy_count=n_d,
            verification_errors=int(v_err),
            attacked_count=int(attacked_count),
        )
        if v_err > t * n_v:
            return QSMResult(
                True, "verification", None, decoy_errors=None, bell_counts=None, **common
            )
        d_err = int(n_d - decoy[0])
        if d_err > t * n_d:
            return QSMResult(True, "decoy", None, decoy_errors=d_err, bell_counts=None, **common)
        counts = tuple(int(x) for x in encoded)
        estimate = self._estimate(np.asarray(counts)) if n_e > 0 else None
        return QSMResult(False, None, estimate, decoy_errors=d_err, bell_counts=counts, **common)


def _sample_verification(g: np.random.Generator, n: int, case: CaseProbabilities) -> int:
    if n == 0:
        return 0
    n_z = int(g.binomial(n, 0.5))
    cz = g.multinomial(n_z, case.verification_z)
    cx = g.multinomial(n - n_z, case.verification_x)
    return int(cz[1] + cz[2] + cx[1] + cx[2])


def _sample_varying(g: np.random.Generator, probabilities, betas) -> NDArray[np.int64]:
    """One categorical draw per particle, each with its own probabilities ``probabilities(beta)``."""
    if betas.size == 0:
        return np.zeros(4, dtype=np.int64)
    cum = np.cumsum(probabilities(betas), axis=-1)
    u = g.random(betas.size)
    idx = np.minimum((u[:, None] >= cum[:, :3]).sum(axis=1), 3)
    return np.bincount(idx, minlength=4).astype(np.int64)


@dataclass(frozen=True)
class DetectionEstimate:
    """Monte Carlo estimate of an abort probability with a Wilson score interval."""

    probability: float
    low: float
    high: float
    aborted: int
    runs: int
    confidence: float


def simulate_detection_probability(
    protocol: QSMProtocol,
    runs: int,
    *,
    method: Literal["sampler", "density_matrix"] = "sampler",
    confidence: float = 0.99,
) -> DetectionEstimate:
    """Fraction of aborted runs among ``runs`` independent runs, with a confidence interval.

    Run ``i`` uses the generator of ``SeedSequence(protocol.seed).spawn(runs)[i]``,
    so results do not depend on how the runs are split.

    Parameters
    ----------
    protocol : the :class:`QSMProtocol` to repeat.
    runs : number of runs >= 1.
    method : ``"sampler"`` (:meth:`QSMProtocol.run`) or ``"density_matrix"``.
    confidence : level of the Wilson interval, in (0, 1).

    Returns
    -------
    :class:`DetectionEstimate`.

    Examples
    --------
    >>> p = QSMProtocol(200, 0.5, 1, 0.0, attack="forward_substitution_reinject", attacked=4)
    >>> est = simulate_detection_probability(p, 2000)
    >>> est.low < 0.4138 < est.high   # 1 - (1 - 1/8)^4
    True
    """
    if not isinstance(protocol, QSMProtocol):
        raise TypeError(f"protocol must be a QSMProtocol, got {type(protocol).__name__}")
    n = check_int("runs", runs, low=1)
    conf = check_finite("confidence", confidence)
    if not 0 < conf < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}")
    if method not in ("sampler", "density_matrix"):
        raise ValueError(f"method must be 'sampler' or 'density_matrix', got {method!r}")
    children = np.random.SeedSequence(protocol.seed).spawn(n)
    step = protocol.run if method == "sampler" else protocol.run_density_matrix
    aborted = sum(step(np.random.default_rng(c)).aborted for c in children)
    z = NormalDist().inv_cdf(0.5 + conf / 2)
    p = aborted / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return DetectionEstimate(p, max(0.0, centre - half), min(1.0, centre + half), aborted, n, conf)
