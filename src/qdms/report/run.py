"""``qdms run``: analyse a scenario and write its report folder, all or nothing.

:func:`run_scenario` computes everything first (:func:`.analysis.analyse_scenario`),
then writes ``report.md``, a self-contained ``report.html``, ``results.json``,
the plots (PNG and SVG) and a copy of the scenario into a temporary folder
beside the target, and renames it into place at the end: a failed run leaves
no half-written report. An existing target is replaced only when it holds an
earlier qdms report (a ``results.json``) or nothing at all.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..scenario import Scenario
from .analysis import Progress, ScenarioAnalysis, analyse_scenario
from .content import build_document
from .document import render_html, render_markdown
from .plots import draw_plots
from .results import results_tree

__all__ = ["RunResult", "check_output_folder", "run_scenario"]


@dataclass(frozen=True)
class RunResult:
    """What a run computed and where it wrote it.

    Attributes
    ----------
    analysis : every computed figure.
    outdir : the report folder.
    files : the files written, inside ``outdir``.
    results : the tree written to ``results.json``.
    """

    analysis: ScenarioAnalysis
    outdir: pathlib.Path
    files: tuple[pathlib.Path, ...]
    results: dict[str, Any] = field(repr=False)

    @property
    def html(self) -> pathlib.Path:
        """The HTML report."""
        return self.outdir / "report.html"


def check_output_folder(outdir: str | pathlib.Path) -> pathlib.Path:
    """The report folder, if it may be (re)written: absent, empty, or an earlier qdms report.

    Raises
    ------
    FileExistsError : it is a file, or a non-empty folder without ``results.json``.
    """
    out = pathlib.Path(outdir)
    if out.exists():
        if not out.is_dir():
            raise FileExistsError(f"{out} exists and is not a folder")
        if any(out.iterdir()) and not (out / "results.json").is_file():
            raise FileExistsError(
                f"{out} is not empty and holds no earlier qdms report (results.json): "
                "refusing to replace it; choose another folder"
            )
    return out


def _write(analysis: ScenarioAnalysis, tmp: pathlib.Path, scenario_text: str | None) -> list[str]:
    plots = draw_plots(analysis, tmp) if analysis.scenario.analyses.plots else []
    scenario_file = tmp / "scenario.yaml"
    if scenario_text is None:
        scenario_text = yaml.safe_dump(analysis.scenario.model_dump(mode="json"), sort_keys=False)
    scenario_file.write_text(scenario_text, encoding="utf-8")
    names = ["report.md", "report.html", "results.json", "scenario.yaml"]
    names += [f.name for p in plots for f in p.files]
    tree = results_tree(analysis, files=names)
    (tmp / "results.json").write_text(
        json.dumps(tree, indent=2, allow_nan=False) + "\n", encoding="utf-8"
    )
    document = build_document(analysis, plots, names)
    (tmp / "report.md").write_text(render_markdown(document), encoding="utf-8")
    (tmp / "report.html").write_text(render_html(document), encoding="utf-8")
    return names


def run_scenario(
    scenario: Scenario,
    outdir: str | pathlib.Path,
    *,
    progress: Progress | None = None,
    scenario_text: str | None = None,
) -> RunResult:
    """Analyse ``scenario`` and write its report into ``outdir`` (atomically).

    Parameters
    ----------
    scenario : a validated :class:`qdms.scenario.Scenario`.
    outdir : the report folder (created; an earlier report there is replaced).
    progress : optional ``progress(step, done, total)`` callback.
    scenario_text : the scenario file's text, copied to ``scenario.yaml`` (default:
        the validated model, dumped).

    Returns
    -------
    :class:`RunResult`.

    Raises
    ------
    qdms.scenario.ScenarioError : the scenario's network cannot be built.
    FileExistsError : ``outdir`` holds something other than an earlier report.
    """
    out = check_output_folder(outdir)
    analysis = analyse_scenario(scenario, progress=progress)
    if progress is not None:
        progress("writing the report", 0, 1)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=parent))
    try:
        names = _write(analysis, tmp, scenario_text)
        tree = json.loads((tmp / "results.json").read_text(encoding="utf-8"))
        os.chmod(tmp, 0o755)
        if out.exists():
            old = pathlib.Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
            old.rmdir()
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if progress is not None:
        progress("writing the report", 1, 1)
    return RunResult(analysis, out, tuple(out / n for n in names), tree)
