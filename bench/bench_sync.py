"""Headless Refresh and Save of N edited rows: the package-editing write vs openpyxl's.

Both paths share loading the workbook and the sync logic; they differ in how the file
is written. For a fair figure in one run, one in-memory book is written twice: by
`FileWorkbook.save` (edit the package: only changed cells, tables, styles) and by
`FileWorkbook.save_openpyxl` (the former path: openpyxl re-writes the whole file).
The snapshot `save` compares against is taken when the book is loaded; its cost is
shown and counted against the new path only.

Usage: python bench/bench_sync.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from cims_xl.excel import build, sync
from cims_xl.excel.adapter import FileWorkbook
from cims_xl.excel.xlsx_patch import Snapshot
from cims_xl.services import auth, records

FAST_KDF = {"name": "scrypt", "n": 2**10, "r": 8, "p": 1}
CITIES = ["上海", "北京", "广州", "深圳", "杭州", "Shanghai", "London", "São Paulo"]


def timed(fn, *args, **kw):
    t = time.perf_counter()
    result = fn(*args, **kw)
    return time.perf_counter() - t, result


def both_writes(book: FileWorkbook, folder: Path, label: str, logic_s: float, load_s: float,
                snap_s: float) -> None:
    new_s, _ = timed(book.save, folder / f"{label}-new.xlsm")
    old_s, _ = timed(book.save_openpyxl, folder / f"{label}-old.xlsm")
    new_total = load_s + logic_s + new_s
    old_total = load_s - snap_s + logic_s + old_s
    print(f"{label:8s} load {load_s:6.2f} s (snapshot {snap_s:5.2f})  sync logic {logic_s:6.2f} s  "
          f"write: package edit {new_s:6.2f} s vs openpyxl {old_s:6.2f} s")
    print(f"{label:8s} total new {new_total:6.2f} s vs old {old_total:6.2f} s   ratio {new_total / old_total:5.2f}x "
          f"(target <= 1.0x)")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    n = ap.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = folder / "bench.cims"
        auth.init_store(store, "bencher", "Bench-Mark-Password-1", kdf=FAST_KDF)
        session = auth.sign_in(store, "bencher", "Bench-Mark-Password-1")
        records.create_many(session, "customer", [
            {"name": f"Customer {i}", "email": f"c{i}@example.cn", "city": CITIES[i % len(CITIES)],
             "phone": f"138{i:08d}"} for i in range(n)])
        path = build.build_workbook(folder / "cims.xlsm")

        # Refresh: N rows written into the empty table.
        load_s, book = timed(FileWorkbook, path)
        snap_s, _ = timed(Snapshot.take, book.wb)  # the part of load_s the old path did not have
        logic_s, _ = timed(sync.refresh_book, session, book, ["Customers"])
        both_writes(book, folder, "refresh", logic_s, load_s, snap_s)

        # Save: every row edited (new city), then saved.
        refreshed = folder / "refresh-new.xlsm"
        book = FileWorkbook(refreshed)
        sheet = book.table_sheet("Customers")
        sheet.write({i: {"City": f"Hangzhou {i % 7}"} for i in range(n)})
        book.save()
        load_s, book = timed(FileWorkbook, refreshed)
        snap_s, _ = timed(Snapshot.take, book.wb)
        logic_s, counts = timed(sync.save_book, session, book, ["Customers"])
        assert counts["Customers"]["updated"] == n, counts
        both_writes(book, folder, "save", logic_s, load_s, snap_s)
        session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
