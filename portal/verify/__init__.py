"""The public verify page: anyone holding a confirmation checks it against the archived original."""
from portal.verify import views  # noqa: F401  - importing a route module registers its routes
from portal.verify.blueprint import bp

__all__ = ["bp"]
