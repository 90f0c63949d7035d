"""Save after a crash creates no duplicates, and no plain-text temp copy outlives the next run."""

from __future__ import annotations

from pathlib import Path

import pytest

from cims_xl.excel import sync
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD
from crashkit import killed, run_cims
from test_sync_support import Editor, new_workbook, table_rows

PEOPLE = [{"Name": name, "City": city, "Email": f"p{i}@example.org"} for i, (name, city) in enumerate([
    ("Ngozi Okafor", "Lagos"), ("Søren Kierkegaard", "København"), ("Ιωάννα Παππά", "Αθήνα"),
    ("Nguyễn Thị Hoa", "Hà Nội"), ("عمر خالد", "Amman"), ("山田 太郎", "東京"),
] * 4)]


@pytest.fixture
def book(tmp_path, store_path):
    path = new_workbook(tmp_path / "shop.xlsx")
    with Editor(path) as ed:
        for i, person in enumerate(PEOPLE):
            ed.add_row({**person, "Name": f"{person['Name']} {i}"})
    return path


def _save(store_path, book, crash_at=None, home=None):
    return run_cims("--store", str(store_path), "--user", "admin", "sync", str(book), "save",
                    password=ADMIN_PASSWORD, crash_at=crash_at, home=home)


def _customers(store_path) -> list[dict]:
    with auth.sign_in(store_path, "admin", ADMIN_PASSWORD) as s:
        return records.list_records(s, "customer")


@pytest.mark.parametrize("step", ["save.row-ids-kept", "save.committed", "workbook.temp-written"])
def test_a_save_killed_at_any_step_then_saved_again_creates_each_customer_once(store_path, book, step):
    out = _save(store_path, book, crash_at=step)
    assert killed(out), (out.returncode, out.stderr)
    out = _save(store_path, book)
    assert out.returncode == 0, out.stderr
    names = sorted(c["name"] for c in _customers(store_path))
    assert names == sorted(f"{p['Name']} {i}" for i, p in enumerate(PEOPLE))
    rows = table_rows(book)
    assert sorted(r["_key"] for r in rows) == sorted(c["id"] for c in _customers(store_path))
    assert {r["Status"] for r in rows} == {"Created"}
    # no temp copy (the workbook lock file `.~cims-lock.<name>` stays, empty, as filelock leaves it)
    assert not [p.name for p in book.parent.iterdir() if p.name.startswith(".") and not p.name.startswith(".~cims-lock.")]


def test_new_rows_carry_their_row_id_in_the_file_before_the_store_is_written(store_path, book):
    out = _save(store_path, book, crash_at="save.row-ids-kept")
    assert killed(out)
    ids = [r["_key"] for r in table_rows(book)]
    assert len(set(ids)) == len(PEOPLE) and all(str(i).startswith(sync.ROW_ID_PREFIX) for i in ids)
    assert _customers(store_path) == []


def test_a_row_edited_or_copied_after_a_crash_updates_its_record_and_the_copy_is_new(store_path, book):
    out = _save(store_path, book, crash_at="save.committed")
    assert killed(out)
    first = table_rows(book)[0]
    with Editor(book) as ed:
        ed.add_row({h: first[h] for h in ("Name", "City", "Email", "_key")}
                   | {"Name": "Copy of the first", "Email": "copy.of.the.first@example.org"})
        c1, r1, c2, r2, headers = ed._geo()
        ed.ws.cell(r1 + 1, c1 + headers.index("City")).value = "Abuja"
    out = _save(store_path, book)
    assert out.returncode == 0, out.stderr
    customers = {c["name"]: c for c in _customers(store_path)}
    assert len(customers) == len(PEOPLE) + 1
    assert customers[first["Name"]]["city"] == "Abuja" and customers[first["Name"]]["version"] == 2
    assert "Copy of the first" in customers


def test_the_ribbon_save_keeps_row_ids_in_the_file_before_committing(admin, book, monkeypatch):
    from cims_xl.excel.adapter import FileWorkbook

    seen = []
    original = sync._apply

    def spy(session, jobs, progress, *more, **named):
        seen.append([r["_key"] for r in table_rows(book)])    # what the file holds at commit time
        return original(session, jobs, progress, *more, **named)

    monkeypatch.setattr(sync, "_apply", spy)
    wb = FileWorkbook(book)
    sync.save_book(admin, wb, ["Customers"], keep_row_ids=wb.save)
    assert all(str(k).startswith("~") for k in seen[0])


def test_a_killed_error_report_leaves_no_plain_text_after_the_next_run(store_path, tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    src = tmp_path / "people.csv"
    src.write_text("Name,Email,Phone\n" + "".join(f"Secretname{i},not-an-email-{i},\n" for i in range(30))
                   + "Good Person,good@example.org,\n", encoding="utf-8")
    report = tmp_path / "errors.xlsx"
    env = {"TMPDIR": str(tmpdir)}
    for step in ("report.rows-written", "workbook.temp-written"):
        out = run_cims("--store", str(store_path), "--user", "admin", "import", str(src), "--report", str(report),
                       password=ADMIN_PASSWORD, crash_at=step, extra_env=env)
        assert killed(out), (step, out.returncode, out.stderr)
        left = [p for p in _files_holding(b"Secretname", tmp_path) if p != src]
        if step == "report.rows-written":
            assert left == [], step       # the rows wait in memory, never in a temp file
        else:
            assert left, step             # the finished (zipped) scratch file beside the report
        out = run_cims("--store", str(store_path), "--user", "admin", "import", str(src), "--report",
                       str(report), password=ADMIN_PASSWORD, extra_env=env)
        assert out.returncode in (0, 4), out.stderr
        left = [p for p in _files_holding(b"Secretname", tmp_path) if p != report and p != src]
        assert left == [], step


def _files_holding(needle: bytes, folder: Path) -> list[Path]:
    import zipfile

    out = []
    for p in folder.rglob("*"):
        if not p.is_file():
            continue
        data = p.read_bytes()
        if needle in data:
            out.append(p)
            continue
        if data[:2] == b"PK":
            try:
                with zipfile.ZipFile(p) as z:
                    if any(needle in z.read(n) for n in z.namelist()):
                        out.append(p)
            except (zipfile.BadZipFile, OSError):
                pass
    return out


def test_a_row_id_pointed_at_someone_elses_record_creates_a_new_record_and_overwrites_nothing(
        store_path, book, admin, session_as):
    """The token table is not signed: an insider who maps a sheet row's id to another
    record must not make the next Save write the row over that record."""
    theirs = records.create(session_as("manager", "mei"), "customer",
                            {"name": "Meiling Guo", "email": "meiling@example.cn", "city": "上海"})
    mine = records.create(admin, "customer", {"name": "Admin's own", "city": "北京"})
    records.update(session_as("manager", "mei"), mine["id"], {"city": "天津"})   # changed by someone else since
    out = _save(store_path, book, crash_at="save.row-ids-kept")       # row ids are in the file, nothing saved
    assert killed(out)
    rows = table_rows(book)
    lina = session_as("sales", "lina")
    lina.store.insert_sheet_rows([(rows[0]["_key"], theirs["id"]), (rows[1]["_key"], mine["id"])])
    out = _save(store_path, book)
    assert out.returncode == 0, out.stderr
    after = {c["id"]: c for c in _customers(store_path)}
    assert after[theirs["id"]]["name"] == "Meiling Guo" and after[theirs["id"]]["version"] == 1
    assert after[mine["id"]]["name"] == "Admin's own" and after[mine["id"]]["city"] == "天津"
    names = {c["name"] for c in after.values()}
    assert {rows[0]["Name"], rows[1]["Name"]} <= names                 # saved as new records
