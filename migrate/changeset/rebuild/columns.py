"""Rebuild planning for column operations: add, drop, alter (type, nullability, default,
name, primary key membership, autoincrement)."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from migrate.changeset.ops import (
    UNCHANGED,
    AddColumnOp,
    AlterColumnOp,
)
from migrate.changeset.rebuild._table import (
    DIALECT,
    ColumnState,
    IndexState,
    TableState,
    constraint_name,
    default_clause,
    fk_points_at,
    fk_text,
    render_column,
    render_expr,
    render_literal,
    same,
    without_words,
)
from migrate.changeset.rebuild.constraints import add_constraint_text
from migrate.changeset.sqlite_schema import (
    ColumnClause,
    ParsedIndex,
    TableConstraint,
    parse_table_constraint,
    quote,
    references_identifier,
    rename_identifiers,
)
from migrate.exceptions import (
    DuplicateObjectError,
    InvalidOperationError,
)

log = logging.getLogger("migrate.changeset")


def add_column(t: TableState, op: AddColumnOp) -> None:
    column = op.column
    if t.has_col(column.name):
        raise DuplicateObjectError(f"table {t.old.name!r} already has a column {column.name!r}")
    defn = render_column(column)
    taken = {c.temp.lower() for c in t.cols}
    temp = column.name
    n = 0
    while temp.lower() in taken:
        n += 1
        temp = f"_migrate_new_{n}_{column.name}"
    defn = defn.rebuilt(name=temp)
    # inline CHECKs name other columns by their final names
    defn = defn.rebuilt(
        clauses=[
            ColumnClause(cl.kind, cl.name, t.to_temp(cl.text), t.to_temp(cl.body))
            if cl.kind == "check"
            else cl
            for cl in defn.clauses
        ]
    )
    insert_expr: str | None = None
    default = column.default
    # a server default fills existing rows itself (as native ADD COLUMN does)
    populate = op.populate_default and column.server_default is None
    if populate and isinstance(default, sa.ColumnDefault):
        if default.is_scalar:
            insert_expr = render_literal(default.arg, column.type, column.name)
        elif default.is_callable:
            # evaluated per row by the copy (SPEC §4): a function of the connection
            insert_expr = t.per_row(default.arg, column.type)
        elif default.is_clause_element:
            insert_expr = render_expr(default.arg)
    if defn.generated is not None:
        insert_expr = None
    t.cols.append(ColumnState(column.name, temp, None, defn, insert_expr))
    t.changed = True
    for fk in column.foreign_keys:
        add_constraint_text(
            t,
            parse_table_constraint(fk_text(constraint_name(fk), [temp], [fk_points_at(fk)], fk)),
            constraint_name(fk),
        )
    if column.primary_key:
        t.set_primary_key(t.col(column.name), True)


def drop_column(t: TableState, name: str) -> None:
    col = t.col(name)
    if len(t.cols) == 1:
        raise InvalidOperationError(
            f"cannot drop {name!r}: it is the only column of {t.old.name!r}"
        )
    if col.source is not None:
        for fk in t.schema.child_foreign_keys:
            if fk.to_column is not None and same(fk.to_column, col.source):
                raise InvalidOperationError(
                    f"cannot drop {t.old.name}.{name}: the foreign key of table "
                    f"{fk.table!r} ({fk.from_column}) references it; drop that first"
                )
    for other in t.cols:
        if other is col:
            continue
        gen = other.defn.clause("generated")
        if gen is not None and references_identifier(gen.body, col.temp):
            raise InvalidOperationError(
                f"cannot drop {name!r}: generated column {other.final!r} uses it"
            )
    t.cols.remove(col)
    # column-level CHECKs of other columns that mention it go
    for other in t.cols:
        kept = [
            cl
            for cl in other.defn.clauses
            if not (cl.kind == "check" and references_identifier(cl.body, col.temp))
        ]
        if len(kept) != len(other.defn.clauses):
            other.defn = other.defn.rebuilt(clauses=kept)
    constraints: list[TableConstraint] = []
    for k in t.constraints:
        mentions = any(same(c, col.temp) for c in k.columns) or (
            k.kind == "check" and references_identifier(k.body, col.temp)
        )
        if not mentions:
            constraints.append(k)
        elif k.kind == "primary_key" and len(k.columns) > 1:
            rest = [c for c in k.columns if not same(c, col.temp)]
            constraints.append(t.pk_constraint(k.name, rest))
        else:
            log.info("dropping %s with column %r: %s", k.kind, name, k.text)
    t.constraints = constraints
    # indexes shrink or vanish
    kept_indexes: list[IndexState] = []
    for ix in t.indexes:
        target = col.temp if ix.namespace == "old" else col.final
        p = ix.parsed
        if not any(references_identifier(c.text, target) for c in p.columns) and not (
            p.where is not None and references_identifier(p.where, target)
        ):
            kept_indexes.append(ix)
            continue
        left = [c for c in p.columns if c.column is None or not same(c.column, target)]
        needs_drop = (
            not left
            or any(c.column is None and references_identifier(c.text, target) for c in left)
            or (p.where is not None and references_identifier(p.where, target))
        )
        if needs_drop:
            log.info("index %r goes with column %r", ix.name, name)
            t.dropped_indexes.append(ix.name)
            continue
        parsed = ParsedIndex(p.name, p.table, p.unique, tuple(left), p.where, p.sql)
        kept_indexes.append(IndexState(ix.name, parsed, parsed.render(), ix.namespace))
    t.indexes = kept_indexes
    t.changed = True


def alter_column(t: TableState, op: AlterColumnOp) -> None:
    col = t.col(op.column_name)
    if op.name is not UNCHANGED and op.name != col.final:
        new = str(op.name)
        if not same(new, col.final) and t.has_col(new):
            raise DuplicateObjectError(f"table {t.old.name!r} already has a column {new!r}")
        for ix in t.indexes:
            if ix.namespace == "new":
                p = ix.parsed
                cols = tuple(
                    type(c)(
                        rename_identifiers(c.text, {col.final: new}),
                        new if c.column is not None and same(c.column, col.final) else c.column,
                    )
                    for c in p.columns
                )
                where = rename_identifiers(p.where, {col.final: new}) if p.where else p.where
                ix.parsed = ParsedIndex(p.name, p.table, p.unique, cols, where, p.sql)
                ix.sql = ix.parsed.render()
        col.final = new
        t.changed = True
    if op.type is not UNCHANGED:
        type_text = op.type.compile(dialect=DIALECT)
        col.defn = col.defn.rebuilt(type_text=type_text)
        t.changed = True
    if op.nullable is not UNCHANGED:
        clauses = [c for c in col.defn.clauses if c.kind != "null"]
        if op.nullable:
            clauses = [c for c in clauses if c.kind != "not_null"]
        elif not any(c.kind == "not_null" for c in clauses):
            clauses.append(ColumnClause("not_null", None, "NOT NULL", "NOT NULL"))
        col.defn = col.defn.rebuilt(clauses=clauses)
        t.changed = True
    if op.server_default is not UNCHANGED:
        if col.source is None and col.insert_expr is None and col.defn.generated is None:
            # a column this batch added: existing rows keep what its ADD filled them
            # with (its default then, or NULL), not the default it is changed to
            col.insert_expr = col.defn.default or "NULL"
        clauses = [c for c in col.defn.clauses if c.kind != "default"]
        if op.server_default is not None:
            clauses.insert(0, default_clause(op.server_default))
        col.defn = col.defn.rebuilt(clauses=clauses)
        t.changed = True
    if op.primary_key is not UNCHANGED:
        t.set_primary_key(col, bool(op.primary_key))
    if op.autoincrement is not UNCHANGED:
        set_autoincrement(t, col, op.autoincrement)


def set_autoincrement(t: TableState, col: ColumnState, value: bool | str) -> None:
    pk = col.defn.clause("primary_key")
    if value is True and pk is None and col.defn.type_text.upper() == "INTEGER":
        # ``PRIMARY KEY (id)`` as a table constraint: AUTOINCREMENT is only allowed on a
        # column constraint, so the key moves onto the column (its name kept)
        cols, name = t.current_pk()
        if len(cols) == 1 and same(cols[0], col.temp):
            t.constraints = [k for k in t.constraints if k.kind != "primary_key"]
            prefix = f"CONSTRAINT {quote(name)} " if name else ""
            pk = ColumnClause("primary_key", name, prefix + "PRIMARY KEY", "PRIMARY KEY")
            col.defn = col.defn.rebuilt(clauses=[*col.defn.clauses, pk])
            t.changed = True
    if value is True:
        if pk is None or col.defn.type_text.upper() != "INTEGER":
            log.info(
                "autoincrement=True on %r: SQLite only has AUTOINCREMENT on an INTEGER "
                "PRIMARY KEY column; nothing to do",
                col.final,
            )
            return
        if not col.defn.autoincrement:
            new = ColumnClause(pk.kind, pk.name, pk.text + " AUTOINCREMENT", pk.body)
            col.defn = col.defn.rebuilt(clauses=[new if c is pk else c for c in col.defn.clauses])
            t.changed = True
    elif value is False and pk is not None and col.defn.autoincrement:
        new = ColumnClause(
            pk.kind,
            pk.name,
            without_words(pk.text, "AUTOINCREMENT"),
            without_words(pk.body, "AUTOINCREMENT"),
        )
        col.defn = col.defn.rebuilt(clauses=[new if c is pk else c for c in col.defn.clauses])
        t.changed = True
