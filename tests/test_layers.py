"""Layers import only downward (DESIGN.md, STYLE.md rule 1); analytic layers never import qdms.sim."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

import qdms

ORDER = [
    "quantum",
    "physics",
    "mdp",
    "protocols",
    "links",
    "chains",
    "network",
    "apps",
    "scenario",
    "sweep",
    "report",
    "cli",
]
RANK = {name: i for i, name in enumerate(ORDER)}
# sweep sits beside scenario, figures beside report; the CLI is the top.
RANK.update({"sweep": RANK["scenario"], "figures": RANK["report"], "cli": RANK["report"] + 1})
PACKAGE = pathlib.Path(qdms.__file__).parent


def layer_of(path: pathlib.Path) -> str | None:
    rel = path.relative_to(PACKAGE).parts
    name = rel[0].removesuffix(".py")
    return name if name in RANK or name == "sim" else None


def imported_layers(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    depth = len(path.relative_to(PACKAGE).parts) - 1
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "qdms" and len(parts) > 1:
                    found.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.startswith("qdms."):
                found.add(node.module.split(".")[1])
            elif node.level > depth:
                # Relative import that climbs out of the layer: ..physics or from .. import x
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found.update(alias.name for alias in node.names)
    return {f for f in found if f in RANK or f == "sim"}


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if layer_of(p))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_downward(path):
    layer = layer_of(path)
    for target in imported_layers(path) - {layer}:
        if layer == "sim":
            continue  # the simulator may use every layer's models
        assert target != "sim", f"{path.name}: analytic layer {layer} imports qdms.sim"
        assert RANK[target] < RANK[layer], (
            f"{path.name}: layer {layer} imports higher layer {target}"
        )


def test_import_qdms_is_light():
    code = "import sys, qdms, qdms.quantum; print(any(m in sys.modules for m in ('matplotlib', 'dask', 'rich')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
