"""Step builders shared by the server databases (PostgreSQL, MySQL/MariaDB)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from migrate.changeset import ddl
from migrate.changeset.capabilities import Capabilities
from migrate.changeset.ops import (
    AddColumnOp,
    AddConstraintOp,
    CreateIndexOp,
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    RenameTableOp,
)
from migrate.changeset.planner import (
    Plan,
    backfill,
    column_for_render,
    python_default_value,
)


def add_column(p: Plan, op: AddColumnOp, caps: Capabilities, rt: sa.Table) -> None:
    """ADD COLUMN, filling existing rows from a Python default without a table rewrite.

    A constant (or once-evaluated callable) default is added as a temporary server
    DEFAULT and dropped right after (catalog-only on PostgreSQL 11+, instant on MySQL 8 /
    MariaDB 10.3+); a SQL expression default is added nullable, filled by one UPDATE,
    then made NOT NULL if asked.
    """
    col = op.column
    kind, value = python_default_value(col) if op.populate_default else ("none", None)
    if kind == "scalar" and value is not None:
        render = column_for_render(col, rt)
        render.server_default = sa.DefaultClause(sa.literal(value, type_=col.type))
        p.steps.append(ddl.AddColumn(op.table, render))
        p.steps.append(ddl.AlterColumnDefault(op.table, render, None))
    elif kind == "sql":
        render = column_for_render(col, rt, nullable=True)
        p.steps.append(ddl.AddColumn(op.table, render))
        p.steps.append(backfill(rt, col.name, value, kind))
        if not col.nullable:
            p.steps.append(set_not_null(op, caps, col, rt))
    else:
        render = column_for_render(col, rt)
        p.steps.append(ddl.AddColumn(op.table, render))


def set_not_null(
    op: AddColumnOp, caps: Capabilities, col: sa.Column[Any], rt: sa.Table
) -> ddl.AlterTableElement:
    if caps.family == "mysql":
        final = column_for_render(col, rt)
        return ddl.ModifyColumn(op.table, col.name, final)
    return ddl.AlterColumnNullable(op.table, col.name, False)


def drop_column(p: Plan, op: DropColumnOp, rt: sa.Table) -> None:
    p.steps.append(ddl.DropColumn(op.table, op.column_name))


def rename_table(p: Plan, op: RenameTableOp) -> None:
    p.steps.append(ddl.RenameTable(op.table, op.new_name))


def create_index(p: Plan, op: CreateIndexOp, rt: sa.Table) -> None:
    cols = [rt.c[name] for name in op.columns]
    index = sa.Index(op.name, *cols, unique=op.unique, **dict(op.dialect_kw))
    p.steps.append(sa.schema.CreateIndex(index))


def drop_index(p: Plan, op: DropIndexOp, rt: sa.Table) -> None:
    p.steps.append(sa.schema.DropIndex(sa.Index(op.index_name, _table=rt)))


def add_constraint(p: Plan, op: AddConstraintOp, rt: sa.Table) -> None:
    copy = op.constraint._copy()
    rt.append_constraint(copy)
    p.steps.append(sa.schema.AddConstraint(copy))


def drop_constraint(p: Plan, op: DropConstraintOp, rt: sa.Table) -> None:
    p.steps.append(
        ddl.DropConstraintByName(op.table, op.constraint_name, op.kind or "", op.cascade)
    )
