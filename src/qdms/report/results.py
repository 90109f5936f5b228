"""``results.json``: every number of a run with its unit, the qdms version and the scenario hash.

Numbers are written as ``{"value": 0.93, "unit": "1"}`` (``"1"``: a pure number;
``"s"``, ``"1/s"``, ``"bit/s"``, ``"km"``, ``"steps"``, ``"rad^2"``, ``"rad^-2"``,
``"dB"``, ...). A non-finite value is written as the string ``"inf"``,
``"-inf"`` or ``"nan"`` (JSON has no such numbers). Names, flags and reasons
are plain JSON values.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import qdms

from ..scenario import scenario_hash
from .analysis import LinkFigures, RequestFigures, ScenarioAnalysis
from .applications import ClockFigures, GHZFigures, QKDFigures, QSMFigures

__all__ = ["UNITS", "quantity", "results_tree"]


def quantity(value: Any, unit: str) -> dict[str, Any] | None:
    """``{"value": value, "unit": unit}`` (None stays None; non-finite values become strings).

    Examples
    --------
    >>> quantity(0.5, "s"), quantity(math.inf, "s")
    ({'value': 0.5, 'unit': 's'}, {'value': 'inf', 'unit': 's'})
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("flags are not quantities")
    x = float(value) if not isinstance(value, int) else value
    if isinstance(x, float) and not math.isfinite(x):
        x = "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return {"value": x, "unit": unit}


#: Units of the numeric fields of each result class (fields not listed are written as they are).
UNITS: dict[type, dict[str, str]] = {
    LinkFigures: {
        "length_km": "km",
        "transmittance": "1",
        "success_probability": "1",
        "single_mode_success_probability": "1",
        "initial_fidelity": "1",
        "time_step_s": "s",
        "coherence_time_s": "s",
        "max_storage_steps": "steps",
        "cutoff_steps": "steps",
        "steady_state_activity": "1",
        "steady_state_fidelity": "1",
        "steady_state_value": "1",
        "heralding_rate_hz": "1/s",
        "source_rate_hz": "Hz",
        "memoryless_bb84_key_rate_bps": "bit/s",
        "memoryless_six_state_key_rate_bps": "bit/s",
    },
    RequestFigures: {
        "time_step_s": "s",
        "join_probability": "1",
        "delivery_probability": "1",
        "mean_waiting_steps": "steps",
        "mean_waiting_time_s": "s",
        "fidelity": "1",
        "werner_parameter": "1",
        "delivery_rate_hz": "1/s",
    },
    QKDFigures: {
        "bb84_key_fraction": "bit/pair",
        "six_state_key_fraction": "bit/pair",
        "bb84_key_rate_bps": "bit/s",
        "six_state_key_rate_bps": "bit/s",
        "data_rate_bps": "bit/s",
        "aes_key_bits": "bit",
        "rekey_interval_s": "s",
        "required_key_rate_bps": "bit/s",
        "margin": "1",
        "shortest_rekey_interval_s": "s",
        "one_time_pad_coverage": "1",
    },
    QSMFigures: {
        "werner_parameter": "1",
        "pairs": "pairs",
        "p_encode": "1",
        "n_encodings": "encodings",
        "qfi_ideal": "rad^-2",
        "qfi": "rad^-2",
        "qcrb_ideal": "rad^2",
        "qcrb": "rad^2",
        "sql": "rad^2",
        "advantage_threshold_p_encode": "1",
        "attacked": "particles",
        "detection_probability": "1",
        "detection_probability_eq7": "1",
        "false_abort_probability": "1",
        "false_abort_target": "1",
        "suggested_abort_threshold": "1",
        "false_abort_at_threshold": "1",
        "required_detection": "1",
        "best_p_encode": "1",
        "best_p_encode_variance": "rad^2",
        "time_per_run_s": "s",
    },
    GHZFigures: {
        "sensors": "sensors",
        "fidelity": "1",
        "white_noise_weight": "1",
        "qfi": "rad^-2",
        "qfi_sql": "rad^-2",
        "qfi_heisenberg": "rad^-2",
        "gain_over_sql_db": "dB",
        "states_per_s": "1/s",
    },
    ClockFigures: {"pairs_per_s": "1/s", "fidelity": "1"},
}

_SKIP = {"vt_steps", "vt_values", "vt_activity", "link", "result", "curve", "application"}


def _fields(obj: Any) -> dict[str, Any]:
    units = UNITS[type(obj)]
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if f.name in _SKIP:
            continue
        value = getattr(obj, f.name)
        if f.name in units and not isinstance(value, bool):
            out[f.name] = quantity(value, units[f.name])
        elif isinstance(value, tuple):
            out[f.name] = [list(v) if isinstance(v, tuple) else v for v in value]
        else:
            out[f.name] = value
    return out


def _settings(model: Any) -> dict[str, Any]:
    """A scenario section with its numbers as quantities (units from the schema)."""
    out = {}
    for name, value in model.model_dump(mode="json").items():
        unit = (type(model).model_fields[name].json_schema_extra or {}).get("unit", "1")
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        out[name] = quantity(value, unit) if numeric else value
    return out


def results_tree(analysis: ScenarioAnalysis, *, files: list[str] | None = None) -> dict[str, Any]:
    """The JSON-ready tree of ``results.json`` for ``analysis``."""
    s = analysis.scenario
    digest = scenario_hash(s)
    requests = {}
    for r in analysis.requests:
        entry = _fields(r)
        app = r.application
        entry["application"] = None if app is None else {"type": type(app).__name__, **_fields(app)}
        requests[r.name] = entry
    return {
        "qdms_version": qdms.__version__,
        "scenario_sha256": digest,
        "scenario": {"name": s.name, "title": s.title, "format_version": s.version},
        "run": {
            "started_utc": analysis.started_utc,
            "duration": quantity(analysis.elapsed_s, "s"),
        },
        "policies": _settings(s.policies),
        "protocol": _settings(s.protocol),
        "links": {lk.name: _fields(lk) for lk in analysis.links},
        "requests": requests,
        "notes": list(analysis.notes),
        "files": files or [],
    }
