"""Columns of real exports that were read as the wrong thing (task ids22): a deal's,
activity's, ticket's or order's contact person beside its organisation (HubSpot,
Salesforce/Zoho, Pipedrive), several columns a --map or profile gives to Address, and
German DATEV/ERP short names and search keys (Kurzbezeichnung, Matchcode, Suchbegriff).
Every file is written here; every value is read back from a real encrypted store."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records

from table_files import customers_by_name, linked_owners, said_about, write_table

# ----- the organisation is the customer, the person at it its contact -----------------------

BOTH = [
    ("interaction", "interaction", "subject",
     ["Activity date", "Type", "Subject", "Associated Contact", "Associated Company"],
     ["2024-05-01", "Call", "Intro call", "Mia Sato", "Acme Trading"]),
    ("interaction", "interaction", "subject",
     ["Subject", "Contact Name", "Type", "Date", "Account Name"],
     ["Intro call", "Mia Sato", "Call", "2024-05-01", "Acme Trading"]),
    ("ticket", "ticket", "subject", ["Subject", "Status", "Contact Name", "Account Name"],
     ["Printer broken", "Open", "Mia Sato", "Acme Trading"]),
    ("ticket", "ticket", "subject", ["Subject", "Status", "Associated Contact", "Associated Company"],
     ["Printer broken", "Open", "Mia Sato", "Acme Trading"]),
    ("order", "order", "order_number", ["Order Number", "Order Date", "Amount", "Contact Name", "Account Name"],
     ["SO-1001", "2024-05-01", "100", "Mia Sato", "Acme Trading"]),
    ("opportunities", "opportunity", "name",
     ["Associated Contact", "Deal Name", "Deal Stage", "Amount", "Associated Company"],
     ["Mia Sato", "Big deal", "Qualified", "100", "Acme Trading"]),
    ("opportunities", "opportunity", "name", ["Opportunity Name", "Contact Name", "Stage", "Amount", "Account Name"],
     ["Big deal", "Mia Sato", "Qualified", "100", "Acme Trading"]),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind,stored,key,headings,row", BOTH)
def test_beside_its_organisation_a_records_contact_person_is_not_its_customer(admin, tmp_path, fmt, kind, stored,
                                                                              key, headings, row):
    result = import_file(admin, write_table(tmp_path, fmt, [headings, row], name="crm"), kind=kind)
    assert linked_owners(admin, stored, key) == {row[headings.index(key_heading(headings, key))]: "Acme Trading"}
    assert "Mia Sato" not in customers_by_name(admin)
    record = records.list_records(admin, stored)[0]
    assert any(isinstance(v, str) and "Mia Sato" in v for v in record.values())     # kept, in its Notes
    said = said_about(result, "customer and contact person")
    person = next(h for h in headings if "ontact" in h)
    assert f"'{person}'" in said and "contact person" in said


def key_heading(headings: list[str], key: str) -> str:
    """The heading of the test row's own key column (subject, order number, deal name)."""
    words = {"subject": ("Subject",), "order_number": ("Order Number",), "name": ("Deal Name", "Opportunity Name")}
    return next(h for h in headings if h in words[key])


def test_a_contact_person_alone_is_still_the_customer_and_no_word_is_said(admin, tmp_path):
    rows = [["Subject", "Type", "Date", "Associated Contact"], ["Intro call", "Call", "2024-05-01", "Mia Sato"]]
    first = import_file(admin, write_table(tmp_path, "csv", rows, name="alone"), kind="interaction")
    assert linked_owners(admin, "interaction", "subject") == {"Intro call": "Mia Sato"}
    assert not any(i["what"] == "customer and contact person" for i in first.inferences)
    # beside an organisation, the next file's person is not: the company is its customer
    rows = [["Subject", "Type", "Date", "Associated Contact", "Associated Company"],
            ["Follow-up", "Email", "2024-05-02", "Leo Kim", "Beta Works"]]
    import_file(admin, write_table(tmp_path, "csv", rows, name="both"), kind="interaction")
    assert linked_owners(admin, "interaction", "subject")["Follow-up"] == "Beta Works"


# ----- several columns given to Address -----------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("headings,row,maps,address", [
    (["Name", "Street", "Town", "Email"], ["Ann Lee", "12 Main St", "Springfield", "ann@example.com"],
     ["Street=Address", "Town=Address"], "12 Main St, Springfield"),
    (["Name", "Street", "Town", "Email"], ["Ann Lee", "12 Main St", "Springfield", "ann@example.com"],
     ["Town=Address", "Street=Address"], "12 Main St, Springfield"),
    (["Name", "Straße", "Hausnummer", "Email"], ["Ann Lee", "Hauptstraße", "5a", "ann@example.com"],
     ["Straße=Address", "Hausnummer=Address"], "Hauptstraße, 5a"),
    (["姓名", "区域", "街道", "邮箱"], ["王小明", "朝阳区", "建国路88号", "ann@example.com"],
     ["街道=Address", "区域=Address"], "朝阳区建国路88号"),
])
def test_two_columns_mapped_to_address_are_joined_in_the_files_column_order(admin, tmp_path, fmt, headings, row,
                                                                            maps, address):
    result = import_file(admin, write_table(tmp_path, fmt, [headings, row], name="addr"), kind="customers",
                         mapping=maps)
    got = customers_by_name(admin)[row[0]]
    assert got["address"] == address and not (got["notes"] or "").strip()
    assert "joined into Address" in said_about(result, "address lines")


def test_a_profile_giving_two_columns_to_address_keeps_both_next_month(admin, tmp_path, config_dir):
    rows = [["Name", "Street", "Town"], ["Ann Lee", "12 Main St", "Springfield"]]
    import_file(admin, write_table(tmp_path, "csv", rows, name="march"), kind="customers",
                mapping=["Street=Address", "Town=Address"], profile="addresses")
    rows = [["Name", "Street", "Town"], ["Bob Ray", "1 Elm Rd", "Shelbyville"]]
    import_file(admin, write_table(tmp_path, "csv", rows, name="april"), kind="customers", profile="addresses")
    got = customers_by_name(admin)
    assert (got["Ann Lee"]["address"], got["Bob Ray"]["address"]) == ("12 Main St, Springfield",
                                                                      "1 Elm Rd, Shelbyville")


# ----- short names and search keys ------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("headings,rows,named", [
    (["Konto", "Kurzbezeichnung", "Matchcode", "Ort"],
     [["10001", "Müller Maschinenbau", "MUELLER", "Berlin"], ["10002", "Schmidt & Söhne", "SCHMIDT", "Bonn"]],
     "Matchcode"),
    (["Kundennummer", "Suchbegriff", "Kurzname", "PLZ"],
     [["10001", "MUELLER", "Müller Maschinenbau", "10115"], ["10002", "SCHMIDT", "Schmidt & Söhne", "53111"]],
     "Suchbegriff"),
    (["客户编码", "客户简称", "城市"], [["C001", "Müller Maschinenbau", "北京"], ["C002", "Schmidt & Söhne", "上海"]],
     None),
    (["得意先コード", "略称", "電話番号"], [["T001", "Müller Maschinenbau", "03-1234-5678"],
                                     ["T002", "Schmidt & Söhne", "06-6123-4567"]], None),
])
def test_a_short_name_is_the_customers_name_only_where_no_column_gives_one(admin, tmp_path, fmt, headings, rows,
                                                                          named):
    result = import_file(admin, write_table(tmp_path, fmt, [headings, *rows], name="datev"), kind="customers",
                         region="JP" if "電話番号" in headings else None)
    got = customers_by_name(admin)
    assert set(got) == {"Müller Maschinenbau", "Schmidt & Söhne"} and result.rejected == 0
    short = next(h for h in headings if h in ("Kurzbezeichnung", "Kurzname", "客户简称", "略称"))
    said = said_about(result, "short name")
    assert f"'{short}' is the Name" in said
    if named:                         # the search key is kept in Notes, never the name
        assert f"{named}: MUELLER" in got["Müller Maschinenbau"]["notes"]
        assert f"'{named}' is a search key" in said
    # beside a Name or Firma column the short name is kept in Notes
    for name_heading in ("Name", "Firma"):
        at = headings.index(short)
        more = [[name_heading, *headings], *[[f"{r[at]} GmbH" if "&" not in r[at] else f"{r[at]} KG",
                                               f"{r[0]}{name_heading}", *r[1:]] for r in rows]]
        import_file(admin, write_table(tmp_path, fmt, more, name=f"with_{name_heading}"), kind="customers",
                    on_duplicate="create", region="JP" if "電話番号" in headings else None)
    got = customers_by_name(admin)
    assert f"{short}: Müller Maschinenbau" in got["Müller Maschinenbau GmbH"]["notes"]
    assert "Schmidt & Söhne KG" in got and "Schmidt & Söhne" in got


def test_a_search_key_is_never_taken_nor_suggested_for_the_name(admin, tmp_path):
    rows = [["Konto", "Matchcode", "Ort"], ["10001", "Mueller", "Berlin"], ["10002", "Schmidt", "Bonn"],
            ["10003", "Weber", "Köln"]]
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, write_table(tmp_path, "csv", rows, name="keys"), kind="customers")
    said = str(stop.value)
    assert "no column found for Name" in said and "Matchcode=Name" not in said
    assert "'Matchcode' is a search key" in said
    assert records.list_records(admin, "customer") == []
    import_file(admin, write_table(tmp_path, "csv", rows, name="keys"), kind="customers",
                mapping=["Matchcode=Name"])     # said by the user: taken
    assert set(customers_by_name(admin)) == {"Mueller", "Schmidt", "Weber"}
