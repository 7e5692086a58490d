# ruff: noqa: F403, F405  (sqlalchemy-migrate idiom: star imports)
from sqlalchemy import *

from migrate import *


def upgrade(migrate_engine):
    meta = MetaData(bind=migrate_engine)
    instances = Table("instances", meta, autoload=True)
    hostname = Column("hostname", String(255), index=True)
    hostname.create(instances, index_name="ix_instances_hostname")


def downgrade(migrate_engine):
    meta = MetaData(bind=migrate_engine)
    instances = Table("instances", meta, autoload=True)
    instances.c.hostname.drop()
