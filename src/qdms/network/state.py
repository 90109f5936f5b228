"""The quantum state of the network at time ``t`` (Khatri 2022, eq. 91-93).

Links are independent, so the network's state is the tensor product of the
links' states; each link is active with probability ``Pr[X_t != -1]`` and,
given that, is in the mixture over its ages of its stored states (eq. 93).
Known by its fidelities, a link's conditional state is the Werner state of
its expected fidelity (a mixture of Werner states is a Werner state).
"""

from __future__ import annotations

from dataclasses import dataclass

from .._validation import check_int
from .topology import Network

__all__ = ["LinkState", "network_state"]


@dataclass(frozen=True)
class LinkState:
    """One link at time ``t``: activity probability and fidelity given activity."""

    link: str
    activity: float
    fidelity: float | None


def network_state(network: Network, t: int) -> dict[str, LinkState]:
    """Per link: ``Pr[active at t]`` (eq. 20) and the expected fidelity given activity (eq. 21, 93).

    The probability that a set of links is active together at ``t`` is the
    product of their activities (independence, eq. 91).

    Examples
    --------
    >>> from qdms.network.examples import linear_chain
    >>> state = network_state(linear_chain(2, 20.0), 5)
    >>> round(state["n0-n1"].activity, 6)
    0.924095
    """
    t = check_int("t", t, low=1)
    out = {}
    for link in network.links:
        policy = link.effective_policy
        activity = link.elementary.activity_probability(t, policy)
        fidelity = link.elementary.value(t, policy) / activity if activity > 0 else None
        out[link.name] = LinkState(link.name, activity, fidelity)
    return out
