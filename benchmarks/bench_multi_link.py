"""Repeater chains of n links (qdms.chains.multi_link): state counts, build and solve times, memory.

For each chain (p = 0.5, p_swap = 0.5): the number of MDP states and non-zeros, the
time to enumerate the states and build the sparse matrices, the optimal waiting time
by policy iteration (and by value iteration for comparison), swap-asap's waiting
time, the delivered fidelity of both policies (Werner 0.98, coherence 50 steps,
per-link decay), and the Monte Carlo time of 10^4 trials. Memory: the bytes of the
transition matrices and the process's peak resident size.
"""

from __future__ import annotations

import resource
import time

import numpy as np

from qdms.chains.multi_link import (
    multi_link_model,
    multi_link_optimal_waiting_time,
    multi_link_waiting_time,
)
from qdms.chains.multi_link_fidelity import multi_link_delivered_fidelity
from qdms.sim.repeater_chain import simulate_repeater_chain

from .timing import report

CHAINS = [(3, 2), (3, 5), (3, 10), (4, 2), (4, 5), (4, 8), (5, 2), (5, 3)]
P, P_SWAP, WERNER0, COHERENCE = 0.5, 0.5, 0.98, 50.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _matrix_mb(model) -> float:
    return (
        sum(t.data.nbytes + t.indices.nbytes + t.indptr.nbytes for t in model.mdp.transitions)
        / 2**20
    )


def main() -> None:
    for n, cutoff in CHAINS:
        label = f"n = {n} links, cutoff = {cutoff}"
        start = time.perf_counter()
        model = multi_link_model(n, P, P_SWAP, cutoff)
        report(f"{label}: build", time.perf_counter() - start)
        nnz = sum(t.nnz for t in model.mdp.transitions)
        print(
            f"    {model.n_states} states, {model.n_actions} actions, {nnz} non-zeros, "
            f"matrices {_matrix_mb(model):.1f} MB",
            flush=True,
        )
        start = time.perf_counter()
        t_opt, d_opt = multi_link_optimal_waiting_time(model)
        report(f"{label}: optimum by policy iteration", time.perf_counter() - start)
        if n <= 4:
            start = time.perf_counter()
            multi_link_optimal_waiting_time(model, method="value_iteration")
            report(f"{label}: optimum by value iteration", time.perf_counter() - start)
        d_asap = model.swap_asap_decision()
        t_asap = multi_link_waiting_time(model, d_asap)
        start = time.perf_counter()
        f_opt = multi_link_delivered_fidelity(model, d_opt, WERNER0, COHERENCE)
        f_asap = multi_link_delivered_fidelity(model, d_asap, WERNER0, COHERENCE)
        report(f"{label}: delivered fidelity, both policies", time.perf_counter() - start)
        start = time.perf_counter()
        sim = simulate_repeater_chain(
            n,
            P,
            P_SWAP,
            cutoff,
            policy=model.policy_map(d_opt),
            trials=10_000,
            rng=np.random.default_rng(1),
        )
        report(f"{label}: Monte Carlo, 10^4 trials", time.perf_counter() - start)
        mean, sem = sim.mean_waiting_steps()
        print(
            f"    T_opt = {t_opt:.6f} (Monte Carlo {mean:.3f} +- {sem:.3f}), "
            f"T_swap-asap = {t_asap:.6f}, advantage {100 * (t_asap - t_opt) / t_opt:.2f} %; "
            f"F_opt = {f_opt:.6f}, F_swap-asap = {f_asap:.6f}; peak memory {_peak_mb():.0f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
