from urllib.parse import *  # noqa: F401,F403
from urllib.parse import quote, unquote, urlparse, urlunparse  # noqa: F401
