"""Checklist items built from the editor's rows: order, kept keys, new keys, kinds and units."""
from portal.domain.checklists import build_items


def test_rows_are_ordered_keep_their_keys_and_new_ones_get_free_keys():
    items = build_items([
        {"key": "power_on", "label_zh": "通电后能开机", "label_en": "Powers on", "kind": "yesno", "required": True,
         "position": 2},
        {"key": "", "label_zh": "供电电压", "kind": "value", "unit": "V", "position": 1},
        {"key": "", "label_zh": "  ", "kind": "text"},
        {"key": "item_1", "label_zh": "外观照片", "kind": "photo", "unit": "x", "position": 3},
        {"key": "bad key!", "label_zh": "备注", "kind": "nonsense"},
    ])
    assert [i["key"] for i in items] == ["item_2", "power_on", "item_1", "item_3"]
    assert items[0] == {"key": "item_2", "label": {"zh_CN": "供电电压", "en": "供电电压"}, "kind": "value",
                        "required": False, "unit": "V"}
    assert items[2]["unit"] is None and items[3]["kind"] == "yesno"
