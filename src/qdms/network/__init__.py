"""Networks: topologies, routing, the end-to-end protocol, waiting times, fidelities, key rates."""

from .examples import (
    linear_chain,
    metro_mesh,
    random_geometric_network,
    sensor_star,
    two_cities_via_satellite,
)
from .paths import (
    OnFailure,
    Path,
    PathReport,
    analyse_path,
    delivery_for,
    link_path,
    path_links,
    werner_curve,
)
from .protocol import (
    ProtocolSettings,
    Request,
    RequestResult,
    ServicePlan,
    serve_requests,
    target_fidelity,
)
from .routing import (
    Metric,
    best_path,
    edge_disjoint_paths,
    k_shortest_paths,
    link_weight,
    routing_graph,
)
from .state import LinkState, network_state
from .topology import Link, Network, Node, Role, link_from_physics
from .waiting_time import (
    MAX_PRODUCT_STATES,
    CollectiveDelivery,
    RoundDelivery,
    collective_delivery,
    collective_waiting_time,
    round_delivery,
    virtual_link_waiting_time,
)

__all__ = [
    "MAX_PRODUCT_STATES",
    "CollectiveDelivery",
    "Link",
    "LinkState",
    "Metric",
    "Network",
    "Node",
    "OnFailure",
    "Path",
    "PathReport",
    "ProtocolSettings",
    "Request",
    "RequestResult",
    "Role",
    "RoundDelivery",
    "ServicePlan",
    "analyse_path",
    "best_path",
    "collective_delivery",
    "collective_waiting_time",
    "delivery_for",
    "edge_disjoint_paths",
    "k_shortest_paths",
    "linear_chain",
    "link_from_physics",
    "link_path",
    "link_weight",
    "metro_mesh",
    "network_state",
    "path_links",
    "random_geometric_network",
    "round_delivery",
    "routing_graph",
    "sensor_star",
    "serve_requests",
    "target_fidelity",
    "two_cities_via_satellite",
    "virtual_link_waiting_time",
    "werner_curve",
]
