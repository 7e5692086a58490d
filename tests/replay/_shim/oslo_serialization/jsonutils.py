"""Stand-in for oslo_serialization.jsonutils."""

import json

dumps = json.dumps
loads = json.loads
