"""A heading that gives the type of a contact's email, phone, address or website
("E-mail 1 - Type": * Work) describes that item, not the customer (issue 14, tester 19:
Google Contacts' "E-mail 1 - Type" was mapped to the customer's Type and every row warned
"must be one of: Person, Company"). Such columns are left unmapped and kept in Notes; a
record's own Type still maps. Files of our own from Google Contacts, Outlook and vCard
CSV exports, in English, German, Chinese and Spanish; CSV and xlsx."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx


def by_name(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


FILES = [
    # Google Contacts (English)
    (["Name", "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value", "Address 1 - Type",
      "Address 1 - City", "Website 1 - Type", "Website 1 - Value"],
     ["Ann Lee", "* Work", "ann@example.com", "Work", "+44 20 7946 0958", "Home", "London", "Blog",
      "https://ann.example.com"], "E-mail 1 - Type", "* Work"),
    # Google Contacts with German headings
    (["Name", "E-Mail 1 - Typ", "E-Mail 1 - Wert", "Telefon 1 - Typ", "Telefon 1 - Wert"],
     ["Jörg Weiß", "* Arbeit", "joerg@example.de", "Mobil", "+49 151 23456789"], "E-Mail 1 - Typ", "* Arbeit"),
    # Chinese headings
    (["姓名", "电子邮件 1 - 类型", "电子邮件 1 - 值", "电话类型", "电话"],
     ["李娜", "工作", "lina@example.cn", "手机", "+86 139 1234 5678"], "电子邮件 1 - 类型", "工作"),
    # Outlook: "E-mail Type" (SMTP) beside the address, and a phone's type
    (["First Name", "Last Name", "E-mail Address", "E-mail Type", "E-mail 2 Type", "Business Phone"],
     ["Sarah", "Connor", "sarah@example.com", "SMTP", "SMTP", "+1 408 555 0134"], "E-mail Type", "SMTP"),
    # vCard turned into CSV, Spanish headings
    (["FN", "EMAIL", "EMAIL;TYPE", "Tipo de teléfono", "Teléfono"],
     ["Ana Ibáñez", "ana@example.es", "INTERNET", "Móvil", "+34 612 345 678"], "EMAIL;TYPE", "INTERNET"),
]


@pytest.mark.parametrize("ext, write", [("csv", write_csv), ("xlsx", write_xlsx)])
@pytest.mark.parametrize("headers, row, typed, value", FILES)
def test_a_heading_giving_the_type_of_an_email_phone_or_address_is_not_the_customers_type(
        admin, tmp_path, ext, write, headers, row, typed, value):
    path = write(tmp_path / f"contacts.{ext}", [headers, row])
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (1, 0)
    mapped = {m["column"]: m["field"] for m in result.mapping}
    assert not any(field == "Type" for field in mapped.values()), mapped
    assert not mapped.get(typed)
    (customer,) = by_name(admin).values()
    assert customer["type"] == "Person"              # the default, not '* Work'
    assert customer["email"].endswith(("example.com", "example.de", "example.cn", "example.es"))
    assert f"{typed}: {value}" in customer["notes"]
    assert result.warnings == 0                     # no row warned "Type: must be one of …"


@pytest.mark.parametrize("header", ["Type", "Customer Type", "Customer - Type", "Kundentyp", "客户类型", "Tipo de cliente"])
def test_a_records_own_type_heading_still_maps_to_type(admin, tmp_path, header):
    path = write_csv(tmp_path / "customers.csv", [["Name", "Email", header],
                                                  ["Acme Ltd", "info@acme.example", "Company"]])
    import_file(admin, path)
    assert by_name(admin)["Acme Ltd"]["type"] == "Company"


@pytest.mark.parametrize("headers, row", [
    (["Name", "Email", "Phone Type", "Mobile"], ["Cy Moe", "cy@example.com", "Mobile", "+44 7700 900123"]),
    (["Name", "Email Type", "Mobile"], ["Dee Roe", "Home", "+44 7700 900124"]),
    (["Nombre", "Tipo de dirección", "Ciudad"], ["Eva Sanz", "Casa", "Madrid"]),
])
def test_a_type_heading_is_not_guessed_to_be_the_item_it_describes(admin, tmp_path, headers, row):
    path = write_csv(tmp_path / "contacts.csv", [headers, row])
    result = import_file(admin, path)
    assert (result.created, result.warnings) == (1, 0)
    (customer,) = by_name(admin).values()
    assert not customer.get("phone") and not customer.get("address")
    assert customer.get("email") in (None, "cy@example.com")
    typed = headers[row.index(next(v for v in row if v in ("Mobile", "Home", "Casa")))]
    assert f"{typed}: " in customer["notes"]
