"""Statements per changeset call kind while a replay chain runs, on either stack.

    python bench/replay_statements.py CHAIN URL [--top N] [--json OUT]

Runs ``tests/replay/chains.py``'s replay of CHAIN on URL (emptied first: a throwaway
database) and counts every statement the DBAPI cursor executes, attributed to the
outermost changeset call running at the time (``Column.create``, ``Column.alter``,
``Constraint.create``, ...; ``script`` outside any). Reads are statements starting with
SELECT, SHOW, PRAGMA, DESCRIBE or EXPLAIN. Runs under this project's stack and under the
legacy one (SQLAlchemy 1.4 + sqlalchemy-migrate 0.13), so that the same table compares
them; ``--top`` prints the most frequent read texts of each kind; ``seconds`` is the wall time
spent inside each kind of call (``script``: the rest of the replay, the scripts' own work).
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "replay"))

import chains  # noqa: E402

READS = ("SELECT", "SHOW", "PRAGMA", "DESCRIBE", "EXPLAIN", "WITH")
METHODS = [
    ("Column", "create"),
    ("Column", "drop"),
    ("Column", "alter"),
    ("Table", "rename"),
    ("Table", "create_column"),
    ("Table", "drop_column"),
    ("Index", "rename"),
    ("Constraint", "create"),
    ("Constraint", "drop"),
]

current: list[str] = []
counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
texts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
seconds: collections.Counter[str] = collections.Counter()  # wall time inside each call kind


def _wrap(cls: type, attr: str) -> None:
    fn = getattr(cls, attr, None)
    if fn is None:  # the legacy stack: constraints are migrate's own classes
        return
    label = f"{cls.__name__}.{attr}"

    @functools.wraps(fn)
    def wrapper(*a: Any, **k: Any) -> Any:
        outer = not current
        if outer:
            current.append(label)
            counts[label]["calls"] += 1
            start = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            if outer:
                current.pop()
                seconds[label] += time.perf_counter() - start

    setattr(cls, attr, wrapper)


def _on_execute(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
    kind = current[0] if current else "script"
    counts[kind]["statements"] += 1
    head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
    if head in READS:
        counts[kind]["reads"] += 1
        texts[kind][re.sub(r"\s+", " ", statement.strip())[:160]] += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("chain")
    parser.add_argument("url", nargs="?")
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--json")
    args = parser.parse_args()
    import migrate.changeset  # noqa: F401  (installs the methods on both stacks)

    for cls_name, attr in METHODS:
        _wrap(getattr(sa, cls_name), attr)
    try:  # the legacy stack's constraint classes
        from migrate.changeset.constraint import ConstraintChangeset

        _wrap(ConstraintChangeset, "create")
        _wrap(ConstraintChangeset, "drop")
    except ImportError:
        pass
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", _on_execute)
    with tempfile.TemporaryDirectory() as tmp:
        engine = sa.create_engine(args.url or f"sqlite:///{tmp}/replay.db")
        chains.reset_database(engine)
        counts.clear()
        texts.clear()
        seconds.clear()
        result = chains.replay(chains.CHAINS[args.chain], engine, stop_on_error=False)
        engine.dispose()
    total = collections.Counter()
    seconds["script"] = result.seconds - sum(seconds.values())
    print(f"{'kind':<26} {'calls':>6} {'stmts':>6} {'reads':>6} {'seconds':>8}")
    for kind in sorted(counts, key=lambda k: -counts[k]["statements"]):
        c = counts[kind]
        total.update(c)
        print(
            f"{kind:<26} {c['calls']:>6} {c['statements']:>6} {c['reads']:>6} {seconds[kind]:>8.3f}"
        )
        for text, n in texts[kind].most_common(args.top):
            print(f"    {n:>5}  {text}")
    print(f"{'total':<26} {total['calls']:>6} {total['statements']:>6} {total['reads']:>6}")
    print(
        f"seconds {result.seconds:.2f}"
        + (f"  stops at {result.failed_at}" if result.failed_at else "")
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {k: dict(v) for k, v in counts.items()}
                | {"seconds": result.seconds, "kind_seconds": dict(seconds)}
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
