"""``qdms run``, ``qdms validate`` and ``qdms schema``: scenario files in, reports out.

Exit codes: 0 done; 2 bad input (a scenario error, printed one per line as
``FILE:LINE: field.path: message``, or an output folder that must not be
replaced), nothing written; 1 the analysis itself failed (nothing written).
"""

from __future__ import annotations

import json
import pathlib
import time

import typer

from .app import app

__all__ = ["run", "schema", "validate"]


def _print_issues(exc) -> None:
    from rich.console import Console

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for issue in exc.issues:
        err.print(f"[red]error:[/red] {issue}", markup=True)
    err.print(f"{len(exc.issues)} error(s); nothing was written.")


def _load(file: pathlib.Path):
    from ..scenario import ScenarioError, load_scenario

    try:
        return load_scenario(file)
    except ScenarioError as exc:
        _print_issues(exc)
        raise typer.Exit(code=2) from exc


class _DelayedProgress:
    """A rich progress bar that appears only for a step that has lasted more than a second."""

    def __init__(self, console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        owner = self
        self.step = ""
        self.step_started = time.monotonic()

        class _Bar(Progress):
            def get_renderables(self):
                if time.monotonic() - owner.step_started >= 1.0:
                    yield from super().get_renderables()

        self.bar = _Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task("starting", total=1)

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self.step:
            self.step, self.step_started = step, time.monotonic()
        self.bar.update(self.task, description=step, completed=done, total=max(total, 1))

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()


def _summary(console, result) -> None:
    from rich.table import Table

    from ..report.content import KIND_SHORT, fmt, headline

    a = result.analysis
    if a.links:
        links = Table(title=f"{a.scenario.name}: elementary links", title_justify="left")
        links.add_column("link", no_wrap=True)
        for col in ("p/step", "F0", "t* (steps)", "V steady", "pairs/s"):
            links.add_column(col, justify="right", no_wrap=True)
        for lk in a.links:
            links.add_row(
                lk.name,
                fmt(lk.success_probability),
                fmt(lk.initial_fidelity),
                "none" if lk.cutoff_steps is None else str(lk.cutoff_steps),
                fmt(lk.steady_state_value),
                fmt(lk.heralding_rate_hz),
            )
        console.print(links)
    if a.requests:
        table = Table(title=f"{a.scenario.name}: requests", title_justify="left")
        table.add_column("request", no_wrap=True)
        table.add_column("kind", no_wrap=True)
        for col in ("F", "wait (ms)", "rate (1/s)"):
            table.add_column(col, justify="right", no_wrap=True)
        table.add_column("what it gets")
        for r in a.requests:
            table.add_row(
                r.name,
                KIND_SHORT[r.kind],
                fmt(r.fidelity),
                fmt(None if r.mean_waiting_time_s is None else r.mean_waiting_time_s * 1e3),
                fmt(r.delivery_rate_hz),
                headline(r, short=True),
            )
        console.print(table)
        for r in a.requests:
            if not r.served:
                console.print(f"[yellow]{r.name} not served:[/yellow] {r.reason}", soft_wrap=True)


@app.command("run")
def run(
    file: pathlib.Path = typer.Argument(..., help="Scenario file (YAML)."),
    output: pathlib.Path | None = typer.Option(
        None, "--output", "-o", help="Report folder (default: out/<scenario name>)."
    ),
) -> None:
    """Analyse a scenario and write report.md, report.html, results.json and the plots."""
    from rich.console import Console

    from ..report import run_scenario
    from ..scenario import ScenarioError

    scenario = _load(file)
    outdir = output if output is not None else pathlib.Path("out") / scenario.name
    console = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    text = file.read_text(encoding="utf-8")
    try:
        with _DelayedProgress(err) as progress:
            result = run_scenario(scenario, outdir, progress=progress, scenario_text=text)
    except ScenarioError as exc:
        _print_issues(exc)
        raise typer.Exit(code=2) from exc
    except FileExistsError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from exc
    except ValueError as exc:
        err.print(f"[red]error:[/red] the analysis failed: {exc}; nothing was written.")
        raise typer.Exit(code=1) from exc
    _summary(console, result)
    console.print(
        f"wrote {len(result.files)} files to {result.outdir}/ in {result.analysis.elapsed_s:.2f} s "
        "of analysis"
    )
    console.print(f"report: {result.html}")


@app.command("validate")
def validate(file: pathlib.Path = typer.Argument(..., help="Scenario file (YAML).")) -> None:
    """Check a scenario file; print every error with its file, line and field; exit 2 if any."""
    scenario = _load(file)
    typer.echo(
        f"{file}: valid scenario {scenario.name!r}: {len(scenario.sites)} sites, "
        f"{len(scenario.links)} links, {len(scenario.requests)} requests"
    )


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    from ..scenario import scenario_json_schema

    typer.echo(json.dumps(scenario_json_schema(), indent=2))
