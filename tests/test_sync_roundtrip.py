"""Headless Save / Refresh / Delete on real workbook files and a real encrypted store.

Each test edits the file the way a person would in Excel (see test_sync_support.Editor),
runs the same code the ribbon runs, and reads the result back cell by cell.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from cims_xl.errors import PermissionDenied
from cims_xl.excel import sync
from cims_xl.excel.adapter import FileWorkbook, SheetError
from cims_xl.excel.layout import LAYOUTS
from cims_xl.services import audit_log, records
from test_sync_support import Editor, new_workbook, row_of, table_ref, table_rows

LAYOUT = LAYOUTS["customer"]


@pytest.fixture
def book(tmp_path):
    return new_workbook(tmp_path / "cims.xlsx")


@pytest.fixture
def customers(admin):
    return [records.create(admin, "customer", data)["id"] for data in (
        {"name": "Alice Wang", "email": "alice@example.cn", "city": "Shanghai", "phone": "13800138000"},
        {"name": "Bob Li", "email": "bob@example.cn", "city": "Beijing"},
        {"name": "Carol Zhang", "email": "carol@example.cn", "city": "Shenzhen"},
    )]


def save(session, path, **kw):
    return sync.sync_file(session, path, "save", sheets=["Customers"], **kw)["sheets"]["Customers"]


def refresh(session, path, **kw):
    return sync.sync_file(session, path, "refresh", sheets=["Customers"], **kw)["sheets"]["Customers"]


# ----- Refresh ---------------------------------------------------------------------------

def test_refresh_writes_every_customer_with_its_key_version_and_fingerprint(admin, customers, book):
    result = refresh(admin, book)
    assert result["rows"] == 3 and result["added"] == 3
    rows = table_rows(book)
    assert [r["ID"] for r in rows] == customers
    alice = row_of(book, customers[0])
    assert (alice["Name"], alice["Email"], alice["City"]) == ("Alice Wang", "alice@example.cn", "Shanghai")
    assert alice["_key"] == customers[0] and alice["_version"] == 1 and len(alice["_fingerprint"]) == 24
    assert alice["Status"] is None
    assert table_ref(book) == f"A1:{openpyxl.utils.get_column_letter(len(LAYOUT.columns))}4"


def test_a_freshly_refreshed_sheet_has_nothing_to_save(admin, customers, book):
    refresh(admin, book)
    counts = save(admin, book)
    assert counts == {"created": 0, "updated": 0, "untouched": 3, "edited_but_equal": 0, "invalid": 0,
                      "conflicts": 0, "duplicates": 0, "refused": 0}


def test_refresh_refuses_to_overwrite_unsaved_changes_unless_forced(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.set(customers[0], "City", "Hangzhou")
    with pytest.raises(sync.UnsavedChanges, match="1 unsaved row"):
        refresh(admin, book)
    assert row_of(book, customers[0])["City"] == "Hangzhou"
    refresh(admin, book, force=True)
    assert row_of(book, customers[0])["City"] == "Shanghai"


def test_refresh_removes_rows_of_deleted_records_and_adds_new_ones_in_place(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.sort_by("Name", reverse=True)  # Carol, Bob, Alice
    records.delete(admin, customers[1])
    dave = records.create(admin, "customer", {"name": "Dave Zhao"})["id"]
    result = refresh(admin, book)
    assert (result["removed"], result["added"]) == (1, 1)
    assert [r["_key"] for r in table_rows(book)] == [customers[2], customers[0], dave]


def test_a_user_formula_column_beside_the_table_survives_refresh(admin, customers, book):
    refresh(admin, book)
    beside = len(LAYOUT.columns) + 2
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    ws.cell(1, beside).value = "Name length"
    for r in range(2, 5):
        ws.cell(r, beside).value = f"=LEN(B{r})"
    wb.save(book)
    records.update(admin, customers[0], {"city": "Suzhou"})
    records.create(admin, "customer", {"name": "Dave Zhao"})
    refresh(admin, book)
    ws = openpyxl.load_workbook(book)["Customers"]
    assert ws.cell(1, beside).value == "Name length"
    assert [ws.cell(r, beside).value for r in range(2, 5)] == ["=LEN(B2)", "=LEN(B3)", "=LEN(B4)"]
    assert row_of(book, customers[0])["City"] == "Suzhou"


def test_a_viewer_sees_no_personal_fields(session_as, customers, book):
    viewer = session_as("viewer")
    refresh(viewer, book)
    alice = row_of(book, customers[0])
    assert alice["Name"] is None and alice["Email"] is None
    assert alice["City"] == "Shanghai"


# ----- Save ------------------------------------------------------------------------------

def test_an_edited_cell_is_saved_and_the_row_says_updated(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.set(customers[1], "Email", "bob.li@example.cn")
    counts = save(admin, book)
    assert counts["updated"] == 1
    assert records.get(admin, customers[1])["email"] == "bob.li@example.cn"
    bob = row_of(book, customers[1])
    assert bob["Status"] == "Updated" and bob["_version"] == 2
    assert [row_of(book, c)["Status"] for c in (customers[0], customers[2])] == [None, None]


def test_saving_again_sends_only_rows_still_pending(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.set(customers[1], "City", "Tianjin")
    save(admin, book)
    counts = save(admin, book)
    assert counts["updated"] == 0 and counts["created"] == 0
    assert records.get(admin, customers[1])["version"] == 2


def test_saved_values_come_back_normalised_and_are_not_pending_again(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.set(customers[0], "Phone", "138 0013 8001")
    save(admin, book)
    stored = records.get(admin, customers[0])["phone"]
    assert row_of(book, customers[0])["Phone"] == stored != "138 0013 8001"
    assert save(admin, book)["updated"] == 0


def test_a_new_row_is_created_and_gets_its_key(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.add_row({"Name": "Erin Sun", "Email": "erin@example.cn", "City": "Chengdu"})
    counts = save(admin, book)
    assert counts["created"] == 1
    erin = [r for r in table_rows(book) if r["Name"] == "Erin Sun"][0]
    assert erin["Status"] == "Created" and erin["ID"] == erin["_key"] == "C-000004"
    assert erin["_version"] == 1
    assert records.get(admin, "C-000004")["city"] == "Chengdu"


def test_rows_added_to_an_empty_sheet_are_created(admin, book):
    with Editor(book) as ed:
        ed.add_row({"Name": "First Customer"})
        ed.add_row({"Name": "Second Customer"})
    assert save(admin, book)["created"] == 2
    assert [r["_key"] for r in table_rows(book)] == ["C-000001", "C-000002"]


def test_an_invalid_email_is_reported_on_its_row_and_its_cell_highlighted(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.set(customers[0], "Email", "not-an-email")
        ed.set(customers[1], "City", "Tianjin")
    counts = save(admin, book)
    assert (counts["invalid"], counts["updated"]) == (1, 1)
    alice = row_of(book, customers[0])
    assert alice["Status"].startswith("Invalid: Email: ")
    assert alice["@cell"]["Email"].fill.fgColor.rgb == "FFFFC7CE"
    assert alice["_version"] == 1
    assert records.get(admin, customers[0])["email"] == "alice@example.cn"
    assert records.get(admin, customers[1])["city"] == "Tianjin"


def test_fixing_an_invalid_cell_saves_it_and_clears_the_highlight(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.set(customers[0], "Email", "not-an-email")
    save(admin, book)
    with Editor(book) as ed:
        ed.set(customers[0], "Email", "alice.wang@example.cn")
    save(admin, book)
    alice = row_of(book, customers[0])
    assert alice["Status"] == "Updated"
    assert alice["@cell"]["Email"].fill.fill_type is None


def test_undoing_an_invalid_edit_clears_the_old_status(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.set(customers[0], "Email", "not-an-email")
    save(admin, book)
    with Editor(book) as ed:
        ed.set(customers[0], "Email", "alice@example.cn")
    save(admin, book)
    alice = row_of(book, customers[0])
    assert alice["Status"] is None and alice["@cell"]["Email"].fill.fill_type is None


def test_a_new_row_missing_a_required_field_is_invalid_and_nothing_is_created(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.add_row({"City": "Wuhan"})
    assert save(admin, book)["invalid"] == 1
    row = [r for r in table_rows(book) if r["City"] == "Wuhan"][0]
    assert row["Status"] == "Invalid: Name: required" and row["_key"] is None
    assert len(records.list_records(admin, "customer")) == 3


def test_a_computed_column_cannot_be_edited(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.set(customers[0], "RFM Segment", "Champions")
    assert save(admin, book)["invalid"] == 1
    assert row_of(book, customers[0])["Status"] == "Invalid: RFM Segment: is computed by cims and cannot be changed"


def test_a_change_by_someone_else_to_another_field_is_merged(admin, session_as, customers, book):
    refresh(admin, book)
    bob = session_as("manager", "bob")
    records.update(bob, customers[0], {"phone": "13900139000"})
    with Editor(book) as ed:
        ed.set(customers[0], "City", "Hangzhou")
    counts = save(admin, book)
    assert counts["updated"] == 1
    stored = records.get(admin, customers[0])
    assert stored["city"] == "Hangzhou" and stored["phone"].endswith("13900139000")
    alice = row_of(book, customers[0])
    assert alice["Status"] == "Updated" and alice["_version"] == 3
    assert alice["Phone"] == stored["phone"] and alice["City"] == "Hangzhou"
    assert save(admin, book)["updated"] == 0


def test_a_change_by_someone_else_to_the_same_field_is_a_conflict_and_keeps_the_store_value(
        admin, session_as, customers, book):
    refresh(admin, book)
    bob = session_as("manager", "bob")
    records.update(bob, customers[0], {"city": "Suzhou"})
    with Editor(book) as ed:
        ed.set(customers[0], "City", "Hangzhou")
        ed.set(customers[0], "Notes", "prefers calls")
    counts = save(admin, book)
    assert counts["conflicts"] == 1
    stored = records.get(admin, customers[0])
    assert stored["city"] == "Suzhou" and stored["notes"] is None  # nothing of the row written
    alice = row_of(book, customers[0])
    assert alice["Status"].startswith("Conflict: City changed by bob at ")
    assert alice["Status"].endswith("(store: Suzhou)")
    assert alice["City"] == "Hangzhou" and alice["_version"] == 1
    assert alice["@cell"]["City"].fill.fgColor.rgb == "FFFFC7CE"
    assert save(admin, book)["conflicts"] == 1  # still pending, still not overwritten
    assert records.get(admin, customers[0])["city"] == "Suzhou"


def test_forcing_a_save_lets_the_sheet_win_a_conflict(admin, session_as, customers, book):
    refresh(admin, book)
    records.update(session_as("manager", "bob"), customers[0], {"city": "Suzhou"})
    with Editor(book) as ed:
        ed.set(customers[0], "City", "Hangzhou")
    assert save(admin, book, force=True)["updated"] == 1
    assert records.get(admin, customers[0])["city"] == "Hangzhou"


def test_a_row_whose_record_was_deleted_meanwhile_is_a_conflict(admin, session_as, customers, book):
    refresh(admin, book)
    records.delete(session_as("manager", "bob"), customers[0])
    with Editor(book) as ed:
        ed.set(customers[0], "City", "Hangzhou")
    assert save(admin, book)["conflicts"] == 1
    assert row_of(book, customers[0])["Status"].startswith("Conflict: deleted by bob at ")


def test_deleting_a_row_in_excel_never_deletes_in_the_store(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.delete_row(customers[1])
    save(admin, book)
    assert records.get(admin, customers[1])["name"] == "Bob Li"
    refresh(admin, book)
    assert customers[1] in [r["_key"] for r in table_rows(book)]


def test_sorting_the_table_before_save_still_updates_the_right_customers(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.sort_by("City")  # Beijing (Bob), Shanghai (Alice), Shenzhen (Carol)
        ed.set(customers[2], "Notes", "Carol's note")
        ed.set(customers[0], "Notes", "Alice's note")
    assert save(admin, book)["updated"] == 2
    assert records.get(admin, customers[0])["notes"] == "Alice's note"
    assert records.get(admin, customers[2])["notes"] == "Carol's note"
    assert records.get(admin, customers[1])["notes"] is None
    assert [r["_key"] for r in table_rows(book)] == [customers[1], customers[0], customers[2]]


def test_an_edited_copy_of_a_row_is_refused_and_becomes_a_new_customer_once_its_id_is_cleared(
        admin, customers, book):
    refresh(admin, book)
    alice = row_of(book, customers[0])
    copy = {h: v for h, v in alice.items() if not h.startswith("@")}
    copy.update({"Name": "Alice Wang Jr", "Email": "alice.jr@example.cn", "Phone": None})
    with Editor(book) as ed:
        ed.add_row(copy)
    assert save(admin, book)["created"] == 0
    assert table_rows(book)[-1]["Status"].startswith(f"Duplicate of {customers[0]}: not saved")
    assert records.get(admin, customers[0])["name"] == "Alice Wang"
    with Editor(book) as ed:
        c1, r1, c2, r2, headers = ed._geo()
        ed.ws.cell(r2, c1 + headers.index("ID")).value = None      # the user clears the copy's ID
    assert save(admin, book)["created"] == 1
    assert records.get(admin, customers[0])["name"] == "Alice Wang"
    assert [r["Name"] for r in table_rows(book)][-1] == "Alice Wang Jr"
    assert table_rows(book)[-1]["_key"] == "C-000004"


def test_a_salesperson_cannot_save_a_customer_they_do_not_own_but_their_own_rows_save(
        admin, session_as, customers, book):
    sales = session_as("sales")
    mine = records.create(sales, "customer", {"name": "Own Customer"})["id"]
    refresh(sales, book)
    with Editor(book) as ed:
        ed.set(customers[0], "City", "Hangzhou")
        ed.set(mine, "City", "Xiamen")
    counts = save(sales, book)
    assert (counts["refused"], counts["updated"]) == (1, 1)
    assert row_of(book, customers[0])["Status"].startswith("Not allowed: sales1 (sales) may not")
    assert records.get(admin, customers[0])["city"] == "Shanghai"
    assert records.get(admin, mine)["city"] == "Xiamen"


def test_save_reports_progress_through_the_callback(admin, customers, book):
    refresh(admin, book)
    with Editor(book) as ed:
        ed.set(customers[0], "City", "Hangzhou")
    seen = []
    save(admin, book, progress=lambda done, total, text: seen.append(text))
    assert "Saved" in seen and any(t.startswith("Checking") for t in seen)


def test_dates_amounts_and_yes_no_round_trip_without_becoming_pending(admin, customers, book):
    order = records.create(admin, "order", {"customer_id": customers[0], "order_date": dt.date(2024, 3, 5),
                                            "amount": "1234.5", "discount": "0.15", "product": "=HYPERLINK(1)"})
    records.update(admin, customers[0], {"marketing_consent": True})
    sync.sync_file(admin, book, "refresh")
    counts = sync.sync_file(admin, book, "save")["sheets"]
    assert all(c["updated"] == c["created"] == c["invalid"] == 0 for c in counts.values())
    row = row_of(book, order["id"], "Orders")
    assert row["Order Date"].date() == dt.date(2024, 3, 5) and row["Amount"] == 1234.5
    assert row["Product"] == "=HYPERLINK(1)" and row["@cell"]["Product"].data_type == "s"
    assert row_of(book, customers[0])["Marketing Consent"] == "Yes"
    with Editor(book) as ed:
        ed.set(customers[0], "Marketing Consent", "No")
    save(admin, book)
    assert records.get(admin, customers[0])["marketing_consent"] is False


def test_a_datetime_edited_on_the_sheet_is_stored_in_utc(admin, customers, book, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "Asia/Shanghai")
    # opened before the response typed (a response before the opening is refused)
    ticket = records.create(admin, "ticket", {"customer_id": customers[0], "subject": "Broken",
                                              "opened_at": dt.datetime(2024, 5, 1, 1, 0, tzinfo=dt.timezone.utc)})["id"]
    sync.sync_file(admin, book, "refresh", sheets=["Tickets"])
    with Editor(book, "Tickets") as ed:
        ed.set(ticket, "First Response", dt.datetime(2024, 5, 1, 10, 0))
    assert sync.sync_file(admin, book, "save", sheets=["Tickets"])["sheets"]["Tickets"]["updated"] == 1
    stored = records.get(admin, ticket)["first_response_at"]
    assert stored == dt.datetime(2024, 5, 1, 2, 0, tzinfo=dt.timezone.utc)


# ----- Delete selected ---------------------------------------------------------------------

def test_delete_selected_soft_deletes_after_confirmation_and_removes_the_row(admin, customers, book):
    refresh(admin, book)
    wb = FileWorkbook(book, selection={"Customers": [1]})
    asked = []
    result = sync.delete_selected(admin, wb.table_sheet("Customers"), [1],
                                  confirm=lambda q: asked.append(q) or True)
    wb.save()
    assert result["deleted"] == 1 and customers[1] in asked[0]
    assert [r["_key"] for r in table_rows(book)] == [customers[0], customers[2]]
    assert records.get(admin, customers[1], include_deleted=True)["deleted_by"] == "admin"
    assert customers[1] not in [r["id"] for r in records.list_records(admin, "customer")]


def test_delete_selected_does_nothing_when_not_confirmed(admin, customers, book):
    refresh(admin, book)
    wb = FileWorkbook(book)
    result = sync.delete_selected(admin, wb.table_sheet("Customers"), [0, 1], confirm=lambda q: False)
    assert result["cancelled"] and len(records.list_records(admin, "customer")) == 3


def test_a_viewer_is_refused_before_being_asked_and_the_refusal_is_audited(admin, session_as, customers, book):
    refresh(admin, book)
    viewer = session_as("viewer")
    wb = FileWorkbook(book)
    asked = []
    with pytest.raises(PermissionDenied):
        sync.delete_selected(viewer, wb.table_sheet("Customers"), [0], confirm=lambda q: asked.append(q) or True)
    assert asked == []
    assert any(e["action"] == "denied" and e["actor"] == "viewer1" for e in audit_log.show(admin, limit=5))
    assert len(records.list_records(admin, "customer")) == 3


# ----- the CLI entry point -------------------------------------------------------------------

def test_sync_file_refreshes_every_data_sheet_by_default(admin, customers, book):
    records.create(admin, "contact", {"customer_id": customers[0], "name": "Zhou Min"})
    result = sync.sync_file(admin, book, "refresh")
    assert set(result["sheets"]) == set(sync.DATA_SHEETS)
    assert table_rows(book, "Contacts")[0]["Name"] == "Zhou Min"


def test_sync_file_names_an_unknown_sheet_plainly(admin, book):
    with pytest.raises(SheetError, match="not a data sheet"):
        sync.sync_file(admin, book, "save", sheets=["Home"])


def test_sync_file_rejects_an_unknown_action(admin, book):
    with pytest.raises(Exception, match="unknown sync action"):
        sync.sync_file(admin, book, "explode")


def test_sync_file_refreshes_the_report_sheets(admin, customers, book):
    result = sync.sync_file(admin, book, "reports")
    assert result["action"] == "reports" and "Report - Sales" in result["sheets"]


def test_an_edit_to_a_row_whose_customer_was_erased_meanwhile_says_so_and_saves_nothing(admin, customers, book):
    from cims_xl.services import gdpr
    records.create(admin, "order", {"customer_id": customers[0], "order_date": "2024-03-01", "amount": "120"})
    refresh(admin, book)
    gdpr.erase_customer(admin, customers[0])
    with Editor(book) as ed:
        ed.set(customers[0], "City", "Hangzhou")
    result = save(admin, book)
    assert result["conflicts"] == 1
    status = row_of(book, customers[0])["Status"]
    assert status.startswith("Conflict: erased (GDPR/PIPL) by admin at "), status
    assert "computed" not in status and "Alice" not in status
    assert records.get(admin, customers[0])["city"] != "Hangzhou"
