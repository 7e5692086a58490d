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

from migrate.exceptions import Error as MigrateError
from migrate.versioning import runner
from migrate.versioning.offline import write_sql
from migrate.versioning.repository import Repository, Step, load_repository
from migrate.versioning.script import Direction, Script
from migrate.versioning.util import quiet_broken_pipe
from migrate.versioning.version_table import create_version, read_version, set_version

DEFAULT_URL = "sqlite:///changeset.db"
URL_ENV = "CHANGESET_URL"
DIALECTS = ("sqlite", "postgresql", "mysql", "mariadb")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

_MAIN_EPILOG = """\
examples:
  changeset create migrations                 a new, empty repository
  changeset script migrations "add email"     the next numbered script
  changeset run examples/blog                 upgrade ./changeset.db to the latest version
  changeset run examples/blog --url postgresql+psycopg://app@localhost/app
  changeset version examples/blog             current and latest version
  changeset history examples/blog             every version, applied or not
  changeset stamp examples/blog --version 3   record version 3, run nothing
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


class CommandFailed(Exception):
    """The command could not do its work (e.g. the database refused): exit 1."""


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
    create = commands.add_parser(
        "create",
        help="make a new, empty repository",
        description="Make a sqlalchemy-migrate repository: migrate.cfg, versions/, manage.py.",
    )
    create.set_defaults(parser=create)
    create.add_argument("path", metavar="PATH", help="the folder to make (must not exist)")
    create.add_argument("--name", help="the repository_id (default: the folder's name)")
    create.add_argument(
        "--version-table", default="migrate_version", help="default: migrate_version"
    )

    diff = commands.add_parser(
        "diff",
        help="compare a model (MetaData) with the database",
        description="Print what must change so the database matches the model: one line "
        "per change, '!' marks changes that can lose data. Exit 0 in sync, 1 different, "
        "2 error.",
        epilog=_DIFF_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    diff.set_defaults(parser=diff)
    diff.add_argument("model", metavar="MODEL", help="module:attribute (MetaData or base)")
    url_option(diff)
    rename_option(diff)
    diff.add_argument(
        "--python", action="store_true", help="print the changeset calls instead of the list"
    )
    diff.add_argument(
        "--sql", action="store_true", help="print the SQL of the upgrade instead of the list"
    )
    diff.add_argument(
        "--dialect",
        choices=DIALECTS,
        help="with --sql: the dialect to render (default: the database's)",
    )

    script = commands.add_parser(
        "script",
        help="write the next numbered script of a repository",
        description="Write the repository's next version: NNN_description.py with "
        "upgrade(migrate_engine) and downgrade(migrate_engine); with --sql DIALECT the pair "
        "NNN_description_<dialect>_upgrade.sql / _downgrade.sql; with --autogenerate MODEL "
        "its upgrade and downgrade generated from the model and the database. Prints the "
        "new file(s).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    script.set_defaults(parser=script)
    script.add_argument("path", metavar="PATH", help="a repository folder")
    script.add_argument("description", metavar="DESCRIPTION", help='e.g. "add email"')
    script.add_argument(
        "--sql",
        metavar="DIALECT",
        help="write SQL files for DIALECT (sqlite, postgresql, mysql, ... or default)",
    )
    script.add_argument("--autogenerate", metavar="MODEL", help="module:attribute to compare")
    url_option(script)
    rename_option(script)

    stamp = commands.add_parser(
        "stamp",
        help="record a version without running scripts",
        description="Record version N in the database's migrate_version table without "
        "running any script: puts a database under version control, or moves it.",
    )
    stamp.set_defaults(parser=stamp)
    stamp.add_argument("path", metavar="PATH", help="a repository folder")
    stamp.add_argument("--version", type=int, required=True, metavar="N", help="the version")
    url_option(stamp)

    history = commands.add_parser(
        "history",
        help="list the versions and which are applied",
        description="List the repository's versions with their descriptions, and which "
        "the database has applied.",
    )
    history.set_defaults(parser=history)
    history.add_argument("path", metavar="PATH", help="a repository folder")
    url_option(history)
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


def rename_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--rename",
        action="append",
        default=[],
        metavar="T.OLD=NEW",
        help="a column (table.old=new) or table (old=new) rename; repeatable",
    )


_DIFF_EPILOG = """examples:
  changeset diff app.models:Base --url postgresql+psycopg://app@localhost/app
  changeset diff app.models:metadata --rename users.name=full_name
  changeset script migrations "add email" --autogenerate app.models:Base
"""


# --------------------------------------------------------------------------------------
# output for people


class _Progress:
    """Progress lines on stderr: ``applying 003_add_email.py ... ok (0.12s)``.

    Log records arriving while a line is open end that line first, so they never run into it.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.open = False

    def start(self, step: Step | None, script: Script) -> None:
        verb = "reverting" if step is not None and step.direction == "downgrade" else "applying"
        self.stream.write(f"{verb} {script.name} ... ")
        self.stream.flush()
        self.open = True

    def done(self, step: Step | None, script: Script, seconds: float) -> None:
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


def _load(path: str) -> Repository:
    try:
        return load_repository(path)
    except MigrateError as exc:
        raise UsageError(str(exc)) from exc


def cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    repository = _load(args.path)
    engine = _engine(args)
    progress = _Progress(err)
    reporter = runner.Reporter(start=progress.start, done=progress.done)
    handler = _setup_logging(progress, args.verbose)
    try:
        if repository.single is not None:
            if args.version is not None:
                raise UsageError("--version needs a repository folder, not a single script")
            direction: Direction = "downgrade" if args.downgrade is not None else "upgrade"
            if args.dry_run:
                out.write(
                    f"would run {direction}() of {repository.single.name} on {_shown_url(args)}\n"
                )
                return EXIT_OK
            runner.run_single(engine, repository.single, direction, reporter=reporter)
        else:
            with engine.connect() as connection:
                current = read_version(connection, repository)
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
            before, after = runner.migrate(engine, repository, target, reporter=reporter)
            if not steps:
                err.write(f"already at version {after}, nothing to do\n")
            else:
                err.write(f"{repository.id}: version {before} -> {after}\n")
    except runner.MigrationFailed as failure:
        progress.failed()
        err.write(f"changeset: {failure.describe()}\n")
        return EXIT_FAILED
    except SQLAlchemyError as exc:  # cannot connect, cannot read the version table
        progress.failed()
        err.write(f"changeset: {runner.describe_error(exc)}\n")
        return EXIT_FAILED
    finally:
        logging.getLogger("migrate").removeHandler(handler)
    exclude = () if repository.single is not None else (repository.version_table,)
    schema = describe_schema(engine, exclude)
    out.write(schema + "\n" if schema else "(the database has no tables)\n")
    engine.dispose()
    return EXIT_OK


def cmd_version(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    repository = _load_versioned(args.path)
    current = _database_version(args, repository)
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
        write_sql(repository, args.dialect, out, args.start, args.target)
    except BrokenPipeError:
        raise
    except Exception as error:
        script = _current_script(error)
        where = f" in {script}" if script else ""
        err.write(f"changeset: rendering SQL failed{where}: {runner.describe_error(error)}\n")
        return EXIT_FAILED
    return EXIT_OK


def cmd_create(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if os.path.exists(args.path):
        raise UsageError(f"{args.path} already exists")
    name = args.name or os.path.basename(os.path.abspath(args.path))
    repository = Repository.create(args.path, name, version_table=args.version_table)
    out.write(f"{repository.path}\n")
    return EXIT_OK


def _write_script(args: argparse.Namespace, out: TextIO) -> int:
    repository = _load_versioned(args.path)
    try:
        if args.sql:
            paths = repository.create_script_sql(args.sql, args.description)
        else:
            paths = [repository.create_script(args.description)]
    except (ValueError, MigrateError) as exc:
        raise UsageError(str(exc)) from exc
    for path in paths:
        out.write(f"{path}\n")
    return EXIT_OK


def cmd_stamp(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    repository = _load_versioned(args.path)
    if not 0 <= args.version <= repository.latest:
        raise UsageError(
            f"--version {args.version}: the repository has versions 0 to {repository.latest}"
        )
    engine = _engine(args)
    try:
        with engine.begin() as connection:
            before = read_version(connection, repository)
            if before is None:
                create_version(connection, repository, args.version)
            else:
                set_version(connection, repository, args.version)
    except SQLAlchemyError as exc:
        err.write(f"changeset: {runner.describe_error(exc)}\n")
        return EXIT_FAILED
    finally:
        engine.dispose()
    was = "not under version control" if before is None else f"was {before}"
    out.write(f"{repository.id}: version {args.version} ({was}); no script was run\n")
    return EXIT_OK


def cmd_history(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    repository = _load_versioned(args.path)
    current = None
    url = make_url(_url(args)) if _is_url(_url(args)) else None
    # A SQLite file that does not exist has no history; do not create it by looking.
    if url is None or url.get_backend_name() != "sqlite" or _sqlite_exists(url.database):
        current = _database_version(args, repository)
    shown = "not under version control" if current is None else f"at version {current}"
    out.write(f"{repository.id} ({repository.path}): the database is {shown}\n")
    for number in sorted(repository.versions):
        version = repository.versions[number]
        state = "applied" if current is not None and number <= current else "pending"
        out.write(f"{number:>4}  {state:<7}  {version.label}  {version.describe()}".rstrip())
        out.write("\n")
    return EXIT_OK


def _database_version(args: argparse.Namespace, repository: Repository) -> int | None:
    """The version the database records for ``repository`` (None: not controlled)."""
    engine = _engine(args)
    try:
        with engine.connect() as connection:
            return read_version(connection, repository)
    except SQLAlchemyError as exc:  # cannot connect, cannot read the version table
        raise CommandFailed(runner.describe_error(exc)) from exc
    finally:
        engine.dispose()


def _is_url(text: str) -> bool:
    try:
        make_url(text)
    except ArgumentError:
        return False
    return True


def _sqlite_exists(database: str | None) -> bool:
    return not database or database == ":memory:" or os.path.exists(database)


def _load_versioned(path: str) -> Repository:
    repository = _load(path)
    if repository.single is not None:
        raise UsageError("a single script has no versions: give a repository folder")
    return repository


def _warn_notes(found: Any, err: TextIO) -> None:
    for note in found.notes:
        err.write(f"changeset: warning: {note}\n")


def _model_and_renames(spec: str, renames: Sequence[str]) -> tuple[Any, dict[str, str]]:
    """MODEL and the --rename options, or a usage error naming what is wrong."""
    from migrate import autogenerate as auto

    try:
        return auto.load_model(spec), auto.parse_renames(renames)
    except MigrateError as exc:
        raise UsageError(str(exc)) from exc


def cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from migrate import autogenerate as auto

    model, renames = _model_and_renames(args.model, args.rename)
    if args.dialect and not args.sql:
        raise UsageError("--dialect goes with --sql")
    engine = _engine(args)
    if args.dialect and args.dialect.replace("mariadb", "mysql") != engine.dialect.name.replace(
        "mariadb", "mysql"
    ):
        raise UsageError(
            f"--dialect {args.dialect}: the database at --url is {engine.dialect.name}; "
            "the SQL is rendered for the database compared"
        )
    try:
        found = auto.diff(model, engine, renames)
        sql = auto.upgrade_sql(found, engine, args.dialect) if args.sql and found else []
    except SQLAlchemyError as exc:
        err.write(f"changeset: {runner.describe_error(exc)}\n")
        return EXIT_USAGE
    except MigrateError as exc:
        err.write(f"changeset: cannot render the SQL: {exc}\n")
        return EXIT_USAGE
    finally:
        engine.dispose()
    _warn_notes(found, err)
    if not found:
        err.write("in sync: no changes\n")
        return EXIT_OK
    if args.sql:
        out.write("\n\n".join(sql) + "\n")
    else:
        out.write((found.to_python() if args.python else str(found)) + "\n")
    return EXIT_FAILED


def cmd_script(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.autogenerate and args.sql:
        raise UsageError("--sql and --autogenerate: choose one")
    if not args.autogenerate:
        if args.rename:
            raise UsageError("--rename goes with --autogenerate")
        return _write_script(args, out)
    return _autogenerate_script(args, out, err)


def _autogenerate_script(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from migrate import autogenerate as auto

    model, renames = _model_and_renames(args.autogenerate, args.rename)
    engine = _engine(args)
    try:
        source, found = auto.autogenerate(model, engine, args.description, renames)
    except SQLAlchemyError as exc:
        err.write(f"changeset: {runner.describe_error(exc)}\n")
        return EXIT_USAGE
    finally:
        engine.dispose()
    _warn_notes(found, err)
    if not found:
        err.write("in sync: no changes, no script written\n")
        return EXIT_OK
    path = auto.next_script_path(args.path, args.description)
    path.write_text(source, encoding="utf-8")
    out.write(f"{path}\n")
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
        sys.stderr.write(
            "changeset: error: a command is required "
            "(run, version, sql, diff, create, script, stamp, history)\n"
        )
        return EXIT_USAGE
    commands = {
        "run": cmd_run,
        "version": cmd_version,
        "sql": cmd_sql,
        "diff": cmd_diff,
        "create": cmd_create,
        "script": cmd_script,
        "stamp": cmd_stamp,
        "history": cmd_history,
        "port": cmd_port,
    }
    try:
        code = commands[args.command](args, sys.stdout, sys.stderr)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        quiet_broken_pipe()
        return EXIT_OK
    except CommandFailed as exc:
        sys.stderr.write(f"changeset: {exc}\n")
        return EXIT_FAILED
    except UsageError as exc:
        args.parser.print_usage(sys.stderr)
        sys.stderr.write(f"changeset {args.command}: error: {exc}\n")
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
