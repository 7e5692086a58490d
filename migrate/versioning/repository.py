"""Migration repositories: where the scripts are and which version each belongs to.

A *repository* is one of:

* a legacy sqlalchemy-migrate repository: a folder with ``migrate.cfg`` and ``versions/``;
  ``repository_id`` and ``version_table`` come from ``migrate.cfg`` (section
  ``[db_settings]``), as the old tool read them;
* a flat folder of numbered scripts (``001_create_users.py``, ``002_add_email.py`` ...);
  its ``repository_id`` is the folder's name;
* a single ``.py`` script: ``changeset run`` calls its ``upgrade()`` (or ``downgrade()``) once,
  with no version bookkeeping.

Scripts of one version: at most one ``NNN_name.py`` (``upgrade(migrate_engine)`` and
``downgrade(migrate_engine)``), and any number of SQL files named as sqlalchemy-migrate named
them, ``NNN_description_<database>_<upgrade|downgrade>.sql`` (``<database>`` is a dialect
name such as ``postgresql`` or ``default`` for all). A SQL file of this project's own shorter
form, ``NNN_name.sql``, is the upgrade for every database. A SQL file for the connected
dialect wins over ``default``, which wins over the Python script, as in sqlalchemy-migrate.

Versions are recorded exactly as sqlalchemy-migrate recorded them: one row per repository in
``migrate_version (repository_id VARCHAR(250) PRIMARY KEY, repository_path TEXT,
version INTEGER)``, so a database migrated by the old tool continues at its version. The
table and the repository's row are created, at version 0, when absent.

Transactions: each script runs on one connection inside one transaction together with the
update of its version row. On SQLite and PostgreSQL (transactional DDL) a failing script
therefore leaves the database at the previous version with the previous schema. MySQL and
MariaDB commit every DDL statement implicitly; there the statements that ran before the
failure stay, and the version row is not updated.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from migrate.exceptions import (
    InvalidRepositoryError,
    InvalidVersionError,
    PathFoundError,
)
from migrate.versioning.script import Direction, PythonScript, Script
from migrate.versioning.version import Collection, Version, str_to_filename

DEFAULT_VERSION_TABLE = "migrate_version"

SCRIPT_TEMPLATE = '''"""{description}"""

from sqlalchemy import *  # noqa: F403

from migrate import *  # noqa: F403 (the changeset API: Column.create, alter_table ...)


def upgrade(migrate_engine):
    """Change the schema: ``migrate_engine`` is a connection in this version's transaction."""
    meta = MetaData()
    meta.bind = migrate_engine


def downgrade(migrate_engine):
    """Undo upgrade()."""
    meta = MetaData()
    meta.bind = migrate_engine
'''

CONFIG_TEMPLATE = """[db_settings]
# Identifies this repository in the version table of each database.
repository_id={name}

# The table that records the version of each database.
version_table={version_table}

# Read by sqlalchemy-migrate's "commit" command; ignored here.
required_dbs=[]

# True: new scripts are numbered by UTC time (YYYYMMDDHHMMSS) instead of latest + 1.
use_timestamp_numbering={use_timestamp_numbering}
"""

MANAGE_TEMPLATE = """#!/usr/bin/env python
# Runs the `migrate` command with this project's defaults: python {file} upgrade
from migrate.versioning.shell import main

if __name__ == "__main__":
    main({defaults})
"""


class Repository:
    """A folder of numbered migration scripts (or one script: ``single``).

    ``Repository(path)`` reads a sqlalchemy-migrate repository (``migrate.cfg`` +
    ``versions/``), a flat folder of numbered scripts, or one ``.py`` script; raises
    :class:`~migrate.exceptions.InvalidRepositoryError` if ``path`` is none of these.
    ``.path`` (absolute, a string), ``.id``, ``.version_table``, ``.versions``
    (a :class:`~migrate.versioning.version.Collection`), ``.latest`` and ``.version(n)``
    are sqlalchemy-migrate 0.13's.
    """

    def __init__(self, path: str | Path) -> None:
        given = Path(path)
        #: Set when the repository is one script run without version bookkeeping.
        self.single: PythonScript | None = None
        self.version_table = DEFAULT_VERSION_TABLE
        self.use_timestamp_numbering = False
        if given.is_file():
            if given.suffix != ".py":
                raise InvalidRepositoryError(f"{given}: a script must be a .py file")
            self.path = str(given.resolve())
            self.id = given.stem
            self.single = PythonScript(given)
            self.versions = Collection()
            return
        if not given.is_dir():
            raise InvalidRepositoryError(f"{given}: no such file or directory")
        root = given.resolve()
        self.path = str(root)
        self.id = root.name
        config_file = root / "migrate.cfg"
        if not config_file.is_file():
            self.versions = Collection(root)
            if not self.versions:
                raise InvalidRepositoryError(
                    f"{given}: no numbered scripts (001_name.py, ...) found in {root}"
                )
            return
        config = configparser.ConfigParser(interpolation=None)
        try:
            config.read(config_file, encoding="utf-8")
        except configparser.Error as exc:
            raise InvalidRepositoryError(f"{config_file}: {exc}") from exc
        if config.has_section("db_settings"):
            settings = config["db_settings"]
            self.id = settings.get("repository_id", "").strip() or root.name
            self.version_table = settings.get("version_table", "").strip() or self.version_table
            numbering = settings.get("use_timestamp_numbering", "").strip().lower()
            self.use_timestamp_numbering = numbering in ("true", "yes", "on", "1")
        if not (root / "versions").is_dir():
            raise InvalidRepositoryError(f"{root}: has migrate.cfg but no versions/ folder")
        # A sqlalchemy-migrate repository may have no scripts yet (just made by ``create``).
        self.versions = Collection(root / "versions")

    def __repr__(self) -> str:
        return f"<Repository {self.id!r} at {self.path}>"

    @property
    def latest(self) -> int:
        """The highest version number (0 when there are no scripts)."""
        return self.versions.latest

    def version(self, number: int | str | None = None) -> Version:
        """One version (default: the latest); ``VersionNotFoundError`` if there is none."""
        return self.versions.version(number)

    @property
    def scripts_dir(self) -> Path:
        """The folder that holds the numbered scripts."""
        if self.versions.path is not None:
            return self.versions.path
        return Path(self.path)

    def steps(self, current: int, target: int, dialect_name: str) -> list[Step]:
        """The scripts that take a database from ``current`` to ``target``, in order.

        Upgrades run the versions above ``current`` up to ``target``; downgrades run the
        ``downgrade`` of each version from ``current`` down to ``target + 1``. Gaps in the
        numbering are skipped (sqlalchemy-migrate's timestamp numbering leaves them).
        """
        if target > self.latest:
            raise InvalidVersionError(
                f"version {target} is above the repository's latest version {self.latest}"
            )
        if target < 0:
            raise InvalidVersionError(f"version {target} is negative")
        steps: list[Step] = []
        if target >= current:
            numbers = [n for n in sorted(self.versions) if current < n <= target]
            previous = current
            for n in numbers:
                script = self.versions[n].script(dialect_name, "upgrade")
                steps.append(Step(self.versions[n], script, "upgrade", previous, n))
                previous = n
        else:
            numbers = [n for n in sorted(self.versions, reverse=True) if target < n <= current]
            for i, n in enumerate(numbers):
                after = numbers[i + 1] if i + 1 < len(numbers) else target
                script = self.versions[n].script(dialect_name, "downgrade")
                steps.append(Step(self.versions[n], script, "downgrade", n, after))
        return steps

    # ------------------------------------------------------------------ writing scripts

    def _next_number(self) -> int:
        if self.use_timestamp_numbering:
            return int(datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S"))
        return self.latest + 1

    def _write_new(self, name: str, text: str) -> Path:
        path = self.scripts_dir / name
        if path.exists():
            raise PathFoundError(str(path))
        path.write_text(text, encoding="utf-8")
        self.versions.add_file(path)
        return path

    def create_script(self, description: str, **opts: Any) -> Path:
        """Write the next version's Python script (``NNN_description.py``); its path."""
        name = f"{self._next_number():03d}_{str_to_filename(description)}.py"
        docstring = description.replace('"' * 3, "'" * 3)
        return self._write_new(name, SCRIPT_TEMPLATE.format(description=docstring))

    def create_script_sql(self, database: str, description: str, **opts: Any) -> list[Path]:
        """Write the next version's SQL pair for ``database`` (or ``default``); their paths.

        ``NNN_description_<database>_upgrade.sql`` and ``..._downgrade.sql``, empty but for
        a comment, as sqlalchemy-migrate's ``script_sql`` wrote them.
        """
        stem = f"{self._next_number():03d}_{str_to_filename(description)}_{database}"
        return [
            self._write_new(
                f"{stem}_{direction}.sql", f"-- {description}: {direction} for {database}\n"
            )
            for direction in ("upgrade", "downgrade")
        ]

    @classmethod
    def create(cls, path: str | Path, name: str, **opts: Any) -> Repository:
        """Make a new sqlalchemy-migrate repository at ``path`` (which must not exist).

        Writes ``migrate.cfg`` (``repository_id`` = ``name``; ``version_table`` and
        ``use_timestamp_numbering`` from ``opts``), ``versions/``, ``README`` and
        ``manage.py``. Raises :class:`~migrate.exceptions.PathFoundError` if ``path`` exists.
        """
        root = Path(path)
        if root.exists():
            raise PathFoundError(str(root))
        (root / "versions").mkdir(parents=True)
        (root / "versions" / "__init__.py").write_text("", encoding="utf-8")
        (root / "__init__.py").write_text("", encoding="utf-8")
        table = str(opts.get("version_table") or opts.get("table") or DEFAULT_VERSION_TABLE)
        timestamps = str(opts.get("use_timestamp_numbering", False)).lower() in ("true", "1")
        (root / "migrate.cfg").write_text(
            CONFIG_TEMPLATE.format(
                name=name, version_table=table, use_timestamp_numbering=timestamps
            ),
            encoding="utf-8",
        )
        (root / "README").write_text(
            f"Repository {name!r}: numbered migration scripts in versions/.\n"
            "Run them with `changeset run .` or `python manage.py upgrade`.\n",
            encoding="utf-8",
        )
        cls.create_manage_file(root / "manage.py", repository=".")
        return cls(root)

    @classmethod
    def create_manage_file(cls, file: str | Path, **defaults: Any) -> None:
        """Write a ``manage.py`` running the ``migrate`` command with ``defaults``."""
        defaults.setdefault("debug", "False")
        rendered = ", ".join(f"{key}={value!r}" for key, value in sorted(defaults.items()))
        Path(file).write_text(
            MANAGE_TEMPLATE.format(file=Path(file).name, defaults=rendered), encoding="utf-8"
        )


@dataclass(frozen=True)
class Step:
    """One script to run, and the version change it records."""

    version: Version
    script: Script
    direction: Direction
    before: int
    after: int

    def describe(self) -> str:
        return f"{self.script.name} ({self.direction}, version {self.before} -> {self.after})"


def load_repository(path: str | Path) -> Repository:
    """Read a repository, a flat folder of numbered scripts, or a single ``.py`` script.

    Raises :class:`~migrate.exceptions.InvalidRepositoryError` if ``path`` is none of these.
    """
    return Repository(path)
