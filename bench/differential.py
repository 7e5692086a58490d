"""Differential check of offline rendering: random operation sequences -> SQL text.

    PYTHONPATH=. python bench/differential.py --seeds 2000 > new.txt
    git worktree add /tmp/base <commit>
    PYTHONPATH=/tmp/base python bench/differential.py --seeds 2000 > old1.txt  # (x3)
    python bench/differential.py --compare old1.txt old2.txt old3.txt new.txt

Each seed builds a random Table (types, nullability, server defaults, primary keys, indexes,
unique and foreign key constraints, keyed and quoted column names, a schema) and runs a
random sequence of legacy calls (``Column.create/alter/drop``, ``Table.rename``, index and
constraint calls) and ``alter_table`` batches, valid and invalid, inside ``to_sql`` on
sqlite, postgresql, mysql and mariadb. Printed per operation: the statements rendered,
or the exception (class and message), and the caller's Table as it is afterwards. Used to
show that a change to the rendering pipeline leaves every byte of its output as it was.

Some plans iterate a Table's sets of constraints/indexes, whose order follows object
addresses and so varies from run to run: ``--compare old1.txt old2.txt old3.txt new.txt``
accepts an operation's output when it equals that of one of the old runs.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import warnings
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import migrate.changeset as cs

DIALECTS = ("sqlite", "postgresql", "mysql", "mariadb")
NAMES = ["a", "b", "Mixed", "order", "c d", "x", "name", "extra"]
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def new_type(r: random.Random) -> Any:
    return r.choice(
        [
            lambda: sa.Integer(),
            lambda: sa.BigInteger(),
            lambda: sa.String(20),
            lambda: sa.String(40),
            lambda: sa.Text(),
            lambda: sa.Boolean(),
            lambda: sa.Numeric(10, 2),
            lambda: sa.DateTime(),
            lambda: sa.String,
            lambda: sa.Enum("x", "y", name="e1"),
            lambda: sa.Enum("x", "y", "z", name="e1"),
        ]
    )()


def server_default(r: random.Random) -> Any:
    return r.choice([None, None, "7", "dv", sa.text("0"), sa.text("'q'")])


def new_column(r: random.Random, name: str, *, extras: bool = True) -> sa.Column[Any]:
    kw: dict[str, Any] = {"nullable": r.random() < 0.6}
    if r.random() < 0.3:
        kw["server_default"] = server_default(r)
    if r.random() < 0.2:
        kw["default"] = r.choice([3, "pd", lambda: 5, sa.text("1 + 1")])
    if r.random() < 0.1:
        kw["key"] = name + "_k"
    args: list[Any] = []
    if extras:
        if r.random() < 0.1:
            kw["index"] = True
        if r.random() < 0.1:
            kw["unique"] = True
        if r.random() < 0.1:
            args.append(sa.ForeignKey("p.id", name=r.choice([None, "fk_1"])))
    return sa.Column(name, new_type(r), *args, **kw)


def new_table(r: random.Random) -> sa.Table:
    meta = sa.MetaData()
    schema = r.choice([None, None, None, "s"])
    sa.Table("p", meta, sa.Column("id", sa.Integer, primary_key=True), schema=schema)
    cols: list[Any] = []
    if r.random() < 0.8:
        cols.append(sa.Column("id", sa.Integer, primary_key=True))
    elif r.random() < 0.5:
        cols.append(sa.Column("k1", sa.Integer, primary_key=True))
        cols.append(sa.Column("k2", sa.String(10), primary_key=True))
    for name in r.sample(NAMES, r.randint(1, 4)):
        cols.append(new_column(r, name))
    t = sa.Table(r.choice(["t_1", "T2", "order"]), meta, *cols, schema=schema)
    columns = list(t.columns)
    if r.random() < 0.3:
        sa.Index("ix_1", *r.sample(columns, r.randint(1, min(2, len(columns)))))
    if r.random() < 0.2:
        t.append_constraint(sa.UniqueConstraint(r.choice(columns), name="uq_1"))
    return t


def some_name(r: random.Random, t: sa.Table) -> str:
    names = [c.name for c in t.columns]
    if names and r.random() < 0.85:
        return r.choice(names)
    return r.choice(NAMES + ["nope"])


def alter_kwargs(r: random.Random) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    while not kw:
        if r.random() < 0.4:
            kw["type"] = new_type(r)
        if r.random() < 0.4:
            kw["nullable"] = r.random() < 0.5
        if r.random() < 0.3:
            kw["name"] = r.choice(NAMES + ["extra2", "Extra2"])
        if r.random() < 0.2:
            kw["server_default"] = server_default(r)
        if r.random() < 0.07:
            kw["primary_key"] = r.random() < 0.5
        if r.random() < 0.07:
            kw["autoincrement"] = r.random() < 0.5
        if r.random() < 0.05:
            kw["postgresql_using"] = "1"
        if r.random() < 0.05:
            kw["mysql_algorithm"] = r.choice(["INPLACE", "bad"])
    return kw


def legacy_op(r: random.Random, t: sa.Table) -> None:
    kind = r.choice(
        ["create", "create", "alter", "alter", "alter", "rename", "drop", "drop"]
        + ["table", "index", "unique", "positional"]
    )
    if kind == "create":
        col = new_column(r, r.choice(NAMES + ["extra"]))
        kw: dict[str, Any] = {}
        if col.index:
            kw["index_name"] = "ix_new"
        if col.unique:
            kw["unique_name"] = "uq_new"
        if r.random() < 0.2:
            kw["populate_default"] = False
        col.create(t, **kw)  # type: ignore[attr-defined]
    elif kind == "alter":
        name = some_name(r, t)
        if name in t.c:
            t.c[name].alter(**alter_kwargs(r))
        else:
            cs.alter_column(name, table=t, **alter_kwargs(r))
    elif kind == "positional":
        name = some_name(r, t)
        cs.alter_column(name, r.choice(NAMES), new_type(r), table=t)
    elif kind == "rename":
        name = some_name(r, t)
        t.c[name].alter(name=r.choice(NAMES + ["extra2"])) if name in t.c else None
    elif kind == "drop":
        name = some_name(r, t)
        if name in t.c and r.random() < 0.7:
            t.c[name].drop()
        else:
            cs.drop_column(name, t)
    elif kind == "table":
        t.rename(r.choice(["t_9", "p"]))  # type: ignore[attr-defined]
    elif kind == "index":
        for ix in sorted(t.indexes, key=lambda i: str(i.name))[:1]:
            ix.rename("ix_r")  # type: ignore[attr-defined]
    else:
        names = [c.name for c in t.columns]
        named = sorted(str(c.name) for c in t.constraints if isinstance(c.name, str))
        # not on a column with a unique constraint already: which of the two the plan
        # sees first follows set order, which varies from run to run
        unique = {c.name for u in t.constraints if isinstance(u, sa.UniqueConstraint) for c in u}
        free = [n for n in names if n not in unique]
        if free and (r.random() < 0.7 or not named):
            name = f"uq_{r.randint(1, 10**6)}"
            cs.UniqueConstraint(r.choice(free), table=t, name=name).create()
        else:
            cs.UniqueConstraint(r.choice(names), table=t, name=r.choice(named)).drop()


def batch_op(r: random.Random, t: sa.Table) -> None:
    with cs.alter_table(t) as b:
        for _ in range(r.randint(1, 5)):
            kind = r.choice(["add", "alter", "rename", "drop", "index", "dropindex", "unique"])
            if kind == "add":
                b.add_column(
                    new_column(r, r.choice(NAMES + ["extra"]), extras=r.random() < 0.3),
                    populate_default=r.random() < 0.8,
                )
            elif kind == "alter":
                kw = alter_kwargs(r)
                kw.pop("mysql_algorithm", None)
                b.alter_column(some_name(r, t), **kw)
            elif kind == "rename":
                b.rename_column(some_name(r, t), r.choice(NAMES + ["extra2"]))
            elif kind == "drop":
                b.drop_column(some_name(r, t))
            elif kind == "index":
                b.create_index("ix_" + str(r.randint(1, 3)), some_name(r, t))
            elif kind == "dropindex":
                b.drop_index("ix_" + str(r.randint(1, 3)))
            else:
                b.add_constraint(sa.UniqueConstraint(some_name(r, t), name="uq_9"))


def describe(t: sa.Table) -> str:
    cols = []
    for c in t.columns:
        default = getattr(c.server_default, "arg", None)
        default = getattr(default, "text", default)
        cols.append(
            f"{c.key}/{c.name}:{c.type!r}:{'N' if c.nullable else 'NN'}"
            f"{':PK' if c.primary_key else ''}{f':D={default!s}' if default is not None else ''}"
        )
    ix = sorted(f"{i.name}({','.join(c.name for c in i.columns)})" for i in t.indexes)
    cons = sorted(
        f"{type(c).__name__}:{c.name}({','.join(x.name for x in c.columns)})" for c in t.constraints
    )
    return f"{t.fullname} [{'; '.join(cols)}] ix={ix} cons={cons}"


def run_seed(seed: int, out: list[str]) -> None:
    for dialect in DIALECTS:
        r = random.Random(f"{seed}")
        t = new_table(r)
        out.append(f"== seed {seed} {dialect}: {describe(t)}")
        with cs.to_sql(dialect) as sql:
            for _ in range(r.randint(1, 6)):
                op = batch_op if r.random() < 0.4 else legacy_op
                before = len(sql)
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        op(r, t)
                    result = "ok"
                except Exception as exc:
                    result = f"{type(exc).__name__}: {exc}"
                out.append(f"  {op.__name__} -> {_ADDRESS.sub('0x?', result)}")
                out.extend(f"    {s}" for s in sql[before:])
                out.append(f"    table: {describe(t)}")


def blocks(path: str) -> list[list[str]]:
    """The output as one block per operation (its result line and what follows)."""
    out: list[list[str]] = []
    for line in Path(path).read_text().splitlines():
        if not line.startswith("    ") or not out:
            out.append([])
        out[-1].append(line)
    return out


def compare(paths: list[str]) -> int:
    """Compare the last file with the others (runs of the old code): a block must equal
    the same block of one of them."""
    *olds, new = [blocks(p) for p in paths]
    if any(len(o) != len(new) for o in olds):
        print(f"different number of operations: {[len(o) for o in olds]} vs {len(new)}")
        return 1
    differ = noisy = 0
    for i, y in enumerate(new):
        versions = [o[i] for o in olds]
        if y in versions:
            noisy += any(v != versions[0] for v in versions)
            continue
        differ += 1
        if differ <= 5:
            print("--- old\n" + "\n".join(versions[0]) + "\n+++ new\n" + "\n".join(y))
    print(f"{len(new)} operations: {differ} differ ({noisy} vary between runs of the old code)")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--compare", nargs="+", metavar="FILE", help="OLD [OLD ...] NEW")
    args = parser.parse_args()
    if args.compare:
        sys.exit(compare(args.compare))
    out: list[str] = []
    for seed in range(args.start, args.start + args.seeds):
        run_seed(seed, out)
    print("\n".join(out))


if __name__ == "__main__":
    main()
