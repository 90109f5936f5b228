"""Monte Carlo and discrete-event simulators that cross-check the analytic layers.

``sim`` sits beside the stack: it may use every layer's models, and no
analytic layer imports it. Import the simulator modules directly, e.g.
``from qdms.sim import elementary_link``. Randomness comes only from a
``numpy.random.Generator`` passed in.
"""

__all__: list[str] = []
