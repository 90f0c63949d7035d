"""Insiders: a user with a password attacks the store directly, and verify names it.

Each attack is what a user could do with nothing but their own password and the
product's own Python API: unlock their slot (`KeyFile.unlock`), open the store with
the data key it gives (`Store.open`), then raw SQL and key-file edits. `audit verify`
is then run by another user (an administrator), on another OS account (another trust
folder), as it would be in an office. See docs/security-model.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD

from cims_xl.errors import AccountDisabled, Conflict, PermissionDenied
from cims_xl.security import audit as chain
from cims_xl.security import ledger
from cims_xl.security import trust
from cims_xl.security.keys import KeyFile
from cims_xl.services import audit_log, auth, gdpr, records
from cims_xl.store.db import Store

GHOST_PASSWORD = "Quiet-Harbour-Lamp-93"


@pytest.fixture
def office(store_path: Path, tmp_path: Path, monkeypatch):
    """An administrator (on their own OS account) and a salesperson (on hers), with some data."""
    admin_dir, sales_dir = tmp_path / "trust-admin", tmp_path / "trust-sales"

    def as_os_user(folder: Path) -> None:
        monkeypatch.setenv(trust.ENV, str(folder))

    as_os_user(admin_dir)
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    auth.add_user(admin, "mei", "sales", USER_PASSWORD, kdf=FAST_KDF)
    auth.add_user(admin, "li", "support", USER_PASSWORD, kdf=FAST_KDF)
    boss = records.create(admin, "customer", {"name": "Große Bäckerei GmbH", "owner": "admin",
                                              "email": "info@baeckerei.de"})
    as_os_user(sales_dir)
    mei = auth.sign_in(store_path, "mei", USER_PASSWORD)
    own = records.create(mei, "customer", {"name": "山田商店", "phone": "+81 3-1234-5678"})
    auth.sign_out(mei)
    as_os_user(admin_dir)
    assert audit_log.verify(admin).ok       # the admin's account pins this head and these keys
    auth.sign_out(admin)
    return {"path": store_path, "admin_os": lambda: as_os_user(admin_dir),
            "sales_os": lambda: as_os_user(sales_dir), "boss": boss["id"], "own": own["id"]}


def _insider(path: Path, username: str = "mei", password: str = USER_PASSWORD) -> tuple[KeyFile, bytes, Store]:
    """What a user's own password opens: the key file, the data key, the store."""
    kf = KeyFile.load(path)
    key = kf.unlock(username, password)
    return kf, key, Store.open(path, key)


def _admin_verifies(office) -> chain.VerifyResult:
    office["admin_os"]()
    session = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    try:
        return audit_log.verify(session)
    finally:
        session.close()


def _named(result: chain.VerifyResult, *words: str) -> str:
    assert not result.ok
    hits = [p for p in result.problems if all(w in p for w in words)]
    assert hits, f"no problem names {words}: {result.problems}"
    return hits[0]


def _rechain(store: Store, from_seq: int) -> None:
    """Recompute every HMAC from `from_seq` on with the audit key kept in the store (what
    an insider can do), so the chain itself verifies again."""
    key = bytes.fromhex(store.get_meta("audit_key"))
    rows = list(store.iter_audit_physical())
    prev = chain.GENESIS
    fixed = []
    for row in rows:
        seq, at, actor, action, entity, eid, batch, changes_s, digests_s, _p, mac = row
        if seq >= from_seq:
            if chain.is_bulk(eid):
                mac = chain._bulk_mac(key, seq, at, actor, action, entity, eid, batch, changes_s,
                                      json.loads(digests_s or "{}").get("digest", {}), prev)
            else:
                changes = json.loads(changes_s or "{}")
                digests = {f: [chain.value_digest(key, v) for v in changes[f]]
                           for f in json.loads(digests_s or "{}")}
                if digests:
                    with store.transaction():
                        store.rewrite_audit_digests(seq, chain.canonical(digests).decode())
                values = {f: digests.get(f, v) for f, v in json.loads(changes_s or "{}").items()}
                mac = chain._mac(key, seq, at, actor, action, entity, eid, batch, values, prev)
            fixed.append((prev, mac, seq))
        prev = mac
    with store.transaction():
        store.rewrite_audit_macs(fixed)
        store.set_meta("audit_head", [rows[-1][0], prev])


# ----- a salesperson with her own password --------------------------------------------------

def test_a_salesperson_who_makes_herself_admin_in_the_users_table_is_named(office):
    kf, key, store = _insider(office["path"])
    with store.transaction():
        store.conn.execute("UPDATE users SET role = 'admin' WHERE username = 'mei'")
    store.close()
    # Sign-in takes the role the trail gave her (auth._as_the_trail_has_it), not the row.
    _mei_signs_in_as_sales(office)
    result = _admin_verifies(office)
    _named(result, "user mei is admin in the store", "makes them sales")


def _mei_signs_in_as_sales(office) -> None:
    _signs_in_with_no_rights_to_give(office, "sales_os", "mei", USER_PASSWORD, "sales", "role")


def _signs_in_with_no_rights_to_give(office, os_account: str, name: str, password: str, role: str,
                                     said: str) -> None:
    """`name` signs in with `role`, is told `said`, and cannot raise anyone's role."""
    office[os_account]()
    session = auth.sign_in(office["path"], name, password)
    assert session.role == role and said in session.account_problem
    with pytest.raises(PermissionDenied):
        auth.set_role(session, "li", "admin")
    session.close()


def test_a_ghost_admin_slot_with_a_recomputed_key_file_mac_signs_in_as_a_viewer_and_is_named(office):
    kf, key, store = _insider(office["path"])
    kf.set_slot("ghost", GHOST_PASSWORD, key, FAST_KDF)
    kf.seal_mac(key)                      # the MAC sign-in checks: she can recompute it
    kf.save()
    with store.transaction():
        store.conn.execute("INSERT INTO users(username, display_name, role, disabled, created_at, created_by) "
                           "VALUES ('ghost', 'ghost', 'admin', 0, '2026-01-01T00:00:00Z', 'admin')")
    store.close()
    # No administrator's signed entry created ghost: the password opens the key, and the
    # session is a viewer's (what the data key she holds already reads), which writes nothing.
    ghost = auth.sign_in(office["path"], "ghost", GHOST_PASSWORD)
    assert ghost.role == "viewer" and "no administrator's signed entry created this account" in ghost.account_problem
    with pytest.raises(PermissionDenied):
        records.update(ghost, office["boss"], {"notes": "paid in cash"})
    ghost.close()
    result = _admin_verifies(office)
    _named(result, "sign-in slot for ghost, whom no administrator added")
    _named(result, "user ghost (admin) is in the store, but no administrator created them")


def test_an_audit_entry_rewritten_with_the_audit_key_from_the_store_is_named(office):
    kf, key, store = _insider(office["path"])
    # The admin's creation of the big customer: she rewrites who owns it, then fixes the chain.
    seq, changes = next((r[0], r[7]) for r in store.iter_audit_physical()
                        if r[3] == "create" and r[5] == office["boss"])
    changes = json.loads(changes)
    changes["owner"] = [None, "mei"]
    with store.transaction():
        store.rewrite_audit_values(seq, chain.canonical(changes).decode())
    _rechain(store, seq)
    assert chain.verify_rows(bytes.fromhex(store.get_meta("audit_key")), store.iter_audit_physical(),
                             tuple(store.get_meta("audit_head"))).ok   # the HMAC chain alone is fooled
    store.close()
    result = _admin_verifies(office)
    _named(result, f"entry #{seq} was changed after admin signed it")
    _named(result, "not the one this computer saw")


def test_audit_entries_cut_from_the_end_are_named_before_the_verifier_writes_anything(office):
    # The admin works; his own OS account pins each write's head.
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    records.update(admin, office["own"], {"notes": "checked her discount"})
    auth.sign_out(admin)
    kf, key, store = _insider(office["path"])
    last = store.last_audit()[0]
    cut_to = last - 3
    with store.transaction():
        store.conn.execute("DELETE FROM audit WHERE seq > ?", (cut_to,))
        store.conn.execute("DELETE FROM audit_sigs WHERE last_seq > ?", (cut_to,))
        store.set_meta("audit_head", [cut_to, store.audit_mac_at(cut_to)])
    store.close()
    result = _admin_verifies(office)
    problem = _named(result, "the trail was cut")
    assert f"before this sign-in it ended at entry #{cut_to}" in problem
    assert f"#{last}" in problem


def test_a_cut_tail_replaced_by_new_entries_up_to_the_same_number_is_named(office):
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    records.update(admin, office["own"], {"notes": "discount refused"})
    auth.sign_out(admin)
    kf, key, store = _insider(office["path"])
    last = store.last_audit()[0]
    with store.transaction():
        store.conn.execute("DELETE FROM audit WHERE seq > ?", (last - 3,))
        store.conn.execute("DELETE FROM audit_sigs WHERE last_seq > ?", (last - 3,))
        store.set_meta("audit_head", [last - 3, store.audit_mac_at(last - 3)])
    store.close()
    office["sales_os"]()
    for _ in range(3):   # her own signed entries fill the numbers again
        auth.sign_out(auth.sign_in(office["path"], "mei", USER_PASSWORD))
    result = _admin_verifies(office)
    _named(result, f"entry #{last} is not the one this computer saw")


def test_a_record_edited_added_or_removed_directly_in_the_store_is_named(office):
    kf, key, store = _insider(office["path"])
    with store.transaction():
        store.conn.execute("UPDATE customers SET owner = 'mei', email = 'mei@example.cn' WHERE id = ?",
                           (office["boss"],))
        store.conn.execute("DELETE FROM customers WHERE id = ?", (office["own"],))
        store.conn.execute("INSERT INTO orders (seq, id, created_at, created_by, updated_at, updated_by, "
                           "version, customer_id, order_date, amount) VALUES (99, 'O-000099', "
                           "'2026-01-01T00:00:00Z', 'mei', '2026-01-01T00:00:00Z', 'mei', 1, ?, "
                           "'2026-01-01', 990000)", (office["boss"],))
    store.close()
    result = _admin_verifies(office)
    _named(result, f"record {office['boss']} was changed outside cims", "admin signed")
    _named(result, f"record {office['own']} was removed outside cims", "mei signed")
    _named(result, "record O-000099 is not in the signed trail")


def test_a_salesperson_cannot_sign_as_the_admin_even_with_every_entry_rewritten(office):
    """She writes a whole entry 'by admin' (a role change) and signs it with her own key."""
    office["sales_os"]()
    mei = auth.sign_in(office["path"], "mei", USER_PASSWORD)
    with mei.unit_of_work() as uow:
        mei.store.update_user("mei", {"role": "manager"})
        mei.audit([chain.AuditEvent(records.utcnow(), "admin", "user.role", "user", "mei", None,
                                    {"role": ["sales", "manager"]})])
        uow.commit()
    mei.close()
    result = _admin_verifies(office)
    _named(result, "names admin as its author, but the write it is part of was signed by mei")


def test_signatures_stripped_from_the_trail_are_named(office):
    kf, key, store = _insider(office["path"])
    with store.transaction():
        store.conn.execute("DELETE FROM audit_sigs WHERE signer = 'mei'")
    store.close()
    result = _admin_verifies(office)
    _named(result, "is not signed by anyone")


def test_an_administrator_whose_signatures_were_stripped_signs_in_with_no_rights_to_give_away(office):
    """Fail safe: what no valid signature vouches for gives no rights, whoever it names.
    The administrator reads as a viewer and is told; the recovery is the newest backup
    (docs/security-model.md), as for a key slot an insider removed."""
    kf, key, store = _insider(office["path"])
    with store.transaction():
        store.conn.execute("DELETE FROM audit_sigs WHERE signer = 'admin'")
    store.close()
    _signs_in_with_no_rights_to_give(office, "admin_os", "admin", ADMIN_PASSWORD, "viewer", "signed entry")


# ----- an administrator -------------------------------------------------------------------------

def test_an_admin_who_rewrites_a_salespersons_entry_is_named_by_another_admin(office, tmp_path, monkeypatch):
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    auth.add_user(admin, "anna", "admin", USER_PASSWORD, kdf=FAST_KDF)
    admin.close()
    monkeypatch.setenv(trust.ENV, str(tmp_path / "trust-anna"))
    anna = auth.sign_in(office["path"], "anna", USER_PASSWORD)
    assert audit_log.verify(anna).ok
    anna.close()
    # Mei enters a customer after anna was made an administrator (a rewrite re-chains
    # every later entry, so the signatures of later writes, user changes among them, no
    # longer hold: sign-in then gives nothing they granted, see the test above).
    office["sales_os"]()
    mei = auth.sign_in(office["path"], "mei", USER_PASSWORD)
    later = records.create(mei, "customer", {"name": "Yamada Shoten", "phone": "+81 3-1234-9999"})
    mei.close()
    # The first admin, with the data key, rewrites what mei entered and re-chains it.
    kf, key, store = _insider(office["path"], "admin", ADMIN_PASSWORD)
    office["own"] = later["id"]
    seq, changes = next((r[0], r[7]) for r in store.iter_audit_physical()
                        if r[3] == "create" and r[5] == office["own"])
    changes = json.loads(changes)
    changes["name"] = [None, "Yamada & Partner"]
    with store.transaction():
        store.rewrite_audit_values(seq, chain.canonical(changes).decode())
        store.conn.execute("UPDATE customers SET name = 'Yamada & Partner' WHERE id = ?", (office["own"],))
    _rechain(store, seq)
    store.close()
    anna = auth.sign_in(office["path"], "anna", USER_PASSWORD)
    result = audit_log.verify(anna)
    anna.close()
    _named(result, "was changed after mei signed it")
    _named(result, f"record {office['own']} was changed outside cims")


def test_an_admin_who_cuts_the_trail_is_named_by_another_admins_account(office, tmp_path, monkeypatch):
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    auth.add_user(admin, "anna", "admin", USER_PASSWORD, kdf=FAST_KDF)
    admin.close()
    monkeypatch.setenv(trust.ENV, str(tmp_path / "trust-anna"))
    anna = auth.sign_in(office["path"], "anna", USER_PASSWORD)
    records.delete(anna, office["boss"])
    anna.close()
    kf, key, store = _insider(office["path"], "admin", ADMIN_PASSWORD)
    last = store.last_audit()[0]
    with store.transaction():
        store.conn.execute("DELETE FROM audit WHERE seq > ?", (last - 2,))
        store.conn.execute("DELETE FROM audit_sigs WHERE last_seq > ?", (last - 2,))
        store.set_meta("audit_head", [last - 2, store.audit_mac_at(last - 2)])
    store.close()
    anna = auth.sign_in(office["path"], "anna", USER_PASSWORD)
    result = audit_log.verify(anna)
    anna.close()
    _named(result, "the trail was cut")
    _named(result, f"record {office['boss']} was changed outside cims")   # her delete is gone too


def test_an_admin_who_changes_a_role_or_a_slot_outside_cims_is_named_too(office):
    kf, key, store = _insider(office["path"], "admin", ADMIN_PASSWORD)
    with store.transaction():
        store.conn.execute("UPDATE users SET role = 'manager' WHERE username = 'li'")
    store.close()
    # ... and swaps mei's slot for one whose password he knows, to sign in as her.
    kf = KeyFile.load(office["path"])
    kf.set_slot("mei", "Borrowed-Identity-Key-61", key, FAST_KDF)
    kf.seal_mac(key)
    kf.save()
    result = _admin_verifies(office)
    _named(result, "user li is manager in the store", "makes them support")
    # both of the slot's keys, named in one line
    _named(result, "the sign-in slot of mei was replaced outside cims", "its keys are not the ones in the trail")


def test_what_an_admin_does_through_the_product_verifies_and_is_signed_as_theirs(office):
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    auth.set_role(admin, "mei", "manager")
    auth.change_password(admin, "li", "Brisk-Meadow-Tuba-58", kdf=FAST_KDF)   # li gets a new key
    result = audit_log.verify(admin)
    assert result.ok, result.problems
    sigs = list(admin.store.iter_audit_sigs())
    assert sigs[-1][2] == "admin"
    admin.close()
    li = auth.sign_in(office["path"], "li", "Brisk-Meadow-Tuba-58")
    li.close()
    assert _admin_verifies(office).ok


# ----- sharing one OS account, and what holds without a pin --------------------------------

def test_on_a_shared_os_account_a_cut_tail_goes_unseen_but_forged_entries_do_not(office):
    """Everyone on one OS account can rewrite its pin: the tail is then not protected. What
    signatures protect (others' entries, roles, records) still holds."""
    office["admin_os"]()    # mei uses the admin's OS account
    kf, key, store = _insider(office["path"])
    last = store.last_audit()[0]
    with store.transaction():
        store.conn.execute("DELETE FROM audit WHERE seq > ?", (last - 2,))
        store.conn.execute("DELETE FROM audit_sigs WHERE last_seq > ?", (last - 2,))
        store.set_meta("audit_head", [last - 2, store.audit_mac_at(last - 2)])
    trust.save_pin(kf.store_id, (last - 2, store.audit_mac_at(last - 2)))
    store.close()
    result = _admin_verifies(office)
    assert not any("cut" in p for p in result.problems)
    # ... while her role raise is still named.
    kf, key, store = _insider(office["path"])
    with store.transaction():
        store.conn.execute("UPDATE users SET role = 'admin' WHERE username = 'mei'")
    store.close()
    _named(_admin_verifies(office), "user mei is admin in the store")


# ----- upgrade -------------------------------------------------------------------------------

def _as_before_signatures(path: Path, passwords: dict[str, str]) -> None:
    """Make a store look like one written before signed trails: no signing keys in the
    slots, no signatures, no marks of them."""
    kf = KeyFile.load(path)
    key = kf.unlock("admin", passwords["admin"])
    for slot in kf.doc["slots"].values():
        for k in ("sign_nonce", "sign_wrapped", "sign_public"):
            slot.pop(k, None)
    kf.seal_mac(key)
    kf.save()
    store = Store.open(path, key)
    with store.transaction():
        store.conn.execute("DELETE FROM audit_sigs")
        store.conn.execute("DELETE FROM meta WHERE key = 'signed_from' OR key LIKE 'sign_key:%'")
    store.close()


def test_an_upgraded_store_verifies_and_calls_older_entries_unsigned_not_tampered(store_path, admin, tmp_path,
                                                                                   monkeypatch):
    auth.add_user(admin, "wang", "sales", USER_PASSWORD, kdf=FAST_KDF)
    records.create(admin, "customer", {"name": "王五", "email": "wang5@example.cn"})
    admin.close()
    _as_before_signatures(store_path, {"admin": "Correct-Horse-Battery-42"})
    monkeypatch.setenv(trust.ENV, str(tmp_path / "fresh-account"))   # the old version pinned nothing
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)      # enrols a key, writes the baseline
    assert KeyFile.load(store_path).signing_public("admin")
    result = audit_log.verify(session)
    assert result.ok, result.problems
    assert any("unsigned, before 20" in n for n in result.notes)
    assert any("no signing key yet" in n and "wang" in n for n in result.notes)
    rows = {r["username"]: r for r in audit_log.trust_fingerprints(session)}
    assert rows["wang"]["status"] == "no key yet" and rows["admin"]["status"] == "pinned"
    session.close()
    auth.sign_out(auth.sign_in(store_path, "wang", USER_PASSWORD))   # wang enrols at his next sign-in
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    result = audit_log.verify(session)
    assert result.ok, result.problems
    assert not any("no signing key yet" in n for n in result.notes)
    session.close()


def test_an_upgraded_stores_records_changed_after_the_upgrade_outside_cims_are_named(store_path, admin,
                                                                                     tmp_path, monkeypatch):
    c = records.create(admin, "customer", {"name": "Søren Kierkegaard", "email": "soren@example.dk"})
    admin.close()
    _as_before_signatures(store_path, {"admin": ADMIN_PASSWORD})
    monkeypatch.setenv(trust.ENV, str(tmp_path / "fresh-account"))
    auth.sign_in(store_path, "admin", ADMIN_PASSWORD).close()   # the baseline takes every record in
    kf, key, store = _insider(store_path, "admin", ADMIN_PASSWORD)
    with store.transaction():
        store.conn.execute("UPDATE customers SET email = 'other@example.dk' WHERE id = ?", (c["id"],))
    store.close()
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    _named(audit_log.verify(session), f"record {c['id']} was changed outside cims")
    session.close()


def test_user_list_shows_each_users_signing_key_fingerprint_and_whether_it_is_pinned(office):
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    rows = {r["username"]: r for r in audit_log.trust_fingerprints(admin)}
    assert set(rows) == {"admin", "mei", "li"}
    assert all(r["fingerprint"].startswith("SHA256:") and r["status"] == "pinned" for r in rows.values())
    listed = {u["username"]: u["signing_key"] for u in auth.list_users(admin)}
    assert listed["mei"] == rows["mei"]["fingerprint"]
    admin.close()
    office["sales_os"]()   # her account never verified: nothing pinned there
    mei = auth.sign_in(office["path"], "mei", USER_PASSWORD)
    assert {r["status"] for r in audit_log.trust_fingerprints(mei)} == {"not pinned yet"}
    mei.close()


def test_sign_in_costs_one_password_derivation_also_when_it_enrols_a_key(store_path, admin, monkeypatch):
    from cims_xl.security import keys

    admin.close()
    _as_before_signatures(store_path, {"admin": ADMIN_PASSWORD})
    calls = []
    real = keys.derive_kek
    monkeypatch.setattr(keys, "derive_kek", lambda *a: calls.append(1) or real(*a))
    auth.sign_in(store_path, "admin", ADMIN_PASSWORD).close()
    assert len(calls) == 1


# ----- what the product itself does verifies ---------------------------------------------------

def test_everything_the_product_writes_verifies_demo_import_undo_merge_erase_rfm(tmp_path):
    from cims_xl.demo import DEMO_USERS, STORE_NAME, build_demo
    from cims_xl.importer import import_file
    from cims_xl.services import batches, gdpr, merge, segments

    build_demo(tmp_path / "demo", customers=30)
    path = tmp_path / "demo" / STORE_NAME
    admin = auth.sign_in(path, "admin", DEMO_USERS["admin"][1])
    assert audit_log.verify(admin).ok
    csv = tmp_path / "people.csv"
    csv.write_text("Name,Email,City\n" + "".join(f"Ольга {i},olga{i}@example.ru,Москва\n" for i in range(40)),
                   encoding="utf-8")
    first = import_file(admin, csv)
    second = import_file(admin, csv)              # the same people again: updates or duplicates
    batches.undo_batch(admin, second.batch, force=True)
    ids = [c["id"] for c in records.list_records(admin, "customer")]
    merge.merge_customers(admin, ids[0], ids[1])
    gdpr.erase_customer(admin, ids[2])
    segments.update_rfm_segments(admin)
    with pytest.raises(Conflict, match="merged into"):
        records.restore(admin, ids[1])            # a merged customer's data is the kept one's
    records.delete(admin, ids[3])
    records.restore(admin, ids[3])
    result = audit_log.verify(admin)
    assert result.ok, result.problems
    assert first.created == 40
    admin.close()


def test_a_restored_backup_verifies_on_the_account_that_restored_it(store_path, admin, tmp_path):
    from cims_xl.services import backup

    records.create(admin, "customer", {"name": "Ada Lovelace"})
    saved = backup.backup(admin, tmp_path / "backups")
    records.create(admin, "customer", {"name": "Charles Babbage"})
    backup.restore(admin, saved, ADMIN_PASSWORD)
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    assert again.trust_problem is None
    result = audit_log.verify(again)
    assert result.ok, result.problems
    again.close()


def test_an_erased_person_still_verifies_and_their_values_are_gone_from_the_trail(admin):
    c = records.create(admin, "customer", {"name": "Jean Dupont", "email": "jean@example.fr"})
    records.update(admin, c["id"], {"email": "j.dupont@example.fr"})
    gdpr.erase_customer(admin, c["id"])
    result = audit_log.verify(admin)
    assert result.ok, result.problems
    trail = json.dumps(audit_log.show(admin, limit=100), ensure_ascii=False)
    assert "Dupont" not in trail and "example.fr" not in trail


# ----- the command line -------------------------------------------------------------------------

def test_cims_user_list_and_audit_verify_show_fingerprints_and_name_a_role_raise(store_path, admin, monkeypatch,
                                                                                   capsys):
    from cims_xl.cli import main

    auth.add_user(admin, "ines", "sales", USER_PASSWORD, kdf=FAST_KDF)
    admin.close()
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    assert main(["audit", "verify"]) == 0
    capsys.readouterr()
    assert main(["--format", "json", "user", "list"]) == 0
    users = {u["username"]: u for u in json.loads(capsys.readouterr().out)}
    assert users["ines"]["signing_key"].startswith("SHA256:")
    assert users["ines"]["key_on_this_computer"] == "pinned"
    kf, key, store = _insider(store_path, "ines")
    with store.transaction():
        store.conn.execute("UPDATE users SET role = 'admin' WHERE username = 'ines'")
    store.close()
    code = main(["--format", "json", "audit", "verify"])
    out = json.loads(capsys.readouterr().out)
    assert code == 11 and not out["ok"]
    assert any("user ines is admin in the store" in p for p in out["problems"])


def test_cims_warns_at_sign_in_when_the_trail_lost_what_this_computer_saw(store_path, admin, monkeypatch, capsys):
    from cims_xl.cli import main

    records.create(admin, "customer", {"name": "Nils Holgersson"})
    admin.close()
    kf, key, store = _insider(store_path, "admin", ADMIN_PASSWORD)
    last = store.last_audit()[0]
    with store.transaction():
        store.conn.execute("DELETE FROM audit WHERE seq > ?", (last - 1,))
        store.conn.execute("DELETE FROM audit_sigs WHERE last_seq > ?", (last - 1,))
    store.close()
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    code = main(["customer", "list"])
    err = capsys.readouterr().err
    assert code == 0 and "Warning: the trail was cut" in err and "Traceback" not in err


def test_an_admin_who_accepts_a_deliberately_replaced_store_stops_the_warning_and_the_trail_says_so(
        store_path, admin, tmp_path, monkeypatch, capsys):
    import shutil

    from cims_xl.cli import main

    records.create(admin, "customer", {"name": "Før kopien"})
    admin.close()
    copies = tmp_path / "copy"
    copies.mkdir()
    for suffix in ("", ".keys"):
        shutil.copy2(str(store_path) + suffix, copies / f"c{suffix}")
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    records.create(again, "customer", {"name": "Efter kopien"})
    again.close()
    for suffix in ("", ".keys"):                       # the old copy put back by hand
        Path(str(store_path) + "-wal").unlink(missing_ok=True)
        shutil.copy2(copies / f"c{suffix}", str(store_path) + suffix)
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    assert "the trail was cut" in session.trust_problem
    session.close()
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    assert main(["--format", "json", "audit", "accept", "--yes"]) == 0
    accepted = json.loads(capsys.readouterr().out)
    assert accepted["was"] is not None and accepted["keys_changed"] == []
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    assert session.trust_problem is None
    # what was accepted is pinned whole, keys included: nothing is trusted on first use again
    assert {r["status"] for r in audit_log.trust_fingerprints(session)} == {"pinned"}
    result = audit_log.verify(session)
    assert result.ok, result.problems
    assert any(e["action"] == "trust.accept" for e in audit_log.show(session, limit=5))
    session.close()


def test_a_trust_folder_that_cannot_be_written_does_not_stop_work_and_verify_says_so(store_path, tmp_path,
                                                                                    monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the trust folder should be", encoding="utf-8")
    monkeypatch.setenv(trust.ENV, str(blocked))
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    records.create(session, "customer", {"name": "Zoë Ångström"})
    result = audit_log.verify(session)
    assert result.ok, result.problems
    assert any("could not keep what it saw" in n for n in result.notes)
    session.close()


# ----- the replay's rules (issue 13, second round) ---------------------------------------------

def _signed(office, username: str, sql: list[tuple[str, tuple]], events: list) -> None:
    """`username` signs in with her own password and, in one signed write of hers, runs raw
    SQL and appends entries she chose (what the product's own Session lets her do)."""
    office["sales_os"]()
    s = auth.sign_in(office["path"], username, USER_PASSWORD)
    with s.unit_of_work() as uow:
        for statement, args in sql:
            s.store.conn.execute(statement, args)
        s.audit(events)
        uow.commit()
    s.close()


def _add_user(office, name: str, role: str) -> None:
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    auth.add_user(admin, name, role, USER_PASSWORD, kdf=FAST_KDF)
    assert audit_log.verify(admin).ok
    admin.close()


def _event(actor: str, action: str, entity, entity_id, changes: dict, batch=None):
    return chain.AuditEvent(records.utcnow(), actor, action, entity, entity_id, batch, changes)


@pytest.mark.parametrize("action, changes", [
    ("user.password", {"role": ["sales", "admin"]}),          # her own password entry carries a role
    ("user.totp", {"totp": [False, True], "role": ["sales", "admin"]}),
    ("sign-in", {"failed_attempts_before": [None, 0], "disabled": [False, False], "role": [None, "admin"]}),
    ("user.note", {"role": ["sales", "admin"]}),              # an action cims never writes
])
def test_a_salesperson_who_rides_a_role_on_an_entry_about_herself_is_named(office, action, changes):
    _signed(office, "mei", [("UPDATE users SET role = 'admin' WHERE username = 'mei'", ())],
            [_event("mei", action, "user", "mei", changes)])
    result = _admin_verifies(office)
    _named(result, "user mei is admin in the store", "makes them sales")
    assert any(action in p and ("never changes" in p or "never writes" in p) for p in result.problems), \
        result.problems


def test_a_ghost_admin_vouched_for_by_a_made_up_user_action_is_named(office):
    kf, key, store = _insider(office["path"])
    store.close()
    kf.set_slot("ghost", GHOST_PASSWORD, key, FAST_KDF)
    kf.seal_mac(key)
    kf.save()
    kf = KeyFile.load(office["path"])
    _signed(office, "mei", [("INSERT INTO users(username, display_name, role, disabled, created_at, created_by) "
                             "VALUES ('ghost', 'ghost', 'admin', 0, '2026-01-01T00:00:00Z', 'admin')", ())],
            [_event("mei", "user.note", "user", "ghost",
                    {"role": [None, "admin"], "sign_key": [None, kf.signing_public("ghost")],
                     "slot_key": [None, kf.slot_public("ghost")]})])
    ghost = auth.sign_in(office["path"], "ghost", GHOST_PASSWORD)
    assert ghost.role == "viewer"           # a made-up action vouches for nothing
    with pytest.raises(PermissionDenied):
        records.update(ghost, office["boss"], {"notes": "paid in cash"})
    ghost.close()
    result = _admin_verifies(office)
    _named(result, "'user.note' entry about user ghost, which cims never writes")
    _named(result, "user ghost (admin) is in the store, but no administrator created them")


def test_a_salesperson_who_swaps_her_colleagues_signing_key_by_enrolling_it_is_named(office):
    kf = KeyFile.load(office["path"])
    mine = kf.signing_public("mei")
    _signed(office, "mei", [], [_event("mei", "user.key", "user", "li", {"sign_key": [None, mine]})])
    result = _admin_verifies(office)
    _named(result, "enrolled a signing key for li; users enrol only their own")


@pytest.mark.parametrize("who, role", [("vera", "viewer"), ("sam", "support"), ("mei", "sales")])
def test_a_record_changed_under_a_made_up_action_is_named_for_any_role(office, who, role):
    if who != "mei":
        _add_user(office, who, role)
    _signed(office, who, [("UPDATE customers SET notes = 'owes us nothing', version = version + 1 "
                           "WHERE id = ?", (office["boss"],))],
            [_event(who, "note", "customer", office["boss"], {})])
    result = _admin_verifies(office)
    _named(result, f"{who} ({role}) wrote a 'note' entry about a customer, which cims never writes")


def test_a_viewer_who_updates_a_record_under_the_usual_action_is_named(office):
    _add_user(office, "vera", "viewer")
    _signed(office, "vera", [("UPDATE orders SET amount = 1 WHERE customer_id = ?", (office["own"],)),
                             ("UPDATE customers SET notes = 'viewer was here', updated_by = 'vera' WHERE id = ?",
                              (office["own"],))],
            [_event("vera", "update", "customer", office["own"], {"notes": [None, "viewer was here"]})])
    result = _admin_verifies(office)
    _named(result, f"vera (viewer) may not update the customer {office['own']}")


def test_a_salesperson_who_deletes_another_owners_customer_as_an_update_is_named(office):
    _signed(office, "mei", [("UPDATE customers SET deleted_at = '2026-01-01T00:00:00Z', deleted_by = 'admin', "
                             "updated_by = 'mei' WHERE id = ?", (office["boss"],))],
            [_event("mei", "update", "customer", office["boss"], {})])
    result = _admin_verifies(office)
    _named(result, f"mei (sales) may not update the customer {office['boss']}")
    _named(result, f"record {office['boss']} says it was deleted by admin, but the trail says no one")


def test_a_salesperson_who_creates_a_customer_in_a_colleagues_name_is_named(office):
    _add_user(office, "tom", "sales")
    office["sales_os"]()
    mei = auth.sign_in(office["path"], "mei", USER_PASSWORD)
    made = records.create(mei, "customer", {"name": "Ōsaka Trading KK"})
    mei.close()
    _signed(office, "mei", [("UPDATE customers SET created_by = 'tom', updated_by = 'tom' WHERE id = ?",
                             (made["id"],))],
            [_event("mei", "update", "customer", made["id"], {})])
    # and one created outright with tom as the owner
    _signed(office, "mei", [("INSERT INTO customers (seq, id, created_at, created_by, updated_at, updated_by, "
                             "version, name, owner) VALUES (900, 'C-000900', '2026-01-01T00:00:00Z', 'tom', "
                             "'2026-01-01T00:00:00Z', 'tom', 1, 'Tom''s big deal', 'tom')", ())],
            [_event("mei", "create", "customer", "C-000900", {"name": [None, "Tom's big deal"],
                                                               "owner": [None, "tom"]})])
    result = _admin_verifies(office)
    _named(result, f"record {made['id']} says tom created it, but mei signed its creation")
    _named(result, f"record {made['id']} says tom changed it last, but mei signed")
    _named(result, "mei (sales) may not create the customer C-000900")


def test_a_salesperson_who_moves_her_customer_to_a_colleague_outside_cims_is_named(office):
    _add_user(office, "tom", "sales")
    _signed(office, "mei", [("UPDATE customers SET owner = 'tom' WHERE id = ?", (office["own"],))],
            [_event("mei", "update", "customer", office["own"], {"notes": [None, "called"]})])
    result = _admin_verifies(office)
    _named(result, f"record {office['own']} belongs to tom in the store, but the trail gave it to mei")


def test_a_disabled_user_who_kept_her_keys_and_writes_on_is_named(office):
    from cims_xl.services.session import Session

    office["sales_os"]()
    mei = auth.sign_in(office["path"], "mei", USER_PASSWORD)
    loot = (mei.data_key, mei._signing_key, mei.store_id)
    mei.close()
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    auth.disable_user(admin, "mei")
    assert audit_log.verify(admin).ok
    admin.close()
    office["sales_os"]()
    store = Store.open(office["path"], loot[0])
    s = Session(office["path"], store, "mei", "sales", loot[0], signing_key=loot[1], store_id=loot[2])
    records.update(s, office["own"], {"notes": "still here"})
    s.close()
    result = _admin_verifies(office)
    _named(result, "mei wrote it, but was disabled at entry #")


def test_records_attached_to_another_users_import_are_named(office):
    from cims_xl.services import batches

    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    batch = batches.new_batch(admin, "customer", "leads.csv")
    records.create(admin, "customer", {"name": "Lead Ltd", "owner": "admin"}, batch_id=batch)
    admin.close()
    _signed(office, "mei", [("UPDATE customers SET batch_id = ? WHERE id = ?", (batch, office["own"]))],
            [_event("mei", "create", "customer", office["own"], {}, batch=batch)])
    result = _admin_verifies(office)
    _named(result, f"mei attached customer records to import {batch}, which admin made")
    # the admin undoes his import: it removes his lead, not her customer
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    assert batches.undo_batch(admin, batch)["removed"] == 1
    assert records.get(admin, office["own"])["name"] == "山田商店"
    admin.close()


@pytest.mark.parametrize("how", ["single", "bulk"])
def test_personal_values_wiped_from_history_without_an_erase_are_named(office, how):
    from cims_xl.security.audit import erase_bulk_record, erase_values

    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    if how == "bulk":
        made = records.create_many(admin, "customer", [{"name": "Émile Zola", "email": "emile@example.fr"},
                                                       {"name": "Аня Петрова", "email": "anya@example.ru"}])
        target = made[1]["id"]
    else:
        target = office["boss"]
    admin.close()
    kf, key, store = _insider(office["path"])
    with store.transaction():
        for row in store.iter_audit(entity_id=target):
            seq, eid, changes, digests = row[0], row[5], row[7], row[8]
            if chain.is_bulk(eid):
                store.rewrite_audit_digests(seq, erase_bulk_record(digests, target))
            elif digests:
                store.rewrite_audit_values(seq, erase_values(changes, digests, ("name", "email")))
    assert chain.verify_rows(bytes.fromhex(store.get_meta("audit_key")), store.iter_audit_physical(),
                             tuple(store.get_meta("audit_head"))).ok   # the chain alone accepts it
    store.close()
    result = _admin_verifies(office)
    _named(result, f"values of record {target}", "no administrator erased that record")


def test_a_second_factor_or_display_name_changed_outside_cims_is_named(office):
    import base64
    import time
    from urllib.parse import parse_qs, urlparse

    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    uri = auth.totp_enrol(admin, "li")
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    now = time.time()
    code = TOTP(base64.b32decode(secret), 6, SHA1(), auth.TOTP_STEP, enforce_key_length=False).generate(now)
    auth.totp_confirm(admin, "li", code.decode(), now=now)
    auth.add_user(admin, "tom", "manager", USER_PASSWORD, kdf=FAST_KDF, display_name="Tom Müller")
    assert audit_log.verify(admin).ok
    admin.close()
    own = base64.b32encode(b"mei knows this one!!").decode()
    kf, key, store = _insider(office["path"])
    with store.transaction():
        store.conn.execute("UPDATE users SET totp_secret = ? WHERE username = 'li'", (own,))
        store.conn.execute("UPDATE users SET totp_secret = ? WHERE username = 'tom'", (own,))
        store.conn.execute("UPDATE users SET display_name = 'Evil' WHERE username = 'admin'")
    store.close()
    result = _admin_verifies(office)
    _named(result, "second-factor secret of user li is not the one enrolled")
    _named(result, "second factor of user tom is on in the store, but not so in the trail")
    _named(result, "display name of user admin was changed outside cims")


@pytest.mark.parametrize("attack, words", [
    ("UPDATE meta SET value = '\"USD\"' WHERE key = 'currency'", ("currency is USD in the store",)),
    ("INSERT INTO meta(key, value) VALUES ('sla_targets', '{\"urgent\": 999}')", ("SLA targets were changed",)),
    ("UPDATE fx_rates SET rate = '1000'", ("exchange rate USD/CNY from 2024-01-01 is 1000",)),
    ("INSERT INTO fx_rates VALUES ('JPY', 'CNY', '2024-01-01', '0.05', '2026-01-01T00:00:00Z', 'admin')",
     ("exchange rate JPY/CNY from 2024-01-01 = 0.05 was added",)),
    ("DELETE FROM fx_rates", ("exchange rate USD/CNY from 2024-01-01 was removed",)),
    ("UPDATE batches SET created_by = 'mei'", ("says mei made it, but the trail says admin did",)),
])
def test_settings_rates_and_import_authors_changed_outside_cims_are_named(office, attack, words):
    from cims_xl.services import batches, settings

    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    settings.set_fx_rate(admin, "USD", "7.10", "2024-01-01")
    batches.new_batch(admin, "customer", "leads.csv")
    assert audit_log.verify(admin).ok
    admin.close()
    kf, key, store = _insider(office["path"])
    with store.transaction():
        store.conn.execute(attack)
    store.close()
    _named(_admin_verifies(office), *words)


def test_a_salesperson_who_writes_a_settings_entry_is_named(office):
    _signed(office, "mei", [("INSERT INTO fx_rates VALUES ('USD', 'CNY', '2024-01-01', '1000', "
                             "'2026-01-01T00:00:00Z', 'mei')", ())],
            [_event("mei", "settings.fx", None, None, {"USD/CNY from 2024-01-01": [None, "1000"]})])
    _named(_admin_verifies(office), "mei (sales) changed a store setting (settings.fx); only an administrator may")


def test_settings_second_factors_disabling_and_display_names_through_cims_verify_clean(office):
    import base64
    import time
    from urllib.parse import parse_qs, urlparse

    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    from cims_xl.services import settings

    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    auth.add_user(admin, "zoé", "viewer", USER_PASSWORD, kdf=FAST_KDF, display_name="Zoé Durand")
    settings.set_fx_rate(admin, "EUR", "7,80", "2025-03-01")
    settings.set_store_currency(admin, "EUR")
    settings.set_fx_rate(admin, "CNY", "0.128", "2025-03-01")
    for user in ("li", "admin"):
        uri = auth.totp_enrol(admin, user)
        secret = parse_qs(urlparse(uri).query)["secret"][0]
        now = time.time()
        code = TOTP(base64.b32decode(secret), 6, SHA1(), auth.TOTP_STEP, enforce_key_length=False).generate(now)
        auth.totp_confirm(admin, user, code.decode(), now=now)
    auth.totp_disable(admin, "admin")
    auth.disable_user(admin, "li")
    records.delete(admin, office["own"])
    records.restore(admin, office["own"])
    records.delete(admin, office["boss"])
    result = audit_log.verify(admin)
    assert result.ok, result.problems
    admin.close()


@pytest.mark.parametrize("planted", [10**12, "garbage", [1], True])
def test_a_used_code_step_planted_outside_cims_does_not_lock_out_the_second_factor(store_path, admin, planted):
    import base64
    import time
    from urllib.parse import parse_qs, urlparse

    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    t = (int(time.time()) // 30) * 30
    uri = auth.totp_enrol(admin, "admin")
    totp = TOTP(base64.b32decode(parse_qs(urlparse(uri).query)["secret"][0]), 6, SHA1(), 30,
                enforce_key_length=False)
    auth.totp_confirm(admin, "admin", totp.generate(t).decode(), now=t)
    with admin.unit_of_work() as uow:       # what anyone holding the data key can write
        admin.store.set_meta("totp_step:admin", planted)
        uow.commit()
    admin.close()
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD, totp.generate(t + 30).decode(), now=t + 31)
    again.close()
    with pytest.raises(auth.WrongPassword, match="already used"):      # and replays stay refused
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD, totp.generate(t + 30).decode(), now=t + 40)


@pytest.mark.parametrize("action", ["denied", "export", "import"])
def test_a_record_changed_under_cover_of_an_entry_that_changes_nothing_is_named(office, action):
    _signed(office, "mei", [("UPDATE customers SET email = 'mei@example.cn', version = version + 1 WHERE id = ?",
                             (office["boss"],))],
            [_event("mei", action, "customer", office["boss"], {"why": [None, "looked"]})])
    result = _admin_verifies(office)
    _named(result, f"change record {office['boss']} without an entry that changes it")


# ----- the stage history beside opportunities ---------------------------------------------------

def _her_deal(office) -> str:
    office["sales_os"]()
    mei = auth.sign_in(office["path"], "mei", USER_PASSWORD)
    deal = records.create(mei, "opportunity", {"customer_id": office["own"], "name": "Kyoto order",
                                               "stage": "Lead", "amount": "5000"})
    records.update(mei, deal["id"], {"stage": "Proposal"})
    records.update(mei, deal["id"], {"stage": "Won"})
    mei.close()
    assert _admin_verifies(office).ok
    return deal["id"]


@pytest.mark.parametrize("sql, words", [
    ("UPDATE stage_history SET changed_at = '2020-01-01T00:00:00Z' WHERE to_stage = 'Won'",
     ("stage change #3", "Proposal → Won at 2020-01-01T00:00:00Z")),
    ("DELETE FROM stage_history WHERE to_stage = 'Proposal'", ("stage change #2",)),
    ("INSERT INTO stage_history(opportunity_id, from_stage, to_stage, changed_at, changed_by) "
     "SELECT opportunity_id, 'Won', 'Lost', '2030-01-01T00:00:00Z', 'li' FROM stage_history LIMIT 1",
     ("stage change #4", "Won → Lost")),
], ids=["back-dated", "deleted", "invented"])
def test_a_salesperson_who_rewrites_a_deals_stage_history_is_named(office, sql, words):
    deal = _her_deal(office)
    kf, key, store = _insider(office["path"])
    with store.transaction():
        store.conn.execute(sql)
    store.close()
    _named(_admin_verifies(office), f"the stage history of {deal} was changed outside cims", *words)


def test_stage_changes_made_by_cims_verify_through_imports_undo_and_the_sheet(store_path, admin, tmp_path):
    from cims_xl.importer import import_file
    from cims_xl.services import batches

    cust = records.create(admin, "customer", {"name": "Nordlicht GmbH"})
    src = tmp_path / "deals.csv"
    src.write_text("Customer ID,Opportunity,Stage,Amount\n"
                   f"{cust['id']},Fenster,Lead,1200.00\n{cust['id']},Türen,Proposal,800.00\n", encoding="utf-8")
    done = import_file(admin, src, kind="opportunities")
    assert done.created == 2
    again = import_file(admin, src, kind="opportunities", on_duplicate="update")
    deal = records.list_records(admin, "opportunity")[0]
    records.update(admin, deal["id"], {"stage": "Negotiation"})
    batches.undo_batch(admin, again.batch)
    batches.undo_batch(admin, done.batch, force=True)
    result = audit_log.verify(admin)
    assert result.ok, result.problems


def test_the_demos_back_dated_stage_paths_are_signed_and_verify(tmp_path):
    from cims_xl.demo import DEMO_USERS, build_demo

    made = build_demo(tmp_path / "demo", customers=40, seed=3)
    session = auth.sign_in(made["store"], "admin", DEMO_USERS["admin"][1])
    try:
        assert session.store.stage_history()            # back-dated paths are there
        result = audit_log.verify(session)
        assert result.ok, result.problems
    finally:
        session.close()


def test_a_password_reset_by_an_admin_shows_a_changed_key_until_verify_vouches_for_it(office):
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    try:
        auth.change_password(admin, "mei", "Brand-New-Password-77", kdf=FAST_KDF)
        rows = {r["username"]: r for r in audit_log.trust_fingerprints(admin)}
        assert rows["mei"]["status"] == audit_log.KEY_CHANGED and "DIFFERS" not in rows["mei"]["status"]
        assert rows["li"]["status"] == "pinned"
        assert audit_log.verify(admin).ok                  # the reset is signed: the trail vouches for it
        rows = {r["username"]: r for r in audit_log.trust_fingerprints(admin)}
        assert rows["mei"]["status"] == "pinned"
    finally:
        admin.close()


# ----- sign-in trusts what signatures vouch for (security.ledger.signed_users) ---------------

def _append_unsigned(store: Store, event) -> int:
    """Append a chained entry with the audit key kept in the store (what an insider can
    do): the HMAC chain verifies; no signature covers it."""
    key = bytes.fromhex(store.get_meta("audit_key"))
    rows = chain.build_rows(key, store.last_audit(), [event])
    with store.transaction():
        store.insert_audit(rows)
        store.set_meta("audit_head", [rows[-1][0], rows[-1][-1]])
    return rows[-1][0]


@pytest.mark.parametrize("signed_by_her", [False, True])
def test_a_salesperson_who_appends_a_role_change_for_herself_still_signs_in_as_sales(office, signed_by_her):
    if signed_by_her:      # an entry "by admin", in a write she signs with her own key
        _signed(office, "mei", [("UPDATE users SET role = 'admin' WHERE username = 'mei'", ())],
                [_event("admin", "user.role", "user", "mei", {"role": ["sales", "admin"]})])
    else:                  # chained with the audit key, no signature at all
        kf, key, store = _insider(office["path"])
        _append_unsigned(store, _event("admin", "user.role", "user", "mei", {"role": ["sales", "admin"]}))
        with store.transaction():
            store.conn.execute("UPDATE users SET role = 'admin' WHERE username = 'mei'")
        store.close()
    _mei_signs_in_as_sales(office)
    assert not _admin_verifies(office).ok


def test_a_forged_disable_of_the_only_administrator_does_not_keep_him_out(office):
    kf, key, store = _insider(office["path"])
    seq = _append_unsigned(store, _event("admin", "user.disable", "user", "admin", {"disabled": [False, True]}))
    with store.transaction():
        store.conn.execute("UPDATE users SET disabled = 1 WHERE username = 'admin'")
    store.close()
    result = _admin_verifies(office)        # he signs in; the forged entry is named
    _named(result, f"entry #{seq} is not signed by anyone")


def test_a_forged_enable_does_not_let_a_disabled_salesperson_back_in(office):
    kf, key, store = _insider(office["path"])      # she keeps the data key she had
    store.close()
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    auth.disable_user(admin, "mei")
    admin.close()
    # Her slot back (she holds the data key), the row enabled, an enable appended.
    kf = KeyFile.load(office["path"])
    kf.set_slot("mei", USER_PASSWORD, key, FAST_KDF)
    kf.seal_mac(key)
    kf.save()
    store = Store.open(office["path"], key)
    _append_unsigned(store, _event("admin", "user.enable", "user", "mei", {"disabled": [True, False]}))
    with store.transaction():
        store.conn.execute("UPDATE users SET disabled = 0 WHERE username = 'mei'")
    store.close()
    office["sales_os"]()
    with pytest.raises(AccountDisabled):
        auth.sign_in(office["path"], "mei", USER_PASSWORD)


def test_stripping_the_signature_of_a_lower_role_is_named_by_verify(office):
    """A known limit (docs/security-model.md): an entry no signature vouches for changes
    nothing at sign-in, her demotion with its signature stripped included; verify names it."""
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    auth.set_role(admin, "mei", "viewer")
    records.update(admin, office["boss"], {"notes": "called back"})   # he goes on working
    admin.close()
    kf, key, store = _insider(office["path"])
    demotion = next(r[0] for r in store.iter_audit_physical() if r[3] == "user.role" and r[5] == "mei")
    with store.transaction():
        store.conn.execute("DELETE FROM audit_sigs WHERE first_seq <= ? AND last_seq >= ?", (demotion, demotion))
        store.conn.execute("UPDATE users SET role = 'sales' WHERE username = 'mei'")
    store.close()
    _named(_admin_verifies(office), f"entry #{demotion} is not signed by anyone")


def test_a_salesperson_who_strips_the_first_administrators_signature_cannot_create_herself_admin(office):
    kf, key, store = _insider(office["path"])
    with store.transaction():
        store.conn.execute("DELETE FROM audit_sigs WHERE first_seq = 1")     # the root write
    store.close()
    kf = KeyFile.load(office["path"])
    _signed(office, "mei", [], [_event("mei", "user.create", "user", "mei",
                                       {"role": [None, "admin"], "sign_key": [None, kf.signing_public("mei")],
                                        "slot_key": [None, kf.slot_public("mei")]})])
    office["sales_os"]()
    mei = auth.sign_in(office["path"], "mei", USER_PASSWORD)
    assert mei.role != "admin"          # only the trail's first user.create is the root
    with pytest.raises(PermissionDenied):
        auth.add_user(mei, "mallory", "admin", GHOST_PASSWORD, kdf=FAST_KDF)
    mei.close()


@pytest.mark.parametrize("signed_from", [10 ** 12, "Infinity", 1e300, "-1", None])
def test_a_signed_from_setting_moved_or_garbled_neither_lets_a_forged_promotion_count_nor_stops_sign_in(
        office, signed_from):
    kf, key, store = _insider(office["path"])
    _append_unsigned(store, _event("admin", "user.role", "user", "mei", {"role": ["sales", "admin"]}))
    with store.transaction():
        store.conn.execute("UPDATE meta SET value = ? WHERE key = 'signed_from'", (json.dumps(signed_from),))
    store.close()
    office["sales_os"]()
    mei = auth.sign_in(office["path"], "mei", USER_PASSWORD)
    assert mei.role == "sales"
    mei.close()
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    assert admin.role == "admin"
    admin.close()


@pytest.mark.parametrize("made_up", [
    "INSERT INTO audit_sigs (last_seq, first_seq, signer, states, sig) VALUES (1000000000000, 1, 'admin', '{}', 'AAAA')",
    "INSERT OR IGNORE INTO audit_sigs (last_seq, first_seq, signer, states, sig) "
    "SELECT last_seq + 1, first_seq, signer, states, sig FROM audit_sigs",
    "INSERT INTO audit_sigs (last_seq, first_seq, signer, states, sig) VALUES (99999, 'x', 'admin', X'00', 'zz')",
])
def test_signature_rows_made_up_beside_the_real_ones_take_no_ones_rights_away(office, made_up):
    kf, key, store = _insider(office["path"])
    with store.transaction():
        store.conn.execute(made_up)
    store.close()
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    assert admin.role == "admin" and admin.account_problem is None
    admin.close()
    office["sales_os"]()
    mei = auth.sign_in(office["path"], "mei", USER_PASSWORD)
    assert mei.role == "sales"
    mei.close()


def test_an_administrator_whose_row_was_deleted_signs_in_as_the_trail_has_him(office):
    kf, key, store = _insider(office["path"])
    with store.transaction():
        store.conn.execute("DELETE FROM users WHERE username = 'admin'")
    store.close()
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    assert admin.role == "admin" and "row in the list of users was removed" in admin.account_problem
    result = audit_log.verify(admin)
    admin.close()
    assert not result.ok


def test_an_administrators_slot_replaced_with_one_she_knows_the_password_of_gives_her_no_rights(office):
    kf, key, store = _insider(office["path"])
    store.close()
    kf.remove_slot("admin")
    kf.set_slot("admin", GHOST_PASSWORD, key, FAST_KDF)        # her password now opens "admin"
    kf.seal_mac(key)
    kf.save()
    _signs_in_with_no_rights_to_give(office, "sales_os", "admin", GHOST_PASSWORD, "viewer",
                                     "signing key the signed trail did not give you")


def test_a_forged_user_entry_about_a_blob_name_does_not_hide_the_rest_from_verify(office):
    kf, key, store = _insider(office["path"])
    key_ = bytes.fromhex(store.get_meta("audit_key"))
    rows = chain.build_rows(key_, store.last_audit(), [_event("admin", "user.role", "user", "x",
                                                              {"role": ["sales", "admin"]})])
    seq = rows[0][0]
    with store.transaction():
        store.insert_audit(rows)
        store.conn.execute("UPDATE audit SET entity_id = X'6d6569' WHERE seq = ?", (seq,))
        store.conn.execute("UPDATE users SET role = 'admin' WHERE username = 'mei'")
    store.close()
    result = _admin_verifies(office)
    _named(result, "user mei is admin in the store", "makes them sales")


def test_the_first_write_rewritten_in_place_and_signed_by_a_salesperson_does_not_make_her_admin(office):
    kf, key, store = _insider(office["path"])
    audit_key = bytes.fromhex(store.get_meta("audit_key"))
    rows = list(store.iter_audit_physical())
    root = next(r for r in rows if r[3] == "user.create")
    kf = KeyFile.load(office["path"])
    mine = kf.unlock_keys("mei", USER_PASSWORD)
    events = [_event("mei", "user.create", "user", "mei",
                     {"role": [None, "admin"], "sign_key": [None, kf.signing_public("mei")],
                      "slot_key": [None, kf.slot_public("mei")]})]
    events += [_event("mei", "user.create", "user", "admin", json.loads(root[7]))] if root[0] == 2 else []
    new = chain.build_rows(audit_key, None, events)
    states_s, sig = ledger.sign_write(mine.signing_key, kf.store_id, 1, len(new), new[-1][-1], "mei", {})
    with store.transaction():
        for row in new:
            store.conn.execute(f"UPDATE audit SET {', '.join(c + ' = ?' for c in store.AUDIT_COLS[1:])} "
                               "WHERE seq = ?", (*row[1:], row[0]))
        store.conn.execute("DELETE FROM audit_sigs WHERE first_seq = 1")
        store.conn.execute("INSERT INTO audit_sigs (last_seq, first_seq, signer, states, sig) VALUES (?, 1, 'mei', ?, ?)",
                           (len(new), states_s, sig))
    store.close()
    office["sales_os"]()
    mei = auth.sign_in(office["path"], "mei", USER_PASSWORD)
    assert mei.role != "admin"          # her write does not sit in the chain where the next entry says
    mei.close()


def test_a_users_snapshot_a_salesperson_signs_over_the_whole_trail_gives_her_nothing(office):
    kf, key, store = _insider(office["path"])
    audit_key = bytes.fromhex(store.get_meta("audit_key"))
    snapshot = {"mei": {"role": "admin", "disabled": False}, "admin": {"role": "admin", "disabled": False}}
    last = _append_unsigned(store, _event("mei", ledger.BASELINE, "user", None, {"users": [None, snapshot]}))
    mac = chain.write_mac(audit_key, store.audit_rows(1, last))
    mine = KeyFile.load(office["path"]).unlock_keys("mei", USER_PASSWORD)
    states_s, sig = ledger.sign_write(mine.signing_key, kf.store_id, 1, last, mac, "mei", {})
    with store.transaction():
        store.conn.execute("INSERT INTO audit_sigs (last_seq, first_seq, signer, states, sig) VALUES (?, 1, 'mei', ?, ?)",
                           (last, states_s, sig))
        store.conn.execute("UPDATE users SET role = 'admin' WHERE username = 'mei'")
    store.close()
    _mei_signs_in_as_sales(office)


def test_signature_rows_made_up_around_an_administrators_creation_do_not_crowd_out_the_real_one(office):
    office["admin_os"]()
    admin = auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)
    auth.add_user(admin, "boss", "admin", GHOST_PASSWORD, kdf=FAST_KDF)
    admin.close()
    kf, key, store = _insider(office["path"])
    created = next(r[0] for r in store.iter_audit_physical() if r[3] == "user.create" and r[5] == "boss")
    first = next(s[0] for s in store.iter_audit_sigs() if s[0] <= created <= s[1])
    for _ in range(12):                 # free signature-row ends beyond the head
        _append_unsigned(store, _event("mei", "sign-out", "user", "mei", {}))
    head = store.last_audit()[0]
    with store.transaction():
        for last in range(head - 11, head + 1):
            store.conn.execute("INSERT INTO audit_sigs (last_seq, first_seq, signer, states, sig) "
                               "VALUES (?, ?, 'admin', '{}', 'AAAA')", (last, first))
    store.close()
    office["admin_os"]()
    boss = auth.sign_in(office["path"], "boss", GHOST_PASSWORD)
    assert boss.role == "admin" and boss.account_problem is None
    boss.close()
