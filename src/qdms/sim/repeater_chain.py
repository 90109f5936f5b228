"""Monte Carlo of a repeater chain of ``n`` elementary links with swaps and cutoffs.

Simulates, independently of the MDP's construction, the step rules of
:mod:`qdms.chains.chain_states` (Iñesta, Vardoyan, Scavuzzo and Wehner, npj
Quantum Inf. 9, 46 (2023), in Khatri's two-link conventions): every trial
starts from the empty chain at ``t = 0`` and repeats, for ``t = 0, 1, ...``,

1. the policy's swaps on the links at the end of step ``t``: each chosen
   node that holds a left and a right link swaps, succeeding with
   ``p_swap``; a run of adjacent swaps leaves one link (age the oldest, decay
   exponents added) if all its swaps succeed and nothing otherwise;
2. delivery at step ``t`` if the link ``(0, n)`` exists;
3. links of age ``cutoff`` are discarded; the others age by one step and
   their decay exponent grows by ``b - a`` (``decay="link"``) or 1 (``"pair"``);
4. every elementary link whose two memories are free is heralded in step
   ``t + 1`` with probability ``p_i`` (age 0).

The delivered Werner parameter is ``prod_i werner0_i exp(-decay / c)``.
Trials run side by side as numpy arrays over nodes: ``right[trial, i]`` is
the node sharing the link held in the right memory of node ``i`` (-1: none),
``left`` the same for the left memories. The policy is ``"swap_asap"`` (every
node that can swaps) or a table ``{state: action}`` such as
:meth:`qdms.chains.multi_link.MultiLinkModel.policy_map` returns: states are
sorted tuples of links ``(a, b, age)``, actions bit masks (bit ``k - 1``:
node ``k`` swaps).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .._validation import check_int, check_positive, check_probability

__all__ = ["RepeaterChainSimulation", "simulate_repeater_chain"]


@dataclass(frozen=True)
class RepeaterChainSimulation:
    """Per-trial outcomes of :func:`simulate_repeater_chain`.

    Attributes
    ----------
    waiting_steps : step at which each trial delivered.
    werner : Werner parameter of each delivered pair.
    """

    waiting_steps: NDArray[np.int64]
    werner: NDArray[np.float64]

    def mean_waiting_steps(self) -> tuple[float, float]:
        """Mean waiting time and its standard error."""
        return _mean(self.waiting_steps.astype(float))

    def mean_werner(self) -> tuple[float, float]:
        """Mean delivered Werner parameter and its standard error."""
        return _mean(self.werner)

    def mean_fidelity(self) -> tuple[float, float]:
        """Mean delivered fidelity ``(1 + 3 W)/4`` and its standard error."""
        return _mean((1.0 + 3.0 * self.werner) / 4.0)


def _mean(x: NDArray[np.float64]) -> tuple[float, float]:
    sem = float(x.std(ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.inf
    return float(x.mean()), sem


class _PolicyTable:
    """Action lookup by an integer code of each trial's state."""

    def __init__(self, table: Mapping, n: int, max_age: int) -> None:
        self.n, self.max_age, self.radix = n, max_age, 1 + n * (max_age + 1)
        if self.radix**n >= 2**62:
            raise ValueError("the chain is too large for a policy table (codes overflow int64)")
        codes, actions = [], []
        for state, action in table.items():
            digits = [0] * n
            for a, b, age in state:
                if not (0 <= a < b <= n and 0 <= age <= max_age):
                    raise ValueError(f"policy has a state {state!r} outside this chain")
                digits[a] = 1 + (b - a - 1) * (max_age + 1) + age
            codes.append(sum(d * self.radix**i for i, d in enumerate(digits)))
            actions.append(int(action))
        order = np.argsort(codes)
        self.codes = np.asarray(codes, dtype=np.int64)[order]
        self.actions = np.asarray(actions, dtype=np.int64)[order]

    def lookup(self, right: NDArray[np.int64], age: NDArray[np.int64]) -> NDArray[np.int64]:
        code = np.zeros(right.shape[0], dtype=np.int64)
        nodes = np.arange(self.n)
        has = right[:, : self.n] >= 0
        digit = np.where(
            has, 1 + (right[:, : self.n] - nodes - 1) * (self.max_age + 1) + age[:, : self.n], 0
        )
        for i in range(self.n):
            code += digit[:, i] * self.radix**i
        pos = np.searchsorted(self.codes, code)
        pos = np.minimum(pos, self.codes.size - 1)
        if not np.all(self.codes[pos] == code):
            raise ValueError("the simulation reached a state missing from the policy table")
        return self.actions[pos]


def _p_list(n: int, p: float | Sequence[float]) -> list[float]:
    if np.ndim(p) == 0:
        return [check_probability("p", p)] * n
    values = list(p)  # type: ignore[arg-type]
    if len(values) != n:
        raise ValueError(f"p must be one probability or one per link ({n}), got {len(values)}")
    return [check_probability(f"p[{i}]", q) for i, q in enumerate(values)]


def simulate_repeater_chain(
    n_links: int,
    p: float | Sequence[float],
    p_swap: float,
    cutoff: int | None,
    *,
    policy: Literal["swap_asap"] | Mapping = "swap_asap",
    trials: int,
    rng: np.random.Generator,
    werner0: float | Sequence[float] = 1.0,
    coherence_steps: float = math.inf,
    decay: Literal["link", "pair"] = "link",
    max_steps: int = 10**6,
) -> RepeaterChainSimulation:
    """Simulate ``trials`` deliveries of the end-to-end link (see the module notes).

    Parameters
    ----------
    n_links : number of elementary links, >= 1.
    p : heralding probability, one or one per link, in (0, 1].
    p_swap : swap success probability, in (0, 1].
    cutoff : largest usable age (``None``: never discarded).
    policy : ``"swap_asap"`` or ``{state: action}`` (module notes).
    trials : number of trials, >= 1.
    rng : the random generator.
    werner0, coherence_steps, decay : the Werner model of
        :func:`qdms.chains.multi_link_fidelity.multi_link_delivered_werner`.
    max_steps : give up (``RuntimeError``) when a trial runs longer.

    Examples
    --------
    >>> sim = simulate_repeater_chain(3, 1.0, 1.0, 0, trials=4, rng=np.random.default_rng(1))
    >>> sim.waiting_steps.tolist()
    [1, 1, 1, 1]
    """
    n = check_int("n_links", n_links, low=1)
    probs = np.array(_p_list(n, p))
    if np.any(probs == 0):
        raise ValueError("every p must be > 0: a link with p = 0 is never heralded")
    ps = check_probability("p_swap", p_swap)
    if n > 1 and ps == 0:
        raise ValueError("p_swap must be > 0: the end-to-end link is never created, got 0")
    cut = None if cutoff is None else check_int("cutoff", cutoff, low=0)
    trials = check_int("trials", trials, low=1)
    max_steps = check_int("max_steps", max_steps, low=1)
    c = check_positive("coherence_steps", coherence_steps, allow_inf=True)
    if decay not in ("link", "pair"):
        raise ValueError(f"decay must be 'link' or 'pair', got {decay!r}")
    if np.ndim(werner0) == 0:
        w0 = check_probability("werner0", werner0) ** n
    else:
        ws = list(werner0)  # type: ignore[arg-type]
        if len(ws) != n:
            raise ValueError(f"werner0 must be one value or one per link ({n}), got {len(ws)}")
        w0 = math.prod(check_probability(f"werner0[{i}]", w) for i, w in enumerate(ws))
    if isinstance(policy, str):
        if policy != "swap_asap":
            raise ValueError(f"policy must be 'swap_asap' or a table of actions, got {policy!r}")
        table = None
    else:
        table = _PolicyTable(policy, n, 0 if cut is None else cut)

    right = np.full((trials, n + 1), -1, dtype=np.int64)
    left = np.full((trials, n + 1), -1, dtype=np.int64)
    age = np.zeros((trials, n + 1), dtype=np.int64)
    dec = np.zeros((trials, n + 1), dtype=np.int64)
    ids = np.arange(trials)
    waiting = np.zeros(trials, dtype=np.int64)
    werner = np.zeros(trials)
    everyone = (1 << max(n - 1, 0)) - 1
    t = 0
    while ids.size:
        if t > max_steps:
            raise RuntimeError(
                f"{ids.size} trials have not delivered after max_steps = {max_steps}"
            )
        m = ids.size
        rows = np.arange(m)
        # 1. swaps, node by node from the left; a merged link keeps its left node
        action = np.full(m, everyone, dtype=np.int64) if table is None else table.lookup(right, age)
        failed = np.zeros((m, n + 1), dtype=bool)
        for k in range(1, n):
            sel = ((action >> (k - 1)) & 1 == 1) & (left[:, k] >= 0) & (right[:, k] >= 0)
            if not sel.any():
                continue
            r = rows[sel]
            x, y = left[r, k], right[r, k]
            age[r, x] = np.maximum(age[r, x], age[r, k])
            dec[r, x] += dec[r, k]
            failed[r, x] |= failed[r, k] | (rng.random(r.size) >= ps)
            right[r, x], left[r, y] = y, x
            right[r, k], left[r, k] = -1, -1
            failed[r, k] = False
        fr, fx = np.nonzero(failed)
        left[fr, right[fr, fx]] = -1
        right[fr, fx] = -1
        # 2. delivery at step t
        done = right[:, 0] == n
        if done.any():
            waiting[ids[done]] = t
            werner[ids[done]] = w0 * np.exp(-dec[done, 0] / c)
            keep = ~done
            ids, right, left, age, dec = ids[keep], right[keep], left[keep], age[keep], dec[keep]
            m = ids.size
        # 3. cutoff and ageing
        held = right >= 0
        if cut is not None:
            old = held & (age >= cut)
            orow, onode = np.nonzero(old)
            left[orow, right[orow, onode]] = -1
            right[old] = -1
            held &= ~old
            age = np.where(held, age + 1, 0)
        span = right - np.arange(n + 1) if decay == "link" else np.ones_like(right)
        dec = np.where(held, dec + span, 0)
        # 4. generation in step t + 1
        for i in range(n):
            free = (right[:, i] < 0) & (left[:, i + 1] < 0)
            new = free & (rng.random(m) < probs[i])
            right[new, i], left[new, i + 1] = i + 1, i
            age[new, i], dec[new, i] = 0, 0
        t += 1
    return RepeaterChainSimulation(waiting, werner)
