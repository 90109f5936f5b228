"""Scenario errors: file, line, field path, value and what is allowed; all of them at once."""

import pytest

from qdms.scenario import ScenarioError, load_scenario, parse_scenario

BASE = """\
name: lines
sites:
  - name: a
    position_km: [0, 0]
    memory: {coherence_time_s: 0.1}
  - name: b
    position_km: [10, 0]
    memory: {coherence_time_s: 0.1}
  - name: c
    memory: {coherence_time_s: 0.1}
links:
  - between: [a, b]
    fiber:
      length_km: 12
requests:
  - name: key
    kind: qkd
    between: [a, b]
"""


def errors(text: str, source: str = "bad.yaml") -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source=source)
    assert str(info.value) == "\n".join(str(i) for i in info.value.issues)
    return [str(i) for i in info.value.issues]


def test_the_base_is_valid():
    assert parse_scenario(BASE).links[0].fiber.length_km == 12


def test_out_of_range_value_names_file_line_path_value_and_bound():
    assert errors(BASE.replace("length_km: 12", "length_km: -5")) == [
        "bad.yaml:14: links[0].fiber.length_km: -5 is not allowed: must be > 0 "
        "(Input should be greater than 0)"
    ]


def test_unknown_field_suggests_the_right_one():
    (msg,) = errors(BASE.replace("length_km: 12", "lenght_km: 12"))
    assert msg.startswith(
        "bad.yaml:14: links[0].fiber.lenght_km: unknown field; did you mean 'length_km'?"
    )
    assert "attenuation_db_per_km" in msg  # the allowed fields are listed


def test_wrong_type():
    (msg,) = errors(BASE.replace("length_km: 12", "length_km: twelve"))
    assert msg.startswith(
        "bad.yaml:14: links[0].fiber.length_km: 'twelve' is not allowed: must be a number"
    )


def test_missing_field_points_at_its_parent():
    (msg,) = errors(
        BASE.replace(
            "memory: {coherence_time_s: 0.1}\n  - name: b", "memory: {qubits: 1}\n  - name: b"
        )
    )
    assert msg.startswith("bad.yaml:5: sites[0].memory.coherence_time_s: required field is missing")
    assert "[s]" in msg  # the description carries the unit


def test_bad_request_kind_lists_the_kinds():
    (msg,) = errors(BASE.replace("kind: qkd", "kind: teleport"))
    assert msg.startswith("bad.yaml:17: requests[0].kind:")
    assert "qkd" in msg and "secure_sensing" in msg and "ghz_sensing" in msg and "clock_sync" in msg


def test_error_inside_a_request_skips_the_union_tag_in_its_path():
    text = BASE.replace("between: [a, b]\n", "between: [a, b]\n    data_rate_bps: -1\n").replace(
        "  - between: [a, b]\n    data_rate_bps: -1\n", "  - between: [a, b]\n"
    )
    (msg,) = errors(text)
    assert msg.startswith("bad.yaml:19: requests[0].data_rate_bps: -1 is not allowed: must be > 0")


def test_malformed_yaml():
    (msg,) = errors(BASE.replace("between: [a, b]\n    fiber", "between: [a, b\n    fiber"))
    assert msg.startswith("bad.yaml:13: malformed YAML:")


def test_duplicate_keys_are_errors():
    (msg,) = errors(
        BASE.replace("      length_km: 12\n", "      length_km: 12\n      length_km: 13\n")
    )
    assert (
        msg == "bad.yaml:15: links[0].fiber.length_km: duplicate key 'length_km' (first at line 14)"
    )


def test_request_between_disconnected_sites():
    (msg,) = errors(
        BASE.replace("    kind: qkd\n    between: [a, b]", "    kind: qkd\n    between: [a, c]")
    )
    assert (
        msg
        == "bad.yaml:18: requests[0].between: sites 'a' and 'c' are not connected by any chain of links"
    )


def test_unknown_site_and_every_error_at_once():
    text = BASE.replace("  - between: [a, b]\n    fiber", "  - between: [a, d]\n    fiber").replace(
        "kind: qkd\n    between: [a, b]", "kind: qkd\n    between: [a, e]"
    )
    msgs = errors(text)
    assert msgs[0].startswith("bad.yaml:12: links[0].between[1]: 'd' is not a site")
    assert any(m.startswith("bad.yaml:18: requests[0].between[1]: 'e' is not a site") for m in msgs)


def test_physics_problems_have_lines_too():
    (msg,) = errors(
        BASE.replace("      length_km: 12\n", "      length_km: 12\n    cutoff: 100000\n")
    )
    assert msg.startswith(
        "bad.yaml:15: links[0].cutoff: 100000 is not allowed: must be <= the memory horizon m*"
    )


def test_fiber_and_satellite_together():
    text = BASE.replace(
        "      length_km: 12\n",
        "      length_km: 12\n    satellite: {altitude_km: 500, ground_distance_km: 100}\n",
    )
    (msg,) = errors(text)
    assert msg == "bad.yaml:12: links[0]: give exactly one of 'fiber' or 'satellite'"


def test_fiber_length_needs_positions():
    (msg,) = errors(
        BASE.replace(
            "  - between: [a, b]\n    fiber:\n      length_km: 12\n",
            "  - between: [a, c]\n    fiber: {}\n  - between: [a, b]\n    fiber: {}\n",
        )
    )
    assert msg.startswith(
        "bad.yaml:13: links[0].fiber: length_km is omitted and site(s) ['c'] have no position_km"
    )


def test_safe_loading_builds_no_python_objects(tmp_path):
    marker = tmp_path / "ran"
    text = BASE.replace("name: lines", f'name: !!python/object/apply:os.system ["touch {marker}"]')
    (msg,) = errors(text)
    assert msg.startswith("bad.yaml:1: malformed YAML:")
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "bad.yaml:1: the file is empty"), ("- 1\n- 2\n", "bad.yaml:1: a scenario is a mapping")],
    ids=["empty", "list"],
)
def test_not_a_scenario(text, expected):
    (msg,) = errors(text)
    assert msg.startswith(expected)


def test_files(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace("length_km: 12", "length_km: 0"))
    with pytest.raises(
        ScenarioError, match=r"s\.yaml:14: links\[0\]\.fiber\.length_km: 0 is not allowed"
    ):
        load_scenario(path)
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "missing.yaml")
    path.write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(path)


def test_attacked_cannot_exceed_pairs():
    text = BASE.replace(
        "kind: qkd\n    between: [a, b]",
        "kind: secure_sensing\n    between: [a, b]\n    pairs: 5\n    attacked: 6",
    )
    (msg,) = errors(text)
    assert msg == "bad.yaml:20: requests[0].attacked: 6 is not allowed: must be <= pairs (5)"
