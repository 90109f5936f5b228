"""Nested swapping chains: time for the full waiting-time pmf and Werner parameter.

The chain of the issue "Repeater chains": p_gen 0.01, p_swap 0.5, coherence time 400
steps, w0 0.98, cut-off 400 steps on every level, 30000 time steps kept. Targets: the
warm medians of Li, Coopmans & Elkouss's numba code on the same chain, measured on this
machine (../shared/peers/baselines.json; run ../shared/peers/compare_nested.py for a
side-by-side run in one process pair, with the numbers checked equal).
"""

from __future__ import annotations

import json
import pathlib

from qdms.chains import nested_chain, optimise_cutoff

from .timing import median_time, report

ISSUE = dict(p_gen=0.01, p_swap=0.5, coherence_steps=400.0, werner0=0.98)
BASELINES = pathlib.Path(__file__).resolve().parents[2] / "shared" / "peers" / "baselines.json"


def _peer_times() -> dict[tuple[int, str], float]:
    """Warm medians of the authors' code per (segments, cut-off), if the baselines are here."""
    try:
        cases = json.loads(BASELINES.read_text())["cutoff"]["cases"]
    except (OSError, KeyError, ValueError):
        return {}
    return {
        (c["params"]["segments"], str(c["params"]["mt_cut"])): c["time_s"]["warm_median"]
        for c in cases
    }


def main() -> None:
    peer = _peer_times()
    for cutoff in (400, None):
        for levels in range(4):
            segments = 2**levels
            kw = dict(ISSUE, cutoff=cutoff if levels else None, truncation=30000)
            seconds = median_time(lambda kw=kw, levels=levels: nested_chain(levels, **kw))
            key = (segments, "none" if cutoff is None or not levels else str(cutoff))
            label = f"nested_chain {segments} segments, cut-off {kw['cutoff']}, 30000 steps"
            report(label, seconds, peer.get(key))
    res = nested_chain(3, **ISSUE, cutoff=400, truncation=0.999)
    seconds = median_time(lambda: nested_chain(3, **ISSUE, cutoff=400, truncation=0.999))
    report(f"nested_chain 8 segments, cut-off 400, mass 0.999 ({len(res.pmf)} steps)", seconds)
    seconds = median_time(lambda: optimise_cutoff(2, **ISSUE), repeat=3)
    report("optimise_cutoff 4 segments, one shared cut-off", seconds)
    seconds = median_time(lambda: optimise_cutoff(2, **ISSUE, per_level=True), repeat=3)
    report("optimise_cutoff 4 segments, one cut-off per level", seconds)


if __name__ == "__main__":
    main()
