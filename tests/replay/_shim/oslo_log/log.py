"""Stand-in for oslo_log.log: the standard library's loggers."""

import logging


def getLogger(name=None):  # noqa: N802 - the oslo spelling
    return logging.getLogger(name)
