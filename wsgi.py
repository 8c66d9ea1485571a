"""Entry point for `flask --app wsgi` and gunicorn (`gunicorn wsgi:app`)."""
import sys

from portal import create_app, serving
from portal.config import ConfigError

try:
    app = create_app()
except ConfigError as refused:
    # One line instead of a traceback. Exit status 4 is gunicorn's "App failed to load": the arbiter stops
    # instead of starting worker after worker that would refuse the same way.
    print(f"portal refuses to start: {refused}", file=sys.stderr)
    sys.exit(4)

# What the start made lives as long as the process: out of the cyclic collector's passes, which run less often
# (portal.serving says why and how far).
serving.settle_collector()
