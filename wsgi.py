"""Entry point for `flask --app wsgi` and gunicorn (`gunicorn wsgi:app`)."""
import sys

from portal import create_app
from portal.config import ConfigError

try:
    app = create_app()
except ConfigError as refused:
    # One line instead of a traceback. Exit status 4 is gunicorn's "App failed to load": the arbiter stops
    # instead of starting worker after worker that would refuse the same way.
    print(f"portal refuses to start: {refused}", file=sys.stderr)
    sys.exit(4)
