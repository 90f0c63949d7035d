"""An import undo removes or restores only what the batch's author wrote in that batch
(attack: a salesperson names a manager's batch in an entry of her own, and the
manager's undo would hard-delete someone else's customer under the manager's name)."""

from __future__ import annotations

from pathlib import Path

from cims_xl.importer import import_file
from cims_xl.security.audit import AuditEvent
from cims_xl.services import batches, records
from cims_xl.store.db import utcnow


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_an_undo_leaves_records_that_another_user_attached_to_the_batch(admin, session_as, tmp_path):
    victim = records.create(admin, "customer", {"name": "Bjørn Ødegaard", "email": "bjorn@example.no"})
    kept = records.create(admin, "customer", {"name": "佐藤 花子", "city": "大阪"})
    mei = session_as("manager", "mei")
    result = import_file(mei, _csv(tmp_path / "one.csv", ["Name,Email", "Imported One,imp1@example.org"]))
    assert result.created == 1

    lina = session_as("sales", "lina")
    with lina.unit_of_work() as uow:
        lina.audit([AuditEvent(utcnow(), "lina", "create", "customer", victim["id"], result.batch, {}),
                    AuditEvent(utcnow(), "lina", "update", "customer", kept["id"], result.batch,
                               {"city": ["Kyoto", "大阪"]})])
        uow.commit()

    undone = batches.undo_batch(mei, result.batch)
    assert undone["removed"] == 1 and undone["restored"] == 0
    assert sorted(undone["left"]) == sorted([
        f"{victim['id']} (entry by lina, not by mei who imported)",
        f"{kept['id']} (entry by lina, not by mei who imported)"])
    names = {r["name"]: r for r in records.list_records(admin, "customer")}
    assert "Imported One" not in names
    assert names["Bjørn Ødegaard"]["email"] == "bjorn@example.no"
    assert names["佐藤 花子"]["city"] == "大阪"


def test_an_undo_by_an_administrator_still_undoes_everything_the_author_wrote(admin, session_as, tmp_path):
    mei = session_as("manager", "mei")
    first = import_file(mei, _csv(tmp_path / "a.csv", ["Name,City", "Ana Souza,Recife", "Zoë Faure,Lyon"]))
    second = import_file(mei, _csv(tmp_path / "b.csv", ["Name,City", "Ana Souza,Natal"]),
                         on_duplicate="update", update_mode="overwrite")
    undone = batches.undo_batch(admin, second.batch)
    assert undone == {"batch": second.batch, "removed": 0, "restored": 1, "forced": False, "left": []}
    assert {r["name"]: r["city"] for r in records.list_records(admin, "customer")} == {
        "Ana Souza": "Recife", "Zoë Faure": "Lyon"}
    assert batches.undo_batch(admin, first.batch, force=True)["removed"] == 2


def test_the_command_line_undo_says_which_records_it_left_and_why(admin, session_as, store_path, tmp_path,
                                                                   monkeypatch, capsys):
    from cims_xl.cli import main
    from conftest import USER_PASSWORD

    victim = records.create(admin, "customer", {"name": "Ólafur Arnalds"})
    mei = session_as("manager", "mei")
    result = import_file(mei, _csv(tmp_path / "one.csv", ["Name", "Łucja Nowak"]))
    lina = session_as("sales", "lina")
    with lina.unit_of_work() as uow:
        lina.audit([AuditEvent(utcnow(), "lina", "create", "customer", victim["id"], result.batch, {})])
        uow.commit()
    mei.close()
    lina.close()
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "mei")
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    assert main(["import", "undo", result.batch]) == 0
    out = capsys.readouterr().out
    assert f"Left as they are (1), not written by the import's author: {victim['id']} (entry by lina" in out
    assert [r["name"] for r in records.list_records(admin, "customer")] == ["Ólafur Arnalds"]


def test_undo_force_keeps_a_customer_that_records_added_later_still_hang_under(admin, tmp_path):
    from cims_xl.importer.run import import_file

    f = tmp_path / "people.csv"
    f.write_text("Name,Email\nAna Lima,ana@example.br\nBo Chen,bo@example.cn\n", encoding="utf-8")
    batch = import_file(admin, f).batch
    ana = records.list_records(admin, "customer", name="Ana Lima")[0]["id"]
    order = records.create(admin, "order", {"customer_id": ana, "order_date": "2024-02-01", "amount": "9"})["id"]
    records.update(admin, ana, {"city": "Recife"})          # changed later: needs --force
    undone = batches.undo_batch(admin, batch, force=True)
    assert undone["removed"] == 1
    assert any(ana in item and order in item for item in undone["left"])
    assert records.get(admin, ana)["name"] == "Ana Lima"       # still there, with its order
    assert records.get(admin, order)["customer_id"] == ana
    assert not records.list_records(admin, "customer", name="Bo Chen")
