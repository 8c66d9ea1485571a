"""The label's signed reference, reading it back from a scan, and the A4 sheet layout."""
import pytest

from portal.domain import device_label as rules

SECRET = "a-secret-of-the-portal"


def test_a_reference_reads_back_to_its_unit_and_nothing_else():
    ref = rules.reference(42, SECRET)
    assert ref.startswith("42-") and len(ref) == 3 + rules.SIGNATURE_CHARS
    assert rules.read_reference(ref, SECRET) == 42
    assert rules.read_reference(ref.upper(), SECRET) == 42  # a reader that upper-cases QR text
    assert rules.read_reference(ref, "another-secret") is None
    assert rules.read_reference("43-" + ref.split("-")[1], SECRET) is None
    for junk in ("", None, "42", "42-", "0-aaaaaaaaaa", "42-" + "a" * 11, "x" * 500):
        assert rules.read_reference(junk, SECRET) is None


@pytest.mark.parametrize("text", ["https://portal.example.cn/u/{ref}", "http://127.0.0.1:5000/u/{ref}?utm=1",
                                  "/u/{ref}/", "  https://x.cn/u/{ref}#top "])
def test_the_reference_is_found_in_a_scanned_url(text):
    ref = rules.reference(7, SECRET)
    assert rules.reference_in(text.format(ref=ref)) == ref


def test_nothing_is_found_in_other_qr_codes():
    assert rules.reference_in("https://example.com/product/7") is None
    assert rules.reference_in("WIFI:S:net;T:WPA;P:secret;;") is None
    assert rules.reference_in(None) is None


def test_sheets_hold_24_labels_in_3_columns_and_8_rows():
    pages = rules.sheets(list(range(25)))
    assert len(pages) == 2
    assert [len(r) for r in pages[0].rows] == [3] * 8
    assert pages[0].rows[0] == [0, 1, 2] and pages[0].rows[7] == [21, 22, 23]
    assert pages[1].rows[0] == [24, None, None] and pages[1].rows[7] == [None] * 3


def test_skipped_cells_leave_a_used_sheet_usable():
    pages = rules.sheets(["a", "b"], skip=4)
    assert pages[0].rows[0] == [None, None, None] and pages[0].rows[1] == [None, "a", "b"]
    assert len(rules.sheets(list(range(21)), skip=4)) == 2
    assert len(rules.sheets([])) == 1  # an empty sheet rather than no page at all
