"""A number cell is read as the number Excel shows, not its binary expansion: 99.99 is
saved in the sheet's XML as "99.98999999999999" (or with 17 digits) and stored as 99.99
whatever currency format shows it."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal

import openpyxl
from hypothesis import given, settings, strategies as st

from cims_xl.domain import money
from cims_xl.importer.run import import_file
from cims_xl.services import auth
from cims_xl.services.records import list_records
from conftest import ADMIN_PASSWORD, FAST_KDF

FORMATS = ["$#,##0.00", "[$$-1009]#,##0.00", "[$$-409]#,##0.00", "[$€-413] #,##0.00", '#,##0.00 "€"']


def _as_excel_saves(path, digits: int) -> None:
    """Rewrite each number of the sheet as Excel and LibreOffice save it: the double's
    expansion to `digits` significant digits ("99.989999999999995")."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = re.sub(rb"<v>([0-9.]+)</v>",
                         lambda m: b"<v>" + format(float(m.group(1)), f".{digits}g").encode() + b"</v>",
                         parts[name])
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


def _book(path, amounts, fmt, digits):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Order ID", "Order Date", "Customer Name", "Amount"])
    for i, amount in enumerate(amounts, start=2):
        ws.append([f"A-{i}", "2024-03-05", "Wang Fang", amount])
        ws.cell(row=i, column=4).number_format = fmt
    wb.save(path)
    _as_excel_saves(path, digits)
    return path


def test_99_99_with_a_dollar_format_as_excel_saves_it_is_stored_as_99_99(admin, tmp_path):
    path = _book(tmp_path / "p.xlsx", [99.99, 19.99, 1234.56, 0.3], "$#,##0.00", 17)
    assert b"99.989999999999995" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    result = import_file(admin, path, kind="orders", currency="USD")
    assert result.rejected == 0
    assert sorted(Decimal(str(o["amount"])) for o in list_records(admin, "order")) == [
        Decimal("0.3"), Decimal("19.99"), Decimal("99.99"), Decimal("1234.56")]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=10**11), st.sampled_from(FORMATS), st.sampled_from([16, 17]))
def test_any_two_decimal_amount_saved_as_a_long_double_reads_as_shown(cents, fmt, digits):
    amount = Decimal(cents) / 100
    saved = format(float(amount), f".{digits}g")
    shown = money.ShownAmount(saved, "$", ("USD",))
    assert Decimal(shown) == amount
    assert money.read_money(shown).amount == amount


@settings(max_examples=8, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**11), min_size=1, max_size=6, unique=True),
       st.sampled_from(FORMATS), st.sampled_from([16, 17]))
def test_a_workbook_of_two_decimal_amounts_in_currency_formats_imports_every_one(tmp_path_factory, cents, fmt, digits):
    folder = tmp_path_factory.mktemp("b")
    auth.init_store(folder / "s.cims", "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    session = auth.sign_in(folder / "s.cims", "admin", ADMIN_PASSWORD)
    try:
        path = _book(folder / "p.xlsx", [float(Decimal(c) / 100) for c in cents], fmt, digits)
        result = import_file(session, path, kind="orders", currency="USD" if "$" in fmt else "EUR")
        assert result.rejected == 0
        assert sorted(Decimal(str(o["amount"])) for o in list_records(session, "order")) == sorted(
            Decimal(c) / 100 for c in cents)
    finally:
        session.close()
