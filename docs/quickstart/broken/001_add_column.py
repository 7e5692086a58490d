# ruff: noqa: F403, F405  (sqlalchemy-migrate idiom: star imports)
"""Add users.email, a NOT NULL column filled with '' for the rows already there."""

from sqlalchemy import *

from migrate import *

meta = MetaData()
users = Table(
    "users",
    meta,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False),
)


def upgrade(migrate_engine):
    meta.bind = migrate_engine
    Column("email", String(120), nullable=False, default="").create(users)


def downgrade(migrate_engine):
    meta.bind = migrate_engine
    users.drop_column("email")
