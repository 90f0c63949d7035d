"""Layout facts of the data sheets a person relies on: where Status sits, and the
read-only Customer Name beside every customer id (filled on Refresh, never saved)."""

from __future__ import annotations

import pytest

from cims_xl.excel import sync
from cims_xl.excel.layout import CUSTOMER_NAME_HEADER, HIDDEN_HEADERS, LAYOUTS, STATUS_HEADER
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, row_of

CUSTOMER_SHEETS = ("Contacts", "Interactions", "Orders", "Opportunities", "Tickets")


@pytest.mark.parametrize("kind", sorted(LAYOUTS))
def test_status_is_the_last_visible_column_and_only_protocol_columns_follow_it(kind):
    lay = LAYOUTS[kind]
    visible = [c.header for c in lay.columns if not c.hidden]
    assert visible[-1] == STATUS_HEADER
    assert lay.headers[-len(HIDDEN_HEADERS):] == HIDDEN_HEADERS
    assert all(c.hidden for c in lay.columns[-len(HIDDEN_HEADERS):])


def test_the_customer_table_shows_consent_date_and_rfm_segment_before_status():
    headers = LAYOUTS["customer"].headers
    assert headers.index("Consent Date") < headers.index(STATUS_HEADER)
    assert headers.index("RFM Segment") < headers.index(STATUS_HEADER)
    assert headers.index("Marketing Consent") + 1 == headers.index("Consent Date")


@pytest.mark.parametrize("sheet", CUSTOMER_SHEETS)
def test_every_sheet_with_a_customer_id_shows_a_read_only_customer_name_right_beside_it(sheet):
    lay = next(lay for lay in LAYOUTS.values() if lay.sheet == sheet)
    at = lay.index("Customer ID")
    name = lay.columns[at + 1]
    assert name.header == CUSTOMER_NAME_HEADER and not name.editable and not name.hidden
    assert name not in lay.field_columns, "a lookup must stay out of the fingerprint and of Save"


def test_the_customers_sheet_has_no_customer_name_lookup():
    assert CUSTOMER_NAME_HEADER not in LAYOUTS["customer"].headers


def _orders(admin):
    alice = records.create(admin, "customer", {"name": "王芳", "email": "wang.fang@example.cn"})["id"]
    bob = records.create(admin, "customer", {"name": "Bob Taylor"})["id"]
    orders = [records.create(admin, "order", {"customer_id": cid, "order_date": "2025-03-01",
                                              "amount": "120.50"})["id"] for cid in (alice, bob, alice)]
    return alice, bob, orders


def _sync(session, path, action, sheet="Orders"):
    return sync.sync_file(session, path, action, sheets=[sheet])["sheets"][sheet]


def test_refresh_fills_customer_name_with_the_current_name(admin, tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    alice, bob, orders = _orders(admin)
    _sync(admin, book, "refresh")
    assert [row_of(book, o, "Orders")[CUSTOMER_NAME_HEADER] for o in orders] == ["王芳", "Bob Taylor", "王芳"]
    records.update(admin, alice, {"name": "王芳芳"})
    _sync(admin, book, "refresh")
    assert row_of(book, orders[0], "Orders")[CUSTOMER_NAME_HEADER] == "王芳芳"


def test_a_viewer_sees_customer_name_masked_like_other_personal_fields(admin, session_as, tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    _alice, _bob, orders = _orders(admin)
    _sync(session_as("viewer"), book, "refresh")
    row = row_of(book, orders[0], "Orders")
    assert row["Customer ID"] and row[CUSTOMER_NAME_HEADER] is None


def test_typing_over_customer_name_is_not_saved_and_does_not_make_the_row_pending(admin, tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    alice, _bob, orders = _orders(admin)
    _sync(admin, book, "refresh")
    with Editor(book, "Orders") as ed:
        ed.set(orders[0], CUSTOMER_NAME_HEADER, "Somebody Else")
    counts = _sync(admin, book, "save")
    assert counts["updated"] == 0 and counts["invalid"] == 0
    assert records.get(admin, alice)["name"] == "王芳"
    assert records.get(admin, orders[0])["version"] == 1
    # Refresh needs no force (nothing unsaved) and puts the store's name back.
    _sync(admin, book, "refresh")
    assert row_of(book, orders[0], "Orders")[CUSTOMER_NAME_HEADER] == "王芳"


def test_save_writes_the_name_of_a_new_rows_customer_back_beside_its_id(admin, tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    _alice, bob, _orders_ = _orders(admin)
    _sync(admin, book, "refresh")
    with Editor(book, "Orders") as ed:
        ed.add_row({"Customer ID": bob, "Order Date": "2025-04-02", "Amount": 99})
    assert _sync(admin, book, "save")["created"] == 1
    created = [o for o in records.list_records(admin, "order") if o["amount"] == 99][0]
    assert row_of(book, created["id"], "Orders")[CUSTOMER_NAME_HEADER] == "Bob Taylor"


def test_contacts_tickets_and_opportunities_get_customer_names_too(admin, tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    cid = records.create(admin, "customer", {"name": "Ärzte GmbH", "type": "Company"})["id"]
    made = {"Contacts": records.create(admin, "contact", {"customer_id": cid, "name": "Jana Novák"})["id"],
            "Tickets": records.create(admin, "ticket", {"customer_id": cid, "subject": "Printer"})["id"],
            "Opportunities": records.create(admin, "opportunity", {"customer_id": cid, "name": "Renewal"})["id"],
            "Interactions": records.create(admin, "interaction", {"customer_id": cid, "kind": "Call"})["id"]}
    for sheet, rid in made.items():
        _sync(admin, book, "refresh", sheet)
        assert row_of(book, rid, sheet)[CUSTOMER_NAME_HEADER] == "Ärzte GmbH", sheet


def _width(path, sheet, header):
    import openpyxl
    from openpyxl.utils import get_column_letter
    from cims_xl.excel.layout import BY_SHEET
    ws = openpyxl.load_workbook(path)[sheet]
    return ws.column_dimensions[get_column_letter(BY_SHEET[sheet].index(header) + 1)].width


def test_refresh_widens_email_and_tags_to_their_longest_value_up_to_a_cap(admin, tmp_path):
    from cims_xl.excel.layout import MAX_FIT_WIDTH, text_width_chars
    book = new_workbook(tmp_path / "cims.xlsx")
    email = "accounts.receivable@long-company-name.example.com"
    tags = "key-account, trade-show, newsletter, 华东大客户"
    records.create(admin, "customer", {"name": "Zhou Long", "email": email, "tags": tags,
                                       "notes": "长" * 200})
    before = {h: _width(book, "Customers", h) for h in ("Email", "Tags", "City")}
    _sync(admin, book, "refresh", "Customers")
    assert _width(book, "Customers", "Email") >= text_width_chars(email) > before["Email"]
    assert _width(book, "Customers", "Tags") >= text_width_chars(tags) > before["Tags"]
    assert _width(book, "Customers", "Notes") == MAX_FIT_WIDTH
    assert _width(book, "Customers", "City") == before["City"], "short values keep the layout's width"


def test_refresh_never_narrows_a_column_the_user_made_wider(admin, tmp_path):
    import openpyxl
    from openpyxl.utils import get_column_letter
    from cims_xl.excel.layout import BY_SHEET
    book = new_workbook(tmp_path / "cims.xlsx")
    records.create(admin, "customer", {"name": "Ann", "email": "ann.marie.long.address@example.org"})
    wb = openpyxl.load_workbook(book)
    wb["Customers"].column_dimensions[get_column_letter(BY_SHEET["Customers"].index("Email") + 1)].width = 80
    wb.save(book)
    _sync(admin, book, "refresh", "Customers")
    assert _width(book, "Customers", "Email") == 80


def test_a_workbook_built_before_customer_name_existed_still_refreshes_and_saves(admin, tmp_path):
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import range_boundaries
    from cims_xl.excel.layout import BY_SHEET
    book = new_workbook(tmp_path / "old.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["Orders"]
    at = BY_SHEET["Orders"].index(CUSTOMER_NAME_HEADER) + 1
    ws.delete_cols(at)
    table = ws.tables[BY_SHEET["Orders"].table]
    c1, r1, c2, r2 = range_boundaries(table.ref)
    table.ref = f"A{r1}:{get_column_letter(c2 - 1)}{r2}"
    table.autoFilter.ref = table.ref
    del table.tableColumns[at - 1]
    for i, col in enumerate(table.tableColumns, start=1):
        col.id = i
    wb.save(book)
    _alice, bob, orders = _orders(admin)
    _sync(admin, book, "refresh")
    assert row_of(book, orders[1], "Orders")["Customer ID"] == bob
    assert CUSTOMER_NAME_HEADER not in row_of(book, orders[1], "Orders")
    with Editor(book, "Orders") as ed:
        ed.set(orders[1], "Amount", 130)
    assert _sync(admin, book, "save")["updated"] == 1


def test_data_sheet_headers_are_right_aligned_over_numbers_and_dates_only():
    from cims_xl.excel.build import build_sheets
    ws = build_sheets()["Orders"]
    heads = {c.value: c for c in ws[1]}
    assert heads["Amount"].alignment.horizontal == "right"
    assert heads["Order Date"].alignment.horizontal == "right"
    assert heads["Product"].alignment.horizontal in (None, "general", "left")
    assert heads[CUSTOMER_NAME_HEADER].alignment.horizontal in (None, "general", "left")
