"""Legacy helpers kept for scripts that import them."""

from __future__ import annotations

import sqlalchemy as sa


def fk_column_names(constraint: sa.ForeignKeyConstraint) -> list[str]:
    """Names of the constrained (local) columns of a foreign key."""
    return [constraint.columns[key].name for key in constraint.column_keys]
