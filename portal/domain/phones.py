"""Mainland China phone numbers: one stored form for mobiles and landlines however they were typed.

Mobile: 11 digits starting with 1 (13812345678), stored as "138 1234 5678". Landline: area code starting with
0 (010, 021, 0571 ...) and a 7- or 8-digit local number, stored as "021-6234 5678"; an extension after
"转", "ext" or "#" is kept as "-801". "+86", "0086" and "86" in front of a full number are dropped, and so is
the trunk 0 a mobile sometimes gets. Service hotlines (400/800 numbers) are 10 digits starting with 400/800."""
import re

NON_DIGIT = re.compile(r"\D")
EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
ALLOWED = re.compile(r"^[\d\s()+\-.]+$")
# Area codes of three digits (010 Beijing, 02x big cities); every other area code has four.
THREE_DIGIT_AREAS = ("010", "020", "021", "022", "023", "024", "025", "027", "028", "029")


def digits(text: str | None) -> str:
    return NON_DIGIT.sub("", text or "")


def _national(number: str) -> str:
    """The digits without the country code (86) and without a trunk 0 before a mobile number."""
    if number.startswith("0086"):
        number = number[4:]
    elif number.startswith("86") and len(number) >= 12:
        number = number[2:]
    if len(number) == 12 and number.startswith("01") and number[1] == "1":
        number = number[1:]
    if len(number) in (9, 10, 11) and not number.startswith(("0", "1", "4", "8")):
        number = "0" + number  # +86 21 6234 5678: the area code lost its trunk 0
    return number


def normalize(raw: str | None) -> str | None:
    """The stored form of a mainland number, or None when the text is not one."""
    text = (raw or "").strip()
    if not text:
        return None
    extension = ""
    match = EXTENSION.search(text)
    if match:
        extension, text = match.group(1), text[:match.start()]
    if not ALLOWED.match(text):
        return None
    number = _national(digits(text))
    if len(number) == 11 and number.startswith("1") and number[1] in "3456789":
        return f"{number[:3]} {number[3:7]} {number[7:]}" + (f"-{extension}" if extension else "")
    if len(number) == 10 and number.startswith(("400", "800")):
        return f"{number[:3]}-{number[3:6]}-{number[6:]}"
    if number.startswith("0") and 10 <= len(number) <= 12:
        area_len = 3 if number[:3] in THREE_DIGIT_AREAS else 4
        area, local = number[:area_len], number[area_len:]
        if len(local) in (7, 8) and local[0] not in "01":
            local = f"{local[:-4]} {local[-4:]}"
            return f"{area}-{local}" + (f"-{extension}" if extension else "")
    return None


def search_key(raw: str | None) -> str:
    """The digits a search compares: the national number without separators (so "138-1234" finds
    "138 1234 5678" once both are reduced to digits). A "+86" typed in front is dropped even before the
    number is complete."""
    text = (raw or "").strip()
    if text.startswith("+86"):
        text = text[3:]
    return _national(digits(text))
