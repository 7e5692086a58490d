"""What the ported scripts call instead of SQLAlchemy's removed implicit execution.

``execute(bind, statement, *args)`` replaces ``engine.execute(statement, *args)`` and
``statement.execute()``: it runs the statement in a transaction of its own (committed, as
the old autocommit did for DML and DDL) and returns a buffered result, on SQLAlchemy 1.4 and
2 alike. A plain string is sent as the driver's SQL, as the old ``engine.execute(str)`` did.
"""

import sqlalchemy as sa


def execute(bind, statement, *args, **kwargs):
    if isinstance(bind, sa.MetaData):
        bind = bind.bind
    if isinstance(bind, sa.engine.Connection):
        # SQLAlchemy < 2 autocommitted DML and DDL on a bare connection; 2 autobegins.
        result = _run(bind, statement, args, kwargs)
        if getattr(bind, "commit", None) and bind.in_transaction():
            bind.commit()
        return result
    with bind.begin() as conn:
        return _run(conn, statement, args, kwargs)


def _run(conn, statement, args, kwargs):
    if isinstance(statement, str):
        result = conn.exec_driver_sql(statement, *args)
    elif kwargs:
        result = conn.execute(statement, kwargs)
    else:
        result = conn.execute(statement, *args)
    if result.returns_rows:
        return result.freeze()()
    return result


def _find_bind(statement):
    from sqlalchemy.sql.util import find_tables

    for candidate in find_tables(statement, include_crud=True):
        metadata = getattr(candidate, "metadata", None)
        if getattr(metadata, "bind", None) is not None:
            return metadata.bind
    raise RuntimeError(f"no bound MetaData behind {statement}")


def run(statement):
    """``statement.execute()`` of SQLAlchemy < 2: the bind of the statement's table's MetaData."""
    return execute(_find_bind(statement), statement)
