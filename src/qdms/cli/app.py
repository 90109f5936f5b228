"""The typer application and its top-level options."""

from __future__ import annotations

import typer

import qdms

app = typer.Typer(
    name="qdms",
    help="Design and analyse quantum networks for distributed measurement systems.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qdms {qdms.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """qdms: from hardware parameters to rates, fidelities, keys and precision."""


def main() -> None:
    """Console-script entry point."""
    from . import commands  # noqa: F401  (registers the commands)

    app()
