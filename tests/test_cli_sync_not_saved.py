"""`cims sync FILE save` without Excel: after the counts, the rows that were not saved
(Invalid, Conflict, Not allowed, Duplicate) with their sheet, worksheet row, id and
Status text, the first 20 of them and how many more; and exit code 13 when any row
was not saved, so that a script can tell."""
from __future__ import annotations

import json

from cims_xl.errors import RowsNotSaved
from cims_xl.services import records

from conftest import USER_PASSWORD
from test_sync_support import Editor, new_workbook, row_of, table_rows


NOT_SAVED = RowsNotSaved.exit_code


def _refreshed_book(run, tmp_path):
    book = new_workbook(tmp_path / "laden.xlsx")
    code, _out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    return book


def _not_saved_table(out: str) -> list[list[str]]:
    """The body rows of the 'Rows not saved' table: [sheet, row, id, status] (wrapped lines joined)."""
    lines = out[out.index("Rows not saved"):].splitlines()
    rows: list[list[str]] = []
    for line in lines:
        cells = [c.strip() for c in line.split("│")][1:-1]
        if len(cells) != 4:
            continue
        if cells[0]:
            rows.append(cells)
        elif rows:                        # a wrapped status goes on below
            rows[-1][3] = f"{rows[-1][3]} {cells[3]}".strip()
    return rows


def test_save_lists_invalid_and_conflicting_rows_with_their_sheet_row_id_and_status(run, admin, tmp_path):
    ids = [records.create(admin, "customer", {"name": n, "city": c})["id"]
           for n, c in (("Łukasz Nowak", "Kraków"), ("Aiko Tanaka", "大阪"), ("Omar Haddad", "Amman"))]
    book = _refreshed_book(run, tmp_path)
    with Editor(book) as ed:
        ed.set(ids[0], "Email", "lukasz-at-example.pl")          # not an email address
        ed.set(ids[1], "City", "京都")                            # changed here and in the store
        ed.add_row({"Name": "Neue Kundin", "Email": "kein@mail"})
    records.update(admin, ids[1], {"city": "神戸"})
    code, out, err = run("sync", str(book), "save")
    assert code == NOT_SAVED, err
    assert "save · laden.xlsx" in out
    shown = _not_saved_table(out)
    rows = {r["_key"] or "new": r for r in table_rows(book)}
    by_id = {r[2]: r for r in shown}
    assert set(by_id) == {ids[0], ids[1], "(new row)"}
    for key, line in ((ids[0], by_id[ids[0]]), (ids[1], by_id[ids[1]]), ("new", by_id["(new row)"])):
        assert line[0] == "Customers"
        assert int(line[1]) == rows[key]["@row"]
        assert " ".join(line[3].split()) == " ".join(rows[key]["Status"].split())
    assert by_id[ids[0]][3].startswith("Invalid") and by_id[ids[1]][3].startswith("Conflict")
    assert row_of(book, ids[2])["Status"] in (None, "")


def test_json_lists_every_row_not_saved(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Fatima Zahra"})["id"]
    book = _refreshed_book(run, tmp_path)
    with Editor(book) as ed:
        ed.set(cid, "Email", "fatima@")
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == NOT_SAVED, err
    data = json.loads(out)
    assert data["not_saved"] == [{"sheet": "Customers", "row": row_of(book, cid)["@row"], "id": cid,
                                  "status": row_of(book, cid)["Status"]}]


def test_more_than_twenty_rows_not_saved_show_twenty_and_say_how_many_more(run, tmp_path):
    book = _refreshed_book(run, tmp_path)
    with Editor(book) as ed:
        for i in range(23):
            ed.add_row({"Name": f"Kunde {i}", "Email": f"kunde{i}@"})
    code, out, err = run("sync", str(book), "save")
    assert code == NOT_SAVED, err
    assert len(_not_saved_table(out)) == 20
    assert "… and 3 more: their Status column on the sheet says why" in out


def test_a_save_with_nothing_left_over_lists_nothing(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Ewa Kowalska"})["id"]
    book = _refreshed_book(run, tmp_path)
    with Editor(book) as ed:
        ed.set(cid, "City", "Gdańsk")
    code, out, err = run("sync", str(book), "save")
    assert code == 0, err
    assert "Rows not saved" not in out


def test_a_viewer_sees_which_rows_were_not_allowed_and_no_personal_values(run, admin, session_as, tmp_path,
                                                                           monkeypatch):
    cid = records.create(admin, "customer", {"name": "Giulia Rossi", "email": "giulia@example.it"})["id"]
    book = _refreshed_book(run, tmp_path)
    session_as("viewer", "vera").close()
    with Editor(book) as ed:
        ed.set(cid, "City", "Torino")
    monkeypatch.setenv("CIMS_USER", "vera")
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    code, out, err = run("sync", str(book), "save")
    assert code == NOT_SAVED, err
    (line,) = _not_saved_table(out)
    assert line[2] == cid and line[3] == row_of(book, cid)["Status"]
    assert line[3].startswith("Not allowed")
    assert "giulia@example.it" not in out and "Giulia" not in out


def test_the_exit_code_is_13_when_a_row_was_not_saved_and_0_when_all_were(run, admin, tmp_path):
    assert NOT_SAVED == 13
    records.create(admin, "customer", {"name": "Jane Doe", "email": "jane@example.co.uk"})
    book = _refreshed_book(run, tmp_path)
    with Editor(book) as ed:
        ed.add_row({"Name": "Jane Doe", "Email": "jane@example.co.uk"})          # a duplicate
        ed.add_row({"Name": "Tomás Ruiz", "Email": "tomas@example.es"})
    code, out, err = run("sync", str(book), "save")
    assert code == 13
    assert err.strip().splitlines() == ["Error: 1 row not saved (Customers 1); the Status column on the sheet "
                                        "says why; the other rows were saved"]
    assert "Traceback" not in err
    (line,) = _not_saved_table(out)
    assert line[3].startswith("Duplicate of C-000001: not saved")
    assert records.list_records(admin, "customer")[-1]["name"] == "Tomás Ruiz"
    with Editor(book) as ed:                   # the user deletes the duplicate row's values
        row = next(r for r in table_rows(book) if str(r["Status"]).startswith("Duplicate"))
        for cell in row["@cell"].values():
            ed.ws.cell(cell.row, cell.column).value = None
    code, out, err = run("sync", str(book), "save")
    assert code == 0, err
    assert "Rows not saved" not in out


def test_json_output_stays_whole_and_the_exit_code_still_says_rows_were_not_saved(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Kofi Mensah"})["id"]
    book = _refreshed_book(run, tmp_path)
    with Editor(book) as ed:
        ed.set(cid, "Email", "kofi@")
        ed.add_row({"Name": "Ama Mensah", "Email": "ama@"})
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 13
    data = json.loads(out)
    assert [r["id"] for r in data["not_saved"]] == [cid, None]
    assert err.startswith("Error: 2 rows not saved (Customers 2)")
