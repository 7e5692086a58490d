"""Stand-in for glance.i18n: no translation."""


def _(msg):
    return msg


_LE = _LI = _LW = _
