"""The customer's own view of their tickets and documents."""
from portal.customer import (  # noqa: F401  - importing a route module registers its routes
    account,
    actions,
    bills,
    booking,
    follow,
    points,
    preferences,
    requests,
    views,
)
from portal.customer.blueprint import bp

__all__ = ["bp"]
