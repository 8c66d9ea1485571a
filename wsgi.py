"""Entry point for `flask --app wsgi` and gunicorn (`gunicorn wsgi:app`)."""
import gc
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

# What the start made (modules, the app, its catalogs) lives as long as the process: leave it out of the cyclic
# collector's full passes, which otherwise stalled about one dashboard request in ten by ~250 ms.
gc.freeze()
