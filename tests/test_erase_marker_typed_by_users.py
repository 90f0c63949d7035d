"""Text that reads like the erase marker (`[erased]`), typed or imported by a user, is
theirs: `audit verify` tells it from cims's own erase by the keyed digest the signed
entry holds (an erase keeps the digest of the value it removed), never from the text."""

from __future__ import annotations

import pytest
from conftest import ADMIN_PASSWORD

from cims_xl.security import audit as chain
from cims_xl.security.audit import erase_bulk_record, erase_values
from cims_xl.services import audit_log, auth, gdpr, records
from cims_xl.store.db import Store
from cims_xl.security.keys import KeyFile

MARKER = chain.ERASED


def _verify(path):
    session = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    try:
        return audit_log.verify(session)
    finally:
        session.close()


@pytest.mark.parametrize("values", [
    {"name": MARKER, "city": "深圳"},
    {"name": "Anna Schmidt", "notes": MARKER},
    {"name": MARKER, "email": "a@example.de", "company": MARKER},
])
def test_a_customer_typed_with_the_marker_text_leaves_verify_green(store_path, session_as, values):
    lina = session_as("sales", "lina")
    cid = records.create(lina, "customer", values)["id"]
    lina.close()
    stored = records.get(auth.sign_in(store_path, "admin", ADMIN_PASSWORD), cid)
    assert all(stored[k] == v for k, v in values.items())
    result = _verify(store_path)
    assert result.ok, result.problems


def test_an_edit_to_the_marker_text_and_an_interaction_subject_leave_verify_green(store_path, session_as):
    mei = session_as("manager", "mei")
    cid = records.create(mei, "customer", {"name": "محمد علي", "email": "m.ali@example.ae"})["id"]
    records.update(mei, cid, {"name": MARKER})
    records.update(mei, cid, {"name": "محمد علي"})
    mei.close()
    wang = session_as("support", "wang")
    records.create(wang, "interaction", {"customer_id": cid, "kind": "Call", "subject": MARKER})
    wang.close()
    result = _verify(store_path)
    assert result.ok, result.problems


def test_records_created_together_with_the_marker_text_leave_verify_green(store_path, admin):
    made = records.create_many(admin, "customer", [{"name": MARKER}, {"name": MARKER, "email": None},
                                                   {"name": "Ola Nordmann", "notes": MARKER}])
    assert [records.get(admin, m["id"])["name"] for m in made[:2]] == [MARKER, MARKER]
    result = audit_log.verify(admin)
    assert result.ok, result.problems


def test_an_export_of_erased_customers_imported_into_a_new_store_leaves_verify_green(store_path, run, tmp_path,
                                                                                   monkeypatch, admin):
    gone = records.create(admin, "customer", {"name": "王小明", "email": "wxm@example.cn", "city": "苏州"})["id"]
    records.create(admin, "customer", {"name": "Ruby Taylor", "email": "ruby@example.com"})
    gdpr.erase_customer(admin, gone)
    code, out, err = run("--format", "csv", "customer", "list")
    assert code == 0, err
    assert MARKER in out
    exported = tmp_path / "export.csv"
    exported.write_text(out, encoding="utf-8")

    other = tmp_path / "other.cims"
    auth.init_store(other, "admin", ADMIN_PASSWORD, kdf={"name": "scrypt", "n": 2**10, "r": 8, "p": 1})
    monkeypatch.setenv("CIMS_STORE", str(other))
    code, out, err = run("import", "file", str(exported))
    assert code == 0, out + err
    session = auth.sign_in(other, "admin", ADMIN_PASSWORD)
    names = sorted(r["name"] for r in records.list_records(session, "customer"))
    session.close()
    assert MARKER in names and "Ruby Taylor" in names
    result = _verify(other)
    assert result.ok, result.problems


@pytest.mark.parametrize("how", ["single", "bulk"])
def test_a_record_holding_the_marker_text_is_green_until_its_other_values_are_wiped_outside_cims(store_path, admin, how):
    if how == "bulk":
        target = records.create_many(admin, "customer", [{"name": MARKER, "email": "x@example.fr"},
                                                         {"name": "Émile", "email": "e@example.fr"}])[0]["id"]
    else:
        target = records.create(admin, "customer", {"name": MARKER, "email": "x@example.fr"})["id"]
    assert audit_log.verify(admin).ok          # the typed marker alone is no wipe
    admin.close()
    kf = KeyFile.load(store_path)
    store = Store.open(store_path, kf.unlock("admin", ADMIN_PASSWORD))
    with store.transaction():
        for row in store.iter_audit(entity_id=target):
            seq, eid, changes, digests = row[0], row[5], row[7], row[8]
            if chain.is_bulk(eid):
                store.rewrite_audit_digests(seq, erase_bulk_record(digests, target))
            elif digests:
                store.rewrite_audit_values(seq, erase_values(changes, digests, ("name", "email")))
    store.close()
    result = _verify(store_path)
    assert not result.ok
    assert any(f"values of record {target}" in p and "no administrator erased" in p for p in result.problems)


@pytest.mark.parametrize("field, typed", [("notes", MARKER), ("email", None), ("city", MARKER)])
def test_import_undo_restores_marker_text_a_user_typed_before_the_import(admin, tmp_path, field, typed):
    from cims_xl.importer import import_file
    from cims_xl.services import batches

    values = {"name": "Zhang Wei", "phone": "+8613800138000", "notes": MARKER, "city": MARKER}
    if typed is None:
        values["name"] = MARKER          # the marker typed in another field; email from the import
    c = records.create(admin, "customer", values)
    f = tmp_path / "update.csv"
    f.write_text("Name,Phone,Notes,City,Email\nZhang Wei,13800138000,Rückruf Montag,Suzhou,zw@example.cn\n",
                 encoding="utf-8")
    result = import_file(admin, f, kind="customers", on_duplicate="update", update_mode="overwrite")
    assert result.updated == 1 and records.get(admin, c["id"])[field] != MARKER

    batches.undo_batch(admin, result.batch)

    after = records.get(admin, c["id"])
    assert after[field] == values.get(field)             # the user's own text is back
    assert {k: after[k] for k in values} == values
    assert audit_log.verify(admin).ok
