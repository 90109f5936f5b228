"""Speed of the LOCC protocols: the Bell-diagonal fast path and the explicit simulations.

The issue's target: swapping a Bell-diagonal chain of 1000 links in under
10 ms (a tree of direct convolutions over Z_d x Z_d). The explicit density-matrix
simulations are printed for reference (they are the ground truth in the
tests, not meant for long chains).
"""

from __future__ import annotations

import numpy as np

from qdms.protocols import (
    dejmps,
    distribute_graph_state,
    ghz_swap,
    ghz_swap_fidelity,
    graph_state_fidelity_bell_diagonal,
    pumping,
    recurrence_distill,
    swap,
    swap_bell_diagonal,
    swap_fidelity,
    swap_outcomes,
    swap_werner,
    symmetric_recurrence,
    teleport,
)
from qdms.quantum import isotropic_coefficients, random_density_matrix

from .timing import median_time, report


def main() -> None:
    rng = np.random.default_rng(1)
    for d in (2, 3):
        q = rng.dirichlet(np.ones(d * d), size=1000)
        report(
            f"swap_bell_diagonal: chain of 1000 links, d={d}",
            median_time(lambda q=q, d=d: swap_bell_diagonal(q, d), repeat=20),
            target=0.010,
        )
    w = rng.uniform(0.9, 1.0, size=1000)
    report("swap_werner: chain of 1000 links", median_time(lambda: swap_werner(w), repeat=20))
    q = rng.dirichlet(np.ones(4), size=100_000)
    report(
        "swap_bell_diagonal: chain of 100000 links, d=2", median_time(lambda: swap_bell_diagonal(q))
    )

    for d, n in ((2, 1), (2, 2), (2, 3), (2, 4), (3, 1), (3, 2)):
        links = [random_density_matrix(d * d, rng) for _ in range(n + 1)]
        size = d ** (2 * (n + 1))
        report(
            f"swap_outcomes (joint measurement, {size}-dim state): d={d}, n={n}",
            median_time(lambda links=links, d=d: swap_outcomes(links, d), repeat=3),
        )
        report(
            f"swap (node by node): d={d}, n={n}",
            median_time(lambda links=links, d=d: swap(links, d), repeat=3),
        )
        report(
            f"swap_fidelity (Prop. III.1): d={d}, n={n}",
            median_time(lambda links=links, d=d: swap_fidelity(links, d), repeat=3),
        )
    links = [random_density_matrix(4, rng) for _ in range(100)]
    report("swap (node by node): d=2, 100 links", median_time(lambda: swap(links), repeat=3))
    report("swap_fidelity: d=2, 100 links", median_time(lambda: swap_fidelity(links), repeat=3))

    for m in (2, 3, 4, 5):
        links = [random_density_matrix(4, rng) for _ in range(m)]
        report(
            f"ghz_swap explicit: {m + 1} parties",
            median_time(lambda links=links: ghz_swap(links), repeat=3),
        )
        report(
            f"ghz_swap_fidelity (Prop. III.2): {m + 1} parties",
            median_time(lambda links=links: ghz_swap_fidelity(links), repeat=3),
        )
    for n in (3, 4, 5):
        star = np.zeros((n, n), dtype=int)
        star[0, 1:] = star[1:, 0] = 1
        links = [random_density_matrix(4, rng) for _ in range(n)]
        report(
            f"distribute_graph_state explicit: star of {n} vertices",
            median_time(
                lambda star=star, links=links: distribute_graph_state(star, links), repeat=3
            ),
        )
    ring = np.roll(np.eye(20, dtype=int), 1, axis=1) + np.roll(np.eye(20, dtype=int), -1, axis=1)
    q = rng.dirichlet(np.ones(4) * 5, size=20)
    report(
        "graph_state_fidelity_bell_diagonal: ring of 20 vertices",
        median_time(lambda: graph_state_fidelity_bell_diagonal(ring, q), repeat=3),
    )

    r1, r2 = random_density_matrix(4, rng), random_density_matrix(4, rng)
    report(
        "recurrence_distill explicit (twirl=True)",
        median_time(lambda: recurrence_distill(r1, r2, twirl=True)),
    )
    report("dejmps explicit", median_time(lambda: dejmps(r1, r2)))
    raw = isotropic_coefficients(0.8)
    report("pumping, 10 rounds (DEJMPS closed form)", median_time(lambda: pumping(raw, 10)))
    report("symmetric_recurrence, 10 rounds", median_time(lambda: symmetric_recurrence(raw, 10)))
    psi = random_density_matrix(3, rng)
    resource = random_density_matrix(9, rng)
    report("teleport explicit: d=3", median_time(lambda: teleport(psi, resource)))


if __name__ == "__main__":
    main()
