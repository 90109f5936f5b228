"""The ``qdms`` command line: a thin shell over typed library functions.

Each command parses its arguments, calls a library function that Python
users and tests call too, and prints. Only this package prints and chooses
exit codes; the library raises.
"""

from __future__ import annotations

from .app import app, main

__all__ = ["app", "main"]
