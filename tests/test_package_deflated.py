"""Workbook packages cims writes or re-packs have every part deflated (ZIP_DEFLATED).

The template is built with stored parts (see `build._zip`); a sync that kept each
part's old compression wrote a 30,000-customer sheet as 32 MB of stored XML.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cims_xl.excel import build, sync
from cims_xl.excel.adapter import FileWorkbook
from cims_xl.services import records


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return build.build_workbook(tmp_path_factory.mktemp("deflate") / "cims.xlsm")


def _infos(path: Path) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(path) as z:
        return z.infolist()


def test_after_a_refresh_of_5000_customers_every_part_is_deflated_and_the_file_much_smaller(
        template, tmp_path, admin):
    before = [i.filename for i in _infos(template)]
    assert any(i.compress_type == zipfile.ZIP_STORED for i in _infos(template))   # what we start from
    records.create_many(admin, "customer", ({"name": f"Kunde {n:05d} GmbH", "email": f"k{n}@beispiel.de",
                                              "city": ("München", "Zürich", "上海", "Lyon")[n % 4],
                                              "phone": f"+49 30 {1000000 + n}"} for n in range(5000)))
    path = tmp_path / "cims.xlsm"
    shutil.copy(template, path)
    result = sync.sync_file(admin, path, "refresh", sheets=["Customers"])
    assert result["sheets"]["Customers"]
    infos = _infos(path)
    assert [i.filename for i in infos][0] == "[Content_Types].xml"
    assert [i.filename for i in infos if i.filename in before] == before        # parts keep their order
    assert {i.filename: i.compress_type for i in infos if i.compress_type != zipfile.ZIP_DEFLATED} == {}
    parts = sum(i.file_size for i in infos)
    assert parts > 1_000_000                                                   # 5,000 rows really written
    assert path.stat().st_size * 4 < parts
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    book = openpyxl.load_workbook(path, read_only=True)
    cells = {v for row in book["Customers"].iter_rows(values_only=True) for v in row}
    book.close()
    assert {f"Kunde {n:05d} GmbH" for n in range(5000)} <= cells


def test_a_save_of_a_workbook_with_stored_parts_writes_them_deflated_with_the_same_content(
        template, tmp_path, admin):
    path = tmp_path / "cims.xlsm"
    shutil.copy(template, path)
    with zipfile.ZipFile(template) as z:
        contents = {n: z.read(n) for n in z.namelist()}
    book = FileWorkbook(path)
    book.table_sheet("Customers").append([{"Name": "Jeanne Dupont", "Email": "jeanne@exemple.fr"}])
    book.save()
    result = sync.sync_file(admin, path, "save", sheets=["Customers"])
    assert result["sheets"]["Customers"]["created"] == 1
    with zipfile.ZipFile(path) as z:
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())
        assert z.read("xl/vbaProject.bin") == contents["xl/vbaProject.bin"]
        assert z.read("customUI/customUI14.xml") == contents["customUI/customUI14.xml"]


def test_a_workbook_written_through_save_workbook_has_every_part_deflated(tmp_path):
    from cims_xl.excel.scratch_files import save_workbook
    wb = openpyxl.Workbook()
    ws = wb.active
    for n in range(2000):
        ws.append([f"Client {n}", f"client{n}@exemple.fr", n * 1.5])
    target = tmp_path / "export.xlsx"
    save_workbook(wb, target)
    infos = _infos(target)
    assert infos and all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
    assert target.stat().st_size * 3 < sum(i.file_size for i in infos)
