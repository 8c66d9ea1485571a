"""Who wants which message, where and when: the customer's channel per kind of message, opting out, and quiet
hours (22:00-08:00 by default) during which a message waits for the morning, except what cannot wait (P1 and
safety tickets; one-time codes and sign-in or signing links never pass through here)."""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

# What a customer may choose per kind of message: the channel the request came through, one of these, or the
# inbox alone.
CHOICES = ("default", "sms", "email", "inbox")
# The kinds of message a customer may set a channel for (the others follow the request's channel).
KINDS = ("engineer_assigned", "visit_booked", "engineer_on_the_way", "progress_update", "progress_latest",
         "ticket_resolved", "quote_waiting", "ticket_closed", "survey_invitation", "survey_reminder")
# Sent whatever the hour: the engineer is at the door, or the customer is waiting for a P1 / safety fix.
NEVER_HELD = frozenset({"engineer_on_the_way"})


def parse_hours(text: str | None) -> tuple[time, time] | None:
    """"22:00-08:00" -> (22:00, 08:00); empty or malformed: None (no quiet hours)."""
    try:
        start, end = (part.strip() for part in (text or "").split("-", 1))
        return time.fromisoformat(start), time.fromisoformat(end)
    except ValueError:
        return None


@dataclass(frozen=True)
class Preference:
    channels: dict = field(default_factory=dict)  # kind -> one of CHOICES
    opted_out: bool = False
    quiet: tuple[time, time] | None = None

    def channel_for(self, kind: str, default: str) -> str | None:
        """The channel to use, or None for the inbox alone."""
        if self.opted_out:
            return None
        choice = self.channels.get(kind, "default")
        if choice == "inbox":
            return None
        return default if choice not in ("sms", "email") else choice


def in_quiet(moment: time, quiet: tuple[time, time] | None) -> bool:
    if quiet is None or quiet[0] == quiet[1]:
        return False
    start, end = quiet
    return start <= moment < end if start < end else (moment >= start or moment < end)


def held_until(local_now: datetime, quiet: tuple[time, time] | None, *, kind: str, priority: str | None,
               safety: bool) -> datetime | None:
    """When a message written now may go (in the local zone), or None to send it at once."""
    if kind in NEVER_HELD or priority == "P1" or safety or not in_quiet(local_now.time(), quiet):
        return None
    end = local_now.replace(hour=quiet[1].hour, minute=quiet[1].minute, second=0, microsecond=0)
    return end if end > local_now else end + timedelta(days=1)
