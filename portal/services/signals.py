"""Signals a lower service sends for a higher one to act on without importing it (portal.services.ORDER): the
receiver connects itself when its module is imported, which importing portal.services does for every service."""
from blinker import Namespace

_signals = Namespace()

# The SLA targets of some customers' open tickets may have changed (their tier, the tier's response target, their
# service contracts): sla reads those tickets again at once. Sent with customer_ids=an iterable of ids.
sla_targets_changed = _signals.signal("sla-targets-changed")
