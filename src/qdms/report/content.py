"""The words and tables of the report, built from a :class:`ScenarioAnalysis` and its plots."""

from __future__ import annotations

import math

import qdms

from ..scenario import scenario_hash
from .analysis import RequestFigures, ScenarioAnalysis
from .applications import CLOCK_NOTE, ClockFigures, GHZFigures, QKDFigures, QSMFigures
from .document import Document, FigureRef, Section, Table
from .plots import Plot

__all__ = ["KIND_LABEL", "KIND_SHORT", "build_document", "fmt", "headline"]

KIND_SHORT = {"qkd": "QKD", "secure_sensing": "QSM", "ghz_sensing": "GHZ", "clock_sync": "clock"}
KIND_LABEL = {
    "qkd": "QKD",
    "secure_sensing": "secure sensing (QSM)",
    "ghz_sensing": "GHZ sensing",
    "clock_sync": "clock sync",
}


def fmt(x: float | int | None, digits: int = 4) -> str:
    """A number for a table: 4 significant digits, ``inf`` as ``∞``, None as ``-``.

    Examples
    --------
    >>> fmt(0.000130185), fmt(5385.97), fmt(16000.0), fmt(3.0), fmt(None), fmt(math.inf), fmt(12)
    ('0.0001302', '5386', '16000', '3', '-', '∞', '12')
    """
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return str(x)
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if 1.0 <= abs(x) < 1e6:  # plain digits, no exponent, rounded to `digits` significant ones
        decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
        text = f"{x:.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{x:.{digits}g}"


def headline(r: RequestFigures, *, short: bool = False) -> str:
    """One line saying what the request gets (``short``: a terminal-sized version)."""
    if not r.served:
        return "not served" if short else f"not served: {r.reason}"
    app = r.application
    if short:
        return _short_headline(app)
    if isinstance(app, QKDFigures):
        text = f"BB84 {fmt(app.bb84_key_rate_bps)} bit/s, six-state {fmt(app.six_state_key_rate_bps)} bit/s"
        if app.required_key_rate_bps is not None:
            verdict = "met" if app.sufficient else "NOT met"
            text += (
                f"; needs {fmt(app.required_key_rate_bps)} bit/s: {verdict} (x{fmt(app.margin, 3)})"
            )
        return text
    if isinstance(app, QSMFigures):
        adv = "beats" if app.quantum_advantage else "does not beat"
        return (
            f"QCRB {fmt(app.qcrb)} rad^2 {adv} the SQL {fmt(app.sql)} rad^2; "
            f"P_D = {fmt(app.detection_probability, 3)} against {app.attacked} attacked particles"
        )
    if isinstance(app, GHZFigures):
        return f"QFI {fmt(app.qfi)} vs SQL {fmt(app.qfi_sql)} ({app.gain_over_sql_db:+.2f} dB), {fmt(app.states_per_s)} states/s"
    if isinstance(app, ClockFigures):
        return (
            f"{fmt(app.pairs_per_s)} pairs/s at fidelity {fmt(app.fidelity)} (no clock model yet)"
        )
    return f"{fmt(r.delivery_rate_hz)} deliveries/s at fidelity {fmt(r.fidelity)}"


def _short_headline(app) -> str:
    if isinstance(app, QKDFigures):
        need = (
            ""
            if app.required_key_rate_bps is None
            else (
                f" (need {fmt(app.required_key_rate_bps)}: {'met' if app.sufficient else 'NOT met'})"
            )
        )
        return f"BB84 {fmt(app.bb84_key_rate_bps)} bit/s{need}"
    if isinstance(app, QSMFigures):
        rel = "<" if app.quantum_advantage else ">="
        return f"QCRB {fmt(app.qcrb, 3)} {rel} SQL {fmt(app.sql, 3)} rad^2, P_D {fmt(app.detection_probability, 3)}"
    if isinstance(app, GHZFigures):
        return f"QFI {fmt(app.qfi, 3)} vs SQL {fmt(app.qfi_sql)} ({app.gain_over_sql_db:+.2f} dB)"
    if isinstance(app, ClockFigures):
        return "Bell pairs (no clock model yet)"
    return "-"


def _route(r: RequestFigures) -> str:
    if not r.served:
        return "-"
    if r.hub is not None:
        return f"via {r.hub}: " + "; ".join(" - ".join(p) for p in r.routes)
    return " - ".join(r.routes[0])


def _figure(plots: dict[str, Plot], name: str) -> tuple[FigureRef, ...]:
    plot = plots.get(name)
    return () if plot is None else (FigureRef(plot.png, plot.caption),)


def _summary(a: ScenarioAnalysis) -> Section:
    rows = tuple(
        (
            r.name,
            KIND_LABEL[r.kind],
            ", ".join(r.sites),
            _route(r),
            fmt(r.fidelity),
            fmt(r.mean_waiting_time_s),
            fmt(r.delivery_rate_hz),
            headline(r),
        )
        for r in a.requests
    )
    header = (
        "request",
        "kind",
        "sites",
        "route",
        "fidelity",
        "waiting time (s)",
        "rate (1/s)",
        "what it gets",
    )
    served = sum(r.served for r in a.requests)
    text = (
        f"{len(a.scenario.sites)} sites, {len(a.scenario.links)} elementary links, "
        f"{len(a.requests)} request(s) of which {served} served. Waiting times count from the "
        "first request until the state is delivered (classical messages of the joining "
        "included); rates are deliveries per second in steady operation."
    )
    tables = (Table(header, rows),) if rows else ()
    return Section("Summary", (text,), tables)


def _network(a: ScenarioAnalysis, plots: dict[str, Plot]) -> Section:
    s = a.scenario
    rows = tuple(
        (
            site.name,
            site.role.replace("_", " "),
            "-"
            if site.position_km is None
            else f"({site.position_km[0]:g}, {site.position_km[1]:g})",
            str(site.memory.qubits),
            fmt(site.memory.coherence_time_s),
            site.memory.noise.replace("_", " "),
        )
        for site in s.sites
    )
    p = s.protocol
    protocol = (
        f"Protocol (Khatri Fig. 8): Bell-state measurements succeed with probability "
        f"{fmt(p.swap_probability)} and depolarise with probability {fmt(p.bell_measurement_noise)}; "
        f"links are checked every {p.round_steps} step(s); on failure: `{p.on_failure}`; "
        f"{p.k_paths} candidate route(s) are evaluated exactly per request; allocation: "
        f"`{p.allocation}`. Policies: memory cutoff `{s.policies.cutoff}` unless a link sets its own."
    )
    paragraphs = tuple(x for x in (s.description.strip(), protocol) if x)
    return Section(
        "Network",
        paragraphs,
        (
            Table(
                (
                    "site",
                    "role",
                    "position (km)",
                    "memory qubits",
                    "coherence time (s)",
                    "memory noise",
                ),
                rows,
            ),
        ),
        _figure(plots, "network_map"),
    )


def _links(a: ScenarioAnalysis, plots: dict[str, Plot]) -> Section:
    header = (
        "link", "type", "length (km)", "p per step", "F at heralding", "step (ms)", "m* (steps)",
        "policy", "t* (steps)", "activity", "fidelity", "V (steady)", "heralded pairs/s",
    )  # fmt: skip
    rows = tuple(
        (
            lk.name,
            lk.kind,
            fmt(lk.length_km),
            fmt(lk.success_probability),
            fmt(lk.initial_fidelity),
            fmt(lk.time_step_s * 1e3),
            str(lk.max_storage_steps),
            lk.policy,
            "none" if lk.cutoff_steps is None else str(lk.cutoff_steps),
            fmt(lk.steady_state_activity),
            fmt(lk.steady_state_fidelity),
            fmt(lk.steady_state_value),
            fmt(lk.heralding_rate_hz),
        )
        for lk in a.links
    )
    tables = [
        Table(
            header,
            rows,
            "Steady state under each link's policy (Khatri eq. 35-37): activity = Pr[active], "
            "fidelity given active, V = their product. p includes multiplexing.",
        )
    ]
    memoryless = [lk for lk in a.links if lk.source_rate_hz is not None]
    if memoryless:
        tables.append(
            Table(
                ("link", "source rate (Hz)", "p, one mode", "BB84 (bit/s)", "six-state (bit/s)"),
                tuple(
                    (
                        lk.name,
                        fmt(lk.source_rate_hz),
                        fmt(lk.single_mode_success_probability),
                        fmt(lk.memoryless_bb84_key_rate_bps),
                        fmt(lk.memoryless_six_state_key_rate_bps),
                    )
                    for lk in memoryless
                ),
                "Memoryless key rate R p K of the heralded pair (Khatri eq. 303-305, Fig. 15): "
                "every pair measured at once, at the source's rate.",
            )
        )
    text = (
        "Each link from its physics (Khatri App. C-D): the success probability p of one time step, "
        "the fidelity of the heralded pair, the memory horizon m* = floor(t_coh / step), and its "
        "memory-cutoff policy (the optimal one maximises the steady-state value, Theorem II.4)."
    )
    return Section("Elementary links", (text,), tuple(tables), _figure(plots, "links_vt"))


def _qkd_rows(app: QKDFigures) -> list[tuple[str, str]]:
    rows = [
        ("BB84 key fraction (bit per pair)", fmt(app.bb84_key_fraction)),
        ("six-state key fraction (bit per pair)", fmt(app.six_state_key_fraction)),
        ("BB84 key rate (bit/s)", fmt(app.bb84_key_rate_bps)),
        ("six-state key rate (bit/s)", fmt(app.six_state_key_rate_bps)),
        ("data rate to protect (bit/s)", fmt(app.data_rate_bps)),
        (
            "encryption",
            "one-time pad"
            if app.encryption == "one_time_pad"
            else f"AES-GCM-{app.aes_key_bits}, new key every {fmt(app.rekey_interval_s)} s",
        ),
        ("key rate needed (bit/s)", fmt(app.required_key_rate_bps)),
        ("BB84 rate / need", fmt(app.margin)),
        ("need met (BB84)", fmt(app.sufficient) if app.sufficient is not None else "-"),
        (
            f"shortest AES-{app.aes_key_bits} refresh interval (s)",
            fmt(app.shortest_rekey_interval_s),
        ),
        ("share of the data a one-time pad could cover", fmt(app.one_time_pad_coverage)),
    ]
    return rows


def _qsm_rows(app: QSMFigures) -> list[tuple[str, str]]:
    rows = [
        ("pairs l / P_E / N", f"{app.pairs} / {fmt(app.p_encode)} / {app.n_encodings}"),
        ("QFI per encoded pair, ideal N^2 (rad^-2)", fmt(app.qfi_ideal)),
        ("QFI per encoded pair, delivered pairs (rad^-2)", fmt(app.qfi)),
        ("QCRB ideal, eq. 5 (rad^2)", fmt(app.qcrb_ideal)),
        ("QCRB with the delivered pairs (rad^2)", fmt(app.qcrb)),
        ("SQL 1/(l N) (rad^2)", fmt(app.sql)),
        ("beats the SQL", fmt(app.quantum_advantage)),
        ("P_E needed to beat the SQL", fmt(app.advantage_threshold_p_encode)),
        (f"P_D, {app.attack}, {app.attacked} attacked", fmt(app.detection_probability)),
        ("P_D, eq. 7 as published", fmt(app.detection_probability_eq7)),
        ("false-abort probability, threshold 0", fmt(app.false_abort_probability)),
        (
            f"abort threshold for false aborts <= {fmt(app.false_abort_target)}",
            fmt(app.suggested_abort_threshold),
        ),
        ("false-abort probability at that threshold", fmt(app.false_abort_at_threshold)),
        ("time to deliver the l pairs of one run (s)", fmt(app.time_per_run_s)),
    ]
    if app.required_detection is not None:
        if app.best_p_encode is not None:
            rows.append(
                (f"largest P_E with P_D >= {fmt(app.required_detection)}", fmt(app.best_p_encode))
            )
            rows.append(("QCRB at that P_E (rad^2)", fmt(app.best_p_encode_variance)))
            rows.append(("beats the SQL at that P_E", fmt(app.best_p_encode_variance < app.sql)))
        else:
            rows.append(
                (
                    f"P_E with P_D >= {fmt(app.required_detection)}",
                    f"none: {app.best_p_encode_note}",
                )
            )
    return rows


def _request_section(r: RequestFigures, plots: dict[str, Plot]) -> Section:
    heading = f"{r.name} ({KIND_LABEL[r.kind]}: {', '.join(r.sites)})"
    if not r.served:
        return Section(heading, (f"Not served: {r.reason}",))
    rows = [
        ("route", _route(r)),
        ("links used", ", ".join(r.links)),
        ("joint time step (ms)", fmt(None if r.time_step_s is None else r.time_step_s * 1e3)),
        ("probability that all joins succeed", fmt(r.join_probability)),
        ("delivery probability", fmt(r.delivery_probability)),
        ("mean waiting time (steps)", fmt(r.mean_waiting_steps)),
        ("mean waiting time (s)", fmt(r.mean_waiting_time_s)),
        ("fidelity of the delivered state", fmt(r.fidelity)),
        ("Werner parameter", fmt(r.werner_parameter)),
        ("deliveries per second", fmt(r.delivery_rate_hz)),
    ]
    app = r.application
    figures: tuple[FigureRef, ...] = ()
    paragraphs: list[str] = []
    if isinstance(app, QKDFigures):
        rows += _qkd_rows(app)
    elif isinstance(app, QSMFigures):
        rows += _qsm_rows(app)
        figures = _figure(plots, f"qsm_{r.name}")
        paragraphs.append(
            "P_D is the derived detection probability for ideal links and abort threshold 0 "
            "(exact there); an abort threshold above 0, needed to tolerate the honest errors of "
            "noisy pairs, lets the attacker hide among them, so P_D at the suggested threshold is lower."
        )
    elif isinstance(app, GHZFigures):
        rows += [
            ("sensors K", str(app.sensors)),
            ("GHZ weight w (white-noise model)", fmt(app.white_noise_weight)),
            ("QFI for a common phase (rad^-2)", fmt(app.qfi)),
            ("SQL: K unentangled qubits (rad^-2)", fmt(app.qfi_sql)),
            ("Heisenberg limit K^2 (rad^-2)", fmt(app.qfi_heisenberg)),
            ("gain over the SQL (dB)", f"{app.gain_over_sql_db:+.3g}"),
        ]
    elif isinstance(app, ClockFigures):
        paragraphs.append(app.note)
    rows = [(k, v) for k, v in rows if v != "-"]
    return Section(
        heading, tuple(paragraphs), (Table(("quantity", "value"), tuple(rows)),), figures
    )


def _requests(a: ScenarioAnalysis, plots: dict[str, Plot]) -> Section:
    subs = tuple(_request_section(r, plots) for r in a.requests)
    figures = _figure(plots, "requests") + _figure(plots, "key_rates")
    text = (
        "Each request is routed over the k lightest candidate paths, each analysed exactly, and "
        "the best by its metric is kept (qdms.network.serve_requests)."
    )
    return Section("Requests", (text,), (), figures, subsections=subs)


def _assumptions(a: ScenarioAnalysis) -> Section:
    bullets = [
        "Delivered Bell pairs are Werner states of their delivered fidelity (swapping multiplies Werner parameters); the stored pair of a link decoheres as if both qubits sat in the worse of its two sites' memories.",
        "Key rates (Khatri eq. 100-102): asymptotic key fraction of the delivered pair times deliveries per second; one pair per renewal cycle (waiting time plus the joining's classical messages).",
        "Key needed: a one-time pad consumes one key bit per data bit; AES-GCM needs one fresh key of aes_key_bits every rekey_interval_s. The verdict uses the BB84 rate, the lower one.",
        "Secure sensing (Rahim et al. 2023): QFI 2 w^2 N^2/(1+w) per encoded pair; detection probabilities are exact for ideal links at abort threshold 0; false aborts and the suggested threshold use the delivered Werner pairs.",
        "GHZ sensing: the delivered state is modelled as a GHZ state with white noise of the same fidelity; each sensor encodes the common phase once (QFI K^2 w^2/(w + (1-w)/2^(K-1))).",
        CLOCK_NOTE,
        "allocation `exclusive`: each elementary link serves at most one request, in the order given; `independent`: each request is analysed alone (rates are then upper bounds for requests sharing links).",
    ]
    return Section("Models and assumptions", bullets=tuple(bullets) + a.notes)


def _sources(a: ScenarioAnalysis) -> Section:
    refs = (
        "S. Khatri, On the design and analysis of near-term quantum network protocols using Markov decision processes, AVS Quantum Sci. 4, 030501 (2022).",
        "N. Rahim et al., Quantum secure metrology for network sensing-based applications, Sci. Rep. 13, 11630 (2023).",
        "A. Neyestani et al., Quantum communications for distributed measurement systems: current situation and research trends (survey).",
        "S. Khatri et al., Spooky action at a global distance, npj Quantum Inf. 7, 4 (2021) (satellite optics).",
    )
    subs = ()
    if a.scenario.sources:
        subs = (Section("Parameters of this scenario", bullets=a.scenario.sources),)
    return Section("Sources", bullets=refs, subsections=subs)


def _reproduce(a: ScenarioAnalysis, files: list[str]) -> Section:
    return Section(
        "Reproduce",
        (
            "Re-run this report with `qdms run SCENARIO.yaml -o DIR`; `qdms validate SCENARIO.yaml` "
            "checks a scenario without running it and `qdms schema` prints its JSON Schema. "
            "`qdms figures DIR` regenerates every paper figure qdms reproduces (Khatri 2022, "
            "Figs. 13-17). Every number of this report, with its unit, is in `results.json`.",
        ),
        bullets=tuple(f"`{f}`" for f in files),
    )


def build_document(analysis: ScenarioAnalysis, plots: list[Plot], files: list[str]) -> Document:
    """The report of ``analysis`` with its ``plots``; ``files`` lists what the run wrote."""
    s = analysis.scenario
    by_name = {p.name: p for p in plots}
    subtitle = (
        f"Scenario `{s.name}`, sha256 {scenario_hash(s)[:16]}...; qdms {qdms.__version__}; "
        f"run {analysis.started_utc} in {analysis.elapsed_s:.2f} s."
    )
    sections = [_summary(analysis), _network(analysis, by_name)]
    if analysis.links:
        sections.append(_links(analysis, by_name))
    if analysis.requests:
        sections.append(_requests(analysis, by_name))
    sections += [_assumptions(analysis), _sources(analysis), _reproduce(analysis, files)]
    return Document(s.title or s.name, subtitle, tuple(sections))
