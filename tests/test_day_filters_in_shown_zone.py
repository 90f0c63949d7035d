"""`customer search --created-from/--created-to/--updated-from/--updated-to` take days
of the zone the times are shown in ($CIMS_TZ), not UTC days: a customer shown as created
at 22:02 on 1 December in Los Angeles (06:02 UTC on the 2nd) is found by "to 1 December"
and not by "from 2 December"; the same in zones ahead of UTC and at half hours. Real
encrypted stores in tmp_path; the stored time is set, then read back through the CLI and
the Python API."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from cims_xl.domain.schema import CUSTOMER
from cims_xl.services import records, search

# (zone, stored UTC time, the local day it is shown on)
CASES = [
    ("America/Los_Angeles", "2026-12-02T06:02:00Z", "2026-12-01"),
    ("Asia/Tokyo", "2026-12-01T20:30:00Z", "2026-12-02"),
    ("Asia/Kolkata", "2026-12-01T18:45:00Z", "2026-12-02"),
    ("Pacific/Honolulu", "2026-07-01T09:59:59Z", "2026-06-30"),
]


def day_after(day: str, n: int = 1) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=n)).isoformat()


def stamped(admin, when: str) -> str:
    """A customer whose created_at and updated_at are `when` in the store."""
    cid = records.create(admin, "customer", {"name": "Ana Lima", "email": "ana@example.br"})["id"]
    at = dt.datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    with admin.unit_of_work() as uow:
        rec = admin.store.fetch_record(CUSTOMER, cid)
        admin.store.update_record(CUSTOMER, cid, {"created_at": at, "updated_at": at, "version": rec["version"] + 1},
                                  expected_version=rec["version"])
        uow.commit()
    return cid


@pytest.mark.parametrize("zone,when,local_day", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("which", ["created", "updated"])
def test_the_cli_day_filters_use_the_days_of_cims_tz(run, admin, monkeypatch, zone, when, local_day, which):
    cid = stamped(admin, when)
    monkeypatch.setenv("CIMS_TZ", zone)

    def found(**days) -> list[str]:
        args = [x for k, v in days.items() for x in (f"--{which}-{k}", v)]
        code, out, err = run("--format", "json", "customer", "search", *args)
        assert code == 0, err
        return [r["id"] for r in json.loads(out)["rows"]]

    assert found(to=local_day) == [cid]
    assert found(**{"from": local_day}) == [cid]
    assert found(**{"from": local_day, "to": local_day}) == [cid]
    assert found(**{"from": day_after(local_day)}) == []
    assert found(to=day_after(local_day, -1)) == []
    # what the CLI shows is that day
    code, out, err = run("--format", "json", "customer", "show", cid)
    shown = json.loads(out)[f"{which}_at"]
    assert dt.datetime.fromisoformat(shown.replace("Z", "+00:00")).astimezone(ZoneInfo(zone)).date().isoformat() \
        == local_day


@pytest.mark.parametrize("zone,when,local_day", CASES, ids=[c[0] for c in CASES])
def test_the_python_api_takes_the_zone_it_is_given(admin, zone, when, local_day):
    cid = stamped(admin, when)
    tz = ZoneInfo(zone)
    hit = search.search_customers(admin, created_from=local_day, created_to=local_day, tz=tz)
    assert [r["id"] for r in hit.rows] == [cid]
    assert search.search_customers(admin, updated_to=day_after(local_day, -1), tz=tz).total == 0
    assert search.search_customers(admin, updated_from=day_after(local_day), tz=tz).total == 0


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Asia/Shanghai", "Asia/Kolkata"])
def test_report_json_times_are_utc_with_z_and_whole_seconds_and_the_table_shows_the_zone(run, admin, monkeypatch,
                                                                                         zone):
    cid = records.create(admin, "customer", {"name": "Ana Lima"})["id"]
    records.create(admin, "ticket", {"customer_id": cid, "subject": "down", "priority": "P1"})
    pending = records.create(admin, "ticket", {"customer_id": cid, "subject": "waiting", "priority": "P3"})["id"]
    records.update(admin, pending, {"status": "Pending"})
    monkeypatch.setenv("CIMS_TZ", zone)
    code, out, err = run("--format", "json", "report")
    assert code == 0, err
    data = json.loads(out)
    rows = next(sheet["tables"]["tblOpenTickets"] for sheet in data.values() if "tblOpenTickets" in sheet["tables"])
    assert {r["Ticket ID"] for r in rows} >= {pending}
    stored = {t["id"]: t for t in records.list_records(admin, "ticket")}
    for row in rows:
        for col in ("Opened", "Response Due", "Resolution Due"):
            text = row[col]
            if text is None:
                continue
            assert text.endswith("Z") and len(text) == 20, (col, text)       # 2026-11-23T01:00:22Z
        opened = dt.datetime.fromisoformat(row["Opened"].replace("Z", "+00:00"))
        assert opened == stored[row["Ticket ID"]]["opened_at"]
    code, out, err = run("report")
    assert code == 0, err
    first = rows[0]
    local = dt.datetime.fromisoformat(first["Opened"].replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    assert local.strftime("%Y-%m-%d %H:%M") in out
