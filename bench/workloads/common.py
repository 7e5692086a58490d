"""What every workload shares: tools, trials, statement counting, fingerprints, the loop."""

from __future__ import annotations

import gc
import statistics
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlparse
from sqlalchemy import event

from migrate.exceptions import NotSupportedError

try:  # Alembic is a bench-only extra (pip install -e '.[bench]'), never a runtime dependency
    import alembic  # noqa: F401

    HAVE_ALEMBIC = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_ALEMBIC = False

FLOOR, RAW, OURS, ALEMBIC = "floor", "raw", "ours", "alembic"


class Counter:
    """Statements sent to the driver (``before_cursor_execute``) and table copies.

    ``round_trips`` counts executes; ``statements`` the SQL statements in them (a driver
    that runs several ``;``-separated statements at once gets them in one execute).

    A table copy is a ``CREATE TABLE`` followed by ``INSERT ... SELECT`` into it (what every
    SQLite rebuild does once; a copy made in several rowid chunks counts once).
    Records only while ``active``, so setup and checks are not counted; while timed it
    only keeps the SQL text: :meth:`count` splits and classifies it afterwards (splitting
    with sqlparse costs more than some of the operations measured).
    """

    def __init__(self) -> None:
        self.active = False
        self.sent: list[str] = []
        self.reset()

    def attach(self, engine: sa.Engine) -> None:
        if not event.contains(engine, "before_cursor_execute", self._on):
            event.listen(engine, "before_cursor_execute", self._on)

    def reset(self) -> None:
        self.sent = []
        self.statements = 0
        self.round_trips = 0
        self.copies = 0
        self.changes = 0
        self.log: list[str] = []

    def _on(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.active:
            self.sent.append(statement)

    def count(self) -> None:
        """Fill the counts from the SQL recorded since :meth:`reset`."""
        sent = self.sent
        self.reset()
        created = False
        for statement in sent:
            self.round_trips += 1
            parts = sqlparse.split(statement) if ";" in statement else [statement]
            for part in parts:
                self.statements += 1
                flat = " ".join(part.rstrip(";").split()).upper()
                self.log.append(flat)
                if flat.startswith("CREATE TABLE"):
                    created = True
                elif flat.startswith("INSERT") and " SELECT " in flat and created:
                    self.copies += 1  # later chunks of the same copy (rowid ranges): once
                    created = False
                if not flat.startswith(_READS):
                    self.changes += 1


#: statements that read or manage the transaction; everything else changes something
_READS = (
    "SELECT",
    "SHOW",
    "PRAGMA",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "SET ",
    "WITH",
    "DESCRIBE",
)


@dataclass
class Trial:
    """One run of one tool on fresh data."""

    engine: sa.Engine | None
    counter: Counter
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Tool:
    name: str
    kind: str  # FLOOR, RAW, OURS or ALEMBIC
    run: Callable[[Trial], str | None]  # timed; may return a note
    #: counted operations, for ops/s and per-operation overhead notes (0: none)
    ops: int = 0


@dataclass
class Workload:
    key: str
    title: str
    tools: list[Tool]
    setup: Callable[[], Trial]  # fresh data; not timed, not counted
    check: Callable[[Trial], Any]  # fingerprint of the result: schema + row checksum
    teardown: Callable[[Trial], None] = lambda trial: None
    #: extra note per run after the tool ran (e.g. PostgreSQL rewrite yes/no)
    inspect: Callable[[Trial], str | None] = lambda trial: None
    skip: str | None = None
    #: statements are counted from the rendered output instead of the driver
    offline: bool = False
    #: "ratio" column: median / floor median (False: ops/s in the notes instead)
    per_op_notes: bool = False
    #: at least this many runs, whatever ``--runs`` says: a change of a few milliseconds
    #: needs more than three for a median the machine's noise does not decide
    min_runs: int = 3


@dataclass
class Row:
    workload: str
    tool: str
    kind: str
    times: list[float] = field(default_factory=list)
    statements: int | None = None
    changes: int | None = None
    round_trips: int | None = None
    copies: int | None = None
    correct: bool | None = None
    notes: list[str] = field(default_factory=list)
    status: str = ""  # "", "not available yet", "error: ...", "skipped: ..."
    ops: int = 0

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None


def run_workload(
    w: Workload, runs: int, *, verbose: bool = False, no_gc: bool = False
) -> list[Row]:
    """Every tool ``runs`` times, round robin (drift of the machine hits all alike).

    A full garbage collection before each run (not timed), so that no run pays for
    collecting the garbage of earlier ones; ``no_gc``: the collector off while timed."""
    if w.skip:
        return [Row(w.key, "-", "-", status=f"skipped: {w.skip}")]
    rows = {t.name: Row(w.key, t.name, t.kind, ops=t.ops) for t in w.tools}
    reference: Any = None
    for _ in range(max(runs, w.min_runs)):
        for tool in w.tools:
            row = rows[tool.name]
            if row.status:
                continue  # failed or not available: do not repeat
            trial = w.setup()
            try:
                gc.collect()  # every run starts from the same heap: no garbage of earlier ones
                trial.counter.reset()
                trial.counter.active = True
                if no_gc:
                    gc.disable()
                start = time.perf_counter()
                try:
                    note = tool.run(trial)
                except NotSupportedError as exc:
                    row.status = "not available yet"
                    row.notes.append(_short(exc))
                    continue
                except Exception as exc:  # reported in the table, never hidden
                    row.status = "error"
                    row.correct = False
                    row.notes.append(_short(exc))
                    if verbose:
                        traceback.print_exc()
                    continue
                finally:
                    elapsed = time.perf_counter() - start
                    trial.counter.active = False
                    if no_gc:
                        gc.enable()
                row.times.append(elapsed)
                if not w.offline:
                    trial.counter.count()
                    row.statements = trial.counter.statements
                    row.changes = trial.counter.changes
                    row.round_trips = trial.counter.round_trips
                    row.copies = trial.counter.copies
                if verbose:
                    print(f"  {w.key} {tool.name}: {elapsed:.3f}s", flush=True)
                for extra in (note, w.inspect(trial)):
                    if extra and extra not in row.notes:
                        row.notes.append(extra)
                fp = w.check(trial)
                if w.offline:
                    row.statements = int(trial.data.get("statements", 0))
                if tool.kind == FLOOR and reference is None:
                    reference = fp
                if fp is None:
                    continue  # not checkable here (said in the notes)
                ok = fp == reference
                if not ok and verbose:
                    print(f"  {w.key} {tool.name} differs:\n    {fp}\n    {reference}")
                row.correct = ok if row.correct is None else (row.correct and ok)
            finally:
                w.teardown(trial)
    return list(rows.values())


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:140]}"


# ---------------------------------------------------------------------------- fingerprints


def fingerprint(conn: sa.Connection, tables: Sequence[str]) -> tuple[Any, ...]:
    """Schema (columns, types, nullability, defaults, indexes, unique, FKs) + row checksum.

    The checksum is order independent: per column count, sum of text lengths and, for
    integer columns, the sum; cheap enough for a million rows.
    """
    insp = sa.inspect(conn)
    out: list[Any] = []
    for name in tables:
        cols = insp.get_columns(name)
        schema = (
            name,
            tuple(
                (c["name"], _type(c["type"]), bool(c["nullable"]), _default(c.get("default")))
                for c in cols
            ),
            tuple(
                sorted(
                    (str(i["name"]), tuple(map(str, i["column_names"])), bool(i["unique"]))
                    for i in insp.get_indexes(name)
                )
            ),
            tuple(
                sorted(
                    (str(u["name"]), tuple(u["column_names"]))
                    for u in insp.get_unique_constraints(name)
                )
            ),
            tuple(
                sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in insp.get_foreign_keys(name)
                )
            ),
        )
        table = sa.table(name, *[sa.column(c["name"]) for c in cols])
        exprs: list[Any] = [sa.func.count()]
        for c in cols:
            col = table.c[c["name"]]
            exprs.append(sa.func.count(col))
            exprs.append(sa.func.sum(sa.func.length(sa.cast(col, sa.String))))
            if isinstance(c["type"], sa.Integer):
                exprs.append(sa.func.sum(col))
        checksum = conn.execute(sa.select(*exprs).select_from(table)).one()
        out.append((schema, tuple(int(v or 0) for v in checksum)))
    return tuple(out)


def _type(t: Any) -> str:
    text = str(t).upper()
    # MySQL reflects INTEGER as INTEGER(11) on old servers; display widths are noise
    for width in ("(11)", "(20)"):
        text = text.replace(f"INTEGER{width}", "INTEGER").replace(f"BIGINT{width}", "BIGINT")
    return text


def _default(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip("()' ")
    return None if text.upper() == "NULL" else text


def alembic_op(conn: sa.Connection) -> Any:
    """Alembic's ``op`` on ``conn``, as a migration script sees it."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    return Operations(MigrationContext.configure(conn))
