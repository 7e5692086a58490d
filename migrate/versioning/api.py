"""sqlalchemy-migrate 0.13's versioning API, over this project's runner.

Every function takes ``url`` as a URL string or an Engine (an Engine made here from a
string is disposed of afterwards; ``engine_dict={...}`` and ``engine_arg_NAME=...`` go to
``create_engine``) and ``repository`` as a path or a
:class:`~migrate.versioning.repository.Repository`. Return values and exceptions are
0.13's; the scripts run in :mod:`migrate.versioning.runner`, the code under
``changeset run`` (one transaction per script and its version bump where the database
allows; two upgraders at once apply each version once).

A failing script's own exception reaches the caller (oslo.db's test mixin catches a
downgrade's ``NotImplementedError``); on Python 3.11+ it carries a note saying which
script failed and whether it was rolled back.
"""

from __future__ import annotations

import inspect
import io
import logging
import os
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from migrate import exceptions
from migrate.changeset.diff import compare_info
from migrate.changeset.diff.model import schema_of
from migrate.versioning import runner
from migrate.versioning.offline import write_sql
from migrate.versioning.repository import Repository
from migrate.versioning.schema import (
    ControlledSchema,
    check_target,
    run_to,
    unwrap_script_error,
)
from migrate.versioning.script import PythonScript
from migrate.versioning.util import as_repository, load_metadata, with_engine
from migrate.versioning.version import VerNum

log = logging.getLogger("migrate.versioning.api")

command_desc = {
    "help": "displays help on a given command",
    "create": "create an empty repository at the specified path",
    "script": "create an empty change Python script",
    "script_sql": "create empty change SQL scripts for given database",
    "version": "display the latest version available in a repository",
    "db_version": "show the current version of the repository under version control",
    "source": "display the Python code for a particular version in this repository",
    "version_control": "mark a database as under this repository's version control",
    "upgrade": "upgrade a database to a later version",
    "downgrade": "downgrade a database to an earlier version",
    "drop_version_control": "removes version control from a database",
    "manage": "creates a Python script that runs Migrate with a set of default values",
    "test": "performs the upgrade and downgrade command on the given database",
    "compare_model_to_db": "compare MetaData against the current database state",
    "create_model": "dump the current database as a Python model to stdout",
    "make_update_script_for_model": "create a script changing the old MetaData to the new "
    "(current) MetaData",
    "update_db_from_model": "modify the database to match the structure of the current MetaData",
}

__all__ = list(command_desc)

Url = Engine | str
RepositoryArg = Repository | str | Path


def help(cmd: str | None = None, **opts: Any) -> str:
    """%prog help COMMAND

    Displays help on a given command.
    """
    if cmd is None:
        raise exceptions.UsageError(None)
    function = globals().get(cmd) if cmd in command_desc else None
    if function is None:
        raise exceptions.UsageError(f"'{cmd}' isn't a valid command. Try 'help COMMAND'")
    text = inspect.getdoc(function) or ""
    return text.replace("%prog", os.path.basename(sys.argv[0]) or "migrate")


def create(repository: str | Path, name: str, **opts: Any) -> None:
    """%prog create REPOSITORY_PATH NAME [--table=TABLE]

    Create an empty repository at the specified path.

    You can specify the version_table to be used; by default, it is
    'migrate_version'. This table is created in all version-controlled
    databases.
    """
    try:
        Repository.create(repository, name, **opts)
    except exceptions.PathFoundError as exc:
        raise exceptions.KnownError(f"The path {exc.args[0]} already exists") from exc


def script(description: str, repository: RepositoryArg, **opts: Any) -> None:
    """%prog script DESCRIPTION REPOSITORY_PATH

    Create an empty change script using the next unused version number
    appended with the given description.

    For instance, manage.py script "Add initial tables" creates:
    repository/versions/001_Add_initial_tables.py
    """
    try:
        as_repository(repository).create_script(description, **opts)
    except exceptions.PathFoundError as exc:
        raise exceptions.KnownError(f"The path {exc.args[0]} already exists") from exc


def script_sql(database: str, description: str, repository: RepositoryArg, **opts: Any) -> None:
    """%prog script_sql DATABASE DESCRIPTION REPOSITORY_PATH

    Create empty change SQL scripts for given DATABASE, where DATABASE
    is either specific ('postgresql', 'mysql', 'sqlite', etc.)
    or generic ('default').

    For instance, manage.py script_sql postgresql description creates:
    repository/versions/001_description_postgresql_upgrade.sql and
    repository/versions/001_description_postgresql_downgrade.sql
    """
    try:
        as_repository(repository).create_script_sql(database, description, **opts)
    except exceptions.PathFoundError as exc:
        raise exceptions.KnownError(f"The path {exc.args[0]} already exists") from exc


def version(repository: RepositoryArg, **opts: Any) -> VerNum:
    """%prog version REPOSITORY_PATH

    Display the latest version available in a repository.
    """
    return VerNum(as_repository(repository).latest)


def db_version(url: Url, repository: RepositoryArg, **opts: Any) -> VerNum:
    """%prog db_version URL REPOSITORY_PATH

    Show the current version of the repository with the given
    connection string, under version control of the specified
    repository.

    The url should be any valid SQLAlchemy connection string.
    """
    repo = as_repository(repository)
    with with_engine(url, **opts) as engine:
        return VerNum(ControlledSchema(engine, repo).version)


def source(
    version: int, dest: str | None = None, repository: RepositoryArg | None = None, **opts: Any
) -> str | None:
    """%prog source VERSION [DESTINATION] --repository=REPOSITORY_PATH

    Display the Python code for a particular version in this
    repository.  Save it to the file at DESTINATION or, if omitted,
    send to stdout.
    """
    if repository is None:
        raise exceptions.UsageError("A repository must be specified")
    text = as_repository(repository).version(version).script().source()
    if dest is None:
        return text
    Path(dest).write_text(text, encoding="utf-8")
    return None


def upgrade(url: Url, repository: RepositoryArg, version: Any = None, **opts: Any) -> None:
    """%prog upgrade URL REPOSITORY_PATH [VERSION] [--preview_py|--preview_sql]

    Upgrade a database to a later version.

    This runs the upgrade() function defined in your change scripts.

    By default, the database is updated to the latest available
    version. You may specify a version instead, if you wish.

    You may preview the Python or SQL code to be executed, rather than
    actually executing it, using the appropriate 'preview' option.
    """
    _migrate(url, repository, version, True, opts)


def downgrade(url: Url, repository: RepositoryArg, version: Any, **opts: Any) -> None:
    """%prog downgrade URL REPOSITORY_PATH VERSION [--preview_py|--preview_sql]

    Downgrade a database to an earlier version.

    This is the reverse of upgrade; this runs the downgrade() function
    defined in your change scripts.

    You may preview the Python or SQL code to be executed, rather than
    actually executing it, using the appropriate 'preview' option.
    """
    _migrate(url, repository, version, False, opts)


def test(url: Url, repository: RepositoryArg, **opts: Any) -> None:
    """%prog test URL REPOSITORY_PATH [VERSION]

    Performs the upgrade and downgrade option on the given
    database. This is not a real test and may leave the database in a
    bad state. You should therefore better run the test on a copy of
    your database.
    """
    repo = as_repository(repository)
    with with_engine(url, **opts) as engine:
        latest = repo.version(None)
        for direction in ("upgrade", "downgrade"):
            log.info("%s...", "Upgrading" if direction == "upgrade" else "Downgrading")
            script_ = latest.script(engine.dialect.name, direction)
            unwrap_script_error(runner.run_single, engine, script_, direction)
            log.info("done")
        log.info("Success")


def version_control(url: Url, repository: RepositoryArg, version: Any = None, **opts: Any) -> None:
    """%prog version_control URL REPOSITORY_PATH [VERSION]

    Mark a database as under this repository's version control.

    Once a database is under version control, schema changes should
    only be done via change scripts in this repository.

    This creates the table version_table in the database.

    The url should be any valid SQLAlchemy connection string.

    By default, the database begins at version 0 and is assumed to be
    empty.  If the database is not empty, you may specify a version at
    which to begin instead. No attempt is made to verify this
    version's correctness - the database schema is expected to be
    identical to what it would be if the database were created from
    scratch.
    """
    repo = as_repository(repository)
    with with_engine(url, **opts) as engine:
        ControlledSchema.create(engine, repo, version)


def drop_version_control(url: Url, repository: RepositoryArg, **opts: Any) -> None:
    """%prog drop_version_control URL REPOSITORY_PATH

    Removes version control from a database: this repository's row of the
    version table, and the table when no other repository has a row.
    """
    repo = as_repository(repository)
    with with_engine(url, **opts) as engine:
        ControlledSchema(engine, repo).drop()


def manage(file: str | Path, **opts: Any) -> None:
    """%prog manage FILENAME [VARIABLES...]

    Creates a script that runs Migrate with a set of default values.

    For example::

        %prog manage manage.py --repository=/path/to/repository \
--url=sqlite:///project.db

    would create the script manage.py. The following two commands
    would then have exactly the same results::

        python manage.py version
        %prog version --repository=/path/to/repository
    """
    Repository.create_manage_file(file, **opts)


def compare_model_to_db(url: Url, repository: RepositoryArg, model: Any, **opts: Any) -> Any:
    """%prog compare_model_to_db URL REPOSITORY_PATH MODEL

    Compare the current model (assumed to be a module level variable
    of type sqlalchemy.MetaData) against the current database.
    """
    repo = as_repository(repository)
    with with_engine(url, **opts) as engine:
        return ControlledSchema.compare_model_to_db(engine, model, repo)


def create_model(url: Url, repository: RepositoryArg, **opts: Any) -> str:
    """%prog create_model URL REPOSITORY_PATH [DECLERATIVE=True]

    Dump the current database as a Python model to stdout: Core Table
    definitions on a module-level MetaData named meta.
    """
    repo = as_repository(repository)
    with with_engine(url, **opts) as engine:
        return ControlledSchema.create_model(engine, repo, bool(opts.get("declarative")))


def make_update_script_for_model(
    url: Url, repository: RepositoryArg, oldmodel: Any, model: Any, **opts: Any
) -> str:
    """%prog make_update_script_for_model URL OLDMODEL MODEL REPOSITORY_PATH

    Create a script changing the old Python model to the new (current)
    Python model, sending to stdout.

    The two models are compared with each other (no database is read; the URL names
    the dialect the script is written for), and the script's downgrade reverses it.
    """
    as_repository(repository)
    old, new = load_metadata(oldmodel), load_metadata(model)
    with with_engine(url, **opts) as engine:
        dialect = engine.dialect  # the script is written for the database's dialect
    db = schema_of([t for t in old.tables.values() if t.schema is None], dialect)
    return compare_info(db, new, dialect).script("update from model")


def update_db_from_model(url: Url, repository: RepositoryArg, model: Any, **opts: Any) -> None:
    """%prog update_db_from_model URL REPOSITORY_PATH MODEL

    Modify the database to match the structure of the current Python
    model. This also sets the db_version number to the latest in the
    repository.
    """
    repo = as_repository(repository)
    with with_engine(url, **opts) as engine:
        ControlledSchema(engine, repo).update_db_from_model(model)


# --------------------------------------------------------------------------------------


def _reporter() -> runner.Reporter:
    def start(step: Any, script_: Any) -> None:
        if step is not None:
            log.info("%s -> %s... ", step.before, step.after)

    def done(step: Any, script_: Any, seconds: float) -> None:
        log.info("done")

    return runner.Reporter(start=start, done=done)


def _migrate(
    url: Url, repository: RepositoryArg, version: Any, upward: bool, opts: dict[str, Any]
) -> None:
    repo = as_repository(repository)
    with with_engine(url, **opts) as engine:
        schema = ControlledSchema(engine, repo)  # DatabaseNotControlledError: nothing changed
        target = check_target(repo, version)
        if target is not None and (schema.version > target if upward else schema.version < target):
            verb, other = ("upgrade", "downgrade") if upward else ("downgrade", "upgrade")
            raise exceptions.KnownError(
                f"Cannot {verb} a database of version {schema.version} to version {target}. "
                f"Try '{other}' instead."
            )
        if opts.get("preview_sql") or opts.get("preview_py"):
            _preview(engine, schema, target, bool(opts.get("preview_sql")))
            return
        run_to(engine, repo, target, _reporter())


def _preview(engine: Engine, schema: ControlledSchema, target: int | None, sql: bool) -> None:
    """Log what an upgrade/downgrade would run: its SQL, or its Python functions."""
    repo = schema.repository
    end = repo.latest if target is None else target
    if sql:
        out = io.StringIO()
        write_sql(repo, engine.dialect.name, out, schema.version, end)
        log.info("%s", out.getvalue().rstrip("\n"))
        return
    for step in repo.steps(schema.version, end, engine.dialect.name):
        if not isinstance(step.script, PythonScript):
            raise exceptions.UsageError("Python source can be only displayed for python scripts")
        log.info("%s -> %s... ", step.before, step.after)
        log.info("%s", inspect.getsource(step.script.function(step.direction)))
