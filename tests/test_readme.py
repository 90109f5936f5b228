"""The README's Python examples run as written."""

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_there_are_examples():
    assert len(BLOCKS) >= 5


def test_readme_examples_run(capsys):
    namespace: dict = {}
    for block in BLOCKS:
        exec(compile(block, str(README), "exec"), namespace)  # the blocks build on each other
    out = capsys.readouterr().out
    assert "0.79" in out  # swap_fidelity of Werner 0.9 and 0.8
    assert "4614.2" in out  # the 8-segment nested chain


@pytest.mark.parametrize("command", ["make demo", "make test"])
def test_quickstart_commands_are_documented(command):
    assert command in README.read_text()
