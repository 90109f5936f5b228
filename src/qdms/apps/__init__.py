"""Applications: QKD, quantum secure metrology, sensing, clock synchronisation, ...

Import the application modules directly, e.g. ``from qdms.apps import qkd``.
"""

__all__: list[str] = []
