"""Master data from files and back: the parts catalogue and customers with their contacts imported from CSV or
XLSX (preview with the reason for each bad row, then the valid rows in one transaction) and exported in the
same columns."""
import csv
import io
import zipfile

from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import joinedload, selectinload

from portal.domain import tabular
from portal.domain.warranty import warranty_end
from portal.extensions import db
from portal.models import Asset, Contact, Customer, KnowledgeArticle, Part, ProductModel, User
from portal.services import customers, security_log

XLSX_MAX_UNPACKED = 100 * 1024 * 1024  # what the zip may unpack to: more is a zip bomb, not a parts list
XLSX_MAX_RATIO = 200


def read_rows(filename: str, data: bytes) -> list[list[str]]:
    """The rows of an uploaded CSV or XLSX, told apart by content (an XLSX is a zip), never by the name alone.
    tabular.FileProblem when it is neither, is empty, or unpacks to far more than it weighs."""
    if not data:
        raise tabular.FileProblem("empty")
    if data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    if (filename or "").lower().endswith(".xlsx"):
        raise tabular.FileProblem("not_xlsx")
    return tabular.csv_rows(data)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raise tabular.FileProblem("not_xlsx") from None
    unpacked = sum(i.file_size for i in infos)
    if unpacked > XLSX_MAX_UNPACKED or any(i.compress_size and i.file_size / i.compress_size > XLSX_MAX_RATIO
                                           for i in infos if i.file_size > 1024 * 1024):
        raise tabular.FileProblem("bomb")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook: all mean "not one"
        raise tabular.FileProblem("not_xlsx") from None
    rows = []
    for row in book.worksheets[0].iter_rows(values_only=True):
        if len(rows) > tabular.MAX_ROWS + 1:
            raise tabular.FileProblem("rows")
        cells = ["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                 for v in row]
        if any(c.strip() for c in cells):
            rows.append(cells)
    book.close()
    return rows


def import_parts(valid: list[dict], by: User | None) -> tuple[int, int]:
    """Create the new part numbers and update the known ones; one security log entry with the counts."""
    created, updated = _upsert(Part.code, valid, lambda row: Part(**row))
    security_log.record(security_log.MASTER_DATA_CHANGED, user=by,
                        detail={"parts import": {"created": created, "updated": updated}})
    return created, updated


def import_customers(valid: list[dict], by: User | None) -> tuple[int, int]:
    """Rows grouped by customer name: a name on file (active or not) is that customer, its kind, tier, region
    and address updated from the file; a contact is added unless the customer has one with the same phone or
    e-mail. Returns (customers created, contacts added)."""
    names = list(dict.fromkeys(row["name"] for row in valid))
    known = {}
    for start in range(0, len(names), 1000):
        for customer in db.session.scalars(db.select(Customer).where(Customer.name.in_(names[start:start + 1000]))
                                           .order_by(Customer.id)):
            known.setdefault(customer.name, customer)
    created = added = 0
    touched = {}
    for row in valid:
        customer = known.get(row["name"])
        if customer is None:
            customer = known[row["name"]] = Customer(name=row["name"], kind=row["kind"], tier=row["tier"])
            db.session.add(customer)
            created += 1
        customer.kind, customer.tier = row["kind"], row["tier"]
        customer.region = row["region"] or customer.region
        customer.address = row["address"] or customer.address
        touched[row["name"]] = customer
        if row["contact_name"] and not any(
                (row["phone"] and c.phone == row["phone"]) or (row["email"] and c.email == row["email"])
                or (not row["phone"] and not row["email"] and c.name == row["contact_name"])
                for c in customer.contacts):
            customer.contacts.append(Contact(name=row["contact_name"], phone=row["phone"], email=row["email"]))
            added += 1
    db.session.flush()
    for customer in touched.values():
        customers.reindex(customer)
    security_log.record(security_log.MASTER_DATA_CHANGED, user=by,
                        detail={"customers import": {"customers created": created, "contacts added": added}})
    return created, added


def export_parts(fmt: str) -> bytes:
    """Every part (deactivated ones too) in the import's columns."""
    rows = [tabular.part_row(p) for p in db.session.scalars(db.select(Part).order_by(Part.code))]
    return _table("parts", tabular.part_header(), rows, fmt)


def export_customers(fmt: str) -> bytes:
    """Every customer, one row per contact (a customer without contacts on a row of its own)."""
    rows = []
    kinds, tiers = {"company": "公司", "individual": "个人"}, {"vip": "VIP", "standard": "普通"}
    for customer in db.session.scalars(db.select(Customer).options(selectinload(Customer.contacts))
                                       .order_by(Customer.name, Customer.id)):
        base = [customer.name, kinds.get(customer.kind, customer.kind), tiers.get(customer.tier, customer.tier),
                customer.region or "", customer.address or ""]
        for contact in customer.contacts or [None]:
            rows.append(base + ([contact.name, contact.phone or "", contact.email or ""] if contact else ["", "", ""]))
    return _table("customers", tabular.customer_header(), rows, fmt)


def _table(title: str, header: list[str], rows: list[list], fmt: str) -> bytes:
    """Rows as XLSX, or as CSV in UTF-8 with BOM (Excel opens it in Chinese)."""
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def table(title: str, header: list[str], rows: list[list], fmt: str) -> bytes:
    """An export in the import's columns, for the other services' files (meter readings)."""
    return _table(title, header, rows, fmt)


def check_units(rows: list[list[str]]) -> tabular.Checked:
    """The file's units checked (domain), then against the database: the model code and the customer name must
    be on file, and a serial registered to another customer stays with it."""
    checked = tabular.check_units(rows)
    models = _by(ProductModel.code, ProductModel, {r["model_code"] for r in checked.valid})
    owners = _by(Customer.name, Customer, {r["customer"] for r in checked.valid})
    serials = {a.serial: a for chunk in _chunks([r["serial"] for r in checked.valid])
               for a in db.session.scalars(db.select(Asset).where(Asset.serial.in_(chunk)))}
    valid = []
    for row in checked.valid:
        errors = []
        if row["model_code"] not in models:
            errors.append(tabular.RowError(row["row"], "model_code", "unknown_model"))
        customer = owners.get(row["customer"])
        if customer is None:
            errors.append(tabular.RowError(row["row"], "customer", "unknown_customer"))
        elif row["serial"] in serials and serials[row["serial"]].customer_id != customer.id:
            errors.append(tabular.RowError(row["row"], "serial", "other_customer"))
        if errors:
            checked.errors.extend(errors)
        else:
            valid.append({**row, "product_model": models[row["model_code"]], "customer_id": customer.id})
    checked.errors.sort(key=lambda e: e.row)
    checked.valid = valid
    return checked


def import_units(valid: list[dict], by: User | None) -> tuple[int, int]:
    """Register the new serials and correct the known ones; the warranty end follows the model."""
    known = _by(Asset.serial, Asset, {r["serial"] for r in valid})
    created = updated = 0
    touched = set()
    for row in valid:
        unit = known.get(row["serial"])
        if unit is None:
            unit = Asset(serial=row["serial"], customer_id=row["customer_id"])
            db.session.add(unit)
            created += 1
        else:
            updated += 1
        model = row["product_model"]
        unit.product_model = model
        unit.purchase_date, unit.invoice_date = row["purchase_date"], row["invoice_date"]
        unit.purchase_channel, unit.extended_warranty_end = row["purchase_channel"], row["extended_warranty_end"]
        unit.warranty_end = warranty_end(row["purchase_date"], model.warranty_months)
        touched.add(row["customer_id"])
    db.session.flush()
    for customer in db.session.scalars(db.select(Customer).where(Customer.id.in_(touched))):
        customers.reindex(customer)
    security_log.record(security_log.MASTER_DATA_CHANGED, user=by,
                        detail={"units import": {"created": created, "updated": updated}})
    return created, updated


def export_units(fmt: str) -> bytes:
    rows = [[a.serial, a.product_model.code, a.customer.name, _day(a.purchase_date), _day(a.invoice_date),
             a.purchase_channel or "", _day(a.extended_warranty_end)]
            for a in db.session.scalars(db.select(Asset).options(joinedload(Asset.product_model),
                                                                 joinedload(Asset.customer)).order_by(Asset.serial))]
    return _table("units", [names[0] for names in tabular.UNIT_COLUMNS.values()], rows, fmt)


def import_articles(valid: list[dict], by: User | None) -> tuple[int, int]:
    """Create the new titles and update the articles with a title on file."""
    created, updated = _upsert(KnowledgeArticle.title, valid, lambda row: KnowledgeArticle(locale="zh_CN", **row))
    security_log.record(security_log.MASTER_DATA_CHANGED, user=by,
                        detail={"knowledge import": {"created": created, "updated": updated}})
    return created, updated


def export_articles(fmt: str) -> bytes:
    rows = [[a.title, a.body, ",".join(a.product_categories), a.keywords or "", "是" if a.published else "否"]
            for a in db.session.scalars(db.select(KnowledgeArticle).order_by(KnowledgeArticle.id))]
    return _table("knowledge", [names[0] for names in tabular.ARTICLE_COLUMNS.values()], rows, fmt)


def _chunks(values: list, size: int = 1000):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _by(column, model, values: set) -> dict:
    return {getattr(r, column.key): r for chunk in _chunks(sorted(values))
            for r in db.session.scalars(db.select(model).where(column.in_(chunk)).order_by(model.id.desc()))}


def _upsert(column, valid: list[dict], make) -> tuple[int, int]:
    """Rows keyed by `column`: a key not on file becomes `make(row)`, a known record takes the row's values.
    Returns (created, updated)."""
    known = _by(column, column.class_, {row[column.key] for row in valid})
    created = updated = 0
    for row in valid:
        record = known.get(row[column.key])
        if record is None:
            db.session.add(make(row))
            created += 1
        else:
            for key, value in row.items():
                setattr(record, key, value)
            updated += 1
    db.session.flush()
    return created, updated


def _day(value) -> str:
    return value.isoformat() if value else ""
