"""Make users.email unique (UniqueConstraint(...).create() / .drop()).

Needs the core's constraint support.
"""

from sqlalchemy import *

from migrate import *


def _unique(meta):
    users = Table(
        "users",
        meta,
        Column("id", Integer, primary_key=True),
        Column("name", String(40), nullable=False),
        Column("email", String(120), nullable=False, server_default=""),
    )
    return UniqueConstraint("email", table=users, name="uq_users_email")


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    _unique(meta).create()


def downgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    _unique(meta).drop()
