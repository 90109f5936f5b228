"""Registers every command module with the application."""

from __future__ import annotations

from . import demo, figures, qsm, run  # noqa: F401
