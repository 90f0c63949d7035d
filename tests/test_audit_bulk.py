"""Records written together share one audit entry: still every record's values, its
history, tamper evidence and erasure, at a fraction of the cost of one entry each."""

from __future__ import annotations

import json

import pytest

from cims_xl.services import audit_log, gdpr, records


@pytest.fixture
def three(admin):
    rows = [{"name": "钱一", "email": "qian1@example.cn", "city": "上海", "mobile": "13800000001"},
            {"name": "孙二", "email": "sun2@example.cn", "city": "北京", "mobile": "13800000002"},
            {"name": "周三", "email": "zhou3@example.cn", "city": "广州", "mobile": "13800000003"}]
    return [r["id"] for r in records.create_many(admin, "customer", rows)]


def _bulk_seq(session) -> int:
    return session.store.query("SELECT seq FROM audit WHERE entity_id LIKE '*%'")[0][0]


def test_a_write_of_many_records_leaves_one_entry_that_names_how_many_and_which(admin, three):
    creates = [e for e in audit_log.show(admin, limit=20) if e["action"] == "create"]
    assert len(creates) == 1
    assert creates[0]["id"] == f"{three[0]} … {three[2]}"
    assert creates[0]["changes"] == {"records": [None, 3]}


def test_each_record_of_a_shared_entry_has_its_own_history_and_values(admin, three):
    records.update(admin, three[1], {"city": "成都"})
    history = records.history(admin, three[1])
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[0]["changes"]["name"] == [None, "孙二"]
    assert history[0]["changes"]["city"] == [None, "北京"]
    assert "钱一" not in json.dumps(history, ensure_ascii=False, default=str)
    assert records.values_at(admin, three[1], 1)["city"] == "北京"
    shown = audit_log.show(admin, entity_id=three[1].lower())
    assert [e["action"] for e in shown] == ["update", "create"]
    assert shown[1]["id"] == three[1] and shown[1]["changes"]["email"] == [None, "sun2@example.cn"]


@pytest.mark.parametrize("field, value", [("name", "冒充"), ("city", "深圳")])
def test_changing_one_records_value_inside_a_shared_entry_is_found(admin, three, field, value):
    seq = _bulk_seq(admin)
    changes, digests = admin.store.query("SELECT changes, digests FROM audit WHERE seq = ?", [seq])[0]
    changes, digests = json.loads(changes), json.loads(digests)
    if field in digests["personal"][three[2]]:
        digests["personal"][three[2]][field] = value
    else:
        changes[three[2]][field] = value
    with admin.store.transaction():
        admin.store.conn.execute("UPDATE audit SET changes = ?, digests = ? WHERE seq = ?",
                                 (json.dumps(changes, ensure_ascii=False),
                                  json.dumps(digests, ensure_ascii=False), seq))
    result = audit_log.verify(admin)
    assert not result.ok and result.bad_seq == seq and "edited" in result.problem


def test_removing_a_record_from_a_shared_entrys_index_is_found(admin, three):
    seq = _bulk_seq(admin)
    with admin.store.transaction():
        admin.store.conn.execute("DELETE FROM audit_refs WHERE entity_id = ?", (three[0],))
    assert records.history(admin, three[0]) == []
    result = audit_log.verify(admin)
    assert not result.ok and result.bad_seq == seq and "index" in result.problem


def test_erasing_one_person_of_a_shared_entry_keeps_the_others_and_the_chain(admin, three):
    gdpr.erase_customer(admin, three[1])
    stored = " ".join(f"{c} {d}" for c, d in admin.store.query("SELECT changes, digests FROM audit"))
    assert "孙二" not in stored and "sun2@example.cn" not in stored and "8613800000002" not in stored
    assert "钱一" in stored and "zhou3@example.cn" in stored
    assert audit_log.verify(admin).ok
    assert records.history(admin, three[0])[0]["changes"]["name"] == [None, "钱一"]


def test_undoing_an_import_of_many_rows_removes_exactly_those_rows(admin, tmp_path, monkeypatch):
    from cims_xl.importer import import_file
    from cims_xl.services import batches

    monkeypatch.setattr(batches, "UNDO_CHUNK", 200)

    before = records.create(admin, "customer", {"name": "Kept Customer"})
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\n" + "".join(f"Person {i},p{i}@example.com\n" for i in range(600)),
                    encoding="utf-8")
    result = import_file(admin, path)
    assert result.created == 600
    # Indexed for search in bulk: "Person" through the trigram index, "59" by a scan.
    assert search_total(admin, "Person 59") == sum("59" in str(i) for i in range(600))
    assert search_total(admin, "erson") == 600
    calls: list[str] = []
    for name in ("hard_delete", "fetch_record", "insert_audit"):
        real = getattr(admin.store, name)
        monkeypatch.setattr(admin.store, name, lambda *a, _n=name, _r=real, **k: (calls.append(_n), _r(*a, **k))[1])
    undone = batches.undo_batch(admin, result.batch)
    assert undone["removed"] == 600
    # In bulk (600 rows, 200 a time): not a statement or two per record.
    assert calls.count("hard_delete") == 3 and calls.count("insert_audit") == 4
    assert calls.count("fetch_record") == 0
    assert [r["id"] for r in records.list_records(admin, "customer")] == [before["id"]]
    assert search_total(admin, "Person") == 0
    assert audit_log.verify(admin).ok
    removed = records.history(admin, result.outcomes[0].record)
    assert [h["action"] for h in removed] == ["create", "undo"]     # each record keeps its own entry


def search_total(session, text: str) -> int:
    from cims_xl.services import search
    return search.search_customers(session, text).total


def test_the_digest_of_a_records_personal_values_keeps_the_format_stored_entries_were_made_with(admin, three):
    # Entries already written must keep verifying: the digest is keyed BLAKE2b-128 of
    # "r" + each personal field, in key order, as "<len>:<key><len>:<value>".
    import hashlib

    seq = _bulk_seq(admin)
    digests = json.loads(admin.store.query("SELECT digests FROM audit WHERE seq = ?", [seq])[0][0])
    values = digests["personal"][three[1]]
    text = "".join(f"{len(k)}:{k}{len(v)}:{v}" for k, v in sorted(values.items()))
    expected = hashlib.blake2b(b"r" + text.encode("utf-8"), digest_size=16, key=admin.audit_key).hexdigest()
    assert digests["digest"][three[1]] == expected
    assert set(values) == {"name", "email", "mobile", "city"}     # city: identifying (schema.Field)
