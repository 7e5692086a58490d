"""Create the posts table, with a foreign key to users and an index."""

from sqlalchemy import *

from migrate import *


def _tables(meta):
    Table("users", meta, Column("id", Integer, primary_key=True))
    return Table(
        "posts",
        meta,
        Column("id", Integer, primary_key=True),
        Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
        Column("title", String(200), nullable=False),
        Column("body", Text),
        Column("created_at", DateTime, nullable=False, server_default=func.current_timestamp()),
        Index("ix_posts_user_id", "user_id"),
    )


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    posts = _tables(meta)
    posts.create(migrate_engine)


def downgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    posts = _tables(meta)
    posts.drop(migrate_engine)
