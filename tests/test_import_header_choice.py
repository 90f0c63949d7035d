"""Which row is the header, and which field each column goes to: files exported by CRMs,
address books and accounting programs (Pipedrive, Outlook, Salesforce, Xero, Google
Contacts, vCard converters), written here as small files of our own."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def accounted(result) -> bool:
    return result.rows == result.created + result.updated + result.duplicates + result.rejected


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----- A2: the header row -------------------------------------------------------------------

PERSONS = ("Person - Name,Person - Organization,Person - Email - Work,Person - Phone - Work,"
           "Person - Label,Person - Postal address - Country\n"
           + "".join(f"Osoba {k},Firma {k},o{k}@firma{k}.pl,+48 22 555 10 0{k},"
                     f"{'Customer' if k == 4 else 'Lead'},Poland\n" for k in range(1, 9)))


def test_a_label_cell_saying_customer_is_not_taken_for_the_header_of_a_pipedrive_export(admin, tmp_path):
    result = import_file(admin, write(tmp_path, "persons.csv", PERSONS))
    assert (result.header_row, result.above_header) == (1, 0)
    assert (result.rows, result.created, result.rejected) == (8, 8, 0) and accounted(result)
    got = customers(admin)
    assert set(got) == {f"Osoba {k}" for k in range(1, 9)}
    four = got["Osoba 4"]
    assert (four["company"], four["email"], four["phone"]) == ("Firma 4", "o4@firma4.pl", "+48225551004")
    # The most specific, last word of "Postal address - Country" decides: a country.
    assert (four["country"], four["postal_code"]) == ("Poland", None)


def test_a_data_row_naming_a_field_is_not_the_header_when_rows_like_it_stand_below_a_header(admin, tmp_path):
    # No email or number in the data, and the real header's words are unknown: the rows
    # between line 1 and the "Customer" row are shaped like data, so line 1 is the header.
    path = write(tmp_path, "etiquetas.csv", "Denominación,Marca\nAna Ruiz,Lead\nLuis Gil,Customer\n"
                                            "Eva Sanz,Lead\n")
    result = import_file(admin, path, mapping=["Denominación=Name"])
    assert (result.header_row, result.rows, result.created) == (1, 3, 3) and accounted(result)
    assert "Marca: Customer" in customers(admin)["Luis Gil"]["notes"]


def test_rows_above_the_header_are_counted_and_said_in_the_summary(admin, tmp_path, run):
    path = write(tmp_path, "titled.csv", "Kundenliste,,\nStand: März,,\n,,\nName,E-Mail,Telefon\n"
                                         "Kunde Eins,k1@example.com,+4930123456\n")
    result = import_file(admin, path, dry_run=True)
    assert (result.header_row, result.above_header, result.rows) == (4, 2, 1)
    header = [i for i in result.inferences if i["what"] == "header row"]
    assert header and header[0]["decided"] == "row 4" and "2 row(s) above" in header[0]["evidence"]
    code, out, _err = run("import", "file", str(path), "--dry-run")
    assert code == 0 and "2 row(s) before the header (row 4)" in " ".join(out.split())


def test_an_xlsx_data_row_with_a_field_name_below_real_headers_is_data(admin, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kontakt - Name", "Kontakt - E-Mail", "Kontakt - Status"])
    ws.append(["Jana Horák", "jana@horak.cz", "Lead"])
    ws.append(["Petr Novák", "petr@novak.cz", "Kunde"])
    path = tmp_path / "kontakte.xlsx"
    wb.save(path)
    result = import_file(admin, path)
    assert (result.header_row, result.created) == (1, 2) and accounted(result)
    assert customers(admin)["Petr Novák"]["email"] == "petr@novak.cz"


@pytest.mark.parametrize("name_header,email_header,kind", [
    ("Contact: Full Name", "Contact: Email", "customers"),
    ("Lead.Name", "Lead.Email", "customers"),
    ("Person - Name", "Person - Email - Home", "contacts"),
])
def test_prefixed_headers_are_read_by_their_last_parts(admin, tmp_path, name_header, email_header, kind):
    org = "Account.Name" if kind == "contacts" else "Organization - Name"
    path = write(tmp_path, "prefixed.csv", f"{name_header},{email_header},{org}\n"
                                           "Mia Berg,mia@berg.example,Berg AB\n")
    result = import_file(admin, path, kind=kind)
    assert (result.created, result.rejected) == (1, 0)
    if kind == "customers":
        got = customers(admin)["Mia Berg"]
        assert (got["email"], got["company"]) == ("mia@berg.example", "Berg AB")
    else:
        (contact,) = records.list_records(admin, "contact")
        assert (contact["name"], contact["email"]) == ("Mia Berg", "mia@berg.example")
        assert customers(admin)["Berg AB"]["id"] == contact["customer_id"]


# ----- A7/A8: one address per record --------------------------------------------------------

def test_an_outlook_contact_takes_city_and_postal_code_from_the_same_address_as_its_street(admin, tmp_path):
    path = write(tmp_path, "outlook.csv",
                 "First Name,Last Name,E-mail Address,Company,Business Street,Business City,"
                 "Business Postal Code,Business Country/Region,Home Street,Home City,Home Postal Code,"
                 "Home Country/Region\n"
                 "Carmen,Ruiz,carmen@ruiz.example,Ruiz Abogados,Calle Serrano 10,Madrid,28001,Spain,"
                 "Calle Real 5,Toledo,45001,Spain\n")
    result = import_file(admin, path)
    got = customers(admin)["Carmen Ruiz"]
    assert (got["address"], got["city"], got["postal_code"], got["country"]) == (
        "Calle Serrano 10", "Madrid", "28001", "Spain")
    assert "Home City: Toledo" in got["notes"] and "Home Street: Calle Real 5" in got["notes"]
    (decided,) = [i for i in result.inferences if i["what"] == "address"]
    assert "Business" in decided["decided"] and "Home" in decided["evidence"]


def test_a_contact_with_no_business_address_takes_its_whole_home_address(admin, tmp_path):
    path = write(tmp_path, "outlook.csv",
                 "First Name,Last Name,Business Street,Business City,Business Postal Code,Home Street,Home City,"
                 "Home Postal Code,Home Country/Region\n"
                 "Erik,Lund,Kungsgatan 1,Göteborg,411 19,,,,\n"
                 "Björn,Öberg,,,,Storgatan 3,Stockholm,111 22,Sweden\n")
    result = import_file(admin, path)
    got = customers(admin)
    assert (got["Björn Öberg"]["address"], got["Björn Öberg"]["city"], got["Björn Öberg"]["postal_code"],
            got["Björn Öberg"]["country"]) == ("Storgatan 3", "Stockholm", "111 22", "Sweden")
    assert got["Björn Öberg"]["notes"] is None
    assert (got["Erik Lund"]["city"], got["Erik Lund"]["country"]) == ("Göteborg", None)
    (said,) = [i for i in result.inferences if i["what"] == "address of rows without one"]
    assert "1 row(s) took their Home address" in said["decided"]


def test_a_map_naming_the_home_city_takes_the_whole_home_address(admin, tmp_path):
    path = write(tmp_path, "outlook_de.csv",
                 "Vorname,Nachname,Straße geschäftlich,Ort geschäftlich,Postleitzahl geschäftlich,"
                 "Straße privat,Ort privat,Postleitzahl privat\n"
                 "Jonas,Weber,Hauptstr. 1,Berlin,10115,Gartenweg 2,Potsdam,14467\n")
    import_file(admin, path, mapping=["Ort privat=City"])
    got = customers(admin)["Jonas Weber"]
    assert (got["address"], got["city"], got["postal_code"]) == ("Gartenweg 2", "Potsdam", "14467")
    assert "Ort geschäftlich: Berlin" in got["notes"]


@pytest.mark.parametrize("header,first,second", [
    ("Mailing Street,Mailing City,Mailing State/Province,Mailing Zip/Postal Code,Mailing Country,"
     "Other Street,Other City,Other State/Province,Other Zip/Postal Code,Other Country", "Mailing", "Other"),
    ("Shipping Street,Shipping City,Shipping State/Province,Shipping Zip/Postal Code,Shipping Country,"
     "Billing Street,Billing City,Billing State/Province,Billing Zip/Postal Code,Billing Country", "Billing",
     "Shipping"),
])
def test_salesforce_addresses_are_never_mixed(admin, tmp_path, header, first, second):
    values = {"Mailing": "1 Market St,San Francisco,CA,94105,USA", "Billing": "1 Market St,San Francisco,CA,94105,USA",
              "Other": "9 Elm Rd,Austin,TX,73301,USA", "Shipping": "9 Elm Rd,Austin,TX,73301,USA"}
    leading = header.split()[0]
    row = values[leading] + "," + values[second if leading == first else first]
    path = write(tmp_path, "sf.csv", f"Account Name,{header}\nGarcia Catering LLC,{row}\n")
    result = import_file(admin, path)
    got = customers(admin)["Garcia Catering LLC"]
    assert (got["address"], got["city"], got["province"], got["postal_code"]) == (
        "1 Market St", "San Francisco", "CA", "94105")
    assert f"{second} City: Austin" in got["notes"]
    assert any(i["what"] == "address" and first in i["decided"] for i in result.inferences)


def test_xero_po_address_columns_are_read_and_its_street_address_kept_apart(admin, tmp_path):
    path = write(tmp_path, "xero.csv",
                 "ContactName,EmailAddress,POAddressLine1,POCity,PORegion,POPostalCode,POCountry,"
                 "SAAddressLine1,SACity,SAPostalCode,SACountry\n"
                 "Kiwi Roasters Ltd,a@kiwi.example,PO Box 12,Auckland,Auckland,1010,New Zealand,"
                 "5 Dock Rd,Wellington,6011,New Zealand\n")
    import_file(admin, path)
    got = customers(admin)["Kiwi Roasters Ltd"]
    assert (got["address"], got["city"], got["province"], got["postal_code"], got["country"]) == (
        "PO Box 12", "Auckland", "Auckland", "1010", "New Zealand")
    assert "SACity: Wellington" in got["notes"]


# ----- A9: first and last names beside a Name -----------------------------------------------

def test_first_and_last_names_that_differ_from_the_contact_name_are_kept_in_notes_and_said(admin, tmp_path):
    path = write(tmp_path, "xero_contacts.csv",
                 "ContactName,AccountNumber,EmailAddress,FirstName,LastName\n"
                 "Bondi Surf Co,BSC002,hello@bondi.example,Jack,Wilson\n"
                 "Mele Tupou,MT01,mele@tupou.example,Mele,Tupou\n")
    result = import_file(admin, path)
    got = customers(admin)
    assert "FirstName: Jack" in got["Bondi Surf Co"]["notes"] and "LastName: Wilson" in got["Bondi Surf Co"]["notes"]
    assert "FirstName" not in (got["Mele Tupou"]["notes"] or "")      # the name holds them already
    assert "src:BSC002" in got["Bondi Surf Co"]["tags"]                # AccountNumber: the id in Xero
    (said,) = [i for i in result.inferences if i["what"] == "first and last names"]
    assert "'FirstName': 1 cell(s)" in said["evidence"] and "ContactName" in said["decided"]


def test_a_contact_named_otherwise_than_its_given_and_family_names_keeps_them(admin, tmp_path):
    path = write(tmp_path, "contacts.csv", "Kunde,Name,Vorname,Nachname,E-Mail\n"
                                           "Weber GmbH,Buchhaltung,Anna,Schulz,buha@weber.example\n")
    import_file(admin, path, kind="contacts")
    (contact,) = records.list_records(admin, "contact")
    assert contact["name"] == "Buchhaltung"
    assert "Vorname: Anna" in contact["notes"] and "Nachname: Schulz" in contact["notes"]


# ----- A15: a header in two rows ------------------------------------------------------------

@pytest.mark.parametrize("group,subs,values,fields", [
    ("地址", ("省份", "城市"), ("江苏", "苏州"), ("province", "city")),
    ("Address", ("City", "State"), ("Austin", "TX"), ("city", "province")),
    ("Anschrift", ("PLZ", "Ort"), ("10115", "Berlin"), ("postal_code", "city")),
    ("Phone", ("Work", "Mobile"), ("+442079460111", "+447700900123"), ("phone", "mobile")),
])
def test_a_sub_header_under_a_merged_group_names_its_own_field(admin, tmp_path, group, subs, values, fields):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", group, None])
    ws.append([None, *subs])
    for rng in ("B1:C1", "A1:A2"):
        ws.merge_cells(rng)
    ws.append(["Li Na", *values])
    path = tmp_path / "two_rows.xlsx"
    wb.save(path)
    result = import_file(admin, path)
    assert (result.created, result.header_row) == (1, 2)
    got = customers(admin)["Li Na"]
    assert (got[fields[0]], got[fields[1]]) == values
    assert got["address"] is None and got["notes"] is None


# ----- A19: Google Contacts and vCard-style columns ----------------------------------------

GOOGLE = ("First Name,Last Name,Labels,E-mail 1 - Value,Phone 1 - {kind},Phone 1 - Value,"
          "Phone 2 - {kind},Phone 2 - Value,Organization Name\n"
          "Amira,Saleh,* myContacts ::: Suppliers ::: Cairo,amira@nile.example,Mobile,+20 10 1234 5678,"
          "Work,+20 2 2345 6789,Nile Textiles\n"
          "Tal,Levi,* myContacts,tal@levi.example,Work,+972 3 555 1234,Mobile,+972 52 123 4567 ::: "
          "+972 54 765 4321,Levi Design\n"
          "Oren,Bar,* starred,oren@bar.example,Home,+972 3 555 9999,Home,+972 3 555 8888,\n")


@pytest.mark.parametrize("kind", ["Label", "Type"])
def test_google_phone_labels_decide_mobile_or_phone_and_system_labels_are_not_tags(admin, tmp_path, kind):
    result = import_file(admin, write(tmp_path, "google.csv", GOOGLE.format(kind=kind)))
    assert (result.created, result.rejected) == (3, 0) and accounted(result)
    got = customers(admin)
    amira, tal, oren = got["Amira Saleh"], got["Tal Levi"], got["Oren Bar"]
    assert (amira["mobile"], amira["phone"]) == ("+201012345678", "+20223456789")
    assert (tal["mobile"], tal["phone"]) == ("+972521234567", "+97235551234")
    assert "+972 54 765 4321" in tal["notes"]
    assert (oren["phone"], oren["mobile"]) == ("+97235559999", None)
    assert "Phone 2 - Value (Home): +972 3 555 8888" in oren["notes"]
    assert amira["tags"] == "Suppliers, Cairo" and tal["tags"] is None and oren["tags"] is None
    assert "myContacts" not in (tal["notes"] or "") + (amira["notes"] or "")
    whats = {i["what"]: i for i in result.inferences}
    assert "Labels" in whats["system labels"]["evidence"] and "Phone 1 - Value" in whats["phone labels"]["evidence"]


def test_vcard_style_columns_give_name_and_company_without_the_separators(admin, tmp_path):
    path = write(tmp_path, "vcard.csv",
                 "FN,N,ORG,TITLE,EMAIL;TYPE=INTERNET,ADR;TYPE=WORK\n"
                 "Claire Morel,Morel;Claire;;;,Fleurs Morel;,Fleuriste,claire@morel.example,"
                 ";;8 rue Cler;Paris;Île-de-France;75007;France\n"
                 "Mateo Ruiz,Ruiz;Mateo;;;,Vinos Ruiz S.A.;Ventas,Director,mateo@ruiz.example,\n")
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (2, 0)
    got = customers(admin)
    claire = got["Claire Morel"]
    assert claire["company"] == "Fleurs Morel"
    assert (claire["address"], claire["city"], claire["province"], claire["postal_code"], claire["country"]) == (
        "8 rue Cler", "Paris", "Île-de-France", "75007", "France")
    assert got["Mateo Ruiz"]["company"] == "Vinos Ruiz S.A." and "Ventas" in got["Mateo Ruiz"]["notes"]


# ----- C24: export headers of other programs, and Korean -------------------------------------

@pytest.mark.parametrize("text,name,field,value", [
    ("Record ID,First Name,Last Name,Email,State/Region\n501,Kim,Park,kim@park.example,Oregon\n",
     "Kim Park", "province", "Oregon"),
    ("이름,회사,전화,휴대폰,이메일,주소\n김민수,한빛상사,+82 2 1234 5678,+82 10 1234 5678,ms@hanbit.example,"
     "서울시 중구 1\n", "김민수", "mobile", "+821012345678"),
    ("Full name,Email\nRavi Kumar,ravi@kumar.example\n", "Ravi Kumar", "email", "ravi@kumar.example"),
    ("Account Name,Phone\nGarcia Catering LLC,+1 415 555 0132\n", "Garcia Catering LLC", "company",
     "Garcia Catering LLC"),
])
def test_headers_of_crm_exports_and_korean_headers_are_read(admin, tmp_path, text, name, field, value):
    result = import_file(admin, write(tmp_path, "export.csv", text))
    assert (result.created, result.rejected) == (1, 0)
    assert customers(admin)[name][field] == value


def test_a_korean_contacts_file_fills_every_field(admin, tmp_path):
    text = "이름,회사,전화,휴대폰,이메일,주소\n김민수,한빛상사,+82 2 1234 5678,+82 10 1234 5678,ms@hanbit.example,서울시 중구 1\n"
    import_file(admin, write(tmp_path, "ko.csv", text))
    got = customers(admin)["김민수"]
    assert (got["company"], got["phone"], got["email"], got["address"], got["notes"]) == (
        "한빛상사", "+82212345678", "ms@hanbit.example", "서울시 중구 1", None)


def test_a_hubspot_record_id_is_kept_as_the_customers_id_in_hubspot(admin, tmp_path):
    import_file(admin, write(tmp_path, "hs.csv", "Record ID,First Name,Last Name\n501,Kim,Park\n"))
    assert customers(admin)["Kim Park"]["tags"] == "src:501"


# ----- C24: the field names --map takes --------------------------------------------------------

@pytest.mark.parametrize("kind", ["customers", "orders", "contacts", "opportunities", "tickets", "interactions"])
def test_every_field_listed_for_map_is_taken_by_map(kind):
    from cims_xl.importer.mapping import IGNORE, entity_for, field_list, resolve_target

    listed = field_list(kind)
    assert listed and all(resolve_target(entity_for(kind), f["field"]) != IGNORE for f in listed)


def test_import_fields_lists_the_names_and_the_help_of_map_points_to_it(run, tmp_path):
    code, out, _err = run("import", "fields", "--kind", "customers")
    text = " ".join(out.split())
    assert code == 0 and all(name in text for name in ("Postal Code", "Customer Ref", "First Name", "Tags"))
    code, out, _err = run("import", "file", "--help")
    assert code == 0 and "cims import fields --kind KIND" in " ".join(out.split())
    path = write(tmp_path, "kunden.csv", "Kundenbezeichnung,Ort\nMüller KG,Köln\n")
    code, out, err = run("import", str(path), "--map", "Kundenbezeichnung=Name")
    assert code == 0, err


@pytest.mark.parametrize("header", ["Postal Address Country", "Postal address - Country", "Person - Postal address - Country",
                                    "PostalAddressCountry"])
def test_the_last_word_of_an_address_header_decides_its_field(admin, tmp_path, header):
    path = write(tmp_path, "pd.csv", f"Name,{header}\nAnna Nowak,Poland\n")
    import_file(admin, path)
    got = customers(admin)["Anna Nowak"]
    assert (got["country"], got["postal_code"]) == ("Poland", None)


def test_a_pivot_with_months_and_days_as_headers_keeps_its_first_row_as_the_header(admin, tmp_path):
    path = write(tmp_path, "pivot.csv", "Name,2024-01,2024-02,2024-03-31\nAcme Ltd,100,200,300\nBeta AG,150,250,350\n")
    result = import_file(admin, path)
    assert (result.header_row, result.created) == (1, 2)
    assert "2024-03-31: 300" in customers(admin)["Acme Ltd"]["notes"]


@pytest.mark.parametrize("text", [
    "Date,Customer Name,Net Sales\n2026-03-05,Tom Baker,49.50\n",
    "Created (UTC),ContactName,Total\n2026-03-05 10:00,Tom Baker,49.50\n",
    "日期,客户名称,价税合计\n2026-03-05,Tom Baker,49.50\n",
])
def test_order_headers_of_square_stripe_xero_and_yonyou_are_read(admin, tmp_path, text):
    result = import_file(admin, write(tmp_path, "orders.csv", text), kind="orders", currency="USD")
    assert (result.created, result.rejected) == (1, 0)
    (order,) = records.list_records(admin, "order")
    assert Decimal(str(order["amount"])) == Decimal("49.50") and str(order["order_date"]).startswith("2026-03-05")
    assert customers(admin)["Tom Baker"]["id"] == order["customer_id"]


def test_prefixed_headers_count_as_field_names_when_the_header_row_is_chosen(admin, tmp_path):
    # Below a two-cell note, the prefixed header is the row naming the most fields: the
    # rows under it (one with "Customer" in its Label cell) are data.
    path = write(tmp_path, "deals.csv", "Export,Pipedrive\nPerson - Name,Person - Label,Person - Owner\n"
                                        "Ola Nordmann,Customer,Kari\nPer Hansen,Lead,Kari\n")
    result = import_file(admin, path)
    assert (result.header_row, result.above_header, result.created) == (2, 1, 2) and accounted(result)
    assert customers(admin)["Ola Nordmann"]["owner"]


def test_a_template_header_showing_an_example_number_is_still_the_header(admin, tmp_path):
    path = write(tmp_path, "template.csv", "姓名,手机号(例:13800138000),邮箱\n张伟,13912345678,zw@example.com\n")
    result = import_file(admin, path)
    assert (result.header_row, result.created) == (1, 1)
    assert customers(admin)["张伟"]["mobile"] == "+8613912345678"
