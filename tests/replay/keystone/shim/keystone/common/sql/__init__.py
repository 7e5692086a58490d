"""Stand-in for keystone.common.sql: the JsonBlob type."""

from oslo_serialization import jsonutils
import sqlalchemy as sql
from sqlalchemy import types as sql_types


class JsonBlob(sql_types.TypeDecorator):

    impl = sql.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return jsonutils.dumps(value)

    def process_result_value(self, value, dialect):
        if value is not None:
            value = jsonutils.loads(value)
        return value
