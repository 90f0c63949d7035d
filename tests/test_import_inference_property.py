"""Property: columns of dates, amounts and phones written in many conventions are read
right or refused (naming the column), never stored wrong; the option the refusal names
then reads the same file right (issue 14)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cims_xl.importer import AmbiguousDates, AmbiguousNumbers, import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF

DATE_STYLES = {   # name -> (strftime pattern, the order that settles it)
    "iso": ("%Y-%m-%d", None), "dmy": ("%d/%m/%Y", "DMY"), "mdy": ("%m/%d/%Y", "MDY"),
    "dmy2": ("%d.%m.%y", "DMY"), "mdy2": ("%m/%d/%y", "MDY"), "ymd2": ("%y/%m/%d", "YMD"),
    "zh": ("%Y年%m月%d日", None),
}


def amount_text(value: Decimal, style: str) -> str:
    whole, frac = f"{value:.2f}".split(".")
    groups = f"{int(whole):,}"
    return {"point_grouped": f"{groups}.{frac}", "comma_grouped": f"{groups.replace(',', '.')},{frac}",
            "point_plain": f"{whole}.{frac}", "comma_plain": f"{whole},{frac}",
            "space_comma": f"{groups.replace(',', ' ')},{frac}",
            "point_whole": groups, "comma_whole": groups.replace(",", ".")}[style]


AMOUNT_STYLES = {"point_grouped": "point", "comma_grouped": "comma", "point_plain": "point",
                 "comma_plain": "comma", "space_comma": "comma", "point_whole": "point",
                 "comma_whole": "comma"}
COUNTRIES = {"US": ["United States", "US", "美国"], "GB": ["United Kingdom", "GB", "英国"],
             "DE": ["Germany", "DE", "德国"], "FR": ["France", "FR", "法国"], "CN": ["China", "CN", "中国"],
             "JP": ["Japan", "JP", "日本"]}


def phone_for(region: str, mobile: bool, tweak: int) -> phonenumbers.PhoneNumber:
    kind = phonenumbers.PhoneNumberType.MOBILE if mobile else phonenumbers.PhoneNumberType.FIXED_LINE
    example = phonenumbers.example_number_for_type(region, kind)
    digits = str(example.national_number)
    candidate = phonenumbers.parse(f"+{example.country_code}{digits[:-2]}{tweak:02d}")
    return candidate if phonenumbers.is_valid_number(candidate) else example


@st.composite
def files(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    date_style = draw(st.sampled_from(sorted(DATE_STYLES)))
    amount_style = draw(st.sampled_from(sorted(AMOUNT_STYLES)))
    # order dates as orders have them: none in the future (an order dated ahead is refused:
    # tests/test_order_dates_never_in_the_future.py; a day back, whatever the zone shown)
    latest = dt.date.today() - dt.timedelta(days=1)
    days = draw(st.lists(st.dates(dt.date(1970, 1, 1), latest), min_size=n, max_size=n))
    cents = draw(st.lists(st.integers(min_value=0, max_value=10**9), min_size=n, max_size=n))
    if amount_style.endswith("whole"):
        cents = [c - c % 100 for c in cents]
    phones = []
    for _ in range(n):
        region = draw(st.sampled_from(sorted(COUNTRIES)))
        number = phone_for(region, draw(st.booleans()), draw(st.integers(min_value=0, max_value=99)))
        written = draw(st.sampled_from(["national", "international"]))
        country = draw(st.sampled_from(COUNTRIES[region]))
        phones.append((number, written, country))
    return date_style, amount_style, days, [Decimal(c) / 100 for c in cents], phones


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    path = tmp_path_factory.mktemp("infer") / "p.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    s = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    yield s
    s.close()


_run = itertools.count()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=files())
def test_every_inference_is_right_or_refused_never_a_wrong_value_stored(session, tmp_path_factory, data):
    date_style, amount_style, days, amounts, phones = data
    run = next(_run)
    pattern, order = DATE_STYLES[date_style]
    lines = ["Order ID;Order Date;Customer Name;Sales;Phone;Country"]
    expected = {}
    for i, (day, amount, (number, written, country)) in enumerate(zip(days, amounts, phones)):
        oid = f"P{run}-{i}"
        fmt = (phonenumbers.PhoneNumberFormat.NATIONAL if written == "national"
               else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        lines.append(f'{oid};{day.strftime(pattern)};Kunde {run}-{i};"{amount_text(amount, amount_style)}";'
                     f'{phonenumbers.format_number(number, fmt)};{country}')
        expected[oid] = (day, amount, f"Kunde {run}-{i}",
                         phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    path = tmp_path_factory.mktemp("f") / "orders.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    options: dict = {}
    for _ in range(4):     # refused -> the option the message names -> read again
        try:
            result = import_file(session, path, kind="orders", **options)
            break
        except AmbiguousDates as exc:
            assert "'Order Date'" in exc.message and order is not None and f"--date-order {order}" in exc.message
            assert not _stored(session, run)
            options["date_order"] = order
        except AmbiguousNumbers as exc:
            assert "'Sales'" in exc.message and "--decimal" in exc.message
            assert not _stored(session, run)
            options["decimal"] = AMOUNT_STYLES[amount_style]
        except ImportRefused as exc:
            # a two-digit year in a file pointing to Japan, Taiwan or Thailand may be an era
            # year (令和/民國/พ.ศ.): refused naming --calendar, which the Gregorian dates
            # written here settle
            if "--calendar gregorian" not in exc.message or "calendar" in options:
                raise
            assert "'Order Date'" in exc.message and not _stored(session, run)
            options["calendar"] = "gregorian"
    else:
        pytest.fail(f"still refused with {options}")
    assert result.rejected == 0, [o.as_dict() for o in result.outcomes if o.problems]
    stored = _stored(session, run)
    customers = {c["name"]: c for c in records.list_records(session, "customer")}
    assert set(stored) == set(expected)
    for oid, (day, amount, name, e164) in expected.items():
        assert stored[oid]["order_date"] == day, (date_style, oid)
        assert stored[oid]["amount"] == amount, (amount_style, oid)
        assert customers[name]["phone"] == e164


def _stored(session, run: int) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(session, "order")
            if o["order_number"].startswith(f"P{run}-")}
