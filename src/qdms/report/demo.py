"""The demo analysis: two example elementary links from physics to policies and key rates.

``make demo`` runs this on its embedded defaults: a 50 km metropolitan fiber
link and a satellite link between two stations 1200 km apart. For each it
reports the heralding probability, initial fidelity and memory horizon, the
optimal memory cutoff (Theorem II.4) with its steady-state activity,
fidelity and value, the best waiting time under the never-discard policy
(eq. 333) and the BB84 and six-state key rates when every pair is measured
in the step it is heralded (``p / dt`` pairs per second).
"""

from __future__ import annotations

import json
import pathlib
from dataclasses import asdict, dataclass

import numpy as np

from ..apps.qkd import bb84_key_fraction, six_state_key_fraction
from ..links import ElementaryLink, MemoryCutoff
from ..physics import LinkPhysics, fiber_link, satellite_link
from ..quantum import bell_coefficients

__all__ = ["DemoLink", "DemoResult", "run_demo"]


@dataclass(frozen=True)
class DemoLink:
    """Figures of one example link (units in the names)."""

    name: str
    description: str
    success_probability: float
    initial_fidelity: float
    time_step_s: float
    max_storage_steps: int
    optimal_cutoff: int
    steady_state_activity: float
    steady_state_fidelity: float
    steady_state_value: float
    best_time_never_discard: int
    best_value_never_discard: float
    bb84_key_rate_bps: float
    six_state_key_rate_bps: float


@dataclass(frozen=True)
class DemoResult:
    """The demo's links and the files it wrote."""

    links: tuple[DemoLink, ...]
    files: tuple[pathlib.Path, ...]


def _analyse(name: str, phys: LinkPhysics) -> tuple[DemoLink, ElementaryLink]:
    link = ElementaryLink.from_physics(phys)
    cutoff, value = link.optimal_cutoff()
    policy = MemoryCutoff(cutoff)
    activity = link.steady_state_activity(policy)
    fidelity = link.steady_state_fidelity(policy)
    t_best, v_best = link.optimal_time()
    q = bell_coefficients(phys.state)
    heralded_per_s = (
        phys.success_probability / phys.time_step_s
    )  # pairs measured as soon as heralded
    demo = DemoLink(
        name=name,
        description=phys.description,
        success_probability=phys.success_probability,
        initial_fidelity=float(q[0]),
        time_step_s=phys.time_step_s,
        max_storage_steps=phys.max_storage_steps,
        optimal_cutoff=cutoff,
        steady_state_activity=activity,
        steady_state_fidelity=fidelity,
        steady_state_value=value,
        best_time_never_discard=t_best,
        best_value_never_discard=v_best,
        bb84_key_rate_bps=bb84_key_fraction(q) * heralded_per_s,
        six_state_key_rate_bps=six_state_key_fraction(q) * heralded_per_s,
    )
    return demo, link


def run_demo(outdir: str | pathlib.Path, *, plot: bool = True) -> DemoResult:
    """Analyse the two example links and write ``demo.json`` and ``demo_links.png/.svg`` to ``outdir``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     result = run_demo(tmp, plot=False)
    >>> [link.name for link in result.links]
    ['metro fiber', 'satellite']
    """
    out = pathlib.Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    examples = {
        "metro fiber": fiber_link(
            50.0, source_fidelity=0.97, detector_efficiency=0.9, coherence_time_s=0.05
        ),
        "satellite": satellite_link(
            1200.0, 500.0, background_photons=1e-4, modes=1000, coherence_time_s=1.0
        ),
    }
    analysed = [_analyse(name, phys) for name, phys in examples.items()]
    files = [out / "demo.json"]
    files[0].write_text(json.dumps([asdict(d) for d, _ in analysed], indent=2))
    if plot:
        files += _plot(analysed, out)
    return DemoResult(tuple(d for d, _ in analysed), tuple(files))


def _plot(analysed, out: pathlib.Path) -> list[pathlib.Path]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(analysed), figsize=(6 * len(analysed), 4))
    for ax, (demo, link) in zip(np.atleast_1d(axes), analysed, strict=True):
        t = np.arange(
            1, max(4 * demo.best_time_never_discard, 4 * (demo.optimal_cutoff + 1), 40) + 1
        )
        for policy, label in (
            (MemoryCutoff(demo.optimal_cutoff), f"optimal cutoff t* = {demo.optimal_cutoff}"),
            (MemoryCutoff(None), "never discard"),
        ):
            (line,) = ax.plot(t, link.value(t, policy), label=f"V_t, {label}")
            ax.plot(t, link.activity_probability(t, policy), "--", color=line.get_color(), lw=0.8)
        ax.axhline(demo.steady_state_value, color="0.5", lw=0.6)
        ax.set(
            title=f"{demo.name}: {demo.description}",
            xlabel="time step t",
            ylabel="V_t (solid), Pr[active] (dashed)",
        )
        ax.title.set_fontsize(8)
        ax.legend(fontsize=8)
    paths = []
    for ext in ("png", "svg"):
        path = out / f"demo_links.{ext}"
        fig.savefig(path, dpi=150, bbox_inches="tight")
        paths.append(path)
    plt.close(fig)
    return paths
