# ruff: noqa: F403, F405  (sqlalchemy-migrate idiom: star imports)
# The unported original of tests/docs/legacy_repo (sqlalchemy-migrate 0.13, SQLAlchemy 1.x).
from sqlalchemy import *

from migrate import *

meta = MetaData()

accounts = Table(
    "accounts",
    meta,
    Column("id", Integer, primary_key=True),
    Column("name", String(64, convert_unicode=True), nullable=False),
    Column("created_at", DateTime),
)

instances = Table(
    "instances",
    meta,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, nullable=False),
    Column("display_name", String(255)),
    Column("state", String(16)),
)


def upgrade(migrate_engine):
    meta.bind = migrate_engine
    accounts.create()
    instances.create()
    accounts.insert().execute(id=1, name="admin")
    migrate_engine.execute(
        instances.insert(),
        {"id": 1, "account_id": 1, "display_name": "Web 1", "state": "active"},
        {"id": 2, "account_id": 1, "display_name": "DB 1", "state": None},
    )


def downgrade(migrate_engine):
    meta.bind = migrate_engine
    instances.drop()
    accounts.drop()
