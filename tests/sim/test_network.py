import numpy as np
import pytest

from qdms.links import ElementaryLink, MemoryCutoff
from qdms.sim.network import simulate_delivery


def test_single_link_waiting_time_is_geometric():
    sim = simulate_delivery(
        [ElementaryLink(0.25, [1.0])],
        [MemoryCutoff(0)],
        trials=50_000,
        rng=np.random.default_rng(1),
    )
    counts = np.bincount(sim.waiting_steps, minlength=6)[1:6] / 50_000
    expected = 0.25 * 0.75 ** np.arange(5)
    assert np.all(np.abs(counts - expected) < 5 * np.sqrt(expected * (1 - expected) / 50_000))


def test_stop_after_one_round_and_reproducible():
    links = [ElementaryLink(0.5, [1.0, 0.9])] * 2
    a = simulate_delivery(
        links,
        [MemoryCutoff(1)] * 2,
        round_steps=2,
        on_failure="stop",
        trials=1000,
        rng=np.random.default_rng(3),
    )
    b = simulate_delivery(
        links,
        [MemoryCutoff(1)] * 2,
        round_steps=2,
        on_failure="stop",
        trials=1000,
        rng=np.random.default_rng(3),
    )
    assert np.array_equal(a.waiting_steps, b.waiting_steps)
    assert set(a.waiting_steps[a.delivered]) == {2}
    assert a.delivered.mean() == pytest.approx(0.75**2, abs=0.05)


def test_bad_on_failure():
    with pytest.raises(ValueError, match="on_failure must be"):
        simulate_delivery(
            [ElementaryLink(0.5, [1.0])],
            [MemoryCutoff(0)],
            on_failure="x",
            trials=1,
            rng=np.random.default_rng(0),
        )
