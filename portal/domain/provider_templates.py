"""Text messages and WeChat go out as the provider's approved templates: per channel and kind of message, the
template id and which of the portal's placeholders fills each of the template's variables ("thing1={number}").
A variable name the provider could not take, or a placeholder the kind does not offer, is refused when saved."""
import re

from portal.domain.message_texts import VARIABLES

CHANNELS = ("sms", "wechat")
# The customer messages that go out on a text message or WeChat.
KINDS = ("ticket_registered", "engineer_assigned", "visit_booked", "engineer_on_the_way", "progress_update",
         "progress_latest", "ticket_resolved", "quote_waiting", "ticket_closed", "survey_invitation",
         "survey_reminder")
TEMPLATE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.]{0,39}$")
_LINE = re.compile(r"^\s*([^=\s]+)\s*=\s*\{?\s*([^{}\s]*)\s*\}?\s*$")
MAX_VARIABLES = 20


def parse_mapping(kind: str, text: str) -> tuple[dict[str, str], list[str]]:
    """"name={placeholder}" per line -> ({name: placeholder}, problems). A problem is the offending line."""
    allowed = set(VARIABLES.get(kind, ()))
    mapping: dict[str, str] = {}
    problems: list[str] = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None or not _NAME.match(match.group(1)) or match.group(2) not in allowed \
                or match.group(1) in mapping:
            problems.append(line.strip())
            continue
        mapping[match.group(1)] = match.group(2)
    if len(mapping) > MAX_VARIABLES:
        problems.append(f"> {MAX_VARIABLES}")
    return mapping, problems


def mapping_text(mapping: dict | None) -> str:
    return "\n".join(f"{name}={{{placeholder}}}" for name, placeholder in (mapping or {}).items())


def apply(mapping: dict, values: dict) -> dict[str, str]:
    """The template's variables filled from the placeholders' values."""
    return {name: str(values.get(placeholder) or "") for name, placeholder in mapping.items()}
