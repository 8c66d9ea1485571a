"""The customer on their own phone from a single-use link, without an account: remote acceptance (signing), and
confirming a resolution without a visit (its own blueprint, portal.sign.resolution)."""
from portal.sign import views  # noqa: F401  - importing a route module registers its routes
from portal.sign.blueprint import bp
from portal.sign.resolution import bp as resolution_bp

__all__ = ["bp", "resolution_bp"]
