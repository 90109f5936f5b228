import json

import pytest

from qdms.links import ElementaryLink, MemoryCutoff
from qdms.physics import fiber_link
from qdms.report import run_demo


def test_demo_numbers_agree_with_the_library(tmp_path):
    result = run_demo(tmp_path)
    assert {p.name for p in result.files} == {"demo.json", "demo_links.png", "demo_links.svg"}
    saved = json.loads((tmp_path / "demo.json").read_text())
    fiber = result.links[0]
    assert saved[0]["optimal_cutoff"] == fiber.optimal_cutoff
    link = ElementaryLink.from_physics(
        fiber_link(50.0, source_fidelity=0.97, detector_efficiency=0.9, coherence_time_s=0.05)
    )
    cutoff, value = link.optimal_cutoff()
    assert fiber.optimal_cutoff == cutoff
    assert fiber.steady_state_value == pytest.approx(value)
    # Steady state reached by iterating the chain long enough
    assert link.value(20_000, MemoryCutoff(cutoff)) == pytest.approx(value, rel=1e-9)
    assert 0 < fiber.bb84_key_rate_bps < fiber.six_state_key_rate_bps
