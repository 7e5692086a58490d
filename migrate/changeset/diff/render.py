"""Changes -> Python source in the changeset API, as a person would write it.

The body of ``upgrade(migrate_engine)``: renamed tables, new tables (``Table(...).create``),
one ``alter_table`` batch per table with its changes in a safe order, dropped tables; on
PostgreSQL and MySQL foreign keys are dropped first and added last, in batches of their
own, so no statement meets a foreign key that is about to change. The source is laid out
the way ``ruff format`` lays it out.

The body is built as data first (:class:`Call`, :class:`Kw`, :class:`Ref` and the
statements :class:`Do`, :class:`Assign`, :class:`With`, :class:`Comment`), then either
written as source (:meth:`Source.lines`) or run (:func:`run`): the calls a script makes,
resolved in the names its imports bind, so what runs is what the script says.
"""

from __future__ import annotations

import importlib
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


@dataclass(frozen=True)
class Ref:
    """A name the script binds: ``migrate_engine``, ``meta``."""

    path: str


@dataclass(frozen=True)
class Kw:
    """A keyword argument."""

    key: str
    value: Any


@dataclass(frozen=True)
class Call:
    """``head(args)``, optionally followed by ``.method(margs)`` on its result. ``head``
    is a dotted name the script binds; arguments are Python literals, lists of them,
    :class:`Ref`, :class:`Kw` and nested calls."""

    head: str
    args: tuple[Any, ...] = ()
    method: str | None = None
    margs: tuple[Any, ...] = ()

    def flat(self) -> str:
        return f"{self.head}({', '.join(_flat(a) for a in self.args)}){self.suffix()}"

    def suffix(self) -> str:
        if self.method is None:
            return ""
        return f".{self.method}({', '.join(_flat(a) for a in self.margs)})"


@dataclass(frozen=True)
class Do:
    """A call made for its effect."""

    call: Call


@dataclass(frozen=True)
class Assign:
    name: str
    call: Call


@dataclass(frozen=True)
class With:
    """``with call as name:`` and its body."""

    call: Call
    name: str
    body: tuple[Any, ...]


@dataclass(frozen=True)
class Comment:
    text: str


ENGINE = Ref("migrate_engine")


@dataclass
class Source:
    """The statements of a function body plus the imports they need."""

    body: list[Any] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    #: the schema every change is in (None: the default schema)
    schema: str | None = None
    #: the dialect the script is written for
    dialect: str = ""

    @property
    def schema_kw(self) -> list[Kw]:
        """``schema="x"`` when not the default schema."""
        return [Kw("schema", self.schema)] if self.schema else []

    @property
    def lines(self) -> list[str]:
        out: list[str] = []
        for stmt in self.body:
            _write(stmt, 1, out)
        if all(isinstance(stmt, Comment) for stmt in self.body):
            out.append(INDENT + "pass")  # a body of remarks only
        return out


def _write(stmt: Any, depth: int, out: list[str]) -> None:
    pad = INDENT * depth
    match stmt:
        case Comment():
            text = f"# {stmt.text}"
        case Do():
            text = call(stmt.call.head, stmt.call.args, depth, stmt.call.suffix())
        case Assign():
            text = call(f"{stmt.name} = {stmt.call.head}", stmt.call.args, depth)
        case With():
            out.append(f"{pad}with {stmt.call.flat()} as {stmt.name}:")
            for inner in stmt.body:
                _write(inner, depth + 1, out)
            return
        case _:
            raise TypeError(f"not a statement: {stmt!r}")
    out.extend(pad + line if line else "" for line in text.split("\n"))


# ---------------------------------------------------------------------------- running


def namespace(imports: Iterable[str], bind: Any) -> dict[str, Any]:
    """The names a script's imports bind (``from a import b`` forms, and ``sa``), plus
    ``migrate_engine``."""
    names: dict[str, Any] = {"sa": sa, "migrate_engine": bind}
    for line in imports:
        _from, module, _import, name = line.split()
        found = importlib.import_module(module)
        names[name] = (
            getattr(found, name)
            if hasattr(found, name)
            else importlib.import_module(f"{module}.{name}")
        )
    return names


def run(src: Source, bind: Any) -> None:
    """Make the calls of ``src``'s body, as the script it writes would."""
    names = namespace(src.imports, bind)
    for stmt in src.body:
        _run(stmt, names)


def _run(stmt: Any, names: dict[str, Any]) -> None:
    match stmt:
        case Comment():
            return
        case Do():
            _value(stmt.call, names)
        case Assign():
            names[stmt.name] = _value(stmt.call, names)
        case With():
            with _value(stmt.call, names) as bound:
                names[stmt.name] = bound
                for inner in stmt.body:
                    _run(inner, names)
        case _:
            raise TypeError(f"not a statement: {stmt!r}")


def _resolve(path: str, names: dict[str, Any]) -> Any:
    first, *rest = path.split(".")
    found = names[first]
    for attr in rest:
        found = getattr(found, attr)
    return found


def _value(v: Any, names: dict[str, Any]) -> Any:
    match v:
        case Ref():
            return _resolve(v.path, names)
        case Call():
            result = _apply(_resolve(v.head, names), v.args, names)
            if v.method is not None:
                result = _apply(getattr(result, v.method), v.margs, names)
            return result
        case list():
            return [_value(x, names) for x in v]
    return v


def _apply(fn: Any, args: tuple[Any, ...], names: dict[str, Any]) -> Any:
    positional = [_value(a, names) for a in args if not isinstance(a, Kw)]
    keywords = {a.key: _value(a.value, names) for a in args if isinstance(a, Kw)}
    return fn(*positional, **keywords)


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


def type_source(t: sa.types.TypeEngine[Any], src: Source) -> Call:
    """A type as a constructor call: ``sa.String(length=50)``, ``postgresql.JSONB()``."""
    if isinstance(t, sa.types.TypeDecorator):
        t = t.impl_instance
    cls = type(t)
    if isinstance(t, sa.Enum):
        args: list[Any] = list(t.enums)
        if t.name:
            args.append(Kw("name", t.name))
        if not t.native_enum:
            args.append(Kw("native_enum", False))
        if t.create_constraint:
            args.append(Kw("create_constraint", True))
        if t.length and not t.native_enum and t.length != max(len(e) for e in t.enums):
            args.append(Kw("length", t.length))
        return Call(_prefix(cls, src), tuple(args))
    return Call(_prefix(cls, src), tuple(_type_args(t, src)))


def _prefix(cls: type, src: Source) -> str:
    name = cls.__name__
    if getattr(sa.types, name, None) is cls or getattr(sa, name, None) is cls:
        return f"sa.{name}"
    module = cls.__module__
    if module.startswith("sqlalchemy.dialects."):
        dialect = module.split(".")[2]
        pkg = importlib.import_module(f"sqlalchemy.dialects.{dialect}")
        if getattr(pkg, name, None) is cls:
            src.imports.add(f"from sqlalchemy.dialects import {dialect}")
            return f"{dialect}.{name}"
    raise TypeError(f"cannot write {cls.__module__}.{name} in a script")


def _type_args(t: sa.types.TypeEngine[Any], src: Source) -> list[Kw]:
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
            args.append(Kw(p.name, type_source(value, src)))
            continue
        if value is default or (default is not p.empty and value == default):
            continue
        if isinstance(value, (str, int, float, bool)) or value is None:
            if value is None and default is p.empty:
                continue
            args.append(Kw(p.name, value))
    return args


def _text(sql: str) -> Call:
    return Call("sa.text", (sql,))


def column_source(col: ColumnInfo, src: Source, *, primary_key: bool = False) -> Call:
    args: list[Any] = [col.name, type_source(col.type, src)]
    if col.identity:
        args.append(Call("sa.Identity"))
    if primary_key:
        args.append(Kw("primary_key", True))
        if not col.autoincrement:
            args.append(Kw("autoincrement", False))
    if not col.nullable and not primary_key:
        args.append(Kw("nullable", False))
    if col.default is not None and not _is_serial_default(col):
        args.append(Kw("server_default", _text(col.default)))
    if col.comment:
        args.append(Kw("comment", col.comment))
    return Call("sa.Column", tuple(args))


def _is_serial_default(col: ColumnInfo) -> bool:
    return bool(col.autoincrement or col.identity) and col.sequence_default


def constraint_source(obj: Any, src: Source) -> Call:
    name = (Kw("name", obj.name),) if obj.name else ()
    match obj:
        case PrimaryKeyInfo():
            return Call("sa.PrimaryKeyConstraint", (*obj.columns, *name))
        case UniqueInfo():
            return Call("sa.UniqueConstraint", (*obj.columns, *name))
        case CheckInfo():
            return Call("sa.CheckConstraint", (obj.sqltext, *name))
        case ForeignKeyInfo():
            prefix = f"{obj.referred_schema}." if obj.referred_schema else ""
            refs = [f"{prefix}{obj.referred_table}.{c}" for c in obj.referred_columns]
            extra = tuple(
                Kw(k, v) for k, v in (("ondelete", obj.ondelete), ("onupdate", obj.onupdate)) if v
            )
            return Call("sa.ForeignKeyConstraint", (list(obj.columns), refs, *name, *extra))
    raise TypeError(f"not a constraint: {obj!r}")


# ---------------------------------------------------------------------------- layout


def _flat(arg: Any) -> str:
    """A value as source text."""
    match arg:
        case Call():
            return arg.flat()
        case Kw():
            return f"{arg.key}={_flat(arg.value)}"
        case Ref():
            return arg.path
        case list():
            return f"[{', '.join(_flat(a) for a in arg)}]"
    return _lit(arg)


def call(head: str, args: Sequence[Any], depth: int, suffix: str = "") -> str:
    """``head(args)`` on one line, or one argument per line with a trailing comma (which
    ruff format keeps exploded), nested calls exploded in turn when still too long."""
    one = f"{head}({', '.join(_flat(a) for a in args)}){suffix}"
    if len(INDENT * depth) + len(one) <= LINE or not args:
        return one
    inner = []
    for a in args:
        text = call(a.head, a.args, depth + 1, a.suffix()) if isinstance(a, Call) else _flat(a)
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
    return src


def _rename(c: Change, src: Source) -> None:
    src.imports.add("from migrate.changeset import rename_table")
    args = [c.old, c.new, *src.schema_kw, Kw("engine", ENGINE)]
    src.body.append(Do(Call("rename_table", tuple(args))))


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
    body: list[Any] = []
    after: list[Any] = []
    done_alters: set[str] = set()
    # alters run after renames: a column renamed away is altered by its new name
    moved = {c.old: c.new for c in ordered if c.what == "rename_column"}

    def t(method: str, *args: Any) -> None:
        body.append(Do(Call(f"t.{method}", args)))

    for c in ordered:
        if c.note:
            body.append(Comment(c.note))
        match c.what:
            case "drop_index":
                t("drop_index", c.old.name)
            case "add_index":
                unique = (Kw("unique", True),) if c.new.unique else ()
                t("create_index", c.new.name, *c.new.columns, *unique)
            case "drop_constraint":
                if c.old.name and isinstance(c.old, UniqueInfo | CheckInfo):
                    t("drop_constraint", c.old.name)
                else:
                    # by definition: a primary key, an unnamed constraint, and a foreign
                    # key (MySQL renames its <table>_ibfk_N keys with the table)
                    t("drop_constraint", constraint_source(replace(c.old, name=None), src))
            case "add_constraint":
                t("add_constraint", constraint_source(c.new, src))
            case "rename_column":
                t("rename_column", c.old, c.new)
            case "add_column":
                t("add_column", column_source(c.new, src))
            case "drop_column":
                t("drop_column", c.old.name)
            case "alter_column":
                name = c.new.name
                if name in done_alters:
                    continue
                done_alters.add(name)
                args: list[Any] = [moved.get(name, name)]
                for a in (x for x in ordered if x.what == "alter_column" and x.new.name == name):
                    if a.attribute == "comment":
                        after.append(_comment(table, moved.get(name, name), a.new.comment, src))
                    else:
                        args.extend(_alter_args(a, src))
                if len(args) > 1:
                    t("alter_column", *args)
                elif any(
                    a.what == "alter_column"
                    and a.attribute == "autoincrement"
                    and a.new.name == name
                    for a in ordered
                ):
                    body.append(Comment(f"{name} stays an identity column (it generates the ids)"))
            case "alter_table_comment":
                after.append(_comment(table, None, c.new, src))
    if any(isinstance(stmt, Do) for stmt in body):
        head = Call("alter_table", (table, *src.schema_kw, Kw("engine", ENGINE)))
        src.body.append(With(head, "t", tuple(body)))
    else:  # only remarks: no batch to run
        src.body.extend(body)
    src.body.extend(after)


def _comment(table: str, column: str | None, comment: str | None, src: Source) -> Do:
    src.imports.add("from migrate.changeset import set_comment")
    args = [table, column, comment, *src.schema_kw, Kw("engine", ENGINE)]
    return Do(Call("set_comment", tuple(args)))


def _alter_args(c: Change, src: Source) -> list[Kw]:
    col: ColumnInfo = c.new
    match c.attribute:
        case "type":
            return [Kw("type", type_source(col.type, src))]
        case "nullable":
            return [Kw("nullable", col.nullable)]
        case "default":
            if col.default is None:
                return [Kw("server_default", None)]
            return [Kw("server_default", _text(col.default))]
        case "autoincrement":
            return _autoincrement_args(c.old, col)
    raise ValueError(c.attribute)


def _autoincrement_args(old: ColumnInfo, new: ColumnInfo) -> list[Kw]:
    """``autoincrement=True/False``; PostgreSQL: a serial becomes an identity column by
    dropping its ``nextval()`` default in the same alter. An identity where a serial was
    (a downgrade) stays: both generate the values, and the comparison accepts either."""
    if not (new.autoincrement or new.identity):
        return [Kw("autoincrement", False)]
    if old.identity:
        return []
    if _is_serial_default(old):
        if new.identity:
            return [Kw("server_default", None), Kw("autoincrement", True)]
        return []
    return [Kw("autoincrement", True)]


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
    meta = Ref("meta")
    src.body.append(Assign("meta", Call("sa.MetaData", tuple(src.schema_kw))))
    new = {t.name for t in tables}
    # tables the new ones refer to that exist already: described just enough for the FKs
    stubs: dict[str, dict[str, None]] = {}
    for t in tables:
        for fk in t.foreign_keys:
            if fk.referred_table not in new:
                stubs.setdefault(fk.referred_table, {}).update(dict.fromkeys(fk.referred_columns))
    for name, cols in stubs.items():
        src.body.append(Comment("exists already; described for the foreign keys below"))
        columns = (Call("sa.Column", (c,)) for c in cols)
        src.body.append(Do(Call("sa.Table", (name, meta, *columns))))
    for t in _sorted_tables(tables):
        pk = t.primary_key.columns if t.primary_key else ()
        targs: list[Any] = [t.name, meta]
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
            unique = (Kw("unique", True),) if ix.unique else ()
            targs.append(Call("sa.Index", (ix.name, *ix.columns, *unique)))
        if t.comment:
            targs.append(Kw("comment", t.comment))
        if src.dialect == "sqlite" and any(c.autoincrement for c in t.columns):
            targs.append(Kw("sqlite_autoincrement", True))
        src.body.append(Do(Call("sa.Table", tuple(targs), "create", (ENGINE,))))


def _drop_tables(tables: list[TableInfo], src: Source, notes: dict[str, str]) -> None:
    src.body.append(Assign("meta", Call("sa.MetaData", tuple(src.schema_kw))))
    for t in reversed(_sorted_tables(tables)):
        if t.name in notes:
            src.body.append(Comment(notes[t.name]))
        src.body.append(Do(Call("sa.Table", (t.name, Ref("meta")), "drop", (ENGINE,))))


def _enum(c: Change, src: Source) -> None:
    src.imports.add("from migrate.changeset import alter_enum")
    args = (c.table, list(c.new), Kw("engine", ENGINE))
    src.body.append(Do(Call("alter_enum", args)))


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
