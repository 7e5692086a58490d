# ruff: noqa: F403, F405  (sqlalchemy-migrate idiom: star imports)
# Ported from sqlalchemy-migrate 0.13:
#   was: accounts.create() / instances.create() / .drop()  (SQLAlchemy's own Table.create
#        needs its bind in SQLAlchemy 2: pass migrate_engine)
#   migrate_engine.execute(...) is unchanged: changeset run's migrate_engine is a Connection.
from sqlalchemy import *

from migrate import *

meta = MetaData()

accounts = Table(
    "accounts",
    meta,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
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
    accounts.create(migrate_engine)
    instances.create(migrate_engine)
    migrate_engine.execute(accounts.insert().values(id=1, name="admin"))
    migrate_engine.execute(
        instances.insert(),
        [
            {"id": 1, "account_id": 1, "display_name": "Web 1", "state": "active"},
            {"id": 2, "account_id": 1, "display_name": "DB 1", "state": None},
        ],
    )


def downgrade(migrate_engine):
    meta.bind = migrate_engine
    instances.drop(migrate_engine)
    accounts.drop(migrate_engine)
