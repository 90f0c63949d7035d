"""A record that names a customer and a contact (interactions, tickets) names a contact
of THAT customer, on every write path: create, create_many (validated too), update,
update_many, a contact given to another customer, and a merge of customers (contacts
and the records naming them move together). Real encrypted stores in tmp_path; the
sales and support users sign in with their passwords."""

from __future__ import annotations

import pytest

from cims_xl.domain.models import validate_record
from cims_xl.domain.schema import ENTITIES
from cims_xl.errors import PermissionDenied, ValidationFailed
from cims_xl.services import auth, records
from cims_xl.services.merge import merge_customers
from conftest import USER_PASSWORD


@pytest.fixture
def people(admin, session_as):
    """lina (sales) owns C1 and C2; tom (sales) owns C3, whose contact is 袁洋."""
    lina, tom, wang = session_as("sales", "lina"), session_as("sales", "tom"), session_as("support", "wang")
    c1 = records.create(admin, "customer", {"name": "Lina Kunde", "owner": "lina"})["id"]
    c2 = records.create(admin, "customer", {"name": "Zweiter Kunde", "owner": "lina"})["id"]
    c3 = records.create(admin, "customer", {"name": "Tom Kunde", "owner": "tom"})["id"]
    p1 = records.create(admin, "contact", {"customer_id": c1, "name": "Anna Berg"})["id"]
    p3 = records.create(admin, "contact", {"customer_id": c3, "name": "袁洋"})["id"]
    return {"lina": lina, "tom": tom, "wang": wang, "c1": c1, "c2": c2, "c3": c3, "p1": p1, "p3": p3}


def _stored(admin, kind: str) -> list[tuple]:
    return [(r["customer_id"], r["contact_id"]) for r in records.list_records(admin, kind)]


def test_a_sales_user_cannot_name_another_customers_contact_on_her_interaction(admin, people):
    assert people["lina"].username == "lina" and people["lina"].role == "sales"
    with pytest.raises(ValidationFailed) as err:
        records.create(people["lina"], "interaction", {"customer_id": people["c1"], "contact_id": people["p3"],
                                                       "kind": "Call", "notes": "Call with 袁洋 about renewal"})
    assert err.value.problems == {"Contact ID": f"{people['p3']} is a contact of {people['c3']}, not of "
                                                f"{people['c1']}; name a contact of {people['c1']} or leave "
                                                f"Contact ID empty"}
    assert _stored(admin, "interaction") == []
    with pytest.raises(PermissionDenied):    # the role check stays first: tom's customer is not hers
        records.create(people["lina"], "interaction", {"customer_id": people["c3"], "contact_id": people["p3"],
                                                       "kind": "Call"})
    # her own customer's contact, typed the short way, is fine
    records.create(people["lina"], "interaction", {"customer_id": people["c1"], "contact_id": "p-1", "kind": "Call"})
    assert _stored(admin, "interaction") == [(people["c1"], people["p1"])]


def test_a_support_user_cannot_file_a_ticket_naming_another_customers_contact(admin, people):
    with pytest.raises(ValidationFailed, match=f"{people['p3']} is a contact of {people['c3']}, not of {people['c2']}"):
        records.create(people["wang"], "ticket", {"customer_id": people["c2"], "contact_id": people["p3"],
                                                  "subject": "袁洋 printer broken", "priority": "P3"})
    assert _stored(admin, "ticket") == []


def test_validated_rows_and_many_rows_are_checked_too_and_nothing_of_the_batch_is_stored(admin, people):
    good = validate_record(ENTITIES["ticket"], {"customer_id": people["c3"], "contact_id": people["p3"],
                                                "subject": "fine"})
    bad = validate_record(ENTITIES["ticket"], {"customer_id": people["c1"], "contact_id": people["p3"],
                                               "subject": "wrong person"})
    with pytest.raises(ValidationFailed, match="Contact ID"):
        records._service_create_many(admin, "ticket", [good, bad], token=records._SERVICE, validated=True)
    with pytest.raises(ValidationFailed, match="Contact ID"):
        records.create_many(people["wang"], "ticket", [{"customer_id": people["c2"], "contact_id": people["p1"],
                                                        "subject": "x"}])
    assert _stored(admin, "ticket") == []


def test_an_update_that_moves_the_record_or_changes_its_contact_keeps_them_agreeing(admin, people):
    lina = people["lina"]
    rid = records.create(lina, "interaction", {"customer_id": people["c1"], "contact_id": people["p1"],
                                               "kind": "Note"})["id"]
    with pytest.raises(ValidationFailed, match=f"{people['p3']} is a contact of {people['c3']}"):
        records.update(lina, rid, {"contact_id": people["p3"]})
    # moved to her other customer while still naming C1's contact
    with pytest.raises(ValidationFailed, match=f"{people['p1']} is a contact of {people['c1']}, not of {people['c2']}"):
        records.update(lina, rid, {"customer_id": people["c2"]})
    with pytest.raises(ValidationFailed, match="Contact ID"):
        records._service_update_many(admin, [(rid, {"contact_id": people["p3"]}, None)], token=records._SERVICE,
                                     action="update", validated=True)
    assert _stored(admin, "interaction") == [(people["c1"], people["p1"])]
    # moved together with its contact cleared: fine
    records.update(lina, rid, {"customer_id": people["c2"], "contact_id": None})
    assert _stored(admin, "interaction") == [(people["c2"], None)]


def test_a_contact_named_by_records_cannot_be_given_to_another_customer_and_the_message_names_them(admin, people):
    i = records.create(admin, "interaction", {"customer_id": people["c3"], "contact_id": people["p3"],
                                              "kind": "Call"})["id"]
    t = records.create(admin, "ticket", {"customer_id": people["c3"], "contact_id": people["p3"],
                                         "subject": "printer"})["id"]
    with pytest.raises(ValidationFailed) as err:
        records.update(admin, people["p3"], {"customer_id": people["c1"]})
    assert f"{people['p3']} is the contact of {i}, {t}" in str(err.value)
    assert records.get(admin, people["p3"])["customer_id"] == people["c3"]
    # with the records' contact cleared, it may move
    records.update(admin, i, {"contact_id": None})
    records.update(admin, t, {"contact_id": None})
    records.update(admin, people["p3"], {"customer_id": people["c1"]})
    assert records.get(admin, people["p3"])["customer_id"] == people["c1"]


def test_a_merge_moves_contacts_and_the_records_naming_them_together(admin, people):
    i = records.create(admin, "interaction", {"customer_id": people["c3"], "contact_id": people["p3"],
                                              "kind": "Call"})["id"]
    t = records.create(admin, "ticket", {"customer_id": people["c3"], "contact_id": people["p3"],
                                         "subject": "printer"})["id"]
    merge_customers(admin, people["c1"], people["c3"])
    assert records.get(admin, people["p3"])["customer_id"] == people["c1"]
    assert (records.get(admin, i)["customer_id"], records.get(admin, i)["contact_id"]) == (people["c1"], people["p3"])
    assert (records.get(admin, t)["customer_id"], records.get(admin, t)["contact_id"]) == (people["c1"], people["p3"])
    assert records.contacts_of_other_customers(admin) == []


def test_a_sales_user_signed_in_with_her_password_on_a_fresh_session_is_refused_too(store_path, people):
    lina = auth.sign_in(store_path, "lina", USER_PASSWORD)
    try:
        with pytest.raises(ValidationFailed, match="Contact ID"):
            records.create_many(lina, "interaction", [{"customer_id": people["c2"], "contact_id": people["p1"],
                                                       "kind": "Call"}])
    finally:
        lina.close()


def test_the_cli_refuses_a_sales_users_interaction_add_and_edit_naming_another_customers_contact(
        admin, people, run, monkeypatch):
    monkeypatch.setenv("CIMS_USER", "lina")
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    code, out, err = run("interaction", "add", "--customer-id", people["c1"], "--contact-id", people["p3"],
                         "--kind", "Call", "--notes", "Call with 袁洋 about renewal")
    assert code == 4
    assert f"Contact ID: {people['p3']} is a contact of {people['c3']}, not of {people['c1']}" in " ".join(err.split())
    assert _stored(admin, "interaction") == []
    code, out, err = run("interaction", "add", "--customer-id", people["c1"], "--contact-id", people["p1"],
                         "--kind", "Call")
    assert code == 0
    (rid,) = [r["id"] for r in records.list_records(admin, "interaction")]
    code, out, err = run("interaction", "edit", rid, "--contact-id", people["p3"])
    assert code == 4 and "Contact ID" in err
    assert _stored(admin, "interaction") == [(people["c1"], people["p1"])]


def test_a_deleted_ticket_is_not_restored_once_its_contact_belongs_to_another_customer(admin, people):
    t = records.create(admin, "ticket", {"customer_id": people["c3"], "contact_id": people["p3"],
                                         "subject": "printer"})["id"]
    records.delete(admin, t)
    records.update(admin, people["p3"], {"customer_id": people["c1"]})    # no live record names her now
    with pytest.raises(ValidationFailed, match=f"{people['p3']} is a contact of {people['c1']}, not of {people['c3']}"):
        records.restore(admin, t)
    assert records.get(admin, t, include_deleted=True)["deleted_at"] is not None
