"""A header in two rows whose group headings are field names themselves ("Company" over
Name, Phone, City; "Contact" over Name, Email, Phone): the columns are read as
"Company - Name", "Contact - Email"…, never as one value joined from the group's cells,
in a workbook with merged group cells and in a CSV whose group cells are followed by
blanks (importer.group_header)."""

from __future__ import annotations

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records
from table_files import write_xlsx


def _workbook(path, top, below, merges, data):
    return write_xlsx(path, [top, below, *data], merges=tuple(merges))


def _csv(path, top, below, data):
    lines = [top, below, *data]
    path.write_text("\n".join(",".join("" if v is None else str(v) for v in line) for line in lines) + "\n",
                    encoding="utf-8")
    return path


def _contacts(session) -> dict[str, dict]:
    return {r["name"]: r for r in records.list_records(session, "contact")}


def _customers(session) -> dict[str, dict]:
    return {r["name"]: r for r in records.list_records(session, "customer")}


LANGUAGES = [
    pytest.param(["Company", None, None, "Contact", None, None],
                 ["Name", "Phone", "City", "Name", "Email", "Phone"],
                 ["Acme GmbH", "+49 30 1234567", "Berlin", "Anna Schmidt", "anna@acme.de", "+49 171 1234567"],
                 id="english"),
    pytest.param(["Firma", None, None, "Ansprechpartner", None, None],
                 ["Name", "Telefon", "Ort", "Name", "E-Mail", "Telefon"],
                 ["Weiß & Söhne KG", "+49 89 7654321", "München", "Jörg Weiß", "jw@weiss.de", "+49 160 7654321"],
                 id="german"),
]


@pytest.mark.parametrize("top, below, row", LANGUAGES)
def test_merged_groups_named_as_fields_over_field_headings_store_each_column_as_its_own_field(
        admin, tmp_path, top, below, row):
    path = _workbook(tmp_path / "grouped.xlsx", top, below, ["A1:C1", "D1:F1"], [row])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.rejected, result.header_row) == (1, 0, 2)
    contact = _contacts(admin)[row[3]]
    assert (contact["email"], contact["phone"]) == (row[4], row[5].replace(" ", ""))
    customer = records.list_records(admin, "customer", ids=[contact["customer_id"]])[0]
    assert customer["name"] == row[0]                 # not the group's cells joined
    assert [c["name"] for c in records.list_records(admin, "customer")] == [row[0]]


def test_chinese_group_headings_over_field_headings_name_the_contacts_fields(admin, tmp_path):
    path = _workbook(tmp_path / "分组.xlsx", ["公司", None, None, "联系人", None, None],
                     ["名称", "城市", "地址", "姓名", "邮箱", "手机"], ["A1:C1", "D1:F1"],
                     [["北京星辰科技有限公司", "北京", "海淀区中关村大街1号", "张伟", "zw@xingchen.cn", "13912345678"]])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.rejected, result.header_row) == (1, 0, 2)
    contact = _contacts(admin)["张伟"]
    assert (contact["email"], contact["mobile"]) == ("zw@xingchen.cn", "+8613912345678")
    assert list(_customers(admin)) == ["北京星辰科技有限公司"]


def test_without_a_kind_the_grouped_header_is_read_as_customers_not_called_transposed(admin, tmp_path):
    top, below, row = LANGUAGES[0].values
    path = _workbook(tmp_path / "grouped.xlsx", top, below, ["A1:C1", "D1:F1"],
                     [row, ["Beta AG", "+41 44 1234567", "Zürich", "Ben Meyer", "ben@beta.ch", "+41 79 1234567"]])
    result = import_file(admin, path)
    assert (result.created, result.rejected, result.header_row) == (2, 0, 2)
    got = _customers(admin)
    assert (got["Anna Schmidt"]["company"], got["Anna Schmidt"]["city"], got["Anna Schmidt"]["email"]) == (
        "Acme GmbH", "Berlin", "anna@acme.de")
    assert (got["Ben Meyer"]["company"], got["Ben Meyer"]["city"]) == ("Beta AG", "Zürich")


@pytest.mark.parametrize("top, below, row", LANGUAGES)
def test_a_csv_whose_group_headings_each_start_a_run_of_blanks_reads_the_same(admin, tmp_path, top, below, row):
    path = _csv(tmp_path / "grouped.csv", top, below, [row])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.rejected, result.header_row) == (1, 0, 2)
    contact = _contacts(admin)[row[3]]
    assert (contact["email"], contact["phone"]) == (row[4], row[5].replace(" ", ""))
    assert list(_customers(admin)) == [row[0]]        # the second header row is no record


@pytest.mark.parametrize("groups, subs", [
    pytest.param(("Gross", "Net"), ("Amount", "Currency"), id="english"),
    pytest.param(("Brutto", "Netto"), ("Betrag", "Währung"), id="german"),
])
def test_amount_groups_over_the_same_headings_keep_the_single_level_columns_named(admin, tmp_path, groups, subs):
    path = _workbook(tmp_path / "orders.xlsx", [None, None, None, groups[0], None, groups[1], None],
                     ["Order No.", "Date", "Customer Name", *subs, *subs], ["D1:E1", "F1:G1"],
                     [["A1", "2024-03-05", "Acme Ltd", 119, "EUR", 100, "EUR"],
                      ["A2", "2024-03-06", "Beta Ltd", 238, "EUR", 200, "EUR"]])
    # an amount before tax beside the amount with tax is never taken unasked (net_gross):
    # the gross group's amount is named, as the stop asks
    result = import_file(admin, path, kind="orders", mapping={f"{groups[0]} - {subs[0]}": "Amount"})
    assert (result.created, result.rejected, result.header_row) == (2, 0, 2)
    orders = {o["order_number"]: o for o in records.list_records(admin, "order")}
    assert set(orders) == {"A1", "A2"}
    assert (orders["A1"]["amount"], orders["A2"]["amount"]) == (119, 238)
    assert str(orders["A1"]["order_date"]) == "2024-03-05"
    assert orders["A1"]["currency"] == "EUR"
    assert set(_customers(admin)) == {"Acme Ltd", "Beta Ltd"}
    assert not any(m["column"].startswith("Column ") for m in result.mapping)


def test_a_second_header_row_leaving_a_grouped_column_unnamed_stops_naming_both_rows(admin, tmp_path):
    path = _workbook(tmp_path / "gap.xlsx", ["Company", None, None, "Contact", None, None],
                     ["Name", "Phone", None, "Name", "Email", None], ["A1:C1", "D1:F1"],
                     [["Acme GmbH", "+49 30 1234567", "Berlin", "Anna Schmidt", "anna@acme.de", "+49 171 1234567"]])
    with pytest.raises(ImportRefused, match=r"rows 1 and 2 look like a header in two rows.*Nothing was imported"):
        import_file(admin, path, kind="contacts")
    assert records.list_records(admin, "customer") == []
    assert records.list_records(admin, "contact") == []


def test_a_csv_second_header_row_leaving_a_grouped_column_unnamed_stops_rather_than_storing_it(admin, tmp_path):
    # without --kind too: the advice is about the two header rows, not a transposed table
    path = _csv(tmp_path / "gap.csv", ["Firma", None, None, "Ansprechpartner", None, None],
                ["Name", "Telefon", None, "Name", "E-Mail", None],
                [["Weiß & Söhne KG", "+49 89 7654321", "München", "Jörg Weiß", "jw@weiss.de", "+49 160 7654321"]])
    for kind in ("contacts", None):
        with pytest.raises(ImportRefused, match=r"rows 1 and 2 look like a header in two rows") as caught:
            import_file(admin, path, kind=kind)
        assert "transposed" not in str(caught.value)
    assert records.list_records(admin, "customer") == []


def test_a_merged_group_over_headings_that_mostly_name_no_field_stops_instead_of_joining_them(admin, tmp_path):
    # "Ort", "Strasse" are no contact fields: not read as a header, and the group's
    # cells are not joined into one customer name ("Name Ort Strasse") either
    path = _workbook(tmp_path / "few.xlsx", ["Firma", None, None, "E-Mail"],
                     ["Name", "Ort", "Strasse", None], ["A1:C1"],
                     [["Weiß & Söhne KG", "München", "Hauptstr. 1", "jw@weiss.de"]])
    with pytest.raises(ImportRefused, match=r"rows 1 and 2 look like a header in two rows"):
        import_file(admin, path, kind="contacts")
    assert records.list_records(admin, "customer") == []


def test_a_first_name_and_last_name_under_a_merged_name_heading_are_still_one_name(admin, tmp_path):
    path = _workbook(tmp_path / "name.xlsx", ["Name", None, "Email"], ["Anna", "Schmidt", "anna@example.de"],
                     ["A1:B1"], [["Ben", "Meyer", "ben@example.com"]])
    result = import_file(admin, path)
    assert (result.created, result.header_row) == (2, 1)
    assert set(_customers(admin)) == {"Anna Schmidt", "Ben Meyer"}
