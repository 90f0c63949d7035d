"""One address, one number, however they are written, and `customer edit` checks them as `add` does.

An email whose domain is written in IDNA's ASCII form (bob@xn--mnchen-3ya.de) is the
address bob@münchen.de: it is stored as it was written (the file's or the user's text),
and the duplicate checks compare the two forms as one, so `customer add` finds the stored customer. `customer edit
--phone/--email` giving a customer another customer's number or address is refused
with the message `customer add` gives (--allow-duplicate overrides, as there).
"""

from __future__ import annotations

import json

import pytest

from cims_xl.domain.duplicates import email_key
from cims_xl.domain.normalize import normalize_email
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv


@pytest.mark.parametrize("ascii_form,unicode_form", [
    ("bob@xn--mnchen-3ya.de", "bob@münchen.de"),
    ("Bob@XN--MNCHEN-3YA.DE", "Bob@münchen.de"),
    ("li@xn--fsqu00a.xn--fiqs8s", "li@例子.中国"),
    ("ivan@xn--e1afmkfd.xn--p1ai", "ivan@пример.рф"),
    ("sato@xn--eckwd4c7c.jp", "sato@ドメイン.jp"),
])
def test_a_domain_written_in_its_ascii_form_is_kept_as_written_and_is_the_same_mailbox(ascii_form, unicode_form):
    local, domain = ascii_form.split("@")
    assert normalize_email(ascii_form) == f"{local}@{domain.lower()}"
    assert normalize_email(unicode_form) == unicode_form
    assert email_key(ascii_form) == email_key(unicode_form)


def test_a_label_that_only_looks_like_an_ascii_form_is_kept_as_written():
    assert normalize_email("a@xn--abc.example.com") == "a@xn--abc.example.com"


@pytest.mark.parametrize("stored,typed", [("bob@münchen.de", "bob@xn--mnchen-3ya.de"),
                                          ("ivan@xn--e1afmkfd.xn--p1ai", "IVAN@пример.РФ")])
def test_customer_add_refuses_an_address_stored_in_its_other_form(run, admin, stored, typed):
    first = records.create(admin, "customer", {"name": "Bob Ray", "email": stored})
    code, out, err = run("customer", "add", "--name", "Bob R.", "--email", typed)
    assert code != 0 and f"{first['id']} already has this mailbox, written another way" in out + err
    assert len(records.list_records(admin, "customer")) == 1


def test_an_import_of_the_ascii_form_finds_the_stored_customer(admin, tmp_path):
    records.create(admin, "customer", {"name": "Sato Yuki", "email": "sato@ドメイン.jp"})
    path = write_csv(tmp_path / "c.csv", [["Name", "Email"], ["Sato Yuki", "sato@xn--eckwd4c7c.jp"]])
    result = import_file(admin, path)
    assert (result.created, result.duplicates) == (0, 1)


@pytest.mark.parametrize("option,theirs,typed,what", [
    ("--phone", "+49 30 1234567", "030 1234567", "phone"),
    ("--mobile", "+44 7700 900123", "+44 (0)7700 900123", "phone"),
    ("--email", "anna@example.de", "ANNA@example.de", "email"),
    ("--email", "bob@münchen.de", "bob@xn--mnchen-3ya.de", "mailbox"),
    ("--email", "li.na@gmail.com", "lina+shop@gmail.com", "mailbox"),
])
def test_customer_edit_refuses_another_customers_phone_or_email_as_add_does(run, admin, option, theirs, typed, what):
    key = {"--phone": "phone", "--mobile": "mobile", "--email": "email"}[option]
    first = records.create(admin, "customer", {"name": "Anna Schmidt", key: theirs, "country": "DE"})
    second = records.create(admin, "customer", {"name": "Carl Lee", "country": "DE"})
    code, out, err = run("customer", "edit", second["id"], option, typed)
    assert code != 0 and f"{first['id']} already has this {what}" in out + err
    assert "--allow-duplicate" in out + err and "nothing was changed" in out + err
    assert records.get(admin, second["id"])[key] is None
    code, out, err = run("--format", "json", "customer", "edit", second["id"], option, typed, "--allow-duplicate")
    assert code == 0, out + err
    assert json.loads(out)[key]


def test_customer_edit_may_give_a_customer_its_own_number_again(run, admin):
    rec = records.create(admin, "customer", {"name": "Anna Schmidt", "phone": "+49 30 1234567",
                                             "email": "anna@example.de", "country": "DE"})
    code, out, err = run("--format", "json", "customer", "edit", rec["id"], "--phone", "030 1234567",
                         "--email", "Anna@Example.de", "--city", "Berlin")
    assert code == 0, out + err
    assert json.loads(out)["city"] == "Berlin"
