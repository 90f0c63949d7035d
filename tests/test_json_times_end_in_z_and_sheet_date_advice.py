"""Every time in the CLI's JSON (a record's created_at and updated_at, a ticket's times, a
report's computed_at) is UTC ISO 8601 with "Z" and whole seconds, one form in a document,
whatever the zone times are shown in (CIMS_TZ). A date typed on a sheet that reads both
ways (03/04/2026) is refused with what a sheet user can do (type it as YYYY-MM-DD, or a
date cell), never "give the date order", which a sheet has no place for."""

from __future__ import annotations

import json
import re

import pytest

from cims_xl.excel import sync
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, table_rows

UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _times(doc, out):
    if isinstance(doc, dict):
        for k, v in doc.items():
            if isinstance(v, str) and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d", v):
                out.append((k, v))
            else:
                _times(v, out)
    elif isinstance(doc, list):
        for v in doc:
            _times(v, out)
    return out


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York", "Pacific/Kiritimati"])
def test_record_and_report_json_write_every_time_in_utc_with_z(admin, run, monkeypatch, zone):
    monkeypatch.setenv("CIMS_TZ", zone)
    cid = records.create(admin, "customer", {"name": "Anna Miller"})["id"]
    records.create(admin, "ticket", {"customer_id": cid, "subject": "Printer", "priority": "High"})
    found = []
    for args in (("customer", "show", cid), ("customer", "list"), ("ticket", "list"), ("report",)):
        code, out, err = run("--format", "json", *args)
        assert code == 0, out + err
        found += _times(json.loads(out), [])
    keys = {k for k, _v in found}
    assert {"created_at", "updated_at", "computed_at"} <= keys
    assert all(UTC_Z.match(v) for _k, v in found), [x for x in found if not UTC_Z.match(x[1])]


@pytest.mark.parametrize("typed", ["03/04/2026", "04/05/2026", "3-4-26"])
def test_an_ambiguous_date_typed_on_a_sheet_says_what_a_sheet_user_can_do(admin, tmp_path, typed):
    cid = records.create(admin, "customer", {"name": "Anna Miller"})["id"]
    book = new_workbook(tmp_path / "orders.xlsx")
    with Editor(book, "Orders") as ed:
        ed.add_row({"Customer ID": cid, "Order Date": typed, "Amount": 10})
    sync.sync_file(admin, book, "save", sheets=["Orders"])
    status = table_rows(book, "Orders")[0]["Status"]
    assert status.startswith("Invalid") and "ambiguous" in status
    assert "give the date order" not in status and "DMY" not in status
    assert "YYYY-MM-DD" in status and "date cell" in status
    assert records.list_records(admin, "order") == []
