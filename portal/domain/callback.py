"""The satisfaction call-back of seeds 001 and 004: within 24 h of the fix the customer is asked whether they are
satisfied (满意 / 基本满意 / 不满意). The survey invitation goes at once, one reminder later, and a customer who has
still not answered by CALLBACK_AFTER is called by the desk, in time for the 24 h."""
from datetime import datetime, timedelta

SATISFACTION = ("satisfied", "basically_satisfied", "unsatisfied")
LOW = "unsatisfied"  # a follow-up task for the supervisor, like a low score
REMIND_AFTER = timedelta(hours=8)
CALLBACK_AFTER = timedelta(hours=16)
WITHIN = timedelta(hours=24)


def next_step(closed_at: datetime, now: datetime, *, answered: bool, invited: bool, reminded: bool,
              callback: bool) -> str | None:
    """invite | remind | callback, or None: what the follow-up of a closed ticket needs now (each once)."""
    if answered or callback or now < closed_at:
        return None
    if not invited:
        # Too late for the 24 h promise (the feature came after the ticket closed): nobody is bothered.
        return "invite" if now < closed_at + WITHIN else None
    if now >= closed_at + CALLBACK_AFTER:
        return "callback"
    if not reminded and now >= closed_at + REMIND_AFTER:
        return "remind"
    return None


def callback_due_by(closed_at: datetime) -> datetime:
    return closed_at + WITHIN
