"""ColumnDelta: the differences between a column and what the caller wants it to be.

The legacy mapping interface of sqlalchemy-migrate's ``ColumnDelta`` (``keys()``, ``[]``,
``in``, ``get``, ``current_name``, ``result_column``, ``table``, ``diffs``) and its
constructor forms, as a plain :class:`~collections.abc.MutableMapping` (never a
SchemaItem). It only describes a change; :func:`migrate.changeset.schema.alter_column`
turns it into an :class:`~migrate.changeset.ops.AlterColumnOp` and runs it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import sqlalchemy as sa

from migrate.changeset import binding
from migrate.changeset.ops import UNCHANGED, AlterColumnOp, TableRef
from migrate.exceptions import IgnoredArgumentWarning, InvalidOperationError, NoSuchColumnError

#: Column attributes that can be altered (legacy order).
DIFF_KEYS = (
    "name",
    "type",
    "primary_key",
    "nullable",
    "server_onupdate",
    "server_default",
    "autoincrement",
)
#: Keywords accepted besides DIFF_KEYS: ``default`` changes only the Python-side default.
EXTRA_KEYS = ("default",)
_KNOWN_KEYS = frozenset(DIFF_KEYS + EXTRA_KEYS)
#: Dialect options passed through to the planners.
DIALECT_PREFIXES = ("postgresql_", "mysql_", "mariadb_", "sqlite_")


def normalise_type(value: Any) -> Any:
    if isinstance(value, type) and issubclass(value, sa.types.TypeEngine):
        return value()
    return value


def server_default_clause(value: Any) -> Any:
    """What ``server_default=`` accepts, as a DefaultClause (None stays None)."""
    if value is None or isinstance(value, sa.schema.FetchedValue):
        return value
    return sa.DefaultClause(value)


def defaults_equal(a: Any, b: Any) -> bool:
    """Legacy ``ChangesetDefaultClause.__eq__``: server defaults compare by argument."""
    if a is None or b is None:
        return a is b
    arg_a, arg_b = getattr(a, "arg", a), getattr(b, "arg", b)
    text_a = arg_a.text if isinstance(arg_a, sa.sql.elements.TextClause) else arg_a
    text_b = arg_b.text if isinstance(arg_b, sa.sql.elements.TextClause) else arg_b
    if isinstance(text_a, str) and isinstance(text_b, str):
        return text_a == text_b
    return bool(arg_a is arg_b)


def types_equal(old: sa.types.TypeEngine[Any], new: sa.types.TypeEngine[Any]) -> bool:
    """Legacy comparison: same class, and for strings the same length."""
    old, new = normalise_type(old), normalise_type(new)
    if old.__class__ != new.__class__:
        return False
    if isinstance(new, sa.String):
        return getattr(old, "length", None) == getattr(new, "length", None)
    return True


def copy_column(column: sa.Column[Any]) -> sa.Column[Any]:
    """A detached copy with every attribute (legacy ``copy_fixed``)."""
    return column._copy()


class ColumnDelta(MutableMapping[str, Any]):
    """Extracts the differences between two columns / column parameters.

    Constructor forms (legacy):

    * ``ColumnDelta(current_column, new_column, *p, **kw)``: only real differences
      (type compared by class, plus length for strings); ``*p``/``**kw`` override.
    * ``ColumnDelta(current_column, *p, **kw)``: every given parameter is a change
      (the column may not be up to date).
    * ``ColumnDelta(current_name, *p, table=..., **kw)``: ``table`` a Table, or a name
      reflected with ``engine=`` or ``metadata=`` (whose ``bind`` is used).

    Positional parameters: a string is the new name, a type (class or instance) the new
    type, anything else (``DefaultClause``, ...) is applied to a copy of the column.
    ``result_column`` is the column with the changes applied: the given column itself with
    the private ``alter_metadata=True``, else a copy. ``current_name`` is the name the
    database knows now.
    """

    diff_keys = DIFF_KEYS

    def __init__(self, *p: Any, **kw: Any) -> None:
        self._init_state(kw)
        if p and isinstance(p[0], sa.Column):
            if len(p) >= 2 and isinstance(p[1], sa.Column):
                diffs = self._compare_2_columns(*p, **kw)
            else:
                diffs = self._compare_1_column(*p, **kw)
        else:
            if not p or not isinstance(p[0], str):
                raise ValueError("First argument must be column name")
            diffs = self._compare_parameters(*p, **kw)
        self._apply_diffs(diffs)

    def _init_state(self, kw: dict[str, Any]) -> None:
        """Every attribute at its start value; the constructor's keywords taken from ``kw``."""
        self.alter_metadata: bool = kw.pop("alter_metadata", False)
        #: private (``_deferred=True``, from :func:`~migrate.changeset.schema.alter_column`
        #: only): no copy is made and the changes are only recorded in ``diffs``; the
        #: caller applies them to the column after success, then sets ``alter_metadata``
        #: and ``result_column`` and clears this flag
        self._deferred: bool = kw.pop("_deferred", False)
        self.meta: sa.MetaData | None = kw.pop("metadata", None)
        self.engine: Any = kw.pop("engine", None)
        self.diffs: dict[str, Any] = {}
        self._table: sa.Table | None = None
        self._result_column: sa.Column[Any] | None = None
        #: the caller's Column object this delta describes (changed only after success)
        self.column: sa.Column[Any] | None = None
        self.current_name: str = ""
        self.dialect_options: dict[str, Any] = {}
        for k in tuple(kw):  # loops, not comprehensions: one ColumnDelta per alter (W5)
            if k.startswith(DIALECT_PREFIXES):
                self.dialect_options[k] = kw.pop(k)

    # ---- mapping interface -----------------------------------------------------------

    def __repr__(self) -> str:
        return f"<ColumnDelta altermetadata={self.alter_metadata!r}, {self.diffs!r}>"

    def __getitem__(self, key: str) -> Any:
        if key not in self.diffs:
            raise KeyError(f"No such diff key, available: {self.diffs}")
        if key in DIFF_KEYS or key in EXTRA_KEYS:
            return getattr(self.result_column, key)
        return self.diffs[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self.diffs:
            raise KeyError(f"No such diff key, available: {self.diffs}")
        setattr(self.result_column, key, value)
        self.diffs[key] = value

    def __delitem__(self, key: str) -> None:
        raise NotImplementedError("a ColumnDelta's keys cannot be removed")

    def __iter__(self) -> Iterator[str]:
        return iter(self.diffs)

    def __len__(self) -> int:
        return len(self.diffs)

    def __contains__(self, key: object) -> bool:
        return key in self.diffs

    def keys(self) -> Any:
        return self.diffs.keys()

    # ---- attributes ------------------------------------------------------------------

    @property
    def table(self) -> sa.Table | None:
        return self._table

    @table.setter
    def table(self, table: sa.Table | str | None) -> None:
        if isinstance(table, str):
            self._table = self._reflect(table)
        else:
            self._table = table

    @property
    def result_column(self) -> sa.Column[Any]:
        assert self._result_column is not None
        return self._result_column

    @result_column.setter
    def result_column(self, column: sa.Column[Any]) -> None:
        if not self.current_name:
            self.current_name = column.name
        if self.column is None:
            self.column = column
        if self.alter_metadata or self._deferred:
            self._result_column = column
        else:
            self._result_column = copy_column(column)

    # ---- constructor forms -----------------------------------------------------------

    def _reflect(self, name: str) -> sa.Table:
        if self.alter_metadata:
            if self.meta is None:
                raise ValueError(
                    "metadata must be specified for table reflection when using alter_metadata"
                )
            meta = self.meta
            if self.engine is not None:
                meta.bind = self.engine  # type: ignore[attr-defined]
        else:
            if self.engine is None and self.meta is None:
                raise ValueError("engine or metadata must be specified to reflect tables")
            if self.engine is None:
                self.engine = binding.metadata_bind(self.meta)
            meta = binding.MetaData(bind=self.engine)
        bind = self.engine or binding.metadata_bind(meta) or binding.current()
        if bind is None:
            bind = binding.resolve(what=f"reflecting table {name!r}")
        if isinstance(bind, sa.orm.Session):
            bind = bind.connection()
        return sa.Table(name, meta, autoload_with=bind, extend_existing=True)

    def _compare_parameters(self, current_name: str, *p: Any, **k: Any) -> dict[str, Any]:
        """Compares a column, found by name in ``table=``, with parameters."""
        self.table = k.pop("table", None)
        if self.table is None:
            raise ValueError("table must be specified when the column is given by name")
        column = self.table.c.get(current_name)
        if column is None:
            column = next((c for c in self.table.c if c.name == current_name), None)
        if column is None:
            raise NoSuchColumnError(
                f"Table {self.table.name!r} has no column {current_name!r} "
                f"(columns: {', '.join(c.name for c in self.table.c)})"
            )
        self.result_column = column
        if p:
            k = self._extract_parameters(p, k, self.result_column)
        return k

    def _compare_1_column(self, col: sa.Column[Any], *p: Any, **k: Any) -> dict[str, Any]:
        """Compares one Column object with parameters (each one is a change)."""
        table = k.pop("table", None)
        self.table = table if table is not None else _table_of(col)
        self.result_column = col
        if p:
            k = self._extract_parameters(p, k, self.result_column)
        return k

    def _compare_2_columns(
        self, old_col: sa.Column[Any], new_col: sa.Column[Any], *p: Any, **k: Any
    ) -> dict[str, Any]:
        """Compares two Column objects: only real differences."""
        table = k.pop("table", None)
        if self._table is None:
            self.table = table if table is not None else _table_of(old_col)
        if self._result_column is None:
            self.result_column = old_col
        for key in DIFF_KEYS:
            if key == "type":
                continue
            old, new = getattr(old_col, key, None), getattr(new_col, key, None)
            if key in ("server_default", "server_onupdate"):
                if not defaults_equal(old, new):
                    k.setdefault(key, new)
            elif old != new:
                k.setdefault(key, new)
        if not types_equal(old_col.type, new_col.type):
            k.setdefault("type", new_col.type)
        if p:
            k = self._extract_parameters(p, k, old_col)
        return k

    def _extract_parameters(
        self, p: tuple[Any, ...], k: dict[str, Any], column: sa.Column[Any]
    ) -> dict[str, Any]:
        """Positional parameters: name, type, then schema items applied to a copy."""
        rest = list(p)
        while rest:
            first = rest[0]
            if isinstance(first, str):
                _set_positional(k, "name", rest.pop(0), column)
            elif isinstance(first, sa.types.TypeEngine) or (
                isinstance(first, type) and issubclass(first, sa.types.TypeEngine)
            ):
                _set_positional(k, "type", normalise_type(rest.pop(0)), column)
            else:
                break
        if rest:
            new_col = copy_column(column)
            new_col.server_default = None
            for item in rest:
                if isinstance(item, sa.schema.FetchedValue):
                    new_col.server_default = item
                else:
                    new_col._init_items(item)
            if new_col.server_default is None:
                new_col.server_default = column.server_default
            k = self._compare_2_columns(column, new_col, **k)
        return k

    def _apply_diffs(self, diffs: dict[str, Any]) -> None:
        """Record ``diffs`` and apply them to ``result_column``."""
        if not _KNOWN_KEYS.issuperset(diffs):
            unknown = [key for key in diffs if key not in _KNOWN_KEYS]
            warnings.warn(
                f"alter_column() ignored keyword argument(s): {', '.join(sorted(unknown))} "
                f"(alterable: {', '.join(DIFF_KEYS + EXTRA_KEYS)})",
                IgnoredArgumentWarning,
                stacklevel=4,
            )
            diffs = {key: value for key, value in diffs.items() if key not in unknown}
        if "type" in diffs:
            diffs["type"] = normalise_type(diffs["type"])
        if "server_default" in diffs:
            diffs["server_default"] = server_default_clause(diffs["server_default"])
        if "default" in diffs:
            diffs["default"] = _python_default(diffs["default"])
        self.diffs = diffs
        if self._deferred:
            return  # result_column is the caller's column: changed only after success
        col = self.result_column
        for key in DIFF_KEYS:
            if key in diffs:
                setattr(col, key, diffs[key])
        if "default" in diffs:
            col.default = diffs["default"]
        if "type" in diffs and col.autoincrement and not isinstance(col.type, sa.Integer):
            col.autoincrement = False

    # ---- to an operation -------------------------------------------------------------

    def to_op(self, table: sa.Table) -> AlterColumnOp:
        """The :class:`AlterColumnOp` for what the database must change."""
        d = self.diffs
        name = d.get("name", UNCHANGED)
        if name is not UNCHANGED and name == self.current_name:
            name = UNCHANGED
        options = tuple(sorted(self.dialect_options.items())) if self.dialect_options else ()
        return AlterColumnOp(
            TableRef(table.name, table.schema),
            self.current_name,
            name=name,
            type=d.get("type", UNCHANGED),
            nullable=d.get("nullable", UNCHANGED),
            server_default=d.get("server_default", UNCHANGED),
            autoincrement=d.get("autoincrement", UNCHANGED),
            primary_key=d.get("primary_key", UNCHANGED),
            dialect_options=options,
        )


def _set_positional(k: dict[str, Any], key: str, value: Any, column: sa.Column[Any]) -> None:
    """A positional name or type, unless the keyword of the same name says otherwise
    (SPEC §7: conflicting arguments are an error naming both, before anything is sent)."""
    if key not in k:
        k[key] = value
        return
    given = k[key]
    same = given == value if key == "name" else types_equal(given, value)
    if not same:
        if key == "type":
            given, value = normalise_type(given), normalise_type(value)
        raise InvalidOperationError(
            f"alter() of column {column.name!r} got the {key} {str(value)!r} positionally "
            f"and {key}={str(given)!r} as a keyword: pass one"
        )


def _python_default(value: Any) -> Any:
    if value is None or isinstance(value, sa.schema.DefaultGenerator):
        return value
    return sa.ColumnDefault(value)


def _table_of(column: sa.Column[Any]) -> sa.Table | None:
    table = getattr(column, "table", None)
    return table if isinstance(table, sa.Table) else None


class RenamedByName(ColumnDelta):
    """What ``alter_column(old, table="t", name=new)`` returns for a pure rename of a
    table given by name, on a dialect where the rename reads no more than column names
    (PostgreSQL, SQLite): the rename ran without reflecting the table, and ``table``,
    ``result_column`` and ``column`` reflect it (columns and primary key, as the rename
    left them) the first time one of them is read.
    """

    def __init__(self, reflect: Callable[[], sa.Table], old: str, new: str) -> None:
        # none of ColumnDelta's constructor forms: they all need the Column first
        self._column: sa.Column[Any] | None = None
        self._init_state({})
        self.alter_metadata = True
        self.diffs = {"name": new}
        self.current_name = old
        self._reflect_later = reflect

    def _load(self) -> None:
        if self._table is not None:
            return
        table = self._reflect_later()
        new = self.diffs["name"]
        col = next((c for c in table.columns if c.name == new), None)
        if col is None:
            raise NoSuchColumnError(
                f"Table {table.name!r} has no column {new!r} any more "
                f"(columns: {', '.join(c.name for c in table.columns)})"
            )
        self._table, self._result_column, self._column = table, col, col

    @property
    def table(self) -> sa.Table | None:
        self._load()
        return self._table

    @table.setter
    def table(self, table: sa.Table | str | None) -> None:
        raise AttributeError("the table of a rename by table name is read from the database")

    @property
    def result_column(self) -> sa.Column[Any]:
        self._load()
        assert self._result_column is not None
        return self._result_column

    @result_column.setter
    def result_column(self, column: sa.Column[Any]) -> None:
        raise AttributeError("the column of a rename by table name is read from the database")

    @property
    def column(self) -> sa.Column[Any] | None:
        self._load()
        return self._column

    @column.setter
    def column(self, column: sa.Column[Any] | None) -> None:
        self._column = column
