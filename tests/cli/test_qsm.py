"""``qdms qsm``: a thin shell over qdms.apps.metrology."""

from typer.testing import CliRunner

import qdms.cli.commands  # noqa: F401  (registers the commands)
from qdms.apps.metrology import QSMProtocol
from qdms.cli.app import app

runner = CliRunner()


def test_qsm_prints_the_run_and_its_bounds():
    out = runner.invoke(
        app, ["qsm", "--pairs", "2000", "--p-encode", "0.5", "-N", "4", "--seed", "3"]
    )
    assert out.exit_code == 0, out.output
    assert "QCRB" in out.output and "SQL" in out.output
    r = QSMProtocol(2000, 0.5, 4, 0.3, seed=3).run()
    assert f"{r.estimate:.6g}" in out.output  # the same seed gives the same numbers


def test_qsm_with_attack_and_noise():
    out = runner.invoke(
        app,
        [
            "qsm",
            "--pairs",
            "500",
            "--fidelity",
            "0.97",
            "--abort-threshold",
            "0.1",
            "--attack",
            "forward_intercept_resend_z",
            "--attacked",
            "20",
        ],
    )
    assert out.exit_code == 0, out.output
    assert "P_D eq. 7" in out.output and "forward_intercept_resend_z" in out.output


def test_qsm_plot(tmp_path):
    target = tmp_path / "fig2.png"
    out = runner.invoke(app, ["qsm", "--pairs", "100", "--plot", str(target)])
    assert out.exit_code == 0, out.output
    assert target.read_bytes()[:4] == b"\x89PNG"


def test_qsm_bad_input_exits_with_a_clear_message():
    out = runner.invoke(app, ["qsm", "--p-encode", "1.5"])
    assert out.exit_code == 2
    assert "p_encode must lie in (0, 1], got 1.5" in out.output
    out = runner.invoke(app, ["qsm", "--werner", "0.9", "--fidelity", "0.9"])
    assert out.exit_code == 2 and "not both" in out.output
