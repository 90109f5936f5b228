"""Virtual links along a path: waiting time, delivered fidelity, key rate (Khatri Sec. IV).

A path is a sequence of bipartite links. The end-to-end protocol (Khatri
Fig. 8) lets every link run its own policy; when all links of the path are
active the intermediate nodes swap (success ``p_swap`` each, optional
depolarising noise on their Bell measurements); a failed swap discards
every link, which then start again from inactive. The links step in
lock-step at the pace of the slowest one (``dt = max_i dt_i``; links from
physics are re-timed to it, see :meth:`Link.at_time_step`).

Checking every step (``round_steps = 1``) is Def. IV.3-IV.4; checking every
``t0`` steps is the round structure of Fig. 8. Exact figures come from the
product of the links' chains (:func:`collective_delivery`): a link known by
its fidelity is a Werner state, swapping multiplies Werner parameters
(API.md), so the delivered Werner parameter is ``E[prod_i w_i(age_i)]`` over
the ages at the moment of joining, times ``prod_j (1 - lam_j)``.

The key rate of the virtual link (eq. 100-102) counts one delivered pair per
renewal cycle: each attempt waits ``E[W]`` steps and then ``t_class`` seconds
for the joining's classical messages to cross the path, and succeeds with
``p_join``, so ``rate = K(F) p_join / (E[W] dt + t_class)`` secret bits per
second (``K`` an asymptotic key fraction of :mod:`qdms.apps.qkd`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .._validation import check_int, check_probability
from ..physics import SPEED_OF_LIGHT_KM_PER_S
from ..quantum import fidelity_from_werner_parameter, werner_parameter_from_fidelity
from .topology import Link, Network
from .waiting_time import collective_delivery, round_delivery

__all__ = [
    "OnFailure",
    "Path",
    "PathReport",
    "analyse_path",
    "delivery_for",
    "link_path",
    "path_links",
    "waiting_figures",
    "werner_curve",
]


@dataclass(frozen=True)
class Path:
    """A route: its nodes in order and the link used for each hop."""

    nodes: tuple[str, ...]
    links: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.links) != len(self.nodes) - 1 or not self.links:
            raise ValueError(
                f"a path needs one link per hop, got nodes {self.nodes} and links {self.links}"
            )

    @property
    def hops(self) -> int:
        """Number of links."""
        return len(self.links)


def link_path(network: Network, nodes: Sequence[str]) -> Path:
    """The path through ``nodes`` using, for each hop, the first link between them.

    Examples
    --------
    >>> from qdms.network.examples import linear_chain
    >>> link_path(linear_chain(2, 20.0), ["n0", "n1", "n2"]).links
    ('n0-n1', 'n1-n2')
    """
    names = []
    for a, b in itertools.pairwise(nodes):
        between = network.links_between(a, b)
        if not between:
            raise ValueError(f"no link between {a!r} and {b!r}")
        names.append(between[0].name)
    return Path(tuple(nodes), tuple(names))


def path_links(network: Network, path: Path) -> list[Link]:
    """The :class:`Link` objects of ``path``, in order."""
    return [network.link(name) for name in path.links]


OnFailure = Literal["continue", "restart", "stop"]


@dataclass(frozen=True)
class PathReport:
    """Figures of merit of one virtual link.

    Attributes
    ----------
    path : the route.
    time_step_s : the common step of the path's links.
    join_probability : ``p_swap^n`` for ``n`` intermediate nodes.
    delivery_probability : probability that the protocol delivers a pair
        (1 unless it stops after one round).
    mean_collective_steps : expected steps until the links are found all active
        together (Def. IV.3; for rounds, counted in steps).
    mean_waiting_steps : expected virtual-link waiting time in steps (Def. IV.4),
        given delivery.
    mean_waiting_time_s : the same in seconds, with the classical time of each join.
    werner_parameter, fidelity : of the delivered end-to-end pair.
    classical_time_s : time for the joining's messages to cross the path.
    """

    path: Path
    time_step_s: float
    join_probability: float
    delivery_probability: float
    mean_collective_steps: float
    mean_waiting_steps: float
    mean_waiting_time_s: float
    werner_parameter: float
    fidelity: float
    classical_time_s: float

    def key_rate_bps(self, key_fraction) -> float:
        """Secret bits per second, ``K(F) p_deliver / E[time per delivery attempt cycle]`` (eq. 100-102).

        ``key_fraction`` maps Bell coefficients to a key fraction, e.g.
        :func:`qdms.apps.qkd.bb84_key_fraction`. Deliveries form a renewal
        process: one pair per ``mean_waiting_time_s`` on average.
        """
        w = self.werner_parameter
        q = np.array([w + (1 - w) / 4, (1 - w) / 4, (1 - w) / 4, (1 - w) / 4])
        return float(key_fraction(q)) * self.delivery_probability / self.mean_waiting_time_s


def delivery_for(
    links: Sequence[Link], *, round_steps: int = 1, on_failure: OnFailure = "continue"
):
    """The delivery analysis of a set of links under the protocol's rules.

    ``"continue"``: the links keep running between checks, exact by the
    absorbing product chain (:func:`collective_delivery`); ``"restart"`` and
    ``"stop"``: one round of ``t0`` steps from inactive, exact by independence
    (:func:`round_delivery`), repeated from scratch or not at all.
    """
    elementary = [link.elementary for link in links]
    policies = [link.effective_policy for link in links]
    if on_failure == "continue":
        return collective_delivery(elementary, policies, round_steps=round_steps)
    if on_failure in ("restart", "stop"):
        return round_delivery(elementary, policies, round_steps)
    raise ValueError(f"on_failure must be 'continue', 'restart' or 'stop', got {on_failure!r}")


def waiting_figures(delivery, p_join: float, on_failure: OnFailure) -> tuple[float, float, float]:
    """``(delivery probability, E[steps until all active], E[steps until delivered])`` for a delivery."""
    if on_failure == "continue":
        return 1.0, delivery.mean_waiting_time, delivery.mean_waiting_time / p_join
    success = delivery.probability * p_join
    t0 = delivery.round_steps
    if on_failure == "stop":
        return success, float(t0), float(t0)
    if success == 0:
        raise ValueError(
            "the links are never all active after the round: the virtual link is never delivered"
        )
    return 1.0, t0 / delivery.probability, t0 / success


def analyse_path(
    network: Network,
    path: Path,
    *,
    swap_probability: float = 1.0,
    bell_measurement_noise: float = 0.0,
    round_steps: int = 1,
    on_failure: OnFailure = "continue",
) -> PathReport:
    """Waiting time and delivered fidelity of the virtual link along ``path`` (Khatri Sec. IV).

    Parameters
    ----------
    network, path : the route (its links must exist in the network).
    swap_probability : success probability of each intermediate node's Bell measurement.
    bell_measurement_noise : depolarising probability of each Bell measurement
        (multiplies the Werner parameter by ``1 - lam`` per node).
    round_steps : ``t0`` of Fig. 8: the links are checked every ``t0`` steps
        (1: every step, Def. IV.3-IV.4).
    on_failure : when the links are not all active at a check, or the join
        fails: ``"continue"`` (keep running, Fig. 8; a failed join discards
        the links), ``"restart"`` (discard all and start a new round) or
        ``"stop"`` (one round only).

    Examples
    --------
    >>> from qdms.network.examples import linear_chain
    >>> net = linear_chain(2, 20.0)
    >>> report = analyse_path(net, link_path(net, ["n0", "n1", "n2"]), swap_probability=0.5)
    >>> report.join_probability, report.mean_waiting_steps > report.mean_collective_steps
    (0.5, True)
    """
    p_swap = check_probability("swap_probability", swap_probability)
    lam = check_probability("bell_measurement_noise", bell_measurement_noise)
    t0 = check_int("round_steps", round_steps, low=1)
    if p_swap == 0:
        raise ValueError("swap_probability must be > 0: the virtual link is never created")
    links = path_links(network, path)
    dt = max(link.time_step_s for link in links)
    links = [link.at_time_step(dt) for link in links]
    delivery = delivery_for(links, round_steps=t0, on_failure=on_failure)
    n_mid = len(links) - 1
    p_join = p_swap**n_mid
    w_out = delivery.expect([werner_curve(link) for link in links]) * (1.0 - lam) ** n_mid
    length = sum(link.length_km or 0.0 for link in links)
    t_class = length / SPEED_OF_LIGHT_KM_PER_S if n_mid else 0.0
    deliver, collective, steps = waiting_figures(delivery, p_join, on_failure)
    attempts = 1.0 if on_failure == "stop" else 1.0 / p_join
    return PathReport(
        path=path,
        time_step_s=dt,
        join_probability=p_join,
        delivery_probability=deliver,
        mean_collective_steps=collective,
        mean_waiting_steps=steps,
        mean_waiting_time_s=steps * dt + attempts * t_class,
        werner_parameter=float(w_out),
        fidelity=float(fidelity_from_werner_parameter(w_out)),
        classical_time_s=t_class,
    )


def werner_curve(link: Link) -> NDArray[np.float64]:
    """Werner parameter ``(4 f(m) - 1)/3`` of the link over its ages ``m = 0..m*``."""
    return np.atleast_1d(werner_parameter_from_fidelity(np.asarray(link.elementary.fidelities)))
