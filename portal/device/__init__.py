"""The public page a device label's QR code opens: report a fault on the unit without an account, and the
owner's view of the unit's service life."""
from portal.device import views  # noqa: F401  - importing a route module registers its routes
from portal.device.blueprint import bp

__all__ = ["bp"]
