"""Rename posts.body to posts.content (Column.alter(name=...)).

Needs the core's rename-column support.
"""

from sqlalchemy import *

from migrate import *


def _posts(meta, text_column):
    Table("users", meta, Column("id", Integer, primary_key=True))
    return Table(
        "posts",
        meta,
        Column("id", Integer, primary_key=True),
        Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
        Column("title", String(200), nullable=False),
        Column(text_column, Text),
        Column("created_at", DateTime, nullable=False, server_default=func.current_timestamp()),
        Index("ix_posts_user_id", "user_id"),
    )


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    posts = _posts(meta, "body")
    posts.c.body.alter(name="content")


def downgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    posts = _posts(meta, "content")
    posts.c.content.alter(name="body")
