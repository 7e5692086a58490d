"""Legacy ``migrate.changeset.databases.visitor``: dialect lookup without the visitors.

sqlalchemy-migrate 0.13 mapped dialect names to visitor classes here. The visitors are
gone (planners in this package decide what to emit); what stays is the mapping from a
dialect or engine to the planner module, which raises
:class:`~migrate.exceptions.NotSupportedError` naming an unsupported dialect.
"""

from __future__ import annotations

from typing import Any

from migrate.changeset import capabilities
from migrate.changeset.databases import DialectPlanner, planner_for
from migrate.exceptions import NotSupportedError

__all__ = ["get_engine_visitor", "get_dialect_visitor", "run_single_visitor"]


def get_dialect_visitor(sa_dialect: Any, name: str | None = None) -> DialectPlanner:
    """The planner module for ``sa_dialect`` (``name``, a legacy visitor name, is ignored)."""
    return planner_for(capabilities.for_dialect(sa_dialect, offline=True))


def get_engine_visitor(engine: Any, name: str | None = None) -> DialectPlanner:
    """The planner module for ``engine``'s dialect."""
    return get_dialect_visitor(engine.dialect, name)


def run_single_visitor(*args: Any, **kwargs: Any) -> None:
    """Gone with the visitors: use the changeset API (``col.create()``, ...)."""
    raise NotSupportedError(
        "run_single_visitor() was part of sqlalchemy-migrate's visitor machinery, which "
        "sqlalchemy-changeset does not have; call the changeset API instead"
    )
