"""Replaying real sqlalchemy-migrate repositories, the same way on both stacks.

This module runs under the project's stack (SQLAlchemy 2, ``migrate`` = this project) and
under the legacy one (SQLAlchemy 1.4.54 + sqlalchemy-migrate 0.13.0, see
``record_goldens.py``), so it imports nothing from the project or from ``tests``: only
SQLAlchemy and the standard library.

A chain is a directory ``tests/replay/<name>/`` holding ``original/`` (the project's files,
unchanged), ``versions/`` (the mechanical port that runs on both stacks), ``shim/`` (small
stand-ins for the project's own modules the scripts import), ``LICENSE``, ``SOURCE`` and
``port.diff``. Versions run as sqlalchemy-migrate 0.13's runner ran them: in number order,
``upgrade(migrate_engine)`` of the ``.py`` script, or the ``NNN_<dialect>_upgrade.sql``
script instead where one exists for the database (split into statements with sqlparse, run
in one transaction, BEGIN/COMMIT lines ignored).
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import sys
import time
import types
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
SHARED_SHIM = HERE / "_shim"
FALLBACK_SHIM = HERE / "_fallback"
GOLDEN_DIR = HERE / "goldens"


@dataclass(frozen=True)
class Chain:
    name: str
    #: the package name under which the project's scripts imported sibling versions
    versions_package: str | None = None

    @property
    def root(self) -> Path:
        return HERE / self.name

    @property
    def versions_dir(self) -> Path:
        return self.root / "versions"

    def versions(self) -> list[tuple[int, Path]]:
        """``(number, .py script)`` in order; a number without a .py script is an error."""
        found: dict[int, Path] = {}
        for path in self.versions_dir.glob("*.py"):
            head = path.name.split("_", 1)[0]
            if head.isdigit():
                found[int(head)] = path
        return sorted(found.items())

    def sql_script(self, number: int, dialect: str) -> Path | None:
        for path in self.versions_dir.glob(f"{number:03d}_{dialect}_upgrade.sql"):
            return path
        return None


CHAINS = {
    "glance": Chain("glance", versions_package="glance.db.sqlalchemy.migrate_repo.versions"),
    "heat": Chain("heat", versions_package="heat.db.sqlalchemy.migrate_repo.versions"),
    "keystone": Chain("keystone", versions_package="keystone.common.sql.migrate_repo.versions"),
}


def write_repository(chain: Chain, folder: Path) -> Path:
    """``folder`` made a sqlalchemy-migrate repository of ``chain`` (its ``versions`` linked)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "migrate.cfg").write_text(
        f"[db_settings]\nrepository_id={chain.name}\nversion_table=migrate_version\n"
        "required_dbs=[]\n"
    )
    (folder / "versions").symlink_to(chain.versions_dir, target_is_directory=True)
    return folder


def dialect_key(engine: sa.engine.Engine) -> str:
    """The name sqlalchemy-migrate 0.13 used for ``NNN_<name>_upgrade.sql`` scripts."""
    name = engine.dialect.name
    return "mysql" if name == "mariadb" else name


# --------------------------------------------------------------------------- running


def _activate_shims(chain: Chain) -> None:
    # sqlalchemy-migrate's runner had imported the changeset API before any script ran.
    # What either stack would import at its first operation is imported here, before the
    # clock starts, so that a replay's time is the replay's on both: the per-dialect
    # modules and SQLAlchemy's dialects (0.13 imports them with the API; this library at
    # its first operation, or when a script first names ``dialects.mysql``) and
    # sqlalchemy.orm (0.13 imports it at its first operation; this library with the API).
    for module in (
        "migrate.changeset",
        "migrate.changeset.databases.sqlite",
        "migrate.changeset.databases.postgres",
        "migrate.changeset.databases.mysql",
        "sqlalchemy.dialects.sqlite",
        "sqlalchemy.dialects.postgresql",
        "sqlalchemy.dialects.mysql",
        "sqlalchemy.orm",
    ):
        importlib.import_module(module)
    for path in (chain.root / "shim", SHARED_SHIM):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    if str(FALLBACK_SHIM) not in sys.path:
        sys.path.append(str(FALLBACK_SHIM))
    if chain.versions_package:
        # The scripts import each other by the project's package name; point that package at
        # the ported versions (the import system does not mind names starting with a digit).
        for name in list(sys.modules):
            if name.startswith(chain.versions_package + "."):
                del sys.modules[name]
        module = types.ModuleType(chain.versions_package)
        module.__path__ = [str(chain.versions_dir)]
        sys.modules[chain.versions_package] = module
        parent, _, child = chain.versions_package.rpartition(".")
        try:
            setattr(importlib.import_module(parent), child, module)
        except ImportError:
            pass


def _seeds(chain: Chain) -> dict[int, Any]:
    """``pre_upgrade_NNN(engine)`` functions of the chain's ``seed.py`` (the project's own
    pre-upgrade test data), by the version they run before."""
    path = chain.root / "seed.py"
    if not path.exists():
        return {}
    module = _load_script(chain, path)
    return {
        int(name.rsplit("_", 1)[1]): fn
        for name, fn in vars(module).items()
        if name.startswith("pre_upgrade_") and callable(fn)
    }


def _load_script(chain: Chain, path: Path) -> types.ModuleType:
    name = "{}.{}".format(chain.versions_package or "replay_" + chain.name, path.stem)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_IGNORED = re.compile(r"^\s*(BEGIN|END|COMMIT).*;?$", re.IGNORECASE)


def run_sql_script(engine: sa.engine.Engine, path: Path) -> None:
    import sqlparse

    text = sqlparse.format(path.read_text(), strip_comments=True, strip_whitespace=True)
    with engine.begin() as conn:
        for statement in sqlparse.split(text):
            if statement and not _IGNORED.match(statement):
                conn.exec_driver_sql(statement)


_RANDOMNESS = random.Random()


def uuid4() -> uuid.UUID:
    """``uuid.uuid4`` during a replay: the same sequence on every run (heat 035 even writes
    ``str(uuid.uuid4)``, the function's repr, into a VARCHAR(36): keep its name short)."""
    return uuid.UUID(int=_RANDOMNESS.getrandbits(128), version=4)


@dataclass
class Replay:
    chain: str
    reached: int | None = None  # last version applied
    failed_at: int | None = None
    error: str | None = None
    seconds: float = 0.0
    per_version: dict[int, float] = field(default_factory=dict)


def replay(
    chain: Chain,
    engine: sa.engine.Engine,
    *,
    stop_on_error: bool = True,
    first: int | None = None,
    last: int | None = None,
    seed: bool = True,
    repository: Path | None = None,
) -> Replay:
    """Run the versions of ``chain`` (``first`` to ``last``, default all) on ``engine``.

    With ``repository`` (a folder holding a ``migrate.cfg`` whose ``repository_id`` is the
    chain's name and whose ``versions`` is the chain's), each version runs through
    ``migrate.versioning.api.upgrade(engine, repository, n)`` instead: the runner that
    applications embed picks the script and records the version itself."""
    _activate_shims(chain)
    result = Replay(chain.name)
    key = dialect_key(engine)
    versions = [
        (n, p)
        for n, p in chain.versions()
        if (first is None or n >= first) and (last is None or n <= last)
    ]
    # The version table, as sqlalchemy-migrate's version_control made it (scripts may touch
    # it: keystone 067 converts its charset on MySQL).
    with engine.begin() as conn:
        if first is not None:
            conn.exec_driver_sql("DROP TABLE IF EXISTS migrate_version")
        conn.exec_driver_sql(
            "CREATE TABLE migrate_version (repository_id VARCHAR(250) NOT NULL, "
            "repository_path TEXT, version INTEGER, PRIMARY KEY (repository_id))"
        )
        conn.execute(
            sa.text("INSERT INTO migrate_version VALUES (:r, :p, :v)"),
            {"r": chain.name, "p": str(chain.versions_dir), "v": chain.versions()[0][0] - 1},
        )
    seeds = _seeds(chain) if seed else {}
    # Scripts make ids with uuid.uuid4() (glance 012 re-keys images) and later versions copy
    # rows in key order: the same ids on every run and both stacks keep the rows comparable.
    _RANDOMNESS.seed(chain.name)
    real_uuid4 = uuid.uuid4
    uuid.uuid4 = uuid4
    try:
        _replay_versions(chain, engine, versions, seeds, key, result, stop_on_error, repository)
    finally:
        uuid.uuid4 = real_uuid4
    return result


def _replay_versions(
    chain: Chain,
    engine: sa.engine.Engine,
    versions: list[tuple[int, Path]],
    seeds: dict[int, Any],
    key: str,
    result: Replay,
    stop_on_error: bool,
    repository: Path | None = None,
) -> None:
    start = time.perf_counter()
    for number, path in versions:
        t0 = time.perf_counter()
        try:
            if number in seeds:
                seeds[number](engine)
            if repository is not None:
                from migrate.versioning import api

                api.upgrade(engine, str(repository), number)
                result.reached = number
                continue
            sql = chain.sql_script(number, key)
            if sql is not None:
                run_sql_script(engine, sql)
            else:
                _load_script(chain, path).upgrade(engine)
            with engine.begin() as conn:
                conn.execute(
                    sa.text("UPDATE migrate_version SET version = :v WHERE repository_id = :r"),
                    {"v": number, "r": chain.name},
                )
        except Exception as exc:
            result.failed_at = number
            result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
            if stop_on_error:
                raise
            import traceback

            traceback.print_exc()
            break
        finally:
            result.per_version[number] = time.perf_counter() - t0
        result.reached = number
    result.seconds = time.perf_counter() - start


# --------------------------------------------------------------------------- snapshots

IGNORED_TABLES = {"migrate_version"}


def _rows(conn: Any, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "0x" + bytes(value).hex()
    return str(value)


def _check_clauses(create_sql: str) -> list[list[Any]]:
    """SQLite keeps CHECK constraints only in the CREATE TABLE text: ``[name, expression]``."""
    out: list[list[Any]] = []
    upper = create_sql.upper()
    pos = 0
    while True:
        i = upper.find("CHECK", pos)
        if i < 0:
            return out
        pos = i + 5
        if (i and (upper[i - 1].isalnum() or upper[i - 1] in '_"`')) or (
            pos < len(upper) and (upper[pos].isalnum() or upper[pos] == "_")
        ):
            continue
        j = upper.find("(", pos)
        depth, k = 0, j
        while k < len(create_sql):
            if create_sql[k] == "(":
                depth += 1
            elif create_sql[k] == ")":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        expr = " ".join(create_sql[j + 1 : k].split())
        before = create_sql[:i].rstrip().split()
        name = None
        if len(before) >= 2 and before[-2].upper() == "CONSTRAINT":
            name = before[-1].strip('"`[]')
        out.append([name, expr])
        pos = k


def snapshot(engine: sa.engine.Engine) -> dict[str, Any]:
    """The schema and rows, read from the catalogs with plain SQL (same code on both stacks)."""
    with engine.connect() as conn:
        name = engine.dialect.name
        if name == "sqlite":
            snap = _snapshot_sqlite(conn)
        elif name == "postgresql":
            snap = _snapshot_pg(conn)
        else:
            snap = _snapshot_mysql(conn)
        for table, info in snap["tables"].items():
            cols = [c[0] for c in info["columns"]]
            q = engine.dialect.identifier_preparer.quote
            order = ", ".join(q(c) for c in cols)
            rows = _rows(conn, f"SELECT {order} FROM {q(table)}")
            info["rows"] = sorted(
                ([_jsonable(v) for v in r] for r in rows), key=lambda r: json.dumps(r)
            )
    return snap


def _snapshot_sqlite(conn: Any) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for tname, create_sql in _rows(
        conn,
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name",
    ):
        if tname in IGNORED_TABLES:
            continue
        q = '"{}"'.format(tname.replace('"', '""'))
        cols = _rows(conn, f"PRAGMA table_info({q})")
        pk = [c[1] for c in sorted((c for c in cols if c[5]), key=lambda c: c[5])]
        fks: dict[int, list[Any]] = {}
        for fid, _seq, ref, frm, to, on_update, on_delete, _match in _rows(
            conn, f"PRAGMA foreign_key_list({q})"
        ):
            entry = fks.setdefault(fid, [None, [], ref, [], on_update, on_delete])
            entry[1].append(frm)
            entry[3].append(to)
        uniques, indexes = [], []
        for _seq, iname, unique, origin, _partial in _rows(conn, f"PRAGMA index_list({q})"):
            icols = [
                r[2]
                for r in _rows(conn, 'PRAGMA index_info("{}")'.format(iname.replace('"', '""')))
            ]
            if origin == "pk":
                continue
            if origin == "u":
                uniques.append([None, icols])
            else:
                indexes.append([iname, icols, bool(unique)])
        tables[tname] = {
            "columns": [
                [c[1], c[2].upper(), not c[3], c[4]] for c in sorted(cols, key=lambda c: c[0])
            ],
            "primary_key": [None, pk],
            "foreign_keys": sorted(fks.values(), key=json.dumps),
            "unique": sorted(uniques, key=json.dumps),
            "checks": sorted(_check_clauses(create_sql or ""), key=json.dumps),
            "indexes": sorted(indexes, key=json.dumps),
        }
    return {"dialect": "sqlite", "tables": tables, "types": {}}


def _snapshot_pg(conn: Any) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    tnames = [
        r[0]
        for r in _rows(
            conn,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
        )
    ]
    for tname in tnames:
        if tname in IGNORED_TABLES:
            continue
        cols = _rows(
            conn,
            "SELECT column_name, CASE WHEN data_type = 'USER-DEFINED' THEN udt_name "
            "ELSE data_type END || COALESCE('(' || character_maximum_length || ')', ''), "
            "is_nullable = 'YES', column_default FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = :t ORDER BY ordinal_position",
            t=tname,
        )
        cons = _rows(
            conn,
            "SELECT c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = "
            "t.relnamespace WHERE n.nspname = current_schema() AND t.relname = :t",
            t=tname,
        )
        by_kind: dict[str, list[Any]] = {"p": [], "f": [], "u": [], "c": []}
        for cname, kind, definition in cons:
            by_kind.setdefault(kind, []).append([cname, definition])
        indexes = _rows(
            conn,
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = current_schema() AND t.relname = :t AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid "
            "AND c.contype IN ('p', 'u', 'x'))",
            t=tname,
        )
        tables[tname] = {
            "columns": [list(c) for c in cols],
            "primary_key": sorted(by_kind["p"]),
            "foreign_keys": sorted(by_kind["f"]),
            "unique": sorted(by_kind["u"]),
            "checks": sorted(by_kind["c"]),
            "indexes": sorted([list(i) for i in indexes]),
        }
    types_ = {}
    for tname, label in _rows(
        conn,
        "SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
        "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() "
        "ORDER BY t.typname, e.enumsortorder",
    ):
        types_.setdefault(tname, []).append(label)
    return {"dialect": "postgresql", "tables": tables, "types": types_}


def _snapshot_mysql(conn: Any) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    tnames = [
        r[0]
        for r in _rows(
            conn,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name",
        )
    ]
    for tname in tnames:
        if tname in IGNORED_TABLES:
            continue
        cols = _rows(
            conn,
            "SELECT column_name, column_type, is_nullable = 'YES', column_default, extra "
            "FROM information_schema.columns WHERE table_schema = DATABASE() "
            "AND table_name = :t ORDER BY ordinal_position",
            t=tname,
        )
        keys = _rows(
            conn,
            "SELECT tc.constraint_name, tc.constraint_type, k.column_name, "
            "k.referenced_table_name, k.referenced_column_name, r.update_rule, r.delete_rule "
            "FROM information_schema.table_constraints tc "
            "JOIN information_schema.key_column_usage k ON k.constraint_schema = "
            "tc.constraint_schema AND k.table_name = tc.table_name AND k.constraint_name = "
            "tc.constraint_name LEFT JOIN information_schema.referential_constraints r ON "
            "r.constraint_schema = tc.constraint_schema AND r.table_name = tc.table_name AND "
            "r.constraint_name = tc.constraint_name WHERE tc.table_schema = DATABASE() AND "
            "tc.table_name = :t ORDER BY tc.constraint_name, k.ordinal_position",
            t=tname,
        )
        grouped: dict[tuple[str, str], list[Any]] = {}
        for cname, kind, col, rtable, rcol, upd, dele in keys:
            entry = grouped.setdefault((kind, cname), [cname, [], rtable, [], upd, dele])
            entry[1].append(col)
            if rcol is not None:
                entry[3].append(rcol)
        pk = [[e[0], e[1]] for (k, _), e in grouped.items() if k == "PRIMARY KEY"]
        fks = [e for (k, _), e in grouped.items() if k == "FOREIGN KEY"]
        uniques = [[e[0], e[1]] for (k, _), e in grouped.items() if k == "UNIQUE"]
        checks = _rows(
            conn,
            "SELECT constraint_name, check_clause FROM information_schema.check_constraints "
            "WHERE constraint_schema = DATABASE() AND table_name = :t",
            t=tname,
        )
        unique_names = {u[0] for u in uniques}
        idx: dict[str, list[Any]] = {}
        for iname, col, non_unique in _rows(
            conn,
            "SELECT index_name, column_name, non_unique FROM information_schema.statistics "
            "WHERE table_schema = DATABASE() AND table_name = :t "
            "ORDER BY index_name, seq_in_index",
            t=tname,
        ):
            if iname == "PRIMARY" or iname in unique_names:
                continue
            idx.setdefault(iname, [iname, [], not non_unique])[1].append(col)
        tables[tname] = {
            "columns": [list(c) for c in cols],
            "primary_key": pk,
            "foreign_keys": sorted(fks, key=json.dumps),
            "unique": sorted(uniques, key=json.dumps),
            "checks": sorted([list(c) for c in checks], key=json.dumps),
            "indexes": sorted(idx.values(), key=json.dumps),
        }
    return {"dialect": "mysql", "tables": tables, "types": {}}


def _jsonify(obj: Any) -> Any:
    return json.loads(json.dumps(obj, default=_jsonable))


def golden_path(chain: str, backend: str) -> Path:
    return GOLDEN_DIR / (f"{chain}.{backend}.json")


def load_golden(chain: str, backend: str) -> dict[str, Any]:
    with open(golden_path(chain, backend)) as f:
        return json.load(f)


_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?$")


def _comparable(table: dict[str, Any]) -> dict[str, Any]:
    """Rows with the time of the replay (``now()`` written by a data migration or a seed)
    masked."""
    rows = [
        ["<timestamp>" if isinstance(v, str) and _TIMESTAMP.match(v) else v for v in row]
        for row in table.get("rows", [])
    ]
    return dict(table, rows=sorted(rows, key=json.dumps))


def differences(golden: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """One line per difference between two snapshots (empty when equal)."""
    out: list[str] = []
    g, a = golden["tables"], actual["tables"]
    for t in sorted(set(g) | set(a)):
        if t not in a:
            out.append(f"table {t}: missing")
            continue
        if t not in g:
            out.append(f"table {t}: unexpected")
            continue
        gt, at = _comparable(g[t]), _comparable(a[t])
        for aspect in sorted(set(gt) | set(at)):
            gv, av = gt.get(aspect), at.get(aspect)
            if gv != av:
                out.append(f"table {t} {aspect}: golden {gv}, replay {av}")
    if golden.get("types") != actual.get("types"):
        out.append("types: golden {}, replay {}".format(golden.get("types"), actual.get("types")))
    return out


def reset_database(engine: sa.engine.Engine) -> None:
    """Empty the database of everything a chain may have created."""
    name = engine.dialect.name
    with engine.begin() as conn:
        if name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        elif name in ("mysql", "mariadb"):
            db = conn.exec_driver_sql("SELECT DATABASE()").scalar()
            conn.exec_driver_sql(f"DROP DATABASE `{db}`")
            conn.exec_driver_sql(f"CREATE DATABASE `{db}` CHARACTER SET utf8mb4")
            conn.exec_driver_sql(f"USE `{db}`")
        else:
            rows = conn.exec_driver_sql(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchall()
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
            for kind, obj in rows:
                if kind in ("table", "view"):
                    conn.exec_driver_sql(f'DROP {kind.upper()} IF EXISTS "{obj}"')
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """``python chains.py CHAIN URL [--json OUT]``: replay one chain, print or write a record."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("chain", choices=sorted(CHAINS))
    parser.add_argument("url")
    parser.add_argument("--json", help="write {snapshot, seconds, ...} to this file")
    parser.add_argument("--first", type=int, help="start at this version (database kept)")
    parser.add_argument("--last", type=int, help="stop after this version")
    args = parser.parse_args(argv)
    engine = sa.create_engine(args.url)
    if args.first is None:
        reset_database(engine)
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    result = replay(
        CHAINS[args.chain], engine, stop_on_error=False, first=args.first, last=args.last
    )
    record = {
        "chain": args.chain,
        "backend": engine.dialect.name,
        "reached": result.reached,
        "failed_at": result.failed_at,
        "error": result.error,
        "seconds": round(result.seconds, 3),
        "statements": statements[0],
        "sqlalchemy": sa.__version__,
    }
    sa.event.remove(engine, "before_cursor_execute", count)
    record["snapshot"] = snapshot(engine) if result.failed_at is None else None
    engine.dispose()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(_jsonify(record), f, indent=1, sort_keys=True)
    print(
        "{} {}: reached {}, failed at {} {}, {:.2f}s".format(
            args.chain,
            record["backend"],
            result.reached,
            result.failed_at,
            result.error or "",
            result.seconds,
        )
    )
    return 0 if result.failed_at is None else 1


if __name__ == "__main__":
    sys.exit(main())
