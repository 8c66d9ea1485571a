"""Stale edits of master data: a form carries a fingerprint of the record as it was shown; if the record has
changed since, the save is refused and the fields others changed are listed, so that nothing is overwritten
unseen and nothing typed is lost."""
import hashlib
import json


def fingerprint(values: dict) -> str:
    """A short digest of a record's saved fields, as text (dates, Decimals and None included)."""
    text = json.dumps({k: None if v is None else str(v) for k, v in values.items()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def is_stale(seen: str | None, values: dict) -> bool:
    """True when the form was shown with other values than the record holds now (no fingerprint: a new form)."""
    return bool(seen) and seen != fingerprint(values)
