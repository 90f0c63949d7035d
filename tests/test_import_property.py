"""Hostile tables: whatever the file holds, the import never crashes, its counts add up,
and the error report never contains a live formula."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cims_xl.excel.import_report import error_report
from cims_xl.excel.safe import ooxml_escape
from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import auth

from conftest import ADMIN_PASSWORD, FAST_KDF

HEADERS = ["Name", "姓名", "Email", "邮箱", "Phone", "手机", "Company", "Postal Code", "Consent Date",
           "Notes", "Whatever", "", "Row", "Reason", "登录密码"]
PAYLOADS = ["=1+1", "=HYPERLINK(\"http://evil\",\"x\")", "+1-822-569-0302", "-1692", "@SUM(A1)",
            "\tTAB", "\rCR", "=cmd|' /C calc'!A0", "0012345", "13800138000", "a@b.co", "  A@B.CO ",
            "03/04/2024", "25/12/2024", "2024-02-30", "1e308", "NaN", "", " ", "客户", "\u200b",
            "x\x00y", "\x07bell"]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "cp1252", "shift_jis"]

cell = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=30),
    st.text(alphabet="张王李赵客户公司北京上海0123456789@.-+ ", max_size=20),
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.builds(lambda n: "长" * n, st.integers(min_value=30_000, max_value=40_000)),
)


@st.composite
def tables(draw):
    ncols = draw(st.integers(min_value=1, max_value=6))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=ncols, max_size=ncols))
    body = draw(st.lists(st.lists(cell, min_size=0, max_size=ncols + 2), min_size=0, max_size=12))
    above = draw(st.lists(st.lists(st.sampled_from(["客户导入模板", "说明：必填", "", None]), max_size=2),
                          max_size=3))
    return above + [header] + body


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    path = tmp_path_factory.mktemp("prop") / "p.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    s = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    yield s
    s.close()


def _text(v) -> str:
    return "" if v is None else str(v)


def write_file(folder, rows, fmt: str, encoding: str):
    if fmt == "xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        for r in rows:
            clean = []
            for v in r:
                if isinstance(v, str):
                    v = ooxml_escape(v)          # control characters as Excel stores them
                if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
                    v = str(v)
                if isinstance(v, int) and abs(v) > 2**53:
                    v = str(v)
                clean.append(v)
            ws.append(clean)
        path = folder / "t.xlsx"
        wb.save(path)
        return path
    buf = io.StringIO()
    csv.writer(buf).writerows([[_text(v) for v in r] for r in rows])
    path = folder / "t.csv"
    path.write_bytes(buf.getvalue().encode(encoding, errors="replace"))
    return path


def no_formula_in(report) -> bool:
    with zipfile.ZipFile(report) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<f[ >]", z.read(name)):
                return False
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(rows=tables(), fmt=st.sampled_from(["csv", "xlsx"]), encoding=st.sampled_from(ENCODINGS),
       dry_run=st.booleans(), on_duplicate=st.sampled_from(["skip", "update", "create"]),
       date_order=st.sampled_from([None, "DMY"]))
def test_hostile_tables_never_crash_and_always_account_for_every_row(
        session, tmp_path_factory, rows, fmt, encoding, dry_run, on_duplicate, date_order):
    folder = tmp_path_factory.mktemp("t")
    path = write_file(folder, rows, fmt, encoding)
    report = folder / "errors.xlsx"
    try:
        result = import_file(session, path, dry_run=dry_run, on_duplicate=on_duplicate,
                             date_order=date_order, error_report=error_report(report))
    except ImportRefused as exc:
        assert exc.message and "Traceback" not in exc.message
        return
    d = result.as_dict()
    assert d["created"] + d["updated"] + d["duplicates"] + d["rejected"] == d["rows"]
    assert report.exists() and no_formula_in(report)
    if dry_run:
        assert d["batch"] is None
