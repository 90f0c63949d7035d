"""A date cell under a text field (order number, customer id, postal code, tags) is taken as
Excel shows it through its date number format ("12-Oct" under d-mmm, "令和6年10月12日" under a
Japanese era format), never as an ISO date; date fields keep the date itself. The summary still
says that an id column holds dates (Excel may have made them)."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest

from cims_xl.importer import import_file
from cims_xl.services import records

OCT12 = dt.datetime(2024, 10, 12)
# (number format, the text Excel shows for 12 October 2024); openpyxl writes the built-in
# ones (d-mmm is id 16, d-mmm-yy 15, mmm-yy 17, mm-dd-yy 14) by id, the others in numFmts
FORMATS = [("d-mmm", "12-Oct"), ("d-mmm-yy", "12-Oct-24"), ("mmm-yy", "Oct-24"), ("mm-dd-yy", "10/12/2024"),
           ("yyyy/m/d", "2024/10/12"), ('[$-411]ggge"年"m"月"d"日"', "令和6年10月12日"),
           ("[$-407]d. mmm yy", "12. Okt 24"), ("[$-409]mmmm d, yyyy", "October 12, 2024"),
           ("dd.mm.yyyy", "12.10.2024"), ("yyyymmdd", "20241012")]


def _orders_book(path, formats):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Order No", "Customer", "Order Date", "Amount", "Currency"])
    for i, (code, _shown) in enumerate(formats):
        ws.append([OCT12, f"Kunde {i}", dt.datetime(2024, 3, 5 + i), 10 + i, "EUR"])
        ws.cell(row=i + 2, column=1).number_format = code
        ws.cell(row=i + 2, column=3).number_format = code          # a date field under the same format
    wb.save(path)
    return path


def _stored_orders(admin):
    return {o["amount"]: (o["order_number"], o["order_date"]) for o in records.list_records(admin, "order")}


def test_order_numbers_in_date_cells_are_stored_as_excel_shows_them_and_order_dates_stay_dates(admin, tmp_path):
    path = _orders_book(tmp_path / "o.xlsx", FORMATS)
    result = import_file(admin, path, kind="orders")
    assert result.created == len(FORMATS)
    got = _stored_orders(admin)
    for i, (code, shown) in enumerate(FORMATS):
        number, date = got[10 + i]
        assert number == shown, code
        assert str(date)[:10] == f"2024-03-{5 + i:02d}", code
    said = [x for x in result.inferences if x["what"].endswith("ids that are dates")]
    assert len(said) == 1 and "'Order No'" in said[0]["what"] and "'12-Oct'" in said[0]["decided"]


def test_customer_ids_postal_codes_and_tags_in_date_cells_keep_the_text_excel_shows(admin, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Customer ID", "Name", "Postal Code", "Tags"])
    ws.append([dt.datetime(2024, 1, 5), "Anna Berg", dt.datetime(2024, 3, 1), dt.datetime(2024, 12, 1)])
    ws["A2"].number_format, ws["C2"].number_format, ws["D2"].number_format = "d-mmm", "mmm-yy", "m/d/yy"
    ws.append([dt.datetime(2023, 2, 7, 9, 30), "Ben Roth", dt.datetime(2024, 6, 2), "vip"])
    ws["A3"].number_format, ws["C3"].number_format = "yyyy-mm-dd h:mm AM/PM", "dd/mm"
    wb.save(tmp_path / "c.xlsx")
    import_file(admin, tmp_path / "c.xlsx")
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert got["Anna Berg"]["postal_code"] == "Mar-24"
    assert got["Ben Roth"]["postal_code"] == "02/06"
    assert "src:5-Jan" in got["Anna Berg"]["tags"] and "12/1/24" in got["Anna Berg"]["tags"]
    assert "src:2023-02-07 9:30 AM" in got["Ben Roth"]["tags"]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.parametrize("target", ["ods", "xls"])
def test_order_numbers_in_date_cells_of_a_libreoffice_file_are_stored_as_shown(admin, tmp_path, target):
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is needed for this test")
    formats = [("d-mmm", "12-Oct"), ("mmm-yy", "Oct-24"), ("yyyy/m/d", "2024/10/12"), ("dd.mm.yyyy", "12.10.2024")]
    src = _orders_book(tmp_path / "o.xlsx", formats)
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", target,
                    "--outdir", str(tmp_path / "out"), str(src)], check=True, capture_output=True, timeout=180)
    result = import_file(admin, tmp_path / "out" / f"o.{target}", kind="orders")
    assert result.created == len(formats)
    got = _stored_orders(admin)
    for i, (code, shown) in enumerate(formats):
        assert got[10 + i][0] == shown, code
        assert str(got[10 + i][1])[:10] == f"2024-03-{5 + i:02d}", code
