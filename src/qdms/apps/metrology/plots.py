"""Figures: the precision-security trade-off of Rahim et al., Fig. 2.

matplotlib is imported inside the functions (``import qdms.apps.metrology``
stays light) and drawn on an Agg canvas without pyplot, so no global state
is touched.
"""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING

import numpy as np

from .tradeoff import TradeoffCurve, tradeoff_curve

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_tradeoff", "tradeoff_figure"]

#: Labels of the lines, in drawing order; tests look lines up by them.
DETECTION_LABEL = "P_D, eq. 7"
VARIANCE_LABEL = "QCRB 1/(P_E nu N^2), eq. 5"
SQL_LABEL = "SQL 1/(nu N)"


def tradeoff_figure(curve: TradeoffCurve, *, show_attacks: bool = True) -> Figure:
    """Fig. 2: detection probability (left axis) and variance (right, log) against P_E.

    The region ``P_E <= 1/N`` without quantum advantage (eq. 8) is shaded.
    With ``show_attacks`` the derived detection probability of each attack
    (:mod:`.attacks`) is drawn dashed.

    Parameters
    ----------
    curve : data from :func:`.tradeoff.tradeoff_curve`.
    show_attacks : also draw each attack's derived P_D.

    Returns
    -------
    A :class:`matplotlib.figure.Figure` on an Agg canvas.

    Examples
    --------
    >>> fig = tradeoff_figure(tradeoff_curve(attacked=5, repetitions=50, n_encodings=4))
    >>> [line.get_label() for line in fig.axes[0].lines][0]
    'P_D, eq. 7'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not isinstance(curve, TradeoffCurve):
        raise TypeError(f"curve must be a TradeoffCurve, got {type(curve).__name__}")
    fig = Figure(figsize=(7.5, 6.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(curve.p_encode, curve.detection, color="C0", lw=2, label=DETECTION_LABEL)
    if show_attacks:
        drawn: list[tuple[str, object]] = []
        for name, values in curve.attack_detection.items():
            same = [i for i, (_, v) in enumerate(drawn) if np.array_equal(v, values)]
            if same:  # identical curves (e.g. intercept-resend in Z and X) share one line
                label, v = drawn[same[0]]
                drawn[same[0]] = (f"{label} = {name}", v)
            else:
                drawn.append((name, values))
        for i, (label, values) in enumerate(drawn):
            if np.allclose(values, curve.detection, rtol=1e-12, atol=0):
                label = f"{label} (= eq. 7)"
            ax.plot(curve.p_encode, values, ls="--", lw=1.2, color=f"C{i + 2}", label=label)
    ax.axvspan(0, curve.advantage_bound, color="0.85", zorder=0, label="P_E <= 1/N (eq. 8)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("encoding probability P_E")
    ax.set_ylabel(f"detection probability (l = {curve.attacked})")
    ax2 = ax.twinx()
    ax2.plot(curve.p_encode, curve.variance, color="C1", lw=2, label=VARIANCE_LABEL)
    ax2.axhline(curve.sql, color="C1", ls=":", label=SQL_LABEL)
    ax2.set_yscale("log")
    ax2.set_ylabel(f"variance of phi (nu = {curve.repetitions}, N = {curve.n_encodings})")
    handles = ax.get_legend_handles_labels()
    handles2 = ax2.get_legend_handles_labels()
    fig.legend(
        handles[0] + handles2[0],
        handles[1] + handles2[1],
        fontsize=7,
        loc="outside lower center",
        ncol=2,
    )
    ax.set_title("QSM precision-security trade-off (Rahim et al., Fig. 2)")
    return fig


def plot_tradeoff(
    path: str | pathlib.Path,
    *,
    attacked: int = 10,
    repetitions: int = 100,
    n_encodings: int = 10,
    curve: TradeoffCurve | None = None,
    dpi: int = 150,
) -> pathlib.Path:
    """Save Fig. 2 (:func:`tradeoff_figure`) to ``path`` (PNG unless the suffix says otherwise).

    Parameters
    ----------
    path : file to write; ``.png`` is added when it has no suffix. Folders are created.
    attacked, repetitions, n_encodings : l, nu and N of :func:`.tradeoff.tradeoff_curve`
        (ignored when ``curve`` is given).
    curve : precomputed data, or None.
    dpi : resolution in dots per inch.

    Returns
    -------
    The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = plot_tradeoff(pathlib.Path(d) / "fig2", n_encodings=4)
    ...     out.name, out.read_bytes()[1:4] == b"PNG"
    ('fig2.png', True)
    """
    data = curve or tradeoff_curve(
        attacked=attacked, repetitions=repetitions, n_encodings=n_encodings
    )
    out = pathlib.Path(path)
    if out.suffix == "":
        out = out.with_suffix(".png")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig = tradeoff_figure(data)
    fig.savefig(out, dpi=dpi)
    return out
