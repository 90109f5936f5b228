"""The scenario schema: frozen pydantic models of a network, its requests and what to analyse.

A scenario file (YAML, :func:`qdms.scenario.load_scenario`) describes

* ``sites``: name, role, planar position (km) and memory (qubits, coherence time, noise);
* ``links``: fiber (length, attenuation) or satellite (altitude, ground distance,
  background), with their source, detectors and multiplexing;
* ``requests``: who needs what: ``qkd`` (a virtual link for keys), ``secure_sensing``
  (Bell pairs for Rahim et al.'s quantum secure metrology), ``ghz_sensing`` (a GHZ state
  for distributed sensing) and ``clock_sync`` (entanglement for clock synchronisation);
* ``policies`` (default: each link's optimal memory cutoff, Khatri Theorem II.4),
  ``protocol`` (the end-to-end protocol of Khatri Fig. 8) and ``analyses``.

Every field carries a description with its unit (``[km]``, ``[s]``, ``[1]`` for a
pure number) and its bounds; unknown fields are rejected (``extra="forbid"``) and the
models are frozen, so after validation only the model travels on. Cross-references
(site names, connectivity) are checked by :func:`qdms.scenario.check_scenario`.

``qdms schema`` prints :func:`scenario_json_schema` for editors.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..apps.metrology import Attack

__all__ = [
    "SCENARIO_FORMAT_VERSION",
    "Analyses",
    "ClockSyncRequest",
    "CutoffSetting",
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
    "SecureSensingRequest",
    "Site",
    "Source",
    "scenario_json_schema",
]

#: The version of the scenario format this module reads.
SCENARIO_FORMAT_VERSION = 1

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$"


def _field(default: Any = ..., *, unit: str, description: str, **kwargs: Any) -> Any:
    """A pydantic field whose description ends with its unit, also kept as ``unit`` in the schema."""
    return Field(
        default,
        description=f"{description} [{unit}]",
        json_schema_extra={"unit": unit},
        **kwargs,
    )


Name = Annotated[str, Field(pattern=NAME_PATTERN, min_length=1, max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# --------------------------------------------------------------------------- sites
class Memory(_Model):
    """The quantum memory of a site: how many qubits and how long they keep a pair."""

    qubits: int = _field(
        1,
        unit="qubits",
        description="memory qubits per attached link (0: the site cannot store or relay)",
        ge=0,
        le=100_000,
    )
    coherence_time_s: float = _field(
        unit="s",
        description="coherence time t_coh: each qubit decays by 1 - exp(-dt/t_coh) per step "
        "(Khatri 2022, App. D.1, eq. 310)",
        gt=0,
        le=1e6,
    )
    noise: Literal["amplitude_damping", "dephasing", "depolarising"] = _field(
        "amplitude_damping", unit="-", description="memory noise channel applied once per step"
    )


class Site(_Model):
    """A site of the network (a node)."""

    name: Name = _field(unit="-", description="unique name (letters, digits, '-', '_', '.', '+')")
    role: Literal["end_node", "repeater", "sensor", "clock", "control_centre"] = _field(
        "end_node", unit="-", description="what the site is"
    )
    position_km: tuple[float, float] | None = _field(
        None,
        unit="km",
        description="planar coordinates (x, y), used for the map and for fiber lengths "
        "not given explicitly",
    )
    memory: Memory = _field(unit="-", description="the site's quantum memory")
    description: str = _field("", unit="-", description="free text", max_length=2000)


# --------------------------------------------------------------------------- links
class Fiber(_Model):
    """An optical fiber with the pair source at its midpoint (each photon crosses half)."""

    length_km: float | None = _field(
        None,
        unit="km",
        description="fiber length; omitted: route_factor times the straight-line distance "
        "between the two sites' positions",
        gt=0,
        le=10_000,
    )
    attenuation_db_per_km: float = _field(
        0.2,
        unit="dB/km",
        description="fiber loss (0.2 dB/km: standard telecom fiber at 1550 nm)",
        gt=0,
        le=10,
    )
    route_factor: float = _field(
        1.0,
        unit="1",
        description="fiber route length over straight-line distance, when length_km is omitted",
        ge=1,
        le=10,
    )
    group_index: float = _field(
        1.4682, unit="1", description="group index of the fiber (time step 2 L n / c)", ge=1, le=3
    )


class Satellite(_Model):
    """A satellite above the midpoint of two ground stations (Khatri 2022, App. C.2, D.2)."""

    altitude_km: float = _field(unit="km", description="satellite altitude", gt=0, le=100_000)
    ground_distance_km: float = _field(
        unit="km", description="arc distance between the two ground stations", gt=0, le=20_000
    )
    background_photons: float = _field(
        0.0,
        unit="photons per mode",
        description="mean thermal background photon number per mode at each station "
        "(Khatri Prop. C.3)",
        ge=0,
        le=1,
    )
    beam_waist_m: float | None = _field(
        None,
        unit="m",
        description="initial beam waist w0 (default: Khatri et al. 2021, 2.5 cm)",
        gt=0,
        le=10,
    )
    receiver_radius_m: float | None = _field(
        None, unit="m", description="receiving aperture radius (default 0.75 m)", gt=0, le=100
    )
    wavelength_m: float | None = _field(
        None, unit="m", description="wavelength (default 810 nm)", gt=0, le=1e-3
    )
    zenith_transmittance: float | None = _field(
        None, unit="1", description="atmospheric transmittance at zenith (default 0.5)", ge=0, le=1
    )


class Source(_Model):
    """The entangled-pair source of a link."""

    fidelity: float = _field(
        1.0,
        unit="1",
        description="fidelity to Phi+ of the emitted pair (a Werner state of that fidelity)",
        ge=0,
        le=1,
    )
    rate_hz: float | None = _field(
        None,
        unit="Hz",
        description="pair emission rate; when given, the report adds the memoryless key rate "
        "R p K of Khatri eq. 303-305",
        gt=0,
        le=1e13,
    )


class Detectors(_Model):
    """The heralding detectors of a fiber link."""

    efficiency: float = _field(1.0, unit="1", description="detection efficiency", gt=0, le=1)
    dark_count_probability: float = _field(
        0.0, unit="1", description="dark-count probability per detector and time window", ge=0, lt=1
    )


class Multiplexing(_Model):
    """Parallel modes attempted in each time step (Khatri Remark C.2)."""

    modes: int = _field(
        1, unit="modes", description="modes per attempt: p = 1 - (1 - p1)^modes", ge=1, le=10**7
    )


def _cutoff(value: Any) -> str | int:
    if isinstance(value, str) and value in ("optimal", "never"):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise PydanticCustomError(
        "cutoff",
        "must be 'optimal', 'never' or a whole number of time steps >= 0",
    )


CutoffSetting = Annotated[
    str | int,
    PlainValidator(_cutoff),
    WithJsonSchema(
        {
            "anyOf": [
                {"enum": ["optimal", "never"]},
                {"type": "integer", "minimum": 0},
            ]
        }
    ),
]


class LinkSpec(_Model):
    """An elementary link between two sites: exactly one of ``fiber`` or ``satellite``."""

    name: Name | None = _field(
        None, unit="-", description="unique name (default 'A-B' from the two sites)"
    )
    between: tuple[Name, Name] = _field(unit="-", description="the two sites it joins")
    fiber: Fiber | None = _field(None, unit="-", description="a fiber link")
    satellite: Satellite | None = _field(None, unit="-", description="a satellite link")
    source: Source = _field(Source(), unit="-", description="the pair source")
    detectors: Detectors | None = _field(
        None, unit="-", description="heralding detectors (fiber links; default ideal)"
    )
    multiplexing: Multiplexing = _field(
        Multiplexing(), unit="-", description="modes attempted per step"
    )
    cutoff: CutoffSetting | None = _field(
        None,
        unit="steps",
        description="memory-cutoff policy of this link: 'optimal' (Theorem II.4), 'never' "
        "(keep until the memory horizon m*) or t* in steps; default: policies.cutoff",
    )

    @property
    def link_name(self) -> str:
        """The link's name: given, or ``A-B``."""
        return self.name or f"{self.between[0]}-{self.between[1]}"

    @property
    def kind(self) -> Literal["fiber", "satellite"]:
        """``"fiber"`` or ``"satellite"``."""
        return "satellite" if self.satellite is not None else "fiber"


# --------------------------------------------------------------------------- requests
Metric = Literal["fidelity", "waiting_time", "hops"]


class _Request(_Model):
    name: Name = _field(unit="-", description="unique name of the request")
    metric: Metric = _field(
        "fidelity",
        unit="-",
        description="routing criterion: highest delivered fidelity, shortest waiting time "
        "or fewest hops",
    )
    description: str = _field("", unit="-", description="free text", max_length=2000)


class QKDRequest(_Request):
    """A virtual link for entanglement-based QKD (BB84 and six-state key rates)."""

    kind: Literal["qkd"] = _field(unit="-", description="request type")
    between: tuple[Name, Name] = _field(unit="-", description="the two sites sharing keys")
    data_rate_bps: float | None = _field(
        None,
        unit="bit/s",
        description="data rate the keys must protect (e.g. 4000 for one PMU stream, "
        "Neyestani et al., Case Study 3)",
        gt=0,
        le=1e12,
    )
    encryption: Literal["one_time_pad", "aes_gcm"] = _field(
        "one_time_pad",
        unit="-",
        description="how keys are used: one-time pad (one key bit per data bit) or "
        "AES-GCM with a fresh key every rekey_interval_s",
    )
    aes_key_bits: Literal[128, 192, 256] = _field(
        256, unit="bit", description="AES key length (aes_gcm only)"
    )
    rekey_interval_s: float = _field(
        1.0, unit="s", description="AES key refresh interval (aes_gcm only)", gt=0, le=1e7
    )


class SecureSensingRequest(_Request):
    """Bell pairs for quantum secure metrology (Rahim et al., Sci. Rep. 13, 11630 (2023))."""

    kind: Literal["secure_sensing"] = _field(unit="-", description="request type")
    between: tuple[Name, Name] = _field(
        unit="-",
        description="(Alice, Bob): Alice prepares the pairs and estimates; Bob, the sensor, "
        "encodes the phase",
    )
    pairs: int = _field(
        1000, unit="pairs", description="pairs l used in one protocol run", ge=1, le=10**7
    )
    p_encode: float = _field(0.5, unit="1", description="encoding probability P_E", gt=0, le=1)
    n_encodings: int = _field(
        4, unit="encodings", description="sequential encodings N per pair", ge=1, le=10**4
    )
    attack: Attack = _field(
        "forward_substitution_reinject",
        unit="-",
        description="the attack whose detection is reported",
    )
    attacked: int = _field(
        10, unit="particles", description="particles Eve attacks (<= pairs)", ge=1, le=10**7
    )
    false_abort_target: float = _field(
        0.01,
        unit="1",
        description="largest acceptable probability that an honest run aborts (sets the "
        "suggested abort threshold)",
        gt=0,
        lt=1,
    )
    required_detection: float | None = _field(
        None,
        unit="1",
        description="detection probability to guarantee; the report gives the largest P_E "
        "meeting it",
        gt=0,
        lt=1,
    )


class GHZSensingRequest(_Request):
    """A GHZ state among sensors for distributed phase sensing (star protocol, Khatri Sec. III.2.3)."""

    kind: Literal["ghz_sensing"] = _field(unit="-", description="request type")
    sites: tuple[Name, ...] = _field(
        unit="-",
        description="the sensors sharing the GHZ state (at least 3)",
        min_length=3,
        max_length=12,
    )


class ClockSyncRequest(_Request):
    """Entanglement for clock synchronisation (the rate and fidelity of Bell pairs)."""

    kind: Literal["clock_sync"] = _field(unit="-", description="request type")
    between: tuple[Name, Name] = _field(unit="-", description="the two clocks")


RequestSpec = Annotated[
    QKDRequest | SecureSensingRequest | GHZSensingRequest | ClockSyncRequest,
    Field(discriminator="kind"),
]


# --------------------------------------------------------------------------- policies, protocol
class Policies(_Model):
    """Elementary-link policies applied to every link without its own ``cutoff``."""

    cutoff: CutoffSetting = _field(
        "optimal",
        unit="steps",
        description="'optimal' (each link's optimal memory cutoff, Khatri Theorem II.4), 'never' "
        "or a cutoff t* in steps",
    )


class Protocol(_Model):
    """The end-to-end protocol (Khatri Fig. 8): swapping, rounds, failures, routing, sharing."""

    swap_probability: float = _field(
        1.0, unit="1", description="success probability of each Bell-state measurement", gt=0, le=1
    )
    bell_measurement_noise: float = _field(
        0.0,
        unit="1",
        description="depolarising probability of each Bell-state measurement",
        ge=0,
        le=1,
    )
    round_steps: int = _field(
        1,
        unit="steps",
        description="t0 of Fig. 8: steps between checks (1: every step)",
        ge=1,
        le=10**6,
    )
    on_failure: Literal["continue", "restart", "stop"] = _field(
        "continue",
        unit="-",
        description="'continue' (links keep running; exact by the product chain, may refuse "
        "large ones), 'restart' (a new round from scratch) or 'stop' (one round only)",
    )
    k_paths: int = _field(
        4, unit="paths", description="candidate routes evaluated exactly per request", ge=1, le=64
    )
    allocation: Literal["exclusive", "independent"] = _field(
        "exclusive",
        unit="-",
        description="'exclusive': each elementary link serves at most one request, in the order "
        "given; 'independent': each request is analysed as if alone (time sharing)",
    )


class Analyses(_Model):
    """What the run computes and draws."""

    links: bool = _field(True, unit="-", description="per-link physics and policies")
    requests: bool = _field(True, unit="-", description="routing and the end-to-end protocol")
    applications: bool = _field(
        True, unit="-", description="key rates, QSM precision and security, GHZ sensing"
    )
    plots: bool = _field(True, unit="-", description="draw the plots (PNG and SVG)")
    vt_horizon_steps: int | None = _field(
        None,
        unit="steps",
        description="last step of the V_t plots (default: 4 (t* + 1), at least 40)",
        ge=1,
        le=100_000,
    )


# --------------------------------------------------------------------------- scenario
class Scenario(_Model):
    """A whole scenario: the network, who needs what, the policies and the analyses."""

    version: Literal[1] = _field(1, unit="-", description="scenario format version")
    name: Name = _field(unit="-", description="short name of the scenario")
    title: str = _field("", unit="-", description="one-line title", max_length=300)
    description: str = _field("", unit="-", description="free text", max_length=20_000)
    sources: tuple[str, ...] = _field(
        (), unit="-", description="where the parameters come from (citations)"
    )
    sites: tuple[Site, ...] = _field(unit="-", description="the sites", min_length=2)
    links: tuple[LinkSpec, ...] = _field(unit="-", description="the elementary links", min_length=1)
    requests: tuple[RequestSpec, ...] = _field(
        (), unit="-", description="who needs what, served in this order"
    )
    policies: Policies = _field(Policies(), unit="-", description="elementary-link policies")
    protocol: Protocol = _field(Protocol(), unit="-", description="the end-to-end protocol")
    analyses: Analyses = _field(Analyses(), unit="-", description="what to compute and draw")

    def site(self, name: str) -> Site:
        """The site called ``name`` (``KeyError`` if unknown)."""
        for site in self.sites:
            if site.name == name:
                return site
        raise KeyError(f"unknown site {name!r}")

    def canonical_json(self) -> str:
        """The scenario as canonical JSON (sorted keys, defaults filled): what its hash covers."""
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=True
        )


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (``qdms schema``), with ``unit`` on every field.

    Examples
    --------
    >>> schema = scenario_json_schema()
    >>> schema["title"], "sites" in schema["required"]
    ('Scenario', True)
    """
    schema = Scenario.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
