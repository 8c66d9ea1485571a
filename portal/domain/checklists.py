"""Inspection checklist templates: ordered items of four kinds, kept as the JSON the engineer's form reads
({"key", "label": {"zh_CN", "en"}, "kind", "required", "unit"})."""
import re

KINDS = ("yesno", "value", "text", "photo")  # yes/no, a number with its unit, a short text, a photo
KEY = re.compile(r"^[a-z0-9_]{1,40}$")


def build_items(rows: list[dict]) -> list[dict]:
    """Items from edited rows ({"key", "label_zh", "label_en", "kind", "unit", "required", "position"}): rows
    without a Chinese label are dropped, the rest ordered by position (then as listed). An item keeps its key,
    so answers already recorded under it still read; a new item gets the next free "item_N"."""
    kept = [(r.get("position") if r.get("position") is not None else 10_000, i, r)
            for i, r in enumerate(rows) if (r.get("label_zh") or "").strip()]
    used = {r["key"] for _p, _i, r in kept if KEY.match(r.get("key") or "")}
    items, counter = [], 0
    for _position, _index, row in sorted(kept, key=lambda t: (t[0], t[1])):
        key = row.get("key") or ""
        if not KEY.match(key):
            counter += 1
            while f"item_{counter}" in used:
                counter += 1
            key = f"item_{counter}"
            used.add(key)
        kind = row.get("kind") if row.get("kind") in KINDS else "yesno"
        items.append({"key": key, "label": {"zh_CN": row["label_zh"].strip(),
                                            "en": (row.get("label_en") or "").strip() or row["label_zh"].strip()},
                      "kind": kind, "required": bool(row.get("required")),
                      "unit": (row.get("unit") or "").strip() or None if kind == "value" else None})
    return items
