"""The scenario schema: examples validate, every field has a unit and a description, models are frozen."""

import json
import pathlib

import pydantic
import pytest

from qdms.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    scenario_hash,
    scenario_json_schema,
)

EXAMPLES = sorted((pathlib.Path(__file__).parents[2] / "examples").glob("*.yaml"))

MINIMAL = """\
name: two-sites
sites:
  - {name: a, memory: {coherence_time_s: 0.1}}
  - {name: b, memory: {coherence_time_s: 0.1}}
links:
  - {between: [a, b], fiber: {length_km: 10}}
"""


def test_the_four_examples_exist():
    names = {p.stem for p in EXAMPLES}
    assert {"metro-sensing", "khatri-satellite", "rahim-qsm", "smart-grid-qkd"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_validate_and_cite_their_sources(path):
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    assert scenario.sources, "every example documents where its parameters come from"
    assert scenario.requests


def _walk_properties(schema, defs, seen=()):
    """Yield (path, property schema) for every property of every object in the schema."""
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        if name in seen:
            return
        yield from _walk_properties(defs[name], defs, seen + (name,))
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from _walk_properties(sub, defs, seen)
    if "items" in schema:
        yield from _walk_properties(schema["items"], defs, seen)
    for item in schema.get("prefixItems", []):
        yield from _walk_properties(item, defs, seen)
    for name, prop in schema.get("properties", {}).items():
        yield (*seen, name), prop
        yield from _walk_properties(prop, defs, seen)


def test_every_field_has_a_description_with_its_unit():
    schema = scenario_json_schema()
    props = list(_walk_properties(schema, schema["$defs"]))
    assert len(props) > 60
    for path, prop in props:
        assert "unit" in prop, path
        assert prop.get("description", "").endswith(f"[{prop['unit']}]"), path
    json.dumps(schema)  # serialisable


def test_models_are_frozen_and_reject_unknown_fields():
    scenario = parse_scenario(MINIMAL)
    with pytest.raises(pydantic.ValidationError):
        scenario.name = "other"
    with pytest.raises(pydantic.ValidationError):
        Scenario.model_validate({**scenario.model_dump(), "colour": "blue"})


def test_defaults_are_filled():
    s = parse_scenario(MINIMAL)
    assert s.policies.cutoff == "optimal"
    assert s.protocol.on_failure == "continue" and s.protocol.allocation == "exclusive"
    assert s.links[0].fiber.attenuation_db_per_km == 0.2
    assert s.links[0].link_name == "a-b" and s.links[0].kind == "fiber"


def test_hash_ignores_layout_and_spelled_out_defaults_but_not_values():
    base = scenario_hash(parse_scenario(MINIMAL))
    relaid = """\
# a comment
name: two-sites
links: [{between: [a, b], fiber: {length_km: 10.0, attenuation_db_per_km: 0.2}}]
sites: [{name: a, memory: {coherence_time_s: 0.1}}, {name: b, memory: {coherence_time_s: 0.1, qubits: 1}}]
"""
    assert scenario_hash(parse_scenario(relaid)) == base
    changed = MINIMAL.replace("length_km: 10", "length_km: 11")
    assert scenario_hash(parse_scenario(changed)) != base
    assert len(base) == 64


@pytest.mark.parametrize(
    "text",
    [
        MINIMAL.replace("length_km: 10", "length_km: .inf"),
        MINIMAL.replace(
            "coherence_time_s: 0.1}}\n  - {name: b", "coherence_time_s: .nan}}\n  - {name: b"
        ),
    ],
    ids=["inf", "nan"],
)
def test_non_finite_numbers_are_rejected(text):
    with pytest.raises(ScenarioError):
        parse_scenario(text)
