"""An email is stored as the file wrote it: a domain in its ASCII (xn--) form stays in that
form, and is still the same mailbox as the Unicode form for duplicate checks. A top-level
domain of one letter does not exist (IANA's root zone), so such an address is unreadable:
the row is imported with a warning and the text kept in Notes, and `customer add` refuses it."""
from __future__ import annotations

import pytest

from cims_xl.domain.duplicates import email_key
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv


@pytest.mark.parametrize("written,unicode_form", [
    ("info@xn--bcher-kva.de", "info@bücher.de"),
    ("li@xn--fsqu00a.xn--fiqs8s", "li@例子.中国"),
    ("ivan@xn--e1afmkfd.xn--p1ai", "ivan@пример.рф"),
])
def test_an_imported_email_with_an_ascii_form_domain_is_stored_as_the_file_wrote_it(admin, tmp_path, written,
                                                                                    unicode_form):
    path = write_csv(tmp_path / "c.csv", [["Name", "Email"], ["Ann Lee", written], ["Bob Ray", unicode_form]])
    result = import_file(admin, path)
    stored = {c["name"]: c["email"] for c in records.list_records(admin, "customer")}
    assert stored.get("Ann Lee") == written
    assert email_key(written) == email_key(unicode_form)
    assert result.created + result.duplicates == 2


@pytest.mark.parametrize("address", ["ann@x.c", "kim@example.k", "jo@mail.example.Z"])
def test_an_email_whose_top_level_domain_has_one_letter_is_kept_in_notes_with_a_warning(admin, tmp_path, address):
    path = write_csv(tmp_path / "c.csv", [["Name", "Email"], ["Ann Lee", address], ["Bob Ray", "bob@x.com"]])
    result = import_file(admin, path)
    assert result.created == 2
    ann = next(c for c in records.list_records(admin, "customer") if c["name"] == "Ann Lee")
    assert ann["email"] is None and address in (ann["notes"] or "")
    assert result.warnings == 1
    assert any("top-level domain" in " ".join((o.warnings or {}).values()) for o in result.outcomes)


def test_customer_add_refuses_an_email_with_a_one_letter_top_level_domain(run, admin):
    code, out, err = run("customer", "add", "--name", "Ann Lee", "--email", "ann@x.c")
    assert code != 0 and "top-level domain" in out + err
    assert records.list_records(admin, "customer") == []
