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


def test_the_schema_is_compared_again_only_when_it_changed(shop, monkeypatch):
    admin = shop["admin"]()
    calls = []
    real = schema_guard.find
    monkeypatch.setattr(schema_guard, "find", lambda conn: calls.append(1) or real(conn))
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
