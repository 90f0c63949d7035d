"""When Refresh removes records, the user's drop-downs (data validations) follow their
rows: one on a removed record's row goes with it (named in Refresh's message), every
other one moves up with its record, however many of them are
removed; a drop-down spread over several rows keeps the rows that stay."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation

from cims_xl.services import records

from test_sync_support import new_workbook

NAMES = ["Zoë Ångström", "张伟", "Ελένη Παπαδοπούλου", "محمد علي", "Ivan Petrov", "Aaron Abbott", "Jürgen Groß"]


def _rows_by_id(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}


def _column(ws, heading: str) -> str:
    return next(c.column_letter for c in ws[1] if c.value == heading)


def _lists_at(ws, cell: str) -> list[str]:
    """The lists of the drop-downs covering a cell."""
    return [dv.formula1 for dv in ws.data_validations.dataValidation if cell in dv.sqref]


@pytest.mark.parametrize("gone", [[1], [0, 3], [1, 2, 5]])
def test_refresh_removing_records_moves_every_users_drop_down_with_its_record(run, admin, tmp_path, gone):
    ids = [records.create(admin, "customer", {"name": n, "city": f"City {i}"})["id"] for i, n in enumerate(NAMES)]
    book = new_workbook(tmp_path / "book.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    ws.auto_filter.ref = None
    rows = _rows_by_id(ws)
    city = _column(ws, "City")
    for cid in ids:     # one drop-down per record, its list naming the record
        dv = DataValidation(type="list", formula1=f'"{cid}-a,{cid}-b"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add(f"{city}{rows[cid]}")
    both = DataValidation(type="list", formula1='"both-a,both-b"')     # one over two records' rows
    ws.add_data_validation(both)
    keep = next(i for i in range(len(ids)) if i not in gone)
    both.add(f"Z{rows[ids[gone[0]]]}")
    both.add(f"Z{rows[ids[keep]]}")
    wb.save(book)
    for i in gone:
        records.delete(admin, ids[i])
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err + out
    ws = openpyxl.load_workbook(book)["Customers"]
    rows_after = _rows_by_id(ws)
    assert set(rows_after) == {ids[i] for i in range(len(ids)) if i not in gone}
    every = [dv.formula1 for dv in ws.data_validations.dataValidation]
    for i, cid in enumerate(ids):
        if i in gone:
            assert f'"{cid}-a,{cid}-b"' not in every
            assert f"{city}{rows[cid]}" in out + err                  # named in Refresh's message
        else:
            assert _lists_at(ws, f"{city}{rows_after[cid]}") == [f'"{cid}-a,{cid}-b"'], cid
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation
            if dv.formula1 == '"both-a,both-b"'] == [f"Z{rows_after[ids[keep]]}"]
