"""Elementary links (issue 3 targets): optimal steady-state cutoff for m* = 1e6 (< 0.1 s), backward
recursion with horizon 1000 and m* = 1000 (< 1 s), the LP of Prop. II.3 with m* = 1e4 (< 10 s) and how
its time grows with m*."""

from __future__ import annotations

import time

import numpy as np

from qdms.links import ElementaryLink

from .timing import median_time, report


def _link(m_star: int, p: float = 1e-3) -> ElementaryLink:
    m = np.arange(m_star + 1)
    return ElementaryLink(p, 0.5 + 0.5 * np.exp(-m / (m_star / 20 + 1)))


def main() -> None:
    big = _link(10**6)
    report("optimal steady-state cutoff, m* = 1e6", median_time(big.optimal_cutoff), 0.1)
    link = _link(1000, p=0.05)
    report(
        "backward recursion, horizon 1000, m* = 1000",
        median_time(lambda: link.optimal_policy(1000), repeat=3),
        1.0,
    )
    for m_star in (10**2, 10**3, 3 * 10**3, 10**4):
        lp_link = _link(m_star, p=0.01)
        start = time.perf_counter()
        value = lp_link.lp_optimal_value()
        elapsed = time.perf_counter() - start
        report(f"LP of Prop. II.3, m* = {m_star}", elapsed, 10.0 if m_star == 10**4 else None)
        print(f"    LP value {value:.9f}, best cutoff value {lp_link.optimal_cutoff()[1]:.9f}")
