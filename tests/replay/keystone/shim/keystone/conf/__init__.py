"""Stand-in for keystone.conf: the one option a script reads, at keystone's default."""


class _Saml(object):
    relay_state_prefix = 'ss:mem:'


class _Conf(object):
    saml = _Saml()


CONF = _Conf()
