"""An erased person does not come back: the suppression list (services.suppression).

A shop erases a customer at their request, then imports the spreadsheet it imported
months ago, adds the customer by hand, or types them into the workbook and saves: each
refuses the person, naming the erase date, and keeps only keyed digests of them.
"""

from __future__ import annotations

import json

import openpyxl
import pytest

from cims_xl.errors import NotFound, PermissionDenied, ValidationFailed
from cims_xl.excel import sync
from cims_xl.excel.import_report import error_report
from cims_xl.importer.run import import_file
from cims_xl.security.audit import AuditEvent
from cims_xl.services import audit_log, auth, backup, erase_copies, gdpr, records, suppression
from cims_xl.store.db import Store, utcnow
from conftest import ADMIN_PASSWORD
from table_files import write_csv, write_xlsx
from test_sync_support import Editor, new_workbook, table_rows

SHOP = [["姓名", "邮箱", "手机", "城市"],
        ["王小明", "wxm@qq.com", "138 0013 8000", "上海"],
        ["李娜", "lina@163.com", "139 1234 5678", "北京"],
        ["Jürgen Weiß", "juergen.weiss@example.de", "+49 151 23456789", "Berlin"]]


def _erase(session, name: str) -> str:
    cid = next(r["id"] for r in records.list_records(session, "customer") if r["name"] == name)
    gdpr.erase_customer(session, cid)
    return cid


@pytest.fixture
def shop_file(tmp_path, admin):
    """The shop's old spreadsheet, imported once; 王小明 then erased at their request."""
    path = write_xlsx(tmp_path / "shop_customers.xlsx", SHOP)
    assert import_file(admin, path).created == 3
    _erase(admin, "王小明")
    return path


def test_importing_the_old_spreadsheet_again_rejects_the_erased_person_naming_the_erase(
        admin, shop_file, tmp_path):
    result = import_file(admin, shop_file, error_report=error_report(tmp_path / "report.xlsx"))
    assert (result.rejected, result.duplicates, result.created) == (1, 2, 0)
    rejected = [o for o in result.outcomes if o.action == "rejected"]
    assert [o.row for o in rejected] == [2]
    day = utcnow().date().isoformat()
    assert rejected[0].problems == {"邮箱": f"matches a person erased on {day} at their request: not imported; "
                                           "remove the row from the file"}
    assert not any(r["name"] == "王小明" for r in records.list_records(admin, "customer"))
    ws = openpyxl.load_workbook(result.report)["Import Errors"]
    row = [c.value for c in ws[2]]
    assert row[0] == 2 and "erased on" in row[1] and "王小明" in row


@pytest.mark.parametrize("email, mobile", [
    ("WXM@QQ.COM", ""),                        # the email in capitals
    ("", "+86 138-0013-8000"),                 # only the phone, written another way
    ("", "13800138000"),
    ("wang.xm@other.cn", "0086 138 0013 8000"),  # a new email, the old mobile
])
def test_the_person_is_found_however_the_new_file_writes_their_email_or_phone(
        admin, shop_file, tmp_path, email, mobile):
    path = write_csv(tmp_path / "again.csv", [["Name", "Email", "Mobile"], ["王小明", email, mobile],
                                              ["Ana Souza", "ana@example.br", ""]])
    result = import_file(admin, path)
    assert (result.rejected, result.created) == (1, 1)


def test_a_gmail_address_written_with_dots_or_a_tag_is_the_same_mailbox(admin, tmp_path):
    records.create(admin, "customer", {"name": "John Smith", "email": "johnsmith@gmail.com"})
    _erase(admin, "John Smith")
    path = write_csv(tmp_path / "crm.csv", [["Name", "Email"], ["J. Smith", "John.Smith+shop@gmail.com"]])
    assert import_file(admin, path).rejected == 1


def test_an_import_with_no_one_erased_checks_nothing_and_imports_everyone(admin, tmp_path):
    path = write_xlsx(tmp_path / "shop.xlsx", SHOP)
    assert not suppression.erased_list(admin)
    assert import_file(admin, path).created == 3


def test_customer_add_refuses_the_erased_person_by_email_or_by_phone(admin, shop_file):
    for values in ({"name": "Xiaoming Wang", "email": "Wxm@qq.com"}, {"name": "王小明", "phone": "+8613800138000"}):
        with pytest.raises(ValidationFailed, match="matches a person erased on .* at their request: not added") as exc:
            records.create_customer(admin, values)
        assert "gdpr allow-again" in str(exc.value)
    assert len(records.list_records(admin, "customer")) == 3     # nothing was added


def test_the_cli_refuses_the_erased_person_in_one_line(run, admin, shop_file):
    code, out, err = run("customer", "add", "--name", "王小明", "--email", "wxm@qq.com")
    assert code == 4 and out == ""
    assert err.count("\n") == 1 and "erased on" in err and "Traceback" not in err


def test_the_workbooks_save_refuses_a_row_typed_for_the_erased_person(admin, shop_file, tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Customers"])
    with Editor(book) as ed:
        ed.add_row({"Name": "王小明", "Email": "wxm@qq.com"})
        ed.add_row({"Name": "Fatima Zahra", "Email": "fatima@example.ma"})
    counts = sync.sync_file(admin, book, "save", sheets=["Customers"])["sheets"]["Customers"]
    assert counts["created"] == 1
    status = {r["Name"]: r["Status"] for r in table_rows(book)}
    assert status["Fatima Zahra"] == "Created"
    assert status["王小明"].startswith("Invalid: Email: matches a person erased on")


def test_only_keyed_digests_are_kept_never_the_email_or_the_number(admin, shop_file, store_path):
    entry = next(e for e in audit_log.show(admin, limit=200) if e["action"] == "gdpr.erase")
    digests = entry["changes"]["identifiers"][1]
    assert len(digests) == 2 and all(len(d) == 32 and int(d, 16) >= 0 for d in digests)
    store = Store.open(store_path, admin.data_key)
    try:
        text = "\n".join(str(v) for (t,) in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")
                         for row in store.query(f'SELECT * FROM "{t}"') for v in row)
    finally:
        store.close()
    for secret in ("wxm@qq.com", "8613800138000", "王小明"):
        assert secret not in text


def test_an_administrator_allows_the_person_again_and_the_trail_says_so(admin, shop_file):
    done = suppression.allow_again(admin, " WXM@qq.com ")
    assert done["allowed"] == "email" and done["erased_customer"] == "C-000001"
    rec = records.create_customer(admin, {"name": "王小明", "email": "wxm@qq.com"})
    assert rec["email"] == "wxm@qq.com"
    # the phone is still on the list: allowed one identifier at a time
    with pytest.raises(ValidationFailed):
        records.create_customer(admin, {"name": "王小明", "mobile": "138 0013 8000"}, allow_duplicate=True)
    assert [e["action"] for e in audit_log.show(admin, limit=5)].count("gdpr.allow") == 1
    assert audit_log.verify(admin).ok


def test_allowing_a_value_no_erased_person_had_changes_nothing(admin, shop_file):
    with pytest.raises(NotFound, match="no erased person had that phone"):
        suppression.allow_again(admin, "+8613900000000")


def test_a_manager_may_not_allow_an_erased_person_again(admin, shop_file, session_as):
    manager = session_as("manager")
    with pytest.raises(PermissionDenied):
        suppression.allow_again(manager, "wxm@qq.com")
    assert suppression.erased_list(admin).match({"email": "wxm@qq.com"}) is not None


def test_an_allow_written_by_a_salesperson_through_the_python_api_is_ignored_and_named(
        admin, shop_file, session_as):
    sales = session_as("sales")
    digest = suppression._digest(suppression._key(sales), "email", "wxm@qq.com")
    with sales.unit_of_work() as uow:     # past `allow_again`'s role check: the API a user holds
        sales.audit([AuditEvent(utcnow(), "sales1", "gdpr.allow", "customer", "C-000001", None,
                                {"identifiers": [[digest], None]})])
        uow.commit()
    assert suppression.erased_list(admin).match({"email": "wxm@qq.com"}) is not None
    verdict = audit_log.verify(admin)
    assert not verdict.ok and any("may not gdpr.allow" in p for p in verdict.problems)


def test_deleting_the_erase_entry_outside_cims_is_named_by_verify(admin, shop_file, store_path):
    admin.store.conn.execute("DELETE FROM audit WHERE action = 'gdpr.erase'")
    assert not suppression.erased_list(admin)
    verdict = audit_log.verify(admin)
    assert not verdict.ok and any("missing" in p for p in verdict.problems)


def test_the_cli_allows_again(run, admin, shop_file):
    code, out, err = run("--format", "json", "gdpr", "allow-again", "+86 138 0013 8000")
    assert code == 0, err
    assert json.loads(out) == {"allowed": "phone", "erased_customer": "C-000001",
                               "erased_on": utcnow().date().isoformat()}


def test_a_restore_keeps_refusing_people_erased_after_the_backup_was_made(store_path, admin, tmp_path):
    made = backup.backup(admin)
    later = records.create(admin, "customer", {"name": "Olga Ivanova", "email": "olga@example.ru",
                                               "mobile": "+7 912 345-67-89"})
    gdpr.erase_customer(admin, later["id"])
    result = backup.restore(admin, made, ADMIN_PASSWORD)
    assert result["still_refused"] == [later["id"]]
    restored = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        with pytest.raises(ValidationFailed, match="erased on"):
            records.create_customer(restored, {"name": "Olga", "mobile": "89123456789", "country": "RU"})
        path = write_csv(tmp_path / "ru.csv", [["Name", "Email"], ["Ольга Иванова", "OLGA@example.ru"]])
        assert import_file(restored, path).rejected == 1
        assert audit_log.verify(restored).ok
    finally:
        restored.close()


def test_a_restore_of_a_backup_made_before_the_erase_still_refuses_the_person(store_path, admin, monkeypatch):
    c = records.create(admin, "customer", {"name": "Nguyễn Văn An", "email": "an@example.vn"})
    made = backup.backup(admin)
    monkeypatch.setattr(erase_copies, "erase_copies", lambda session, cid: {
        "copies_erased": [], "copies_not_reached": [], "copies_unsigned": []})   # the backup kept elsewhere
    gdpr.erase_customer(admin, c["id"])
    monkeypatch.undo()
    result = backup.restore(admin, made, ADMIN_PASSWORD)
    assert result["erased_again"] == [c["id"]] and "still_refused" not in result
    restored = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        with pytest.raises(ValidationFailed, match="erased on"):
            records.create_customer(restored, {"name": "An", "email": "an@example.vn"})
    finally:
        restored.close()


def test_an_order_import_does_not_create_the_erased_person_as_its_customer(admin, shop_file, tmp_path):
    path = write_csv(tmp_path / "orders.csv", [
        ["Order", "Customer", "Customer Email", "Amount", "Date"],
        ["A-1", "王小明", "wxm@qq.com", "88.00", "2026-05-01"],
        ["A-2", "Kwame Mensah", "kwame@example.gh", "12.50", "2026-05-02"]])
    result = import_file(admin, path, kind="orders", currency="CNY")
    assert (result.created, result.rejected, result.customers_created) == (1, 1, 1)
    reason = next(o for o in result.outcomes if o.action == "rejected").problems
    assert list(reason.values()) == [f"matches a person erased on {utcnow().date().isoformat()} at their "
                                     "request: not imported; remove the row from the file"]
    assert not any(r["name"] == "王小明" for r in records.list_records(admin, "customer"))


def test_a_big_import_prepared_in_its_second_process_rejects_the_erased_person_too(
        admin, shop_file, tmp_path, monkeypatch):
    from cims_xl.importer import parallel

    if not parallel.available():
        pytest.skip("rows are prepared in a forked process only on Linux")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", 0)
    rows = [["Name", "Email", "Mobile"]] + [[f"Kunde {i}", f"k{i}@example.de", ""] for i in range(40)]
    rows[25] = ["王小明", "", "+86 13800138000"]
    path = write_csv(tmp_path / "big.csv", rows)
    result = import_file(admin, path, chunk_rows=10)
    assert (result.created, result.rejected) == (39, 1)
    assert [o.row for o in result.outcomes if o.action == "rejected"] == [26]


def test_writing_the_erased_persons_email_onto_another_customer_is_refused(admin, shop_file, tmp_path):
    lina = next(r for r in records.list_records(admin, "customer") if r["name"] == "李娜")
    with pytest.raises(ValidationFailed, match="Email: matches a person erased on .*: not saved"):
        records.update(admin, lina["id"], {"email": "wxm@qq.com"})
    with pytest.raises(ValidationFailed, match="Phone: matches a person erased"):
        records.update(admin, lina["id"], {"phone": "13800138000"})
    records.update(admin, lina["id"], {"city": "天津"})     # other edits go on as before
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Customers"])
    with Editor(book) as ed:
        ed.set(lina["id"], "Mobile", "+86 138 0013 8000")
    sync.sync_file(admin, book, "save", sheets=["Customers"])
    row = next(r for r in table_rows(book) if r["ID"] == lina["id"])
    assert row["Status"].startswith("Invalid: Mobile: matches a person erased on")
    assert records.get(admin, lina["id"])["mobile"] != "+8613800138000"


# ----- a contact is a person too (tester: the erased person came back as a contact) ----------

@pytest.mark.parametrize("values", [{"email": "WXM@qq.com"}, {"mobile": "138-0013-8000"},
                                    {"phone": "+86 138 0013 8000"}])
def test_an_erased_persons_email_or_number_on_a_contact_is_refused(admin, shop_file, session_as, values):
    li = next(r["id"] for r in records.list_records(admin, "customer") if r["name"] == "李娜")
    with pytest.raises(ValidationFailed, match="erased on"):
        records.create(admin, "contact", {"name": "Xiaoming W", "customer_id": li, **values})
    ok = records.create(admin, "contact", {"name": "Someone Else", "customer_id": li, "email": "else@qq.com"})
    with pytest.raises(ValidationFailed, match="erased on"):
        records.update(admin, ok["id"], values)
    assert [c["name"] for c in records.list_records(admin, "contact")] == ["Someone Else"]


def test_a_contacts_import_rejects_the_erased_person_and_keeps_the_others(admin, shop_file, tmp_path):
    path = write_csv(tmp_path / "contacts.csv", [["Name", "Company", "Email", "Mobile"],
                                                 ["Xiaoming W", "李娜", "Wxm@QQ.com", ""],
                                                 ["Zhao Lei", "李娜", "zhaolei@qq.com", "139 8888 7777"]])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.rejected) == (1, 1)
    rejected = next(o for o in result.outcomes if o.action == "rejected")
    assert rejected.row == 2 and "erased on" in rejected.reason
    assert [c["name"] for c in records.list_records(admin, "contact")] == ["Zhao Lei"]
