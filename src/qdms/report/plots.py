"""The report's plots: network map, V_t of every link, request rates and fidelities, key rates, QSM.

matplotlib is imported inside the functions and each figure is drawn on its own
Agg canvas (no pyplot, no global state). Every plot is saved as PNG and SVG.
"""

from __future__ import annotations

import math
import pathlib
from dataclasses import dataclass

import numpy as np

from .analysis import ScenarioAnalysis
from .applications import QKDFigures, QSMFigures

__all__ = ["Plot", "draw_plots"]

ROLE_STYLE = {
    "control_centre": ("s", "C3"),
    "repeater": ("D", "C0"),
    "sensor": ("o", "C2"),
    "clock": ("*", "C4"),
    "end_node": ("^", "C1"),
}


@dataclass(frozen=True)
class Plot:
    """A saved plot: its stem, caption and the files written (PNG first)."""

    name: str
    caption: str
    files: tuple[pathlib.Path, ...]

    @property
    def png(self) -> pathlib.Path:
        return self.files[0]


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig, outdir: pathlib.Path, name: str, caption: str) -> Plot:
    files = []
    for ext in ("png", "svg"):
        path = outdir / f"{name}.{ext}"
        fig.savefig(path, dpi=120, metadata={"Date": None} if ext == "svg" else None)
        files.append(path)
    return Plot(name, caption, tuple(files))


def _positions(analysis: ScenarioAnalysis) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Map positions; far sites reached only by satellite are pulled to the map's edge."""
    import networkx as nx

    sites = analysis.scenario.sites
    given = {s.name: np.array(s.position_km, float) for s in sites if s.position_km is not None}
    if len(given) < len(sites):
        layout = nx.spring_layout(
            analysis.network.graph, seed=1, pos=given or None, fixed=list(given) or None
        )
        given = {name: np.asarray(layout[name], float) for name in layout}
    satellite_only = {
        s.name
        for s in sites
        if all(lk.kind == "satellite" for lk in analysis.scenario.links if s.name in lk.between)
        and any(s.name in lk.between for lk in analysis.scenario.links)
    }
    core = [p for name, p in given.items() if name not in satellite_only] or list(given.values())
    centre = np.mean(core, axis=0)
    radius = max(max(float(np.linalg.norm(p - centre)) for p in core), 1.0)
    far: dict[str, float] = {}
    for name in satellite_only:
        d = float(np.linalg.norm(given[name] - centre))
        if d > 2.0 * radius:
            direction = (given[name] - centre) / d
            given[name] = centre + direction * 1.35 * radius
            far[name] = d
    return given, far


def _network_map(analysis: ScenarioAnalysis, outdir: pathlib.Path) -> Plot:
    pos, far = _positions(analysis)
    fig = _figure(7.5, 6.5)
    ax = fig.add_subplot()
    colours = {r.name: f"C{k % 10}" for k, r in enumerate(analysis.requests) if r.served}
    for r in analysis.requests:
        if not r.served:
            continue
        for route in r.routes:
            xy = np.array([pos[n] for n in route])
            ax.plot(
                xy[:, 0], xy[:, 1], lw=7, alpha=0.25, color=colours[r.name], solid_capstyle="round"
            )
        ax.plot([], [], lw=7, alpha=0.35, color=colours[r.name], label=f"route of {r.name}")
    offsets: dict[frozenset, int] = {}
    for spec in analysis.scenario.links:
        a, b = spec.between
        key = frozenset((a, b))
        k = offsets.get(key, 0)
        offsets[key] = k + 1
        (xa, ya), (xb, yb) = pos[a], pos[b]
        shift = np.array([yb - ya, xa - xb])
        shift = shift / (np.linalg.norm(shift) or 1.0) * 0.6 * k
        xs, ys = np.array([xa, xb]) + shift[0], np.array([ya, yb]) + shift[1]
        if spec.kind == "satellite":
            ax.plot(xs, ys, ls="--", color="C9", lw=1.5)
            label = f"satellite {spec.satellite.altitude_km:g} km up, {spec.satellite.ground_distance_km:g} km"
        else:
            ax.plot(xs, ys, color="0.35", lw=1.2)
            link = analysis.network.link(spec.link_name)
            label = "" if k else f"{link.length_km:.3g} km"
        ax.annotate(
            label, (xs.mean(), ys.mean()), fontsize=7, color="0.25", ha="center", va="bottom"
        )
    for site in analysis.scenario.sites:
        marker, colour = ROLE_STYLE[site.role]
        x, y = pos[site.name]
        ax.plot([x], [y], marker=marker, color=colour, ms=11, ls="none", mec="k", mew=0.6)
        text = site.name + ("\n(reached by satellite, off scale)" if site.name in far else "")
        ax.annotate(text, (x, y), xytext=(6, 6), textcoords="offset points", fontsize=8)
    for role, (marker, colour) in ROLE_STYLE.items():
        if any(s.role == role for s in analysis.scenario.sites):
            ax.plot(
                [],
                [],
                marker=marker,
                color=colour,
                ls="none",
                mec="k",
                label=role.replace("_", " "),
            )
    ax.set_aspect("equal", adjustable="datalim")
    ax.margins(0.12)
    ax.set(
        xlabel="x (km)", ylabel="y (km)", title=f"{analysis.scenario.name}: sites, links and routes"
    )
    ax.legend(fontsize=7, loc="best", framealpha=0.85)
    return _save(
        fig,
        outdir,
        "network_map",
        "Sites at their positions (km), fiber links with their lengths, satellite links dashed, "
        "and the route of every served request.",
    )


def _links_vt(analysis: ScenarioAnalysis, outdir: pathlib.Path) -> Plot:
    n = len(analysis.links)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig = _figure(3.2 * cols, 2.6 * rows)
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, link in zip(axes.flat, analysis.links, strict=False):
        ax.plot(link.vt_steps, link.vt_values, color="C0", lw=1.4, label="V_t")
        ax.plot(link.vt_steps, link.vt_activity, color="C1", lw=1.0, ls="--", label="Pr[active]")
        if link.steady_state_value is not None:
            ax.axhline(link.steady_state_value, color="0.5", lw=0.7, ls=":")
        cut = "never" if link.cutoff_steps is None else f"t* = {link.cutoff_steps}"
        ax.set_title(f"{link.name} ({cut})", fontsize=8)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("step t", fontsize=7)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7)
    return _save(
        fig,
        outdir,
        "links_vt",
        "Each link under its policy: V_t = E[f(X_t)] (solid, Khatri eq. 19), the probability that "
        "it is active (dashed) and the steady-state value (dotted), against its own time step.",
    )


def _requests(analysis: ScenarioAnalysis, outdir: pathlib.Path) -> Plot | None:
    served = [r for r in analysis.requests if r.served]
    if not served:
        return None
    fig = _figure(9.0, 3.6)
    left, right = fig.subplots(1, 2)
    names = [r.name for r in served]
    y = np.arange(len(served))
    left.barh(y, [r.delivery_rate_hz for r in served], color="C0")
    left.set_xscale("log")
    left.set_yticks(y, names, fontsize=8)
    left.set_xlabel("deliveries per second (1/s)")
    left.invert_yaxis()
    right.barh(y, [r.fidelity for r in served], color="C2")
    right.set_yticks(y, [""] * len(served))
    right.set_xlim(0, 1)
    right.set_xlabel("fidelity of the delivered state")
    right.invert_yaxis()
    for k, r in enumerate(served):
        right.annotate(f"{r.fidelity:.3f}", (r.fidelity, k), xytext=(-30, 0), textcoords="offset points",
                       va="center", fontsize=7, color="w")  # fmt: skip
    return _save(
        fig,
        outdir,
        "requests",
        "Every served request: how often its state is delivered (log scale) and its fidelity.",
    )


def _key_rates(analysis: ScenarioAnalysis, outdir: pathlib.Path) -> Plot | None:
    rows = [r for r in analysis.requests if isinstance(r.application, QKDFigures)]
    if not rows:
        return None
    fig = _figure(7.0, 1.2 + 0.8 * len(rows))
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    bb84 = [r.application.bb84_key_rate_bps for r in rows]
    six = [r.application.six_state_key_rate_bps for r in rows]
    ax.barh(y - 0.18, bb84, height=0.34, color="C0", label="BB84")
    ax.barh(y + 0.18, six, height=0.34, color="C1", label="six-state")
    for k, r in enumerate(rows):
        need = r.application.required_key_rate_bps
        if need is not None:
            ax.plot([need, need], [k - 0.45, k + 0.45], color="k", lw=2)
    ax.plot([], [], color="k", lw=2, label="key rate needed")
    ax.set_xscale("log")
    ax.set_yticks(y, [r.name for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("secret key rate (bit/s)")
    ax.legend(fontsize=7, loc="lower right")
    return _save(
        fig,
        outdir,
        "key_rates",
        "Asymptotic BB84 and six-state key rates of each QKD request (Khatri eq. 100-102) and the "
        "key rate its data needs (one-time pad: the data rate; AES-GCM: key bits per refresh interval).",
    )


def _qsm(analysis: ScenarioAnalysis, outdir: pathlib.Path) -> list[Plot]:
    from ..apps.metrology import tradeoff_figure

    plots = []
    for r in analysis.requests:
        app = r.application
        if not isinstance(app, QSMFigures):
            continue
        fig = tradeoff_figure(app.curve)
        ax = fig.axes[0]
        ax.axvline(
            app.p_encode, color="k", lw=1, ls="-.", label=f"P_E = {app.p_encode:g} (scenario)"
        )
        if app.best_p_encode is not None:
            ax.axvline(app.best_p_encode, color="C3", lw=1, ls="-.")
        plots.append(
            _save(
                fig,
                outdir,
                f"qsm_{r.name}",
                f"{r.name}: detection probability of l = {app.attacked} attacked particles and the "
                f"QCRB for l = {app.pairs} ideal pairs against P_E (Rahim et al., Fig. 2); the "
                "chosen P_E is dash-dotted black, the largest P_E meeting the required detection red.",
            )
        )
    return plots


def draw_plots(analysis: ScenarioAnalysis, outdir: str | pathlib.Path) -> list[Plot]:
    """Draw and save every plot the analysis supports into ``outdir`` (PNG and SVG)."""
    out = pathlib.Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    plots = [_network_map(analysis, out)]
    if analysis.links:
        plots.append(_links_vt(analysis, out))
    for make in (_requests, _key_rates):
        plot = make(analysis, out)
        if plot is not None:
            plots.append(plot)
    plots += _qsm(analysis, out)
    return plots
