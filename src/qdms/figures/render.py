"""Plots of the reproduced figures (matplotlib with the Agg backend, imported here only)."""

from __future__ import annotations

import csv
import pathlib
from collections.abc import Callable

import numpy as np

from . import khatri

__all__ = ["FIGURES", "render_all", "render_figure"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _note(fig, text: str) -> None:
    fig.text(0.99, 0.99, text, fontsize=7, color="0.35", ha="right", va="top")


def _save(fig, outdir: pathlib.Path, name: str) -> list[pathlib.Path]:
    paths = []
    for ext in ("png", "svg"):
        path = outdir / f"{name}.{ext}"
        fig.savefig(path, dpi=150, bbox_inches="tight")
        paths.append(path)
    _pyplot().close(fig)
    return paths


def _csv(path: pathlib.Path, header: list[str], rows) -> pathlib.Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _grid_rows(d, h, *arrays):
    for i, alt in enumerate(h):
        for j, dist in enumerate(d):
            yield [dist, alt, *(float(a[i, j]) for a in arrays)]


def _fig13(outdir: pathlib.Path) -> list[pathlib.Path]:
    data = khatri.fig13_data()
    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for i, h in enumerate(data.altitude_km):
        ax1.semilogy(data.ground_distance_km, data.success_probability[i], label=f"h = {h:g} km")
        ax2.plot(data.ground_distance_km, data.fidelity[i], label=f"h = {h:g} km")
    ax1.set(xlabel="ground distance (km)", ylabel=f"success probability, M = {data.modes}")
    ax2.set(xlabel="ground distance (km)", ylabel="initial fidelity")
    ax1.legend()
    fig.suptitle("Khatri 2022, Fig. 13: satellite elementary link")
    _note(fig, f"nbar = {data.background_photons:g}; optics of Khatri et al. 2021")
    out = _save(fig, outdir, "khatri_fig13")
    rows = _grid_rows(
        data.ground_distance_km, data.altitude_km, data.success_probability, data.fidelity
    )
    return [
        *out,
        _csv(
            outdir / "khatri_fig13.csv",
            ["ground_distance_km", "altitude_km", "success_probability", "fidelity"],
            rows,
        ),
    ]


def _fig14(outdir: pathlib.Path) -> list[pathlib.Path]:
    data = khatri.fig14_data()
    plt = _pyplot()
    fig, axes = plt.subplots(
        1, len(data.background_photons), figsize=(4 * len(data.background_photons), 3.6)
    )
    for k, ax in enumerate(np.atleast_1d(axes)):
        masked = np.ma.masked_where(~data.entangled[k], data.fidelity[k])
        mesh = ax.pcolormesh(
            data.ground_distance_km, data.altitude_km, masked, vmin=0.5, vmax=1.0, shading="auto"
        )
        ax.set(
            xlabel="ground distance (km)",
            ylabel="altitude (km)",
            title=f"nbar = {data.background_photons[k]:g}",
        )
    fig.colorbar(mesh, ax=axes, label="fidelity (entangled region)")
    fig.suptitle("Khatri 2022, Fig. 14: where the heralded pair is entangled")
    out = _save(fig, outdir, "khatri_fig14")
    rows = (
        [float(n), float(d), float(h), float(data.fidelity[k, i, j]), bool(data.entangled[k, i, j])]
        for k, n in enumerate(data.background_photons)
        for i, h in enumerate(data.altitude_km)
        for j, d in enumerate(data.ground_distance_km)
    )
    return [
        *out,
        _csv(
            outdir / "khatri_fig14.csv",
            ["nbar", "ground_distance_km", "altitude_km", "fidelity", "entangled"],
            rows,
        ),
    ]


def _fig15(outdir: pathlib.Path) -> list[pathlib.Path]:
    data = khatri.fig15_data()
    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), sharey=True)
    for ax, (name, rates) in zip(
        axes,
        (
            ("BB84", data.bb84),
            ("six-state", data.six_state),
            ("device independent", data.device_independent),
        ),
        strict=True,
    ):
        for i, h in enumerate(data.altitude_km):
            positive = np.where(rates[i] > 0, rates[i], np.nan)
            ax.semilogy(data.ground_distance_km, positive, label=f"h = {h:g} km")
        ax.set(title=name, xlabel="ground distance (km)")
    axes[0].set_ylabel("secret-key rate (bits/s)")
    axes[0].legend()
    fig.suptitle("Khatri 2022, Fig. 15: key rates of the satellite link")
    _note(fig, f"source rate {data.source_rate_hz:g} pairs/s")
    out = _save(fig, outdir, "khatri_fig15")
    rows = _grid_rows(
        data.ground_distance_km,
        data.altitude_km,
        data.bb84,
        data.six_state,
        data.device_independent,
    )
    return [
        *out,
        _csv(
            outdir / "khatri_fig15.csv",
            ["ground_distance_km", "altitude_km", "bb84_bps", "six_state_bps", "di_bps"],
            rows,
        ),
    ]


def _fig16(outdir: pathlib.Path) -> list[pathlib.Path]:
    data = khatri.fig16_data()
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for k, (d, h) in enumerate(data.cases):
        (line,) = ax.plot(data.t, data.value[k], label=f"d = {d:g} km, h = {h:g} km")
        ax.plot(data.t, data.activity[k], "--", color=line.get_color())
        ax.plot(data.t, data.fidelity[k], ":", color=line.get_color())
        ax.axvline(data.optimal_time[k], color=line.get_color(), lw=0.6)
    ax.set(xlabel="time step t", ylabel="V_t (solid), Pr[active] (dashed), F_t (dotted)")
    ax.legend(fontsize=8)
    fig.suptitle("Khatri 2022, Fig. 16: never-discard policy")
    out = _save(fig, outdir, "khatri_fig16")
    rows = (
        [
            d,
            h,
            int(t),
            float(data.value[k, i]),
            float(data.activity[k, i]),
            float(data.fidelity[k, i]),
        ]
        for k, (d, h) in enumerate(data.cases)
        for i, t in enumerate(data.t)
    )
    return [
        *out,
        _csv(
            outdir / "khatri_fig16.csv",
            ["ground_distance_km", "altitude_km", "t", "value", "activity", "fidelity"],
            rows,
        ),
    ]


def _fig17(outdir: pathlib.Path) -> list[pathlib.Path]:
    data = khatri.fig17_data()
    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, (name, arr) in zip(
        axes,
        (("optimal V_t", data.value), ("Pr[active]", data.activity), ("fidelity", data.fidelity)),
        strict=True,
    ):
        for i, h in enumerate(data.altitude_km):
            ax.plot(data.ground_distance_km, arr[i], label=f"h = {h:g} km")
        ax.set(title=f"{name}, t = {data.horizon}", xlabel="ground distance (km)")
    axes[0].legend(fontsize=8)
    fig.suptitle("Khatri 2022, Fig. 17: backward-recursion optimum")
    out = _save(fig, outdir, "khatri_fig17")
    rows = _grid_rows(
        data.ground_distance_km, data.altitude_km, data.value, data.activity, data.fidelity
    )
    return [
        *out,
        _csv(
            outdir / "khatri_fig17.csv",
            ["ground_distance_km", "altitude_km", "value", "activity", "fidelity"],
            rows,
        ),
    ]


def _fig10(outdir: pathlib.Path) -> list[pathlib.Path]:
    data = khatri.fig10_data()
    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for i, s in enumerate(data.p_swap):
        (line,) = ax1.semilogy(data.p, data.lp[i], "o", ms=4, label=f"LP, p_swap = {s:g}")
        ax1.semilogy(data.p, data.analytic[i], "-", color=line.get_color(), lw=1)
    ax1.set(
        xlabel="p (both links)",
        ylabel="expected waiting time (steps)",
        title=f"LP (dots) vs eq. 124 (lines), t* = m* = {data.memory_steps}",
    )
    ax1.legend(fontsize=7)
    for k, (p1, t1, t2) in enumerate(data.asymmetric_cases):
        ax2.semilogy(
            data.asymmetric_p2, data.asymmetric[k], label=f"p1 = {p1:g}, t1 = {t1}, t2 = {t2}"
        )
    ax2.set(
        xlabel="p2", ylabel="expected waiting time (steps)", title="asymmetric links (p_swap = 0.5)"
    )
    ax2.legend(fontsize=7)
    fig.suptitle("Khatri 2022, Fig. 10: two links and one swap")
    out = _save(fig, outdir, "khatri_fig10")
    rows = (
        [float(s), float(q), float(data.lp[i, j]), float(data.analytic[i, j])]
        for i, s in enumerate(data.p_swap)
        for j, q in enumerate(data.p)
    )
    return [
        *out,
        _csv(
            outdir / "khatri_fig10.csv",
            ["p_swap", "p", "lp_waiting_steps", "analytic_waiting_steps"],
            rows,
        ),
    ]


FIGURES: dict[str, Callable[[pathlib.Path], list[pathlib.Path]]] = {
    "khatri_fig10": _fig10,
    "khatri_fig13": _fig13,
    "khatri_fig14": _fig14,
    "khatri_fig15": _fig15,
    "khatri_fig16": _fig16,
    "khatri_fig17": _fig17,
}


def render_figure(name: str, outdir: str | pathlib.Path) -> list[pathlib.Path]:
    """Write one figure (PNG, SVG and CSV data) into ``outdir``; returns the paths.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.suffix for p in render_figure("khatri_fig13", tmp)]
    ['.png', '.svg', '.csv']
    """
    if name not in FIGURES:
        raise ValueError(f"unknown figure {name!r}; known: {sorted(FIGURES)}")
    out = pathlib.Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    return FIGURES[name](out)


def render_all(outdir: str | pathlib.Path) -> list[pathlib.Path]:
    """Write every reproduced figure into ``outdir``; returns the paths written."""
    return [path for name in FIGURES for path in render_figure(name, outdir)]
