"""Sign-in and sign-out."""
from portal.auth import account, links, track, views  # noqa: F401  - importing a route module registers its routes
from portal.auth.blueprint import bp

__all__ = ["bp"]
