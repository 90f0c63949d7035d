"""A column whose heading names a fax line (Act!'s "Fax Phone", "Phone Fax", "Fax Tel",
"FAX電話", 傳真電話, Telefax …) is never taken as the record's phone, whatever phone word
it also holds: its numbers are kept in Notes and the summary says why; a mobile column
beside it stays the mobile, a real phone column the phone (cols22, item 4)."""

from __future__ import annotations

import unicodedata

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import customers_by_name, said_about, write_table

FAX_HEADINGS = ["Fax Phone", "Phone Fax", "Fax Tel", "FAX電話", "傳真電話", "传真电话", "Telefax Telefon",
                "ＦＡＸ番号電話", "팩스 전화"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("heading", FAX_HEADINGS)
def test_a_fax_heading_beside_a_mobile_is_kept_in_notes_never_stored_as_the_phone(admin, tmp_path, fmt, heading):
    f = write_table(tmp_path, fmt, [
        ["Company", "Mobile Phone", heading, "E-mail", "City", "Country"],
        ["Acme Inc", "(617) 555-0100", "(617) 555-0199", "ann@acme.com", "Boston", "United States"],
        ["Beta LLC", "(512) 555-0177", "(512) 555-0124", "bob@beta.com", "Austin", "United States"]])
    result = import_file(admin, f)
    stored = customers_by_name(admin)
    assert {n: (c["phone"], c["mobile"]) for n, c in stored.items()} == {
        "Acme Inc": (None, "+16175550100"), "Beta LLC": (None, "+15125550177")}
    assert "555-0199" in stored["Acme Inc"]["notes"] and unicodedata.normalize("NFKC", heading) in stored["Acme Inc"]["notes"]
    assert "fax" in said_about(result, "columns not the record's own").lower()
    # before a real phone column it is kept in Notes alike, and the phone is the phone
    g = write_table(tmp_path, fmt, [["Name", heading, "Phone"], ["Ann Lee", "+1 617 555 0199", "+1 617 555 0100"]],
                    name="with_phone")
    import_file(admin, g)
    ann = customers_by_name(admin)["Ann Lee"]
    assert ann["phone"] == "+16175550100" and "555 0199" in ann["notes"]


def test_a_contact_file_with_only_a_fax_tel_column_stores_no_phone(admin, tmp_path):
    write_table(tmp_path, "csv", [["Name"], ["Acme Inc"]], name="customers")
    import_file(admin, tmp_path / "customers.csv")
    f = write_table(tmp_path, "xlsx", [["Name", "Company", "Fax Tel", "Email"],
                                       ["Ann Lee", "Acme Inc", "+1 617 555 0199", "ann@acme.com"]], name="contacts")
    import_file(admin, f, kind="contacts")
    (ann,) = records.list_records(admin, "contact")
    assert not ann.get("phone")
