"""Invisible characters are taken out where they cannot mean anything, and kept where they can.

A left-to-right mark after a phone number (what a right-to-left document or a web page
adds around it), an RLM before an Arabic name, a soft hyphen inside a name, a BOM or a
zero-width space pasted with an amount: invisible, so the value looks right, and read as
written it was refused ("not a valid phone number", the row rejected) or stored with the
mark (a name that sorts and compares apart). Phones, emails, amounts, numbers, dates,
yes/no, postal codes and names lose them before they are read, in the import (both of
its passes), in `cims customer add/edit` and in the sheet's Save; free text (Notes)
keeps them: a zero-width joiner inside an emoji or a Hindi word means something.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from cims_xl.domain import normalize as nz
from cims_xl.domain.models import validate_record
from cims_xl.domain.schema import CUSTOMER, ORDER
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

WRITERS = [("csv", write_csv), ("xlsx", write_xlsx)]

LRM, RLM, ZWSP, ZWJ, ZWNJ, BOM, SHY = "\u200e", "\u200f", "\u200b", "\u200d", "\u200c", "\ufeff", "\u00ad"
LRE, PDF, LRI, PDI, ALM = "\u202a", "\u202c", "\u2066", "\u2069", "\u061c"


def customers(session) -> dict[str, dict]:
    return {c["email"]: c for c in records.list_records(session, "customer")}


@pytest.mark.parametrize("typed,region,e164", [
    ("+49 30 1234567" + LRM, "CN", "+49301234567"),
    (RLM + "+971 50 123 4567", "CN", "+971501234567"),
    (LRE + "+44 20 7946 0958" + PDF, "CN", "+442079460958"),
    (LRI + "138 0013 8000" + PDI, "CN", "+8613800138000"),
    ("090" + ZWSP + "-1234-5678", "JP", "+819012345678"),
    (ALM + "050 123 4567", "AE", "+971501234567"),
    (BOM + "(415) 555-0132", "US", "+14155550132"),
])
def test_a_phone_number_with_direction_marks_or_zero_width_characters_is_read(typed, region, e164):
    assert nz.normalize_phone(typed, region) == e164
    assert nz.has_country_code(typed) == ("+" in typed)      # the marks before a "+" hide nothing


@pytest.mark.parametrize("typed,mark,amount", [
    (LRM + "1 234,5", None, Decimal("1234.5")), ("€" + RLM + "1,234.50", None, Decimal("1234.50")),
    ("1.234" + ZWSP, ",", Decimal("1234")), (ALM + "١٢٣٫٥", None, Decimal("123.5")),
    ("12" + SHY + "500,00 " + LRM + "€", None, Decimal("12500.00")),
])
def test_an_amount_with_invisible_characters_is_read(typed, mark, amount):
    assert nz.parse_money(typed, mark) == amount


@pytest.mark.parametrize("typed,day", [(RLM + "2024-03-05", dt.date(2024, 3, 5)),
                                       ("5 mars 2024" + LRM, dt.date(2024, 3, 5)),
                                       ("2024年3月5日" + ZWSP, dt.date(2024, 3, 5)),
                                       (LRI + "05.03.2024" + PDI, dt.date(2024, 3, 5))])
def test_a_date_with_invisible_characters_is_read(typed, day):
    assert nz.parse_date(typed, "DMY") == day


def test_yes_no_and_counts_with_invisible_characters_are_read():
    assert nz.parse_bool(LRM + "yes") is True and nz.parse_bool("否" + ZWSP) is False
    assert nz.parse_int(RLM + "12") == 12


@pytest.mark.parametrize("typed,stored", [
    (RLM + "محمد علي", "محمد علي"), ("Dora" + SHY + "Kim", "DoraKim"), ("Anna" + ZWSP + " Schmidt", "Anna Schmidt"),
    (LRE + "Ömer Çelik" + PDF, "Ömer Çelik"), ("Eve" + BOM + " Ng", "Eve Ng"), ("Jo" + ZWJ + " Li", "Jo Li"),
])
def test_a_name_loses_the_format_characters_that_mean_nothing_in_it(typed, stored):
    assert nz.normalize_name(typed) == stored


@pytest.mark.parametrize("name", ["نیک" + ZWNJ + "نام", "क्" + ZWJ + "ष", "👨" + ZWJ + "👩" + ZWJ + "👧 Family",
                                  "സ്" + ZWJ + "ഥ"])
def test_a_name_keeps_the_joiners_its_script_or_emoji_needs(name):
    assert nz.normalize_name(name) == name


def test_a_postal_code_and_an_order_number_are_stored_as_read():
    clean = validate_record(CUSTOMER, {"name": "Carl", "postal_code": "１０１１５" + LRM})
    assert clean["postal_code"] == "10115"
    clean = validate_record(ORDER, {"customer_id": "C-000001", "order_date": "2024-03-05", "amount": "1",
                                    "order_number": ZWSP + "ＳＯ－１"})
    assert clean["order_number"] == "SO-1"


@pytest.mark.parametrize("ext,write", WRITERS)
def test_an_import_reads_phones_names_and_postal_codes_through_invisible_characters(admin, tmp_path, ext, write):
    path = write(tmp_path / f"c.{ext}", [
        ["Name", "Email", "Phone", "Country", "Postal Code", "Notes"],
        ["Anna" + ZWSP + " Schmidt", "anna@example.de", "+49 30 1234567" + LRM, "Germany", "10115",
         "call after 5 👩" + ZWJ + "💻"],
        [RLM + "محمد علي", "m.ali@example.ae", RLM + "+971 50 123 4567", "United Arab Emirates", "",
         RLM + "يفضل الهاتف"],
        ["Carl Lee", "carl@example.de", "０３０ ７６５４３２１", "Germany", "１０１１５", ""],
        ["Dora" + SHY + "Kim", "dora@example.com", LRE + "+1 (415) 555-0132" + PDF, "USA", "2134", ""],
    ])
    result = import_file(admin, path)
    assert (result.created, result.rejected, result.warnings) == (4, 0, 0)
    got = customers(admin)
    assert got["anna@example.de"]["name"] == "Anna Schmidt" and got["anna@example.de"]["phone"] == "+49301234567"
    assert got["anna@example.de"]["notes"] == "call after 5 👩" + ZWJ + "💻"     # free text as written
    ali = got["m.ali@example.ae"]
    assert (ali["name"], ali["phone"], ali["notes"]) == ("محمد علي", "+971501234567", RLM + "يفضل الهاتف")
    assert (got["carl@example.de"]["postal_code"], got["carl@example.de"]["phone"]) == ("10115", "+49307654321")
    dora = got["dora@example.com"]
    # a US ZIP code of four digits lost its zero in a spreadsheet: given back, as any other
    assert (dora["name"], dora["phone"], dora["postal_code"]) == ("DoraKim", "+14155550132", "02134")


@pytest.mark.parametrize("ext,write", WRITERS)
def test_an_orders_file_with_direction_marks_before_amounts_and_dates_imports_every_row(admin, tmp_path, ext, write):
    path = write(tmp_path / f"o.{ext}", [
        ["Commande", "Client", "E-mail", "Date", "Montant", "Devise"],
        ["F1", "Anne Dupont", "anne@example.fr", "05/03/2024", "1\u202f234,50", "EUR"],
        ["F2", "Bruno Petit", "bruno@example.fr", "28/03/2024", "12\u00a0500,00", "EUR"],
        ["F3", "Eve Noir", "eve@example.fr", RLM + "17/04/2024", LRM + "1 234,5", LRM + "EUR"],
        ["F4", "Hana Kim", "hana@example.fr", "18/04/2024" + ZWSP, "2" + ZWSP + "500", "EUR"],
    ], **({"delimiter": ";"} if ext == "csv" else {}))
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (4, 0), [o.reason for o in result.outcomes]
    got = {o["order_number"]: o for o in records.list_records(admin, "order")}
    assert {k: o["amount"] for k, o in got.items()} == {
        "F1": Decimal("1234.50"), "F2": Decimal("12500.00"), "F3": Decimal("1234.5"), "F4": Decimal("2500")}
    assert got["F3"]["order_date"] == dt.date(2024, 4, 17) and got["F3"]["currency"] == "EUR"


def test_customer_add_and_edit_read_a_phone_with_a_direction_mark(run):
    code, out, err = run("--format", "json", "customer", "add", "--name", RLM + "Layla Haddad",
                         "--phone", "+49 30 7654322" + LRM)
    assert code == 0, out + err
    rec = json.loads(out)
    assert (rec["name"], rec["phone"]) == ("Layla Haddad", "+49307654322")
    code, out, err = run("--format", "json", "customer", "edit", rec["id"], "--mobile", LRI + "+44 7700 900123" + PDI)
    assert code == 0, out + err
    assert json.loads(out)["mobile"] == "+447700900123"


def test_the_sheets_save_reads_a_phone_and_a_name_with_direction_marks(admin, tmp_path):
    from cims_xl.excel import sync
    from test_sync_support import Editor, new_workbook, table_rows

    book = new_workbook(tmp_path / "kunden.xlsx")
    with Editor(book) as ed:
        ed.add_row({"Name": RLM + "Nadia Saleh", "Phone": "+971 50 765 4321" + LRM, "Postal Code": "０２１３４"})
    sync.sync_file(admin, book, "save", sheets=["Customers"])
    assert table_rows(book)[0]["Status"] == "Created"
    (rec,) = records.list_records(admin, "customer")
    assert (rec["name"], rec["phone"], rec["postal_code"]) == ("Nadia Saleh", "+971507654321", "02134")


@pytest.mark.parametrize("ext,write", WRITERS)
def test_headings_with_invisible_characters_name_their_fields(admin, tmp_path, ext, write):
    path = write(tmp_path / f"h.{ext}", [["Name" + ZWSP, LRM + "E-Mail", "Tele" + SHY + "fon", RLM + "Land" + LRM],
                                         ["Jürgen Weiß", "j.weiss@example.de", "030 1234567", "Deutschland"]])
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (1, 0)
    (rec,) = records.list_records(admin, "customer")
    assert (rec["name"], rec["email"], rec["phone"], rec["country"]) == (
        "Jürgen Weiß", "j.weiss@example.de", "+49301234567", "Deutschland")


@pytest.mark.parametrize("ext,write", WRITERS)
def test_a_full_width_postal_code_is_read_as_digits_and_given_back_its_zeros_like_any_other(admin, tmp_path, ext, write):
    path = write(tmp_path / f"z.{ext}", [["Name", "Email", "Country", "Postal Code"],
                                         ["Amy Wong", "amy@example.com", "United States", "２１３４"],
                                         ["山田太郎", "taro@example.jp", "日本", "１００－０００１"],
                                         ["Lena Vogel", "lena@example.de", "Deutschland", "１０６７" + LRM]])
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (3, 0)
    assert {e: c["postal_code"] for e, c in customers(admin).items()} == {
        "amy@example.com": "02134", "taro@example.jp": "100-0001", "lena@example.de": "01067"}
    (said,) = [i for i in result.inferences if i["what"] == "postal codes"]
    assert "'Postal Code': 2 code(s)" in said["evidence"]


@pytest.mark.parametrize("cell", [ZWSP, " " + LRM + " ", SHY, BOM + RLM])
def test_a_cell_of_invisible_characters_only_is_blank(admin, tmp_path, cell):
    assert nz.is_blank(cell) and nz.parse_money(cell) is None and nz.parse_date(cell) is None
    assert nz.normalize_text(cell) is None and nz.parse_int(cell) is None and nz.parse_bool(cell) is None
    path = write_csv(tmp_path / "b.csv", [["Name", "Email", "Phone", "Postal Code", "Notes"],
                                          ["Rosa Díaz", "rosa@example.es", cell, cell, cell]])
    result = import_file(admin, path)
    assert (result.created, result.warnings) == (1, 0)
    (rec,) = records.list_records(admin, "customer")
    assert (rec["phone"], rec["postal_code"], rec["notes"]) == (None, None, None)
