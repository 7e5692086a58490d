"""Models that must compare clean right after ``create_all`` (SPEC §12)."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql


class Mood(enum.Enum):
    happy = "happy"
    sad = "sad"


def generic(meta: sa.MetaData) -> None:
    """Every generic SQLAlchemy type, with defaults, keys, CHECKs and indexes."""
    sa.Table(
        "parent",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(20), unique=True),
    )
    sa.Table(
        "everything",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("s", sa.String(50), server_default="x"),
        sa.Column("s_empty", sa.String(10), server_default=""),
        sa.Column("t", sa.Text, comment="some text"),
        sa.Column("u", sa.Unicode(30)),
        sa.Column("ut", sa.UnicodeText),
        sa.Column("i", sa.Integer, nullable=False, server_default="0"),
        sa.Column("si", sa.SmallInteger),
        sa.Column("bi", sa.BigInteger, server_default=sa.text("7")),
        sa.Column("n", sa.Numeric(10, 2), server_default="0"),
        sa.Column("n0", sa.Numeric),
        sa.Column("f", sa.Float),
        sa.Column("f53", sa.Float(53)),
        sa.Column("d", sa.Date),
        sa.Column("dt", sa.DateTime, server_default=sa.func.now()),
        sa.Column("dts", sa.DateTime, server_default=sa.text("CURRENT_TIMESTAMP")),
        sa.Column("dtz", sa.DateTime(timezone=True)),
        sa.Column("tm", sa.Time),
        sa.Column("b", sa.Boolean, server_default=sa.true()),
        sa.Column("bf", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("bc", sa.Boolean(create_constraint=True)),
        sa.Column("e", sa.Enum("a", "b", name="letters")),
        sa.Column("ec", sa.Enum(Mood, create_constraint=True, name="mood")),
        sa.Column("lb", sa.LargeBinary),
        sa.Column("j", sa.JSON),
        sa.Column("uu", sa.Uuid),
        sa.Column("iv", sa.Interval),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id", ondelete="CASCADE")),
        sa.Column("pcode", sa.String(20), sa.ForeignKey("parent.code", onupdate="SET NULL")),
        sa.Column("idx", sa.Integer, index=True),
        sa.Column("ch", sa.Integer),
        sa.Column("st", sa.String(10)),
        sa.CheckConstraint("ch > 0 AND ch < 100", name="ck_ch"),
        sa.CheckConstraint("i >= 0"),
        sa.CheckConstraint("st IN ('x', 'y')"),
        sa.UniqueConstraint("s", "i"),
        sa.Index("ix_multi", "d", "tm"),
        sa.Index("ux_u", "u", unique=True),
        comment="table comment",
    )
    sa.Table(
        "composite",
        meta,
        sa.Column("a", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("b", sa.String(5), primary_key=True),
        sa.Column("pid", sa.Integer),
        sa.ForeignKeyConstraint(["pid"], ["parent.id"], name="fk_named"),
        sa.UniqueConstraint("b", "pid", name="uq_named"),
        sa.Index("pid", "pid"),  # an index named like its column (MySQL's FK index name)
    )
    # generated keys: identity (PostgreSQL; AUTO_INCREMENT on MySQL), and the
    # AUTOINCREMENT keyword (SQLite; SERIAL / AUTO_INCREMENT elsewhere)
    sa.Table(
        "ident",
        meta,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("v", sa.Integer),
    )
    sa.Table(
        "keyword",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("v", sa.Integer),
        sqlite_autoincrement=True,
    )


def dialect_types(meta: sa.MetaData, backend: str) -> None:
    """The common dialect-specific types of ``backend``."""
    if backend == "postgresql":
        sa.Table(
            "pg_types",
            meta,
            sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
            sa.Column("jb", postgresql.JSONB),
            sa.Column("arr", postgresql.ARRAY(sa.Integer)),
            sa.Column("ip", postgresql.INET),
            sa.Column("ts", postgresql.TIMESTAMP(timezone=True), server_default=sa.func.now()),
            sa.Column("dp", postgresql.DOUBLE_PRECISION),
            sa.Column("r", sa.REAL),
            sa.Column("c", sa.CHAR(3), server_default="abc"),
            sa.Column("by", postgresql.BYTEA),
            sa.Column("tx", sa.Text, server_default=sa.text("'it''s'")),
            sa.Column("seqno", sa.BigInteger, sa.Identity(start=10)),  # not a key
        )
        sa.Table("pg_bigserial", meta, sa.Column("id", sa.BigInteger, primary_key=True))
    elif backend == "mysql":
        sa.Table(
            "my_types",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("ti", mysql.TINYINT),
            sa.Column("mi", mysql.MEDIUMINT),
            sa.Column("ui", mysql.INTEGER(unsigned=True)),
            sa.Column("dbl", mysql.DOUBLE),
            sa.Column("lt", mysql.LONGTEXT),
            sa.Column("mt", mysql.MEDIUMTEXT),
            sa.Column("lb", mysql.LONGBLOB),
            sa.Column("y", mysql.YEAR),
            sa.Column("st", mysql.SET("a", "b")),
            sa.Column("dt6", mysql.DATETIME(fsp=6)),
            sa.Column("c", sa.CHAR(3), server_default="abc"),
        )
    else:
        sa.Table(
            "lite_types",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("clob", sa.CLOB),
            sa.Column("r", sa.REAL),
            sa.Column("dbl", sa.Double),
            sa.Column("nc", sa.NCHAR(4)),
            sa.Column("vb", sa.VARBINARY(10)),
            sa.Column("s", sa.String(5), server_default=""),
        )
