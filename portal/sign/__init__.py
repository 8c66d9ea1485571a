"""Remote acceptance: the customer signs on their own phone from a single-use link, without an account."""
from portal.sign import views  # noqa: F401  - importing a route module registers its routes
from portal.sign.blueprint import bp

__all__ = ["bp"]
