"""Stand-in for oslo_utils.uuidutils."""

import uuid


def generate_uuid(dashed=True):
    return str(uuid.uuid4()) if dashed else uuid.uuid4().hex
