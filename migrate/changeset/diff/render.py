"""Changes -> Python source in the changeset API, as a person would write it.

The body of ``upgrade(migrate_engine)``: renamed tables, new tables (``Table(...).create``),
one ``alter_table`` batch per table with its changes in a safe order, dropped tables; on
PostgreSQL and MySQL foreign keys are dropped first and added last, in batches of their
own, so no statement meets a foreign key that is about to change. The source is laid out
the way ``ruff format`` lays it out.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa

from migrate.changeset.diff.changes import Change
from migrate.changeset.reflection import (
    CheckInfo,
    ColumnInfo,
    ForeignKeyInfo,
    PrimaryKeyInfo,
    TableInfo,
    UniqueInfo,
)

INDENT = "    "
LINE = 88  # ruff format's default line length


@dataclass
class Source:
    """Lines of a function body plus the imports they need."""

    lines: list[str] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    #: the schema every change is in (None: the default schema)
    schema: str | None = None
    #: the dialect the script is written for
    dialect: str = ""

    @property
    def schema_kw(self) -> str:
        """``, schema="x"`` when not the default schema."""
        return f", schema={_lit(self.schema)}" if self.schema else ""

    def emit(self, text: str, depth: int = 1) -> None:
        self.lines.extend(INDENT * depth + line if line else "" for line in text.split("\n"))


# ---------------------------------------------------------------------------- values


def _lit(value: Any) -> str:
    if isinstance(value, str):
        return _str(value)
    return repr(value)


def _str(value: str) -> str:
    """A string literal as ruff format writes it (double quotes unless that escapes more)."""
    text = repr(value)
    if text.startswith("'") and '"' not in value:
        text = '"' + text[1:-1].replace("\\'", "'") + '"'
    return text


def type_source(t: sa.types.TypeEngine[Any], src: Source) -> str:
    """A type as a constructor call: ``sa.String(length=50)``, ``postgresql.JSONB()``."""
    if isinstance(t, sa.types.TypeDecorator):
        t = t.impl_instance
    cls = type(t)
    if isinstance(t, sa.Enum):
        args = [_lit(e) for e in t.enums]
        if t.name:
            args.append(f"name={_lit(t.name)}")
        if not t.native_enum:
            args.append("native_enum=False")
        if t.create_constraint:
            args.append("create_constraint=True")
        if t.length and not t.native_enum and t.length != max(len(e) for e in t.enums):
            args.append(f"length={t.length}")
        return f"{_prefix(cls, src)}({', '.join(args)})"
    return f"{_prefix(cls, src)}({', '.join(_type_args(t, src))})"


def _prefix(cls: type, src: Source) -> str:
    name = cls.__name__
    if getattr(sa.types, name, None) is cls or getattr(sa, name, None) is cls:
        return f"sa.{name}"
    module = cls.__module__
    if module.startswith("sqlalchemy.dialects."):
        dialect = module.split(".")[2]
        import importlib

        pkg = importlib.import_module(f"sqlalchemy.dialects.{dialect}")
        if getattr(pkg, name, None) is cls:
            src.imports.add(f"from sqlalchemy.dialects import {dialect}")
            return f"{dialect}.{name}"
    raise TypeError(f"cannot write {cls.__module__}.{name} in a script")


def _type_args(t: sa.types.TypeEngine[Any], src: Source) -> list[str]:
    cls = type(t)
    try:
        params = inspect.signature(cls.__init__).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover
        return []
    args = []
    for p in params:
        if p.name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if not hasattr(t, p.name):
            continue
        value = getattr(t, p.name)
        default = p.default
        if isinstance(value, sa.types.TypeEngine):
            if isinstance(default, sa.types.TypeEngine) and type(default) is type(value):
                continue
            if default is None and p.name == "astext_type":
                continue
            args.append(f"{p.name}={type_source(value, src)}")
            continue
        if value is default or (default is not p.empty and value == default):
            continue
        if isinstance(value, (str, int, float, bool)) or value is None:
            if value is None and default is p.empty:
                continue
            args.append(f"{p.name}={_lit(value)}")
    return args


def column_source(col: ColumnInfo, src: Source, *, primary_key: bool = False) -> Call:
    args = [_lit(col.name), type_source(col.type, src)]
    if col.identity:
        args.append("sa.Identity()")
    if primary_key:
        args.append("primary_key=True")
        if not col.autoincrement:
            args.append("autoincrement=False")
    if not col.nullable and not primary_key:
        args.append("nullable=False")
    if col.default is not None and not _is_serial_default(col):
        args.append(f"server_default=sa.text({_lit(col.default)})")
    if col.comment:
        args.append(f"comment={_lit(col.comment)}")
    return Call("sa.Column", tuple(args))


def _is_serial_default(col: ColumnInfo) -> bool:
    return (
        (col.autoincrement or col.identity)
        and col.default is not None
        and (col.default.lower().startswith("nextval("))
    )


def constraint_source(obj: Any, src: Source) -> Call:
    name = (f"name={_lit(obj.name)}",) if obj.name else ()
    match obj:
        case PrimaryKeyInfo():
            return Call("sa.PrimaryKeyConstraint", (*map(_lit, obj.columns), *name))
        case UniqueInfo():
            return Call("sa.UniqueConstraint", (*map(_lit, obj.columns), *name))
        case CheckInfo():
            return Call("sa.CheckConstraint", (_lit(obj.sqltext), *name))
        case ForeignKeyInfo():
            prefix = f"{obj.referred_schema}." if obj.referred_schema else ""
            refs = [f"{prefix}{obj.referred_table}.{c}" for c in obj.referred_columns]
            extra = tuple(
                f"{k}={_lit(v)}"
                for k, v in (("ondelete", obj.ondelete), ("onupdate", obj.onupdate))
                if v
            )
            return Call(
                "sa.ForeignKeyConstraint",
                (f"[{_cols(obj.columns)}]", f"[{_cols(refs)}]", *name, *extra),
            )
    raise TypeError(f"not a constraint: {obj!r}")


def _cols(names: Iterable[str]) -> str:
    return ", ".join(_lit(c) for c in names)


# ---------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Call:
    """A call whose arguments may be calls: laid out on one line, or exploded."""

    head: str
    args: tuple[Any, ...]

    def flat(self) -> str:
        return f"{self.head}({', '.join(_flat(a) for a in self.args)})"


def _flat(arg: Any) -> str:
    return arg.flat() if isinstance(arg, Call) else str(arg)


def call(head: str, args: Sequence[Any], depth: int, suffix: str = "") -> str:
    """``head(args)`` on one line, or one argument per line with a trailing comma (which
    ruff format keeps exploded), nested calls exploded in turn when still too long."""
    one = f"{head}({', '.join(_flat(a) for a in args)}){suffix}"
    if len(INDENT * depth) + len(one) <= LINE or not args:
        return one
    inner = []
    for a in args:
        text = call(a.head, a.args, depth + 1) if isinstance(a, Call) else str(a)
        inner.append("\n".join(INDENT + line for line in text.split("\n")) + ",")
    return f"{head}(\n" + "\n".join(inner) + f"\n){suffix}"


# ---------------------------------------------------------------------------- the body


def upgrade_body(changes: Sequence[Change], dialect: str) -> Source:
    """The statements that apply ``changes`` (the body of ``upgrade(migrate_engine)``)."""
    src = Source(schema=changes[0].schema if changes else None, dialect=dialect)
    sqlite = dialect == "sqlite"
    by_table: dict[str, list[Change]] = {}
    for change in changes:
        by_table.setdefault(change.table, []).append(change)

    def of(*whats: str) -> list[Change]:
        return [c for c in changes if c.what in whats]

    # 1. renamed tables: first when the other changes name the new table, else (a
    # downgrade) last
    referenced = {c.table for c in changes if c.what != "rename_table"}
    renames_last = [c for c in of("rename_table") if c.old in referenced]
    for c in of("rename_table"):
        if c not in renames_last:
            _rename(c, src)
    # 2. enum labels (PostgreSQL): new labels first, so columns can take them
    for c in of("alter_enum"):
        _enum(c, src)
    # 3. foreign keys that change, dropped first (PostgreSQL, MySQL)
    if not sqlite:
        for table, group in by_table.items():
            drops = [
                c
                for c in group
                if c.what == "drop_constraint" and isinstance(c.old, ForeignKeyInfo)
            ]
            _batch(table, drops, src)
    # 4. new tables
    added = [c.new for c in of("add_table")]
    if added:
        _create_tables(added, src)
    # 5. dropped tables, children first
    dropped = [c.old for c in of("drop_table")]
    if dropped:
        _drop_tables(dropped, src, notes={c.table: c.note for c in of("drop_table") if c.note})
    # 6. one batch per table
    for table, group in by_table.items():
        body = [
            c
            for c in group
            if c.what not in ("rename_table", "alter_enum", "add_table", "drop_table")
            and (
                sqlite
                or not (
                    c.what in ("drop_constraint", "add_constraint")
                    and isinstance(c.old or c.new, ForeignKeyInfo)
                )
            )
        ]
        _batch(table, body, src)
    # 7. new foreign keys last (PostgreSQL, MySQL)
    if not sqlite:
        for table, group in by_table.items():
            adds = [
                c for c in group if c.what == "add_constraint" and isinstance(c.new, ForeignKeyInfo)
            ]
            _batch(table, adds, src)
    for c in renames_last:
        _rename(c, src)
    if not src.lines:
        src.emit("pass")
    return src


def _rename(c: Change, src: Source) -> None:
    src.imports.add("from migrate.changeset import rename_table")
    args = [_lit(c.old), _lit(c.new), *_schema_args(src), "engine=migrate_engine"]
    src.emit(call("rename_table", args, 1))


def _schema_args(src: Source) -> list[str]:
    return [f"schema={_lit(src.schema)}"] if src.schema else []


_ORDER = {
    "drop_index": 0,
    "drop_constraint": 1,
    "rename_column": 2,
    "add_column": 3,
    "alter_column": 4,
    "drop_column": 5,
    "alter_table_comment": 6,
    "add_constraint": 7,
    "add_index": 8,
}


def _batch(table: str, changes: list[Change], src: Source) -> None:
    if not changes:
        return
    src.imports.add("from migrate.changeset import alter_table")
    ordered = sorted(changes, key=lambda c: _ORDER[c.what])
    lines: list[str] = []
    after: list[str] = []
    done_alters: set[str] = set()
    # alters run after renames: a column renamed away is altered by its new name
    moved = {c.old: c.new for c in ordered if c.what == "rename_column"}
    for c in ordered:
        if c.note:
            lines.append(f"# {c.note}")
        match c.what:
            case "drop_index":
                lines.append(f"t.drop_index({_lit(c.old.name)})")
            case "add_index":
                args = [_lit(c.new.name), *(_lit(col) for col in c.new.columns)]
                if c.new.unique:
                    args.append("unique=True")
                lines.append(call("t.create_index", args, 2))
            case "drop_constraint":
                if c.old.name and isinstance(c.old, UniqueInfo | CheckInfo):
                    lines.append(f"t.drop_constraint({_lit(c.old.name)})")
                else:
                    # by definition: a primary key, an unnamed constraint, and a foreign
                    # key (MySQL renames its <table>_ibfk_N keys with the table)
                    unnamed = replace(c.old, name=None)
                    lines.append(call("t.drop_constraint", [constraint_source(unnamed, src)], 2))
            case "add_constraint":
                lines.append(call("t.add_constraint", [constraint_source(c.new, src)], 2))
            case "rename_column":
                lines.append(f"t.rename_column({_lit(c.old)}, {_lit(c.new)})")
            case "add_column":
                lines.append(call("t.add_column", [column_source(c.new, src)], 2))
            case "drop_column":
                lines.append(f"t.drop_column({_lit(c.old.name)})")
            case "alter_column":
                name = c.new.name
                if name in done_alters:
                    continue
                done_alters.add(name)
                args = [_lit(moved.get(name, name))]
                for a in (x for x in ordered if x.what == "alter_column" and x.new.name == name):
                    if a.attribute == "comment":
                        after.append(_comment(table, moved.get(name, name), a.new.comment, src))
                    else:
                        args.extend(_alter_args(a, src))
                if len(args) > 1:
                    lines.append(call("t.alter_column", args, 2))
            case "alter_table_comment":
                after.append(_comment(table, None, c.new, src))
    if lines:
        src.emit(f"with alter_table({_lit(table)}{src.schema_kw}, engine=migrate_engine) as t:")
        for line in lines:
            src.emit(line, 2)
    for line in after:
        src.emit(line)


def _comment(table: str, column: str | None, comment: str | None, src: Source) -> str:
    src.imports.add("from migrate.changeset import set_comment")
    args = [_lit(table), _lit(column), _lit(comment), *_schema_args(src), "engine=migrate_engine"]
    return call("set_comment", args, 1)


def _alter_args(c: Change, src: Source) -> list[str]:
    col: ColumnInfo = c.new
    match c.attribute:
        case "type":
            return [f"type={type_source(col.type, src)}"]
        case "nullable":
            return [f"nullable={col.nullable!r}"]
        case "default":
            if col.default is None:
                return ["server_default=None"]
            return [f"server_default=sa.text({_lit(col.default)})"]
        case "autoincrement":
            return _autoincrement_args(c.old, col)
    raise ValueError(c.attribute)


def _autoincrement_args(old: ColumnInfo, new: ColumnInfo) -> list[str]:
    """``autoincrement=True/False``; PostgreSQL: a serial becomes an identity column by
    dropping its ``nextval()`` default in the same alter. An identity where a serial was
    (a downgrade) stays: both generate the values, and the comparison accepts either."""
    if not (new.autoincrement or new.identity):
        return ["autoincrement=False"]
    if old.identity:
        return []
    if _is_serial_default(old):
        return ["server_default=None", "autoincrement=True"] if new.identity else []
    return ["autoincrement=True"]


def _sorted_tables(tables: list[TableInfo]) -> list[TableInfo]:
    """Parents before children (by foreign keys among ``tables``)."""
    names = {t.name for t in tables}
    done: list[TableInfo] = []
    seen: set[str] = set()
    pending = list(tables)
    while pending:
        progress = False
        for t in list(pending):
            needs = {fk.referred_table for fk in t.foreign_keys} & names - {t.name}
            if needs <= seen:
                done.append(t)
                seen.add(t.name)
                pending.remove(t)
                progress = True
        if not progress:  # a cycle: the rest in the order given
            done.extend(pending)
            break
    return done


def _create_tables(tables: list[TableInfo], src: Source) -> None:
    src.emit(call("meta = sa.MetaData", _schema_args(src), 1))
    new = {t.name for t in tables}
    # tables the new ones refer to that exist already: described just enough for the FKs
    stubs: dict[str, dict[str, None]] = {}
    for t in tables:
        for fk in t.foreign_keys:
            if fk.referred_table not in new:
                stubs.setdefault(fk.referred_table, {}).update(dict.fromkeys(fk.referred_columns))
    for name, cols in stubs.items():
        args = [_lit(name), "meta", *(f"sa.Column({_lit(c)})" for c in cols)]
        src.emit("# exists already; described for the foreign keys below")
        src.emit(call("sa.Table", args, 1))
    for t in _sorted_tables(tables):
        pk = t.primary_key.columns if t.primary_key else ()
        targs: list[Any] = [_lit(t.name), "meta"]
        for col in t.columns:
            targs.append(column_source(col, src, primary_key=col.name in pk and len(pk) == 1))
        if len(pk) > 1 or (t.primary_key and t.primary_key.name):
            targs.append(constraint_source(t.primary_key, src))
        for cons in (*t.foreign_keys, *t.uniques, *t.checks):
            targs.append(constraint_source(cons, src))
        unique_names = {u.name for u in t.uniques}
        for ix in t.indexes:
            if ix.duplicates_constraint or (ix.unique and ix.name in unique_names):
                continue
            ix_args = [_lit(ix.name), *(_lit(c) for c in ix.columns)]
            if ix.unique:
                ix_args.append("unique=True")
            targs.append(Call("sa.Index", tuple(ix_args)))
        if t.comment:
            targs.append(f"comment={_lit(t.comment)}")
        if src.dialect == "sqlite" and any(c.autoincrement for c in t.columns):
            targs.append("sqlite_autoincrement=True")
        src.emit(call("sa.Table", targs, 1, ".create(migrate_engine)"))


def _drop_tables(tables: list[TableInfo], src: Source, notes: dict[str, str]) -> None:
    src.emit(call("meta = sa.MetaData", _schema_args(src), 1))
    for t in reversed(_sorted_tables(tables)):
        if t.name in notes:
            src.emit(f"# {notes[t.name]}")
        src.emit(f"sa.Table({_lit(t.name)}, meta).drop(migrate_engine)")


def _enum(c: Change, src: Source) -> None:
    src.imports.add("from migrate.changeset import alter_enum")
    args = [_lit(c.table), f"[{', '.join(_lit(v) for v in c.new)}]", "engine=migrate_engine"]
    src.emit(call("alter_enum", args, 1))


# ---------------------------------------------------------------------------- module

_HEADER = (
    '"""{description}\n\n'
    "Generated by ``changeset script --autogenerate``: review it before running.\n"
    '"""\n'
)


def script_source(
    upgrade: Sequence[Change], downgrade: Sequence[Change], dialect: str, description: str
) -> str:
    """A whole changeset script with ``upgrade`` and ``downgrade``."""
    up = upgrade_body(upgrade, dialect)
    down = upgrade_body(downgrade, dialect)
    imports = sorted(up.imports | down.imports)
    froms = sorted(i for i in imports if i.startswith("from migrate"))
    sa_froms = sorted(i for i in imports if i.startswith("from sqlalchemy"))
    migrate_names = sorted({i.rsplit(" ", 1)[1] for i in froms})
    head = [_HEADER.format(description=description.strip() or "Schema changes")]
    head.append("import sqlalchemy as sa")
    head.extend(sa_froms)
    if migrate_names:
        head.append("")
        joined = ", ".join(migrate_names)
        line = f"from migrate.changeset import {joined}"
        if len(line) > LINE:
            inner = "\n".join(f"{INDENT}{n}," for n in migrate_names)
            line = f"from migrate.changeset import (\n{inner}\n)"
        head.append(line)
    body = [
        "",
        "",
        "def upgrade(migrate_engine):",
        *up.lines,
        "",
        "",
        "def downgrade(migrate_engine):",
        *down.lines,
    ]
    return "\n".join(head + body) + "\n"
