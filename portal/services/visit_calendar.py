"""The booked visit as a calendar file (.ics, RFC 5545 through `icalendar`), attached to the visit booked e-mail.
One UID per visit: a moved visit sent again with a higher SEQUENCE replaces the same entry in the customer's
calendar, and a cancelled one (METHOD:CANCEL, STATUS:CANCELLED) removes it."""
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from portal.domain.time import utcnow

VISIT_LENGTH = timedelta(hours=2)  # the dispatch board's slots are two hours apart


def visit_ics(*, visit_id: int | str, number: str, at: datetime, engineer: str = "", address: str = "",
              sequence: int = 0, cancelled: bool = False) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Aftersales portal//visit//ZH")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"visit-{visit_id}-{number}@aftersales-portal")
    event.add("dtstamp", utcnow())
    event.add("dtstart", at)
    event.add("dtend", at + VISIT_LENGTH)
    event.add("sequence", sequence)
    if cancelled:
        event.add("status", "CANCELLED")
    event.add("summary", f"上门服务 / Service visit {number}")
    description = f"服务请求 / Service request: {number}"
    if engineer:
        description += f"\n工程师 / Engineer: {engineer}"
    event.add("description", description)
    if address:
        event.add("location", address)
    calendar.add_component(event)
    return calendar.to_ical()
