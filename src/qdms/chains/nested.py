"""Exact waiting time and Werner parameter of nested swapping chains with memory cut-offs.

The model is that of Li, Coopmans and Elkouss, "Efficient optimization of cut-offs in
quantum repeater chains", IEEE TQE 2, 1-15 (2021), arXiv:2005.06811, which extends Brand, Coopmans and Elkouss, IEEE JSAC 38, 619 (2020). A chain of
``2**levels`` segments is built by nested entanglement swapping:

* level 0, one segment: in every time step a link is heralded with probability
  ``p_gen``; the waiting time is geometric, ``Pr(T = t) = p_gen (1 - p_gen)^(t-1)`` for
  ``t >= 1`` (DESIGN.md: a link heralded in the first step has waiting time 1), and the
  link has Werner parameter ``werner0``.
* level k joins two independent copies of level k-1 that start together. Say they
  deliver at ``t1 <= t2``. The first link waits in memory; its Werner parameter decays
  by ``exp(-(t2 - t1) / coherence_steps)``. If ``t2 - t1 <= cutoff`` the two are swapped
  at the end of step ``t2`` (the swap succeeds with ``p_swap`` and the Werner
  parameters multiply); otherwise the waiting link is discarded at the end of step
  ``t1 + cutoff`` and both copies restart from the next step. A failed swap also
  restarts both copies, from the step after it.

Derivation (our own; it reproduces the authors' numbers, see docs/chains.md)
---------------------------------------------------------------------------
One *attempt* at level k draws two independent level-(k-1) waiting times ``X, Y``
with pmf ``a`` and Werner functions ``w``. Write ``b = a w`` (the Werner-weighted pmf),
``C`` the cdf of ``a``, ``S = 1 - C`` its survival function and ``r = exp(-1/t_coh)``.
Sorting the outcomes of an attempt by the step at which it ends:

* cut-off passed (``|X - Y| <= tau``), ends at ``t = max(X, Y)``:
  ``s(t) = a(t)^2 + 2 a(t) [C(t-1) - C(t-tau-1)]``, and its Werner-weighted
  counterpart ``q(t) = b(t)^2 + 2 b(t) E(t)`` with
  ``E(t) = sum_{u=t-tau}^{t-1} b(u) r^(t-u)``, summed by doubling (sums of positive
  terms only, O(T log tau));
* cut-off failed, ends at ``t = min(X, Y) + tau``: ``f(t) = 2 a(t-tau) S(t)``.

Attempts are independent and identically distributed (both copies restart afresh),
so the output is a geometric sum of convolutions. With the generating functions
``s(x), f(x), q(x)``, and ``D(x) = 1 - f(x) - (1 - p_swap) s(x)``,

    Pr(T = t)            = [x^t] p_swap s(x) / D(x),
    Pr(T = t) W(t)       = [x^t] p_swap q(x) / D(x).

This is the recursion of Li et al. (their ``P_s``, ``P_f``, ``W_suc``, ``W_prep``, written as
sums of iterated convolutions and evaluated with FFTs; we derived it afresh, and the
equation numbers of the paper are not quoted because its text was not at hand: the
derivation is verified by the tests instead). The Werner parameter
of a pair delivered at ``t`` is the ratio ``W(t)`` (the pmf-weighted mean over the
histories that deliver at ``t``).

Numerics: the coefficients are evaluated with real FFTs of length ``N >= 2T``. The
division by ``D`` sums infinitely many convolutions, whose mass beyond ``N`` wraps
around (aliasing). We bound that mass rigorously by a Chernoff bound,
``sum_{t>=N} Pr(T=t) <= G(e^sigma) e^(-sigma N)`` with ``G`` the (computable)
generating function of the truncated problem; when the bound ``M`` exceeds 1e-16 we
damp the sequences by ``rho^t`` (``rho^(N+T) = eps / M``, ``N >= 3T``) before transforming
and undo it afterwards, which shrinks the wrapped mass to ``rho^N M``. Measured against
a direct O(T^2) recursion the pmf is then exact to ~1e-15 per entry (tests).

The means use the renewal (Wald) identity for i.i.d. attempts, over *all* deliveries,
not only those before the truncation:
``E[T] = E[duration of an attempt] / (p_swap Pr(cut-off passed))`` with
``E[duration] = sum_t Pr(duration > t) = sum_t S(t) (2 S(t - tau) - S(t))``, and
``E[W] = sum_t q(t) / sum_t s(t)`` (the delivered pair comes from an attempt that
passed the cut-off; the swap outcome is independent of it). They need only the
level-(levels-1) distribution, which is computed far enough out that its missing mass
is below 1e-10.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .._validation import check_int, check_positive, check_probability

__all__ = [
    "NestedChainResult",
    "nested_chain",
]

#: Largest missing mass of the level below the top for which the means are accepted.
_FEED_MISSING_MASS = 1e-10
#: Largest probability mass that may wrap around the FFT length without damping.
_ALIAS_TOLERANCE = 1e-16
#: Largest requested probability mass: the pmf is computed to ~1e-12 in total mass.
_MAX_MASS = 1.0 - 1e-10
#: Rounding unit, 2^-52.
_EPS = float(np.finfo(float).eps)


@dataclass(frozen=True)
class NestedChainResult:
    """Waiting-time distribution and Werner parameter of a nested swapping chain.

    Attributes
    ----------
    pmf : ``Pr(T = t)`` for ``t = 0, 1, ..., len(pmf) - 1`` (``pmf[0] = 0``), read-only.
    werner : mean Werner parameter of the pair delivered at step ``t``, same length
        as ``pmf``; 0 where ``pmf[t] == 0`` (nothing is delivered). Its relative error
        is about 1e-17 / ``pmf[t]``: where ``pmf[t]`` is at the rounding floor it is the
        ratio of two rounding-level numbers, kept inside ``[0, werner0^(2^levels)]``
        where the exact value lies.
    mean_waiting_time : ``E[T]`` in time steps over all deliveries (renewal identity;
        not only those inside the truncation); ``math.inf`` if no pair is ever delivered.
    mean_werner : ``E[W]``, the mean Werner parameter of the delivered pair over all
        deliveries; ``math.nan`` if no pair is ever delivered.
    coverage : ``sum(pmf)``, the probability that the pair is delivered within the
        kept time steps.
    levels : number of swap levels (``2**levels`` segments).
    cutoffs : memory cut-off of each swap level in time steps, lowest level first
        (``None``: no cut-off).
    """

    pmf: NDArray[np.float64]
    werner: NDArray[np.float64]
    mean_waiting_time: float
    mean_werner: float
    coverage: float
    levels: int
    cutoffs: tuple[int | None, ...]

    @property
    def mean_fidelity(self) -> float:
        """Fidelity ``(1 + 3 E[W]) / 4`` of the average delivered Werner state (API.md)."""
        return (1.0 + 3.0 * self.mean_werner) / 4.0

    @property
    def secret_key_rate(self) -> float:
        """BB84 secret-key rate in bits per time step, ``r(E[W]) / E[T]``.

        See :func:`qdms.chains.secret_key_rate` for the convention (log base 2).
        """
        from .key_rate_optimisation import secret_key_rate

        if self.mean_waiting_time == math.inf:
            return 0.0
        return secret_key_rate(self.mean_waiting_time, self.mean_werner)

    @property
    def truncated_mean_waiting_time(self) -> float:
        """``sum_t t pmf[t] / coverage``: the mean conditioned on delivery within the kept steps."""
        return float(np.dot(np.arange(len(self.pmf)), self.pmf) / self.coverage)

    @property
    def truncated_mean_werner(self) -> float:
        """``sum_t pmf[t] werner[t] / coverage``: as reported by Li et al. (no tail term)."""
        return float(np.dot(self.pmf, self.werner) / self.coverage)

    @property
    def tail_corrected_mean_waiting_time(self) -> float:
        """The authors' mean, ``sum_t t pmf[t] / c + (1 - c) / c * len(pmf)`` with ``c`` the coverage.

        This is ``get_mean_waiting_time(pmf)`` of Li et al.'s code (no extrapolation):
        it charges every delivery after the truncation as a restart at ``len(pmf)``.
        It is offered for comparison; ``mean_waiting_time`` is exact.
        """
        c = self.coverage
        return self.truncated_mean_waiting_time + (1.0 - c) / c * len(self.pmf)


def nested_chain(
    levels: int,
    p_gen: float,
    p_swap: float,
    coherence_steps: float,
    werner0: float,
    cutoff: int | Sequence[int | None] | None,
    truncation: int | float,
    *,
    max_steps: int = 2**22,
) -> NestedChainResult:
    """Exact waiting-time pmf and Werner parameter of a nested swapping chain with cut-offs.

    The model of Li, Coopmans and Elkouss (IEEE TQE 2, 2021) for ``2**levels``
    segments; see the module docstring for the protocol and the derivation.

    Parameters
    ----------
    levels : number of nested swap levels, >= 0 (``2**levels`` segments).
    p_gen : probability that one segment heralds a link in a time step, in [0, 1].
    p_swap : success probability of one entanglement swap, in [0, 1].
    coherence_steps : memory coherence time in time steps, > 0 (``math.inf``: no
        decoherence). A waiting link's Werner parameter decays by
        ``exp(-dt / coherence_steps)`` over ``dt`` steps.
    werner0 : Werner parameter of a fresh elementary link, in [0, 1].
    cutoff : memory cut-off in time steps: an int >= 0 for every level, ``None`` for
        none, or a sequence with one entry (int >= 0 or ``None``) per level, lowest
        level first. A link waits at most ``cutoff`` steps for its partner: partners
        that arrive ``<= cutoff`` steps later are swapped.
    truncation : an int >= 1, the number of time steps kept (``t = 0 .. truncation-1``),
        or a float in ``(0, 1 - 1e-10]``, the probability mass to keep: the arrays then
        end at the first ``t`` where the cdf reaches it.
    max_steps : largest number of time steps computed for a float truncation and for
        the means (which may need more steps than are returned), >= 1; an int
        truncation is computed as given.

    Returns
    -------
    NestedChainResult
        ``pmf`` and ``werner`` over ``t = 0, 1, ...``, the exact means over all
        deliveries, and the coverage of the kept steps.

    Raises
    ------
    ValueError
        If a probability lies outside [0, 1], ``werner0`` outside [0, 1], a cut-off is
        negative, ``levels`` or ``coherence_steps`` is out of range, a float
        ``truncation`` is not in ``(0, 1 - 1e-10]``, no pair is ever delivered while a
        probability mass is requested, or the mass (or the means) would need more than
        ``max_steps`` time steps.
    TypeError
        If a cut-off or an int parameter is not an integer, or ``truncation`` is neither
        an int nor a float.

    Examples
    --------
    Two segments without cut-off; ``E[T] = (3 - 2p) / ((2 - p) p p_swap)``:

    >>> res = nested_chain(1, 0.1, 0.5, 100.0, 0.95, None, 2000)
    >>> round(res.mean_waiting_time, 9), round((3 - 0.2) / (1.9 * 0.1 * 0.5), 9)
    (29.473684211, 29.473684211)
    >>> round(float(res.pmf[1]), 15), round(float(res.werner[1]), 12)  # both links in step 1
    (0.005, 0.9025)

    Eight segments with a cut-off of 400 steps, keeping 99 % of the mass:

    >>> res = nested_chain(3, 0.01, 0.5, 400.0, 0.98, 400, 0.99)
    >>> res.coverage >= 0.99, round(res.mean_waiting_time, 1), round(res.mean_werner, 6)
    (True, 4614.2, 0.124638)

    Notes
    -----
    Time steps count from 1 (DESIGN.md); ``pmf[0] = 0``. The per-level cut-off counts
    the steps a link has waited: a link delivered in step ``t1`` is swapped with a
    partner delivered in steps ``t1 .. t1 + cutoff`` and is otherwise discarded at the
    end of step ``t1 + cutoff``. The pmf is accurate to about 1e-15 per entry
    (absolute); ``werner[t]`` is accurate where ``pmf[t]`` is well above that.

    References
    ----------
    B. Li, T. Coopmans, D. Elkouss, IEEE Trans. Quantum Eng. 2, 1-15 (2021),
    arXiv:2005.06811 (the recursion for swapping with a memory cut-off). S. Brand, T. Coopmans,
    D. Elkouss, IEEE J. Sel. Areas Commun. 38, 619 (2020).
    """
    levels = check_int("levels", levels, low=0, high=64)
    p_gen = check_probability("p_gen", p_gen)
    p_swap = check_probability("p_swap", p_swap)
    coherence_steps = check_positive("coherence_steps", coherence_steps, allow_inf=True)
    werner0 = check_probability("werner0", werner0)
    cutoffs = cutoff_tuple(cutoff, levels)
    max_steps = check_int("max_steps", max_steps, low=1)
    mass = _check_truncation(truncation)
    # Werner parameters only multiply (swaps, decay), so every one at the top level is
    # werner0^(2^levels) times that of the chain with werner0 = 1: run that chain and scale
    # at the end, or products like pmf * 1e-304 turn subnormal and lose their digits.
    scale = werner0 ** (2.0**levels)
    chain = _Chain(levels, p_gen, p_swap, math.exp(-1.0 / coherence_steps), 1.0, cutoffs)

    if mass is None:
        steps = int(truncation)
        feed, top = chain.run(steps)
    else:
        if chain.never_delivers:
            raise ValueError(
                f"truncation={truncation!r} (a probability mass) cannot be reached: no pair "
                f"is ever delivered with p_gen={p_gen!r}, p_swap={p_swap!r}"
            )
        steps, feed, top = chain.run_to_mass(mass, max_steps, truncation)
        cdf = np.cumsum(top[0])
        keep = int(np.searchsorted(cdf, mass)) + 1
        top = (top[0][:keep], top[1][:keep])
    mean_t, mean_w, _ = chain.means(feed, steps, max_steps)
    mean_w = min(max(mean_w, 0.0), 1.0) * scale if math.isfinite(mean_w) else mean_w
    pmf, werner = top[0], top[1] * scale
    pmf.setflags(write=False)
    werner.setflags(write=False)
    return NestedChainResult(
        pmf=pmf,
        werner=werner,
        mean_waiting_time=mean_t,
        mean_werner=mean_w,
        coverage=float(np.sum(pmf)),
        levels=levels,
        cutoffs=cutoffs,
    )


def cutoff_tuple(cutoff: int | Sequence[int | None] | None, levels: int) -> tuple[int | None, ...]:
    """Validate ``cutoff`` (int, None, or one per level) and return one entry per level."""
    if cutoff is None or isinstance(cutoff, numbers.Real):
        entries: list[object] = [cutoff] * max(levels, 1)
        single = True
    elif isinstance(cutoff, Sequence) and not isinstance(cutoff, str):
        entries = list(cutoff)
        single = False
        if len(entries) != levels:
            raise ValueError(
                f"cutoff must have one entry per level ({levels}), got {len(entries)}: {cutoff!r}"
            )
    else:
        raise TypeError(f"cutoff must be an int, None or a sequence of them, got {cutoff!r}")
    out: list[int | None] = []
    for i, c in enumerate(entries):
        name = "cutoff" if single else f"cutoff[{i}]"
        if c is None:
            out.append(None)
            continue
        if isinstance(c, bool) or not isinstance(c, numbers.Integral):
            raise TypeError(f"{name} must be an int (time steps) or None, got {c!r}")
        out.append(check_int(name, c, low=0))
    return tuple(out[:levels])


def _check_truncation(truncation: object) -> float | None:
    """None for an int number of steps, else the probability mass to keep."""
    if isinstance(truncation, bool):
        raise TypeError(f"truncation must be an int or a float, got {truncation!r}")
    if isinstance(truncation, numbers.Integral):
        check_int("truncation", truncation, low=1)
        return None
    if isinstance(truncation, numbers.Real):
        mass = float(truncation)
        if not 0.0 < mass <= _MAX_MASS:
            raise ValueError(
                f"truncation as a probability mass must lie in (0, 1 - 1e-10], got "
                f"{truncation!r}: the pmf has unbounded support and is computed to about "
                "1e-12 in total mass, so a mass of 1 cannot be held; pass an int number of "
                "time steps instead"
            )
        return mass
    raise TypeError(f"truncation must be an int or a float, got {truncation!r}")


class _Chain:
    """The recursion level by level, for fixed parameters, at any truncation."""

    def __init__(
        self,
        levels: int,
        p_gen: float,
        p_swap: float,
        decay: float,
        werner0: float,
        cutoffs: tuple[int | None, ...],
    ) -> None:
        self.levels = levels
        self.p_gen = p_gen
        self.p_swap = p_swap
        self.decay = decay
        self.werner0 = werner0
        self.cutoffs = cutoffs
        self.never_delivers = p_gen == 0.0 or (levels > 0 and p_swap == 0.0)

    def elementary(self, steps: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Geometric pmf ``p (1-p)^(t-1)`` for t >= 1 and the Werner parameter ``werner0``."""
        t = np.arange(steps, dtype=float)
        pmf = np.zeros(steps)
        if self.p_gen == 1.0:
            pmf[1:2] = 1.0
        elif self.p_gen > 0.0:
            pmf[1:] = self.p_gen * np.exp((t[1:] - 1.0) * math.log1p(-self.p_gen))
        return pmf, np.where(pmf > 0.0, self.werner0, 0.0)

    def run(self, steps: int, *, top: bool = True, cache: dict | None = None):
        """(feed, top): the (pmf, werner) of levels ``levels-1`` and ``levels`` on ``steps`` steps.

        ``cache`` (optional) keeps lower levels between calls, keyed by the steps and the
        cut-offs below.
        """
        a, w = self.elementary(steps)
        if self.levels == 0:
            return None, (a, w)
        if self.never_delivers:
            zero = np.zeros(steps)
            return (a, w) if self.levels == 1 else (zero, zero.copy()), (zero, zero.copy())
        for k in range(self.levels - 1):
            key = (steps, self.cutoffs[: k + 1])
            if cache is not None and key in cache:
                a, w = cache[key]
                continue
            a, w = join_level(a, w, self.cutoffs[k], self.p_swap, self.decay, self.best(k + 1))
            if cache is not None:
                cache[key] = (a, w)
        feed = (a, w)
        if not top:
            return feed, None
        top_level = join_level(
            a, w, self.cutoffs[-1], self.p_swap, self.decay, self.best(self.levels)
        )
        return feed, top_level

    def best(self, level: int) -> float:
        """Largest Werner parameter a level-``level`` link can have, ``werner0^(2^level)``."""
        return self.werner0 ** (2.0**level)

    def run_to_mass(self, mass: float, max_steps: int, truncation: object):
        """Grow the truncation until the top level holds ``mass`` and the feed is complete."""
        steps = min(max_steps, self._first_guess(mass))
        while True:
            feed, top = self.run(steps)
            grow = _steps_needed(top[0], 1.0 - mass)
            if feed is not None:
                grow = max(grow, _steps_needed(feed[0], _FEED_MISSING_MASS))
            if grow <= steps:
                return steps, feed, top
            if steps >= max_steps:
                raise ValueError(
                    f"truncation={truncation!r} needs more than max_steps={max_steps} time "
                    f"steps: the pmf holds only {float(np.sum(top[0])):.6g} of the mass there; "
                    "raise max_steps or ask for less mass"
                )
            steps = min(max_steps, grow)

    def _first_guess(self, mass: float) -> int:
        """A truncation of the order of the mean without cut-offs, (3/2)^L / (p_gen p_swap^L)."""
        log_mean = self.levels * math.log(1.5 / self.p_swap) - math.log(self.p_gen)
        log_steps = log_mean + math.log(2.0 - math.log1p(-mass))
        return int(max(64.0, math.exp(min(log_steps, 40.0))))

    def means(self, feed, steps: int, max_steps: int) -> tuple[float, float, int]:
        """Exact ``E[T]``, ``E[W]`` over all deliveries (renewal identity), and the steps used.

        ``feed`` is level ``levels - 1`` on ``steps`` steps; it is recomputed further out
        until its missing mass is below 1e-10.
        """
        if self.never_delivers:
            return math.inf, math.nan, steps
        if self.levels == 0:
            return 1.0 / self.p_gen, self.werner0, steps
        while (need := _steps_needed(feed[0], _FEED_MISSING_MASS)) > steps:
            if steps >= max_steps:
                raise ValueError(
                    f"the means need the distribution of level {self.levels - 1} beyond "
                    f"max_steps={max_steps} time steps ({1 - float(np.sum(feed[0])):.3g} of its mass "
                    "lies further out): the expected waiting time is too long; raise max_steps"
                )
            steps = min(max_steps, need)
            feed, _ = self.run(steps, top=False)
        mean_t, mean_w = renewal_means(feed[0], feed[1], self.cutoffs[-1], self.p_swap, self.decay)
        return mean_t, mean_w, steps


def attempt_terms(
    pmf: NDArray[np.float64], werner: NDArray[np.float64], cutoff: int | None, decay: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """One attempt at joining two i.i.d. links: ``(s, f, q)`` by the step at which it ends.

    ``s[t]``: Pr(the cut-off is passed and the later link arrives at t);
    ``f[t]``: Pr(the cut-off fails and the waiting link is discarded at the end of t);
    ``q[t]``: ``s[t]`` weighted by the Werner parameter ``w1 w2 decay^|t1 - t2|`` of the
    pair presented to the swap. Formulas in the module docstring.
    """
    n = len(pmf)
    cdf = np.cumsum(pmf)
    window = np.zeros(n)  # Pr(t - cutoff <= other < t)
    window[1:] = cdf[:-1]
    lagged = cutoff is not None and cutoff + 1 < n
    if lagged:
        window[cutoff + 1 :] -= cdf[: n - cutoff - 1]
    s = pmf * (pmf + 2.0 * window)
    f = np.zeros(n)
    if cutoff is not None and cutoff < n:
        survival = np.maximum(1.0 - cdf, 0.0)
        f[cutoff:] = 2.0 * pmf[: n - cutoff] * survival[cutoff:]
    b = pmf * werner
    e = _decayed_window(b, n - 1 if cutoff is None else cutoff, decay)
    q = b * (b + 2.0 * e)
    return s, f, q


def _decayed_window(b: NDArray[np.float64], width: int, decay: float) -> NDArray[np.float64]:
    """``E(t) = sum_{d=1}^{width} decay^d b(t - d)`` (``b = 0`` before 0), by doubling.

    Blocks ``B_k(t) = sum_{j < 2^k} decay^j b(t - j)`` obey
    ``B_{k+1}(t) = B_k(t) + decay^(2^k) B_k(t - 2^k)``; the lags ``1 .. width`` are cut
    into consecutive blocks by the binary digits of ``width``. Every term is >= 0, so
    the sums are accurate to a few ulps relative (a first-order recursion would
    subtract terms leaving the window and lose that).
    """
    n = len(b)
    width = min(width, n - 1)
    out = np.zeros(n)
    block = b.copy()
    offset, size = 1, 1
    while width:
        if width & 1 and offset < n:
            out[offset:] += decay**offset * block[: n - offset]
        if width & 1:
            offset += size
        width >>= 1
        if width and size < n:
            block[size:] += decay**size * block[: n - size]
        size *= 2
    return out


def join_level(
    pmf: NDArray[np.float64],
    werner: NDArray[np.float64],
    cutoff: int | None,
    p_swap: float,
    decay: float,
    best: float = 1.0,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One swap level: (pmf, werner) of the joined link from those of the level below.

    Evaluates ``p s(x) / D(x)`` and ``p q(x) / D(x)`` (module docstring) on the kept
    steps with real FFTs, damping the sequences when the wrapped-around mass could
    exceed 1e-16. ``best`` bounds the output Werner parameter (``werner0^(2^level)``):
    rounding noise where the pmf is ~1e-17 is kept inside ``[0, best]``.
    """
    n = len(pmf)
    if p_swap == 0.0 or n < 2:
        zero = np.zeros(n)
        return zero, zero.copy()
    s, f, q = attempt_terms(pmf, werner, cutoff, decay)
    h = f + (1.0 - p_swap) * s
    t = np.arange(n, dtype=float)
    size, damping = _transform_plan(s, h, p_swap, t)
    stack = np.stack([s, h, q])
    if damping is not None:
        stack *= damping
    spec = np.fft.rfft(stack, n=size, axis=-1)
    denominator = 1.0 - spec[1]
    out = np.fft.irfft(p_swap * spec[[0, 2]] / denominator, n=size, axis=-1)[:, :n]
    if damping is not None:
        out /= damping
    pmf_out = np.maximum(out[0], 0.0)
    pmf_out[0] = 0.0  # no delivery at t = 0 (the transform leaves rounding noise there)
    return pmf_out, _werner_of(pmf_out, out[1], best)


def _transform_plan(s, h, p_swap, t):
    """FFT length and damping ``rho^t`` (or None) for ``p s / (1 - h)`` on ``len(s)`` steps.

    The mass that wraps around a length ``N`` is at most ``M = sum_{t>=N} z(t)``, which a
    Chernoff bound caps: ``M <= G(e^sigma) e^(-sigma N)`` with ``G(x) = p s(x) / (1 - h(x))``
    wherever ``h(e^sigma) < 1``. If ``M <= 1e-16`` no damping is needed. Otherwise the
    sequences are damped by ``rho^t``: the wrapped mass becomes ``rho^N M`` while rounding
    errors grow by ``rho^-t``; ``rho^(N+T) = eps / M`` balances the two.
    """
    n = len(s)
    for size in (_fast_length(2 * n), _fast_length(3 * n)):
        wrapped = _tail_bound(s, h, p_swap, t, size)
        if wrapped <= _ALIAS_TOLERANCE:
            return size, None
    log_rho = min(0.0, (math.log(_EPS) - math.log(wrapped)) / (size + n))
    return size, np.exp(log_rho * t)


def _fast_length(n: int) -> int:
    """Smallest ``2^a 3^b 5^c >= n`` (a length pocketfft transforms quickly)."""
    best = 1 << max(0, (n - 1).bit_length())
    odd5 = 1
    while odd5 < best:
        odd = odd5
        while odd < best:
            best = min(best, odd << max(0, (-(-n // odd) - 1).bit_length()))
            odd *= 3
        odd5 *= 5
    return best


def _tail_bound(s, h, p_swap, t, size) -> float:
    """Chernoff bound (best of a few exponents) on the mass of ``p s / (1 - h)`` beyond ``size``."""
    best = 1.0
    for c in (40.0, 20.0, 10.0, 5.0):
        tilt = np.exp((c / size) * t)
        h_tilt = float(np.sum(h * tilt))
        if h_tilt < 1.0:
            bound = p_swap * float(np.sum(s * tilt)) / (1.0 - h_tilt) * math.exp(-c)
            best = min(best, bound)
            if best <= _ALIAS_TOLERANCE:
                break
    return best


def _werner_of(
    pmf: NDArray[np.float64], weighted: NDArray[np.float64], best: float
) -> NDArray[np.float64]:
    """``weighted / pmf`` kept in ``[0, best]``; 0 where ``pmf == 0``.

    The ratio is clipped, not ``weighted`` against ``best * pmf``: with a tiny ``best`` that
    product is subnormal and has lost the digits the bound needs.
    """
    out = np.zeros(len(pmf))
    np.divide(weighted, pmf, out=out, where=pmf > 0.0)
    return np.clip(out, 0.0, best, out=out)


def renewal_means(
    pmf: NDArray[np.float64],
    werner: NDArray[np.float64],
    cutoff: int | None,
    p_swap: float,
    decay: float,
) -> tuple[float, float]:
    """``E[T]`` and ``E[W]`` of the level built on the level with (pmf, werner).

    Wald's identity over i.i.d. attempts: ``E[T] = E[duration] / (p_swap Pr(pass))`` with
    ``E[duration] = sum_t S(t) (2 S(t - cutoff) - S(t))``; ``E[W] = sum q / sum s``.
    Exact up to the mass of ``pmf`` beyond its last step.
    """
    n = len(pmf)
    survival = np.maximum(1.0 - np.cumsum(pmf), 0.0)
    lagged = np.ones(n)
    if cutoff is not None and cutoff < n:
        lagged[cutoff:] = survival[: n - cutoff]
    duration = float(np.sum(survival * (2.0 * lagged - survival)))
    s, _, q = attempt_terms(pmf, werner, cutoff, decay)
    passed = float(np.sum(s))
    if passed == 0.0 or p_swap == 0.0:
        return math.inf, math.nan
    return duration / (p_swap * passed), float(np.sum(q)) / passed


def _steps_needed(pmf: NDArray[np.float64], missing: float) -> int:
    """Estimated number of steps after which at most ``missing`` mass is left.

    Returns ``len(pmf)`` if that already holds; otherwise extrapolates the tail as
    geometric with the hazard rate seen over the last tenth of the steps (growth
    between 1.5 and 8 times).
    """
    n = len(pmf)
    left = 1.0 - float(np.sum(pmf))
    if left <= missing:
        return n
    k = max(1, n // 10)
    last = float(np.sum(pmf[n - k :]))
    if last <= 0.0:
        return 8 * n
    rate = math.log1p(last / left) / k
    extra = math.log(left / missing) / rate
    return int(min(8 * n, max(1.5 * n, 1.2 * (n + extra)))) + 1
