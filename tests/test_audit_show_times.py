"""`cims audit show` writes its times as every other JSON and CSV time of the CLI:
UTC ISO 8601, whole seconds, "Z" (the trail stores them with six zero decimals)."""

from __future__ import annotations

import csv
import io
import json
import re

WHOLE_SECOND_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_audit_show_json_and_csv_times_are_whole_seconds_in_utc_like_record_times(run):
    assert run("customer", "add", "--name", "Ines Duarte", "--email", "ines@example.pt")[0] == 0

    code, out, _ = run("--format", "json", "audit", "show", "--limit", "5")
    assert code == 0
    entries = json.loads(out)
    assert entries and all(WHOLE_SECOND_UTC.match(e["at"]) for e in entries), [e["at"] for e in entries]

    code, out, _ = run("--format", "json", "customer", "show", "C-000001")
    created = json.loads(out)["created_at"]
    assert WHOLE_SECOND_UTC.match(created)
    assert created in {e["at"] for e in entries if e["id"] == "C-000001"}

    code, out, _ = run("--format", "csv", "audit", "show", "--limit", "5")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(WHOLE_SECOND_UTC.match(r["at"]) for r in rows)
