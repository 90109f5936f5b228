"""End to end: `qdms run` on every example, its numbers against the library; bad input; the HTML in Chromium."""

import json
import math
import pathlib
import shutil
import subprocess

import numpy as np
import pytest
from typer.testing import CliRunner

import qdms
import qdms.cli.commands  # registers the commands
from qdms.apps.qkd import bb84_key_fraction, six_state_key_fraction
from qdms.cli.app import app
from qdms.figures import fig13_data, fig15_data
from qdms.network import Network, Node, ProtocolSettings, Request, link_from_physics, serve_requests
from qdms.physics import attenuation_length_km, fiber_link
from qdms.scenario import (
    build_network,
    build_requests,
    load_scenario,
    protocol_settings,
    scenario_hash,
)

runner = CliRunner()
EXAMPLES = pathlib.Path(__file__).parents[2] / "examples"
NAMES = ("metro-sensing", "khatri-satellite", "rahim-qsm", "smart-grid-qkd")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Run the CLI once on every example; returns name -> (output folder, stdout)."""
    base = tmp_path_factory.mktemp("reports")
    out = {}
    for name in NAMES:
        result = runner.invoke(app, ["run", str(EXAMPLES / f"{name}.yaml"), "-o", str(base / name)])
        assert result.exit_code == 0, result.output
        out[name] = (base / name, result.stdout)
    return out


def results(reports, name):
    return json.loads((reports[name][0] / "results.json").read_text())


def value(q):
    return q["value"]


@pytest.mark.parametrize("name", NAMES)
def test_run_writes_the_report_and_prints_a_summary(reports, name):
    folder, stdout = reports[name]
    assert {"report.md", "report.html", "results.json", "network_map.png", "network_map.svg"} <= {
        p.name for p in folder.iterdir()
    }
    assert f"report: {folder / 'report.html'}" in stdout
    assert "requests" in stdout
    tree = results(reports, name)
    assert tree["qdms_version"] == qdms.__version__
    assert tree["scenario_sha256"] == scenario_hash(load_scenario(EXAMPLES / f"{name}.yaml"))
    assert not [p for p in folder.parent.iterdir() if ".partial-" in p.name]


def test_metro_numbers_are_the_library_numbers(reports):
    tree = results(reports, "metro-sensing")
    scenario = load_scenario(EXAMPLES / "metro-sensing.yaml")
    network = build_network(scenario)
    for link in network.links:
        saved = tree["links"][link.name]
        cutoff, v = link.elementary.optimal_cutoff()
        assert value(saved["success_probability"]) == pytest.approx(link.elementary.p, rel=1e-12)
        assert value(saved["cutoff_steps"]) == cutoff
        assert value(saved["steady_state_value"]) == pytest.approx(v, rel=1e-12)
    plan = serve_requests(network, build_requests(scenario), protocol_settings(scenario))
    for r in plan.results:
        saved = tree["requests"][r.request.name]
        assert saved["served"] and [tuple(p) for p in saved["routes"]] == [p.nodes for p in r.paths]
        assert value(saved["fidelity"]) == pytest.approx(r.fidelity, rel=1e-12)
        assert value(saved["mean_waiting_time_s"]) == pytest.approx(
            r.mean_waiting_time_s, rel=1e-12
        )
        assert (
            saved["mean_waiting_time_s"]["unit"] == "s"
            and saved["delivery_rate_hz"]["unit"] == "1/s"
        )
    key = tree["requests"]["control-key"]["application"]
    report = plan.results[0].path_reports[0]
    assert value(key["bb84_key_rate_bps"]) == pytest.approx(
        report.key_rate_bps(bb84_key_fraction), rel=1e-12
    )
    assert key["bb84_key_rate_bps"]["unit"] == "bit/s"
    ghz = tree["requests"]["ghz-field"]
    assert ghz["hub"] == "hub" and ghz["application"]["qfi"]["unit"] == "rad^-2"


def test_smart_grid_against_a_network_built_by_hand(reports):
    """The survey's case: PMU data of 4 kbit/s, keys from a 21 km link and a 40 km relayed link."""
    tree = results(reports, "smart-grid-qkd")
    l0 = attenuation_length_km(0.2)

    def fiber(a, b, km, coherence):
        phys = fiber_link(km, attenuation_length_km=l0, source_fidelity=0.98, detector_efficiency=0.9,
                          dark_count_probability=1e-6, coherence_time_s=coherence)  # fmt: skip
        return link_from_physics(f"{a}-{b}", (a, b), phys, length_km=km)

    net = Network(
        (Node("control", "control_centre", 2, 1.0), Node("substation-a", "sensor", 1, 0.1),
         Node("relay", "repeater", 2, 0.1), Node("substation-b", "sensor", 1, 0.1)),
        (fiber("control", "substation-a", 21, 0.1), fiber("control", "relay", 20, 0.1),
         fiber("relay", "substation-b", 20, 0.1)),
    )  # fmt: skip
    plan = serve_requests(
        net,
        [
            Request("pmu-a-otp", ("control", "substation-a")),
            Request("pmu-b-aes", ("control", "substation-b")),
        ],
        ProtocolSettings(swap_probability=0.5, bell_measurement_noise=0.01),
    )
    for r in plan.results:
        report = r.path_reports[0]
        app_ = tree["requests"][r.request.name]["application"]
        assert value(app_["bb84_key_rate_bps"]) == pytest.approx(
            report.key_rate_bps(bb84_key_fraction), rel=1e-12
        )
        assert value(app_["six_state_key_rate_bps"]) == pytest.approx(
            report.key_rate_bps(six_state_key_fraction), rel=1e-12
        )
    a = tree["requests"]["pmu-a-otp"]["application"]
    b = tree["requests"]["pmu-b-aes"]["application"]
    # one-time pad: 4000 bit/s of key needed; AES-GCM-256 refreshed every second: 256 bit/s
    assert value(a["required_key_rate_bps"]) == 4000 and a["sufficient"] is False
    assert value(b["required_key_rate_bps"]) == 256 and b["sufficient"] is True
    # the survey's "~1 kbit/s of key allows sub-second AES key rotation"
    assert 500 < value(a["bb84_key_rate_bps"]) < 2000 and value(a["shortest_rekey_interval_s"]) < 1


def test_khatri_satellite_reproduces_figs_13_and_15(reports):
    tree = results(reports, "khatri-satellite")
    link = tree["links"]["downlinks"]
    fig13 = fig13_data([1000.0], [500.0])
    fig15 = fig15_data([1000.0], [500.0])
    assert value(link["success_probability"]) == pytest.approx(
        fig13.success_probability[0, 0], rel=1e-9
    )
    assert value(link["initial_fidelity"]) == pytest.approx(fig13.fidelity[0, 0], rel=1e-9)
    assert value(link["memoryless_bb84_key_rate_bps"]) == pytest.approx(fig15.bb84[0, 0], rel=1e-9)
    assert value(link["memoryless_six_state_key_rate_bps"]) == pytest.approx(
        fig15.six_state[0, 0], rel=1e-9
    )
    assert value(link["time_step_s"]) == pytest.approx(2 * 1000 / 299_792.458, rel=1e-12)
    assert value(link["max_storage_steps"]) == math.floor(1.0 / value(link["time_step_s"]))


def test_rahim_reproduces_eq_5_7_8(reports):
    app_ = results(reports, "rahim-qsm")["requests"]["secure-phase"]["application"]
    pe, nu, n, l_ = 0.5, 100, 10, 10
    assert value(app_["qcrb_ideal"]) == pytest.approx(1 / (pe * nu * n * n), rel=1e-12)
    assert value(app_["qcrb"]) == pytest.approx(1 / (pe * nu * n * n), rel=1e-9)  # ideal pairs
    assert value(app_["sql"]) == pytest.approx(1 / (nu * n), rel=1e-12)
    assert value(app_["detection_probability_eq7"]) == pytest.approx(
        1 - ((3 + pe) / 4) ** l_, rel=1e-12
    )
    assert app_["quantum_advantage"] is True
    assert value(app_["advantage_threshold_p_encode"]) == pytest.approx(1 / n, rel=1e-9)


BAD = {
    "malformed": ("      length_km: 12\n", "      length_km: [12\n", "malformed YAML"),
    "unknown field": ("      length_km: 12\n", "      lenght_km: 12\n", "unknown field"),
    "wrong type": ("      length_km: 12\n", "      length_km: twelve\n", "must be a number"),
    "out of range": ("      length_km: 12\n", "      length_km: -5\n", "must be > 0"),
    "disconnected": (
        "kind: qkd\n    between: [a, b]",
        "kind: qkd\n    between: [a, c]",
        "not connected",
    ),
}
GOOD = """\
name: cli-check
sites:
  - {name: a, memory: {coherence_time_s: 0.1}}
  - {name: b, memory: {coherence_time_s: 0.1}}
  - {name: c, memory: {coherence_time_s: 0.1}}
links:
  - between: [a, b]
    fiber:
      length_km: 12
requests:
  - name: key
    kind: qkd
    between: [a, b]
"""


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_exits_2_and_writes_nothing(tmp_path, case):
    old, new, expected = BAD[case]
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert expected in result.stderr and f"{path}:" in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]
    check = runner.invoke(app, ["validate", str(path)])
    assert check.exit_code == 2 and expected in check.stderr


def test_validate_and_schema(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0 and "valid scenario 'cli-check'" in result.stdout
    schema = runner.invoke(app, ["schema"])
    assert schema.exit_code == 0
    parsed = json.loads(schema.stdout)
    assert parsed["title"] == "Scenario" and "LinkSpec" in parsed["$defs"]


def test_run_refuses_to_replace_a_folder_that_is_not_a_report(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("keep me")
    result = runner.invoke(app, ["run", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "refusing to replace" in result.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["notes.txt"]


def test_the_html_report_renders_in_headless_chromium(reports, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip(
            "chromium is not installed (`make test` installs Debian's chromium where apt-get works)"
        )
    html = reports["metro-sensing"][0] / "report.html"
    shot = tmp_path / "report.png"
    cmd = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1280,2000",
        html.as_uri(),
    ]  # fmt: skip
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert shot.is_file() and shot.stat().st_size > 20_000
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)[..., :3]
    assert pixels.shape[:2] == (2000, 1280)
    colours = np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 200  # text, table shading and the embedded plots, not a blank page
    # the table header shading (#e8f0fa) and the plots' colours are on the page
    assert np.any(np.all(np.abs(pixels - np.array([0xE8, 0xF0, 0xFA]) / 255) < 0.01, axis=-1))
