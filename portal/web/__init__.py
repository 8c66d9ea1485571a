"""Request plumbing shared by every blueprint: rendering a page or its fragment, access checks, errors, the one
form-handling path, idempotent replays, conflicts, rate limits, the session cookie and template helpers."""
