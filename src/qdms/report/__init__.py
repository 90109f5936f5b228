"""Reports: the analyses ``qdms`` runs and writes out (tables, plots, data).

``run_scenario(scenario, outdir)`` is ``qdms run``: it analyses a scenario
(:func:`analyse_scenario`: link physics, elementary links and their policies,
routing and the end-to-end protocol, per-request application figures) and
writes ``report.md``, a self-contained ``report.html``, ``results.json`` and the
plots, atomically. ``run_demo`` is the older two-link demo (``qdms demo``).
"""

from .analysis import (
    LinkFigures,
    Progress,
    RequestFigures,
    ScenarioAnalysis,
    analyse_scenario,
    serve_in_order,
)
from .applications import (
    ApplicationFigures,
    ClockFigures,
    GHZFigures,
    QKDFigures,
    QSMFigures,
    application_figures,
)
from .demo import DemoLink, DemoResult, run_demo
from .results import quantity, results_tree
from .run import RunResult, check_output_folder, run_scenario

__all__ = [
    "ApplicationFigures",
    "ClockFigures",
    "DemoLink",
    "DemoResult",
    "GHZFigures",
    "LinkFigures",
    "Progress",
    "QKDFigures",
    "QSMFigures",
    "RequestFigures",
    "RunResult",
    "ScenarioAnalysis",
    "analyse_scenario",
    "application_figures",
    "check_output_folder",
    "quantity",
    "results_tree",
    "run_demo",
    "run_scenario",
    "serve_in_order",
]
