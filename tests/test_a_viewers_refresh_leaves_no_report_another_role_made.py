"""A viewer's Refresh leaves no report content another role made. Report sheets an
administrator refreshed name customers (in their cells and in the cached values of their
charts); a refresh by a role that may not see names rebuilds the report sheets for that
role in the same write, and its summary says so. Checked on the file's bytes: every part
of the package (cells, shared strings, chart caches)."""

from __future__ import annotations

import zipfile

import pytest
from conftest import USER_PASSWORD

from cims_xl.excel import sync
from cims_xl.services import records

from test_sync_support import new_workbook

NAMES = ["欧阳娜娜", "Leopold Wilsonberg", "عبد الرحمن الهاشمي", "Grünwald Logistik GmbH", "Иван Петровский"]


def _parts_text(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                         if n.endswith((".xml", ".rels")))


@pytest.fixture
def reported_book(admin, tmp_path):
    for i, name in enumerate(NAMES):
        kind = {"Grünwald Logistik GmbH": "Company"}.get(name, "Individual")
        cid = records.create(admin, "customer", {"name": name, "type": kind,
                                                 "email": f"p{i}@example.com"})["id"]
        for m in range(1, 4):
            records.create(admin, "order", {"customer_id": cid, "order_date": f"2026-0{m}-1{i}",
                                            "amount": 1000 * (i + 1) + m})
        records.create(admin, "ticket", {"customer_id": cid, "subject": f"Anfrage {name}", "priority": "P3"})
    book = new_workbook(tmp_path / "shared.xlsx")
    sync.sync_file(admin, book, "reports")
    _cache_names_in_charts(book)
    text = _parts_text(book)
    assert all(n in text for n in NAMES), "the administrator's reports name customers"
    return book


def _cache_names_in_charts(path) -> None:
    """What Excel or LibreOffice leave in a chart part once they have drawn it: the
    category labels it plotted, cached as text (c:strCache), here the customers' names."""
    import re
    import shutil

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        done = 0
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/charts/chart"):
                def cached(m):
                    p = m.group(1) or ""
                    return m.group(0) + (f"<{p}strCache><{p}ptCount val=\"{len(NAMES)}\"/>" + "".join(
                        f"<{p}pt idx=\"{i}\"><{p}v>{n}</{p}v></{p}pt>" for i, n in enumerate(NAMES))
                        + f"</{p}strCache>")
                text, n = re.subn(r"<(\w+:)?strRef>\s*<(?:\w+:)?f>[^<]*</(?:\w+:)?f>", cached,
                                  data.decode("utf-8"), count=1)
                done += n
                data = text.encode("utf-8")
            dst.writestr(info, data)
    assert done, "no chart part took the cached labels"
    shutil.move(tmp, path)


@pytest.mark.parametrize("only", [None, ["Customers"], ["Orders"]])
def test_a_viewers_refresh_rebuilds_the_report_sheets_and_their_chart_caches_naming_nobody(
        session_as, reported_book, only):
    viewer = session_as("viewer", "guest")
    result = sync.sync_file(viewer, reported_book, "refresh", sheets=only, force=True)
    text = _parts_text(reported_book)
    left = [n for n in NAMES if n in text]
    assert not left, left
    assert result["reports"] == ["Report - Sales", "Report - Pipeline", "Report - Service", "Report - Segments"]
    assert "guest (viewer)" in result["reports_note"] and "rebuilt" in result["reports_note"]
    # the report sheets are still there, with their tables (the viewer's reports)
    import openpyxl
    wb = openpyxl.load_workbook(reported_book)
    for sheet in result["reports"]:
        assert wb[sheet].tables, sheet


def test_on_the_command_line_a_viewers_refresh_says_the_reports_were_rebuilt(
        session_as, reported_book, store_path, monkeypatch, capsys):
    from cims_xl.cli import main

    session_as("viewer", "guest").close()
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "guest")
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    code = main(["sync", str(reported_book), "refresh", "--force"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Report - Segments" in out + err and "rebuilt as guest (viewer)" in (out + err).replace("\n", " ")
    assert not [n for n in NAMES if n in _parts_text(reported_book)]
