"""Two-link MDP (Khatri Sec. V): the LP of Theorem V.3 with m* = 100 per link (target < 10 s), and
policy iteration with m* = 1000 (time and memory reported)."""

from __future__ import annotations

import resource
import time

from qdms.chains import two_link_cutoff_decision, two_link_model, two_link_optimal_waiting_time
from qdms.mdp import absorption_time_policy_iteration

from .timing import report


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    for m in (10, 30, 100):
        start = time.perf_counter()
        value, _ = two_link_optimal_waiting_time(0.1, 0.1, 0.5, m, m)
        report(
            f"LP (Theorem V.3), m* = {m} per link, {2 * (m + 2) ** 2} states",
            time.perf_counter() - start,
            10.0 if m == 100 else None,
        )
        print(f"    optimal waiting time {value:.6f} steps")
    for m in (100, 300, 1000):
        start = time.perf_counter()
        model = two_link_model(0.1, 0.1, 0.5, m, m)
        built = time.perf_counter() - start
        start = time.perf_counter()
        result = absorption_time_policy_iteration(
            model.mdp,
            initial=model.initial,
            absorbing=model.absorbing,
            decision=two_link_cutoff_decision(model, m, m),
        )
        report(
            f"policy iteration, m* = {m} per link, {model.mdp.n_states} states",
            time.perf_counter() - start,
        )
        print(
            f"    model built in {built:.2f} s; waiting time {result.value - 1:.6f} steps; "
            f"peak memory {_peak_mb():.0f} MB"
        )
