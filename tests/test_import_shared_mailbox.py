"""A role's mailbox several people share (info@, sales@, kontakt@) is not one person
(issue 14: every imported row accounted for, none dropped for a wrong reason).

What went wrong: Ann Lee and Bob Ray of Acme, with different names and phones, both
written with `info@acme.com`: Bob was not imported, "duplicate of row 2 (same email)".
Now an address whose part before @ is a role's mailbox (RFC 2142's names and the role
names businesses give them) under another name is another person sharing it, imported
with a warning, as a shared switchboard number already was; the same name, or a
personal address, is still a duplicate. The sheet's Save decides the same way, and
`cims customer add` names the shared mailbox when it refuses.
"""

from __future__ import annotations

import pytest

from cims_xl.domain.duplicates import is_role_mailbox
from cims_xl.importer import import_file
from cims_xl.services import records, sheet_rows
from table_files import write_table

SHARED = {
    "en": (["Name", "Company", "Email", "Phone", "Country"],
           [["Ann Lee", "Acme Ltd", "info@acme.example", "+44 20 7946 0958", "GB"],
            ["Bob Ray", "Acme Ltd", "info@acme.example", "+44 20 7946 0959", "GB"],
            ["Cat Poe", "Beta Ltd", "cat@beta.example", "+44 20 7946 0960", "GB"]]),
    "de": (["Name", "Firma", "E-Mail", "Telefon", "Land"],
           [["Jürgen Weiß", "Weiß GmbH", "Kontakt@weiss.example", "+49 30 1234567", "DE"],
            ["Anna Schmidt", "Weiß GmbH", "kontakt@weiss.example", "+49 30 1234568", "DE"],
            ["Eva Braun", "Braun AG", "eva@braun.example", "+49 40 1122334", "DE"]]),
    "zh": (["客户名称", "公司", "邮箱", "电话"],
           [["王伟", "华信公司", "sales@huaxin.example", "021-62323735"],
            ["李娜", "华信公司", "sales@huaxin.example", "021-62323736"],
            ["张敏", "永安公司", "zhangmin@yongan.example", "020-81234567"]]),
}


def _by_name(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", sorted(SHARED))
def test_two_people_sharing_a_role_mailbox_are_both_imported_with_a_warning(admin, tmp_path, lang, fmt):
    header, rows = SHARED[lang]
    result = import_file(admin, write_table(tmp_path, fmt, [header, *rows], f"people_{lang}"), kind="customers")
    got = _by_name(admin)
    assert sorted(got) == sorted(r[0] for r in rows)
    assert got[rows[1][0]]["email"].casefold() == rows[1][2].casefold()
    assert (result.created, result.duplicates, result.rejected) == (3, 0, 0)
    warned = {o.row: " ".join(o.warnings.values()) for o in result.outcomes if o.warnings}
    assert "the same email as row 2" in warned[3] and "shared mailbox" in warned[3]
    assert any(i["what"] == "shared mailboxes" for i in result.inferences)


def test_rows_in_different_chunks_share_the_mailbox_too(admin, tmp_path):
    header, rows = SHARED["en"]
    result = import_file(admin, write_table(tmp_path, "csv", [header, *rows]), kind="customers", chunk_rows=1)
    assert (result.created, result.duplicates) == (3, 0)


def test_the_same_name_with_a_role_mailbox_is_still_a_duplicate(admin, tmp_path):
    rows = [["Name", "Email", "Phone", "Country"],
            ["Ann Lee", "info@acme.example", "+44 20 7946 0958", "GB"],
            ["ANN LEE", "Info@Acme.example", "+44 20 7946 0958", "GB"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows), kind="customers")
    assert (result.created, result.duplicates) == (1, 1)


def test_a_personal_address_under_two_names_is_still_one_person(admin, tmp_path):
    rows = [["Name", "Email"], ["Ann Lee", "ann.lee@acme.example"], ["Ann Smith", "ann.lee@acme.example"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows), kind="customers")
    assert (result.created, result.duplicates) == (1, 1)


def test_a_stored_customer_with_the_role_mailbox_and_another_name_is_another_person(admin, tmp_path):
    import_file(admin, write_table(tmp_path, "csv", [["Name", "Email"], ["Ann Lee", "office@acme.example"]],
                                   "first"), kind="customers")
    result = import_file(admin, write_table(tmp_path, "csv", [["Name", "Email"], ["Bob Ray", "office@acme.example"],
                                                             ["Ann Lee", "office@acme.example"]], "later"),
                         kind="customers")
    assert sorted(_by_name(admin)) == ["Ann Lee", "Bob Ray"]
    assert (result.created, result.duplicates) == (1, 1)
    bob = next(o for o in result.outcomes if o.row == 2)
    assert "C-000001" in " ".join(bob.warnings.values())


def test_contacts_of_one_customer_sharing_its_office_mailbox_are_each_kept(admin, tmp_path):
    rows = [["Name", "Email", "Customer"],
            ["Ann Lee", "office@acme.example", "Acme Ltd"],
            ["Bob Ray", "office@acme.example", "Acme Ltd"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows), kind="contacts")
    assert sorted(c["name"] for c in records.list_records(admin, "contact")) == ["Ann Lee", "Bob Ray"]
    assert result.duplicates == 0


def test_a_new_sheet_row_with_a_stored_role_mailbox_under_another_name_is_no_duplicate_when_allowed(admin):
    records.create_customer(admin, {"name": "Ann Lee", "email": "info@acme.example"})
    records.create_customer(admin, {"name": "Cat Poe", "email": "cat@beta.example"})
    bob = {"name": "Bob Ray", "email": "info@acme.example"}
    dan = {"name": "Dan Fox", "email": "cat@beta.example"}
    allowed = sheet_rows.NewRowDuplicates(admin, "customer", [bob, dan], allow_duplicate=True)
    assert allowed.find(bob) is None
    assert allowed.find(dan) is not None and allowed.find(dan).record_id == "C-000002"
    # as `customer add` refuses it without --allow-duplicate: may be the same person
    dups = sheet_rows.NewRowDuplicates(admin, "customer", [bob, dan])
    assert dups.find(bob).record_id == "C-000001" and dups.find(bob).maybe
    assert not dups.find(dan).maybe


def test_customer_add_names_the_shared_mailbox_when_it_refuses(run):
    assert run("customer", "add", "--name", "Ann Lee", "--email", "sales@acme.example")[0] == 0
    code, _out, err = run("customer", "add", "--name", "Bob Ray", "--email", "sales@acme.example")
    assert code != 0 and "role's mailbox" in err and "--allow-duplicate" in err
    assert run("customer", "add", "--name", "Bob Ray", "--email", "sales@acme.example", "--allow-duplicate")[0] == 0


@pytest.mark.parametrize("email, role", [
    ("info@acme.example", True), ("Sales-EU@acme.example", True), ("kontakt@firma.example", True),
    ("support+tickets@x.example", True), ("contato@empresa.example", True), ("buchhaltung@firma.example", True),
    ("ventas@empresa.example", True), ("ann.info@acme.example", False), ("information@x.example", False),
    ("ann@acme.example", False), ("not an address", False)])
def test_a_role_mailbox_is_told_by_the_part_before_the_at_sign(email, role):
    assert is_role_mailbox(email) is role
