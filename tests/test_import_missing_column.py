"""A file with no column for a field the records need stops before anything is written,
naming the field, the file's headings and the --map that settles it; the --map named
makes the same file import."""

from __future__ import annotations

import re

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import batches, records

from table_files import write_csv, write_xlsx

# Headings in Swahili: no synonym knows them.
CASES = [
    ("customers", [["Jina kamili", "Simu", "Mji"], ["Amani Juma", "+255 22 211 1234", "Dar es Salaam"]],
     ["Name"], {"Jina kamili": "Name"}, "customer", "Amani Juma"),
    ("contacts", [["Jina", "Kampuni", "Cheo"], ["Neema Mushi", "Mushi Traders", "Meneja"]],
     ["Customer", "Name"], {"Jina": "Name", "Kampuni": "Customer Name"}, "contact", "Neema Mushi"),
    ("orders", [["Nambari", "Mteja", "Tarehe", "Kiasi"], ["A-1", "Baraka Ltd", "2024-03-05", "150.00"]],
     ["Customer", "Order Date", "Amount"],
     {"Nambari": "Order Number", "Mteja": "Customer Name", "Tarehe": "Order Date", "Kiasi": "Amount"},
     "order", "A-1"),
    ("opportunities", [["Mpango", "Mteja"], ["Ofisi mpya", "Baraka Ltd"]], ["Customer", "Opportunity"],
     {"Mpango": "Opportunity", "Mteja": "Customer Name"}, "opportunity", "Ofisi mpya"),
    ("tickets", [["Kichwa", "Mteja"], ["Printa haifanyi kazi", "Baraka Ltd"]], ["Customer", "Subject"],
     {"Kichwa": "Subject", "Mteja": "Customer Name"}, "ticket", "Printa haifanyi kazi"),
    # an activity is never saved without its date: a file with no date column stops too
    ("interactions", [["Mteja", "Maelezo", "Siku"], ["Baraka Ltd", "Simu ya kwanza", "2024-03-05 10:00"]],
     ["Customer", "When"], {"Mteja": "Customer Name", "Siku": "When"}, "interaction", None),
]


def stored(session, kind: str) -> list[dict]:
    return records.list_records(session, kind)


@pytest.mark.parametrize("kind, rows, fields, settles, entity, value", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_required_field_without_a_column_stops_before_writing_and_says_how_to_map_it(
        admin, tmp_path, kind, rows, fields, settles, entity, value, writer):
    path = writer(tmp_path / ("file.csv" if writer is write_csv else "file.xlsx"), rows)
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, path, kind=kind)
    message = str(caught.value)
    assert "\n" not in message
    for field in fields:
        assert re.search(rf"no column found for .*\b{field}\b", message), message
    for heading in rows[0]:
        assert f"'{heading}'" in message
    example = re.search(r'--map "([^"=]+)=([^"]+)"', message.replace('"Column=Field"', ""))
    assert example and example.group(1) in rows[0], message
    assert f"cims import fields --kind {kind}" in message
    assert "Nothing was imported" in message
    assert stored(admin, entity) == [] and stored(admin, "customer") == [] and batches.list_batches(admin) == []

    result = import_file(admin, path, kind=kind, mapping=[f"{k}={v}" for k, v in settles.items()])
    assert (result.created, result.rejected) == (1, 0)
    if value is not None:
        key = {"order": "order_number", "ticket": "subject"}.get(entity, "name")
        assert [r[key] for r in stored(admin, entity)] == [value]


def test_an_email_column_alone_names_no_one_so_the_file_stops_and_writes_nothing(admin, tmp_path):
    path = write_csv(tmp_path / "emails.csv", [["E-mail", "Simu"], ["a@example.com", "+255 22 211 1234"],
                                               ["b@example.com", "+255 22 211 1235"]])
    for dry_run in (True, False):
        with pytest.raises(ImportRefused) as caught:
            import_file(admin, path, kind="customers", dry_run=dry_run)
        message = str(caught.value)
        assert "no column found for Name" in message and "'E-mail'" in message
        # 'Simu' holds phone numbers: no column is suggested for the names (issue 14)
        assert '"Simu=Name"' not in message and "No column's values look like names" in message
        assert "cims import fields --kind customers" in message
    assert stored(admin, "customer") == [] and batches.list_batches(admin) == []


def test_the_cli_says_the_missing_field_in_one_line_and_exits_with_an_error(tmp_path, run):
    path = write_csv(tmp_path / "wateja.csv", [["Jina kamili", "Simu"], ["Amani Juma", "+255 22 211 1234"]])
    code, out, err = run("import", "file", str(path), "--kind", "customers")
    assert code != 0
    text = " ".join((out + err).split())
    assert "no column found for Name" in text and '--map "Jina kamili=Name"' in text
    assert "Traceback" not in out + err


def test_a_file_with_thousands_of_headings_is_refused_with_a_short_message(admin, tmp_path):
    from cims_xl.importer import import_file
    from cims_xl.importer.errors import ImportRefused

    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"Col{i}" for i in range(3000)) + "\n" + ",".join("x" for _ in range(3000)) + "\n",
                    encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, dry_run=True)
    text = str(stop.value)
    assert "'Col0'" in text and "'Col39'" in text and "'Col40'" not in text and "and 2,960 more" in text
    assert len(text) < 2000
