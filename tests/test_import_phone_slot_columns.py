"""Google's numbered phones ("Phone N - Label/Value"): a row's problems and Notes name the
column its own number came from, and which fields the file gives is decided from its
columns, so rows prepared in the forked worker (importer.parallel) give the same records."""

from __future__ import annotations

from cims_xl.importer import import_file, parallel
from cims_xl.services import records

HEAD = "Name,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value\n"


def test_an_unreadable_mobile_is_kept_in_notes_under_its_own_rows_column(admin, tmp_path):
    path = tmp_path / "google.csv"
    path.write_text(HEAD + "Ana,ana@example.com,Mobile,call me maybe,,\n"
                           "Bo,bo@example.com,Work,+44 20 7946 0958,Mobile,ring the bell\n"
                           "Cy,cy@example.com,Mobile,+44 7700 900123,,\n", encoding="utf-8")
    result = import_file(admin, path)
    assert result.created == 3 and result.warnings == 2
    by_name = {r["name"]: r for r in records.list_records(admin, "customer")}
    assert by_name["Ana"]["notes"] == "Phone 1 - Value: call me maybe"
    assert by_name["Bo"]["notes"] == "Phone 2 - Value: ring the bell"
    assert by_name["Bo"]["phone"] == "+442079460958" and by_name["Cy"]["mobile"] == "+447700900123"
    warned = {o.row: o.warning for o in result.outcomes if o.warnings}
    assert "Phone 1 - Value" in warned[2] and "Phone 2 - Value" in warned[3]


def test_an_overwrite_update_takes_new_mobiles_whichever_process_prepared_the_first(admin, tmp_path, monkeypatch,
                                                                                  forked_workers):
    n = 300
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(HEAD + "".join(f"P {i},p{i}@example.com,Mobile,+49 171 {1_000_000 + i},,\n"
                                    for i in range(n)), encoding="utf-8")
    # new mobiles in the first rows only (the chunks the worker is handed first), none later
    second.write_text(HEAD + "".join(f"P {i},p{i}@example.com,{'Mobile' if i < 100 else ''},"
                                     f"{'+33 6 ' + str(40_000_000 + i) if i < 100 else ''},,\n"
                                     for i in range(n)), encoding="utf-8")
    import_file(admin, first)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(parallel, "LOOKAHEAD", parallel.IN_FLIGHT)   # every chunk to the worker
    made = forked_workers
    result = import_file(admin, second, chunk_rows=20, on_duplicate="update", update_mode="overwrite")
    assert made and made[0].worker_chunks >= 1 and made[0].prepared_here == 0
    assert result.updated == 100
    mobiles = [r["mobile"] for r in records.list_records(admin, "customer")]
    assert sum(1 for m in mobiles if m.startswith("+336")) == 100
