"""Models first: compare a MetaData with the database, and write the changeset script.

    diff = migrate.changeset.compare(Base.metadata, engine, renames={"users.name": "full_name"})
    if diff:
        print(diff)             # one line per change, destructive ones marked "!"
        print(diff.to_python())  # the body of upgrade(migrate_engine)
        diff.apply(engine)

Layers: :mod:`migrate.changeset.reflection` reads the database once (multi-table
reflection); :mod:`.model` describes the MetaData in the same data classes;
:mod:`.compare` (pure) turns the two into :class:`Change` objects; :mod:`.render` turns
those into the calls of a script, as data, and writes them as changeset calls
(:meth:`SchemaDiff.to_python`) or makes them (:meth:`SchemaDiff.apply`): one description
of what runs, read two ways.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import nullcontext
from typing import Any, overload

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from migrate.changeset import binding
from migrate.changeset.binding import Bindable
from migrate.changeset.diff.changes import Change
from migrate.changeset.diff.compare import VERSION_TABLE, Include, compare_schemas
from migrate.changeset.diff.model import schema_of
from migrate.changeset.diff.render import run, script_source, upgrade_body
from migrate.changeset.reflection import SchemaInfo, read_schema
from migrate.exceptions import InvalidOperationError

__all__ = ["Change", "SchemaDiff", "compare", "compare_info", "VERSION_TABLE"]


class SchemaDiff(Sequence[Change]):
    """The changes that turn the database into the model, in order; falsy when none."""

    def __init__(self, changes: Sequence[Change], dialect: str) -> None:
        self._changes = tuple(changes)
        self.dialect = dialect

    @overload
    def __getitem__(self, i: int) -> Change: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Change]: ...
    def __getitem__(self, i: Any) -> Any:
        return self._changes[i]

    def __len__(self) -> int:
        return len(self._changes)

    def __iter__(self) -> Iterator[Change]:
        return iter(self._changes)

    def __str__(self) -> str:
        return "\n".join(str(c) for c in self._changes)

    def __repr__(self) -> str:
        return f"<SchemaDiff {self.dialect}: {len(self)} change(s)>"

    @property
    def destructive(self) -> bool:
        """True when some change can lose data."""
        return any(c.destructive for c in self._changes)

    @property
    def notes(self) -> list[str]:
        """Remarks for people, such as likely renames (each once)."""
        return list(dict.fromkeys(c.note for c in self._changes if c.note))

    def reversed(self) -> SchemaDiff:
        """The changes that undo these (the downgrade)."""
        return SchemaDiff([c.reversed() for c in reversed(self._changes)], self.dialect)

    def to_python(self) -> str:
        """The body of ``upgrade(migrate_engine)`` in the changeset API."""
        return "\n".join(upgrade_body(self._changes, self.dialect).lines) + "\n"

    def script(self, description: str = "") -> str:
        """A whole changeset script: imports, ``upgrade`` and (the reverse) ``downgrade``."""
        return script_source(self._changes, self.reversed(), self.dialect, description)

    def upgrade_source(self) -> tuple[list[str], set[str]]:
        """The lines of ``upgrade(migrate_engine)``'s body and the imports they need."""
        src = upgrade_body(self._changes, self.dialect)
        return src.lines, src.imports

    def apply(self, bind: Bindable) -> None:
        """Run the changes: the calls of the ``upgrade()`` that :meth:`script` writes,
        made from the same data that writes them (no source is compiled)."""
        if self._changes:
            run(upgrade_body(self._changes, self.dialect), bind)


def _tables_of(metadata: Any) -> sa.MetaData:
    if isinstance(metadata, sa.MetaData):
        return metadata
    found = getattr(metadata, "metadata", None)  # a declarative base or registry
    if isinstance(found, sa.MetaData):
        return found
    raise InvalidOperationError(
        f"compare() needs a MetaData or a declarative base, not {type(metadata).__name__}"
    )


def compare_info(
    db: SchemaInfo,
    metadata: sa.MetaData,
    dialect: Dialect,
    *,
    schema: str | None = None,
    include: Include | None = None,
    renames: Mapping[str, str] | None = None,
) -> SchemaDiff:
    """:func:`compare` against an already reflected schema (pure: no connection)."""
    tables = [t for t in metadata.tables.values() if t.schema == schema]
    model = schema_of(tables, dialect, schema)
    changes = compare_schemas(
        db,
        model,
        dialect,
        include=include,
        renames=renames,
        model_objects={t.name: t for t in tables},
    )
    return SchemaDiff(changes, dialect.name)


def compare(
    metadata: sa.MetaData | Any,
    bind: Bindable | None = None,
    *,
    schema: str | None = None,
    include: Include | None = None,
    renames: Mapping[str, str] | None = None,
) -> SchemaDiff:
    """What must change so the database matches ``metadata`` (a MetaData or declarative
    base): a :class:`SchemaDiff`, empty when they match.

    The database is read once (SQLAlchemy's multi-table reflection). Compared: tables,
    columns (type, nullability, server default, comment), primary keys, foreign keys with
    their actions, UNIQUE constraints and unique indexes, CHECK constraints (by normalised
    expression), indexes, PostgreSQL enum labels. ``migrate_version`` is never reported.
    ``include(object, kind, reflected)`` may reject objects: ``kind`` is ``"table"``,
    ``"column"``, ``"index"``, ``"unique"``, ``"foreign_key"``, ``"check"``; ``object``
    is the model's Table for tables, else the plain data describing the object;
    ``reflected`` is True for the database's side. ``renames={"table.old": "new",
    "old_table": "new_table"}`` turns a drop and add into a rename that keeps the rows.
    """
    meta = _tables_of(metadata)
    target = binding.resolve(connection=bind, what="compare()")
    conn_cm: Any
    if isinstance(target, sa.Engine):
        conn_cm = target.connect()
    else:
        from sqlalchemy.orm import Session

        conn = target.connection() if isinstance(target, Session) else target
        conn_cm = nullcontext(conn)
    with conn_cm as conn:
        db = read_schema(conn, schema)
        dialect = conn.dialect
    return compare_info(db, meta, dialect, schema=schema, include=include, renames=renames)
