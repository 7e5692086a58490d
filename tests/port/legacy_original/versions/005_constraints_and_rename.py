# ruff: noqa: F403, F405  (sqlalchemy-migrate idiom: star imports)
from sqlalchemy import *

from migrate import *
from migrate.changeset.constraint import ForeignKeyConstraint, UniqueConstraint


def upgrade(migrate_engine):
    meta = MetaData(bind=migrate_engine)
    accounts = Table("accounts", meta, autoload=True)
    instances = Table("instances", meta, autoload=True)
    UniqueConstraint(
        "account_id", "hostname", table=instances, name="uq_instances_account_hostname"
    ).create()
    ForeignKeyConstraint(
        [instances.c.account_id], [accounts.c.id], name="fk_instances_account"
    ).create()
    accounts.rename("projects")


def downgrade(migrate_engine):
    meta = MetaData(bind=migrate_engine)
    projects = Table("projects", meta, autoload=True)
    instances = Table("instances", meta, autoload=True)
    projects.rename("accounts")
    ForeignKeyConstraint(
        [instances.c.account_id], [projects.c.id], name="fk_instances_account"
    ).drop()
    UniqueConstraint(
        "account_id", "hostname", table=instances, name="uq_instances_account_hostname"
    ).drop()
