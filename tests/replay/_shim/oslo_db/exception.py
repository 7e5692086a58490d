"""Stand-in for oslo_db.exception."""


class DBError(Exception):
    pass
