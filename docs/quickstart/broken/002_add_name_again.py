# ruff: noqa: F403, F405  (sqlalchemy-migrate idiom: star imports)
"""A broken migration: users already has a name column."""

from sqlalchemy import *

from migrate import *


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    users = Table("users", meta, autoload_with=migrate_engine)
    Column("name", String(40)).create(users)


def downgrade(migrate_engine):
    pass
