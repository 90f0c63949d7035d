"""GDPR erase reaches every copy the product controls, and every place in it.

After an erase, the store, its backups and the `*.before-restore-*` copies are opened
with the data key and every value of every table (the audit trail, the search index,
import batches …) is searched for the person's name and email; so is every file in
the store's folder, byte for byte.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from cims_xl.domain.schema import CUSTOMER
from cims_xl.errors import NotFound
from cims_xl.importer.run import import_file
from cims_xl.services import audit_log, auth, backup, batches, gdpr, records
from cims_xl.store.db import Store
from conftest import ADMIN_PASSWORD

SECRETS = ("张伟", "Zhang Wei", "zhang.wei@example.cn", "Léa Dubois", "lea.dubois@example.fr")


def _values_of(db: Path, key: bytes) -> str:
    """Every value of every table of an encrypted store, as text (blobs decoded leniently)."""
    store = Store.open(db, key)
    try:
        tables = [r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        out = []
        for table in tables:
            for row in store.conn.execute(f'SELECT * FROM "{table}"'):
                for v in row:
                    out.append(v.decode("utf-8", "ignore") if isinstance(v, bytes) else str(v))
        return "\n".join(out)
    finally:
        store.close()


def _backup_values(path: Path, key: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        backup._extract(path, Path(tmp))
        return _values_of(Path(tmp) / backup.DB_MEMBER, key)


def _assert_gone(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret.casefold() not in text.casefold(), f"{secret!r} is still in {where}"


@pytest.fixture
def person(admin):
    """A customer with a contact, and free text naming them in every related record."""
    c = records.create(admin, "customer", {"name": "张伟 (Zhang Wei)", "email": "zhang.wei@example.cn",
                                           "phone": "13800138000", "city": "杭州", "notes": "VIP"})
    records.update(admin, c["id"], {"notes": "prefers WeChat"})
    cid = c["id"]
    contact = records.create(admin, "contact", {"customer_id": cid, "name": "Léa Dubois",
                                                "email": "lea.dubois@example.fr"})
    related = [
        records.create(admin, "interaction", {"customer_id": cid, "kind": "Call",
                                              "subject": "Call with 张伟 about renewal"}),
        records.create(admin, "order", {"customer_id": cid, "order_date": "2024-03-01", "amount": "88.00",
                                        "product": "Gift box for Zhang Wei", "notes": "hand to léa dubois"}),
        records.create(admin, "opportunity", {"customer_id": cid, "name": "张伟 renewal 2025"}),
        records.create(admin, "ticket", {"customer_id": cid, "subject": "Zhang Wei cannot sign in",
                                         "description": "called twice"}),
    ]
    records.update(admin, related[0]["id"], {"subject": "Second call with 张伟"})
    other = records.create(admin, "customer", {"name": "Wang Fang", "email": "wang.fang@example.cn"})
    return cid, contact["id"], [r["id"] for r in related], other["id"]


def test_erase_leaves_no_trace_in_the_store_its_backups_or_the_copy_a_restore_kept(admin, store_path, person):
    cid, contact_id, related, other = person
    made = backup.backup(admin)
    admin.store.checkpoint()
    kept = store_path.with_name(store_path.name + ".before-restore-20260101-000000")
    shutil.copy2(store_path, kept)     # what a restore leaves beside the store

    result = gdpr.erase_customer(admin, cid)

    assert result["records"] == 6
    assert sorted(result["copies_erased"]) == sorted([made.name, kept.name])
    assert result["copies_not_reached"] == []
    key = admin.data_key
    admin.store.checkpoint()
    _assert_gone(_values_of(store_path, key), "the store")
    _assert_gone(_backup_values(made, key), made.name)
    _assert_gone(_values_of(kept, key), kept.name)
    for path in store_path.parent.rglob("*"):          # and no plaintext file anywhere
        if path.is_file():
            data = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in data, (path.name, secret)
    # The records are still there, their free text without the name; the trail verifies.
    assert records.get(admin, related[0])["subject"] == "Second call with [erased]"
    assert records.get(admin, related[1])["product"] == "Gift box for [erased]"
    assert records.get(admin, related[1])["notes"] == "hand to [erased]"
    assert records.get(admin, related[2])["name"] == "[erased] renewal 2025"
    assert records.get(admin, related[3])["subject"] == "[erased] cannot sign in"
    assert records.get(admin, contact_id)["name"] == "[erased]"
    assert records.get(admin, other)["name"] == "Wang Fang"
    assert audit_log.verify(admin).ok
    assert backup.verify_backup(made, "admin", ADMIN_PASSWORD)["counts"]["customer"] == 2


def test_a_backup_made_before_a_rekey_is_named_as_not_reached(admin, store_path, person):
    cid = person[0]
    old = backup.backup(admin)
    auth.rekey(admin)
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        result = gdpr.erase_customer(session, cid)
    finally:
        session.close()
    assert result["copies_erased"] == []
    assert len(result["copies_not_reached"]) == 1 and old.name in result["copies_not_reached"][0]
    assert "rekey" in result["copies_not_reached"][0]


def _import(admin, tmp_path, text: str, **kw):
    f = tmp_path / "people.csv"
    f.write_text(text, encoding="utf-8")
    return import_file(admin, f, kind="customers", **kw)


def test_a_customer_removed_by_import_undo_can_still_be_erased_from_the_audit_trail(admin, store_path, tmp_path):
    result = _import(admin, tmp_path, "Name,Email,Phone\n张伟 (Zhang Wei),zhang.wei@example.cn,13800138000\n"
                                      "Other Person,other@example.cn,13900139000\n")
    batches.undo_batch(admin, result.batch)
    assert records.list_records(admin, "customer") == []
    assert "zhang.wei@example.cn" in _values_of(store_path, admin.data_key)   # the trail keeps it

    erased = gdpr.erase_customer(admin, "C-000001")

    assert erased["customer"] == "C-000001"
    admin.store.checkpoint()
    text = _values_of(store_path, admin.data_key)
    _assert_gone(text, "the store")
    assert "other@example.cn" in text            # only that person
    assert audit_log.verify(admin).ok
    with pytest.raises(NotFound):
        gdpr.erase_customer(admin, "C-000099")


def test_import_undo_after_an_erase_skips_the_erased_values(admin, tmp_path):
    c = records.create(admin, "customer", {"name": "Zhang Wei", "email": "zhang.wei@example.cn",
                                           "phone": "13800138000", "city": "Hangzhou", "segment": "Consumer"})
    # The import finds him by phone and changes his email, city and segment.
    result = _import(admin, tmp_path, "Name,Email,City,Segment,Phone\n"
                                      "Zhang Wei,zw@example.cn,Suzhou,VIP,13800138000\n",
                     on_duplicate="update", update_mode="overwrite")
    assert result.updated == 1
    gdpr.erase_customer(admin, c["id"])

    undone = batches.undo_batch(admin, result.batch, force=True)

    assert undone["restored"] == 1
    after = records.get(admin, c["id"])
    assert after["segment"] == "Consumer"                    # restored
    assert after["name"] == "[erased]" and after["email"] is None and after["phone"] is None
    assert after["city"] is None                              # a Person's city is erased too, never restored
    assert audit_log.verify(admin).ok


def test_erase_changes_no_mac_so_the_chain_and_every_signature_still_verify(admin, person, session_as):
    cid, _contact, related, other = person
    sales = session_as("sales", "lina")
    records.create(sales, "customer", {"name": "Lina's own", "owner": "lina"})    # another signer
    records.update(admin, other, {"city": "Xi'an"})      # entries after the rewritten ones
    macs = [row[-1] for row in admin.store.iter_audit()]
    gdpr.erase_customer(admin, cid)
    assert [row[-1] for row in admin.store.iter_audit()][:len(macs)] == macs
    assert audit_log.verify(admin).ok
    assert records.get(admin, related[0])["subject"] == "Second call with [erased]"
    history = [e for e in records.history(admin, related[0]) if e["action"] == "create"][0]
    assert "Zhang" not in str(history["changes"])         # the free text is gone from the trail too
    records.create(admin, "customer", {"name": "Next One"})   # the chain goes on from the same head
    assert audit_log.verify(admin).ok


def test_free_text_an_older_version_macd_as_stored_is_named_not_rewritten(admin, monkeypatch):
    from cims_xl.security import audit

    c = records.create(admin, "customer", {"name": "Zhang Wei", "email": "zhang.wei@example.cn"})
    # As the version before this one wrote entries: free text MACed as stored.
    monkeypatch.setattr(audit, "_personal", lambda entity: frozenset(
        audit.ENTITIES[entity].personal_keys) if entity in audit.ENTITIES else frozenset())

    def old_layout(kind):
        ent = audit.ENTITIES[kind]
        personal = set(ent.personal_keys)
        return (tuple(k for k in ent.keys if k not in personal), tuple(sorted(personal)),
                tuple(f.key for f in ent.fields if f.kind in audit._CONVERTED_KINDS))

    monkeypatch.setattr(audit, "_entity_layout", old_layout)
    t = records.create(admin, "ticket", {"customer_id": c["id"], "subject": "Call Zhang Wei back"})
    monkeypatch.undo()
    result = gdpr.erase_customer(admin, c["id"])
    assert records.get(admin, t["id"])["subject"] == "Call [erased] back"   # the record itself is clean
    assert "audit entries written before this version" in result["audit_entries_not_reached"]
    assert audit_log.verify(admin).ok


def test_erase_reaches_the_duplicates_merged_into_the_customer_even_through_a_chain(admin, store_path, person):
    from cims_xl.services import merge

    cid = person[0]
    dup = records.create(admin, "customer", {"name": "Léa Dubois", "email": "lea.dubois@example.fr",
                                             "city": "Lyon"})
    older = records.create(admin, "customer", {"name": "Zhang Wei", "phone": "+86 138 0013 8001"})
    merge.merge_customers(admin, dup["id"], older["id"])      # Zhang Wei -> Léa's record
    merge.merge_customers(admin, cid, dup["id"])              # ... -> the customer erased below

    result = gdpr.erase_customer(admin, cid)

    assert result["records"] == 8
    admin.store.checkpoint()
    _assert_gone(_values_of(store_path, admin.data_key), "the store")
    for rid in (dup["id"], older["id"]):
        assert admin.store.fetch_record(CUSTOMER, rid, include_deleted=True)["name"] == "[erased]"
    assert records.get(admin, person[3])["name"] == "Wang Fang"     # not merged: untouched
    assert audit_log.verify(admin).ok
