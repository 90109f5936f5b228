"""Network analysis: a random geometric network with concurrent requests (issue: target < 5 s for 100 nodes,
300 links, 20 requests), and how the time grows with size."""

from __future__ import annotations

import time

import numpy as np

from qdms.network import ProtocolSettings, Request, random_geometric_network, serve_requests

from .timing import report


def _requests(net, count, seed):
    rng = np.random.default_rng(seed)
    names = [n.name for n in net.nodes]
    out = []
    for k in range(count):
        a, b = rng.choice(names, size=2, replace=False)
        out.append(Request(f"r{k}", (str(a), str(b))))
    return out


def main() -> None:
    for nodes, links, requests in ((25, 75, 5), (50, 150, 10), (100, 300, 20), (200, 600, 40)):
        start = time.perf_counter()
        net = random_geometric_network(nodes, links, seed=1)
        build = time.perf_counter() - start
        reqs = _requests(net, requests, seed=2)
        settings = ProtocolSettings(swap_probability=0.9, on_failure="restart", round_steps=20)
        start = time.perf_counter()
        plan = serve_requests(net, reqs, settings)
        elapsed = time.perf_counter() - start
        target = 5.0 if nodes == 100 else None
        report(
            f"{nodes} nodes, {links} links, {requests} requests (routing + exact analysis)",
            elapsed,
            target,
        )
        print(f"    built in {build * 1e3:.0f} ms; served {len(plan.served)}/{requests}")
    net = random_geometric_network(100, 300, seed=1)
    start = time.perf_counter()
    plan = serve_requests(net, _requests(net, 20, seed=2), ProtocolSettings(swap_probability=0.9))
    report(
        "100 nodes, 300 links, 20 requests, on_failure='continue' (product chains)",
        time.perf_counter() - start,
    )
    print(
        f"    served {len(plan.served)}/20; refused: {sum('joint' in (r.reason or '') for r in plan.unserved)}"
    )
