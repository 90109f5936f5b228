from typer.testing import CliRunner

import qdms
import qdms.cli.commands
from qdms.cli.app import app

runner = CliRunner()


def test_version_and_help():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert qdms.__version__ in result.stdout
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "demo" in result.stdout and "figures" in result.stdout


def test_demo_command(tmp_path):
    result = runner.invoke(app, ["demo", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "optimal cutoff" in result.stdout
    assert (tmp_path / "demo_links.png").exists()


def test_figures_command(tmp_path):
    result = runner.invoke(app, ["figures", str(tmp_path), "--only", "khatri_fig16"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "khatri_fig16.svg").exists()
    bad = runner.invoke(app, ["figures", str(tmp_path), "--only", "nope"])
    assert bad.exit_code == 2
