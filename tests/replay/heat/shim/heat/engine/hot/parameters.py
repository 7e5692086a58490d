"""Stand-in for heat.engine.hot.parameters: the constant 037 reads."""


class HOTParamSchema(object):
    TYPES = ('string', 'number', 'json', 'comma_delimited_list', 'boolean')
