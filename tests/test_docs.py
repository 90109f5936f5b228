"""The Python examples of docs/*.md run as written (each page's blocks build on each other)."""

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = {p.name: re.findall(r"```python\n(.*?)```", p.read_text(), re.S) for p in DOCS}


@pytest.mark.parametrize("page", [name for name, blocks in PAGES.items() if blocks])
def test_doc_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here, and read
    (tmp_path / "examples").symlink_to(ROOT / "examples")  # the examples as from the root
    namespace: dict = {}
    for block in PAGES[page]:
        exec(compile(block, page, "exec"), namespace)


def test_the_two_link_example_prints_what_the_page_says(capsys):
    from qdms.chains import two_link_waiting_time

    text = (ROOT / "docs" / "repeater_chains.md").read_text()
    assert repr(two_link_waiting_time(1e-9, 4e-10, 0.5, 100, None)) in text
