"""Use cases. They change state and flush; the view that called them commits once."""


class ServiceError(Exception):
    """A request the rules refuse; `message` is shown to the user, `status` answers HTTP clients."""

    def __init__(self, message, status: int = 422, field: str | None = None):
        super().__init__(str(message))
        self.message, self.status, self.field = message, status, field
