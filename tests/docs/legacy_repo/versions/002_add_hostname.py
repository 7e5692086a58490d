# ruff: noqa: F403, F405  (sqlalchemy-migrate idiom: star imports)
# Ported from sqlalchemy-migrate 0.13:
#   was: meta = MetaData(bind=migrate_engine)  -- still works, kept as is
#   was: Table("instances", meta, autoload=True)
from sqlalchemy import *

from migrate import *


def upgrade(migrate_engine):
    meta = MetaData(bind=migrate_engine)
    instances = Table("instances", meta, autoload_with=migrate_engine)
    hostname = Column("hostname", String(255), index=True)
    hostname.create(instances, index_name="ix_instances_hostname")


def downgrade(migrate_engine):
    meta = MetaData(bind=migrate_engine)
    instances = Table("instances", meta, autoload_with=migrate_engine)
    instances.c.hostname.drop()
