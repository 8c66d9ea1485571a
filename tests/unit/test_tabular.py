"""Reading master data files: encodings Excel writes, headers in Chinese or English, each bad cell named."""
import pytest

from portal.domain import tabular
from portal.domain.money import fen_to_yuan, yuan_to_fen

HEADER = "备件编号,名称,类别,单价（元）,保修月数,按序列号管理\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_the_encodings_excel_writes(encoding):
    rows = tabular.csv_rows((HEADER + "pcb-1,主控板,主板,1280.50,6,是\n").encode(encoding))
    checked = tabular.check_parts(rows)
    assert checked.valid == [{"code": "PCB-1", "name": "主控板", "category": "主板", "unit_price_fen": 128050,
                              "warranty_months": 6, "serial_tracked": True}]


def test_bytes_that_decode_in_neither_are_refused():
    with pytest.raises(tabular.FileProblem, match="encoding"):
        tabular.csv_rows(b"\xff\xfe\x00\x81\x30\xff\xff")


def test_every_bad_cell_is_named_with_its_row_and_column():
    rows = tabular.csv_rows((HEADER + "A-1,风扇,,12,3,否\nA-1,重复,,12,3,否\n,无编号,,abc,200,也许\n").encode())
    checked = tabular.check_parts(rows)
    assert [v["code"] for v in checked.valid] == ["A-1"] and checked.rows == 3
    assert [(e.row, e.column, e.reason) for e in checked.errors] == [
        (3, "code", "repeated"), (4, "code", "required_60"), (4, "unit_price", "amount"),
        (4, "warranty_months", "months"), (4, "serial_tracked", "yes_no")]


def test_english_headers_in_any_order_and_missing_columns():
    rows = [["Name", "Part number", "Price", "Warranty months", "Serial tracked", "Category"],
            ["Fan", "F-1", "9.9", "3", "no", ""]]
    assert tabular.check_parts(rows).valid[0]["unit_price_fen"] == 990
    with pytest.raises(tabular.FileProblem, match="columns:单价（元）"):
        tabular.check_parts([["备件编号", "名称", "类别", "保修月数", "按序列号管理"]])


def test_money_in_fen_both_ways():
    assert yuan_to_fen("1,280.5") == 128050 and fen_to_yuan(128050) == "1280.50" and fen_to_yuan(5) == "0.05"
    for bad in ("abc", "-1", "0.001", "inf"):
        with pytest.raises(ValueError):
            yuan_to_fen(bad)
