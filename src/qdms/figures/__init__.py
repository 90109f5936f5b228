"""Reproductions of the papers' figures: data functions (pure) and plots (matplotlib, loaded lazily).

``qdms figures DIR`` (or :func:`render_all`) regenerates every figure qdms
reproduces, as PNG and SVG with the plotted data beside them (CSV).
"""

from .khatri import (
    FIGURE_DEFAULTS,
    fig10_data,
    fig13_data,
    fig14_data,
    fig15_data,
    fig16_data,
    fig17_data,
)
from .render import render_all

__all__ = [
    "FIGURE_DEFAULTS",
    "fig10_data",
    "fig13_data",
    "fig14_data",
    "fig15_data",
    "fig16_data",
    "fig17_data",
    "render_all",
]
