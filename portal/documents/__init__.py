"""Downloads of stored files: photos, signatures and PDF documents, each behind the ticket's access check."""
from portal.documents import views  # noqa: F401  - importing a route module registers its routes
from portal.documents.blueprint import bp

__all__ = ["bp"]
