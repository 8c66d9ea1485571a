"""The engineer's phone: my jobs, the job page and the on-site forms, and the customer's signature."""
from portal.engineer import bill, remote, steps, views  # noqa: F401  - importing a route module registers its routes
from portal.engineer.blueprint import bp

__all__ = ["bp"]
