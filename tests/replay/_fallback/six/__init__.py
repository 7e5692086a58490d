"""Stand-in for the few parts of six the replayed scripts use (Python 3 only)."""

from six import moves  # noqa: F401

text_type = str
string_types = (str,)
binary_type = bytes
integer_types = (int,)
PY3 = True


def iteritems(d):
    return iter(d.items())


def itervalues(d):
    return iter(d.values())


def iterkeys(d):
    return iter(d.keys())
