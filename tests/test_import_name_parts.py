"""A name given in parts (First/Middle/Last columns in any language, vCard's N) is stored
whole, in the order its language writes it; the summary says which order was used."""

from __future__ import annotations

import pytest

from cims_xl.services import settings
from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records

from table_files import write_csv, write_xlsx


def names(session, kind: str = "customer") -> list[str]:
    return sorted(r["name"] for r in records.list_records(session, kind))


@pytest.mark.parametrize("headers, parts, expected", [
    (["First Name", "Middle Name", "Last Name"], ["John", "Andrew", "Smith"], "John Andrew Smith"),
    (["Last Name", "First Name"], ["Sato", "Yuki"], "Yuki Sato"),
    (["Given Name", "Additional Name", "Family Name"], ["Mary", "Ann", "Jones"], "Mary Ann Jones"),
    (["Vorname", "Nachname"], ["Jürgen", "Müller"], "Jürgen Müller"),
    (["Prénom", "Nom"], ["Hélène", "Lefèvre"], "Hélène Lefèvre"),
    (["Nombre", "Apellidos"], ["María", "García López"], "María García López"),
    (["姓", "名"], ["山田", "太郎"], "山田太郎"),
    (["名", "姓"], ["小明", "王"], "王小明"),
    (["성", "이름"], ["김", "민수"], "김민수"),
    (["Họ", "Tên đệm", "Tên"], ["Nguyễn", "Văn", "An"], "Nguyễn Văn An"),
    (["Tên", "Họ"], ["Lan", "Trần"], "Trần Lan"),
    (["Vezetéknév", "Keresztnév"], ["Kovács", "Anna"], "Kovács Anna"),
    (["Imię", "Nazwisko"], ["Józef", "Wiśniewski"], "Józef Wiśniewski"),
    (["Ad", "Soyad"], ["Ayşe", "Yılmaz"], "Ayşe Yılmaz"),
    (["Όνομα", "Επώνυμο"], ["Γιώργος", "Παπαδόπουλος"], "Γιώργος Παπαδόπουλος"),
    (["ชื่อ", "นามสกุล"], ["สมชาย", "ใจดี"], "สมชาย ใจดี"),
])
@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_name_in_parts_is_stored_whole_in_its_languages_order(admin, tmp_path, writer, headers, parts, expected):
    path = writer(tmp_path / ("people.csv" if writer is write_csv else "people.xlsx"),
                  [[*headers, "E-mail"], [*parts, "someone@example.com"]])
    result = import_file(admin, path, kind="customers")
    assert (result.created, result.rejected, result.unmapped) == (1, 0, [])
    assert names(admin) == [expected]


def test_a_contact_list_in_parts_is_stored_whole_too(admin, tmp_path):
    path = write_csv(tmp_path / "contacts.csv", [["Họ", "Tên", "Công ty"], ["Phạm", "Minh", "Công ty Sao Mai"],
                                                 ["Lê", "Hoa", "Công ty Sao Mai"]])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.rejected) == (2, 0)
    assert names(admin, "contact") == ["Lê Hoa", "Phạm Minh"]


def test_the_summary_says_a_family_name_first_order_and_its_evidence(admin, tmp_path):
    path = write_csv(tmp_path / "khach.csv", [["Họ", "Tên", "Email"], ["Nguyễn", "An", "an@example.vn"]])
    result = import_file(admin, path, kind="customers", dry_run=True)
    (order,) = [i for i in result.inferences if i["what"] == "name order"]
    assert "'Họ' + 'Tên'" in order["decided"] and "'Họ'" in order["evidence"]
    english = write_csv(tmp_path / "people.csv", [["Last Name", "First Name"], ["Smith", "Jo"]])
    assert not [i for i in import_file(admin, english, kind="customers", dry_run=True).inferences
                if i["what"] == "name order"]


@pytest.mark.parametrize("value, expected", [
    ("Smith;John;A.;Dr.;Jr.", "Dr. John A. Smith Jr."),
    ("Doe;Jane;;;", "Jane Doe"),
    ("Müller;Hans,Peter;;Prof. Dr.;", "Prof. Dr. Hans Peter Müller"),
    ("王;小明;;;", "王小明"),
    ("O\\;Brien;Pat;;;", "Pat O;Brien"),
    ("Ana Lima", "Ana Lima"),
])
@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_vcard_n_column_without_fn_is_stored_as_the_full_name(admin, tmp_path, writer, value, expected):
    path = writer(tmp_path / ("cards.csv" if writer is write_csv else "cards.xlsx"),
                  [["N", "EMAIL", "TEL;TYPE=CELL"], [value, "someone@example.com", "+1 415 555 0132"]])
    result = import_file(admin, path, kind="customers")
    assert (result.created, result.rejected) == (1, 0)
    assert names(admin) == [expected]
    assert any(i["what"] == "vCard N column" for i in result.inferences)


def test_fn_wins_over_n_and_n_is_kept_in_notes(admin, tmp_path):
    path = write_csv(tmp_path / "cards.csv", [["FN", "N", "EMAIL"], ["Johnny Smith", "Smith;John;;;", "j@example.com"]])
    import_file(admin, path, kind="customers")
    (person,) = records.list_records(admin, "customer")
    assert person["name"] == "Johnny Smith" and "Smith;John" in person["notes"]


def test_a_vcard_n_for_contacts_links_to_the_org(admin, tmp_path):
    path = write_csv(tmp_path / "cards.csv", [["N", "ORG", "TITLE"], ["García;Lucía;;Dra.;", "Vinos García S.A.", "CEO"]])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.rejected) == (1, 0)
    (contact,) = records.list_records(admin, "contact")
    assert contact["name"] == "Dra. Lucía García" and contact["title"] == "CEO"


def test_a_lone_n_column_of_counts_is_not_taken_for_a_name(admin, tmp_path):
    path = write_csv(tmp_path / "counts.csv", [["N", "Email"], ["1", "a@example.com"]])
    with pytest.raises(ImportRefused, match="no column found for Name"):
        import_file(admin, path, kind="customers")
    assert names(admin) == []


@pytest.mark.parametrize("value, org, expected", [
    ("山田;太郎;;;", "株式会社山田", "山田太郎"),
    ("Kowalski;Jan;;Dr.;", "", "Dr. Jan Kowalski"),
    ("Παπαδόπουλος;Γιώργος;;;", "Acme Ltd", "Γιώργος Παπαδόπουλος"),
    ("김;민수;;;", "", "김민수"),
])
@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_vcard_row_with_a_blank_fn_takes_its_name_from_n(admin, tmp_path, writer, value, org, expected):
    path = writer(tmp_path / ("cards.csv" if writer is write_csv else "cards.xlsx"),
                  [["N", "FN", "EMAIL", "ORG", "CATEGORIES"], [value, "", "someone@example.com", org, "VIP"],
                   ["Smith;John;;;", "Johnny Smith", "john@example.com", "", ""]])
    result = import_file(admin, path, kind="customers")
    assert (result.created, result.rejected) == (2, 0)
    assert names(admin) == sorted([expected, "Johnny Smith"])
    (person,) = [r for r in records.list_records(admin, "customer") if r["name"] == expected]
    assert "N:" not in (person["notes"] or "") and (person["company"] or "") == org


def test_a_vcard_contact_with_a_blank_fn_takes_its_name_from_n(admin, tmp_path):
    path = write_csv(tmp_path / "cards.csv", [["N", "FN", "ORG"], ["García;Lucía;;;", "", "Vinos García S.A."]])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.rejected) == (1, 0)
    assert names(admin, "contact") == ["Lucía García"]


def test_a_count_column_named_n_beside_a_name_column_is_not_a_name(admin, tmp_path):
    path = write_csv(tmp_path / "people.csv", [["Name", "N", "Email"], ["", "3", "a@example.com"]])
    result = import_file(admin, path, kind="customers")
    assert (result.created, result.rejected) == (0, 1)


@pytest.mark.parametrize("headers, family, parts, expected", [
    (["Vezetéknév", "Keresztnév"], 0, ["Nagy", "Éva"], "Nagy Éva"),
    (["Keresztnév", "Vezetéknév"], 1, ["Éva", "Nagy"], "Nagy Éva"),
    (["Họ", "Tên"], 0, ["Trần", "Lan"], "Trần Lan"),
    (["Last Name", "First Name"], 0, ["Smith", "Jo"], "Jo Smith"),
    (["Nachname", "Vorname"], 0, ["Müller", "Jürgen"], "Jürgen Müller"),
])
@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_an_orders_customer_in_parts_is_joined_in_the_same_order_as_a_customers_file(
        admin, tmp_path, writer, headers, family, parts, expected):
    path = writer(tmp_path / ("orders.csv" if writer is write_csv else "orders.xlsx"),
                  [["Order Number", "Order Date", *headers, "Total"], ["R-1", "2026-03-05", *parts, "12.50"]])
    result = import_file(admin, path, kind="orders", mapping={headers[family]: "Customer Last Name",
                                                              headers[1 - family]: "Customer First Name"})
    assert (result.created, result.rejected) == (1, 0)
    assert names(admin) == [expected]


def test_the_summary_says_an_orders_customer_is_joined_family_first(admin, tmp_path):
    settings.set_store_currency(admin, "HUF")  # fix26m: a Hungarian file's bare amounts stop in a CNY store
    path = write_csv(tmp_path / "rendelesek.csv", [["Rendelésszám", "Dátum", "Vezetéknév", "Keresztnév", "Összeg"],
                                                   ["R-1", "2026.03.05.", "Kovács", "Anna", "12 500"]], ";")
    result = import_file(admin, path, kind="orders",
                         mapping={"Vezetéknév": "Customer Last Name", "Keresztnév": "Customer First Name"})
    assert (result.created, result.rejected) == (1, 0)
    assert names(admin) == ["Kovács Anna"]
    assert records.list_records(admin, "order")[0]["amount"] == 12500
    (order,) = [i for i in result.inferences if i["what"] == "name order"]
    assert "Customer First Name" in order["evidence"]


@pytest.mark.parametrize("headers", [["Vezetéknév", "Keresztnév"], ["Nachname", "Vorname"], ["Họ", "Tên"]])
def test_an_orders_file_without_a_customer_column_suggests_mapping_both_name_parts(admin, tmp_path, headers):
    path = write_csv(tmp_path / "orders.csv", [["Order Number", "Order Date", *headers, "Total"],
                                               ["R-1", "2026-03-05", "A", "B", "1"]])
    with pytest.raises(ImportRefused) as refused:
        import_file(admin, path, kind="orders")
    said = str(refused.value)
    last, first = (headers[0], headers[1])
    assert f'--map "{last}=Customer Last Name" --map "{first}=Customer First Name"' in said
    assert "=Customer Name" not in said
    assert names(admin) == []


def test_a_tickets_file_without_a_customer_column_suggests_a_field_tickets_have(admin, tmp_path):
    path = write_csv(tmp_path / "tickets.csv", [["Subject", "Vezetéknév", "Keresztnév", "Priority"],
                                                ["Nyomtató", "Kovács", "Anna", "High"]])
    with pytest.raises(ImportRefused) as refused:
        import_file(admin, path, kind="tickets")
    assert "Customer Last Name" not in str(refused.value)
