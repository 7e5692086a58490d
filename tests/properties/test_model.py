"""Model-based tests: random sequences of changeset operations against a reference model.

Each example starts from ``p(id)`` (rows 1..3) and ``t(id)`` (no rows) and runs a random
sequence of steps: row inserts, legacy calls (``Column.create/drop``, ``Table.rename``,
constraint ``create()/drop()``) and ``alter_table`` batches, valid and invalid. After every
step the database, reflected, must equal the model: columns (type, nullability, server
default), indexes, unique/check/foreign-key constraints and every row. An invalid step must
raise the error the model names and leave the database exactly as the model (unchanged).

Bind styles vary per step (``engine=``, ``MetaData.bind``, ``bind()`` block, a
Connection in the caller's transaction). On MySQL, where DDL is not transactional, a step
the model knows the *database* will refuse half-way through several statements is skipped
(its outcome is not defined); steps the library must refuse up front are always run.

SQLite without a wired-in rebuild: the model expects ``NotSupportedError`` (and no change)
for every operation SQLite cannot do natively; once the rebuild works they are expected to
succeed. That is detected by a probe, so this file follows the library as it grows.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

import migrate.changeset as cs
from migrate import exceptions as mx
from migrate.changeset import constraint as mc
from tests.properties.model import (
    DATABASE,
    PARENT,
    PARENT_IDS,
    Col,
    Model,
    Refused,
    observe,
)

COLUMNS = ["a", "b", "order", "Mixed"]
INDEXES = ["ix_1", "ix_2"]
UNIQUES = ["uq_1", "uq_2"]
CHECKS = ["ck_1"]
FKS = ["fk_1"]
TABLES = ["t", "t2"]
BINDS = ["engine", "meta", "context", "connection"]
#: steps per example: keeps 200 examples per backend within about a minute on CI
STEPS = 6

INT_VALUES = st.one_of(st.none(), st.integers(-2, 5))
STR_VALUES = st.one_of(st.none(), st.sampled_from(["x", "O'Brien", "ü€", "", "a b", "x"]))

col_specs = st.builds(
    Col,
    type=st.sampled_from(["int", "str20", "str40"]),
    nullable=st.booleans(),
    default=st.none(),
    server_default=st.none(),
)


@st.composite
def new_columns(draw: Any) -> Col:
    type_ = draw(st.sampled_from(["int", "str20"]))
    nullable = draw(st.booleans())
    default = draw(st.sampled_from([None, 3 if type_ == "int" else "pd"]))
    server_default = draw(st.sampled_from([None, "7" if type_ == "int" else "dv"]))
    return Col(type_, nullable, default, server_default)


def sa_column(name: str, col: Col, fk: str | None = None) -> sa.Column[Any]:
    args: list[Any] = []
    if fk:
        args.append(sa.ForeignKey(f"{PARENT}.id", name=fk))
    return sa.Column(
        name,
        col.sa_type(),
        *args,
        nullable=col.nullable,
        default=col.default,
        server_default=col.server_default,
    )


_REBUILD: dict[str, bool] = {}


def sqlite_rebuild_available(engine: sa.Engine) -> bool:
    """Whether SQLite operations that need a table rebuild run (or raise NotSupportedError)."""
    if "sqlite" not in _REBUILD:
        meta = sa.MetaData()
        probe = sa.Table("probe_rebuild", meta, sa.Column("id", sa.Integer, primary_key=True))
        meta.create_all(engine)
        try:
            mc.UniqueConstraint("id", table=probe, name="uq_probe").create(engine=engine)
            _REBUILD["sqlite"] = True
        except mx.NotSupportedError:
            _REBUILD["sqlite"] = False
        meta.drop_all(engine)
    return _REBUILD["sqlite"]


STATS: dict[str, dict[str, float]] = {}


def machine_for(engine: sa.Engine, backend: str) -> type[RuleBasedStateMachine]:
    rebuild = backend != "sqlite" or sqlite_rebuild_available(engine)
    stats = STATS.setdefault(backend, {"examples": 0, "steps": 0, "refused": 0, "skipped": 0})

    class Machine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            stats["examples"] += 1
            with engine.begin() as conn:
                for name in [*TABLES, PARENT]:
                    conn.execute(sa.schema.DropTable(sa.table(name), if_exists=True))
                meta = sa.MetaData()
                parent = sa.Table(
                    PARENT, meta, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)
                )
                sa.Table(
                    "t", meta, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)
                )
                meta.create_all(conn)
                conn.execute(parent.insert(), [{"id": i} for i in PARENT_IDS])
            self.model = Model("t", {"id": Col("int", nullable=False)})
            self.next_id = 1

        # ---- helpers ----------------------------------------------------------------

        def tables(self, conn: sa.Connection, bind_meta: bool) -> sa.Table:
            meta = cs.MetaData(bind=engine) if bind_meta else sa.MetaData()
            sa.Table(PARENT, meta, autoload_with=conn)
            return sa.Table(self.model.name, meta, autoload_with=conn)

        @contextlib.contextmanager
        def bound(self, mode: str) -> Iterator[tuple[sa.Table, dict[str, Any]]]:
            """(a reflected Table, the keyword arguments that pass the bind)."""
            with engine.connect() as conn:
                table = self.tables(conn, bind_meta=mode == "meta")
            if mode == "engine":
                yield table, {"engine": engine}
            elif mode == "meta":
                yield table, {}
            elif mode == "context":
                with cs.bind(engine):
                    yield table, {}
            else:
                with engine.connect() as conn:
                    yield table, {"connection": conn}
                    conn.commit()

        def sqlite_native(self, native: bool) -> None:
            if backend == "sqlite" and not rebuild and not native:
                raise Refused((mx.NotSupportedError,), "SQLite needs a rebuild")

        def step(
            self,
            transition: Callable[[Model], None],
            action: Callable[[], None],
            *,
            multi: bool,
        ) -> None:
            """Apply ``transition`` to a copy of the model, run ``action``, compare."""
            stats["steps"] += 1
            new = self.model.clone()
            refused: Refused | None = None
            try:
                transition(new)
            except Refused as exc:
                refused = exc
            if refused is None:
                action()
                self.model = new
                return
            if not refused.kinds:
                stats["skipped"] += 1
                return  # outside the model (a known bug has its own regression test)
            up_front = all(issubclass(k, mx.Error) for k in refused.kinds)
            if backend == "mysql" and multi and not up_front:
                stats["skipped"] += 1
                return  # MySQL: a database error half-way leaves an undefined state
            stats["refused"] += 1
            with pytest.raises(refused.kinds):
                action()

        @invariant()
        def database_equals_model(self) -> None:
            with engine.connect() as conn:
                names = set(sa.inspect(conn).get_table_names())
                assert names == {PARENT, self.model.name}
                seen = observe(conn, self.model.name, backend)
                assert sorted(r[0] for r in conn.execute(sa.text("SELECT id FROM p"))) == [
                    *PARENT_IDS
                ]
            assert seen == self.model.expected(backend)

        # ---- rules ------------------------------------------------------------------

        @rule(data=st.data())
        def insert_row(self, data: Any) -> None:
            row: dict[str, Any] = {"id": self.next_id}
            for name, col in self.model.columns.items():
                if name == "id":
                    continue
                if name in self.model.fks.values():
                    row[name] = data.draw(st.sampled_from([None, *PARENT_IDS]))
                else:
                    row[name] = data.draw(INT_VALUES if col.type == "int" else STR_VALUES)
            self.next_id += 1

            def transition(m: Model) -> None:
                for name, col in m.columns.items():
                    if row[name] is None and not col.nullable:
                        raise Refused(DATABASE, f"NULL in {name}")
                for key in [*m.uniques.values(), *(c for c, u in m.indexes.values() if u)]:
                    if row[key] is not None and any(r[key] == row[key] for r in m.rows):
                        raise Refused(DATABASE, f"duplicate {key}")
                for key in m.checks.values():
                    if row[key] is not None and row[key] < 0:
                        raise Refused(DATABASE, f"check on {key}")
                m.rows.append(dict(row))

            target = sa.table(self.model.name, *[sa.column(c) for c in row])

            def action() -> None:
                with engine.begin() as conn:
                    conn.execute(target.insert().values(row))

            self.step(transition, action, multi=False)

        @rule(
            name=st.sampled_from(COLUMNS),
            col=new_columns(),
            index=st.sampled_from([None, *INDEXES]),
            unique=st.sampled_from([None, *UNIQUES]),
            fk=st.sampled_from([None, *FKS]),
            mode=st.sampled_from(BINDS),
        )
        def create_column(
            self,
            name: str,
            col: Col,
            index: str | None,
            unique: str | None,
            fk: str | None,
            mode: str,
        ) -> None:
            if fk and (col.type != "int" or index or unique or col.default or col.server_default):
                fk = None

            def transition(m: Model) -> None:
                m.add_column(name, col, index=index, unique=unique)
                if fk:
                    m.add_fk(fk, name, sqlite=backend == "sqlite")
                native = not unique and not fk and (col.nullable or col.server_default is not None)
                self.sqlite_native(native)

            def action() -> None:
                with self.bound(mode) as (table, kw):
                    sa_column(name, col, fk).create(
                        table, index_name=index, unique_name=unique, **kw
                    )

            self.step(
                transition, action, multi=bool(index or unique or fk) or col.default is not None
            )

        @rule(name=st.sampled_from(COLUMNS), mode=st.sampled_from(BINDS))
        def drop_column(self, name: str, mode: str) -> None:
            def transition(m: Model) -> None:
                key = m.key(name)
                m.drop_column(name)
                self.sqlite_native(not self.model.objects_on(key or name))

            def action() -> None:
                with self.bound(mode) as (table, kw):
                    table.drop_column(name, **kw)

            self.step(transition, action, multi=True)

        @rule(new=st.sampled_from([*TABLES, PARENT]), mode=st.sampled_from(BINDS))
        def rename_table(self, new: str, mode: str) -> None:
            def transition(m: Model) -> None:
                if new == m.name:
                    raise Refused((mx.DuplicateObjectError,), "rename onto itself")
                if new == PARENT:
                    raise Refused((mx.DuplicateObjectError,), "rename onto p")
                m.name = new

            def action() -> None:
                with self.bound(mode) as (table, kw):
                    table.rename(new, **kw)

            self.step(transition, action, multi=False)

        @rule(
            kind=st.sampled_from(["unique", "check", "fk"]),
            column=st.sampled_from(COLUMNS),
            mode=st.sampled_from(BINDS),
            drop=st.booleans(),
            data=st.data(),
        )
        def legacy_constraint(
            self, kind: str, column: str, mode: str, drop: bool, data: Any
        ) -> None:
            pool = {"unique": UNIQUES, "check": CHECKS, "fk": FKS}[kind]
            name = data.draw(st.sampled_from(pool))
            if drop:
                known = {**self.model.uniques, **self.model.checks, **self.model.fks}
                column = known.get(name, "id")
            key = self.model.key(column)
            col = self.model.columns.get(key) if key else None
            if not drop and kind == "check" and col is None:
                return  # SQLite reads an unknown "name" in CHECK as a string literal
            if not drop and col is not None:
                if kind in ("check", "fk") and col.type != "int":
                    return
                if kind == "fk" and any(
                    n for n in self.model.objects_on(key or "") if not n.startswith("ck")
                ):
                    return
                if kind == "unique" and key in self.model.fks.values():
                    return

            def transition(m: Model) -> None:
                if drop:
                    m.drop_constraint(name)
                elif kind == "unique":
                    m.add_unique(name, column)
                elif kind == "check":
                    m.add_check(name, column)
                else:
                    m.add_fk(name, column, sqlite=backend == "sqlite")
                self.sqlite_native(False)

            def action() -> None:
                with self.bound(mode) as (table, kw):
                    quoted = engine.dialect.identifier_preparer.quote(column)
                    cons: sa.Constraint
                    if kind == "unique":
                        cons = mc.UniqueConstraint(column, table=table, name=name)
                    elif kind == "check":
                        cons = mc.CheckConstraint(
                            sa.literal_column(quoted) >= 0, name=name, table=table
                        )
                    else:
                        cons = mc.ForeignKeyConstraint(
                            [column], [f"{PARENT}.id"], name=name, table=table
                        )
                    if drop:
                        cons.drop(**kw)
                    else:
                        cons.create(**kw)

            self.step(transition, action, multi=False)

        @rule(data=st.data(), mode=st.sampled_from(BINDS), rename=st.booleans())
        def legacy_alter(self, data: Any, mode: str, rename: bool) -> None:
            """``Column.alter(...)`` on a known column, ``alter_column(name, table=...)`` else."""
            if not hasattr(sa.Column, "alter"):
                return
            call = self.draw_batch_op(7, data, self.model)
            if call is None:
                return
            column = call[1][0]
            changes = dict(call[2])
            key = self.model.key(column)
            if rename and key is not None and key != "id":
                changes = {"name": data.draw(st.sampled_from(COLUMNS))}

            def transition(m: Model) -> None:
                if "name" in changes:
                    if m.key(column) is not None and column == changes["name"]:
                        return
                    m.rename_column(column, changes["name"])
                    return
                m.alter_column(column, **changes)
                self.sqlite_native(False)

            def action() -> None:
                kw_changes = dict(changes)
                if "type" in kw_changes:
                    kw_changes["type"] = Col(kw_changes["type"]).sa_type()
                with self.bound(mode) as (table, kw):
                    if key is not None and key in table.c:
                        table.c[key].alter(**kw_changes, **kw)
                    else:
                        cs.alter_column(column, table=table, **kw_changes, **kw)

            self.step(transition, action, multi=True)

        @rule(
            ops=st.lists(st.tuples(st.integers(0, 7), st.data()), min_size=1, max_size=3),
            mode=st.sampled_from(["engine", "context", "connection", "table"]),
        )
        def batch(self, ops: list[tuple[int, Any]], mode: str) -> None:
            calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
            # draw the sub-operations against the model as it would be
            probe = self.model.clone()
            for kind, data in ops:
                call = self.draw_batch_op(kind, data, probe)
                if call is None:
                    continue
                calls.append(call)
                with contextlib.suppress(Refused):
                    self.apply_batch_op(probe, call)
            if not calls:
                return

            def transition(m: Model) -> None:
                refusals: list[Refused] = []
                natives: list[bool] = []
                for at, call in enumerate(calls):
                    natives.append(self.batch_native(m, call))
                    try:
                        self.apply_batch_op(m, call)
                    except Refused as exc:
                        if exc.why == "NULLs in NOT NULL" and any(
                            later[1][0].lower() == call[1][0].lower() for later in calls[at + 1 :]
                        ):
                            # a later call alters, renames or drops the column again: the
                            # batch applies the net change (PostgreSQL merges back-to-back
                            # alters, a SQLite rebuild builds the final table), which may
                            # never set NOT NULL on its NULLs
                            raise Refused((), "NOT NULL changed again in the batch") from None
                        refusals.append(exc)
                renamed_from: set[str] = set()
                for method, args, _kw in calls:
                    if method == "add_column" and args[0].lower() in renamed_from:
                        if backend != "sqlite":
                            raise Refused((), "add reusing a renamed name: regressions")
                    if method == "rename_column":
                        renamed_from.add(args[0].lower())
                if backend == "sqlite" and not rebuild and not all(natives):
                    refusals.append(Refused((mx.NotSupportedError,), "rebuild"))
                if any(not r.kinds for r in refusals):
                    raise Refused((), "outside the model")
                if refusals:
                    up_front = [
                        r for r in refusals if all(issubclass(k, mx.Error) for k in r.kinds)
                    ]
                    chosen = up_front or refusals
                    kinds = tuple({k for r in chosen for k in r.kinds})
                    raise Refused(kinds, "; ".join(r.why for r in refusals))

            def action() -> None:
                with self.bound("engine" if mode == "table" else mode) as (table, kw):
                    target: Any = table if mode == "table" else self.model.name
                    if mode == "table":
                        kw = {}
                        table.metadata.bind = engine  # type: ignore[attr-defined]
                    with cs.alter_table(target, **kw) as b:
                        adapter = _Adapter(b, engine.dialect)
                        for method, args, kwargs in calls:
                            getattr(adapter, method)(*args, **kwargs)

            self.step(transition, action, multi=True)

        # ---- batch sub-operations ---------------------------------------------------

        def draw_batch_op(
            self, kind: int, data: Any, m: Model
        ) -> tuple[str, tuple[Any, ...], dict[str, Any]] | None:
            names = list(m.columns)[1:] + COLUMNS
            if kind == 0:
                name = data.draw(st.sampled_from(COLUMNS))
                col = data.draw(new_columns())
                return "add_column", (name, col), {}
            if kind == 1:
                return "drop_column", (data.draw(st.sampled_from(names)),), {}
            if kind == 2:
                old = data.draw(st.sampled_from(names))
                return "rename_column", (old, data.draw(st.sampled_from(COLUMNS))), {}
            if kind == 3:
                name = data.draw(st.sampled_from(INDEXES))
                column = data.draw(st.sampled_from(names))
                key = m.key(column)
                if key in m.fks.values():
                    return None
                return "create_index", (name, column), {"unique": data.draw(st.booleans())}
            if kind == 4:
                return "drop_index", (data.draw(st.sampled_from(INDEXES)),), {}
            if kind == 5:
                name = data.draw(st.sampled_from(UNIQUES + CHECKS))
                column = data.draw(st.sampled_from(names))
                key = m.key(column)
                if key is None:
                    return None
                if name.startswith("ck") and m.columns[key].type != "int":
                    return None
                if name.startswith("uq") and key in m.fks.values():
                    return None
                return "add_constraint", (name, column), {}
            if kind == 6:
                return "drop_constraint", (data.draw(st.sampled_from(UNIQUES + CHECKS + FKS)),), {}
            column = data.draw(st.sampled_from(names))
            key = m.key(column)
            change = data.draw(st.sampled_from(["nullable", "server_default", "type"]))
            if key is None or key == "id":
                return "alter_column", (column,), {"nullable": True}
            col = m.columns[key]
            if change == "nullable":
                return "alter_column", (column,), {"nullable": not col.nullable}
            if change == "server_default":
                value = None if col.server_default else ("7" if col.type == "int" else "dv")
                return "alter_column", (column,), {"server_default": value}
            if key in m.checks.values() or key in m.fks.values():
                return None
            new_type = data.draw(st.sampled_from(["str20", "str40"]))
            if new_type == col.type:
                return None
            return "alter_column", (column,), {"type": new_type}

        def batch_native(self, m: Model, call: tuple[str, tuple[Any, ...], dict[str, Any]]) -> bool:
            method, args, _kw = call
            if method == "add_column":
                col = args[1]
                return bool(col.nullable or col.server_default is not None)
            if method == "drop_column":
                key = m.key(args[0])
                return key is None or not m.objects_on(key)
            return method in ("rename_column", "create_index", "drop_index")

        def apply_batch_op(
            self, m: Model, call: tuple[str, tuple[Any, ...], dict[str, Any]]
        ) -> None:
            method, args, kw = call
            if method == "add_column":
                m.add_column(args[0], args[1])
            elif method == "drop_column":
                m.drop_column(args[0])
            elif method == "rename_column":
                if m.key(args[0]) is not None and args[0] == args[1]:
                    return
                m.rename_column(*args)
            elif method == "create_index":
                m.create_index(args[0], args[1], kw["unique"])
            elif method == "drop_index":
                m.drop_index(args[0])
            elif method == "add_constraint":
                if args[0].startswith("uq"):
                    m.add_unique(*args)
                else:
                    m.add_check(*args)
            elif method == "drop_constraint":
                m.drop_constraint(args[0])
            else:
                changes = dict(kw)
                key = m.key(args[0])
                if key is not None and "type" in changes:
                    pass
                m.alter_column(args[0], **changes)

    return Machine


class _Adapter:
    """Wraps the batch object: model-level arguments -> SQLAlchemy objects."""

    def __init__(self, batch: Any, dialect: sa.engine.Dialect) -> None:
        self.batch = batch
        self.dialect = dialect

    def add_column(self, name: str, col: Col) -> None:
        self.batch.add_column(sa_column(name, col))

    def drop_column(self, name: str) -> None:
        self.batch.drop_column(name)

    def rename_column(self, old: str, new: str) -> None:
        self.batch.rename_column(old, new)

    def create_index(self, name: str, column: str, unique: bool = False) -> None:
        self.batch.create_index(name, column, unique=unique)

    def drop_index(self, name: str) -> None:
        self.batch.drop_index(name)

    def add_constraint(self, name: str, column: str) -> None:
        if name.startswith("uq"):
            self.batch.add_constraint(sa.UniqueConstraint(column, name=name))
        else:
            quoted = self.dialect.identifier_preparer.quote(column)
            self.batch.add_constraint(sa.CheckConstraint(f"{quoted} >= 0", name=name))

    def drop_constraint(self, name: str) -> None:
        self.batch.drop_constraint(name)

    def alter_column(self, name: str, **changes: Any) -> None:
        if "type" in changes:
            changes["type"] = Col(changes["type"]).sa_type()
        self.batch.alter_column(name, **changes)


def test_random_operation_sequences(engine: sa.Engine, backend_name: str) -> None:
    machine = machine_for(engine, backend_name)
    started = time.monotonic()
    run_state_machine_as_test(
        machine,
        settings=settings(
            settings.default,
            stateful_step_count=STEPS,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    stats = STATS[backend_name]
    print(
        f"\n{backend_name}: {stats['examples']:.0f} examples, {stats['steps']:.0f} steps, "
        f"{stats['refused']:.0f} refused as predicted, {stats['skipped']:.0f} skipped, "
        f"{time.monotonic() - started:.1f}s"
    )
    assert stats["examples"] >= settings.default.max_examples
