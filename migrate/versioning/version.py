"""One version of a repository: its Python script and its SQL scripts per database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from migrate.exceptions import InvalidRepositoryError, ScriptError
from migrate.versioning.script import Direction, PythonScript, Script, SqlScript

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

    def script(self, dialect_name: str, direction: Direction) -> Script:
        """The script to run on ``dialect_name``, chosen as sqlalchemy-migrate chose it."""
        for database in (*_DIALECT_ALIASES.get(dialect_name, (dialect_name,)), "default"):
            if (database, direction) in self.sql:
                return self.sql[database, direction]
        if self.python is not None:
            return self.python
        raise ScriptError(f"version {self.number} has no {direction} script for {dialect_name}")

    @property
    def label(self) -> str:
        """A name for people: the Python script's file name, else the first SQL file's."""
        if self.python is not None:
            return self.python.name
        return sorted(s.name for s in self.sql.values())[0]
