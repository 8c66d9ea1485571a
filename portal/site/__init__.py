"""The site's own pages: the start page that sends each role home, the language switch, the service worker,
the favicon and the health check."""
from portal.site import contact_preferences, inbox, views, wechat  # noqa: F401  - importing a route module registers its routes
from portal.site.blueprint import bp

__all__ = ["bp"]
