"""``qdms demo``: the main job on its embedded defaults."""

from __future__ import annotations

import pathlib

import typer

from .app import app


@app.command("demo")
def demo(
    output: pathlib.Path = typer.Option(
        pathlib.Path("out/demo"), "--output", "-o", help="Folder for the results."
    ),
) -> None:
    """Analyse two example links (metro fiber, satellite): policies, fidelities, key rates."""
    from rich.console import Console
    from rich.table import Table

    from ..report import run_demo

    result = run_demo(output)
    table = Table(title="qdms demo: elementary links from physics to policies")
    table.add_column("quantity")
    for link in result.links:
        table.add_column(link.name, justify="right")
    rows = [
        ("success probability p", "{:.4g}", "success_probability"),
        ("initial fidelity", "{:.4f}", "initial_fidelity"),
        ("time step (ms)", "{:.3f}", "time_step_s", 1e3),
        ("memory horizon m* (steps)", "{}", "max_storage_steps"),
        ("optimal cutoff t* (steps)", "{}", "optimal_cutoff"),
        ("steady-state activity", "{:.4f}", "steady_state_activity"),
        ("steady-state fidelity", "{:.4f}", "steady_state_fidelity"),
        ("steady-state value V", "{:.4f}", "steady_state_value"),
        ("best t, never discard", "{}", "best_time_never_discard"),
        ("BB84 key rate at heralding (bit/s)", "{:.4g}", "bb84_key_rate_bps"),
        ("six-state key rate at heralding (bit/s)", "{:.4g}", "six_state_key_rate_bps"),
    ]
    for label, fmt, field, *scale in rows:
        factor = scale[0] if scale else 1
        table.add_row(label, *(fmt.format(getattr(link, field) * factor) for link in result.links))
    console = Console()
    console.print(table)
    for path in result.files:
        console.print(f"wrote {path}")
