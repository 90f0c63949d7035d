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

from cims_xl.security import audit as chain
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
    # She now passes every role check in the product; what she does with it is signed as hers.
    office["sales_os"]()
    mei = auth.sign_in(office["path"], "mei", USER_PASSWORD)
    assert mei.role == "admin"
    auth.set_role(mei, "li", "admin")
    mei.close()
    result = _admin_verifies(office)
    _named(result, "user mei is admin in the store", "makes them sales")
    _named(result, "mei (sales) changed the role of li; only an administrator may")


def test_a_ghost_admin_slot_with_a_recomputed_key_file_mac_is_named(office):
    kf, key, store = _insider(office["path"])
    kf.set_slot("ghost", GHOST_PASSWORD, key, FAST_KDF)
    kf.seal_mac(key)                      # the MAC sign-in checks: she can recompute it
    kf.save()
    with store.transaction():
        store.conn.execute("INSERT INTO users(username, display_name, role, disabled, created_at, created_by) "
                           "VALUES ('ghost', 'ghost', 'admin', 0, '2026-01-01T00:00:00Z', 'admin')")
    store.close()
    ghost = auth.sign_in(office["path"], "ghost", GHOST_PASSWORD)   # sign-in itself does not notice
    records.update(ghost, office["boss"], {"notes": "paid in cash"})
    ghost.close()
    result = _admin_verifies(office)
    _named(result, "sign-in slot for ghost, whom no administrator added")
    _named(result, "user ghost (admin) is in the store, but no administrator created them")
    _named(result, "enrolled a signing key for ghost, whom no administrator created")


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
        store.conn.execute("DELETE FROM audit_sigs WHERE signer = 'admin'")
    store.close()
    result = _admin_verifies(office)
    _named(result, "is not signed by anyone")


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
    # The first admin, with the data key, rewrites what mei entered and re-chains it.
    kf, key, store = _insider(office["path"], "admin", ADMIN_PASSWORD)
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
    _named(result, "the sign-in slot of mei was replaced outside cims")
    _named(result, "the signing key in mei's slot is not the one in the trail")


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
    records.restore(admin, ids[1])
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
    assert json.loads(capsys.readouterr().out)["was"] is not None
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    assert session.trust_problem is None
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
