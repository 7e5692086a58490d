"""Finding the database an operation runs on.

Order: ``connection=``/``engine=`` keyword, the table's ``MetaData`` bind,
the innermost :func:`bind` block, else :class:`~migrate.exceptions.NoBindError`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.orm import Session

from migrate.exceptions import NoBindError, NoSuchTableError

#: What a caller may hand us as a database.
Bindable: TypeAlias = sa.Engine | sa.Connection | Session

_current: contextvars.ContextVar[tuple[Bindable, ...]] = contextvars.ContextVar(
    "migrate_changeset_bind", default=()
)


@contextmanager
def bind(target: Bindable) -> Iterator[Bindable]:
    """Run changeset operations inside the block on ``target``.

    ``target`` is an Engine, a Connection or an ORM Session. Blocks nest; the
    innermost wins. The binding is a context variable, so threads and asyncio
    tasks each see their own.
    """
    _check_bindable(target, "bind()")
    token = _current.set((*_current.get(), target))
    try:
        yield target
    finally:
        _current.reset(token)


class MetaData(sa.MetaData):
    """A :class:`sqlalchemy.MetaData` that accepts the legacy ``bind=`` argument.

    ``MetaData(bind=engine)`` is what sqlalchemy-migrate scripts wrote; the bind is
    kept as the plain ``bind`` attribute that changeset operations read.
    """

    def __init__(self, bind: Bindable | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        if bind is not None:
            _check_bindable(bind, "MetaData(bind=...)")
        self.bind = bind


def _check_bindable(target: object, where: str) -> None:
    if not isinstance(target, (sa.Engine, sa.Connection, Session)):
        raise NoBindError(
            f"{where} needs an Engine, a Connection or a Session, got {type(target).__name__}"
        )


def metadata_bind(meta: sa.MetaData | None) -> Bindable | None:
    """The legacy ``meta.bind`` attribute, if one is set."""
    found = getattr(meta, "bind", None) if meta is not None else None
    if found is None:
        return None
    _check_bindable(found, "MetaData.bind")
    return found  # type: ignore[no-any-return]


def resolve(
    *,
    connection: Bindable | None = None,
    engine: Bindable | None = None,
    table: sa.Table | None = None,
    what: str = "this operation",
) -> Bindable:
    """Find the bind for ``what`` in the documented order (keyword, MetaData bind, bind() block)."""
    for given, kw in ((connection, "connection="), (engine, "engine=")):
        if given is not None:
            _check_bindable(given, kw)
            return given
    if table is not None:
        found = metadata_bind(table.metadata)
        if found is not None:
            return found
    stack = _current.get()
    if stack:
        return stack[-1]
    raise NoBindError(
        f"No database to run {what} on. Pass connection= or engine=, set the table's "
        "MetaData bind (meta.bind = engine, or migrate.changeset.MetaData(bind=engine)), "
        "or run it inside `with migrate.changeset.bind(engine):`."
    )


def current() -> Bindable | None:
    """The innermost :func:`bind` target, if any."""
    stack = _current.get()
    return stack[-1] if stack else None


def inspect_table(meta: sa.MetaData, name: str, schema: str | None = None) -> sa.Table:
    """Reflect table ``name`` into ``meta`` with the bound database (legacy helper).

    Uses ``meta.bind`` or the current :func:`bind` block.
    """
    target = metadata_bind(meta) or current()
    if target is None:
        raise NoBindError(
            f"inspect_table({name!r}) needs a database: set meta.bind or use "
            "`with migrate.changeset.bind(engine):`."
        )
    conn_source: sa.Engine | sa.Connection = (
        target.connection() if isinstance(target, Session) else target
    )
    try:
        return sa.Table(name, meta, schema=schema, autoload_with=conn_source)
    except sa.exc.NoSuchTableError:
        raise NoSuchTableError(f"Table {name!r} does not exist in the database") from None
