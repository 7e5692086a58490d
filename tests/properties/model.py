"""A reference model of one table, and how to read the same facts from a database.

The model knows columns (type, nullable, Python default, server default), single-column
indexes, UNIQUE, CHECK and FOREIGN KEY constraints, and every row. ``observe()`` reads the
same normalised facts from a real database so the two can be compared with ``==``.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

import sqlalchemy as sa

from migrate import exceptions as mx

PARENT = "p"
PARENT_IDS = (1, 2, 3)


class Refused(Exception):
    """The model says this operation must fail; ``kinds`` are the acceptable errors."""

    def __init__(self, kinds: tuple[type[BaseException], ...], why: str) -> None:
        super().__init__(why)
        self.kinds = kinds
        self.why = why


#: errors the library must raise before anything runs
LIBRARY = (
    mx.DuplicateObjectError,
    mx.NoSuchColumnError,
    mx.NoSuchObjectError,
    mx.InvalidOperationError,
    mx.NotSupportedError,
)
#: errors the database raises (re-raised by SQLAlchemy with the statement)
DATABASE = (sa.exc.DBAPIError,)
#: SQLAlchemy refusing to build a constraint on a column its Table lacks
UNKNOWN_COLUMN = (mx.NoSuchColumnError, mx.InvalidConstraintError, sa.exc.ArgumentError)


@dataclasses.dataclass
class Col:
    type: str  # "int" | "str20" | "str40"
    nullable: bool = True
    default: Any = None  # Python-side scalar default
    server_default: str | None = None

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.Integer() if self.type == "int" else sa.String(int(self.type[3:]))


@dataclasses.dataclass
class Model:
    name: str = "t"
    columns: dict[str, Col] = dataclasses.field(default_factory=dict)  # in order, "id" first
    indexes: dict[str, tuple[str, bool]] = dataclasses.field(default_factory=dict)
    uniques: dict[str, str] = dataclasses.field(default_factory=dict)
    checks: dict[str, str] = dataclasses.field(default_factory=dict)  # name -> column
    fks: dict[str, str] = dataclasses.field(default_factory=dict)  # name -> column
    rows: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def clone(self) -> Model:
        return copy.deepcopy(self)

    def key(self, name: str) -> str | None:
        """The column of that name (names compare case-insensitively, as on MySQL)."""
        for c in self.columns:
            if c.lower() == name.lower():
                return c
        return None

    def objects_on(self, column: str) -> list[str]:
        found = [n for n, (c, _u) in self.indexes.items() if c == column]
        found += [n for n, c in self.uniques.items() if c == column]
        found += [n for n, c in self.checks.items() if c == column]
        found += [n for n, c in self.fks.items() if c == column]
        return found

    def unique_on(self, key: str) -> bool:
        return key in self.uniques.values() or (key, True) in self.indexes.values()

    def all_names(self) -> set[str]:
        return {*self.indexes, *self.uniques, *self.checks, *self.fks}

    def expected(self, backend: str) -> dict[str, Any]:
        cols = [(name, c.type, c.nullable, c.server_default) for name, c in self.columns.items()]
        uniques = {n: (c,) for n, c in self.uniques.items()}
        uniques.update({n: (c,) for n, (c, u) in self.indexes.items() if u})
        order = list(self.columns)
        return {
            "table": self.name,
            "columns": cols,
            "indexes": {n: (c,) for n, (c, u) in self.indexes.items() if not u},
            "uniques": uniques,
            "checks": set(self.checks),
            "fks": {n: ((c,), PARENT) for n, c in self.fks.items()},
            "rows": sorted(tuple(r[c] for c in order) for r in self.rows),
        }

    # ---- transitions: mutate self, or raise Refused --------------------------------------

    def add_column(
        self, name: str, col: Col, *, index: str | None = None, unique: str | None = None
    ) -> None:
        if self.key(name) is not None:
            raise Refused((mx.DuplicateObjectError,), f"duplicate column {name}")
        if self.rows and not col.nullable and col.default is None and col.server_default is None:
            raise Refused((mx.InvalidOperationError,), f"NOT NULL {name} without default")
        self.columns[name] = dataclasses.replace(col)  # alter_column changes its own copy
        fill = col.server_default if col.server_default is not None else col.default
        if fill is not None and col.type == "int":
            fill = int(fill)
        for r in self.rows:
            r[name] = fill
        if index:
            self.create_index(index, name, False)
        if unique:
            self.add_unique(unique, name)

    def drop_column(self, name: str) -> None:
        key = self.key(name)
        if key is None or key == "id":
            if key == "id":
                raise Refused(LIBRARY + DATABASE, "dropping the primary key column")
            raise Refused((mx.NoSuchColumnError,), f"no column {name}")
        del self.columns[key]
        for r in self.rows:
            del r[key]
        for d in (self.indexes,):
            for n in [n for n, (c, _u) in d.items() if c == key]:
                del d[n]
        for d2 in (self.uniques, self.checks, self.fks):
            for n in [n for n, c in d2.items() if c == key]:
                del d2[n]

    def rename_column(self, old: str, new: str) -> None:
        key = self.key(old)
        if key is None:
            raise Refused((mx.NoSuchColumnError,), f"no column {old}")
        if key == "id":
            raise Refused(LIBRARY, "renaming id is not part of the model")
        if self.key(new) is not None and new.lower() != key.lower():
            raise Refused((mx.DuplicateObjectError,), f"duplicate column {new}")
        self.columns = {(new if n == key else n): c for n, c in self.columns.items()}
        for r in self.rows:
            r[new] = r.pop(key)
        self.rows = [{c: r[c] for c in self.columns} for r in self.rows]
        self.indexes = {n: ((new if c == key else c), u) for n, (c, u) in self.indexes.items()}
        for attr in ("uniques", "checks", "fks"):
            d = getattr(self, attr)
            setattr(self, attr, {n: (new if c == key else c) for n, c in d.items()})

    def alter_column(self, name: str, **changes: Any) -> None:
        key = self.key(name)
        if key is None:
            raise Refused((mx.NoSuchColumnError,), f"no column {name}")
        col = self.columns[key]
        if "type" in changes:
            new = changes["type"]
            if col.type == "int" and new != "int":
                for r in self.rows:
                    if r[key] is not None:
                        r[key] = str(r[key])
            col.type = new
        if "server_default" in changes:
            col.server_default = changes["server_default"]
        if "nullable" in changes:
            col.nullable = changes["nullable"]  # before the data check, as for create_index
            if not changes["nullable"] and any(r[key] is None for r in self.rows):
                raise Refused(DATABASE + (mx.InvalidOperationError,), "NULLs in NOT NULL")

    def _same(self, name: str, d: dict[str, str], key: str) -> bool:
        """Adding a constraint identical to one of that name is a no-op (SPEC §4)."""
        return d.get(name) == key

    def _name_free(self, name: str) -> None:
        if name in self.all_names():
            raise Refused((mx.DuplicateObjectError,), f"duplicate object name {name}")

    def create_index(self, name: str, column: str, unique: bool) -> None:
        key = self.key(column)
        if key is None:
            raise Refused((mx.NoSuchColumnError,), f"index on unknown column {column}")
        self._name_free(name)
        if unique and self.unique_on(key):
            raise Refused((), "a second unique on one column: see test_regressions")
        # registered before the data check: the library validates a batch's later ops as
        # if this one succeeded (a unique index the data refuses fails when it runs)
        self.indexes[name] = (key, unique)
        if unique:
            self._no_duplicates(key)

    def drop_index(self, name: str) -> None:
        if name not in self.indexes:
            raise Refused((mx.NoSuchObjectError,), f"no index {name}")
        del self.indexes[name]

    def _no_duplicates(self, key: str) -> None:
        values = [r[key] for r in self.rows if r[key] is not None]
        if len(values) != len(set(values)):
            raise Refused(DATABASE, f"duplicate values in {key}")

    def add_unique(self, name: str, column: str) -> None:
        key = self.key(column)
        if key is None:
            raise Refused(UNKNOWN_COLUMN, f"no {column}")
        if self._same(name, self.uniques, key):
            return
        self._name_free(name)
        if self.unique_on(key):
            raise Refused((), "a second unique on one column: see test_regressions")
        self.uniques[name] = key  # before the data check, as for create_index
        self._no_duplicates(key)

    def add_check(self, name: str, column: str) -> None:
        key = self.key(column)
        if key is None:
            raise Refused(UNKNOWN_COLUMN, f"no {column}")
        if self._same(name, self.checks, key):
            return
        self._name_free(name)
        self.checks[name] = key  # before the data check, as for create_index
        if any(r[key] is not None and r[key] < 0 for r in self.rows):
            raise Refused(DATABASE, f"negative values in {key}")

    def add_fk(self, name: str, column: str, sqlite: bool) -> None:
        key = self.key(column)
        if key is None:
            raise Refused(UNKNOWN_COLUMN, f"no {column}")
        if self._same(name, self.fks, key):
            return
        self._name_free(name)
        self.fks[name] = key  # before the data check, as for create_index
        if any(r[key] is not None and r[key] not in PARENT_IDS for r in self.rows):
            kinds = (mx.InvalidOperationError,) if sqlite else DATABASE
            raise Refused(kinds, f"values of {key} not in parent")

    def drop_constraint(self, name: str) -> None:
        for d in (self.uniques, self.checks, self.fks):
            if name in d:
                del d[name]
                return
        raise Refused((mx.NoSuchObjectError,), f"no constraint {name}")


# ---- reading the database ----------------------------------------------------------------

_CAST = re.compile(r"::[\w ]+(\(\d+\))?$")


def norm_default(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    text = _CAST.sub("", text)
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if text.upper() == "NULL":
        return None
    if len(text) >= 2 and text[0] == text[-1] == "'":
        text = text[1:-1].replace("''", "'")
    return text


def type_code(type_: Any) -> str:
    if isinstance(type_, sa.Integer):
        return "int"
    if isinstance(type_, sa.String):
        return f"str{type_.length}"
    return repr(type_)


def observe(conn: sa.Connection, name: str, backend: str) -> dict[str, Any]:
    """The model-shaped facts about table ``name`` as the database has them."""
    insp = sa.inspect(conn)
    cols = insp.get_columns(name)
    columns = [
        (c["name"], type_code(c["type"]), bool(c["nullable"]), norm_default(c.get("default")))
        for c in cols
    ]
    # the primary key column is NOT NULL by construction; the model says nullable=False
    fks = {
        fk["name"]: (tuple(fk["constrained_columns"]), fk["referred_table"])
        for fk in insp.get_foreign_keys(name)
    }
    uniques = {u["name"]: tuple(u["column_names"]) for u in insp.get_unique_constraints(name)}
    indexes: dict[str, tuple[str, ...]] = {}
    for ix in insp.get_indexes(name):
        if ix.get("duplicates_constraint"):
            continue
        if ix["unique"]:
            uniques[ix["name"]] = tuple(ix["column_names"])
        elif backend == "mysql" and (ix["name"] in fks or ix["name"].startswith("fk")):
            continue  # MySQL's implicit index for a foreign key (kept after the FK goes)
        else:
            indexes[ix["name"]] = tuple(ix["column_names"])
    checks = {c["name"] for c in insp.get_check_constraints(name) if c.get("name")}
    t = sa.Table(name, sa.MetaData(), autoload_with=conn)
    rows = sorted(tuple(r) for r in conn.execute(sa.select(t)))
    return {
        "table": name,
        "columns": columns,
        "indexes": indexes,
        "uniques": uniques,
        "checks": checks,
        "fks": fks,
        "rows": rows,
    }
