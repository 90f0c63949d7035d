"""The smaller findings of issue 12: formula guards in every export, private report files,
clear one-line messages instead of "unexpected problem", audit ids as typed."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest


from cims_xl.excel.safe import write_rows_xlsx
from cims_xl.services import auth, gdpr, records

from conftest import FAST_KDF, USER_PASSWORD
from test_sync_support import new_workbook

RISKY = ["=cmd|' /C calc'!A0", "+SUM(1;2)", "-2+3", "@HYPERLINK(\"http://x\")"]


@pytest.mark.parametrize("risky", RISKY)
def test_csv_report_column_names_from_order_values_are_neutralised(run, admin, risky):
    cust = records.create(admin, "customer", {"name": "Ana Souza"})
    records.create(admin, "order", {"customer_id": cust["id"], "order_date": "2026-03-01", "amount": "12.50",
                                    "category": risky, "region": risky})
    code, out, err = run("--format", "csv", "report")
    assert code == 0, err
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert risky not in cells and "'" + risky in cells


def test_the_gdpr_export_workbook_keeps_risky_text_as_quoted_text_and_private(admin, tmp_path):
    cust = records.create(admin, "customer", {"name": RISKY[0], "notes": RISKY[3], "city": RISKY[1]})
    out = tmp_path / "person.xlsx"
    gdpr.export_customer(admin, cust["id"], out, write_xlsx=write_rows_xlsx)
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    ws = openpyxl.load_workbook(out).worksheets[0]
    risky = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value in RISKY]
    assert len(risky) >= 3
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)


def test_report_workbooks_and_error_reports_are_readable_by_their_owner_only(run, admin, tmp_path):
    records.create(admin, "customer", {"name": "Ingrid Bergström"})
    code, _, err = run("report", "--out", str(tmp_path / "report.xlsx"))
    assert code == 0, err
    src = tmp_path / "people.csv"
    src.write_text("Name,Email\nGood One,good@example.se\nBad One,not-an-email\n", encoding="utf-8")
    code, _, err = run("import", str(src), "--report", str(tmp_path / "errors.xlsx"))
    assert (tmp_path / "errors.xlsx").exists(), err
    for name in ("report.xlsx", "errors.xlsx"):
        assert oct((tmp_path / name).stat().st_mode & 0o777) == "0o600", name


def test_csv_history_and_audit_show_print_one_json_cell_per_change(run, admin):
    cust = records.create(admin, "customer", {"name": "Øystein", "city": "=1+1"})
    records.update(admin, cust["id"], {"city": "Bergen"}, expected_version=1)
    for args in (("customer", "history", cust["id"]), ("audit", "show", "--id", cust["id"])):
        code, out, err = run("--format", "csv", *args)
        assert code == 0 and "unexpected" not in err, (args, err)
        rows = list(csv.DictReader(io.StringIO(out)))
        assert any("Bergen" in (r.get("changes") or "") for r in rows), args


def test_audit_show_finds_a_user_by_the_name_as_typed(run, admin):
    auth.add_user(admin, "lina", "sales", USER_PASSWORD, kdf=FAST_KDF)
    for typed in ("lina", "Lina", " LINA "):
        code, out, err = run("--format", "csv", "audit", "show", "--id", typed)
        assert code == 0, err
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [r["action"] for r in rows] == ["user.create"], typed


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml",
                                  "[Content_Types].xml", "xl/tables/table1.xml"])
def test_a_workbook_with_damaged_xml_gets_a_clear_message(run, tmp_path, part):
    good = new_workbook(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as z, zipfile.ZipFile(bad, "w") as out:
        for name in z.namelist():
            data = z.read(name)
            out.writestr(name, data[:-40] if name == part else data)
    code, _, err = run("sync", str(bad), "save")
    assert code == 1 and "part of it is damaged" in err and "unexpected" not in err, err


def test_the_gdpr_json_export_is_private_from_its_first_byte(admin, tmp_path, monkeypatch):
    import os

    cust = records.create(admin, "customer", {"name": "Þóra Guðmundsdóttir"})
    modes = []
    real_replace = os.replace

    def watch(src, dst):
        modes.append(os.stat(src).st_mode & 0o777)
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", watch)
    out = tmp_path / "person.json"
    gdpr.export_customer(admin, cust["id"], out)
    assert modes and all(m == 0o600 for m in modes)
    assert oct(out.stat().st_mode & 0o777) == "0o600" and "Þóra" in out.read_text(encoding="utf-8")
