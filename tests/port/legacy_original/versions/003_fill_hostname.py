# ruff: noqa: F403, F405  (sqlalchemy-migrate idiom: star imports)
from sqlalchemy import *

from migrate import *


def upgrade(migrate_engine):
    meta = MetaData(bind=migrate_engine)
    instances = Table("instances", meta, autoload=True)
    for row in select([instances.c.id, instances.c.display_name]).execute():
        hostname = (row.display_name or f"instance-{row.id}").lower().replace(" ", "-")
        instances.update().where(instances.c.id == row.id).execute(hostname=hostname)


def downgrade(migrate_engine):
    meta = MetaData(bind=migrate_engine)
    instances = Table("instances", meta, autoload=True)
    instances.update().execute(hostname=None)
