"""Run every benchmark: ``python -m benchmarks [name ...]`` (``make bench``).

Each ``benchmarks/bench_*.py`` module has a ``main()`` that prints its
figures (times are medians of warm calls measured in this process). Targets
from the issues are printed beside the figures; they are never asserted.
"""

from __future__ import annotations

import importlib
import pathlib
import sys


def main(argv: list[str]) -> None:
    here = pathlib.Path(__file__).parent
    names = sorted(p.stem for p in here.glob("bench_*.py"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
