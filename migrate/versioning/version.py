"""Versions of a repository: one version's Python and SQL scripts, and the collection of them.

:class:`Collection`, :class:`Version`, :class:`VerNum` and :func:`str_to_filename` keep
sqlalchemy-migrate 0.13's names (``migrate.versioning.version``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from migrate.exceptions import InvalidRepositoryError, ScriptError, VersionNotFoundError
from migrate.versioning.script import Direction, PythonScript, Script, SqlScript

#: ``NNN_description.py`` / ``NNN_description[_database_operation].sql``
VERSIONED_NAME = re.compile(r"^(\d{3,})(?:_.*)?\.(py|sql)$")

_DIALECT_ALIASES = {"postgresql": ("postgresql", "postgres"), "mariadb": ("mariadb", "mysql")}


@dataclass
class Version:
    """The scripts of one version number."""

    number: int
    python: PythonScript | None = None
    #: ``{(database, "upgrade"|"downgrade"): script}``; database ``default`` is for all.
    sql: dict[tuple[str, str], SqlScript] = field(default_factory=dict)

    def add(self, path: Path) -> None:
        if path.suffix == ".py":
            if self.python is not None:
                raise InvalidRepositoryError(
                    f"version {self.number} has two Python scripts: "
                    f"{self.python.name} and {path.name}"
                )
            self.python = PythonScript(path)
            return
        parts = path.stem.split("_")
        if len(parts) >= 3 and parts[-1] in ("upgrade", "downgrade"):
            key = (parts[-2], parts[-1])
        elif len(parts) == 2 and parts[-1] in ("upgrade", "downgrade"):
            key = ("default", parts[-1])
        else:
            key = ("default", "upgrade")
        if key in self.sql:
            raise InvalidRepositoryError(
                f"version {self.number} has two {key[1]} SQL scripts for {key[0]}: "
                f"{self.sql[key].name} and {path.name}"
            )
        self.sql[key] = SqlScript(path)

    @property
    def version(self) -> int:
        """The version number (sqlalchemy-migrate's name)."""
        return self.number

    def script(self, dialect_name: str | None = None, direction: Direction = "upgrade") -> Script:
        """The script to run on ``dialect_name``, chosen as sqlalchemy-migrate chose it.

        Without a dialect name: the Python script (sqlalchemy-migrate's ``script()``).
        """
        if dialect_name is None:
            if self.python is None:
                raise ScriptError(f"version {self.number} has no Python script")
            return self.python
        for database in (*_DIALECT_ALIASES.get(dialect_name, (dialect_name,)), "default"):
            if (database, direction) in self.sql:
                return self.sql[database, direction]
        if self.python is not None:
            return self.python
        raise ScriptError(f"version {self.number} has no {direction} script for {dialect_name}")

    def describe(self) -> str:
        """The first line of the Python script's docstring, else the SQL files' names."""
        if self.python is not None:
            import ast

            try:
                doc = ast.get_docstring(ast.parse(self.python.source()))
            except (SyntaxError, UnicodeDecodeError):
                doc = None
            if doc:
                return doc.strip().splitlines()[0]
        databases = sorted({database for database, _ in self.sql})
        words = self.label.split("_")[1:]
        if words and words[-1].endswith((".sql", ".py")):
            words[-1] = words[-1].rsplit(".", 1)[0]
        if len(words) >= 2 and words[-1] in ("upgrade", "downgrade"):
            words = words[:-2] if len(words) >= 3 else words[:-1]
        return f"{' '.join(words)} (SQL: {', '.join(databases)})".strip()

    @property
    def label(self) -> str:
        """A name for people: the Python script's file name, else the first SQL file's."""
        if self.python is not None:
            return self.python.name
        return sorted(s.name for s in self.sql.values())[0]


class VerNum(int):
    """A version number: a non-negative int (``ValueError`` otherwise), as in 0.13."""

    def __new__(cls, value: object) -> VerNum:
        number = super().__new__(cls, value)  # type: ignore[call-overload]
        if number < 0:
            raise ValueError(f"invalid version {value!r}: versions are never negative")
        return number  # type: ignore[no-any-return]


def str_to_filename(text: str) -> str:
    """A script name from a description: ``"Add users.email"`` -> ``"Add_users_email"``."""
    name = re.sub(r"\W+", "_", text.strip()).strip("_")
    if not name:
        raise ValueError(f"the description {text!r} has no letters or digits for a file name")
    return name


class Collection(dict[int, Version]):
    """The versions of a repository by number, read from the folder of its scripts.

    ``Collection(path)`` reads ``path`` (a repository's ``versions/`` folder); ``.latest``
    is the highest number (0 when empty), ``.version(n)`` one version.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__()
        self.path = None if path is None else Path(path)
        if self.path is None:
            return
        if not self.path.is_dir():
            raise InvalidRepositoryError(f"{self.path}: no such folder of versions")
        for file in sorted(self.path.iterdir()):
            self.add_file(file)

    def add_file(self, file: Path) -> bool:
        """Add ``file`` to its version if its name is a script's; True if it was."""
        match = VERSIONED_NAME.match(file.name)
        if not match or not file.is_file():
            return False
        number = int(match.group(1))
        self.setdefault(number, Version(number)).add(file)
        return True

    @property
    def latest(self) -> int:
        return max(self, default=0)

    def version(self, number: int | str | None = None) -> Version:
        """Version ``number`` (default: the latest).

        Raises ``ValueError`` for a negative or non-numeric number and
        :class:`~migrate.exceptions.VersionNotFoundError` (a ``KeyError``) for a missing one.
        """
        wanted = self.latest if number is None else VerNum(number)
        try:
            return self[wanted]
        except KeyError:
            raise VersionNotFoundError(f"version {wanted} is not in {self.path}") from None
