"""qdms benchmarks (``make bench``)."""
