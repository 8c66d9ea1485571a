"""Demo price list (prices include VAT, in fen) and a service contract, created once."""
from datetime import date

from portal.extensions import db
from portal.models import Asset, Customer, PriceList, ProductModel, ServiceContract


def ensure_price_list() -> bool:
    if db.session.scalar(db.select(PriceList.id).limit(1)):
        return False
    db.session.add(PriceList(
        name="2026年服务价格表", valid_from=date(2026, 1, 1), valid_to=None,
        labour_rates={"display": [12000, 18000], "appliance": [8000, 12000], "equipment": [15000, 22000]},
        callout_zones={"苏州工业园区": 6000, "姑苏区": 6000, "徐汇区": 8000, "浦东新区": 10000},
        callout_per_km_fen=300, callout_minimum_fen=5000, depot_fee_fen=3000,
        vat_labour_bp=600, vat_part_bp=1300, vat_callout_bp=600, vat_depot_bp=600,
        quote_tolerance_bp=1000, quote_tolerance_fen=2000))
    db.session.flush()
    return True


def ensure_demo_contract() -> bool:
    """华东精密's 2026 maintenance contract: their PX-50 power modules, parts, labour and call-out, 6 visits."""
    if db.session.scalar(db.select(ServiceContract.id).limit(1)):
        return False
    company = db.session.scalar(db.select(Customer).where(Customer.name == "华东精密制造有限公司"))
    model = db.session.scalar(db.select(ProductModel).where(ProductModel.code == "PX-50"))
    if company is None or model is None:
        return False
    if not db.session.scalar(db.select(Asset.id).where(Asset.serial == "PX50-SN1002")):
        db.session.add(Asset(customer_id=company.id, product_model=model, serial="PX50-SN1002",
                             purchase_date=date(2023, 6, 1), batch="2023Q2"))
    db.session.add(ServiceContract(
        number="SC-2026-018", customer_id=company.id, scope="list", serials=["PX50-SN1002"], product_model_ids=[],
        covers=["labour", "part", "callout"], valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31),
        response_hours=4, visits_per_year=6, note="年度维保合同：电源模块备件、人工、上门全包", active=True))
    db.session.flush()
    return True
