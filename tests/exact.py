"""Exact rational linear algebra for the tests' independent references (no rounding at all)."""

from __future__ import annotations


def gauss_jordan(rows: list[list]) -> list[list]:
    """Reduce the augmented rows ``[A | B]`` of Fractions in place to ``[1 | A^-1 B]``.

    No pivoting: the matrices here (``1 - Q`` of transient chains) are nonsingular
    M-matrices, whose diagonal stays positive under elimination.
    """
    n = len(rows)
    for k in range(n):
        rows[k] = [v / rows[k][k] for v in rows[k]]
        for i in range(n):
            if i != k and rows[i][k]:
                f = rows[i][k]
                rows[i] = [v - f * w for v, w in zip(rows[i], rows[k], strict=True)]
    return rows
