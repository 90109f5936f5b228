"""Reading scenario files: safe YAML with line numbers, schema validation, clear errors.

:func:`load_scenario` reads a YAML file with :class:`yaml.SafeLoader` only (no
Python objects can be built from a file), keeps the line of every mapping key
and sequence item, validates the data against :class:`~.schema.Scenario`, then
checks the cross-references (:func:`~.checks.check_scenario`). Every problem
becomes a :class:`ScenarioIssue` with the file, line, field path, value and what
is allowed, e.g.::

    examples/bad.yaml:12: links[2].fiber.length_km: -5 is not allowed: must be > 0 (Input should be greater than 0)

and all of them are raised together as one :class:`ScenarioError`.
"""

from __future__ import annotations

import difflib
import hashlib
import pathlib
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .schema import RequestSpec, Scenario

__all__ = [
    "ScenarioError",
    "ScenarioIssue",
    "format_path",
    "load_scenario",
    "parse_scenario",
    "scenario_hash",
]

Path = tuple[str | int, ...]

#: The request kinds, in the schema's order.
REQUEST_KINDS: tuple[str, ...] = tuple(
    typing.get_args(c.model_fields["kind"].annotation)[0]
    for c in typing.get_args(typing.get_args(RequestSpec)[0])
)


@dataclass(frozen=True)
class ScenarioIssue:
    """One problem in a scenario file.

    Attributes
    ----------
    source : the file (or ``<string>``).
    line : 1-based line of the offending entry (None when unknown).
    path : the field path, e.g. ``("links", 2, "fiber", "length_km")``.
    message : what is wrong and what is allowed.
    """

    source: str
    line: int | None
    path: Path
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        field = format_path(self.path)
        return f"{where}: {field}: {self.message}" if field else f"{where}: {self.message}"


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[ScenarioIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


def format_path(path: Iterable[str | int]) -> str:
    """``("links", 2, "fiber")`` -> ``links[2].fiber``.

    Examples
    --------
    >>> format_path(("links", 2, "fiber", "length_km"))
    'links[2].fiber.length_km'
    """
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --------------------------------------------------------------------------- YAML with lines
def _walk_nodes(node: yaml.Node, path: Path, lines: dict[Path, int], issues: list) -> None:
    """Record the 1-based line of every key and item; report duplicate keys."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key in seen:
                issues.append(
                    (path + (key,), line, f"duplicate key {key!r} (first at line {seen[key]})")
                )
                continue
            seen[key] = line
            lines[path + (key,)] = line
            _walk_nodes(value_node, path + (key,), lines, issues)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _walk_nodes(item, path + (i,), lines, issues)


def _read_yaml(text: str, source: str) -> tuple[Any, dict[Path, int]]:
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise _yaml_error(exc, source) from None
        if node is None:
            raise ScenarioError([ScenarioIssue(source, 1, (), "the file is empty")])
        lines: dict[Path, int] = {(): node.start_mark.line + 1}
        duplicates: list = []
        _walk_nodes(node, (), lines, duplicates)
        if duplicates:
            raise ScenarioError([ScenarioIssue(source, ln, p, msg) for p, ln, msg in duplicates])
        try:
            data = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            raise _yaml_error(exc, source) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                ScenarioIssue(
                    source,
                    lines[()],
                    (),
                    f"a scenario is a mapping of sections (name, sites, links, ...), got {type(data).__name__}",
                )
            ]
        )
    return data, lines


def _yaml_error(exc: yaml.MarkedYAMLError, source: str) -> ScenarioError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    parts = [p for p in (exc.context, exc.problem) if p]
    text = "; ".join(parts) or str(exc)
    if mark is not None:
        text += f" (column {mark.column + 1})"
    return ScenarioError([ScenarioIssue(source, line, (), f"malformed YAML: {text}")])


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """Line of ``path``, or of its deepest ancestor present in the file."""
    for k in range(len(path), -1, -1):
        if path[:k] in lines:
            return lines[path[:k]]
    return None


# --------------------------------------------------------------------------- pydantic errors
def _resolve(data: Any, loc: Sequence[str | int]) -> tuple[Path, Any, bool]:
    """Map a pydantic ``loc`` onto the data: skip union tags; return (path, value, found)."""
    path: list[str | int] = []
    current = data
    found = True
    for part in loc:
        if isinstance(current, dict) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and _is_tag(current, part):
            continue  # a discriminated-union tag (the request kind), not in the file
        else:
            path.append(part)
            found = False
            current = None
    return tuple(path), current, found


def _is_tag(mapping: dict, part: str) -> bool:
    return mapping.get("kind") == part


def _candidates(tp: Any) -> list[Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _candidates(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [c for a in typing.get_args(tp) for c in _candidates(a)]
    return [tp]


def _step(types_: list[Any], part: str | int) -> list[Any]:
    out: list[Any] = []
    for tp in types_:
        for c in _candidates(tp):
            origin = typing.get_origin(c)
            if isinstance(part, int) and origin in (tuple, list):
                args = typing.get_args(c)
                if origin is list or (len(args) == 2 and args[1] is Ellipsis):
                    out.append(args[0])
                elif part < len(args):
                    out.append(args[part])
            elif isinstance(c, type) and issubclass(c, BaseModel) and isinstance(part, str):
                if part in c.model_fields:
                    out.append(c.model_fields[part].annotation)
                elif "kind" in c.model_fields and part in typing.get_args(
                    c.model_fields["kind"].annotation
                ):
                    out.append(c)
    return out


def _models_at(path: Sequence[str | int], kind: str | None) -> list[type[BaseModel]]:
    types_: list[Any] = [Scenario]
    for part in path:
        types_ = _step(types_, part)
    models = [
        c
        for tp in types_
        for c in _candidates(tp)
        if isinstance(c, type) and issubclass(c, BaseModel)
    ]
    if kind is not None:
        tagged = [
            m
            for m in models
            if "kind" in m.model_fields
            and kind in typing.get_args(m.model_fields["kind"].annotation)
        ]
        models = tagged or models
    return models


def _field_description(path: Path, kind: str | None) -> str | None:
    if not path or not isinstance(path[-1], str):
        return None
    for model in _models_at(path[:-1], kind):
        info = model.model_fields.get(path[-1])
        if info is not None and info.description:
            return info.description
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_BOUNDS = {
    "greater_than": (">", "gt"),
    "greater_than_equal": (">=", "ge"),
    "less_than": ("<", "lt"),
    "less_than_equal": ("<=", "le"),
}
_TYPES = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "model_type": "a mapping of fields (key: value)",
    "model_attributes_type": "a mapping of fields (key: value)",
    "dict_type": "a mapping (key: value)",
    "tuple_type": "a list",
    "list_type": "a list",
}


def _allowed(error: dict, path: Path, kind: str | None) -> str:
    kind_of = error["type"]
    ctx = error.get("ctx") or {}
    if kind_of in _BOUNDS:
        symbol, key = _BOUNDS[kind_of]
        bound = ctx.get(key)
        return (
            f"must be {symbol} {bound:g}"
            if isinstance(bound, float)
            else f"must be {symbol} {bound}"
        )
    if kind_of == "literal_error":
        return f"must be one of {ctx.get('expected')}"
    if kind_of in ("union_tag_invalid", "union_tag_not_found"):
        return f"kind must be one of {', '.join(repr(k) for k in REQUEST_KINDS)}"
    if kind_of == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind_of == "too_long":
        return f"allows at most {ctx.get('max_length')} item(s)"
    if kind_of == "string_pattern_mismatch":
        return "names start with a letter or digit and use letters, digits, '-', '_', '.', '+'"
    if kind_of == "string_too_long":
        return f"at most {ctx.get('max_length')} characters"
    if kind_of in _TYPES:
        return f"must be {_TYPES[kind_of]}"
    description = _field_description(path, kind)
    return description or error.get("msg", "")


def _issue_from_error(error: dict, data: dict, lines, source: str) -> ScenarioIssue:
    path, value, found = _resolve(data, error["loc"])
    if error["type"] in ("union_tag_invalid", "union_tag_not_found") and isinstance(value, dict):
        found = "kind" in value
        path, value = path + ("kind",), value.get("kind")
    kind = None
    if len(path) >= 2 and path[0] == "requests" and isinstance(path[1], int):
        try:
            kind = data["requests"][path[1]].get("kind")
        except (AttributeError, IndexError, KeyError, TypeError):
            kind = None
    line = line_of(lines, path)
    msg = error.get("msg", "")
    typ = error["type"]
    if typ == "union_tag_not_found":
        text = f"required field is missing: {_allowed(error, path, kind)}"
    elif typ == "missing":
        description = _field_description(path, kind)
        what = f" ({description})" if description else ""
        text = f"required field is missing{what}"
    elif typ == "extra_forbidden":
        names = sorted({f for m in _models_at(path[:-1], kind) for f in m.model_fields})
        close = difflib.get_close_matches(str(path[-1]), names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        text = f"unknown field{hint} Allowed fields: {', '.join(names)}"
    elif isinstance(value, (dict, list)) or not found:
        text = f"{_allowed(error, path, kind)} ({msg})"
    else:
        text = f"{_short(value)} is not allowed: {_allowed(error, path, kind)} ({msg})"
    return ScenarioIssue(source, line, path, text)


# --------------------------------------------------------------------------- public API
def parse_scenario(text: str, *, source: str = "<string>") -> Scenario:
    """Parse and validate scenario YAML text (see :func:`load_scenario`).

    Raises
    ------
    ScenarioError : with every problem found (malformed YAML, schema, cross-references).

    Examples
    --------
    >>> text = '''
    ... name: two-sites
    ... sites:
    ...   - {name: a, memory: {coherence_time_s: 0.1}}
    ...   - {name: b, memory: {coherence_time_s: 0.1}}
    ... links:
    ...   - {between: [a, b], fiber: {length_km: 10}}
    ... requests:
    ...   - {name: key, kind: qkd, between: [a, b]}
    ... '''
    >>> parse_scenario(text).links[0].link_name
    'a-b'
    >>> try:
    ...     parse_scenario(text.replace("length_km: 10", "length_km: -5"), source="bad.yaml")
    ... except ScenarioError as exc:
    ...     print(exc)
    bad.yaml:7: links[0].fiber.length_km: -5 is not allowed: must be > 0 (Input should be greater than 0)
    """
    from .build import physics_problems
    from .checks import check_scenario

    data, lines = _read_yaml(text, source)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        issues = [
            _issue_from_error(e, data, lines, source) for e in errors if not _consequence(e, errors)
        ]
        raise ScenarioError(_unique(issues)) from None
    problems = check_scenario(scenario) or physics_problems(scenario)
    if problems:
        raise ScenarioError(
            [ScenarioIssue(source, line_of(lines, path), path, msg) for path, msg in problems]
        )
    return scenario


def _consequence(error: dict, errors: list[dict]) -> bool:
    """A too-short error raised only because an item inside failed (pydantic reports both)."""
    if error["type"] != "too_short":
        return False
    loc = tuple(error["loc"])
    return any(tuple(e["loc"])[: len(loc)] == loc and tuple(e["loc"]) != loc for e in errors)


def _unique(issues: list[ScenarioIssue]) -> list[ScenarioIssue]:
    seen, out = set(), []
    for issue in issues:
        if str(issue) not in seen:
            seen.add(str(issue))
            out.append(issue)
    return out


def load_scenario(path: str | pathlib.Path) -> Scenario:
    """Read, validate and cross-check a scenario file (YAML, safe loading only).

    Parameters
    ----------
    path : the YAML file.

    Returns
    -------
    :class:`~.schema.Scenario`, frozen.

    Raises
    ------
    ScenarioError : every problem, each with file, line, field path, value and what is allowed.
    """
    file = pathlib.Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([ScenarioIssue(str(file), None, (), "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError(
            [ScenarioIssue(str(file), None, (), "is a directory, not a file")]
        ) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [ScenarioIssue(str(file), None, (), f"not UTF-8 text ({exc.reason})")]
        ) from None
    return parse_scenario(text, source=str(path))


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (:meth:`Scenario.canonical_json`), in hex.

    Two files that differ only in layout, comments or defaults spelled out hash alike.
    """
    return hashlib.sha256(scenario.canonical_json().encode("ascii")).hexdigest()
