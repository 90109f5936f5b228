"""A small document model rendered twice: Markdown (``report.md``) and self-contained HTML.

The HTML page has its CSS inline and its images embedded as base64 PNG, so it
opens anywhere without the folder beside it; the Markdown links the PNG files.
"""

from __future__ import annotations

import base64
import html
import pathlib
from dataclasses import dataclass, field

__all__ = ["Document", "FigureRef", "Section", "Table", "render_html", "render_markdown"]


@dataclass(frozen=True)
class Table:
    """A table: header, rows of already formatted cells, optional caption."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""


@dataclass(frozen=True)
class FigureRef:
    """A plot in the report: its PNG file and caption."""

    png: pathlib.Path
    caption: str


@dataclass(frozen=True)
class Section:
    """A heading with paragraphs, tables and figures, in that order, and subsections."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[FigureRef, ...] = ()
    bullets: tuple[str, ...] = ()
    subsections: tuple[Section, ...] = field(default=())


@dataclass(frozen=True)
class Document:
    """The report: a title, a subtitle line and sections."""

    title: str
    subtitle: str
    sections: tuple[Section, ...]


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_section(section: Section, level: int, out: list[str]) -> None:
    out += [f"{'#' * level} {section.heading}", ""]
    for p in section.paragraphs:
        out += [p, ""]
    for b in section.bullets:
        out.append(f"- {b}")
    if section.bullets:
        out.append("")
    for table in section.tables:
        if table.caption:
            out += [f"*{table.caption}*", ""]
        out.append("| " + " | ".join(_md_cell(h) for h in table.header) + " |")
        out.append("|" + "|".join("---" for _ in table.header) + "|")
        for row in table.rows:
            out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
        out.append("")
    for fig in section.figures:
        out += [f"![{fig.caption}]({fig.png.name})", "", f"*{fig.caption}*", ""]
    for sub in section.subsections:
        _md_section(sub, level + 1, out)


def render_markdown(doc: Document) -> str:
    """The document as GitHub-flavoured Markdown (images link the PNG files beside it)."""
    out = [f"# {doc.title}", "", doc.subtitle, ""]
    for section in doc.sections:
        _md_section(section, 2, out)
    return "\n".join(out).rstrip() + "\n"


CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1100px; color: #1d1d1f; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.7em; border-bottom: 2px solid #0b5394; padding-bottom: .2em; }
h2 { font-size: 1.35em; border-bottom: 1px solid #ccc; margin-top: 1.8em; }
h3 { font-size: 1.1em; margin-top: 1.4em; }
.subtitle { color: #555; font-size: .9em; }
table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: .88em; }
th, td { border: 1px solid #c8c8c8; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #e8f0fa; }
tr:nth-child(even) td { background: #f7f9fc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-style: italic; color: #444; padding: .2em 0; }
figure { margin: 1em 0 1.6em; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: .85em; color: #444; }
code { background: #f2f2f2; padding: 0 .25em; }
"""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text in ("∞", "-∞", "-")
    return True


def _html_text(text: str) -> str:
    escaped = html.escape(text)
    # `code` spans, the only inline markup the report uses
    parts = escaped.split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _html_section(section: Section, level: int, out: list[str]) -> None:
    out.append(f"<h{level}>{html.escape(section.heading)}</h{level}>")
    for p in section.paragraphs:
        out.append(f"<p>{_html_text(p)}</p>")
    if section.bullets:
        out.append("<ul>" + "".join(f"<li>{_html_text(b)}</li>" for b in section.bullets) + "</ul>")
    for table in section.tables:
        out.append("<table>")
        if table.caption:
            out.append(f"<caption>{_html_text(table.caption)}</caption>")
        out.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in table.header) + "</tr>")
        for row in table.rows:
            cells = "".join(
                f'<td class="num">{html.escape(c)}</td>'
                if _is_number(c)
                else f"<td>{_html_text(c)}</td>"
                for c in row
            )
            out.append(f"<tr>{cells}</tr>")
        out.append("</table>")
    for fig in section.figures:
        data = base64.b64encode(fig.png.read_bytes()).decode("ascii")
        out.append(
            f'<figure><img alt="{html.escape(fig.caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{_html_text(fig.caption)}</figcaption></figure>"
        )
    for sub in section.subsections:
        _html_section(sub, level + 1, out)


def render_html(doc: Document) -> str:
    """The document as one self-contained HTML page (inline CSS, base64 images, no scripts)."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(doc.title)}</title>",
        f"<style>{CSS}</style>",
        "</head><body>",
        f"<h1>{html.escape(doc.title)}</h1>",
        f'<p class="subtitle">{_html_text(doc.subtitle)}</p>',
    ]
    for section in doc.sections:
        _html_section(section, 2, out)
    out.append("</body></html>")
    return "\n".join(out) + "\n"
