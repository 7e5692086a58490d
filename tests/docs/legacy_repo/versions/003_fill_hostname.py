# ruff: noqa: F403, F405  (sqlalchemy-migrate idiom: star imports)
# Ported from sqlalchemy-migrate 0.13:
#   was: for row in instances.select().execute(): ...   (implicit execution)
#   was: instances.update().where(...).execute(hostname=...)
from sqlalchemy import *

from migrate import *


def upgrade(migrate_engine):
    meta = MetaData()
    instances = Table("instances", meta, autoload_with=migrate_engine)
    with migrate_engine.begin() as conn:
        for row in conn.execute(select(instances.c.id, instances.c.display_name)).all():
            hostname = (row.display_name or f"instance-{row.id}").lower().replace(" ", "-")
            conn.execute(
                instances.update().where(instances.c.id == row.id).values(hostname=hostname)
            )


def downgrade(migrate_engine):
    meta = MetaData()
    instances = Table("instances", meta, autoload_with=migrate_engine)
    with migrate_engine.begin() as conn:
        conn.execute(instances.update().values(hostname=None))
