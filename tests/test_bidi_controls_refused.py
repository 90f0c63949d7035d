"""Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) make
text show in another order than it is stored ("\\u202eexe.txt" shows as "txt.exe"). The
terminal writes them escaped; a workbook cell cannot, because what a cell shows is the
value Save reads back. So new free text holding one is refused where it is typed (CLI,
workbook Save) with a message naming the character; the marks LRM/RLM stay allowed; and
a value stored before this rule is left alone by a Save that does not change it (the
round trip makes no edit of it)."""
from __future__ import annotations

import pytest

from cims_xl.cli import main
from cims_xl.excel import sync
from cims_xl.services import records

from test_sync_support import Editor, new_workbook, row_of

CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
TEXTS = ["{c}exe.txt =cmd|x", "فاتورة {c}gpj.exe", "订单备注{c}重要", "שלום {c}עולם"]


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("text", TEXTS)
def test_notes_with_a_reordering_control_are_refused_on_the_command_line_naming_it(
        admin, run, control, text):
    cid = records.create(admin, "customer", {"name": "Ingrid Olsen", "notes": "first"})["id"]
    code, _out, err = run("customer", "edit", cid, "--notes", text.format(c=control))
    assert code == 4, err
    assert f"U+{ord(control):04X}" in err and "another order than it is stored" in err, err
    assert records.get(admin, cid)["notes"] == "first" and records.get(admin, cid)["version"] == 1
    code, _out, err = run("customer", "add", "--name", "Neue Kundin", "--address", text.format(c=control))
    assert code == 4 and f"U+{ord(control):04X}" in err, err


@pytest.mark.parametrize("mark", ["\u200e", "\u200f"])
def test_the_direction_marks_are_still_stored_as_written(admin, mark):
    notes = f"فاتورة {mark}2026-03"
    rec = records.create(admin, "customer", {"name": "Ingrid Olsen", "notes": notes})
    assert records.get(admin, rec["id"])["notes"] == notes


def test_on_the_sheet_a_cell_with_an_override_is_not_saved_and_its_status_says_why(admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Ingrid Olsen", "notes": "first"})["id"]
    book = new_workbook(tmp_path / "bidi.xlsx")
    sync.sync_file(admin, book, "refresh")
    with Editor(book) as ed:
        ed.set(cid, "Notes", "\u202eexe.txt =cmd|x")
    sync.sync_file(admin, book, "save")
    status = row_of(book, cid)["Status"]
    assert status.startswith("Invalid:") and "U+202E" in status, status
    assert records.get(admin, cid)["notes"] == "first"


def test_a_value_stored_before_the_rule_makes_no_edit_on_a_save_round_trip(admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Ingrid Olsen", "city": "Oslo"})["id"]
    old = "Alt\u202eexe.txt"
    # as an older version stored it (unvalidated: the private route of cims's own writers)
    records._service_update_many(admin, [(cid, {"notes": old}, None)], token=records._SERVICE, action="update",
                                 validated=True)
    version = records.get(admin, cid)["version"]
    book = new_workbook(tmp_path / "legacy.xlsx")
    sync.sync_file(admin, book, "refresh")
    result = sync.sync_file(admin, book, "save")                  # nothing touched
    assert records.get(admin, cid)["version"] == version, result
    with Editor(book) as ed:
        ed.set(cid, "City", "Bergen")                              # another cell of the same row
    sync.sync_file(admin, book, "save")
    after = records.get(admin, cid)
    assert after["city"] == "Bergen" and after["notes"] == old, after
    assert not str(row_of(book, cid).get("Status") or "").startswith("Invalid"), row_of(book, cid)


@pytest.mark.parametrize("control", ["\u202e", "\u2067", "\u202b"])
def test_an_imported_file_s_direction_controls_are_taken_out_of_every_cell_and_said(admin, run, tmp_path, control):
    """A file's cells are not refused for them (a right-to-left document copied into a
    sheet carries them): the import removes them from every cell, notes and columns kept
    in Notes too, imports the rows and says how many cells held one."""
    from cims_xl.services import search

    src = tmp_path / "bidi.csv"
    src.write_text(f"Name,City,Notes,Remark\nAnn Lee,Oslo,{control}exe.txt,ok\n李博,Oslo,普通备注,x{control}y\n"
                   "Eva Berg,Oslo,plain,plain\n", encoding="utf-8")
    code, out, err = run("--format", "json", "import", str(src))
    assert code == 0, out + err
    assert "direction controls" in out and "removed from 2 cell(s) in 2 row(s)" in out, out
    rows = {r["name"]: r for r in search.search_customers(admin, city="Oslo").rows}
    assert sorted(rows) == ["Ann Lee", "Eva Berg", "李博"], rows
    stored = " ".join(str(v) for r in rows.values() for v in r.values() if isinstance(v, str))
    assert control not in stored
    assert "exe.txt" in stored and "xy" in stored, stored
