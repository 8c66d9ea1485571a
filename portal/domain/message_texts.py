"""Admin-written message texts: `{name}` placeholders, only those the kind of message offers, substituted as plain
text (no attribute or index access, no format specs: a text can never reach into the portal's objects). An unknown
or malformed placeholder is refused when the text is saved, never at sending time."""
import re

LOCALES = ("zh_CN", "en")
# Kind -> the placeholders its text may use.
VARIABLES = {
    "ticket_registered": ("number",),
    "engineer_assigned": ("number", "engineer"),
    "visit_booked": ("number", "engineer", "at"),
    "engineer_on_the_way": ("number", "engineer", "eta"),
    "progress_update": ("number", "text"),
    "progress_latest": ("number", "text"),
    "ticket_resolved": ("number",),
    "quote_waiting": ("number",),
    "signing_link_sent": ("number",),
    "ticket_closed": ("number",),
    "survey_invitation": ("number", "link"),
    "survey_reminder": ("number", "link"),
    "new_assignment": ("number", "priority"),
    "visit_booked_staff": ("number", "at"),
    "visit_moved": ("number", "at"),
    "visit_cancelled": ("number", "at"),
    "visit_moved_staff": ("number", "at"),
    "visit_cancelled_staff": ("number", "at"),
    "signing_link_staff": ("number",),
    "progress_due": ("number",),
    "progress_overdue": ("number",),
    "callback_due": ("number", "at"),
    "sla_at_risk": ("number",),
    "sla_breached": ("number",),
}
# Sample values for the preview.
SAMPLE = {"number": "SR202611300001", "engineer": "王强", "at": "2026-12-01 14:00", "eta": "2026-12-01 13:40",
          "text": "主控板已订货，预计周三到货", "link": "https://service.example.com/my/tickets/1#survey",
          "priority": "P2"}
MAX_LENGTH = 500
SMS_SEGMENT = 70  # characters of one Chinese text message

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_NAME = re.compile(r"^[a-z_]+$")


def problems(kind: str, body: str) -> list[str]:
    """What is wrong with a text for `kind`: unknown placeholders (by name), stray braces ("{" or "}")."""
    allowed = set(VARIABLES.get(kind, ()))
    wrong = [name for name in _PLACEHOLDER.findall(body) if not _NAME.match(name) or name not in allowed]
    if "{" in _PLACEHOLDER.sub("", body) or "}" in _PLACEHOLDER.sub("", body):
        wrong.append("{")
    return list(dict.fromkeys(wrong))


def render(body: str, values: dict) -> str:
    """Each `{name}` replaced by its value as text; nothing else is interpreted."""
    return _PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), "")), body)


def sms_segments(text: str) -> int:
    return max(1, -(-len(text) // SMS_SEGMENT))
