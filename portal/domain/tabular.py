"""Master data files (CSV, XLSX) as rows: reading CSV in the encodings Excel writes on Chinese Windows, the
columns of the parts catalogue with their Chinese and English headers, and each row checked with the reason
for every problem (row, column, why). Pure: no Flask, no database."""
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from portal.domain import phones
from portal.domain.money import fen_to_yuan, yuan_to_fen

MAX_ROWS = 20_000
# column: header names accepted (case and spaces aside); the first is the one exported
PART_COLUMNS = {
    "code": ("备件编号", "part number", "code"),
    "name": ("名称", "name"),
    "category": ("类别", "category"),
    "unit_price": ("单价（元）", "单价", "unit price", "price"),
    "warranty_months": ("保修月数", "warranty months"),
    "serial_tracked": ("按序列号管理", "serial tracked"),
}
CUSTOMER_COLUMNS = {
    "name": ("客户名称", "customer", "name"),
    "kind": ("类型", "kind"),
    "tier": ("等级", "tier"),
    "region": ("区域", "region"),
    "address": ("地址", "address"),
    "contact_name": ("联系人", "contact"),
    "phone": ("电话", "phone"),
    "email": ("邮箱", "e-mail", "email"),
}
ARTICLE_COLUMNS = {
    "title": ("标题", "title"),
    "body": ("正文", "body"),
    "product_category": ("产品类别", "product category", "category"),
    "keywords": ("关键词", "keywords"),
    "published": ("已发布", "published"),
}
UNIT_COLUMNS = {
    "serial": ("序列号", "serial number", "serial"),
    "model_code": ("型号", "model"),
    "customer": ("客户名称", "customer"),
    "purchase_date": ("购买日期", "purchase date"),
    "invoice_date": ("发票日期", "invoice date"),
    "purchase_channel": ("购买渠道", "purchase channel"),
    "extended_warranty_end": ("延保截止", "extended warranty until"),
}
SERIAL = re.compile(r"^[A-Z0-9][A-Z0-9\-_/.]{1,79}$")
KIND_WORDS = {"公司": "company", "企业": "company", "company": "company", "个人": "individual",
              "individual": "individual", "": "company"}
TIER_WORDS = {"vip": "vip", "普通": "standard", "standard": "standard", "": "standard"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"否", "n", "no", "false", "0", ""}


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    reason: str  # a code the page words (required_60, amount, phone, ...)


@dataclass
class Checked:
    valid: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("encoding")


def csv_rows(data: bytes) -> list[list[str]]:
    text = decode_csv(data)
    if "\x00" in text:
        raise FileProblem("binary")
    try:
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]


def header_map(header: list[str], columns: dict) -> dict[str, int]:
    """Column name -> index from a header row; FileProblem naming the columns missing."""
    names = {" ".join(str(h or "").lower().split()): i for i, h in enumerate(header)}
    found, missing = {}, []
    for column, accepted in columns.items():
        index = next((names[a.lower()] for a in accepted if a.lower() in names), None)
        if index is None:
            missing.append(accepted[0])
        else:
            found[column] = index
    if missing:
        raise FileProblem("columns:" + "、".join(missing))
    return found


def check_parts(rows: list[list[str]]) -> Checked:
    """Each data row of a parts file checked; valid rows as the fields a part is saved with. A part number
    repeated in the file counts once: the later row is an error."""
    if not rows:
        raise FileProblem("empty")
    if len(rows) - 1 > MAX_ROWS:
        raise FileProblem("rows")
    columns = header_map(rows[0], PART_COLUMNS)
    result, seen = Checked(), set()
    for number, row in enumerate(rows[1:], start=2):
        result.rows += 1
        cell = _cells(row, columns)
        errors = []
        code = cell("code").upper()
        if not code or len(code) > 60:
            errors.append(RowError(number, "code", "required_60"))
        elif code in seen:
            errors.append(RowError(number, "code", "repeated"))
        name = cell("name")
        if not name or len(name) > 200:
            errors.append(RowError(number, "name", "required_200"))
        try:
            price = yuan_to_fen(cell("unit_price"))
        except ValueError:
            price = None
            errors.append(RowError(number, "unit_price", "amount"))
        months_text = cell("warranty_months") or "0"
        months = int(months_text) if months_text.isdigit() and int(months_text) <= 120 else None
        if months is None:
            errors.append(RowError(number, "warranty_months", "months"))
        tracked = cell("serial_tracked").lower()
        if tracked not in YES | NO:
            errors.append(RowError(number, "serial_tracked", "yes_no"))
        if errors:
            result.errors.extend(errors)
            continue
        seen.add(code)
        result.valid.append({"code": code, "name": name, "category": cell("category")[:60] or None,
                             "unit_price_fen": price, "warranty_months": months, "serial_tracked": tracked in YES})
    return result


def check_customers(rows: list[list[str]]) -> Checked:
    """Each row of a customers file: one contact of a customer (rows with the same customer name make one
    customer with several contacts; a row without a contact is the customer alone)."""
    if not rows:
        raise FileProblem("empty")
    if len(rows) - 1 > MAX_ROWS:
        raise FileProblem("rows")
    columns = header_map(rows[0], CUSTOMER_COLUMNS)
    result = Checked()
    for number, row in enumerate(rows[1:], start=2):
        result.rows += 1
        cell = _cells(row, columns)
        errors = []
        name = cell("name")
        if len(name) < 2 or len(name) > 200:
            errors.append(RowError(number, "name", "required_200"))
        kind, tier = KIND_WORDS.get(cell("kind").lower()), TIER_WORDS.get(cell("tier").lower())
        if kind is None:
            errors.append(RowError(number, "kind", "kind"))
        if tier is None:
            errors.append(RowError(number, "tier", "tier"))
        phone_text = cell("phone")
        phone = phones.normalize(phone_text) if phone_text else None
        if phone_text and phone is None:
            errors.append(RowError(number, "phone", "phone"))
        email = cell("email").lower()
        if email and not EMAIL.match(email):
            errors.append(RowError(number, "email", "email"))
        contact = cell("contact_name")[:120]
        if (phone or email) and not contact:
            errors.append(RowError(number, "contact_name", "contact"))
        if errors:
            result.errors.extend(errors)
            continue
        result.valid.append({"name": name, "kind": kind, "tier": tier, "region": cell("region")[:60] or None,
                             "address": cell("address")[:300] or None, "contact_name": contact or None,
                             "phone": phone, "email": email or None})
    return result


def check_articles(rows: list[list[str]]) -> Checked:
    """Knowledge articles: title and body (Markdown) required; a title repeated in the file counts once."""
    columns = _columns(rows, ARTICLE_COLUMNS)
    result, seen = Checked(), set()
    for number, row in enumerate(rows[1:], start=2):
        result.rows += 1
        cell = _cells(row, columns)
        errors = []
        title, body = cell("title"), cell("body")
        if not 4 <= len(title) <= 200:
            errors.append(RowError(number, "title", "title"))
        elif title in seen:
            errors.append(RowError(number, "title", "repeated"))
        if not body or len(body) > 20000:
            errors.append(RowError(number, "body", "body"))
        published = cell("published").lower()
        if published not in YES | NO:
            errors.append(RowError(number, "published", "yes_no"))
        if errors:
            result.errors.extend(errors)
            continue
        seen.add(title)
        result.valid.append({"title": title, "body": body, "product_categories": _categories(cell("product_category")),
                             "keywords": " ".join(cell("keywords").replace("，", " ").replace(",", " ").split())[:500]
                             or None, "published": published in YES})
    return result


def _categories(text: str) -> list[str]:
    """Several product categories in one cell, separated by commas, 、 or spaces."""
    return sorted({c[:60] for c in re.split(r"[\s,，、;；]+", text) if c})


def check_units(rows: list[list[str]]) -> Checked:
    """Registered units: serial, model code and customer name required, dates as YYYY-MM-DD (an Excel date
    cell reads so too); whether the model and the customer exist is for the database to tell."""
    columns = _columns(rows, UNIT_COLUMNS)
    result, seen = Checked(), set()
    for number, row in enumerate(rows[1:], start=2):
        result.rows += 1
        cell = _cells(row, columns)
        errors = []
        serial = cell("serial").upper()
        if not SERIAL.match(serial):
            errors.append(RowError(number, "serial", "serial"))
        elif serial in seen:
            errors.append(RowError(number, "serial", "repeated"))
        if not cell("model_code"):
            errors.append(RowError(number, "model_code", "required_60"))
        if not cell("customer"):
            errors.append(RowError(number, "customer", "required_200"))
        dates = {}
        for column in ("purchase_date", "invoice_date", "extended_warranty_end"):
            text = cell(column)[:10]
            try:
                dates[column] = date.fromisoformat(text) if text else None
            except ValueError:
                errors.append(RowError(number, column, "date"))
        if errors:
            result.errors.extend(errors)
            continue
        seen.add(serial)
        result.valid.append({"row": number, "serial": serial, "model_code": cell("model_code").upper(),
                             "customer": cell("customer"), "purchase_channel": cell("purchase_channel")[:100] or None,
                             **dates})
    return result


READING_COLUMNS = {
    "serial": ("序列号", "serial number", "serial"),
    "read_on": ("抄表日期", "reading date", "date"),
    "hours": ("运行小时", "operating hours", "hours"),
}


def check_readings(rows: list[list[str]]) -> Checked:
    """Meter readings: a serial, the day read (YYYY-MM-DD) and whole operating hours; whether the unit exists and
    the meter goes forward is for the database to tell. Valid rows in the order they are recorded: by unit and
    day."""
    columns = _columns(rows, READING_COLUMNS)
    result = Checked()
    for number, row in enumerate(rows[1:], start=2):
        result.rows += 1
        cell = _cells(row, columns)
        errors = []
        serial = cell("serial").upper()
        if not SERIAL.match(serial):
            errors.append(RowError(number, "serial", "serial"))
        try:
            read_on = date.fromisoformat(cell("read_on")[:10])
        except ValueError:
            errors.append(RowError(number, "read_on", "date"))
        hours = cell("hours").removesuffix(".0")
        if not hours.isdigit() or int(hours) > 10_000_000:
            errors.append(RowError(number, "hours", "hours"))
        if errors:
            result.errors.extend(errors)
            continue
        result.valid.append({"row": number, "serial": serial, "read_on": read_on, "hours": int(hours)})
    result.valid.sort(key=lambda r: (r["serial"], r["read_on"], r["hours"]))
    return result


def _columns(rows: list[list[str]], columns: dict) -> dict[str, int]:
    if not rows:
        raise FileProblem("empty")
    if len(rows) - 1 > MAX_ROWS:
        raise FileProblem("rows")
    return header_map(rows[0], columns)


def customer_header() -> list[str]:
    return [names[0] for names in CUSTOMER_COLUMNS.values()]


def _cells(row: list, columns: dict[str, int]):
    """A reader of the row's cells by column name: stripped text, "" for a missing or empty cell."""
    def cell(column: str) -> str:
        index = columns[column]
        return str(row[index]).strip() if index < len(row) and row[index] is not None else ""
    return cell


def part_row(part) -> list:
    """A part as the exported columns (the same ones the import reads)."""
    return [part.code, part.name, part.category or "", fen_to_yuan(part.unit_price_fen), part.warranty_months,
            "是" if part.serial_tracked else "否"]


def part_header() -> list[str]:
    return [names[0] for names in PART_COLUMNS.values()]
