"""Cross-reference checks of a validated scenario: names, links, lengths, connectivity.

The schema (:mod:`.schema`) checks each field on its own; these checks need the
whole scenario: unique names, links and requests that name existing sites, fiber
lengths that can be computed, satellite links without fiber detectors, request
end points that can hold a qubit and that the links connect. Each problem is a
``(path, message)`` pair; :func:`qdms.scenario.load_scenario` adds the file and
line.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from .schema import (
    GHZSensingRequest,
    Scenario,
    SecureSensingRequest,
)

__all__ = ["check_scenario", "request_sites"]

Problem = tuple[tuple[str | int, ...], str]


def request_sites(request) -> tuple[str, ...]:
    """The sites a request names (``between`` or ``sites``)."""
    if isinstance(request, GHZSensingRequest):
        return tuple(request.sites)
    return tuple(request.between)


def _duplicates(names: Sequence[str]) -> dict[int, int]:
    """Index of each repeated name -> index of its first occurrence."""
    first: dict[str, int] = {}
    out = {}
    for i, name in enumerate(names):
        if name in first:
            out[i] = first[name]
        else:
            first[name] = i
    return out


def check_scenario(scenario: Scenario) -> list[Problem]:
    """Every cross-reference problem of ``scenario`` as ``(path, message)`` (empty: consistent).

    Examples
    --------
    >>> from qdms.scenario import parse_scenario
    >>> s = parse_scenario('''
    ... name: ok
    ... sites: [{name: a, memory: {coherence_time_s: 1}}, {name: b, memory: {coherence_time_s: 1}}]
    ... links: [{between: [a, b], fiber: {length_km: 5}}]
    ... ''')
    >>> check_scenario(s)
    []
    """
    problems: list[Problem] = []
    sites = {s.name: s for s in scenario.sites}
    for i, j in _duplicates([s.name for s in scenario.sites]).items():
        problems.append(
            (("sites", i, "name"), f"{scenario.sites[i].name!r} is already the name of sites[{j}]")
        )
    for i, j in _duplicates([lk.link_name for lk in scenario.links]).items():
        field = "name" if scenario.links[i].name else "between"
        problems.append(
            (
                ("links", i, field),
                f"link name {scenario.links[i].link_name!r} is already used by links[{j}]"
                + ("" if scenario.links[i].name else "; give parallel links a 'name'"),
            )
        )
    graph = nx.Graph()
    graph.add_nodes_from(sites)
    for i, link in enumerate(scenario.links):
        a, b = link.between
        ok = True
        for k, name in enumerate(link.between):
            if name not in sites:
                problems.append(
                    (
                        ("links", i, "between", k),
                        f"{name!r} is not a site; sites: {', '.join(sites)}",
                    )
                )
                ok = False
        if a == b:
            problems.append(
                (("links", i, "between"), f"a link joins two different sites, got {a!r} twice")
            )
            ok = False
        if (link.fiber is None) == (link.satellite is None):
            problems.append((("links", i), "give exactly one of 'fiber' or 'satellite'"))
        if link.satellite is not None and link.detectors is not None:
            problems.append(
                (
                    ("links", i, "detectors"),
                    "detectors are not modelled for satellite links (Khatri App. C.2): give "
                    "losses in satellite.zenith_transmittance and noise in satellite.background_photons",
                )
            )
        if (
            link.fiber is not None
            and link.satellite is None
            and link.fiber.length_km is None
            and ok
        ):
            missing = [n for n in link.between if sites[n].position_km is None]
            if missing:
                problems.append(
                    (
                        ("links", i, "fiber"),
                        f"length_km is omitted and site(s) {missing} have no position_km to compute it from",
                    )
                )
            elif sites[a].position_km == sites[b].position_km:
                problems.append(
                    (
                        ("links", i, "fiber"),
                        f"length_km is omitted and sites {a!r} and {b!r} share one position",
                    )
                )
        if ok:
            graph.add_edge(a, b)
    for i, j in _duplicates([r.name for r in scenario.requests]).items():
        problems.append(
            (
                ("requests", i, "name"),
                f"{scenario.requests[i].name!r} is already the name of requests[{j}]",
            )
        )
    for i, request in enumerate(scenario.requests):
        field = "sites" if isinstance(request, GHZSensingRequest) else "between"
        names = request_sites(request)
        known = True
        for k, name in enumerate(names):
            if name not in sites:
                problems.append(
                    (
                        ("requests", i, field, k),
                        f"{name!r} is not a site; sites: {', '.join(sites)}",
                    )
                )
                known = False
            elif sites[name].memory.qubits < 1:
                problems.append(
                    (
                        ("requests", i, field, k),
                        f"site {name!r} has no memory qubit to hold its share",
                    )
                )
        if len(set(names)) != len(names):
            problems.append(
                (("requests", i, field), f"the sites must be distinct, got {list(names)}")
            )
            known = False
        if isinstance(request, SecureSensingRequest) and request.attacked > request.pairs:
            problems.append(
                (
                    ("requests", i, "attacked"),
                    f"{request.attacked} is not allowed: must be <= pairs ({request.pairs})",
                )
            )
        if known:
            for other in names[1:]:
                if not nx.has_path(graph, names[0], other):
                    problems.append(
                        (
                            ("requests", i, field),
                            f"sites {names[0]!r} and {other!r} are not connected by any chain of links",
                        )
                    )
    return problems
