"""Create the users table (SQLAlchemy's own Table.create)."""

from sqlalchemy import *

from migrate import *


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    users = Table(
        "users",
        meta,
        Column("id", Integer, primary_key=True),
        Column("name", String(40), nullable=False),
    )
    users.create(migrate_engine)


def downgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    users = Table("users", meta, Column("id", Integer, primary_key=True))
    users.drop(migrate_engine)
