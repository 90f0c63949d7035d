"""An insider changes the store's schema or its contents with raw SQL; cims's own
writes still do what their entries say, and `cims audit verify` names what happened
without crashing (see docs/security-model.md, store/schema_guard.py).

Every attack runs through the real services on a real encrypted store: a salesperson
signs in (her password opens the data key) and runs SQL on the session's connection,
as anyone could from Python; the administrator then works as usual and verifies on
another OS account.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD

from cims_xl.security import trust
from cims_xl.services import audit_log, auth, records, search, settings
from cims_xl.store import schema_guard


@pytest.fixture
def shop(store_path: Path, tmp_path: Path, monkeypatch):
    """An administrator and a salesperson (lina), each on their own OS account, and customers."""
    admin_dir, lina_dir = tmp_path / "trust-admin", tmp_path / "trust-lina"

    def as_os_user(folder: Path) -> None:
        monkeypatch.setenv(trust.ENV, str(folder))

    as_os_user(admin_dir)
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    auth.add_user(admin, "lina", "sales", USER_PASSWORD, kdf=FAST_KDF)
    ids = [records.create(admin, "customer", {"name": n, "owner": "admin", "email": e, "city": c})["id"]
           for n, e, c in (("Große Bäckerei GmbH", "info@baeckerei.de", "München"),
                           ("北京茶叶有限公司", "tea@example.cn", "北京"),
                           ("Café Olé", "hola@cafe.example", "Sevilla"))]
    assert audit_log.verify(admin).ok
    auth.sign_out(admin)

    def plant(*statements: str) -> None:
        """lina signs in and runs SQL on her session's connection, then just closes it."""
        as_os_user(lina_dir)
        lina = auth.sign_in(store_path, "lina", USER_PASSWORD)
        for sql in statements:
            lina.store.conn.execute(sql)
        lina.close()
        as_os_user(admin_dir)

    def admin_session():
        as_os_user(admin_dir)
        return auth.sign_in(store_path, "admin", ADMIN_PASSWORD)

    return {"path": store_path, "ids": ids, "plant": plant, "admin": admin_session}


def _objects(session, schema: str = "main") -> dict[str, str]:
    return {name: sql for name, sql in session.store.query(
        f"SELECT name, sql FROM {schema}.sqlite_master WHERE type IN ('trigger', 'view')")}


def _repair_problems(result) -> list[str]:
    return [p for p in result.problems if "schema was changed outside cims" in p]


STEAL_ON_EDIT = ("CREATE TRIGGER zz AFTER UPDATE OF city ON customers WHEN NEW.updated_by = 'admin' "
                 "AND NEW.deleted_at IS NULL BEGIN UPDATE customers SET deleted_at = NEW.updated_at, "
                 "email = 'stolen@evil.example' WHERE id = NEW.id; END")


def test_a_salespersons_trigger_does_not_change_an_administrators_edit_and_verify_names_it(shop):
    shop["plant"](STEAL_ON_EDIT)
    admin = shop["admin"]()
    cid = shop["ids"][1]
    records.update(admin, cid, {"city": "南京"})
    rec = records.get(admin, cid)
    assert rec["city"] == "南京" and rec["email"] == "tea@example.cn" and rec["deleted_at"] is None
    assert "zz" not in _objects(admin)
    result = audit_log.verify(admin)
    assert not result.ok
    [problem] = _repair_problems(result)
    assert "removed a trigger zz on customers that cims did not make" in problem
    assert "stolen@evil.example" not in problem       # the SQL itself is not in the trail
    entries = audit_log.show(admin, limit=20)
    repair = next(e for e in entries if e["action"] == "schema.repair")
    [item] = repair["changes"]["objects"][1]
    assert item["name"] == "zz" and item["table"] == "customers" and item["what"] == "foreign"
    assert len(item["sql_digest"]) == 32 and "evil" not in str(repair)
    # Looked into: the administrator accepts; the entry stays in the trail as a note.
    audit_log.accept_trail(admin)
    again = audit_log.verify(admin)
    assert again.ok, again.problems
    assert any("removed a trigger zz" in n and "accepted" in n for n in again.notes)
    auth.sign_out(admin)


def test_an_insert_trigger_does_not_change_what_an_administrator_creates(shop):
    shop["plant"]("CREATE TRIGGER \"after insert\" AFTER INSERT ON customers WHEN NEW.created_by = 'admin' "
                  "BEGIN UPDATE customers SET owner = 'lina', email = 'stolen@evil.example' "
                  "WHERE id = NEW.id; END")
    admin = shop["admin"]()
    made = records.create(admin, "customer", {"name": "Østfold Fisk AS", "owner": "admin",
                                              "email": "post@fisk.example"})
    rec = records.get(admin, made["id"])
    assert rec["owner"] == "admin" and rec["email"] == "post@fisk.example"
    [problem] = _repair_problems(audit_log.verify(admin))
    assert "removed a trigger after insert on customers" in problem
    auth.sign_out(admin)


def test_a_delete_trigger_does_not_keep_an_exchange_rate_the_administrator_removed(shop):
    admin = shop["admin"]()
    settings.set_fx_rate(admin, "USD", "7.10", "2026-01-01")
    auth.sign_out(admin)
    shop["plant"]("CREATE TRIGGER keep_rates AFTER DELETE ON fx_rates BEGIN "
                  "INSERT INTO fx_rates VALUES (OLD.currency, OLD.base, OLD.valid_from, '9.99', "
                  "OLD.set_at, OLD.set_by); END")
    admin = shop["admin"]()
    settings.delete_fx_rate(admin, "USD", "2026-01-01")
    assert settings.fx_rates(admin) == []
    [problem] = _repair_problems(audit_log.verify(admin))
    assert "removed a trigger keep_rates on fx_rates" in problem
    auth.sign_out(admin)


def test_a_replaced_search_trigger_is_made_again_and_new_customers_are_found(shop):
    ours = schema_guard.expected_objects()[("trigger", "customers_ai")][1]
    shop["plant"]("DROP TRIGGER customers_ai",
                  "CREATE TRIGGER customers_ai AFTER INSERT ON customers BEGIN "
                  "UPDATE customers SET email = 'stolen@evil.example' WHERE seq = new.seq; END")
    admin = shop["admin"]()
    made = records.create(admin, "customer", {"name": "Zürcher Uhrenwerk", "owner": "admin",
                                              "email": "zeit@uhren.example"})
    assert records.get(admin, made["id"])["email"] == "zeit@uhren.example"
    assert _objects(admin)["customers_ai"] == ours
    assert [c["id"] for c in search.search_customers(admin, "Uhrenwerk").rows] == [made["id"]]
    [problem] = _repair_problems(audit_log.verify(admin))
    assert "made its trigger customers_ai on customers again (it had been replaced" in problem
    auth.sign_out(admin)


def test_a_dropped_search_trigger_is_made_again_and_the_index_rebuilt(shop):
    shop["plant"]("DROP TRIGGER customers_au",
                  "UPDATE customers SET name = 'Renamed Outside' WHERE id = 'C-000003'")
    admin = shop["admin"]()
    records.update(admin, shop["ids"][0], {"city": "Köln"})
    assert "customers_au" in _objects(admin)
    assert [c["id"] for c in search.search_customers(admin, "Renamed Outside").rows] == ["C-000003"]
    problems = audit_log.verify(admin).problems
    assert any("made its missing trigger customers_au on customers again" in p for p in problems)
    assert any("record C-000003 was changed outside cims" in p for p in problems)
    auth.sign_out(admin)


def test_a_trigger_on_the_audit_trail_cannot_raise_a_salesperson_on_the_next_write(shop):
    shop["plant"]("CREATE TRIGGER promote AFTER INSERT ON audit WHEN NEW.actor = 'admin' BEGIN "
                  "UPDATE users SET role = 'admin' WHERE username = 'lina'; END")
    admin = shop["admin"]()
    records.update(admin, shop["ids"][2], {"city": "Cádiz"})
    assert admin.store.fetch_user("lina")["role"] == "sales"
    [problem] = _repair_problems(audit_log.verify(admin))
    assert "removed a trigger promote on audit" in problem
    auth.sign_out(admin)


def test_a_trigger_on_the_users_table_cannot_change_a_role_change(shop):
    admin = shop["admin"]()
    auth.add_user(admin, "wang", "viewer", USER_PASSWORD, kdf=FAST_KDF)
    auth.sign_out(admin)
    shop["plant"]("CREATE TRIGGER ride AFTER UPDATE OF role ON users BEGIN "
                  "UPDATE users SET role = 'admin' WHERE username = 'lina'; END")
    admin = shop["admin"]()
    auth.set_role(admin, "wang", "support")
    assert admin.store.fetch_user("lina")["role"] == "sales"
    assert admin.store.fetch_user("wang")["role"] == "support"
    assert _repair_problems(audit_log.verify(admin))
    auth.sign_out(admin)


def test_a_view_cims_did_not_make_is_removed_and_named(shop):
    shop["plant"]("CREATE VIEW everyone AS SELECT name, email FROM customers")
    admin = shop["admin"]()
    records.update(admin, shop["ids"][0], {"city": "Bonn"})
    assert "everyone" not in _objects(admin)
    [problem] = _repair_problems(audit_log.verify(admin))
    assert "removed a view everyone that cims did not make" in problem
    auth.sign_out(admin)


def test_a_temporary_trigger_stays_in_the_connection_that_made_it(shop):
    # lina's TEMP trigger lives only in her own connection: the administrator's process
    # never runs it, and nothing is left in the file to remove or to name.
    shop["plant"](STEAL_ON_EDIT.replace("CREATE TRIGGER zz", "CREATE TEMP TRIGGER zz")
                  .replace("ON customers", "ON main.customers"))
    admin = shop["admin"]()
    records.update(admin, shop["ids"][1], {"city": "上海"})
    assert records.get(admin, shop["ids"][1])["email"] == "tea@example.cn"
    result = audit_log.verify(admin)
    assert result.ok, result.problems
    auth.sign_out(admin)


def test_a_temporary_trigger_on_the_writers_own_connection_is_removed_before_the_write(shop):
    admin = shop["admin"]()
    admin.store.conn.execute(STEAL_ON_EDIT.replace("CREATE TRIGGER zz", "CREATE TEMP TRIGGER zz")
                             .replace("ON customers", "ON main.customers"))
    # Present now: verify names it before any write removed it.
    assert any("a trigger zz on customers (temporary, this connection only) that cims did not make" in p
               for p in audit_log.verify(admin).problems)
    records.update(admin, shop["ids"][1], {"city": "南京"})
    assert records.get(admin, shop["ids"][1])["email"] == "tea@example.cn"
    assert _objects(admin, "temp") == {}
    [problem] = _repair_problems(audit_log.verify(admin))
    assert "removed a trigger zz on customers (temporary)" in problem
    auth.sign_out(admin)


def test_a_bulk_import_puts_back_its_own_search_trigger_without_any_alarm(shop):
    # The bulk insert drops customers_ai and makes it again: the guard must see ours.
    admin = shop["admin"]()
    rows = [{"name": f"Kunde {i:04d} 客户", "owner": "admin", "email": f"k{i}@bulk.example"} for i in range(600)]
    records.create_many(admin, "customer", rows)
    records.update(admin, shop["ids"][0], {"city": "Hamburg"})
    result = audit_log.verify(admin)
    assert result.ok, result.problems
    assert not any(e["action"] == "schema.repair" for e in audit_log.show(admin, limit=100))
    auth.sign_out(admin)


def test_the_search_trigger_a_bulk_insert_makes_again_is_the_one_the_guard_expects():
    from cims_xl.store.schema import FTS_INSERT_TRIGGER
    assert schema_guard.expected_objects()[("trigger", "customers_ai")][1] == FTS_INSERT_TRIGGER


def test_the_schema_is_compared_again_only_when_it_changed(shop, monkeypatch):
    admin = shop["admin"]()
    calls = []
    real = schema_guard.find
    monkeypatch.setattr(schema_guard, "find", lambda *args: calls.append(1) or real(*args))
    for city in ("Bonn", "Bremen", "Berlin"):
        records.update(admin, shop["ids"][0], {"city": city})
    assert calls == []
    admin.store.conn.execute("CREATE TRIGGER late AFTER UPDATE ON customers BEGIN SELECT 1; END")
    records.update(admin, shop["ids"][0], {"city": "Kiel"})
    records.update(admin, shop["ids"][0], {"city": "Ulm"})
    assert calls == [1]
    auth.sign_out(admin)


def test_a_write_that_fails_puts_the_trigger_back_and_the_next_write_removes_and_names_it(shop):
    shop["plant"](STEAL_ON_EDIT)
    admin = shop["admin"]()     # sign-in writes: the guard already removed it
    admin.store.conn.execute(STEAL_ON_EDIT)
    with pytest.raises(Exception):
        with admin.unit_of_work():
            raise RuntimeError("the save failed")
    assert "zz" in _objects(admin)
    records.update(admin, shop["ids"][1], {"city": "南京"})
    assert records.get(admin, shop["ids"][1])["deleted_at"] is None
    assert "zz" not in _objects(admin)
    assert len(_repair_problems(audit_log.verify(admin))) == 2
    auth.sign_out(admin)


# ----- verify survives any value an insider writes -----------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture(scope="module")
def signed_shop(tmp_path_factory):
    """One store with signed writes of every kind verify reads (single and bulk record
    entries, a user, an exchange rate), made once; each case works on a copy."""
    folder = tmp_path_factory.mktemp("signed-shop")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(trust.ENV, str(folder / "trust"))
        path = folder / "shop.cims"
        auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
        admin = auth.sign_in(path, "admin", ADMIN_PASSWORD)
        auth.add_user(admin, "lina", "sales", USER_PASSWORD, kdf=FAST_KDF)
        for name, mail in (("Große Bäckerei", "b@baeckerei.de"), ("北京茶叶", "tea@example.cn"),
                           ("Café Olé", "hola@cafe.example")):
            records.create(admin, "customer", {"name": name, "owner": "admin", "email": mail,
                                               "notes": "Stammkunde"})
        records.create_many(admin, "customer", [{"name": f"Kunde {i}", "owner": "admin",
                                                 "email": f"k{i}@bulk.example"} for i in range(3)])
        settings.set_fx_rate(admin, "USD", "7.10", "2026-01-01")
        auth.sign_out(admin)
    return path


def _tamper_and_verify(signed_shop: Path, tmp_path: Path, monkeypatch, sql: str, params=()):
    """A copy of the shop; lina runs `sql` and also changes C-000003's city (the canary:
    verify must still name it after whatever else it met); the administrator verifies."""
    import shutil
    path = tmp_path / "copy.cims"
    shutil.copy(signed_shop, path)
    shutil.copy(str(signed_shop) + ".keys", str(path) + ".keys")
    monkeypatch.setenv(trust.ENV, str(tmp_path / "trust-lina"))
    lina = auth.sign_in(path, "lina", USER_PASSWORD)
    applied = True
    try:
        lina.store.conn.execute(sql, params)
    except Exception:          # a NOT NULL or type constraint refused it: nothing changed
        applied = False
    lina.store.conn.execute("UPDATE customers SET city = 'Nowhere' WHERE id = 'C-000003'")
    lina.close()
    monkeypatch.setenv(trust.ENV, str(tmp_path / "trust-admin"))
    admin = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    try:
        result = audit_log.verify(admin)
        audit_log.show(admin, limit=100)          # the trail's reader survives it too
    finally:
        admin.close()
    assert not result.ok
    assert any("record C-000003 " in p for p in result.problems), result.problems
    return applied, result


_ENTRY_C2 = "(SELECT seq FROM audit WHERE action = 'create' AND entity_id = 'C-000002')"
_BULK = "(SELECT seq FROM audit WHERE entity_id LIKE '*%' LIMIT 1)"
_LAST_SIG = "(SELECT max(last_seq) FROM audit_sigs)"

MUTATIONS = [
    # (what, SQL, a phrase verify must name; None: harmless to the trail, only survived)
    ("a blob in a customer's notes", "UPDATE customers SET notes = X'1b5b324a' WHERE id = 'C-000002'",
     "record C-000002 was changed outside cims"),
    ("notes that are not UTF-8", "UPDATE customers SET notes = CAST(X'41ff42' AS TEXT) WHERE id = 'C-000002'",
     "record C-000002 was changed outside cims"),
    ("an id that is not UTF-8", "UPDATE customers SET id = CAST(X'43ff' AS TEXT) WHERE id = 'C-000002'",
     "record C-000002 was removed outside cims"),
    ("a version in words", "UPDATE customers SET version = 'abc' WHERE id = 'C-000001'",
     "record C-000001 was changed outside cims"),
    ("a blob as author", "UPDATE customers SET updated_by = X'00ff' WHERE id = 'C-000001'",
     "record C-000001"),
    ("changes nested 100,000 deep", f"UPDATE audit SET changes = '{DEEP}' WHERE seq = {_ENTRY_C2}",
     "create C-000002 by admin"),
    ("a bulk entry nested 100,000 deep", f"UPDATE audit SET changes = '{DEEP}' WHERE seq = {_BULK}", "was edited"),
    ("bulk digests nested 100,000 deep", f"UPDATE audit SET digests = '{DEEP}' WHERE seq = {_BULK}", "was edited"),
    ("changes as a list", f"UPDATE audit SET changes = '[1,2]' WHERE seq = {_ENTRY_C2}", "create C-000002"),
    ("changes with numbers for pairs",
     f"UPDATE audit SET changes = '{{\"name\": 5, \"email\": [1]}}' WHERE seq = {_ENTRY_C2}", "create C-000002"),
    ("changes as a blob", f"UPDATE audit SET changes = X'00ff' WHERE seq = {_ENTRY_C2}", "create C-000002"),
    ("changes not UTF-8", f"UPDATE audit SET changes = CAST(X'7bff7d' AS TEXT) WHERE seq = {_ENTRY_C2}",
     "create C-000002"),
    ("digests with numbers", f"UPDATE audit SET digests = '{{\"email\": 5}}' WHERE seq = {_ENTRY_C2}",
     "create C-000002"),
    ("bulk personal values as a list",
     f"UPDATE audit SET digests = '{{\"personal\": [1], \"digest\": 3}}' WHERE seq = {_BULK}", "was edited"),
    ("an author not UTF-8", f"UPDATE audit SET actor = CAST(X'61ff' AS TEXT) WHERE seq = {_ENTRY_C2}",
     "was edited"),
    ("a number as record id", f"UPDATE audit SET entity_id = 77 WHERE seq = {_ENTRY_C2}", "was edited"),
    ("a bare bulk mark", f"UPDATE audit SET entity_id = '*' WHERE seq = {_ENTRY_C2}", "was edited"),
    ("a blob as MAC", f"UPDATE audit SET mac = X'00' WHERE seq = {_ENTRY_C2}", "was edited"),
    ("signed states nested 100,000 deep", f"UPDATE audit_sigs SET states = '{DEEP}' WHERE last_seq = {_LAST_SIG}",
     "no longer match"),
    ("signed states as a blob", f"UPDATE audit_sigs SET states = X'ff' WHERE last_seq = {_LAST_SIG}",
     "the signature of the write ending at entry"),
    ("a signature's first entry in words",
     f"UPDATE audit_sigs SET first_seq = 'x' WHERE last_seq = {_LAST_SIG}", "the signature of the write ending"),
    ("where signatures start in words", "UPDATE meta SET value = '\"x\"' WHERE key = 'signed_from'",
     "where the signatures start"),
    ("where signatures start as a blob", "UPDATE meta SET value = X'80' WHERE key = 'signed_from'", None),
    ("the currency nested 100,000 deep", f"UPDATE meta SET value = '{DEEP}' WHERE key = 'currency'",
     "the store's currency cannot be read"),
    ("SLA targets as a blob", "INSERT OR REPLACE INTO meta VALUES ('sla_targets', X'ff')",
     "the SLA targets cannot be read"),
    ("a user's creation time in words", "UPDATE users SET created_at = 'garbage' WHERE username = 'lina'", None),
    ("a role as a blob", "UPDATE users SET role = X'ff' WHERE username = 'lina'", "user lina is"),
    ("a second factor as a number", "UPDATE users SET totp_secret = 5 WHERE username = 'lina'",
     "second factor of user lina"),
    ("an exchange rate in words", "UPDATE fx_rates SET rate = 'lots'", "the exchange rates cannot be read"),
    ("a rate's date in words", "UPDATE fx_rates SET valid_from = 'garbage'", "the exchange rates cannot be read"),
    ("an import with unreadable values",
     "INSERT INTO batches VALUES (99, 'I-x', 'import', NULL, 'garbage', X'ff', X'00', 5)", "the imports"),
    ("a stage change at no time", "INSERT INTO stage_history(opportunity_id, from_stage, to_stage, changed_at, "
     "changed_by) VALUES ('O-000001', NULL, 'won', 'garbage', 'lina')", "stage history"),
    ("a record index row of blobs", "INSERT INTO audit_refs VALUES (X'ff', 'x')", "record index"),
]


@pytest.mark.parametrize("what,sql,named", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_verify_names_any_value_an_insider_writes_and_checks_the_rest(signed_shop, tmp_path, monkeypatch,
                                                                      what, sql, named):
    applied, result = _tamper_and_verify(signed_shop, tmp_path, monkeypatch, sql)
    assert applied, what
    if named is not None:
        assert any(named in p for p in result.problems), result.problems


_TARGETS = [
    ("customers", c, "id = 'C-000002'") for c in ("notes", "email", "version", "created_at", "updated_by",
                                                  "deleted_at", "owner", "name")
] + [
    ("audit", c, f"seq = {_ENTRY_C2}") for c in ("at", "actor", "action", "entity", "entity_id", "batch_id",
                                                 "changes", "digests", "prev_mac", "mac")
] + [
    ("audit", c, f"seq = {_BULK}") for c in ("changes", "digests", "entity_id")
] + [
    ("audit_sigs", c, f"last_seq = {_LAST_SIG}") for c in ("first_seq", "signer", "states", "sig")
] + [
    ("meta", "value", f"key = '{k}'") for k in ("signed_from", "store_id", "currency", "region", "audit_head")
] + [
    ("users", c, "username = 'lina'") for c in ("role", "disabled", "totp_secret", "display_name", "created_by")
] + [
    ("fx_rates", c, "1") for c in ("rate", "valid_from", "set_at", "set_by")
]


def _hostile_values():
    from hypothesis import strategies as st
    return st.one_of(
        st.binary(max_size=6), st.text(max_size=8), st.integers(min_value=-2**63, max_value=2**63 - 1),
        st.floats(), st.none(),
        st.sampled_from([DEEP, "[1,2]", "{", "null", '{"a": [1]}', '{"personal": [1], "digest": 3}',
                         '{"x": [null, {"y": 1}]}', '"garbage"', "[5, 7]"]),
        st.binary(min_size=1, max_size=6).map(lambda b: ("text", b)))


def test_verify_survives_random_values_in_any_column_it_reads(signed_shop, tmp_path_factory):
    from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

    @hsettings(max_examples=30, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(target=st.sampled_from(_TARGETS), value=_hostile_values())
    def check(target, value):
        table, column, where = target
        if isinstance(value, tuple):       # text whose bytes are not UTF-8
            sql, params = f"UPDATE {table} SET {column} = CAST(? AS TEXT) WHERE {where}", (value[1],)
        else:
            sql, params = f"UPDATE {table} SET {column} = ? WHERE {where}", (value,)
        with pytest.MonkeyPatch.context() as mp:
            _tamper_and_verify(signed_shop, tmp_path_factory.mktemp("case"), mp, sql, params)

    check()


# ----- an unsigned change to a user's own row does not keep them out ------------------

def test_administrators_disabled_outside_cims_still_sign_in_and_are_told(shop):
    shop["plant"]("UPDATE users SET disabled = 1 WHERE role = 'admin'")
    admin = shop["admin"]()
    assert admin.role == "admin"
    assert "your account was changed outside cims (disabled)" in admin.account_problem
    result = audit_log.verify(admin)
    assert any("user admin is disabled in the store, but not so in the signed trail" in p for p in result.problems)
    auth.sign_out(admin)


def test_a_second_factor_planted_outside_cims_is_ignored_and_counts_no_failure(shop):
    from cims_xl.security.keys import KeyFile
    shop["plant"]("UPDATE users SET totp_secret = '!!!' WHERE username = 'admin'")
    admin = shop["admin"]()
    assert "second factor" in admin.account_problem
    assert KeyFile.load(shop["path"]).lockout("admin").get("failed", 0) == 0
    assert any("second factor of user admin" in p for p in audit_log.verify(admin).problems)
    auth.sign_out(admin)


def test_a_role_changed_outside_cims_is_the_trails_at_sign_in_both_ways(shop):
    shop["plant"]("UPDATE users SET role = CASE username WHEN 'admin' THEN 'viewer' ELSE 'admin' END")
    admin = shop["admin"]()
    assert admin.role == "admin" and "role" in admin.account_problem
    auth.sign_out(admin)
    lina = auth.sign_in(shop["path"], "lina", USER_PASSWORD)
    assert lina.role == "sales"
    lina.close()


def test_a_disable_by_cims_still_keeps_the_user_out_and_an_enrolled_second_factor_is_still_asked(shop):
    import base64
    import time

    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    from cims_xl.errors import AccountDisabled, WrongPassword
    admin = shop["admin"]()
    auth.add_user(admin, "mei", "support", USER_PASSWORD, kdf=FAST_KDF)
    uri = auth.totp_enrol(admin, "mei")
    secret = uri.split("secret=")[1].split("&")[0]
    code = TOTP(base64.b32decode(secret), 6, SHA1(), 30, enforce_key_length=False).generate(time.time()).decode()
    auth.totp_confirm(admin, "mei", code)
    auth.disable_user(admin, "lina")
    auth.sign_out(admin)
    with pytest.raises(AccountDisabled):
        auth.sign_in(shop["path"], "lina", USER_PASSWORD)
    with pytest.raises(WrongPassword):
        auth.sign_in(shop["path"], "mei", USER_PASSWORD, "000000" if code != "000000" else "111111")


def test_an_audit_key_overwritten_outside_cims_is_a_clear_message_not_a_crash(shop):
    from cims_xl.errors import StoreError
    shop["plant"]("UPDATE meta SET value = X'00ff' WHERE key = 'audit_key'")
    with pytest.raises(StoreError, match="audit key was changed outside cims"):
        shop["admin"]()
