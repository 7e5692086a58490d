"""Change objects: what differs between the database and the model, as frozen data.

Every change carries its ``old`` (the database's) and ``new`` (the model's) side in the
data classes of :mod:`migrate.changeset.reflection`, so :meth:`Change.reversed` is a swap.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from migrate.changeset.reflection import (
    CheckInfo,
    ColumnInfo,
    ForeignKeyInfo,
    IndexInfo,
    PrimaryKeyInfo,
    TableInfo,
    UniqueInfo,
)

#: ``what`` values, each with its reverse
_REVERSE = {
    "add_table": "drop_table",
    "drop_table": "add_table",
    "rename_table": "rename_table",
    "add_column": "drop_column",
    "drop_column": "add_column",
    "rename_column": "rename_column",
    "alter_column": "alter_column",
    "add_constraint": "drop_constraint",
    "drop_constraint": "add_constraint",
    "add_index": "drop_index",
    "drop_index": "add_index",
    "alter_enum": "alter_enum",
    "alter_table_comment": "alter_table_comment",
}

Constraint = PrimaryKeyInfo | ForeignKeyInfo | UniqueInfo | CheckInfo


@dataclass(frozen=True, slots=True)
class Change:
    """One difference. ``old`` is what the database has, ``new`` what the model wants
    (None on the side where the object does not exist).

    * ``add_table``/``drop_table``: :class:`TableInfo`;
    * ``rename_table``: the old and new table names;
    * ``add_column``/``drop_column``/``alter_column``: :class:`ColumnInfo`
      (``attribute``: ``type``, ``nullable``, ``default``, ``autoincrement`` or
      ``comment`` for an alter);
    * ``rename_column``: the old and new column names;
    * ``add_constraint``/``drop_constraint``: a primary key, foreign key, UNIQUE or CHECK;
    * ``add_index``/``drop_index``: :class:`IndexInfo`;
    * ``alter_enum``: (PostgreSQL) the enum type's labels, ``table`` is the type's name;
    * ``alter_table_comment``: the comments.
    """

    what: str
    table: str
    old: Any = None
    new: Any = None
    attribute: str | None = None
    #: a remark for people (a likely rename: which ``--rename`` to pass)
    note: str | None = None
    #: schema of the table (None: the default schema)
    schema: str | None = None

    @property
    def destructive(self) -> bool:
        """True for changes that can lose data: drops of tables and columns, narrowing
        type changes, enum labels removed."""
        if self.what in ("drop_table", "drop_column"):
            return True
        if self.what == "alter_column" and self.attribute == "type":
            return not _widens(self.old, self.new)
        if self.what == "alter_enum":
            return bool(set(self.old) - set(self.new))
        return False

    def reversed(self) -> Change:
        """The change that undoes this one."""
        what = _REVERSE[self.what]
        table = self.table
        if self.what == "rename_table":
            table = self.new
        return replace(self, what=what, table=table, old=self.new, new=self.old)

    def __str__(self) -> str:
        mark = "! " if self.destructive else "  "
        text = f"{mark}{self.what.replace('_', ' ')} {self._subject()}"
        if self.note:
            text += f"  ({self.note})"
        return text

    def _subject(self) -> str:
        t = self.table
        match self.what:
            case "add_table" | "drop_table":
                return t
            case "rename_table":
                return f"{self.old} -> {self.new}"
            case "rename_column":
                return f"{t}.{self.old} -> {t}.{self.new}"
            case "add_column" | "drop_column":
                col = self.new or self.old
                return f"{t}.{col.name}"
            case "alter_column":
                col = self.new
                before = _attr(self.old, self.attribute)
                after = _attr(self.new, self.attribute)
                return f"{t}.{col.name} {self.attribute}: {before} -> {after}"
            case "add_constraint" | "drop_constraint" | "add_index" | "drop_index":
                return f"{t} {describe(self.new or self.old)}"
            case "alter_enum":
                return f"{t}: {list(self.old)} -> {list(self.new)}"
            case _:
                return f"{t}: {self.old!r} -> {self.new!r}"


def _attr(col: ColumnInfo, attribute: str | None) -> str:
    value = getattr(col, attribute or "", None)
    if attribute == "type":
        return repr(col.type)
    if attribute == "autoincrement":
        return _generated(col)
    return repr(value)


def _generated(col: ColumnInfo) -> str:
    """``identity``, ``serial``, ``autoincrement`` or ``none`` (dialect-neutral words)."""
    if col.identity:
        return "identity"
    if col.autoincrement:
        return "serial" if col.sequence_default else "autoincrement"
    return "none"


def describe(obj: Any) -> str:
    """A constraint or index in a few words."""
    name = f" {obj.name}" if getattr(obj, "name", None) else ""
    match obj:
        case PrimaryKeyInfo():
            return f"primary key{name} ({', '.join(obj.columns)})"
        case ForeignKeyInfo():
            actions = "".join(
                f" on {what} {value.lower()}"
                for what, value in (("delete", obj.ondelete), ("update", obj.onupdate))
                if value
            )
            return (
                f"foreign key{name} ({', '.join(obj.columns)}) -> "
                f"{obj.referred_table} ({', '.join(obj.referred_columns)}){actions}"
            )
        case UniqueInfo():
            return f"unique{name} ({', '.join(obj.columns)})"
        case CheckInfo():
            return f"check{name} ({obj.sqltext})"
        case IndexInfo():
            kind = "unique index" if obj.unique else "index"
            return f"{kind}{name} ({', '.join(obj.columns)})"
        case TableInfo():
            return obj.name
    return repr(obj)


def _widens(old: ColumnInfo, new: ColumnInfo) -> bool:
    """A type change that keeps every value: a longer string, more digits."""
    a, b = old.type, new.type
    length_a, length_b = getattr(a, "length", None), getattr(b, "length", None)
    import sqlalchemy as sa

    if isinstance(a, sa.String) and isinstance(b, sa.String):
        return length_b is None or (length_a is not None and length_b >= length_a)
    if isinstance(a, sa.Integer) and isinstance(b, sa.Integer):
        order = (sa.SmallInteger, sa.Integer, sa.BigInteger)
        ranks = [max(i for i, cls in enumerate(order) if isinstance(t, cls)) for t in (a, b)]
        return ranks[1] >= ranks[0]
    if isinstance(a, sa.Integer) and isinstance(b, sa.String | sa.Numeric | sa.Float):
        return True
    return False
