"""Scenario files: the schema, safe YAML loading with clear errors, and building the network.

``load_scenario(path) -> Scenario`` reads and validates a YAML scenario (errors
carry file, line, field path, value and what is allowed); ``build_network``,
``build_requests`` and ``protocol_settings`` turn the validated model into the
objects of :mod:`qdms.network`. ``scenario_json_schema()`` is what ``qdms schema``
prints. See ``docs/scenarios.md``.
"""

from .build import (
    build_network,
    build_requests,
    fiber_length_km,
    link_memory,
    link_physics,
    link_policy,
    physics_problems,
    protocol_settings,
)
from .checks import check_scenario, request_sites
from .loading import (
    ScenarioError,
    ScenarioIssue,
    format_path,
    load_scenario,
    parse_scenario,
    scenario_hash,
)
from .schema import (
    SCENARIO_FORMAT_VERSION,
    Analyses,
    ClockSyncRequest,
    Detectors,
    Fiber,
    GHZSensingRequest,
    LinkSpec,
    Memory,
    Multiplexing,
    Policies,
    Protocol,
    QKDRequest,
    RequestSpec,
    Satellite,
    Scenario,
    SecureSensingRequest,
    Site,
    Source,
    scenario_json_schema,
)

__all__ = [
    "SCENARIO_FORMAT_VERSION",
    "Analyses",
    "ClockSyncRequest",
    "Detectors",
    "Fiber",
    "GHZSensingRequest",
    "LinkSpec",
    "Memory",
    "Multiplexing",
    "Policies",
    "Protocol",
    "QKDRequest",
    "RequestSpec",
    "Satellite",
    "Scenario",
    "ScenarioError",
    "ScenarioIssue",
    "SecureSensingRequest",
    "Site",
    "Source",
    "build_network",
    "build_requests",
    "check_scenario",
    "fiber_length_km",
    "format_path",
    "link_memory",
    "link_physics",
    "link_policy",
    "load_scenario",
    "parse_scenario",
    "physics_problems",
    "protocol_settings",
    "request_sites",
    "scenario_hash",
    "scenario_json_schema",
]
