"""The ``changeset`` command (also ``python -m migrate``).

Exit codes: 0 success, 1 a migration failed (the message names the script, the operation
and the database error), 2 usage error (bad arguments, no such path, not a repository).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from migrate import repository as repo
from migrate.exceptions import Error as MigrateError

DEFAULT_URL = "sqlite:///changeset.db"
URL_ENV = "CHANGESET_URL"
DIALECTS = ("sqlite", "postgresql", "mysql", "mariadb")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

_MAIN_EPILOG = """\
examples:
  changeset run examples/blog                 upgrade ./changeset.db to the latest version
  changeset run examples/blog --url postgresql+psycopg://app@localhost/app
  changeset version examples/blog             current and latest version
  changeset sql examples/blog --dialect postgresql > upgrade.sql

The database URL is --url, else the CHANGESET_URL environment variable, else
sqlite:///changeset.db in the current directory. Exit codes: 0 ok, 1 a migration
failed, 2 usage error.
"""

_RUN_EPILOG = """\
PATH is one of:
  * a sqlalchemy-migrate repository (migrate.cfg + versions/);
  * a folder of numbered scripts: 001_create_users.py, 002_add_email.py, ...
    (also 002_add_email.sql, or 002_add_email_postgresql_upgrade.sql and
    002_add_email_postgresql_downgrade.sql for one database);
  * a single script.py: its upgrade(migrate_engine) runs once, nothing is
    recorded (with --downgrade, its downgrade() runs).

Applied versions are recorded in the migrate_version table, as sqlalchemy-migrate
recorded them, so a database migrated by the old tool continues at its version.
Each script and its version update run in one transaction: on SQLite and
PostgreSQL a failing script leaves the database exactly at the previous version.

examples:
  changeset run examples/blog
  changeset run examples/blog --version 3 --url sqlite:///blog.db
  changeset run examples/blog --downgrade 1
  changeset run examples/blog --dry-run
  changeset run fix_data.py --verbose
"""

_VERSION_EPILOG = """\
examples:
  changeset version examples/blog
  CHANGESET_URL=postgresql+psycopg://app@localhost/app changeset version examples/blog
"""

_SQL_EPILOG = """\
No database is needed: scripts run against a mock engine and every operation is
rendered for the dialect, with the migrate_version updates. Without --from the
script starts at version 0 and also creates the migrate_version table and row.
On SQLite and PostgreSQL each version is wrapped in BEGIN; ... COMMIT;.
Operations that must read the database (reflection) fail in offline mode.

examples:
  changeset sql examples/blog --dialect postgresql
  changeset sql examples/blog --dialect mysql --from 2 --to 4
  changeset sql examples/blog --dialect sqlite --from 5 --to 3   (a downgrade)
"""


class UsageError(Exception):
    """Bad command line: exit 2 with the usage."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="changeset",
        description="Run sqlalchemy-migrate style migration scripts on SQLAlchemy 2.",
        epilog=_MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def url_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--url",
            help=f"database URL (default: ${URL_ENV}, else {DEFAULT_URL})",
        )

    def verbose_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "-v", "--verbose", action="store_true", help="log every SQL statement on stderr"
        )

    run = commands.add_parser(
        "run",
        help="upgrade (or downgrade) a database",
        description="Run the upgrade() (or downgrade()) of a script or of a repository's "
        "scripts in order, then print the resulting schema.",
        epilog=_RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.set_defaults(parser=run)
    run.add_argument("path", metavar="PATH", help="a repository folder or one .py script")
    url_option(run)
    target = run.add_mutually_exclusive_group()
    target.add_argument(
        "--version", type=int, metavar="N", help="upgrade to version N (default: the latest)"
    )
    target.add_argument(
        "--downgrade",
        type=int,
        metavar="N",
        nargs="?",
        const=0,
        help="run downgrade() of the applied versions above N (default 0)",
    )
    run.add_argument("--dry-run", action="store_true", help="print what would run; change nothing")
    verbose_option(run)

    version = commands.add_parser(
        "version",
        help="print the database's version and the repository's latest",
        description="Print the version recorded in the database and the repository's latest.",
        epilog=_VERSION_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    version.set_defaults(parser=version)
    version.add_argument("path", metavar="PATH", help="a repository folder")
    url_option(version)

    sql = commands.add_parser(
        "sql",
        help="print the upgrade as a SQL script, without a database",
        description="Print the SQL of an upgrade (or downgrade) for one dialect.",
        epilog=_SQL_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sql.set_defaults(parser=sql)
    sql.add_argument("path", metavar="PATH", help="a repository folder or one .py script")
    sql.add_argument("--dialect", required=True, choices=DIALECTS, help="the target database")
    sql.add_argument(
        "--from", dest="start", type=int, metavar="N", help="the database's version (default 0)"
    )
    sql.add_argument(
        "--to", dest="target", type=int, metavar="M", help="the version to reach (default latest)"
    )
    port = commands.add_parser(
        "port",
        help="rewrite legacy scripts for SQLAlchemy 2 (needs the [port] extra)",
        description="Rewrite the SQLAlchemy 1.x idioms of legacy migration scripts "
        "(bound MetaData, autoload=True, implicit execution, select([...]), ...). "
        "Prints a unified diff and a summary; --write applies it.",
    )
    port.set_defaults(parser=port)
    port.add_argument("path", metavar="PATH", help="a repository, a folder of scripts or a script")
    port.add_argument("--write", action="store_true", help="rewrite the files in place")
    return parser


# --------------------------------------------------------------------------------------
# output for people


class _Progress:
    """Progress lines on stderr: ``applying 003_add_email.py ... ok (0.12s)``.

    Log records arriving while a line is open end that line first, so they never run into it.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.open = False

    def start(self, step: repo.Step | None, script: repo.Script) -> None:
        verb = "reverting" if step is not None and step.direction == "downgrade" else "applying"
        self.stream.write(f"{verb} {script.name} ... ")
        self.stream.flush()
        self.open = True

    def done(self, step: repo.Step | None, script: repo.Script, seconds: float) -> None:
        if not self.open:
            self.stream.write(f"{script.name} ... ")
        self.stream.write(f"ok ({seconds:.2f}s)\n")
        self.stream.flush()
        self.open = False

    def failed(self) -> None:
        if self.open:
            self.stream.write("FAILED\n")
            self.stream.flush()
        self.open = False

    def break_line(self) -> None:
        if self.open:
            self.stream.write("\n")
            self.open = False


class _ProgressAwareHandler(logging.StreamHandler):  # type: ignore[type-arg]
    def __init__(self, progress: _Progress) -> None:
        super().__init__(progress.stream)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        self.progress.break_line()
        super().emit(record)


def _setup_logging(progress: _Progress, verbose: bool) -> logging.Handler:
    handler = _ProgressAwareHandler(progress)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    logger = logging.getLogger("migrate")
    logger.addHandler(handler)
    # INFO shows row progress of long copies and warnings; --verbose every statement.
    level = logging.DEBUG if verbose else logging.INFO
    logger.setLevel(level)
    logging.getLogger("migrate.changeset").setLevel(level)
    return handler


def describe_schema(engine: Engine, exclude: Sequence[str] = ()) -> str:
    """The database's tables: columns with types, primary key, uniques, foreign keys, indexes."""
    inspector = sa_inspect(engine)
    lines: list[str] = []
    for table in sorted(inspector.get_table_names()):
        if table in exclude:
            continue
        lines.append(table)
        pk = inspector.get_pk_constraint(table).get("constrained_columns") or []
        columns = inspector.get_columns(table)
        width = max((len(c["name"]) for c in columns), default=0)
        types = [_type_name(c["type"], engine) for c in columns]
        type_width = max((len(t) for t in types), default=0)
        for column, type_name in zip(columns, types):
            flags = []
            if column["name"] in pk:
                flags.append("PRIMARY KEY")
            if not column.get("nullable", True) and column["name"] not in pk:
                flags.append("NOT NULL")
            if column.get("default") is not None:
                flags.append(f"DEFAULT {column['default']}")
            text = f"  {column['name']:<{width}}  {type_name:<{type_width}}  {' '.join(flags)}"
            lines.append(text.rstrip())
        for unique in inspector.get_unique_constraints(table):
            name = unique.get("name") or "(unnamed)"
            lines.append(f"  unique {name} ({', '.join(unique['column_names'])})")
        for fk in inspector.get_foreign_keys(table):
            name = fk.get("name") or "(unnamed)"
            lines.append(
                f"  foreign key {name} ({', '.join(fk['constrained_columns'])}) -> "
                f"{fk['referred_table']} ({', '.join(fk['referred_columns'])})"
            )
        for index in inspector.get_indexes(table):
            kind = "unique index" if index.get("unique") else "index"
            cols = ", ".join(str(c) for c in index["column_names"])
            lines.append(f"  {kind} {index['name']} ({cols})")
    return "\n".join(lines)


def _type_name(type_: Any, engine: Engine) -> str:
    try:
        return str(type_.compile(dialect=engine.dialect))
    except Exception:  # a reflected type the dialect cannot render: show SQLAlchemy's name
        return repr(type_)


# --------------------------------------------------------------------------------------
# commands


def _url(args: argparse.Namespace) -> str:
    return str(args.url or os.environ.get(URL_ENV) or DEFAULT_URL)


def _shown_url(args: argparse.Namespace) -> str:
    try:
        return make_url(_url(args)).render_as_string(hide_password=True)
    except ArgumentError:
        return _url(args)


def _engine(args: argparse.Namespace) -> Engine:
    url = _url(args)
    try:
        return create_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise UsageError(f"cannot use database URL {url!r}: {exc}") from exc


def _load(path: str) -> repo.Repository:
    try:
        return repo.load_repository(path)
    except MigrateError as exc:
        raise UsageError(str(exc)) from exc


def cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    repository = _load(args.path)
    engine = _engine(args)
    progress = _Progress(err)
    reporter = repo.Reporter(start=progress.start, done=progress.done)
    handler = _setup_logging(progress, args.verbose)
    try:
        if repository.single is not None:
            if args.version is not None:
                raise UsageError("--version needs a repository folder, not a single script")
            direction: repo.Direction = "downgrade" if args.downgrade is not None else "upgrade"
            if args.dry_run:
                out.write(
                    f"would run {direction}() of {repository.single.name} on {_shown_url(args)}\n"
                )
                return EXIT_OK
            repo.run_single(engine, repository.single, direction, reporter=reporter)
        else:
            with engine.connect() as connection:
                current = repo.read_version(connection, repository)
            start = current or 0
            if args.downgrade is not None:
                target = args.downgrade
                if target > start:
                    raise UsageError(
                        f"--downgrade {target}: the database is at version {start}, "
                        "use --version to upgrade"
                    )
            else:
                target = repository.latest if args.version is None else args.version
                if target < start:
                    raise UsageError(
                        f"--version {target}: the database is already at version {start}, "
                        f"use --downgrade {target}"
                    )
            try:
                steps = repository.steps(start, target, engine.dialect.name)
            except MigrateError as exc:
                raise UsageError(str(exc)) from exc
            if args.dry_run:
                where = "not under version control (0)" if current is None else str(start)
                out.write(f"database {_shown_url(args)}: version {where}\n")
                if not steps:
                    out.write("nothing to do\n")
                for step in steps:
                    out.write(f"would run {step.describe()}\n")
                return EXIT_OK
            before, after = repo.migrate(engine, repository, target, reporter=reporter)
            if not steps:
                err.write(f"already at version {after}, nothing to do\n")
            else:
                err.write(f"{repository.id}: version {before} -> {after}\n")
    except repo.MigrationFailed as failure:
        progress.failed()
        err.write(f"changeset: {failure.describe()}\n")
        return EXIT_FAILED
    except SQLAlchemyError as exc:  # cannot connect, cannot read the version table
        progress.failed()
        err.write(f"changeset: {repo.describe_error(exc)}\n")
        return EXIT_FAILED
    finally:
        logging.getLogger("migrate").removeHandler(handler)
    exclude = () if repository.single is not None else (repository.version_table,)
    schema = describe_schema(engine, exclude)
    out.write(schema + "\n" if schema else "(the database has no tables)\n")
    engine.dispose()
    return EXIT_OK


def cmd_version(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    repository = _load(args.path)
    if repository.single is not None:
        raise UsageError("a single script has no versions: give a repository folder")
    engine = _engine(args)
    try:
        with engine.connect() as connection:
            current = repo.read_version(connection, repository)
    except SQLAlchemyError as exc:
        err.write(f"changeset: {repo.describe_error(exc)}\n")
        return EXIT_FAILED
    finally:
        engine.dispose()
    shown = "none (not under version control)" if current is None else str(current)
    out.write(f"repository: {repository.id} ({repository.path})\n")
    out.write(f"database version: {shown}\n")
    out.write(f"latest version: {repository.latest}\n")
    return EXIT_OK


def cmd_sql(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    repository = _load(args.path)
    try:
        repository.steps(
            args.start or 0,
            repository.latest if args.target is None else args.target,
            args.dialect,
        )
    except MigrateError as exc:
        raise UsageError(str(exc)) from exc
    try:
        repo.write_sql(repository, args.dialect, out, args.start, args.target)
    except Exception as error:
        script = _current_script(error)
        where = f" in {script}" if script else ""
        err.write(f"changeset: rendering SQL failed{where}: {repo.describe_error(error)}\n")
        return EXIT_FAILED
    return EXIT_OK


def cmd_port(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from migrate import port  # the [port] extra (libcst) is needed by this command only

    try:
        results = port.port_path(args.path, write=args.write)
    except port.PortError as exc:
        raise UsageError(str(exc)) from exc
    if not args.write:
        out.write("".join(r.diff() for r in results))
    err.write(port.summary(results))
    return EXIT_FAILED if any(r.error for r in results) else EXIT_OK


def _current_script(error: BaseException) -> str | None:
    import traceback

    names = [
        os.path.basename(f.filename)
        for f in traceback.extract_tb(error.__traceback__)
        if f.filename.endswith(".py") and os.path.basename(f.filename)[:1].isdigit()
    ]
    return names[-1] if names else None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``changeset`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on bad arguments
    if args.command is None:
        parser.print_usage(sys.stderr)
        sys.stderr.write("changeset: error: a command is required (run, version, sql)\n")
        return EXIT_USAGE
    commands = {"run": cmd_run, "version": cmd_version, "sql": cmd_sql, "port": cmd_port}
    try:
        return commands[args.command](args, sys.stdout, sys.stderr)
    except UsageError as exc:
        args.parser.print_usage(sys.stderr)
        sys.stderr.write(f"changeset {args.command}: error: {exc}\n")
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
