"""Keeping the caller's Table and MetaData objects in step with the database.

The one place that touches SQLAlchemy internals (``Table._columns``,
``MetaData._add_table``); called only after an operation succeeded, so a
failed operation leaves the caller's objects as they were.
"""

from __future__ import annotations

import weakref
from typing import Any

import sqlalchemy as sa

#: the key columns a column-less ``PrimaryKeyConstraint(table=t).drop()`` dropped, per
#: Table object, until a key is created on that Table again (0.13's deferred re-key)
_DROPPED_KEYS: weakref.WeakKeyDictionary[sa.Table, tuple[str, ...]] = weakref.WeakKeyDictionary()


def remember_dropped_key(table: sa.Table, names: list[str]) -> None:
    """After a column-less primary key drop: the Table remembers the key's columns."""
    _DROPPED_KEYS[table] = tuple(names)


def dropped_key(table: sa.Table) -> tuple[str, ...] | None:
    """The key columns a column-less drop took from ``table``, if no key was created since."""
    return _DROPPED_KEYS.get(table)


def forget_dropped_key(table: sa.Table) -> None:
    _DROPPED_KEYS.pop(table, None)


def reflag_dropped_key(table: sa.Table) -> None:
    """Mark the remembered key columns ``primary_key`` again, so that a column-less
    ``PrimaryKeyConstraint(table=t)`` takes them with the columns flagged since."""
    names = set(_DROPPED_KEYS.get(table, ()))
    for col in table.columns:
        if col.name in names:
            col.primary_key = True


def remove_column(table: sa.Table, name: str) -> sa.Column[Any] | None:
    """Remove column ``name``; indexes on it shrink or vanish, constraints on it go."""
    coll: Any = table._columns
    entry = coll._index.get(name)  # the column keyed by its name, the common case
    col = entry[1] if entry is not None and entry[1].name == name else None
    if col is None:
        col = next((c for c in coll if c.name == name), None)
    if col is None:
        return None
    # ``_columns``, not ``columns``: the same collection, without memoizing a read-only
    # view on each index and constraint of the caller's table
    for index in list(table.indexes):
        cols = [c for c in index._columns if c.name != name]
        if len(cols) == len(index._columns):
            continue
        table.indexes.discard(index)
        if cols:
            sa.Index(index.name, *cols, unique=index.unique, **index.kwargs)
    for cons in list(table.constraints):
        if isinstance(cons, sa.PrimaryKeyConstraint):
            if name in cons._columns:
                col.primary_key = False  # else the new key takes it back from the table
                rest = [c for c in cons._columns if c.name != name]
                pk_name = cons.name if isinstance(cons.name, str) else None
                sa.PrimaryKeyConstraint(*rest, name=pk_name)._set_parent(table)
        elif isinstance(cons, (sa.ForeignKeyConstraint, sa.UniqueConstraint)):
            if name in {c.name for c in cons._columns}:
                table.constraints.discard(cons)
                for fk in getattr(cons, "elements", ()):
                    # a composite FK goes whole: its other columns lose their part of it
                    table.foreign_keys.discard(fk)
                    fk.parent.foreign_keys.discard(fk)
        elif isinstance(cons, sa.CheckConstraint):
            if name in {c.name for c in getattr(cons, "_columns", ())}:
                table.constraints.discard(cons)
    for fk in list(table.foreign_keys):
        if fk.parent is col:
            table.foreign_keys.discard(fk)
    coll.remove(col)
    # old keys of earlier renames (entries beyond a key and a position per column):
    # nothing resolves to a dropped column
    index = coll._index
    if len(index) > 2 * len(coll._collection):
        for key in [k for k, entry in index.items() if entry[1] is col]:
            del index[key]
    return col


def rename_table(table: sa.Table, new_name: str) -> None:
    """Re-key ``table`` in its MetaData under ``new_name``; no stale key is left."""
    meta = table.metadata
    meta.remove(table)
    table.name = new_name
    table.fullname = f"{table.schema}.{new_name}" if table.schema else new_name
    taken = meta.tables.get(table.key)
    if taken is not None:
        # a Table object still registered under the new name, already dropped
        # from the database (the rename succeeded, so nothing else has that name)
        meta.remove(taken)
    meta._add_table(new_name, table.schema, table)


def deregister(table: sa.Table) -> None:
    """Remove ``table`` from its MetaData (legacy ``Table.deregister``)."""
    if table.key in table.metadata.tables:
        table.metadata.remove(table)


# ---- altered columns ---------------------------------------------------------------------

#: memoized Column attributes derived from its name or type
_NAME_MEMOS = frozenset(
    (
        "description",
        "_tq_key_label",
        "_tq_label",
        "_render_label_in_columns_clause",
        "_non_anon_label",
        "_proxy_key",
        "_expression_label",
        "_anon_name_label",
        "_anon_key_label",
        "_anon_tq_label",
        "_anon_tq_key_label",
        "comparator",
        "_gen_static_annotations_cache_key",
        "_annotations_cache_key",
    )
)


def _forget_memos(column: sa.Column[Any]) -> None:
    memos = column.__dict__
    for name in _NAME_MEMOS.intersection(memos):  # the few set, not every one (bench W5)
        del memos[name]
    column._reset_memoizations()


def _aliases(coll: Any) -> list[tuple[str, sa.Column[Any]]]:
    """Old keys kept resolving after a rename: ``_index`` entries not in ``keys()``."""
    keys = set(coll.keys())
    return [
        (k, entry[1]) for k, entry in coll._index.items() if isinstance(k, str) and k not in keys
    ]


def _rekey(coll: Any, alias: tuple[str, sa.Column[Any]] | None = None) -> None:
    """Re-index a column collection in place (columns' keys changed), order kept.

    ``table.c`` shares the lists and dicts of ``table._columns`` (SQLAlchemy 2.0 and
    2.1), so they are emptied and refilled, never replaced. Aliases of earlier renames
    are kept; ``alias`` (old key, column) adds one.
    """
    if not _rekey_in_place(coll, alias):
        _repopulate(coll, alias)


def _rekey_in_place(coll: Any, alias: tuple[str, sa.Column[Any]] | None) -> bool:
    """What :func:`_repopulate` does, keeping the collection's entries (no new objects
    per column) when no key or name collides, so that refilling the collection would
    replace no column; False (nothing changed) otherwise."""
    entries = coll._collection
    seen: set[str] = set()
    old_keys: set[str] = set()
    members: set[int] = set()
    for k, col, _m in entries:
        key = col.key
        if key in seen or (col.name in seen and key != col.name):
            return False  # _populate_separate_keys would replace a column
        seen.add(key)
        old_keys.add(k)
        members.add(id(col))
    index = coll._index
    aliases = [
        (k, entry[1])
        for k, entry in index.items()
        if isinstance(k, str) and k not in old_keys and id(entry[1]) in members
    ]
    if alias is not None:
        aliases.append(alias)
    for i, (k, col, metrics) in enumerate(entries):
        if k != col.key:
            entries[i] = (col.key, col, metrics)
    coll._proxy_index.clear()  # as refilling leaves it: rebuilt when next needed
    index.clear()
    for i, (k, col, _m) in enumerate(entries):
        index[k] = (k, col)
        index[i] = (k, col)
    for key, col in aliases:
        if key not in index:
            index[key] = (key, col)
    return True


def _rekey_one(coll: Any, column: sa.Column[Any], old_key: str) -> bool:
    """What :func:`_rekey` does (the old key kept as an alias) when only ``column``'s key
    changed, from ``old_key`` to a key and name no other column has: its one entry
    re-keyed, without walking the others' (bench W5); False (nothing changed) otherwise."""
    new = column.key
    index = coll._index
    if new == old_key or new in index or old_key not in index:
        return False
    entries = coll._collection
    at = None
    for i, (_k, col, _m) in enumerate(entries):
        if col is column:
            at = i
        elif col.name == column.name:
            return False
    if at is None or entries[at][0] != old_key:
        return False
    entries[at] = (new, column, entries[at][2])
    index[new] = index[at] = (new, column)
    coll._proxy_index.clear()
    return True


def _repopulate(coll: Any, alias: tuple[str, sa.Column[Any]] | None) -> None:
    columns = list(coll)
    members = {id(c) for c in columns}
    aliases = [(k, c) for k, c in _aliases(coll) if id(c) in members]
    if alias is not None:
        aliases.append(alias)
    coll._collection.clear()
    coll._index.clear()
    coll._colset.clear()
    coll._proxy_index.clear()
    coll._populate_separate_keys((c.key, c) for c in columns)
    for key, col in aliases:
        if key not in coll._index:
            coll._index[key] = (key, col)


def forget_alias(table: sa.Table, key: str) -> None:
    """Drop the alias ``key`` of a renamed column, so a new column can take that key."""
    coll: Any = table._columns
    if key in coll._index and key not in coll.keys():
        del coll._index[key]


def rename_column(table: sa.Table | None, column: sa.Column[Any], new_name: str) -> None:
    """Rename ``column``; in ``table`` it becomes ``table.c.<new name>`` and its old key
    keeps resolving to it (until the table is reflected again)."""
    old_key = column.key
    if column.key == column.name:
        column.key = new_name
    column.name = new_name
    _forget_memos(column)
    if table is None:
        return
    if not _rekey_one(table._columns, column, old_key):
        _rekey(table._columns, (old_key, column) if old_key != column.key else None)
    # by identity: ``column in cols`` would compare with ``==`` (a SQL expression)
    for item in (*table.constraints, *table.indexes):
        cols = getattr(item, "_columns", None)
        if cols is not None and cols.contains_column(column):
            _rekey(cols)


def set_primary_key(table: sa.Table | None, column: sa.Column[Any], flag: bool) -> None:
    """Add ``column`` to, or take it out of, the table's primary key."""
    column.primary_key = flag
    if flag:
        column.nullable = False
    if table is None:
        return
    pk = table.primary_key
    if flag:
        pk._reload([column])
    elif pk._columns.contains_column(column):
        pk._columns.remove(column)
        sa.PrimaryKeyConstraint._autoincrement_column._reset(pk)  # type: ignore[attr-defined]


def alter_column(table: sa.Table | None, column: sa.Column[Any], changes: dict[str, Any]) -> None:
    """Apply a successful alter to the caller's Column (and its Table)."""
    if "type" in changes:
        column.type = changes["type"]
        if column.autoincrement and not isinstance(column.type, sa.Integer):
            column.autoincrement = False
        _forget_memos(column)
    if "nullable" in changes:
        column.nullable = changes["nullable"]
    if "autoincrement" in changes:
        column.autoincrement = changes["autoincrement"]
    if "server_default" in changes:
        clause = changes["server_default"]
        if clause is None:
            column.server_default = None
        else:
            sa.DefaultClause(clause.arg)._set_parent(column)
    if "default" in changes:
        default = changes["default"]
        if default is None:
            column.default = None
        else:
            default._copy()._set_parent(column)
    if "primary_key" in changes:
        set_primary_key(table, column, changes["primary_key"])
    if "name" in changes and changes["name"] != column.name:
        rename_column(table, column, changes["name"])
