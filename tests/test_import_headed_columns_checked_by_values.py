"""A header row can be as wrong as a missing one: Name and Email swapped, Phone and
Postal Code swapped, a column shifted. A mapped name, place or postal code column whose
every value in the file is an email address or a phone number stops the import before
writing, naming the column, its values and the --map that fits; those --map then import
it right. A few names with an @, numeric or Brazilian postal codes, a name like
"Ann Lee <ann@x.com>" are no such evidence (cols22, item 3)."""

from __future__ import annotations

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file

from table_files import customers_by_name, write_table


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name, email", [("Name", "Email"), ("Kundenname", "E-Mail"), ("客户名称", "邮箱"),
                                         ("Nom", "Courriel")])
def test_emails_under_the_name_heading_and_names_under_email_stop_then_the_map_imports(
        admin, tmp_path, fmt, name, email):
    f = write_table(tmp_path, fmt, [[name, email, "Phone"],
                                    ["ann@x.com", "Ann Lee", "+1 212 555 0101"],
                                    ["bob@y.com", "Bob Ray", "+1 212 555 0102"],
                                    ["", "Cy Fox", "+1 212 555 0103"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f)
    message = stop.value.message
    assert f"'{name}'" in message and "'ann@x.com'" in message and "email addresses" in message
    assert f'--map "{name}=Email"' in message and f'--map "{email}=Name"' in message
    assert customers_by_name(admin) == {}
    import_file(admin, f, mapping=[f"{name}=Email", f"{email}=Name"])
    stored = customers_by_name(admin)
    assert stored["Ann Lee"]["email"] == "ann@x.com" and stored["Bob Ray"]["email"] == "bob@y.com"


@pytest.mark.parametrize("phones", [["+1 617 555 0101", "+1 512 555 0102"], ["(617) 555-0101", "(512) 555-0102"],
                                    ["617-555-0101", "512-555-0102"]])
def test_phones_under_postal_code_stop_naming_both_maps_which_then_import(admin, tmp_path, phones):
    f = write_table(tmp_path, "csv", [["Name", "Phone", "Postal Code", "City", "Country"],
                                      ["Ann Lee", "02134", phones[0], "Boston", "US"],
                                      ["Bob Ray", "73301", phones[1], "Austin", "US"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f)
    message = stop.value.message
    assert "'Postal Code'" in message and f"'{phones[0]}'" in message and "phone numbers" in message
    assert '--map "Postal Code=Phone"' in message and '--map "Phone=Postal Code"' in message
    assert customers_by_name(admin) == {}
    import_file(admin, f, mapping=["Postal Code=Phone", "Phone=Postal Code"])
    ann = customers_by_name(admin)["Ann Lee"]
    assert ann["postal_code"] == "02134" and ann["phone"] == "+16175550101"


def test_a_company_column_shifted_onto_emails_stops_but_true_values_with_an_at_or_postal_digits_import(
        admin, tmp_path):
    shifted = write_table(tmp_path, "xlsx", [["Name", "Company", "Email"],
                                             ["Ann Lee", "ann@x.com", "Acme Inc"],
                                             ["Bob Ray", "bob@y.com", "Beta LLC"]], name="shifted")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, shifted)
    assert "'Company'" in stop.value.message and '--map "Email=Company"' in stop.value.message
    # no false alarm: a few names with an @ among names, a name with its mailbox, numeric,
    # Brazilian and Iranian postal codes, a city written beside digits
    fine = write_table(tmp_path, "csv", [
        ["Name", "Email", "Postal Code", "City"],
        ["Studio @ Home", "studio@x.com", "01310-100", "São Paulo"],
        ["Ann Lee <ann@x.com>", "ann@x.com", "02134", "Boston"],
        ["Bob Ray", "bob@y.com", "11936-53471", "Tehran"],
        ["Cy Fox", "cy@z.com", "100-0001", "Tokyo"]], name="fine")
    import_file(admin, fine)
    stored = customers_by_name(admin)
    assert stored["Studio @ Home"]["postal_code"] == "01310-100" and stored["Bob Ray"]["city"] == "Tehran"
    assert len(stored) == 4


def test_an_order_file_with_customer_emails_under_customer_name_stops(admin, tmp_path):
    f = write_table(tmp_path, "csv", [["Order ID", "Order Date", "Customer Name", "Customer Email", "Amount"],
                                      ["A1", "2024-03-05", "ann@x.com", "Ann Lee", "10.00"],
                                      ["A2", "2024-03-06", "bob@y.com", "Bob Ray", "12.00"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders", currency="USD")
    assert "'Customer Name'" in stop.value.message and '--map "Customer Email=' in stop.value.message
