"""Suggested priority from the rules of seed document 000: safety first, then what stopped working, then
the customer's tier. Pure: text and flags in, a priority and its reasons (as codes) out."""
import re
from dataclasses import dataclass, field

PRIORITIES = ("P1", "P2", "P3", "P4")

# Safety words force P1; once set for safety, P1 is never lowered.
SAFETY_WORDS = ("漏电", "触电", "冒烟", "起火", "着火", "火花", "爆炸", "焦味", "烧焦", "电击", "短路起火",
                "electric shock", "shock", "smoke", "smoking", "fire", "flame", "burning", "burnt", "explosion",
                "exploded", "sparks", "leaking current")
CORE_DOWN_WORDS = ("停产", "停线", "无法开机", "不能开机", "完全不能", "瘫痪", "宕机", "全部停", "无法使用",
                   "production stopped", "production line stopped", "line down", "won't start", "does not start",
                   "dead", "completely down", "not working at all")
IMPAIRED_WORDS = ("主要功能", "频繁", "经常", "批量", "多台", "多个客户", "多次投诉", "严重", "报错", "黑屏",
                  "main function", "frequent", "several units", "batch", "multiple complaints", "error code")
MINOR_WORDS = ("轻微", "偶尔", "怎么", "如何", "咨询", "操作", "设置", "培训",
               "minor", "occasionally", "how to", "how do", "question", "settings", "training")
SUGGESTION_WORDS = ("建议", "希望", "改进", "意见", "suggest", "suggestion", "would be nice", "feature request",
                    "improvement")


@dataclass(frozen=True)
class Suggestion:
    priority: str
    reasons: tuple[str, ...] = field(default_factory=tuple)  # codes, see REASONS in labels
    safety: bool = False
    matched: tuple[str, ...] = field(default_factory=tuple)  # the words that decided it


def _found(text: str, words) -> list[str]:
    hits = []
    for word in words:
        if re.search(r"[a-z]", word):
            if re.search(rf"\b{re.escape(word)}\b", text):
                hits.append(word)
        elif word in text:
            hits.append(word)
    return hits


def raise_one(priority: str) -> str:
    return PRIORITIES[max(0, PRIORITIES.index(priority) - 1)]


def suggest(text: str, *, safety_flag: bool = False, vip: bool = False, complaints: int = 0,
            category: str | None = None, boost: int = 0) -> Suggestion:
    """The rules in order; the first that applies sets the base, then the customer's tier raises it `boost` levels
    (`vip`: one level, as the VIP flag did), never above P1."""
    text = (text or "").lower()
    safety = _found(text, SAFETY_WORDS)
    if safety or safety_flag:
        return Suggestion("P1", ("safety",), safety=True, matched=tuple(safety))
    reasons: list[str] = []
    matched: list[str] = []
    if hits := _found(text, CORE_DOWN_WORDS):
        base, reasons, matched = "P1", ["core_down"], hits
    elif complaints >= 2 or (hits := _found(text, IMPAIRED_WORDS)):
        base = "P2"
        reasons = ["several_complaints"] if complaints >= 2 else ["impaired"]
        matched = [] if complaints >= 2 else hits
    elif (hits := _found(text, SUGGESTION_WORDS)) and category in (None, "other", "consultation"):
        base, reasons, matched = "P4", ["suggestion"], hits
    elif (hits := _found(text, MINOR_WORDS)) or category == "consultation":
        base, reasons, matched = "P3", ["minor"], hits
    else:
        base, reasons = "P3", ["default"]
    if vip and base != "P1":
        base = raise_one(base)
        reasons.append("vip")
    elif boost > 0 and base != "P1":
        for _ in range(boost):
            base = raise_one(base)
        reasons.append("tier")
    return Suggestion(base, tuple(reasons), matched=tuple(matched))


def may_set(current: str | None, safety_locked: bool, wanted: str) -> bool:
    """A P1 set for safety can never be lowered."""
    return not (safety_locked and wanted != "P1")
