"""Rebuild planning for constraint operations: add and drop (by name or by definition)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa

from migrate.changeset.ops import (
    DropConstraintOp,
)
from migrate.changeset.rebuild._table import (
    Signature,
    TableState,
    fk_text,
    render_constraint,
    same,
    signature_clause,
    signature_table,
)
from migrate.changeset.rebuild.indexes import drop_index
from migrate.changeset.sqlite_schema import (
    ColumnClause,
    TableConstraint,
    parse_table_constraint,
    quote,
)
from migrate.exceptions import (
    DuplicateObjectError,
    NoSuchObjectError,
)

log = logging.getLogger("migrate.changeset")


def add_constraint(t: TableState, constraint: sa.Constraint) -> None:
    k = render_constraint(constraint)
    for c in k.columns:
        t.col(c)  # validates
    name = k.name
    if k.kind == "foreign_key":
        text = fk_text(
            name,
            t.temp_names(k.columns),
            [
                (str(k.ref_table), c)
                for c in (k.ref_columns or [el.column.name for el in constraint.elements])  # type: ignore[attr-defined]
            ],
            constraint,  # type: ignore[arg-type]
        )
    elif k.kind == "check":
        text = t.to_temp(k.text)
    else:
        prefix = f"CONSTRAINT {quote(name)} " if name else ""
        word = "PRIMARY KEY" if k.kind == "primary_key" else "UNIQUE"
        text = prefix + f"{word} ({', '.join(quote(c) for c in t.temp_names(k.columns))})"
    add_constraint_text(t, parse_table_constraint(text), name)


def add_constraint_text(t: TableState, k: TableConstraint, name: str | None) -> None:
    sig = signature_table(k)
    for other_sig, other_name, other_text, is_index in t.all_signatures():
        same_name = name is not None and other_name is not None and same(name, other_name)
        if other_sig == sig and (name is None or same_name):
            log.info(
                "table %r already has %s; not adding it again (%s)",
                t.old.name,
                other_text,
                k.text,
            )
            return
        if other_sig == sig and other_name is None and t.drop_unnamed(sig):
            # never two identical constraints (SPEC §4): the unnamed one takes the name
            log.info("table %r: %s takes the name %r", t.old.name, other_text, name)
            break
        # SQLite: an index's name never clashes with a constraint's; a plain unique
        # index stands for a UNIQUE constraint (0.13 made them so) and does
        if same_name and not (is_index and other_sig[0] == "index"):
            raise DuplicateObjectError(
                f"table {t.old.name!r} already has a constraint named {name!r} "
                f"with a different definition: {other_text}"
            )
    if k.kind == "primary_key":
        cols, _ = t.current_pk()
        if cols:
            raise DuplicateObjectError(
                f"table {t.old.name!r} already has a primary key ({', '.join(cols)}); drop it first"
            )
        t.constraints.insert(0, k)
        _key_not_null(t, k.columns)
    else:
        t.constraints.append(k)
    t.changed = True


def _key_not_null(t: TableState, temps: Sequence[str]) -> None:
    """Key columns are NOT NULL, as PostgreSQL and MySQL make them and SQLAlchemy
    renders them: SQLite itself lets NULL into a key not declared NOT NULL (rows with
    NULL there are refused before any change: ``introspect.snapshot(key_columns=)``)."""
    for c in t.cols:
        if any(same(c.temp, x) for x in temps) and not c.defn.not_null:
            clauses = [x for x in c.defn.clauses if x.kind != "null"]
            clauses.append(ColumnClause("not_null", None, "NOT NULL", "NOT NULL"))
            c.defn = c.defn.rebuilt(clauses=clauses)


def drop_constraint(t: TableState, op: DropConstraintOp) -> None:
    name = op.constraint_name
    if name is not None:
        for k in t.constraints:
            if k.name is not None and same(k.name, name):
                t.constraints.remove(k)
                t.changed = True
                return
        for c in t.cols:
            for cl in c.defn.clauses:
                if cl.name is not None and same(cl.name, name):
                    c.defn = c.defn.rebuilt(clauses=[x for x in c.defn.clauses if x is not cl])
                    t.changed = True
                    return
        # sqlalchemy-migrate 0.13 created UNIQUE constraints on SQLite as unique indexes
        if op.kind in (None, "unique"):
            for ix in t.indexes:
                if ix.parsed.unique and same(ix.name, name):
                    drop_index(t, ix.name)
                    return
    sig: Signature | None = None
    if (
        name is not None
        and op.kind != "primary_key"  # a table has one, whatever its name
        and op.constraint is not None
        and isinstance(op.constraint.name, str)
    ):
        pass  # the caller named it: no other constraint is the one meant (SPEC §7)
    elif op.constraint is not None:
        k = render_constraint(op.constraint)
        if k.kind == "foreign_key":
            sig = ("foreign_key", tuple(c.lower() for c in t.temp_names(k.columns)))
        elif k.kind == "check":
            sig = signature_table(parse_table_constraint(t.to_temp(k.text)))
        else:
            sig = (k.kind, tuple(c.lower() for c in t.temp_names(k.columns)))
    elif op.kind == "primary_key":
        cols, _ = t.current_pk()
        sig = ("primary_key", tuple(c.lower() for c in cols)) if cols else None
    if sig is not None:
        if sig[0] == "primary_key":
            cols, _ = t.current_pk()
            if tuple(c.lower() for c in cols) == sig[1]:
                for c in list(t.cols):
                    if any(same(c.temp, x) for x in cols):
                        t.set_primary_key(c, False)
                return
        for k in t.constraints:
            ks = signature_table(k)
            if ks == sig or (sig[0] == "foreign_key" and ks[:2] == sig[:2]):
                t.constraints.remove(k)
                t.changed = True
                return
        for c in t.cols:
            for cl in c.defn.clauses:
                cs = signature_clause(c.temp, cl)
                if cs is not None and (
                    cs == sig or (sig[0] == "foreign_key" and cs[:2] == sig[:2])
                ):
                    c.defn = c.defn.rebuilt(clauses=[x for x in c.defn.clauses if x is not cl])
                    t.changed = True
                    return
    raise NoSuchObjectError(
        f"table {t.old.name!r} has no {op.kind or 'constraint'} "
        f"{name if name is not None else '(unnamed) matching ' + repr(op.constraint)}"
    )
