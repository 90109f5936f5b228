import math

import numpy as np
import pytest

from qdms.physics.fiber import (
    SPEED_OF_LIGHT_KM_PER_S,
    attenuation_length_km,
    fiber_loss_db,
    fiber_propagation_delay_s,
    fiber_transmittance,
    fiber_transmittance_db,
    round_trip_time_step_s,
)


def test_transmittance_is_exponential():
    assert fiber_transmittance(0.0) == 1.0
    assert fiber_transmittance(22.0) == pytest.approx(math.exp(-1), rel=1e-15)
    lengths = np.array([10.0, 50.0, 500.0])
    assert np.allclose(
        fiber_transmittance(lengths, attenuation_length_km=10.0), np.exp(-lengths / 10)
    )


def test_db_and_exponential_forms_agree():
    # 0.2 dB/km <-> L0 = 10/(0.2 ln 10) km (21.71 km, "22 km" in Khatri App. C.1)
    l0 = attenuation_length_km(0.2)
    for length in (1.0, 100.0, 1000.0):
        assert fiber_transmittance(length, attenuation_length_km=l0) == pytest.approx(
            fiber_transmittance_db(length, loss_db_per_km=0.2), rel=1e-12
        )
    assert fiber_loss_db(fiber_transmittance_db(100.0)) == pytest.approx(20.0)


def test_very_long_fiber_underflows_gracefully():
    # 1000 km at 0.2 dB/km is 1e-20: still representable, not rounded to 0.
    assert fiber_transmittance_db(1000.0) == pytest.approx(1e-20, rel=1e-12)


def test_delays():
    assert fiber_propagation_delay_s(100.0, group_index=1.5) == pytest.approx(
        150.0 / SPEED_OF_LIGHT_KM_PER_S
    )
    assert round_trip_time_step_s(150.0) == pytest.approx(300.0 / SPEED_OF_LIGHT_KM_PER_S)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: fiber_transmittance(-1.0), "length_km must be >= 0"),
        (
            lambda: fiber_transmittance(1.0, attenuation_length_km=0),
            "attenuation_length_km must be finite and > 0",
        ),
        (lambda: fiber_transmittance(float("nan")), "length_km must have finite entries"),
        (lambda: fiber_loss_db(0.0), "transmittance must lie in \\(0, 1\\]"),
        (lambda: attenuation_length_km(-0.2), "loss_db_per_km must be finite and > 0"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
