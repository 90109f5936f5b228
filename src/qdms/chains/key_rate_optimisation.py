"""Secret-key rate of nested swapping chains and the cut-offs that maximise it.

The figure of merit of Li, Coopmans and Elkouss (IEEE TQE 2, 2021; ``secret_key_rate`` in
their code, ``utility_functions.py``):
the asymptotic BB84 key fraction of the average delivered Werner state divided by
the mean waiting time, ``R = r(E[W]) / E[T]``. A Werner state ``w Phi+ + (1-w) I/4``
has quantum bit error rate ``(1 - w) / 2`` in both the X and the Z basis (API.md
convention: errors against the ideal correlations of Phi+), so
``r(w) = max(0, 1 - 2 h((1 - w) / 2))`` (Shor & Preskill, PRL 85, 441 (2000)).

Units: bits per time step with ``h`` the binary entropy in bits (log base 2), as
everywhere in qdms (API.md: key fractions in bits, no sifting factor, never
negative). The authors' code uses the natural logarithm in ``h`` (and so reports
``1 - 2 h_e`` per pair, which is neither bits nor nats of key); ``log_base=math.e``
reproduces their numbers for comparison.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validation import check_int, check_positive, check_probability
from ..quantum import binary_entropy
from .nested import _FEED_MISSING_MASS, _Chain, _steps_needed, cutoff_tuple, renewal_means

__all__ = [
    "CutoffOptimum",
    "optimise_cutoff",
    "secret_key_rate",
    "werner_key_fraction",
]


def werner_key_fraction(werner: float, *, log_base: float = 2.0) -> float:
    """Asymptotic BB84 key fraction of a Werner state, ``max(0, 1 - 2 h((1 - w)/2))``.

    Parameters
    ----------
    werner : Werner parameter ``w`` in [0, 1].
    log_base : base of the logarithm in the binary entropy ``h``; 2 (default) gives
        secret bits per pair, ``math.e`` the authors' convention.

    Examples
    --------
    >>> werner_key_fraction(1.0), werner_key_fraction(0.5)
    (1.0, 0.0)
    >>> round(werner_key_fraction(0.98), 6), round(werner_key_fraction(0.98, log_base=math.e), 6)
    (0.838414, 0.887997)

    References
    ----------
    P. W. Shor, J. Preskill, PRL 85, 441 (2000); Li, Coopmans & Elkouss, IEEE TQE 2
    (2021) (the paper's text was not at hand: its equation numbers are not quoted).
    """
    w = check_probability("werner", werner)
    log_base = check_positive("log_base", log_base)
    if log_base == 1.0:
        raise ValueError("log_base must be > 0 and != 1, got 1.0")
    h = float(binary_entropy((1.0 - w) / 2.0)) * math.log(2.0) / math.log(log_base)
    return max(0.0, 1.0 - 2.0 * h)


def secret_key_rate(
    mean_waiting_time: float, mean_werner: float, *, log_base: float = 2.0
) -> float:
    """BB84 secret-key rate ``r(E[W]) / E[T]`` in bits per time step (``log_base=2``).

    Parameters
    ----------
    mean_waiting_time : ``E[T]`` in time steps, >= 1 up to rounding (``math.inf`` gives 0).
    mean_werner : mean Werner parameter of the delivered pairs, in [0, 1].
    log_base : see :func:`werner_key_fraction`; ``math.e`` reproduces Li et al.'s code.

    Examples
    --------
    One segment, ``p_gen = 0.01``, ``w0 = 0.98`` (Li et al.'s code reports 0.0088800):

    >>> round(secret_key_rate(100.0, 0.98), 7), round(secret_key_rate(100.0, 0.98, log_base=math.e), 7)
    (0.0083841, 0.00888)
    """
    t = check_positive("mean_waiting_time", mean_waiting_time, allow_inf=True)
    if t < 1.0 - 1e-9:  # waiting times are >= 1 step; allow rounding
        raise ValueError(f"mean_waiting_time must be >= 1 time step, got {mean_waiting_time!r}")
    r = werner_key_fraction(mean_werner, log_base=log_base)
    return 0.0 if math.isinf(t) else r / t


@dataclass(frozen=True)
class CutoffOptimum:
    """The best cut-offs found and the chain they give.

    Attributes
    ----------
    cutoffs : one cut-off per level in time steps (lowest level first; ``None``: none).
    secret_key_rate : ``r(E[W]) / E[T]`` at the optimum (bits per time step unless
        another ``log_base`` was asked for).
    mean_waiting_time : ``E[T]`` in time steps at the optimum.
    mean_werner : ``E[W]`` at the optimum.
    evaluations : number of distinct cut-off vectors evaluated.
    """

    cutoffs: tuple[int | None, ...]
    secret_key_rate: float
    mean_waiting_time: float
    mean_werner: float
    evaluations: int


def optimise_cutoff(
    levels: int,
    p_gen: float,
    p_swap: float,
    coherence_steps: float,
    werner0: float,
    *,
    per_level: bool = False,
    max_cutoff: int | None = None,
    log_base: float = 2.0,
    max_steps: int | None = None,
) -> CutoffOptimum:
    """Memory cut-offs maximising the secret-key rate of a nested swapping chain.

    The rate of each candidate uses the exact means of :func:`nested_chain` (renewal
    identity, all deliveries). One cut-off shared by all levels is found by a search
    over a grid of ratio about sqrt(2) from 0 to ``max_cutoff`` (plus "no cut-off"),
    refined by an integer golden-section search between the neighbours of the best
    grid point. With ``per_level=True`` the shared optimum (if its rate is positive) is
    then improved one level at a time (top level first, the same search per level)
    until a full round brings no gain.

    Parameters
    ----------
    levels : number of swap levels, >= 0 (0: nothing to optimise).
    p_gen, p_swap, coherence_steps, werner0 : as in :func:`nested_chain`.
    per_level : optimise one cut-off per level instead of one shared cut-off.
    max_cutoff : largest cut-off tried, in time steps; default: the number of steps
        after which the level below the top is complete (to 1e-10) without cut-offs.
    log_base : logarithm base of the key fraction (see :func:`secret_key_rate`).
    max_steps : largest truncation used, >= 1; cut-offs whose chain needs more are scored
        0. Default: 64 times the steps the chain without cut-offs needs, at most 2^22.

    Returns
    -------
    CutoffOptimum

    Notes
    -----
    The rate need not be unimodal in the cut-off; the grid makes the search robust to
    shallow secondary maxima but does not prove global optimality. Ties go to the
    shorter mean waiting time. Cut-offs whose chain needs more than ``max_steps`` steps
    are scored 0. If no candidate gives a positive key rate, the result is the chain
    without cut-offs, with rate 0.

    Examples
    --------
    >>> best = optimise_cutoff(1, 0.1, 0.5, 40.0, 0.99)
    >>> best.cutoffs, round(best.secret_key_rate, 6), round(best.mean_werner, 4)
    ((5,), 0.01269, 0.9224)

    References
    ----------
    Li, Coopmans & Elkouss, IEEE TQE 2 (2021), arXiv:2005.06811 (cut-off optimisation
    for the secret-key rate; they optimise with a generic optimiser, not this search).
    """
    levels = check_int("levels", levels, low=0, high=64)
    p_gen = check_probability("p_gen", p_gen)
    p_swap = check_probability("p_swap", p_swap)
    coherence_steps = check_positive("coherence_steps", coherence_steps, allow_inf=True)
    werner0 = check_probability("werner0", werner0)
    if max_steps is not None:
        max_steps = check_int("max_steps", max_steps, low=1)
    if max_cutoff is not None:
        max_cutoff = check_int("max_cutoff", max_cutoff, low=0)
    decay = math.exp(-1.0 / coherence_steps)
    evaluate = _Evaluator(levels, p_gen, p_swap, decay, werner0, log_base, max_steps)
    if levels == 0 or evaluate.never_delivers:
        return evaluate.optimum(cutoff_tuple(None, levels))
    horizon = evaluate.horizon()
    if max_steps is None:
        evaluate.max_steps = min(2**22, 64 * horizon)
    if max_cutoff is None:
        max_cutoff = horizon
    grid = _grid(max_cutoff)

    def shared(c: int | None) -> tuple[float, float]:
        return evaluate((c,) * levels)

    best = _search(shared, grid)
    cutoffs = (best,) * levels
    if per_level and evaluate(cutoffs)[0] > 0.0:
        for _ in range(8):
            before = evaluate(cutoffs)
            for level in reversed(range(levels)):
                cutoffs = _improve_level(evaluate, cutoffs, level, grid)
            if evaluate(cutoffs) <= before:
                break
    return evaluate.optimum(cutoffs)


class _Evaluator:
    """Memoised ``cutoffs -> (rate, -E[T])``, reusing lower levels between calls.

    A candidate is scored 0 without finishing when its level below the top needs more
    than ``max_steps`` steps, or when Markov's inequality already caps its rate below the
    best found: ``E[T] >= E[T_below] >= steps Pr(T_below >= steps)`` and
    ``r(E[W]) <= r(werner0^(2^levels))``.
    """

    def __init__(self, levels, p_gen, p_swap, decay, werner0, log_base, max_steps) -> None:
        self.args = (levels, p_gen, p_swap, decay, werner0)
        self.log_base = log_base
        self.max_steps = 2**22 if max_steps is None else max_steps
        self.never_delivers = p_gen == 0.0 or (levels > 0 and p_swap == 0.0)
        self.cache: dict[tuple[int | None, ...], tuple[float, float, float]] = {}
        self.levels_cache: dict = {}
        self.best_rate = 0.0
        self.rate_cap = werner_key_fraction(werner0 ** (2.0**levels), log_base=log_base)
        self.steps = 64

    def _compute(self, cutoffs: tuple[int | None, ...]) -> tuple[float, float, float]:
        chain = _Chain(*self.args, cutoffs)
        if self.args[0] == 0 or self.never_delivers:
            mean_t, mean_w, _ = chain.means(None, 1, 1)
            return self._rate(mean_t, mean_w), mean_t, mean_w
        if len(self.levels_cache) > 32:
            self.levels_cache.clear()
        steps = self.steps
        while True:
            feed, _ = chain.run(steps, top=False, cache=self.levels_cache)
            need = _steps_needed(feed[0], _FEED_MISSING_MASS)
            if need <= steps:
                break
            missing = 1.0 - float(np.sum(feed[0]))
            if need > self.max_steps or self.rate_cap <= self.best_rate * steps * missing:
                return 0.0, math.inf, math.nan
            steps = need
        mean_t, mean_w = renewal_means(feed[0], feed[1], cutoffs[-1], *self.args[2:4])
        return self._rate(mean_t, mean_w), mean_t, mean_w

    def _rate(self, mean_t: float, mean_w: float) -> float:
        if not math.isfinite(mean_t):
            return 0.0
        return secret_key_rate(mean_t, min(max(mean_w, 0.0), 1.0), log_base=self.log_base)

    def __call__(self, cutoffs: tuple[int | None, ...]) -> tuple[float, float]:
        if cutoffs not in self.cache:
            self.cache[cutoffs] = self._compute(cutoffs)
            self.best_rate = max(self.best_rate, self.cache[cutoffs][0])
        rate, mean_t, _ = self.cache[cutoffs]
        return rate, -mean_t

    def horizon(self) -> int:
        """Steps after which the level below the top holds all but 1e-10 without cut-offs."""
        chain = _Chain(*self.args, (None,) * self.args[0])
        steps = chain._first_guess(0.5)
        while True:
            feed, _ = chain.run(steps, top=False)
            need = _steps_needed(feed[0], _FEED_MISSING_MASS)
            if need <= steps or steps >= self.max_steps:
                self.steps = steps
                return steps
            steps = min(self.max_steps, need)

    def optimum(self, cutoffs: tuple[int | None, ...]) -> CutoffOptimum:
        self(cutoffs)
        if self.cache[cutoffs][0] == 0.0:  # no key anywhere: report the chain without cut-offs
            cutoffs = (None,) * self.args[0]
            self(cutoffs)
        rate, mean_t, mean_w = self.cache[cutoffs]
        return CutoffOptimum(
            cutoffs=cutoffs,
            secret_key_rate=rate,
            mean_waiting_time=mean_t,
            mean_werner=mean_w,
            evaluations=len(self.cache),
        )


def _improve_level(evaluate, cutoffs: tuple, level: int, grid: list[int]) -> tuple:
    """``cutoffs`` with the entry of ``level`` replaced by its best value, the others fixed."""

    def one(c: int | None) -> tuple[float, float]:
        return evaluate((*cutoffs[:level], c, *cutoffs[level + 1 :]))

    return (*cutoffs[:level], _search(one, grid), *cutoffs[level + 1 :])


def _grid(max_cutoff: int) -> list[int]:
    """0, 1, 2, 3, 4, 6, 8, 11, 16, ... (ratio about sqrt 2) up to ``max_cutoff``."""
    grid = [0]
    while grid[-1] < max_cutoff:
        grid.append(min(max_cutoff, max(grid[-1] + 1, round(grid[-1] * math.sqrt(2.0)))))
    return grid


def _search(score: Callable[[int | None], tuple[float, float]], grid: list[int]) -> int | None:
    """Best cut-off: grid (and None), then golden section between the best point's neighbours.

    The grid is scored from the largest cut-off down: long cut-offs are cheap to evaluate
    and set the bar that lets short, slow ones be discarded early.
    """
    none = score(None)
    values = {c: score(c) for c in reversed(grid)}
    i = max(range(len(grid)), key=lambda j: values[grid[j]])
    if none > values[grid[i]]:
        return None
    lo = grid[max(i - 1, 0)]
    hi = grid[min(i + 1, len(grid) - 1)]
    return _golden_int(score, lo, hi)


def _golden_int(score: Callable[[int], tuple[float, float]], lo: int, hi: int) -> int:
    """Maximiser of a unimodal ``score`` on the integers ``lo .. hi`` (memoised by the caller)."""
    g = (3.0 - math.sqrt(5.0)) / 2.0
    while hi - lo > 2:
        m1 = lo + max(1, round(g * (hi - lo)))
        m2 = hi - max(1, round(g * (hi - lo)))
        if m2 <= m1:
            m2 = m1 + 1
        if score(m1) < score(m2):
            lo = m1 + 1
        else:
            hi = m2 - 1
    return max(range(lo, hi + 1), key=score)
