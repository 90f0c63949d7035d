"""What a person types or pastes is kept as they meant it: an address pasted with an
invisible character is the same address (duplicates and search find it), and a phone
extension typed in `cims customer add` / `contact add` is kept in Notes, as the import
keeps it, not dropped with no trace (E.164 holds no extension)."""
from __future__ import annotations

import json

import pytest

from cims_xl.domain.normalize import normalize_email
from cims_xl.importer import import_file
from cims_xl.services import records


@pytest.mark.parametrize("pasted", ["jo@example.com\u200b", "\ufeffjo@example.com", "jo\u200d@example.com",
                                    "jo@exam\u00adple.com", "\u200ejo@example.com\u200f", "jo@example.com\u2060"])
def test_invisible_characters_pasted_into_an_address_are_not_part_of_it(pasted):
    assert normalize_email(pasted) == "jo@example.com"


def test_an_imported_address_with_a_zero_width_space_is_found_by_the_duplicate_check_and_search(
        run, admin, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("Name,Email\nJo,jo@example.com\u200b\n", encoding="utf-8")
    import_file(admin, path)
    assert records.list_records(admin, "customer")[0]["email"] == "jo@example.com"
    code, out, err = run("customer", "add", "--name", "Jo again", "--email", "jo@example.com")
    assert code != 0 and "C-000001 already has this email" in out + err
    code, out, err = run("--format", "json", "customer", "search", "jo@example.com")
    assert [r["id"] for r in json.loads(out)["rows"]] == ["C-000001"]


@pytest.mark.parametrize("typed", ["(415) 555-0136 x123", "+1 415 555 0137 ext. 45", "+1 415 555 0138 #7"])
def test_customer_add_keeps_a_typed_extension_in_notes(run, typed):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Ext", "--phone", typed,
                         "--country", "US", "--notes", "met at the fair")
    assert code == 0, out + err
    rec = json.loads(out)
    assert rec["phone"].startswith("+1415555013")
    assert rec["notes"] == f"met at the fair\nPhone: {typed}"


def test_contact_add_keeps_a_typed_extension_in_notes(run, admin):
    cid = records.create(admin, "customer", {"name": "Acme Ltd"})["id"]
    code, out, err = run("--format", "json", "contact", "add", "--name", "Eva", "--customer-id", cid,
                         "--mobile", "138 0013 8000 转 8")
    assert code == 0, out + err
    rec = json.loads(out)
    assert (rec["mobile"], rec["notes"]) == ("+8613800138000", "Mobile: 138 0013 8000 转 8")


def test_a_phone_with_an_extension_that_is_then_left_empty_is_kept_in_notes_once(admin, tmp_path):
    """The extension keeps the text, and so does the rule for a value left empty: one line."""
    import_file(admin, _csv(tmp_path / "c.csv", "Name,Email\nAcme Ltd,info@acme.example\n"))
    path = _csv(tmp_path / "k.csv", "Name,Company,Email,Phone\nJohn Smith,Acme Ltd,john@acme.co.uk,"
                                    "020 7946 0001 x12\n")
    import_file(admin, path, kind="contacts")
    contact = records.list_records(admin, "contact")[0]
    assert contact["phone"] is None
    assert contact["notes"] == "Phone: 020 7946 0001 x12"


def _csv(path, text):
    path.write_text(text, encoding="utf-8")
    return path
