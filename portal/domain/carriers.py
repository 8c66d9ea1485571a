"""Parcel carriers: the configurable list with each one's tracking-number pattern and link template, the check
that questions a number that does not fit (formats change: a misfit may be confirmed), and the adapter
interface a carrier API would plug into (none is reachable from these machines)."""
import re
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    pattern: str          # a regular expression the whole number should match
    link_template: str    # "{number}" is replaced by the tracking number

    def fits(self, number: str) -> bool:
        return re.fullmatch(self.pattern, number) is not None

    def link(self, number: str) -> str:
        return self.link_template.replace("{number}", number)


# Permissive on purpose: the prefix or length each carrier uses today, with room for what they add tomorrow.
DEFAULTS = (
    Carrier("SF", "顺丰速运 SF Express", r"SF\d{10,15}",
            "https://www.sf-express.com/chn/sc/waybill/waybill-detail/{number}"),
    Carrier("JD", "京东物流 JD Logistics", r"JD[A-Z0-9]{10,18}",
            "https://www.jdl.com/orderSearch/?waybillCodes={number}"),
    Carrier("EMS", "中国邮政 EMS", r"(E[A-Z]\d{9}CN|\d{13})", "https://www.ems.com.cn/queryList?mailNum={number}"),
    Carrier("ZTO", "中通快递 ZTO", r"(7[0-9]|ZT)\d{10,13}", "https://www.zto.com/?num={number}"),
    Carrier("YTO", "圆通速递 YTO", r"(YT|Y)\d{10,16}", "https://www.yto.net.cn/?waybill={number}"),
    Carrier("STO", "申通快递 STO", r"(77|88|STO)\d{10,13}", "https://www.sto.cn/?waybill={number}"),
    Carrier("YUNDA", "韵达速递 Yunda", r"(31|43|46)\d{11,13}", "https://www.yundaex.com/?waybill={number}"),
)


def normalize(number: str | None) -> str:
    """Spaces and dashes typed or scanned in the middle are dropped; letters upper case."""
    return re.sub(r"[\s\-]", "", number or "").upper()


def plausible(number: str) -> bool:
    """Anything that could be a tracking number at all: 6 to 40 letters and digits."""
    return re.fullmatch(r"[A-Z0-9]{6,40}", number) is not None


class TrackingAdapter(Protocol):
    """Where a carrier API would plug in: the latest known state of a parcel, or None when not known."""

    def status(self, carrier: Carrier, number: str) -> str | None: ...


class NoTracking:
    """No carrier API is reachable: nothing is asked, nothing is made up."""

    def status(self, carrier: Carrier, number: str) -> str | None:
        return None


def from_settings(rows: list[dict] | None) -> tuple[Carrier, ...]:
    """The configured list (each row: code, name, pattern, link_template), else the defaults; a pattern that does
    not compile raises ValueError at start-up, not at the first parcel."""
    if not rows:
        return DEFAULTS
    carriers = tuple(Carrier(str(r["code"]).upper(), str(r["name"]), str(r["pattern"]), str(r["link_template"]))
                     for r in rows)
    for c in carriers:
        try:
            re.compile(c.pattern)
        except re.error as bad:
            raise ValueError(f"carrier {c.code}: the pattern does not compile ({bad})") from None
    return carriers
