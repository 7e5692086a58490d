"""Stand-in for keystone.identity.mapping_backends.mapping."""


class EntityType(object):
    USER = 'user'
    GROUP = 'group'
