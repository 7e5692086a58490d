# Copyright (c) 2013 OpenStack Foundation; Apache License 2.0 (see ../../../../LICENSE).
# Replay helper: heat.db.sqlalchemy.utils' clone_table and migrate_data, written so they run
# on SQLAlchemy 1.4 and 2 alike (the bind comes from the MetaData the script bound, as
# sqlalchemy-migrate scripts did; no Table.copy(), no implicit execution, no `retrying`).

import sqlalchemy


def _bind(meta):
    return getattr(meta, "bind", None)


def _fk_key(cons):
    return (cons.name or "", tuple(cons.column_keys),
            tuple(fk.target_fullname for fk in cons.elements))


def clone_table(name, parent, meta, newcols=None, ignorecols=None,
                swapcols=None, ignorecons=None):
    """Helper function that clones parent table schema onto new table."""

    newcols = newcols or []
    ignorecols = ignorecols or []
    swapcols = swapcols or {}
    ignorecons = ignorecons or []

    cols = [c._copy() for c in parent.columns
            if c.name not in ignorecols
            if c.name not in swapcols]
    cols.extend(swapcols.values())
    cols.extend(newcols)
    new_table = sqlalchemy.Table(name, meta, *(cols))

    def _is_ignorable(cons):
        # consider constraints on columns only
        if hasattr(cons, 'columns'):
            for col in ignorecols:
                if col in cons.columns:
                    return True

        return False

    # Replay helper: copy from a list, never from the live set. Copying a primary key,
    # UNIQUE or CHECK with its parent's Column objects attaches the copy to the parent
    # (SQLAlchemy attaches a constraint whose columns all belong to one table), which
    # swaps an element of parent.constraints while the original helper iterated it: the
    # iteration then skipped or repeated constraints depending on object ids, and a
    # foreign key of `stack` went missing in some runs of 056 (on both stacks).
    # target_table= makes such a copy use the new table's columns instead.
    constraints = [c._copy() if isinstance(c, sqlalchemy.ForeignKeyConstraint)
                   else c._copy(target_table=new_table)
                   for c in list(parent.constraints)
                   if c.name not in ignorecons
                   if not _is_ignorable(c)]

    # Replay helper: append each foreign key once, in a stable order. The reflected
    # Table's constraint set is unordered and, on SQLite, may hold the same unnamed
    # foreign key twice; the original helper then wrote duplicates or not depending on
    # the set's order (and differently on SQLAlchemy 1.4 and 2).
    fks = sorted((c for c in constraints
                  if isinstance(c, sqlalchemy.ForeignKeyConstraint)), key=_fk_key)
    others = [c for c in constraints
              if not isinstance(c, sqlalchemy.ForeignKeyConstraint)]
    seen = set()
    for c in others + fks:
        if isinstance(c, sqlalchemy.ForeignKeyConstraint):
            if _fk_key(c) in seen:
                continue
            seen.add(_fk_key(c))
        new_table.append_constraint(c)

    new_table.create(_bind(meta))
    return new_table


def migrate_data(migrate_engine,
                 table,
                 new_table,
                 skip_columns=None):

    table_name = table.name

    with migrate_engine.begin() as conn:
        list_of_rows = list(conn.execute(table.select()))

    colnames = [c.name for c in table.columns]

    for row in list_of_rows:
        values = dict(zip(colnames,
                          map(lambda colname: getattr(row, colname),
                              colnames)))
        if skip_columns is not None:
            for column in skip_columns:
                del values[column]

        with migrate_engine.begin() as conn:
            conn.execute(new_table.insert().values(values))

    table.drop(migrate_engine)

    new_table.rename(table_name)
