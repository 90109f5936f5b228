"""Reports: the analyses ``qdms`` runs and writes out (tables, plots, data)."""

from .demo import DemoLink, DemoResult, run_demo

__all__ = ["DemoLink", "DemoResult", "run_demo"]
