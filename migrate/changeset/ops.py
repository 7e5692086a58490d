"""Operations: what the caller asked for, as plain frozen data.

The legacy API and the batch API build these; planners turn them into steps.
SQLAlchemy objects carried here (columns, constraints, types) are never mutated
by planners: they build new objects to render.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

import sqlalchemy as sa


class _Unchanged(enum.Enum):
    UNCHANGED = "UNCHANGED"

    def __repr__(self) -> str:
        return "UNCHANGED"

    def __bool__(self) -> bool:  # an unset value is never truthy by accident
        raise TypeError("UNCHANGED has no truth value; compare with `is UNCHANGED`")


#: Marks an attribute of :class:`AlterColumnOp` that the caller did not mention.
UNCHANGED = _Unchanged.UNCHANGED
Unchanged: TypeAlias = Literal[_Unchanged.UNCHANGED]


@dataclass(frozen=True, slots=True)
class TableRef:
    """A table by name, as the database knows it."""

    name: str
    schema: str | None = None

    @property
    def fullname(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass(frozen=True, slots=True)
class AddColumnOp:
    table: TableRef
    column: sa.Column[Any] = field(compare=False)
    #: fill existing rows with the column's Python-side default
    populate_default: bool = True


@dataclass(frozen=True, slots=True)
class DropColumnOp:
    table: TableRef
    column_name: str


@dataclass(frozen=True, slots=True)
class AlterColumnOp:
    """Change attributes of one column; ``UNCHANGED`` fields are left alone."""

    table: TableRef
    column_name: str
    name: str | Unchanged = UNCHANGED
    type: sa.types.TypeEngine[Any] | Unchanged = field(default=UNCHANGED, compare=False)
    nullable: bool | Unchanged = UNCHANGED
    #: a DefaultClause / text / string, ``None`` to drop the server default
    server_default: Any = field(default=UNCHANGED, compare=False)
    autoincrement: bool | str | Unchanged = UNCHANGED
    primary_key: bool | Unchanged = UNCHANGED
    #: dialect options such as ``postgresql_using``
    dialect_options: tuple[tuple[str, Any], ...] = ()

    def changes(self) -> dict[str, Any]:
        """The attributes that change, by name."""
        changed: dict[str, Any] = {}
        for name in _ALTERABLE:  # a loop, not a comprehension: once or twice per alter (W5)
            value = getattr(self, name)
            if value is not UNCHANGED:
                changed[name] = value
        return changed


#: the attributes of :class:`AlterColumnOp` that change something, in order
_ALTERABLE = ("name", "type", "nullable", "server_default", "autoincrement", "primary_key")


@dataclass(frozen=True, slots=True)
class RenameTableOp:
    table: TableRef
    new_name: str
    #: PostgreSQL: also rename constraints/indexes whose names embed the old table name
    rename_constraints: bool = False


@dataclass(frozen=True, slots=True)
class CreateIndexOp:
    table: TableRef
    name: str
    #: column names (expressions are not supported by the legacy API)
    columns: tuple[str, ...]
    unique: bool = False
    #: dialect keywords such as ``postgresql_where``
    dialect_kw: tuple[tuple[str, Any], ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class DropIndexOp:
    table: TableRef
    index_name: str
    #: dialect keywords such as ``postgresql_concurrently``
    dialect_kw: tuple[tuple[str, Any], ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class RenameIndexOp:
    table: TableRef
    index_name: str
    new_name: str


@dataclass(frozen=True, slots=True)
class AddConstraintOp:
    table: TableRef
    constraint: sa.Constraint = field(compare=False)


ConstraintKind: TypeAlias = Literal["primary_key", "foreign_key", "unique", "check"]


@dataclass(frozen=True, slots=True)
class DropConstraintOp:
    table: TableRef
    #: the name the database knows; None for an unnamed constraint found by ``match``
    constraint_name: str | None
    kind: ConstraintKind | None = None
    cascade: bool = False
    #: the constraint object, when the caller had one (used to find unnamed ones)
    constraint: sa.Constraint | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class ValidateConstraintOp:
    """PostgreSQL ``VALIDATE CONSTRAINT`` of a constraint added ``NOT VALID``."""

    table: TableRef
    constraint_name: str


Op: TypeAlias = (
    AddColumnOp
    | DropColumnOp
    | AlterColumnOp
    | RenameTableOp
    | CreateIndexOp
    | DropIndexOp
    | RenameIndexOp
    | AddConstraintOp
    | DropConstraintOp
    | ValidateConstraintOp
)
