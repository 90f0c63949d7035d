"""`cims sync FILE save` counts every row of the sheet it read, and says what each count
is: rows not edited since the last refresh or save ("untouched"), rows edited whose
values came out as the store has them ("edited but equal"), and the rows it wrote. A
single "unchanged" that counted only the second said "unchanged 0" after a save of nine
untouched rows. Real encrypted store and workbook in tmp_path."""

from __future__ import annotations

import json

from cims_xl.services import records

from test_sync_support import Editor, new_workbook

PEOPLE = [("Ingrid Bergström", "Göteborg", "ingrid@example.se"), ("Kofi Boateng", "Kumasi", "kofi@example.gh"),
          ("Priya Raman", "Chennai", "priya@example.in"), ("陈晓明", "广州", "chen@example.cn"),
          ("Mateus Souza", "Recife", "mateus@example.br"), ("Aylin Yılmaz", "İzmir", "aylin@example.tr"),
          ("Olusegun Adeyemi", "Ibadan", "segun@example.ng"), ("Hana Novák", "Brno", "hana@example.cz"),
          ("Leilani Kahale", "Hilo", "leilani@example.com")]


def _book(run, admin, tmp_path):
    ids = [records.create(admin, "customer", {"name": n, "city": c, "email": e})["id"] for n, c, e in PEOPLE]
    book = new_workbook(tmp_path / "kunder.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    return ids, book


def _table(out: str) -> dict[str, str]:
    """The Customers row of the save table, by heading."""
    lines = [line.replace("┃", "│") for line in out.splitlines() if "│" in line or "┃" in line]
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in lines]
    body = next(i for i, r in enumerate(cells) if r and r[0] == "Customers")
    heads = [" ".join(filter(None, parts)) for parts in zip(*cells[:body])]
    return dict(zip(heads, cells[body]))


def test_saving_nine_untouched_rows_counts_them_as_untouched(run, admin, tmp_path, monkeypatch):
    _ids, book = _book(run, admin, tmp_path)
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err
    counts = json.loads(out)["sheets"]["Customers"]
    assert counts["untouched"] == 9 and counts["edited_but_equal"] == 0 and counts["updated"] == 0
    assert "unchanged" not in counts
    monkeypatch.setenv("COLUMNS", "160")      # headings on one line (a narrow table wraps them)
    code, out, err = run("sync", str(book), "save")
    row = _table(out)
    assert row["untouched"] == "9" and row["edited but equal"] == "0", row
    assert not any("unchanged" in h for h in row)


def test_an_edit_that_comes_out_equal_and_a_real_edit_are_counted_apart_from_untouched_rows(run, admin, tmp_path):
    ids, book = _book(run, admin, tmp_path)
    with Editor(book) as ed:
        ed.set(ids[0], "City", "  Göteborg ")               # edited, but stored as it is already
        ed.set(ids[1], "City", "Accra")                    # a real change
        ed.add_row({"Name": "Nouvelle Cliente", "City": "Lyon"})
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err
    counts = json.loads(out)["sheets"]["Customers"]
    assert (counts["created"], counts["updated"], counts["edited_but_equal"], counts["untouched"]) == (1, 1, 1, 7)
    assert records.get(admin, ids[1])["city"] == "Accra"
    assert records.get(admin, ids[0])["city"] == "Göteborg" and records.get(admin, ids[0])["version"] == 1
