# ruff: noqa: F403, F405  (sqlalchemy-migrate idiom: star imports)
# Ported from sqlalchemy-migrate 0.13:
#   was: instances = Table("instances", meta, autoload=True)
#   was: migrate_engine.execute("UPDATE instances SET state = 'building' ...")  (still works:
#        changeset run's migrate_engine runs a plain string as written)
from sqlalchemy import *

from migrate import *


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    instances = Table("instances", meta, autoload_with=migrate_engine)
    migrate_engine.execute("UPDATE instances SET state = 'building' WHERE state IS NULL")
    instances.c.state.alter(type=String(32), nullable=False, server_default="building")
    instances.c.display_name.alter(name="name")


def downgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    instances = Table("instances", meta, autoload_with=migrate_engine)
    instances.c.name.alter(name="display_name")
    instances.c.state.alter(type=String(16), nullable=True, server_default=None)
