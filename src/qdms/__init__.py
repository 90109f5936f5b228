"""qdms: design and analysis of quantum networks for distributed measurement systems.

Layers, from the bottom up (each imports only those below it):
``quantum`` (states, channels, figures of merit), ``physics`` (hardware to
elementary links), ``mdp`` (finite Markov decision processes), ``protocols``
(LOCC joining and distillation), ``links`` (the elementary-link MDP),
``chains`` (repeater chains), ``network`` (topologies and the end-to-end
protocol) and ``apps`` (QKD, metrology, ...). ``sim`` holds the Monte Carlo
simulators that cross-check the analytic layers.

``import qdms`` is light: subpackages load when they are imported.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qdms")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
