"""Stand-in for the two glance.common.exception classes the scripts raise."""


class GlanceException(Exception):
    def __init__(self, message=None, *args, **kwargs):
        super().__init__(message)


class Invalid(GlanceException):
    pass


class BadStoreUri(GlanceException):
    pass
