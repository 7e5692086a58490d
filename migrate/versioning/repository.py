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
import re
from dataclasses import dataclass, field
from pathlib import Path

from migrate.exceptions import InvalidRepositoryError, InvalidVersionError
from migrate.versioning.script import Direction, PythonScript, Script
from migrate.versioning.version import Version

DEFAULT_VERSION_TABLE = "migrate_version"

_VERSIONED_NAME = re.compile(r"^(\d{3,})(?:_.*)?\.(py|sql)$")


@dataclass
class Repository:
    """A folder of numbered migration scripts (or one script: ``single``)."""

    path: Path
    id: str
    version_table: str = DEFAULT_VERSION_TABLE
    versions: dict[int, Version] = field(default_factory=dict)
    #: Set when the repository is one script run without version bookkeeping.
    single: PythonScript | None = None

    @property
    def latest(self) -> int:
        return max(self.versions, default=0)

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
    path = Path(path)
    if path.is_file():
        if path.suffix != ".py":
            raise InvalidRepositoryError(f"{path}: a script must be a .py file")
        return Repository(path=path.resolve(), id=path.stem, single=PythonScript(path))
    if not path.is_dir():
        raise InvalidRepositoryError(f"{path}: no such file or directory")
    root = path.resolve()
    config_file = root / "migrate.cfg"
    repository = Repository(path=root, id=root.name)
    scripts_dir = root
    if config_file.is_file():
        config = configparser.ConfigParser(interpolation=None)
        try:
            config.read(config_file, encoding="utf-8")
        except configparser.Error as exc:
            raise InvalidRepositoryError(f"{config_file}: {exc}") from exc
        if config.has_section("db_settings"):
            settings = config["db_settings"]
            repository.id = settings.get("repository_id", "").strip() or root.name
            repository.version_table = (
                settings.get("version_table", "").strip() or DEFAULT_VERSION_TABLE
            )
        scripts_dir = root / "versions"
        if not scripts_dir.is_dir():
            raise InvalidRepositoryError(f"{root}: has migrate.cfg but no versions/ folder")
    for file in sorted(scripts_dir.iterdir()):
        match = _VERSIONED_NAME.match(file.name)
        if not match or not file.is_file():
            continue
        number = int(match.group(1))
        repository.versions.setdefault(number, Version(number)).add(file)
    if not repository.versions:
        raise InvalidRepositoryError(
            f"{path}: no numbered scripts (001_name.py, ...) found in {scripts_dir}"
        )
    return repository
