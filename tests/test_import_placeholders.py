"""What people and programs write for "no value" (N/A, -, none, NULL, k.A., néant, 无,
なし, 없음 …) is an empty cell, not a company called "N/A", a city "-" or a warning about
an email "n/a"; the summary lists them per column. Names keep the words that are also
names ("Na", "Nil"), a record's own name written as a placeholder refuses its row (no
customer "N/A"), a customer's name on an order is left empty, a country keeps "NA"
(Namibia), and statuses, stages, currencies and amounts are never emptied for a default
to fill."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records

FIELDS = ("company", "email", "phone", "city", "postal_code", "tags", "marketing_consent_at")


def customers(session) -> dict[str, dict]:
    return {c["name"]: {k: c[k] for k in FIELDS} for c in records.list_records(session, "customer")}


def said(result) -> dict:
    (line,) = [i for i in result.inferences if i["what"] == "placeholders for no value"]
    return line


def test_placeholders_are_empty_cells_without_warnings_and_the_summary_lists_them(admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Company,Email,Phone,City,Postal Code,Tags,Consent Date\n"
                    "Anna Lee,N/A,n/a,N/A,-,n.a.,none,-\n"
                    "Bob Ray,-,none,—,,NULL,(blank),unknown\n"
                    "Cy Dee,Acme Ltd,cy@acme.com,+1 415 555 0100,Boston,02134,vip,2026-03-05\n",
                    encoding="utf-8")
    dry = import_file(admin, path, dry_run=True)
    line = said(dry)
    assert line["decided"] == "read as empty cells"
    assert "'Company': 2 cell(s) ('-', 'N/A')" in line["evidence"]
    assert "'Email': 2 cell(s)" in line["evidence"] and "'Consent Date': 2 cell(s)" in line["evidence"]
    assert customers(admin) == {}
    result = import_file(admin, path)
    assert (result.created, result.warnings, result.rejected) == (3, 0, 0)
    got = customers(admin)
    assert got["Anna Lee"] == dict.fromkeys(FIELDS)
    assert got["Bob Ray"] == dict.fromkeys(FIELDS)
    assert got["Cy Dee"]["company"] == "Acme Ltd" and got["Cy Dee"]["tags"] == "vip"


@pytest.mark.parametrize("word", ["k.A.", "keine Angabe", "néant", "s/d", "sin datos", "n.v.t.", "无", "未知",
                                  "暂无", "なし", "不明", "없음", "－", "N/D", "TBD",
                                  # the languages whose headings are read without --map too
                                  "н/д", "нет данных", "Немає", "brak danych", "yok", "không có", "tidak ada",
                                  "nincs", "Κανένα", "žádný", "ไม่ระบุ", "ไม่มี", "geen", "keine"])
def test_placeholders_of_other_languages_are_empty_cells_too(admin, tmp_path, word):
    path = tmp_path / "people.csv"
    path.write_text(f"Name,Company,City\nAnna Lee,{word},{word}\nBo Berg,Berg AB,Malmö\n", encoding="utf-8")
    import_file(admin, path)
    got = customers(admin)
    assert got["Anna Lee"]["company"] is None and got["Bo Berg"]["company"] == "Berg AB"


def test_a_name_that_is_also_a_word_for_nothing_is_kept_and_a_country_keeps_namibia(admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Country,Company\nNa,na2@example.com,KR,Nil\n"
                    "Ama Ata,ama@example.com,NA,N/A\n", encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (2, 0)
    people = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert set(people) == {"Na", "Ama Ata"}
    assert people["Ama Ata"]["country"] == "NA"               # Namibia, not "no value"
    assert (people["Na"]["company"], people["Ama Ata"]["company"]) == ("Nil", None)


@pytest.mark.parametrize("kind, header", [("customers", "Name"), ("customers", "客户名称"), ("contacts", "Name")])
@pytest.mark.parametrize("word", ["N/A", "-", "无", "NULL", "none", "???", "なし", "нет данных", "(blank)",
                                  "N / A", "none.", "..", "—-", "-/-"])
def test_a_records_own_name_written_as_a_placeholder_refuses_the_row_saying_so(admin, tmp_path, kind, header, word):
    """Not a customer called "N/A", and not a blank name without a word: the row is
    refused with the reason, like a row with no name, and the others go in."""
    path = tmp_path / "people.csv"
    if kind == "contacts":
        import_file(admin, _csv(tmp_path / "c.csv", "Name,Email\nAcme Ltd,info@acme.example\n"))
        text = f"Name,Email,Company\n{word},x@acme.example,Acme Ltd\nBo Berg,bo@acme.example,Acme Ltd\n"
    else:
        text = f"{header},Email,Phone\n{word},x@example.com,+44 20 7946 0958\nBo Berg,bo@example.com,\n"
    path.write_text(text, encoding="utf-8")
    result = import_file(admin, path, kind=kind)
    assert (result.created, result.rejected) == (1, 1)
    refused = next(o for o in result.outcomes if o.action == "rejected")
    assert refused.row == 2 and f"'{word}' says there is no name" in refused.reason
    names = {r["name"] for r in records.list_records(admin, kind.rstrip("s"))}
    assert word not in names and "Bo Berg" in names


def test_an_orders_customer_name_written_as_a_placeholder_makes_no_customer_called_so(admin, tmp_path):
    """The order names no customer: refused as a row with an empty name is, not linked to
    a new customer "N/A"."""
    import_file(admin, _csv(tmp_path / "c.csv", "Name,Email\nAnna Lee,anna@example.com\n"))
    path = _csv(tmp_path / "o.csv", "Order,Date,Customer,Amount,Currency\n"
                                    "1001,2026-03-05,N/A,10.00,EUR\n1002,2026-03-05,Anna Lee,12.00,EUR\n")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (1, 1, 0)
    assert "no customer id or name" in next(o for o in result.outcomes if o.action == "rejected").reason
    assert {c["name"] for c in records.list_records(admin, "customer")} == {"Anna Lee"}


def _csv(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_an_order_status_or_amount_written_as_a_placeholder_is_never_given_a_default(admin, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Order,Customer,Date,Amount,Currency,Status\n"
                    "1001,Anna Lee,2026-03-05,10.00,EUR,Completed\n"
                    "1002,Bob Ray,2026-03-05,-,EUR,Completed\n"
                    "1003,Cy Dee,2026-03-05,12.00,EUR,N/A\n", encoding="utf-8")
    try:
        result = import_file(admin, path, kind="orders")
    except ImportRefused as stop:              # an unreadable status may stop the import
        assert "N/A" in str(stop)
        assert records.list_records(admin, "order") == []
        return
    stored = {o["order_number"]: o for o in records.list_records(admin, "order")}
    assert "1002" not in stored and "1003" not in stored
    assert result.rejected == 2


def test_a_ticket_priority_written_as_a_placeholder_stops_and_value_settles_it(admin, tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("Subject,Customer,Status,Priority,Opened\n"
                    "Printer,Ann Lee,Open,N/A,2026-03-05 10:00\nLogin,Bob Ray,Open,High,2026-03-05 11:00\n",
                    encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="tickets")
    assert "'N/A'" in str(stop.value) and "--value" in str(stop.value)
    import_file(admin, path, kind="tickets", values=["N/A=P4"])
    by_subject = {t["subject"]: t["priority"] for t in records.list_records(admin, "ticket")}
    assert by_subject["Printer"] == "P4"


def test_a_value_given_for_a_placeholder_wins_over_reading_it_as_empty(admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Type\nAcme Ltd,N/A\nBob Ray,Person\n", encoding="utf-8")
    import_file(admin, path, values=["N/A=Company"])
    assert {c["name"]: c["type"] for c in records.list_records(admin, "customer")} == {
        "Acme Ltd": "Company", "Bob Ray": "Person"}


def notes(session) -> dict[str, str | None]:
    return {c["name"]: c["notes"] for c in records.list_records(session, "customer")}


@pytest.mark.parametrize("writer", ["csv", "xlsx"])
def test_placeholders_in_columns_no_field_takes_are_not_kept_in_notes(admin, tmp_path, writer):
    from table_files import write_csv, write_xlsx

    rows = [["Name", "Email", "Colour", "Lieblingsfarbe", "喜欢的颜色", "Market"],
            ["Anna Lee", "anna@example.com", "N/A", "k.A.", "无", "NA"],
            ["Bob Ray", "bob@example.com", "-", "keine Angabe", "未知", "EMEA"],
            ["Cy Dee", "cy@example.com", "Blue", "Grün", "红色", "-"]]
    path = (write_csv if writer == "csv" else write_xlsx)(tmp_path / f"people.{writer}", rows)
    dry = import_file(admin, path, dry_run=True)
    line = said(dry)
    assert "'Colour': 2 cell(s)" in line["evidence"] and "'喜欢的颜色': 2 cell(s)" in line["evidence"]
    assert "'Market': 1 cell(s) ('-')" in line["evidence"]
    import_file(admin, path)
    got = notes(admin)
    assert got["Anna Lee"] == "Market: NA"                     # North America: not a placeholder here
    assert got["Bob Ray"] == "Market: EMEA"
    assert all(part in got["Cy Dee"] for part in ("Colour: Blue", "Lieblingsfarbe: Grün", "喜欢的颜色: 红色"))
    assert "Market" not in got["Cy Dee"]


def test_a_file_cims_wrote_keeps_its_unmapped_placeholders_as_they_were_stored(admin, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,name,email,created_at,version,Colour\n"
                    "C-000001,Anna Lee,anna@example.com,2026-03-01T10:00:00,1,N/A\n", encoding="utf-8")
    import_file(admin, path)
    assert "Colour: N/A" in (notes(admin)["Anna Lee"] or "")
