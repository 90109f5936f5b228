"""run_scenario: the report folder is written whole or not at all; results.json carries units."""

import json
import math
import pathlib

import pytest

import qdms
from qdms.report import check_output_folder, run_scenario
from qdms.report import run as run_module
from qdms.scenario import load_scenario, scenario_hash

EXAMPLES = pathlib.Path(__file__).parents[2] / "examples"


@pytest.fixture(scope="module")
def rahim(tmp_path_factory):
    scenario = load_scenario(EXAMPLES / "rahim-qsm.yaml")
    out = tmp_path_factory.mktemp("run") / "rahim"
    steps = []
    result = run_scenario(scenario, out, progress=lambda *a: steps.append(a))
    return scenario, result, steps


def walk(tree, path=()):
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from walk(v, (*path, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            yield from walk(v, (*path, i))
    else:
        yield path, tree


def test_files_and_progress(rahim):
    scenario, result, steps = rahim
    names = {p.name for p in result.outdir.iterdir()}
    assert {"report.md", "report.html", "results.json", "scenario.yaml"} <= names
    assert {"network_map.png", "network_map.svg", "links_vt.png", "qsm_secure-phase.svg"} <= names
    assert names == {p.name for p in result.files}
    assert steps[-1] == ("writing the report", 1, 1)
    assert (
        load_scenario(result.outdir / "scenario.yaml") == scenario
    )  # the copy reloads to the same model


def test_results_json_every_number_has_a_unit(rahim):
    scenario, result, _ = rahim
    tree = json.loads((result.outdir / "results.json").read_text())
    assert tree == result.results
    assert tree["qdms_version"] == qdms.__version__
    assert tree["scenario_sha256"] == scenario_hash(scenario)
    assert tree["run"]["started_utc"].endswith("+00:00") and tree["run"]["duration"]["unit"] == "s"
    numbers = 0
    for path, value in walk(tree):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if path == ("scenario", "format_version"):
            continue  # a version number, not a quantity
        assert path[-1] == "value", path
        parent = tree
        for key in path[:-1]:
            parent = parent[key]
        assert isinstance(parent["unit"], str) and parent["unit"], path
        numbers += 1
    assert numbers > 40
    assert tree["protocol"]["round_steps"] == {"value": 1, "unit": "steps"}
    assert tree["protocol"]["on_failure"] == "continue"
    qsm = tree["requests"]["secure-phase"]["application"]
    assert qsm["type"] == "QSMFigures"
    assert qsm["qcrb_ideal"] == {"value": pytest.approx(1 / (0.5 * 100 * 10**2)), "unit": "rad^2"}
    assert qsm["detection_probability_eq7"]["value"] == pytest.approx(
        1 - (3.5 / 4) ** 10, rel=1e-12
    )
    assert qsm["sql"]["value"] == pytest.approx(1 / (100 * 10), rel=1e-12)
    assert qsm["best_p_encode"]["value"] == pytest.approx(
        1 - (1 - 0.1 ** (1 / 10)) / 0.25, rel=1e-12
    )


def test_markdown_and_html(rahim):
    _, result, _ = rahim
    md = (result.outdir / "report.md").read_text()
    assert "## Summary" in md and "![" in md and "| quantity | value |" in md
    assert "qdms figures DIR" in md
    html = (result.outdir / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 3
    assert (
        "<script" not in html
        and "http://" not in html
        and "https://" not in html.replace("https://json-schema.org", "")
    )
    assert "<table>" in html and "QCRB" in html


def test_a_failed_run_leaves_nothing(tmp_path, monkeypatch):
    scenario = load_scenario(EXAMPLES / "rahim-qsm.yaml")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(run_module, "draw_plots", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run_scenario(scenario, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []  # neither the folder nor the partial one


def test_a_failed_rerun_keeps_the_earlier_report(rahim, tmp_path, monkeypatch):
    scenario, _, _ = rahim
    out = tmp_path / "out"
    run_scenario(
        scenario.model_copy(
            update={"analyses": scenario.analyses.model_copy(update={"plots": False})}
        ),
        out,
    )
    before = sorted(p.name for p in out.iterdir())
    monkeypatch.setattr(run_module, "render_html", lambda doc: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run_scenario(scenario, out)
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_only_earlier_reports_are_replaced(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(FileExistsError, match="refusing to replace"):
        check_output_folder(tmp_path / "mine")
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileExistsError):
        check_output_folder(tmp_path / "file")
    (tmp_path / "empty").mkdir()
    assert check_output_folder(tmp_path / "empty") == tmp_path / "empty"


def test_non_finite_numbers_are_strings():
    from qdms.report import quantity

    assert quantity(math.inf, "s") == {"value": "inf", "unit": "s"}
    assert quantity(None, "s") is None
    with pytest.raises(TypeError):
        quantity(True, "1")
