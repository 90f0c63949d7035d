"""A note longer than a cell holds does not refuse its customer (only a required field
refuses a row, issue 14 kind 10): it is cut with a mark saying how much was left out,
and the row is warned naming the column."""
from __future__ import annotations

import pytest

from cims_xl.domain.models import MAX_TEXT
from cims_xl.importer import import_file
from cims_xl.services import records


@pytest.mark.parametrize("header", ["Notes", "备注", "Bemerkung"])
def test_a_note_longer_than_a_cell_is_cut_with_a_mark_and_the_row_warned(admin, tmp_path, header):
    long = "\n".join(f"Line {i}: 往来记录 and more words" for i in range(4000))
    path = tmp_path / "n.csv"
    path.write_text(f'Name,Email,{header}\nLong Note,ln@example.com,"{long}"\nShort,s@example.com,hi\n',
                    encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.rejected, result.warnings) == (2, 0, 1)
    got = {c["name"]: c["notes"] for c in records.list_records(admin, "customer")}
    assert len(got["Long Note"]) <= MAX_TEXT and got["Short"] == "hi"
    kept, mark = got["Long Note"].rsplit("\n[… ", 1)
    assert long.startswith(kept) and kept.endswith("more words")           # cut at a line's end
    assert mark == f"{len(long) - len(kept):,} more characters: cut here, they are only in the file]"
    warning = next(o.warning for o in result.outcomes if o.warnings)
    assert warning.startswith(f"{header}: {len(long):,} characters, more than a cell holds")


def test_a_long_column_no_field_takes_is_kept_in_notes_up_to_what_a_cell_holds(admin, tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("Name,Email,Lebenslauf\nAnna Berg,anna@example.com," + "x" * 50_000 + "\n", encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (1, 0)
    notes = records.list_records(admin, "customer")[0]["notes"]
    assert notes.startswith("Lebenslauf: xxx") and len(notes) <= MAX_TEXT and "cut here" in notes
