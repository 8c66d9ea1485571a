"""The customer's own view of their tickets and documents."""
from portal.customer import account, actions, bills, follow, requests, views  # noqa: F401  - importing a route module registers its routes
from portal.customer.blueprint import bp

__all__ = ["bp"]
