"""``qdms figures DIR``: regenerate every paper figure qdms reproduces."""

from __future__ import annotations

import pathlib

import typer

from .app import app


@app.command("figures")
def figures(
    output: pathlib.Path = typer.Argument(
        pathlib.Path("out/figures"), help="Folder for the figures."
    ),
    only: list[str] = typer.Option(
        None, "--only", help="Render only these figures (e.g. khatri_fig13)."
    ),
) -> None:
    """Write the reproduced figures (PNG, SVG and the data as CSV)."""
    from ..figures.render import FIGURES, render_figure

    names = only or list(FIGURES)
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        typer.echo(f"error: unknown figure(s) {unknown}; known: {sorted(FIGURES)}", err=True)
        raise typer.Exit(2)
    for name in names:
        for path in render_figure(name, output):
            typer.echo(f"wrote {path}")
