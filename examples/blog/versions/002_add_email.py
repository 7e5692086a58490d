"""Add users.email: a NOT NULL column, added to a table that may already have rows.

Uses Column.create and Column.drop.
"""

from sqlalchemy import *

from migrate import *


def _users(meta, *extra):
    # Each script describes the table as it is at its version, so that
    # `changeset sql` can render it without a database.
    return Table(
        "users",
        meta,
        Column("id", Integer, primary_key=True),
        Column("name", String(40), nullable=False),
        *extra,
    )


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    users = _users(meta)
    email = Column("email", String(120), nullable=False, server_default="")
    email.create(users)


def downgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    users = _users(meta, Column("email", String(120), nullable=False, server_default=""))
    users.c.email.drop()
