"""``qdms qsm``: simulate one run of the quantum secure metrology protocol (Rahim et al.)."""

from __future__ import annotations

import pathlib

import typer

from .app import app

__all__ = ["qsm"]


@app.command("qsm")
def qsm(
    pairs: int = typer.Option(1000, "--pairs", "-l", help="Bell pairs l Alice prepares (>= 1)."),
    p_encode: float = typer.Option(0.5, "--p-encode", help="Encoding probability P_E in (0, 1]."),
    n_encodings: int = typer.Option(4, "--n-encodings", "-N", help="Encodings N per pair (>= 1)."),
    phi: float = typer.Option(0.3, "--phi", help="True phase phi in radians."),
    werner: float | None = typer.Option(
        None, "--werner", help="Werner parameter w of the link pairs, in [-1/3, 1] (default 1)."
    ),
    fidelity: float | None = typer.Option(
        None, "--fidelity", help="Link fidelity F = (1 + 3w)/4 (alternative to --werner)."
    ),
    abort_threshold: float = typer.Option(
        0.0, "--abort-threshold", help="Abort when an error rate exceeds this, in [0, 1]."
    ),
    attack: str | None = typer.Option(
        None,
        "--attack",
        help="forward_substitution_reinject, forward_substitution_return_bobs, "
        "forward_intercept_resend_z, forward_intercept_resend_x or return_phase.",
    ),
    attacked: int = typer.Option(0, "--attacked", help="Particles Eve attacks."),
    beta: float | None = typer.Option(
        None, "--beta", help="Eve's phase for return_phase (default: uniform per particle)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the run (same seed, same numbers)."),
    plot: pathlib.Path | None = typer.Option(
        None, "--plot", help="Also save the trade-off figure (Fig. 2) to this path."
    ),
) -> None:
    """Simulate the QSM protocol once and print the run, its bounds and detection probabilities."""
    from rich.console import Console
    from rich.table import Table

    from ..apps.metrology import QSMProtocol, plot_tradeoff, summarise
    from ..quantum import werner_parameter_from_fidelity, werner_state

    console = Console()
    err = Console(stderr=True)
    try:
        if werner is not None and fidelity is not None:
            raise ValueError("give --werner or --fidelity, not both")
        w = werner
        if fidelity is not None:
            w = werner_parameter_from_fidelity(fidelity)
        link = None if w is None or w == 1.0 else werner_state(w)
        protocol = QSMProtocol(
            pairs=pairs,
            p_encode=p_encode,
            n_encodings=n_encodings,
            phi=phi,
            link_state=link,
            abort_threshold=abort_threshold,
            attack=attack,
            attacked=attacked,
            beta=beta,
            seed=seed,
        )
        summary = summarise(protocol)
        written = None
        if plot is not None:
            written = plot_tradeoff(
                plot,
                attacked=attacked or 10,
                repetitions=pairs,
                n_encodings=n_encodings,
            )
    except (ValueError, TypeError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from exc

    r = summary.result

    def fmt(x, spec="{:.6g}"):
        return "-" if x is None else spec.format(x)

    table = Table(title="qdms qsm: quantum secure metrology with Bell pairs (Rahim et al. 2023)")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    rows = [
        ("pairs l / P_E / N", f"{pairs} / {p_encode:g} / {n_encodings}"),
        ("true phi (rad)", f"{phi:.6g}"),
        ("link Werner parameter w", fmt(1.0 if w is None else w)),
        ("attack (attacked particles)", f"{attack or 'none'} ({r.attacked_count})"),
        ("aborted", "yes (" + str(r.abort_reason) + ")" if r.aborted else "no"),
        ("estimate phi_hat in [0, pi/N] (rad)", fmt(r.estimate)),
        (
            "verification / encoded / decoy",
            f"{r.verification_count} / {r.encoded_count} / {r.decoy_count}",
        ),
        ("verification error rate", fmt(r.verification_error_rate, "{:.4g}")),
        ("decoy error rate", fmt(r.decoy_error_rate, "{:.4g}")),
        (
            "Bell counts Phi+ Psi+ Phi- Psi-",
            "-" if r.bell_counts is None else " ".join(map(str, r.bell_counts)),
        ),
        ("QCRB 1/(P_E l N^2), eq. 5", fmt(summary.qcrb)),
        ("QCRB with link noise", fmt(summary.noisy_qcrb)),
        ("SQL 1/(l N)", fmt(summary.sql)),
        ("exact MSE of the estimator", fmt(summary.mse)),
        ("P_D eq. 7 (as published)", fmt(summary.detection_eq7)),
        ("P_D derived (ideal links, threshold 0)", fmt(summary.detection_derived)),
        ("false-abort probability (honest)", fmt(summary.false_abort)),
    ]
    for label, value in rows:
        table.add_row(label, value)
    console.print(table)
    if written is not None:
        console.print(f"wrote {written}")
