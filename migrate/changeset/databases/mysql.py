"""MySQL and MariaDB planner: what to emit for each operation."""

from __future__ import annotations

from collections.abc import Sequence

from migrate.changeset.capabilities import Capabilities
from migrate.changeset.databases import common
from migrate.changeset.introspect import TableSnapshot
from migrate.changeset.ops import (
    AddColumnOp,
    AddConstraintOp,
    CreateIndexOp,
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    Op,
    RenameTableOp,
)
from migrate.changeset.planner import Plan, render_table
from migrate.exceptions import NotSupportedError


def plan(ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> Plan:
    p = Plan()
    rt = render_table(snap)
    for op in ops:
        match op:
            case AddColumnOp():
                common.add_column(p, op, caps, rt)
            case DropColumnOp():
                common.drop_column(p, op, rt)
            case RenameTableOp():
                common.rename_table(p, op)
            case CreateIndexOp():
                common.create_index(p, op, rt)
            case DropIndexOp():
                common.drop_index(p, op, rt)
            case AddConstraintOp():
                common.add_constraint(p, op, rt)
            case DropConstraintOp():
                common.drop_constraint(p, op, rt)
            case _:
                raise NotSupportedError(
                    f"{type(op).__name__} is not supported on MySQL/MariaDB yet"
                )
    return p
