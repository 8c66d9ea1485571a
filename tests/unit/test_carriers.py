"""Carriers: each default pattern takes a real-looking number and questions a wrong one; numbers are tidied."""
import pytest

from portal.domain import carriers
from portal.domain.carriers import DEFAULTS, NoTracking, from_settings, normalize, plausible

BY_CODE = {c.code: c for c in DEFAULTS}


@pytest.mark.parametrize(("code", "good", "bad"), [
    ("SF", "SF1234567890123", "1234567890"),
    ("JD", "JDVA12345678901", "SF1234567890"),
    ("EMS", "EA123456789CN", "EA123456789US"),
    ("ZTO", "75123456789012", "12345"),
    ("YTO", "YT1234567890123", "JD12345678901"),
    ("STO", "773123456789012", "123456789012345"),
    ("YUNDA", "4312345678901", "SF12345678901"),
])
def test_each_default_pattern(code, good, bad):
    carrier = BY_CODE[code]
    assert carrier.fits(good) and not carrier.fits(bad)
    assert good in carrier.link(good)


def test_numbers_are_tidied_and_must_be_plausible():
    assert normalize(" sf 1234-5678 90 ") == "SF1234567890"
    assert plausible("SF1234567890") and not plausible("AB1") and not plausible("SF12345!")


def test_the_list_is_configurable_and_checked():
    rows = [{"code": "db", "name": "德邦 Deppon", "pattern": r"DPK\d{12}", "link_template": "https://x/{number}"}]
    assert [c.code for c in from_settings(rows)] == ["DB"]
    assert from_settings(None) == DEFAULTS
    with pytest.raises(ValueError):
        from_settings([{**rows[0], "pattern": "(["}])


def test_no_carrier_api_is_called():
    assert NoTracking().status(BY_CODE["SF"], "SF1234567890") is None
    assert carriers.TrackingAdapter
