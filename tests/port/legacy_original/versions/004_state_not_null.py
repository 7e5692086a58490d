# ruff: noqa: F403, F405  (sqlalchemy-migrate idiom: star imports)
from sqlalchemy import *

from migrate import *


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    instances = Table("instances", meta, autoload=True)
    # rows created before states existed are still building
    migrate_engine.execute("UPDATE instances SET state = 'building' WHERE state IS NULL")
    instances.c.state.alter(type=String(32), nullable=False, server_default="building")
    instances.c.display_name.alter(name="name")


def downgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    instances = Table("instances", meta, autoload=True)
    instances.c.name.alter(name="display_name")
    instances.c.state.alter(type=String(16), nullable=True, server_default=None)
