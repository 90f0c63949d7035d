"""A customer an import creates from one of its rows is held to the same rule as a stored
one for the file's later rows (issue 14, "never silently wrong").

What went wrong: a later row with the same name found the customer an earlier row of the
same file created, whatever its own phone or email said, so a different person's orders
and tickets were joined to it and their phone and email were lost; a later row's valid
email was dropped when its customer had none; and a shared other-system customer id (a
shop's guest id `0`, or one id for two people) joined different people. Now such a row is
refused naming the row that created the customer (or the id's first row), a later row's
values its customer lacks are kept in its Notes with a warning, and ids that name nobody
(`0`, `guest`, `-1`, `nan`, `none`, an error cell) are no id.

Each test writes its own small file (several languages, CSV and .xlsx, chunks of one or
two rows) and checks the stored customer of every record.
"""

from __future__ import annotations

import pytest

from cims_xl.services import settings
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import linked_owners as owners, rejected_problems as problems, write_csv, write_table as write, write_xlsx


def notes_of(session, kind: str, field: str) -> dict[str, str]:
    return {str(r[field]): r.get("notes") or "" for r in records.list_records(session, kind)}


# ----- item 1: another person of the same name, later in the same file --------------------------

SAME_NAME = {
    # (header, rows: order no, date, name, phone)
    "zh": (["订单号", "下单日期", "客户名称", "手机", "金额"],
           [["A1", "2024-03-05", "王伟", "13800138000", "10"], ["A2", "2024-03-06", "王伟", "13900139000", "20"],
            ["A3", "2024-03-07", "王伟", "12", "30"]]),
    "de": (["Bestellnummer", "Bestelldatum", "Kunde", "Telefon", "Betrag"],
           [["B1", "2024-03-05", "Jürgen Weiß", "+49 30 1234567", "10"],
            ["B2", "2024-03-06", "Jürgen Weiß", "+49 89 7654321", "20"],
            ["B3", "2024-03-07", "Jürgen Weiß", "12", "30"]]),
}


@pytest.mark.parametrize("chunk", [1, 2, 10000])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", sorted(SAME_NAME))
def test_a_later_row_of_the_same_name_with_another_phone_is_refused_naming_the_row_that_created_the_customer(
        admin, tmp_path, lang, fmt, chunk):
    if lang == "de":
        settings.set_store_currency(admin, "EUR")  # fix26m: a German file's bare amounts stop in a CNY store; its store is in EUR
    header, rows = SAME_NAME[lang]
    path = write(tmp_path, fmt, [header] + rows)
    result = import_file(admin, path, kind="orders", chunk_rows=chunk)
    assert (result.created, result.rejected, result.customers_created) == (2, 1, 1)
    who = rows[0][2]
    assert owners(admin, "order", "order_number") == {rows[0][0]: who, rows[2][0]: who}
    said = problems(result)
    assert list(said) == [3]
    assert "row 2" in said[3] and who in said[3] and "not linked" in said[3]
    # the unreadable "12" of the third row is kept with its order, with a warning
    assert any("another person" in i["what"] and who in i["evidence"] for i in result.inferences)
    assert "12" in notes_of(admin, "order", "order_number")[rows[2][0]]
    assert result.warnings >= 1
    (customer,) = records.list_records(admin, "customer")
    assert customer["phone"].endswith(rows[0][3][-7:].replace(" ", ""))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_second_requester_of_the_same_name_with_another_email_is_refused_not_joined(admin, tmp_path, fmt):
    path = write(tmp_path, fmt, [["Subject", "Requester", "Requester Email", "Created", "Status"],
                                 ["Printer jam", "John Smith", "john1@example.com", "2024-03-05 10:00", "Open"],
                                 ["VPN down", "John Smith", "john2@example.com", "2024-03-06 10:00", "Open"],
                                 ["Toner", "John Smith", "JOHN1@example.com", "2024-03-07 10:00", "Open"]])
    result = import_file(admin, path, kind="tickets", chunk_rows=1)
    assert (result.created, result.rejected, result.customers_created) == (2, 1, 1)
    assert owners(admin, "ticket", "subject") == {"Printer jam": "John Smith", "Toner": "John Smith"}
    assert "row 2" in problems(result)[3]


def test_a_stored_customer_and_one_created_earlier_in_the_file_refuse_the_same_row_alike(admin, tmp_path):
    rows = [["订单号", "下单日期", "客户名称", "手机", "金额"],
            ["A1", "2024-03-05", "王伟", "13800138000", "10"], ["A2", "2024-03-06", "王伟", "13900139000", "20"]]
    first = import_file(admin, write_csv(tmp_path / "a.csv", rows[:2]), kind="orders")
    assert first.customers_created == 1
    again = import_file(admin, write_csv(tmp_path / "b.csv", [rows[0], rows[2]]), kind="orders")
    assert (again.created, again.rejected) == (0, 1)
    assert "not linked" in problems(again)[2]


# ----- item 2: a later row's values its customer lacks ------------------------------------------

@pytest.mark.parametrize("chunk", [2, 10000])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_later_rows_valid_email_its_new_customer_lacks_is_kept_in_that_orders_notes_with_a_warning(
        admin, tmp_path, fmt, chunk):
    path = write(tmp_path, fmt, [["Order No", "Customer", "Order Date", "Amount", "Email"],
                                 ["1", "Alice Wong", "2024-03-05", "10", "alice at example.com"],
                                 ["2", "Борис Петров", "2024-03-05", "11", "boris@example.ru"],
                                 ["3", "Борис Петров", "2024-03-06", "12", ""],
                                 ["4", "Alice Wong", "2024-03-07", "13", "alice@example.com"]])
    result = import_file(admin, path, kind="orders", chunk_rows=chunk)
    assert (result.created, result.rejected, result.customers_created) == (4, 0, 2)
    assert owners(admin, "order", "order_number") == {"1": "Alice Wong", "2": "Борис Петров", "3": "Борис Петров",
                                                      "4": "Alice Wong"}
    notes = notes_of(admin, "order", "order_number")
    assert "alice@example.com" in notes["4"] and "alice at example.com" in notes["1"]
    assert "boris" not in notes["3"]
    warned = {o.row for o in result.outcomes if o.warnings}
    assert {2, 5} <= warned


# ----- item 3: customer ids that name nobody, or two people --------------------------------------

@pytest.mark.parametrize("guest", ["0", "guest", "Guest", "-1", "nan", "none"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_guest_customer_id_is_no_id_and_each_guest_gets_their_own_order(admin, tmp_path, guest, fmt):
    path = write(tmp_path, fmt, [["Order ID", "Order Date", "Customer ID", "Customer Name", "Email", "Amount"],
                                 ["A1", "2024-03-05", guest, "Guest One", "g1@x.com", "10"],
                                 ["A2", "2024-03-06", guest, "Guest Two", "g2@x.com", "20"],
                                 ["A3", "2024-03-07", guest, "Guest One", "g1@x.com", "30"]])
    result = import_file(admin, path, kind="orders", chunk_rows=2)
    assert (result.created, result.rejected, result.customers_created) == (3, 0, 2)
    assert owners(admin, "order", "order_number") == {"A1": "Guest One", "A2": "Guest Two", "A3": "Guest One"}


@pytest.mark.parametrize("chunk", [1, 10000])
def test_one_id_for_two_people_is_refused_on_the_later_row_but_billing_names_with_one_email_stay_linked(
        admin, tmp_path, chunk):
    path = write_csv(tmp_path / "k7.csv", [
        ["Order ID", "Order Date", "Customer ID", "Customer Name", "Email", "Amount"],
        ["B1", "2024-03-05", "K7", "Alice Wong", "alice@x.com", "10"],
        ["B2", "2024-03-06", "K7", "Peter Hall", "peter@y.com", "20"],
        ["B3", "2024-03-07", "K7", "Maria Wong", "alice@x.com", "30"],
        ["B4", "2024-03-08", "K7", "Alice Wong", "", "40"]])
    result = import_file(admin, path, kind="orders", chunk_rows=chunk)
    assert (result.created, result.rejected, result.customers_created) == (3, 1, 1)
    assert owners(admin, "order", "order_number") == {"B1": "Alice Wong", "B3": "Alice Wong", "B4": "Alice Wong"}
    said = problems(result)[3]
    assert "K7" in said and "row 2" in said


@pytest.mark.parametrize("kind,ent,field,rows", [
    ("tickets", "ticket", "subject", [
        ["Subject", "Customer ID", "Requester", "Requester Email", "Created", "Status"],
        ["Drucker", "77", "Anna Schmidt", "anna@schmidt.de", "2024-03-05 10:00", "Open"],
        ["Écran noir", "77", "Luc Martin", "luc@martin.fr", "2024-03-06 10:00", "Open"]]),
    ("tickets", "ticket", "subject", [
        ["Subject", "Customer ID", "Requester", "Requester Email", "Created", "Status"],
        ["ログインできない", "U-9", "山田太郎", "yamada@example.jp", "2024-03-05 10:00", "Open"],
        ["請求書の誤り", "U-9", "佐藤花子", "sato@example.jp", "2024-03-06 10:00", "Open"]]),
])
def test_one_id_shared_by_two_requesters_is_refused_on_the_later_row(admin, tmp_path, kind, ent, field, rows):
    result = import_file(admin, write_csv(tmp_path / f"{kind}.csv", rows), kind=kind)
    assert (result.created, result.rejected) == (1, 1)
    assert list(owners(admin, ent, field)) == [rows[1][0]]
    assert rows[1][1] in problems(result)[3]


@pytest.mark.parametrize("kind,ent,field,rows", [
    ("contacts", "contact", "name", [
        ["Name", "Customer ID", "Customer"],
        ["Eva Novak", "0", "Novak s.r.o."], ["Petr Dvořák", "0", "Dvořák a syn"], ["Jana Malá", "0", "Novak s.r.o."]]),
    ("opportunities", "opportunity", "name", [
        ["Deal Name", "Customer ID", "Customer", "Amount", "Stage"],
        ["Renewal 2025", "guest", "Østergaard ApS", "900", "Qualified"],
        ["Pilot", "guest", "Ærø Fisk A/S", "400", "Qualified"], ["Upsell", "guest", "Østergaard ApS", "300", "Qualified"]]),
])
def test_contacts_and_deals_with_a_guest_customer_id_go_each_to_the_customer_they_name(
        admin, tmp_path, kind, ent, field, rows):
    result = import_file(admin, write_csv(tmp_path / f"{kind}.csv", rows), kind=kind, chunk_rows=2)
    assert (result.created, result.rejected, result.customers_created) == (3, 0, 2)
    assert owners(admin, ent, field) == {r[0]: r[2] for r in rows[1:]}


def test_an_error_cell_in_the_customer_id_column_is_no_id_and_the_order_is_kept_with_a_warning(admin, tmp_path):
    path = write_csv(tmp_path / "na.csv", [["Order ID", "Order Date", "Customer ID", "Customer Name", "Email", "Amount"],
                                           ["C1", "2024-03-05", "#N/A", "Tom Lee", "tom@x.com", "10"],
                                           ["C2", "2024-03-06", "#N/A", "Ольга Иванова", "olga@x.ru", "20"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 2)
    assert owners(admin, "order", "order_number") == {"C1": "Tom Lee", "C2": "Ольга Иванова"}
    assert result.warnings == 2
    assert all("#N/A" in n for n in notes_of(admin, "order", "order_number").values())


def test_a_stored_customers_other_system_id_on_another_persons_row_is_refused_naming_that_customer(
        admin, tmp_path):
    header = ["Order ID", "Order Date", "Customer ID", "Customer Name", "Email", "Amount"]
    first = import_file(admin, write_csv(tmp_path / "a.csv", [header, ["B1", "2024-03-05", "K7", "Alice Wong",
                                                                       "alice@x.com", "10"]]), kind="orders")
    assert first.customers_created == 1
    (alice,) = records.list_records(admin, "customer")
    later = import_file(admin, write_csv(tmp_path / "b.csv", [
        header, ["B2", "2024-03-06", "K7", "Peter Hall", "peter@y.com", "20"],
        ["B3", "2024-03-07", "K7", "A. Wong", "ALICE@x.com", "30"]]), kind="orders")
    assert (later.created, later.rejected, later.customers_created) == (1, 1, 0)
    assert "K7" in problems(later)[2] and alice["id"] in problems(later)[2]
    assert owners(admin, "order", "order_number") == {"B1": "Alice Wong", "B3": "Alice Wong"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_company_of_this_file_written_another_way_with_another_email_is_refused_not_joined(admin, tmp_path, fmt):
    path = write(tmp_path, fmt, [["Order No", "Customer", "Order Date", "Amount", "Email"],
                                 ["1", "深圳明达科技有限公司", "2024-03-05", "10", "sales@mingda.cn"],
                                 ["2", "深圳明達科技有限公司", "2024-03-06", "20", "info@other.cn"],
                                 ["3", "深圳明達科技有限公司", "2024-03-07", "30", "sales@mingda.cn"]])
    result = import_file(admin, path, kind="orders", chunk_rows=1)
    assert (result.created, result.rejected, result.customers_created) == (2, 1, 1)
    assert "row 2" in problems(result)[3]
    assert set(owners(admin, "order", "order_number")) == {"1", "3"}


@pytest.mark.parametrize("guest", [0, -1, 0.0])
def test_a_guest_id_typed_as_a_number_in_a_workbook_is_no_id_either(admin, tmp_path, guest):
    path = write_xlsx(tmp_path / "woo.xlsx", [["Order ID", "Order Date", "Customer ID", "Billing Name", "Email", "Amount"],
                                             ["W1", "2024-03-05", guest, "Lucía Fernández", "lucia@example.es", 10],
                                             ["W2", "2024-03-06", guest, "Κώστας Παπαδόπουλος", "kostas@example.gr", 20]])
    result = import_file(admin, path, kind="orders", chunk_rows=1)
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 2)
    assert owners(admin, "order", "order_number") == {"W1": "Lucía Fernández", "W2": "Κώστας Παπαδόπουλος"}
