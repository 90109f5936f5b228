"""Monte Carlo of nested entanglement-swapping chains with memory cut-offs.

Cross-checks :func:`qdms.chains.nested_chain` (the model of Li, Coopmans & Elkouss,
IEEE TQE 2, 2021) with two simulators written from the protocol's description, not
from the analytic recursion:

* :func:`sample_nested_chain` is event-level: a link of level k is produced by
  repeated attempts, each drawing the delivery events (time, Werner parameter) of two
  fresh level-(k-1) links, checking the cut-off, and flipping the swap coin. Vectorised
  over trials; fast enough for 8 segments at ``p_gen = 0.01``.
* :func:`simulate_nested_chain_stepwise` steps a clock through the whole chain: every
  step each idle segment tries to herald a link, swaps happen at the end of the step
  in which both partners are present (bottom level first, so one step can complete
  several levels), and a link that has waited ``cutoff`` steps without its partner is
  discarded together with everything its partner's half of the chain holds. Slower;
  it checks the time conventions (first step t = 1, how cut-offs are counted, when
  restarts begin) for small chains.

Randomness comes only from the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .._validation import check_int, check_positive, check_probability
from ..chains.nested import cutoff_tuple

__all__ = [
    "NestedChainSamples",
    "sample_nested_chain",
    "simulate_nested_chain_stepwise",
]


@dataclass(frozen=True)
class NestedChainSamples:
    """Independent samples of the end-to-end delivery of a nested chain.

    Attributes
    ----------
    waiting_times : delivery step of each trial (>= 1), int64.
    werner : Werner parameter of the pair each trial delivered.
    """

    waiting_times: NDArray[np.int64]
    werner: NDArray[np.float64]

    @property
    def trials(self) -> int:
        """Number of samples."""
        return len(self.waiting_times)

    @property
    def mean_waiting_time(self) -> float:
        """Sample mean of the waiting time, in time steps."""
        return float(np.mean(self.waiting_times))

    @property
    def waiting_time_standard_error(self) -> float:
        """Standard error of :attr:`mean_waiting_time` (sample standard deviation / sqrt(n))."""
        return float(np.std(self.waiting_times, ddof=1) / math.sqrt(self.trials))

    @property
    def mean_werner(self) -> float:
        """Sample mean of the delivered Werner parameter."""
        return float(np.mean(self.werner))

    @property
    def werner_standard_error(self) -> float:
        """Standard error of :attr:`mean_werner`."""
        return float(np.std(self.werner, ddof=1) / math.sqrt(self.trials))

    def pmf(self, steps: int) -> NDArray[np.float64]:
        """Empirical ``Pr(T = t)`` for ``t = 0 .. steps - 1``."""
        steps = check_int("steps", steps, low=1)
        kept = self.waiting_times[self.waiting_times < steps]
        return np.bincount(kept, minlength=steps)[:steps] / self.trials

    def werner_sum(self, steps: int) -> NDArray[np.float64]:
        """Empirical ``Pr(T = t) E[W | T = t]`` for ``t = 0 .. steps - 1``."""
        steps = check_int("steps", steps, low=1)
        keep = self.waiting_times < steps
        sums = np.bincount(self.waiting_times[keep], weights=self.werner[keep], minlength=steps)
        return sums[:steps] / self.trials


def _parameters(levels, p_gen, p_swap, coherence_steps, werner0, cutoff, trials, rng):
    levels = check_int("levels", levels, low=0, high=20)
    p_gen = check_probability("p_gen", p_gen)
    p_swap = check_probability("p_swap", p_swap)
    if p_gen == 0.0:
        raise ValueError("p_gen must be > 0 for a simulation (no link is ever heralded), got 0")
    if levels and p_swap == 0.0:
        raise ValueError("p_swap must be > 0 for a simulation (no swap ever succeeds), got 0")
    coherence_steps = check_positive("coherence_steps", coherence_steps, allow_inf=True)
    werner0 = check_probability("werner0", werner0)
    cutoffs = cutoff_tuple(cutoff, levels)
    trials = check_int("trials", trials, low=2)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {rng!r}")
    return levels, p_gen, p_swap, coherence_steps, werner0, cutoffs, trials


def sample_nested_chain(
    levels: int,
    p_gen: float,
    p_swap: float,
    coherence_steps: float,
    werner0: float,
    cutoff: int | Sequence[int | None] | None,
    *,
    trials: int,
    rng: np.random.Generator,
) -> NestedChainSamples:
    """Event-level Monte Carlo of the nested swapping chain of :func:`qdms.chains.nested_chain`.

    Each level-k link results from attempts: two fresh level-(k-1) links are produced
    (recursively) starting together; with delivery steps ``t1 <= t2`` the attempt
    passes the cut-off if ``t2 - t1 <= cutoff`` and then ends at ``t2`` with a swap that
    succeeds with ``p_swap`` (Werner parameter ``w1 w2 exp(-(t2 - t1)/coherence_steps)``);
    otherwise it ends at ``t1 + cutoff``. A failed attempt (cut-off or swap) is followed
    by a new one from the next step.

    Parameters
    ----------
    levels, p_gen, p_swap, coherence_steps, werner0, cutoff : as in
        :func:`qdms.chains.nested_chain`; ``p_gen`` (and ``p_swap`` if ``levels > 0``)
        must be > 0.
    trials : number of independent end-to-end deliveries sampled, >= 2.
    rng : the random generator.

    Returns
    -------
    NestedChainSamples

    Examples
    --------
    >>> s = sample_nested_chain(1, 0.5, 1.0, math.inf, 1.0, None, trials=1000,
    ...                         rng=np.random.default_rng(1))
    >>> abs(s.mean_waiting_time - 8 / 3) < 4 * s.waiting_time_standard_error
    True
    """
    levels, p_gen, p_swap, coherence_steps, werner0, cutoffs, trials = _parameters(
        levels, p_gen, p_swap, coherence_steps, werner0, cutoff, trials, rng
    )

    rates = [1.0] * (levels + 1)  # running estimate of Pr(an attempt delivers), per level

    def produce(level: int, n: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """``n`` independent level-``level`` links: (delivery step, Werner parameter)."""
        if level == 0:
            return rng.geometric(p_gen, n).astype(np.int64), np.full(n, werner0)
        limit = cutoffs[level - 1]
        times, werner = [], []
        carry = 0  # steps spent by failed attempts since the last delivery
        while n > 0:
            # A batch of i.i.d. attempts, cut into runs that end with a delivery.
            m = int(min(2**22, math.ceil(1.2 * n / rates[level]) + 16))
            t1, w1 = produce(level - 1, m)
            t2, w2 = produce(level - 1, m)
            early = np.minimum(t1, t2)
            gap = np.abs(t1 - t2)
            passed = np.ones(m, dtype=bool) if limit is None else gap <= limit
            delivered = passed & (rng.random(m) < p_swap)
            duration = np.where(passed, early + gap, early + (limit or 0))
            rates[level] = max(float(np.mean(delivered)), 1e-6)
            ends = np.flatnonzero(delivered)[:n]
            elapsed = np.cumsum(duration)
            if ends.size:
                run = np.diff(elapsed[ends], prepend=0)
                run[0] += carry
                times.append(run)
                werner.append((w1 * w2 * np.exp(-gap / coherence_steps))[ends])
                carry = int(elapsed[-1] - elapsed[ends[-1]])
            else:
                carry += int(elapsed[-1])
            n -= ends.size
        return np.concatenate(times), np.concatenate(werner)

    times, werner = produce(levels, trials)
    return NestedChainSamples(times, werner)


def simulate_nested_chain_stepwise(
    levels: int,
    p_gen: float,
    p_swap: float,
    coherence_steps: float,
    werner0: float,
    cutoff: int | Sequence[int | None] | None,
    *,
    trials: int,
    rng: np.random.Generator,
    max_steps: int = 100_000,
) -> NestedChainSamples:
    """Time-stepped Monte Carlo of the whole chain, one clock step at a time.

    In each step ``t = 1, 2, ...``: (1) every segment whose link is not held (and none
    of whose enclosing spans holds a link) heralds one with probability ``p_gen``;
    (2) level by level from the bottom, two sibling links that are both held are
    swapped (success ``p_swap``; the joined link is held from step ``t`` with Werner
    parameter ``w1 w2 exp(-(2t - t1 - t2)/coherence_steps)``, ``t1, t2`` the steps at
    which they were made); both are consumed either way; (3) a held link whose sibling
    is not held and that was made ``cutoff`` (of its parent's level) steps ago is
    discarded, and so is everything held inside its sibling's span. A trial ends when
    the full span holds a link.

    Parameters
    ----------
    levels, p_gen, p_swap, coherence_steps, werner0, cutoff, trials, rng : as in
        :func:`sample_nested_chain`.
    max_steps : the clock stops here, >= 1; a trial not finished by then raises.

    Returns
    -------
    NestedChainSamples

    Raises
    ------
    RuntimeError
        If some trial has not delivered within ``max_steps`` steps.

    Examples
    --------
    >>> s = simulate_nested_chain_stepwise(1, 0.5, 1.0, math.inf, 1.0, None, trials=1000,
    ...                                    rng=np.random.default_rng(1))
    >>> abs(s.mean_waiting_time - 8 / 3) < 4 * s.waiting_time_standard_error
    True
    """
    levels, p_gen, p_swap, coherence_steps, werner0, cutoffs, trials = _parameters(
        levels, p_gen, p_swap, coherence_steps, werner0, cutoff, trials, rng
    )
    max_steps = check_int("max_steps", max_steps, low=1)
    # Node (k, i) spans segments i 2^k .. (i+1) 2^k - 1; state per active trial.
    widths = [2 ** (levels - k) for k in range(levels + 1)]
    held = [np.zeros((trials, n), dtype=bool) for n in widths]
    made = [np.zeros((trials, n), dtype=np.int64) for n in widths]
    wer = [np.zeros((trials, n)) for n in widths]
    active = np.arange(trials)
    times = np.zeros(trials, dtype=np.int64)
    werner = np.zeros(trials)
    for t in range(1, max_steps + 1):
        m = active.size
        # (1) heralding, where no enclosing span holds a link
        blocked = np.zeros((m, 1), dtype=bool)
        for k in range(levels, 0, -1):
            blocked = np.repeat(blocked | held[k], 2, axis=1)
        herald = ~held[0] & ~blocked & (rng.random((m, widths[0])) < p_gen)
        held[0] |= herald
        made[0][herald] = t
        wer[0][herald] = werner0
        # (2) swaps, bottom level first
        for k in range(1, levels + 1):
            both = held[k - 1][:, 0::2] & held[k - 1][:, 1::2]
            if not both.any():
                continue
            age_l = t - made[k - 1][:, 0::2]
            age_r = t - made[k - 1][:, 1::2]
            joined = (
                wer[k - 1][:, 0::2]
                * wer[k - 1][:, 1::2]
                * np.exp(-(age_l + age_r) / coherence_steps)
            )
            consumed = np.repeat(both, 2, axis=1)
            held[k - 1] &= ~consumed
            success = both & (rng.random(both.shape) < p_swap)
            held[k] |= success
            made[k][success] = t
            wer[k][success] = joined[success]
        # (3) cut-offs: a link alone for `cutoff` steps goes, with its sibling's span
        discard = []
        for k in range(levels):
            limit = cutoffs[k]
            alone = held[k] & ~held[k][:, np.arange(widths[k]) ^ 1]
            discard.append(
                np.zeros_like(alone) if limit is None else alone & (t - made[k] >= limit)
            )
        for k in range(levels):
            if not discard[k].any():
                continue
            held[k] &= ~discard[k]
            partner = discard[k][:, np.arange(widths[k]) ^ 1]
            for j in range(k + 1):
                held[j] &= ~np.repeat(partner, 2 ** (k - j), axis=1)
        # deliveries
        done = held[levels][:, 0]
        if done.any():
            times[active[done]] = t
            werner[active[done]] = wer[levels][done, 0]
            keep = ~done
            active = active[keep]
            held = [h[keep] for h in held]
            made = [x[keep] for x in made]
            wer = [x[keep] for x in wer]
            if active.size == 0:
                return NestedChainSamples(times, werner)
    raise RuntimeError(
        f"{active.size} of {trials} trials had not delivered after max_steps={max_steps} steps"
    )
