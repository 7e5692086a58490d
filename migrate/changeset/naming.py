"""Names as the databases compare them: helpers every layer may use."""

from __future__ import annotations


def fold(name: str) -> str:
    """``name.lower()`` as SQLAlchemy's ``quoted_name`` computes it (a name with
    ``quote=True`` stays as it is), without the memo ``quoted_name.lower()`` stores on
    each name object: hot paths of offline rendering fold the caller's column names
    once per operation (bench W5)."""
    return name if getattr(name, "quote", None) else str.lower(name)
