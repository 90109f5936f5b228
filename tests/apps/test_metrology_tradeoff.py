"""Trade-off (Fig. 2, eq. 8) and its figure (qdms.apps.metrology.tradeoff, .plots)."""

import math
import subprocess
import sys

import numpy as np
import pytest

from qdms.apps.metrology import (
    ATTACKS,
    attack_detection_probability,
    best_encoding_probability,
    detection_probability,
    plot_tradeoff,
    quantum_advantage_interval,
    tradeoff_curve,
    tradeoff_figure,
)
from qdms.apps.metrology.plots import DETECTION_LABEL, SQL_LABEL, VARIANCE_LABEL


def test_curve_data():
    pe = np.linspace(0.05, 1, 20)
    c = tradeoff_curve(attacked=12, repetitions=50, n_encodings=5, p_encode=pe)
    np.testing.assert_allclose(c.detection, 1 - ((3 + pe) / 4) ** 12, rtol=1e-12)
    np.testing.assert_allclose(c.variance, 1 / (pe * 50 * 25), rtol=1e-14)
    assert c.sql == 1 / 250 and c.advantage_bound == 0.2
    # eq. 8: below the SQL exactly when P_E > 1/N
    np.testing.assert_array_equal(c.variance < c.sql, pe > 0.2)
    assert set(c.attack_detection) == set(ATTACKS)
    assert np.all(np.diff(c.detection) < 0) and np.all(np.diff(c.variance) < 0)


def test_quantum_advantage_interval():
    assert quantum_advantage_interval(10) == (0.1, 1.0)


@pytest.mark.parametrize("attack", [None, *ATTACKS])
def test_best_encoding_probability_is_the_largest_meeting_the_requirement(attack):
    target, nu, n, l_ = 0.95, 200, 8, 30
    pt = best_encoding_probability(target, nu, n, attacked=l_, attack=attack)

    def pd(p):
        if attack is None:
            return detection_probability(p, l_)
        return attack_detection_probability(attack, p, l_)

    assert pd(pt.p_encode) == pytest.approx(target, rel=1e-9)
    assert pd(pt.p_encode * (1 - 1e-6)) > target > pd(min(1.0, pt.p_encode * (1 + 1e-6)))
    assert pt.variance == pytest.approx(1 / (pt.p_encode * nu * n * n))
    assert pt.quantum_advantage == (pt.p_encode > 1 / n)


def test_best_encoding_probability_limits():
    assert best_encoding_probability(0.0, 100, 4).p_encode == 1.0
    with pytest.raises(ValueError, match="cannot be met"):
        best_encoding_probability(0.9, 100, 4, attacked=2)
    with pytest.raises(ValueError, match="required_detection must be < 1"):
        best_encoding_probability(1.0, 100, 4)
    # all pairs attacked by default (l = nu)
    pt = best_encoding_probability(0.99, 100, 10)
    assert detection_probability(pt.p_encode, 100) == pytest.approx(0.99, rel=1e-9)


def test_plot_writes_png_with_the_curve_data(tmp_path):
    curve = tradeoff_curve(attacked=10, repetitions=100, n_encodings=10)
    path = plot_tradeoff(tmp_path / "fig2", curve=curve)
    assert path.suffix == ".png" and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    fig = tradeoff_figure(curve)
    ax, ax2 = fig.axes
    lines = {line.get_label(): line for line in ax.lines + ax2.lines}
    np.testing.assert_array_equal(lines[DETECTION_LABEL].get_xdata(), curve.p_encode)
    np.testing.assert_allclose(
        lines[DETECTION_LABEL].get_ydata(), 1 - ((3 + curve.p_encode) / 4) ** 10, rtol=1e-12
    )
    np.testing.assert_allclose(
        lines[VARIANCE_LABEL].get_ydata(), 1 / (curve.p_encode * 100 * 100), rtol=1e-12
    )
    assert lines[SQL_LABEL].get_ydata()[0] == pytest.approx(1e-3)
    # Identical attack curves share a line: Z and X intercept-resend.
    merged = [k for k in lines if "forward_intercept_resend_z" in k]
    assert merged == ["forward_intercept_resend_z = forward_intercept_resend_x"]
    np.testing.assert_allclose(
        lines[merged[0]].get_ydata(),
        attack_detection_probability("forward_intercept_resend_z", curve.p_encode, 10),
    )
    assert any(math.isclose(p.get_x() + p.get_width(), 0.1) for p in ax.patches)  # eq. 8 shading


def test_importing_the_package_does_not_import_matplotlib():
    code = "import sys, qdms.apps.metrology; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
