"""Per-dialect planners. Each module decides *what* to emit for its database.

The legacy module names of sqlalchemy-migrate (``postgres``, ``sqlite``,
``mysql``, ...) stay importable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from migrate.changeset.capabilities import Capabilities
from migrate.changeset.introspect import TableSnapshot
from migrate.changeset.ops import Op
from migrate.changeset.planner import Plan

__all__ = ["postgres", "sqlite", "mysql", "oracle", "ibmdb2"]


class DialectPlanner(Protocol):
    def plan(self, ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> Plan: ...


def planner_for(caps: Capabilities) -> DialectPlanner:
    from migrate.changeset.databases import mysql, postgres, sqlite

    planners: dict[str, DialectPlanner] = {
        "sqlite": sqlite,
        "postgresql": postgres,
        "mysql": mysql,
    }
    return planners[caps.family]
