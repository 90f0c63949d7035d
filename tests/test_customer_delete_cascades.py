"""Deleting a customer takes its contacts, interactions, orders, opportunities and
tickets with it (one audited write, the same stamp), so no report, forecast or lifetime
value counts a record nothing can open; `cims customer restore C-…` brings the customer
back with exactly the records deleted with it (not one deleted before, on its own); a
record of a deleted customer cannot be restored alone; an id of a deleted customer says
when it was deleted and how to bring it back; adding a customer with a deleted
customer's email or phone says so and names the restore. Real encrypted stores in
tmp_path, through the service, the CLI and the sheet's Delete on a real workbook file."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cims_xl.errors import Conflict, NotFound
from cims_xl.reports.refresh import build_for_session
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD

KINDS = ("contact", "interaction", "order", "opportunity", "ticket")

# (company, contact, email, phone, currency-free amount of the order, of the deal)
PEOPLE = [
    ("Berg Maschinenbau GmbH", "Anna Berg", "anna.berg@example.de", "+4930123456", "300", "800"),
    ("上海明华贸易有限公司", "王芳", "wang.fang@example.cn", "+8613800138000", "1250.50", "99.99"),
    ("ООО Ромашка", "Ольга Иванова", "olga@example.ru", "+74951234567", "7", "12000"),
]


def fresh(store_path):
    return auth.sign_in(store_path, "admin", ADMIN_PASSWORD)


def stored(store_path, rid: str) -> dict:
    """The record as a fresh session reads it back from the encrypted store."""
    s = fresh(store_path)
    try:
        return records.get(s, rid, include_deleted=True)
    finally:
        s.close()


def customer_with_everything(admin, person) -> tuple[str, dict[str, str]]:
    company, name, email, phone, order_amount, deal_amount = person
    cid = records.create(admin, "customer", {"name": company, "type": "Company", "email": email,
                                             "phone": phone})["id"]
    p = records.create(admin, "contact", {"customer_id": cid, "name": name})["id"]
    made = {"contact": p,
            "interaction": records.create(admin, "interaction", {"customer_id": cid, "contact_id": p,
                                                                 "kind": "Call", "subject": "hello"})["id"],
            "order": records.create(admin, "order", {"customer_id": cid, "order_date": "2026-03-05",
                                                     "amount": order_amount, "product": "widget"})["id"],
            "opportunity": records.create(admin, "opportunity", {
                "customer_id": cid, "name": "renewal", "stage": "Negotiation", "amount": deal_amount,
                "expected_close": "2027-01-15"})["id"],
            "ticket": records.create(admin, "ticket", {"customer_id": cid, "contact_id": p,
                                                       "subject": "broken", "priority": "P2"})["id"]}
    return cid, made


def report_totals(session) -> tuple[float, float]:
    """(Sales by year total, forecast Best Case total) as the reports compute them from the store."""
    sheets = build_for_session(session, as_of=dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc))
    def total(table, column):
        for sheet in sheets.values():
            for t in sheet.tables:
                if t.name == table:
                    return float(sum(float(v) for v in t.data[column].fillna(0)))
        raise AssertionError(table)
    return total("tblSalesByYear", "Sales"), total("tblForecast", "Best Case")


@pytest.mark.parametrize("person", PEOPLE, ids=[p[0] for p in PEOPLE])
def test_deleting_a_customer_deletes_its_records_and_restore_brings_them_all_back(store_path, admin, person):
    other, _ = customer_with_everything(admin, ("Other Ltd", "Otto", "otto@example.org", "+442071234567",
                                                "1000", "1000"))
    before = report_totals(admin)
    cid, made = customer_with_everything(admin, person)
    taken = records.delete(admin, cid)
    assert taken == {k: [made[k]] for k in KINDS}
    for kind, rid in made.items():
        back = stored(store_path, rid)
        assert back["deleted_at"] is not None and back["deleted_by"] == "admin", kind
    assert stored(store_path, cid)["deleted_at"] == stored(store_path, made["order"])["deleted_at"]
    s = fresh(store_path)
    try:
        assert report_totals(s) == before            # nothing of the deleted customer is counted
        restored = records.restore(s, cid)
    finally:
        s.close()
    assert restored["restored_with"] == {k: [made[k]] for k in KINDS}
    for kind, rid in made.items():
        assert stored(store_path, rid)["deleted_at"] is None, kind
    s = fresh(store_path)
    try:
        assert report_totals(s) != before
    finally:
        s.close()


def test_a_record_deleted_on_its_own_before_stays_deleted_when_its_customer_comes_back(store_path, admin):
    cid, made = customer_with_everything(admin, PEOPLE[0])
    records.delete(admin, made["ticket"])
    # a second later: another stamp
    records.delete(admin, made["order"])
    s = fresh(store_path)
    try:
        stamp = records.get(s, made["order"], include_deleted=True)["deleted_at"]
    finally:
        s.close()
    import time
    while dt.datetime.now(dt.timezone.utc).replace(microsecond=0) <= stamp:
        time.sleep(0.05)
    taken = records.delete(admin, cid)
    assert "ticket" not in taken and "order" not in taken
    records.restore(admin, cid)
    assert stored(store_path, made["ticket"])["deleted_at"] is not None
    assert stored(store_path, made["order"])["deleted_at"] is not None
    assert stored(store_path, made["opportunity"])["deleted_at"] is None


def test_a_record_of_a_deleted_customer_cannot_be_restored_alone(admin):
    cid, made = customer_with_everything(admin, PEOPLE[1])
    records.delete(admin, cid)
    with pytest.raises(Conflict, match=f"customer restore {cid}"):
        records.restore(admin, made["order"])


def test_the_cli_delete_names_what_goes_with_it_and_restore_brings_it_back(run, store_path, admin):
    cid, made = customer_with_everything(admin, PEOPLE[0])
    code, out, err = run("--format", "json", "customer", "delete", cid, "--yes")
    assert code == 0, err
    assert json.loads(out)["deleted_with"] == 5
    assert made["order"] in err and f"customer restore {cid}" in err
    code, out, err = run("customer", "show", cid)
    assert code != 0 and "deleted on" in err and f"customer restore {cid}" in err
    new = records.create(admin, "customer", {"name": "Berg (new)", "type": "Company"})["id"]
    code, out, err = run("customer", "merge", new, cid, "--yes")
    assert code != 0 and "deleted on" in err and f"customer restore {cid}" in err
    code, out, err = run("--format", "json", "customer", "restore", cid)
    assert code == 0, err
    assert json.loads(out)["restored_with"]["opportunity"] == [made["opportunity"]]
    assert stored(store_path, made["contact"])["deleted_at"] is None
    code, out, err = run("--format", "json", "customer", "show", cid)
    assert code == 0 and json.loads(out)["id"] == cid


@pytest.mark.parametrize("how", ["email", "phone"])
def test_adding_a_customer_with_a_deleted_customers_email_or_phone_names_the_restore(run, store_path, admin, how):
    cid, _ = customer_with_everything(admin, PEOPLE[2])
    records.delete(admin, cid)
    value = {"email": "OLGA@example.ru", "phone": "+7 495 123-45-67"}[how]
    code, out, err = run("customer", "add", "--name", "Ромашка again", f"--{how}", value)
    assert code != 0 and cid in err and "deleted on" in err and f"customer restore {cid}" in err
    s = fresh(store_path)
    try:
        assert [c["id"] for c in records.list_records(s, "customer")] == []
    finally:
        s.close()
    code, out, err = run("customer", "add", "--name", "Ромашка again", f"--{how}", value, "--allow-duplicate")
    assert code == 0, err


def test_a_customer_row_deleted_on_the_sheet_takes_its_records_and_says_so(tmp_path, store_path, admin):
    from cims_xl.excel import sync
    from cims_xl.excel.adapter import FileWorkbook
    from test_sync_support import new_workbook

    cid, made = customer_with_everything(admin, PEOPLE[1])
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Customers"])
    wb = FileWorkbook(book, selection={"Customers": [0]})
    asked = []
    result = sync.delete_selected(admin, wb.table_sheet("Customers"), [0], confirm=lambda q: asked.append(q) or True)
    wb.save()
    assert result["deleted"] == 1
    assert made["order"] in asked[0] and made["opportunity"] in asked[0]
    for rid in made.values():
        assert stored(store_path, rid)["deleted_at"] is not None


def test_records_left_live_under_a_customer_deleted_by_an_older_version_are_not_counted(store_path, admin):
    cid, made = customer_with_everything(admin, PEOPLE[0])
    with_it = report_totals(admin)
    # as an older version deleted a customer: the customer alone
    s = fresh(store_path)
    try:
        with s.unit_of_work() as uow:
            from cims_xl.domain.schema import CUSTOMER
            rec = s.store.fetch_record(CUSTOMER, cid)
            now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            s.store.update_record(CUSTOMER, cid, {"deleted_at": now, "deleted_by": "admin",
                                                  "version": rec["version"] + 1}, expected_version=rec["version"])
            uow.commit()
        assert stored(store_path, made["order"])["deleted_at"] is None
        assert report_totals(s) == (0.0, 0.0) != with_it
    finally:
        s.close()


@pytest.mark.parametrize("how", ["Email", "Phone"])
def test_a_sheet_row_re_adding_a_deleted_customer_is_refused_naming_the_restore(tmp_path, store_path, admin, how):
    from cims_xl.excel import sync
    from test_sync_support import Editor, new_workbook, table_rows

    cid, _ = customer_with_everything(admin, PEOPLE[0])
    records.delete(admin, cid)
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Customers"])
    value = {"Email": "Anna.Berg@example.de", "Phone": "+49 30 123456"}[how]
    with Editor(book) as ed:
        ed.add_row({"Name": "Berg Maschinenbau GmbH", "Type": "Company", how: value})
    counts = sync.sync_file(admin, book, "save", sheets=["Customers"])["sheets"]["Customers"]
    assert counts["created"] == 0
    row = [r for r in table_rows(book) if r["Name"] == "Berg Maschinenbau GmbH"][0]
    assert cid in row["Status"] and "deleted on" in row["Status"] and f"customer restore {cid}" in row["Status"]
    s = fresh(store_path)
    try:
        assert records.list_records(s, "customer") == []
    finally:
        s.close()
