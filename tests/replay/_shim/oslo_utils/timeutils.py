"""Stand-in for oslo_utils.timeutils."""

import datetime


def utcnow():
    return datetime.datetime.utcnow().replace(microsecond=0)
