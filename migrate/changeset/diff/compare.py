"""The comparison: (database :class:`SchemaInfo`, model :class:`SchemaInfo`) -> changes.

Pure: no connection. Names of columns, tables and indexes match exactly (MySQL: without
case); constraints match by definition (columns, referred columns, actions, normalised CHECK
text), never by name alone, so unnamed constraints are compared as well as named ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy.engine import Dialect

from migrate.changeset.diff import normalise as n
from migrate.changeset.diff.changes import Change
from migrate.changeset.reflection import (
    CheckInfo,
    ColumnInfo,
    ForeignKeyInfo,
    IndexInfo,
    PrimaryKeyInfo,
    SchemaInfo,
    TableInfo,
    UniqueInfo,
)

VERSION_TABLE = "migrate_version"

#: include(object, kind, reflected) -> keep it?
Include = Callable[[Any, str, bool], bool]


def compare_schemas(
    db: SchemaInfo,
    model: SchemaInfo,
    dialect: Dialect,
    *,
    include: Include | None = None,
    renames: Mapping[str, str] | None = None,
    model_objects: Mapping[str, Any] | None = None,
) -> list[Change]:
    """Every change that turns ``db`` into ``model``."""
    return _Comparer(db, model, dialect, include, renames or {}, model_objects or {}).run()


class _Comparer:
    def __init__(
        self,
        db: SchemaInfo,
        model: SchemaInfo,
        dialect: Dialect,
        include: Include | None,
        renames: Mapping[str, str],
        model_objects: Mapping[str, Any],
    ) -> None:
        self.db = db
        self.model = model
        self.dialect = dialect
        self.fam = n.family(dialect)
        self.include = include
        self.renames = dict(renames)
        self.objects = model_objects
        self.changes: list[Change] = []
        self.schema = model.schema

    # ---- helpers ----------------------------------------------------------------------

    def keep(self, obj: Any, kind: str, reflected: bool) -> bool:
        return self.include is None or bool(self.include(obj, kind, reflected))

    def add(self, what: str, table: str, old: Any = None, new: Any = None, **kw: Any) -> None:
        self.changes.append(Change(what, table, old, new, schema=self.schema, **kw))

    def type_key(self, col: ColumnInfo) -> str:
        if col.declared_type:
            return n.declared_type_key(col.declared_type, self.dialect)
        return n.type_key(col.type, self.dialect)

    # ---- tables -----------------------------------------------------------------------

    def run(self) -> list[Change]:
        db_tables = {
            name: t
            for name, t in self.db.tables.items()
            if name != VERSION_TABLE and self.keep(self.objects.get(name, t), "table", True)
        }
        model_tables = {
            name: t
            for name, t in self.model.tables.items()
            if name != VERSION_TABLE and self.keep(self.objects.get(name, t), "table", False)
        }
        added = [name for name in model_tables if name not in db_tables]
        dropped = [name for name in db_tables if name not in model_tables]
        for old, new in self.renames.items():
            if "." in old:
                continue
            if old in dropped and new in added:
                dropped.remove(old)
                added.remove(new)
                self.add("rename_table", old, old, new)
                self.compare_table(db_tables[old], model_tables[new])
        likely = self.likely_table_renames(
            [db_tables[d] for d in dropped], [model_tables[a] for a in added]
        )
        for name in added:
            note = likely.get(name)
            self.add("add_table", name, None, model_tables[name], note=note)
        for name in model_tables:
            if name in db_tables:
                self.compare_table(db_tables[name], model_tables[name])
        for name in dropped:
            note = likely.get(name)
            self.add("drop_table", name, db_tables[name], None, note=note)
        self.compare_enums()
        return self.changes

    def likely_table_renames(
        self, dropped: list[TableInfo], added: list[TableInfo]
    ) -> dict[str, str]:
        notes: dict[str, str] = {}
        for old in dropped:
            shape = sorted((c.name, self.type_key(c)) for c in old.columns)
            for new in added:
                if new.name in notes:
                    continue
                if sorted((c.name, self.type_key(c)) for c in new.columns) == shape:
                    hint = f"likely a rename: pass --rename {old.name}={new.name}"
                    notes[old.name] = notes[new.name] = hint
                    break
        return notes

    def compare_enums(self) -> None:
        for name, labels in self.model.enums.items():
            have = self.db.enums.get(name)
            if have is not None and tuple(have) != tuple(labels):
                self.add("alter_enum", name, tuple(have), tuple(labels))

    # ---- one table --------------------------------------------------------------------

    def compare_table(self, db: TableInfo, model: TableInfo) -> None:
        name = model.name
        renamed = self.compare_columns(db, model)
        self.compare_primary_key(db, model, renamed)
        self.compare_foreign_keys(db, model, renamed)
        self.compare_uniques(db, model, renamed)
        self.compare_checks(db, model)
        self.compare_indexes(db, model, renamed)
        if self.fam != "sqlite" and (db.comment or None) != (model.comment or None):
            self.add("alter_table_comment", name, db.comment, model.comment)

    def column_renames(self, db: TableInfo, model: TableInfo) -> dict[str, str]:
        out: dict[str, str] = {}
        for old, new in self.renames.items():
            table, dot, column = old.rpartition(".")
            if dot and table in (db.name, model.name):
                out[column] = new
        return out

    def compare_columns(self, db: TableInfo, model: TableInfo) -> dict[str, str]:
        """Columns; returns the renames applied (old name -> new name)."""
        table = model.name
        db_cols = {c.name: c for c in db.columns if self.keep(c, "column", True)}
        model_cols = {c.name: c for c in model.columns if self.keep(c, "column", False)}
        renamed: dict[str, str] = {}
        for old, new in self.column_renames(db, model).items():
            if (
                old in db_cols
                and new in model_cols
                and old not in model_cols
                and new not in db_cols
            ):
                self.add("rename_column", table, old, new)
                renamed[old] = new
        added = [
            c
            for name, c in model_cols.items()
            if name not in db_cols and name not in renamed.values()
        ]
        dropped = [
            c for name, c in db_cols.items() if name not in model_cols and name not in renamed
        ]
        notes: dict[str, str] = {}
        for gone in dropped:
            for came in added:
                if came.name not in notes and self.type_key(gone) == self.type_key(came):
                    hint = f"likely a rename: pass --rename {table}.{gone.name}={came.name}"
                    notes[gone.name] = notes[came.name] = hint
                    break
        for col in added:
            self.add("add_column", table, None, col, note=notes.get(col.name))
        for name, col in db_cols.items():
            target = model_cols.get(renamed.get(name, name))
            if target is not None:
                self.compare_column(table, col, target)
        for col in dropped:
            self.add("drop_column", table, col, None, note=notes.get(col.name))
        return renamed

    def compare_column(self, table: str, db: ColumnInfo, model: ColumnInfo) -> None:
        differ = []
        if self.type_key(db) != self.type_key(model):
            differ.append("type")
        if db.nullable != model.nullable:
            differ.append("nullable")
        if self.default_differs(db, model):
            differ.append("default")
        have, want = n.generated_key(db, self.fam), n.generated_key(model, self.fam)
        if not n.generated_matches(have, want):
            differ.append("autoincrement")
        if self.fam != "sqlite" and (db.comment or None) != (model.comment or None):
            differ.append("comment")
        if differ:  # the database's side under the model's name (a rename came first)
            db_as = db if db.name == model.name else replace(db, name=model.name)
            for attribute in differ:
                self.add("alter_column", table, db_as, model, attribute=attribute)

    def default_differs(self, db: ColumnInfo, model: ColumnInfo) -> bool:
        have = db.default
        if have is not None and model.default is None and (db.autoincrement or db.identity):
            if db.sequence_default or self.fam != "postgresql":
                return False  # the serial's sequence, not a default anyone declared
        return n.default_key(have) != n.default_key(model.default)

    def compare_primary_key(self, db: TableInfo, model: TableInfo, renamed: dict[str, str]) -> None:
        have = tuple(renamed.get(c, c) for c in db.primary_key.columns) if db.primary_key else ()
        want = model.primary_key.columns if model.primary_key else ()
        other_name = (
            bool(have) and have == want and self.name_differs(db.primary_key, model.primary_key)
        )
        if have != want or other_name:
            if db.primary_key is not None:
                self.add("drop_constraint", model.name, db.primary_key, None)
            if model.primary_key is not None:
                self.add("add_constraint", model.name, None, model.primary_key)

    # ---- constraints and indexes ------------------------------------------------------

    def match(
        self,
        table: str,
        have: list[Any],
        want: list[Any],
        key: Callable[[Any], Any],
        kind: str,
        what: tuple[str, str] = ("add_constraint", "drop_constraint"),
    ) -> None:
        """Pair ``have`` and ``want`` by ``key``; report the unpaired."""
        left = list(have)
        renamed: list[tuple[Any, Any]] = []
        for obj in want:
            k = key(obj)
            for i, other in enumerate(left):
                if key(other) == k:
                    del left[i]
                    if kind != "index" and self.name_differs(other, obj):
                        renamed.append((other, obj))
                    break
            else:
                if self.keep(obj, kind, False):
                    self.add(what[0], table, None, obj)
        for old, new in renamed:  # same definition, another name: dropped and added
            if self.keep(new, kind, False):
                self.add(what[1], table, old, None)
                self.add(what[0], table, None, new)
        for obj in left:
            if self.keep(obj, kind, True):
                self.add(what[1], table, obj, None)

    def name_differs(self, db: Any, model: Any) -> bool:
        """The model names the constraint and the database keeps another name (or none).

        An unnamed constraint in the model takes whatever name the database gave it.
        MySQL's primary key is always ``PRIMARY``; PostgreSQL and MySQL cut names at 63
        and 64 characters; MySQL's names do not depend on case."""
        want = model.name
        if not want or (self.fam == "mysql" and isinstance(model, PrimaryKeyInfo)):
            return False
        have = db.name or ""
        if self.fam == "postgresql":
            want = want[:63]
        elif self.fam == "mysql":
            want, have = want[:64].lower(), have.lower()
        return bool(have != want)

    def compare_foreign_keys(
        self, db: TableInfo, model: TableInfo, renamed: dict[str, str]
    ) -> None:
        def key(fk: ForeignKeyInfo) -> Any:
            return (
                tuple(renamed.get(c, c) for c in fk.columns)
                if fk in db.foreign_keys
                else fk.columns,
                fk.referred_table.lower() if self.fam == "mysql" else fk.referred_table,
                fk.referred_columns,
                n.action_key(fk.ondelete, self.fam),
                n.action_key(fk.onupdate, self.fam),
            )

        self.match(model.name, list(db.foreign_keys), list(model.foreign_keys), key, "foreign_key")

    def unique_sets(self, t: TableInfo) -> list[UniqueInfo | IndexInfo]:
        names = {u.name for u in t.uniques}
        out: list[UniqueInfo | IndexInfo] = list(t.uniques)
        for ix in t.indexes:
            if ix.unique and not ix.duplicates_constraint and ix.name not in names:
                out.append(ix)
        return out

    def compare_uniques(self, db: TableInfo, model: TableInfo, renamed: dict[str, str]) -> None:
        """UNIQUE constraints and unique indexes: one thing to the comparison (MySQL
        reports either as both), paired by columns."""

        def cols(obj: UniqueInfo | IndexInfo, reflected: bool) -> tuple[str, ...]:
            return tuple(renamed.get(c, c) for c in obj.columns) if reflected else obj.columns

        have = self.unique_sets(db)
        want = self.unique_sets(model)
        left = list(have)
        for obj in want:
            for i, other in enumerate(left):
                if cols(other, True) == cols(obj, False):
                    del left[i]
                    if self.name_differs(other, obj) and self.keep(obj, "unique", False):
                        drop = "drop_index" if isinstance(other, IndexInfo) else "drop_constraint"
                        self.add(drop, model.name, other, None)
                        add = "add_index" if isinstance(obj, IndexInfo) else "add_constraint"
                        self.add(add, model.name, None, obj)
                    break
            else:
                what = "add_index" if isinstance(obj, IndexInfo) else "add_constraint"
                if self.keep(obj, "unique", False):
                    self.add(what, model.name, None, obj)
        for obj in left:
            if self.fam == "mysql" and isinstance(obj, UniqueInfo):
                pass
            what = "drop_index" if isinstance(obj, IndexInfo) else "drop_constraint"
            if self.keep(obj, "unique", True):
                self.add(what, model.name, obj, None)

    def compare_checks(self, db: TableInfo, model: TableInfo) -> None:
        have = list(db.checks)
        if self.fam == "mysql":
            # MariaDB's own CHECK (json_valid(col)) on JSON columns
            have = [c for c in have if not n.check_key(c.sqltext).startswith("json_valid")]

        def key(c: CheckInfo) -> str:
            return n.check_key(c.sqltext)

        self.match(model.name, have, list(model.checks), key, "check")

    def compare_indexes(self, db: TableInfo, model: TableInfo, renamed: dict[str, str]) -> None:
        fold = self.fam == "mysql"
        unique_names = {u.name for u in db.uniques}
        have = [
            ix
            for ix in db.indexes
            if not ix.unique and not ix.duplicates_constraint and ix.name not in unique_names
        ]
        want = [ix for ix in model.indexes if not ix.unique]
        model_names = {(ix.name.lower() if fold else ix.name) for ix in want}
        if self.fam == "mysql":
            # MySQL adds an index for each foreign key that has none, named after the
            # constraint (or its first column): not the model's business
            fk_cols = {fk.columns for fk in db.foreign_keys}
            have = [
                ix for ix in have if ix.name.lower() in model_names or ix.columns not in fk_cols
            ]

        def key(ix: IndexInfo) -> Any:
            columns = (
                tuple(renamed.get(c, c) for c in ix.columns) if ix in db.indexes else ix.columns
            )
            return (ix.name.lower() if fold else ix.name, tuple(_fold(c) for c in columns))

        self.match(model.name, have, want, key, "index", ("add_index", "drop_index"))


def _fold(expr: str) -> str:
    """An index element: a column name as it is, an expression normalised."""
    return expr if expr.isidentifier() else n.check_key(expr)
