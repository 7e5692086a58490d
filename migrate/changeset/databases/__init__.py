"""Per-dialect planners. Each module decides *what* to emit for its database.

The legacy module names of sqlalchemy-migrate (``postgres``, ``sqlite``,
``mysql``, ...) stay importable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from migrate.changeset.capabilities import Capabilities
from migrate.changeset.ops import Op
from migrate.changeset.snapshot import TableSnapshot
from migrate.changeset.steps import Plan

__all__ = ["postgres", "sqlite", "mysql", "oracle", "ibmdb2"]


class DialectPlanner(Protocol):
    def plan(self, ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> Plan: ...

    def needs(
        self, ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot
    ) -> frozenset[str]: ...


_PLANNERS: dict[str, DialectPlanner] = {}


def planner_for(caps: Capabilities) -> DialectPlanner:
    if not _PLANNERS:  # imported on first use: the planners import this package
        from migrate.changeset.databases import mysql, postgres, sqlite

        _PLANNERS.update(sqlite=sqlite, postgresql=postgres, mysql=mysql)
    return _PLANNERS[caps.family]
