"""Exports: the filters on the first rows, a BOM for Excel, formulas kept as text, valid sheet names."""
import csv
import io

from openpyxl import load_workbook

from portal.services import exports


def test_csv_has_bom_filters_first_and_no_formulas():
    data = exports.csv_bytes([("期间", "2026-11-01 – 2026-11-30")], ["地区", "工单"], [["=HYPERLINK(1)", 3],
                                                                                     ["华东", 5]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["期间", "2026-11-01 – 2026-11-30"] and rows[1] == [] and rows[2] == ["地区", "工单"]
    assert rows[3][0] == "'=HYPERLINK(1)" and rows[4] == ["华东", "5"]


def test_xlsx_sheet_per_table_with_safe_names():
    data = exports.xlsx([("优先级", "P1")], [("按类型/渠道: [A]", ["x"], [[1]]), ("按类型/渠道: [A]", ["y"], [[2]])])
    book = load_workbook(io.BytesIO(data))
    assert len(book.sheetnames) == 2 and all(ch not in "".join(book.sheetnames) for ch in "[]:*?/\\")
    first = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert first[0] == ["优先级", "P1"] and first[2][0] == "x" and first[3][0] == 1
