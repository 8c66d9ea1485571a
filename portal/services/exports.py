"""Tables to files: XLSX (openpyxl) and CSV in UTF-8 with BOM (Excel opens Chinese text intact), with the
filters written on the first rows so a file always says what it holds."""
import csv
import io

from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """Text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def xlsx(filters: list[tuple[str, str]], tables: list[tuple[str, list[str], list[list]]]) -> bytes:
    """One sheet per table: the filters, a blank row, the header, the rows."""
    book = Workbook(write_only=True)
    for title, header, rows in tables:
        sheet = book.create_sheet(_sheet_name(title, book.sheetnames))
        for name, value in filters:
            sheet.append([_cell(name), _cell(value)])
        sheet.append([])
        sheet.append([_cell(h) for h in header])
        for row in rows:
            sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(filters: list[tuple[str, str]], header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for name, value in filters:
        writer.writerow([_cell(name), _cell(value)])
    writer.writerow([])
    writer.writerow([_cell(h) for h in header])
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def _sheet_name(title: str, taken: list[str]) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name, each name once."""
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:28] or "Sheet"
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]}({n})", n + 1
    return name
