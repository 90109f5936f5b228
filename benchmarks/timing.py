"""A tiny timing helper shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_time(fn: Callable[[], object], *, repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time in seconds of ``repeat`` warm calls of ``fn``."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(label: str, seconds: float, target: float | None = None) -> None:
    """Print one figure, with the issue's target beside it when there is one."""
    line = f"{label:<60s} {seconds * 1e3:10.2f} ms"
    if target is not None:
        verdict = "meets" if seconds <= target else "MISSES"
        line += f"   (target {target * 1e3:.0f} ms: {verdict})"
    print(line, flush=True)
