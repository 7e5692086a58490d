"""Stands in for your application: a database with a users table and two rows."""

import sys

import sqlalchemy as sa

url = sys.argv[1] if len(sys.argv) > 1 else "sqlite:///changeset.db"
engine = sa.create_engine(url)
with engine.begin() as conn:
    conn.exec_driver_sql("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL)")
    conn.exec_driver_sql("INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'grace')")
