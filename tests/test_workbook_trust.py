"""The workbook is a trust boundary: `cims sync` (save, refresh, reports) and `cims workbook
check` name xlwings settings and VBA that cims did not write (a planted xlwings.conf row,
the sheet hidden, another module, code in a sheet module, a changed module, an
xlwings.conf file next to the workbook), refuse before writing anything, and
`--restore-settings` puts back cims's own. Files are built by the test, planted with
openpyxl or by swapping xl/vbaProject.bin, and read back part by part."""
from __future__ import annotations

import hashlib
import io
import zipfile

import openpyxl
import pytest
from lxml import etree

from cims_xl.excel import build
from cims_xl.excel.build import XLWINGS_CONF, build_bytes, vba_modules, vba_project_bin
from cims_xl.excel.trust import UntrustedWorkbook, vba_modules_of
from cims_xl.services import records

UNTRUSTED = UntrustedWorkbook.exit_code
SML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def shipped() -> bytes:
    return build_bytes()


def _book(tmp_path, shipped, name="book.xlsm"):
    path = tmp_path / name
    path.write_bytes(shipped)
    return path


def _plant_conf(path, rows, *, hide=True, at=5):
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb["xlwings.conf"]
    for i, (key, value) in enumerate(rows):
        ws.insert_rows(at + i)
        ws.cell(at + i, 1, key)
        ws.cell(at + i, 2, value)
    if hide:
        ws.sheet_state = "hidden"
    wb.save(path)


def _swap_part(path, part, data):
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    parts[part] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)


def _part(path, part):
    with zipfile.ZipFile(path) as z:
        return z.read(part)


def _sheet_state(path, title):
    book = etree.fromstring(_part(path, "xl/workbook.xml"))
    return next(el.get("state", "visible") for el in book.iter(SML + "sheet") if el.get("name") == title)


def _conf_block(path):
    ws = openpyxl.load_workbook(path)["xlwings.conf"]
    rows = []
    r = 1
    while ws.cell(r, 1).value not in (None, ""):
        rows.append((ws.cell(r, 1).value, ws.cell(r, 2).value))
        r += 1
    return rows


OURS = [(key, value) for key, (value, _note) in XLWINGS_CONF.items()]


@pytest.mark.parametrize("planted", [
    [("PYTHONPATH", "/tmp/lina-writable")],
    [("Interpreter_Win", r"\\fileserver\share\python.exe"), ("pythonpath", r"C:\Users\lina\evil")],
    [("Conda Env", "mine")],
])
@pytest.mark.parametrize("action", ["save", "refresh", "reports"])
def test_an_xlwings_conf_row_cims_did_not_write_stops_every_sync_before_writing_naming_it(
        run, admin, tmp_path, shipped, planted, action):
    records.create(admin, "customer", {"name": "Grace Mwangi", "city": "Nairobi"})
    book = _book(tmp_path, shipped)
    _plant_conf(book, planted)
    before = book.read_bytes()
    code, out, err = run("sync", str(book), action)
    assert code == UNTRUSTED, out + err
    for key, value in planted:
        assert f"{key} = {value}" in err
    assert "xlwings.conf sheet is hidden" in err
    assert f"sync book.xlsm {action} --restore-settings" in err
    assert book.read_bytes() == before


def test_a_changed_cims_setting_and_a_visible_plant_are_named_too(run, tmp_path, shipped):
    book = _book(tmp_path, shipped)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    wb["xlwings.conf"]["B1"] = "lina_tools.udfs"                 # another UDF module
    wb.save(book)
    code, _out, err = run("workbook", "check", str(book))
    assert code == UNTRUSTED
    assert "row 1: UDF Modules = lina_tools.udfs (cims writes cims_xl.excel.udfs)" in " ".join(err.split())
    assert "hidden" not in err


def test_restore_settings_puts_back_the_conf_block_shows_the_sheet_and_refreshes(run, admin, tmp_path, shipped):
    records.create(admin, "customer", {"name": "陈静", "city": "上海"})
    book = _book(tmp_path, shipped)
    _plant_conf(book, [("PYTHONPATH", "/tmp/lina-writable"), ("Show Console", True)], at=2)
    assert _sheet_state(book, "xlwings.conf") == "hidden"
    code, out, err = run("sync", str(book), "refresh", "--restore-settings")
    assert code == 0, err
    assert "restored the xlwings.conf sheet" in out + err
    assert _conf_block(book) == OURS
    assert _sheet_state(book, "xlwings.conf") == "visible"
    names = [row[1].value for row in openpyxl.load_workbook(book)["Customers"].iter_rows(min_row=2)]
    assert "陈静" in names
    assert run("workbook", "check", str(book))[0] == 0


def _vba_with(changes: dict[str, str], extra: tuple[str, str] | None = None) -> bytes:
    modules = []
    for kind, name, src in vba_modules(13):
        modules.append((kind, name, changes.get(name, src)))
    if extra:
        modules.append(("standard", *extra))
    return vba_project_bin(modules)


SHELL = 'Private Sub Worksheet_Activate()\r\n    Shell "sh /tmp/lina-writable/run.sh"\r\nEnd Sub\r\n'


@pytest.mark.parametrize("plant, named", [
    ({"extra": ("Helper", 'Attribute VB_Name = "Helper"\r\nSub Auto_Open()\r\n    Shell "calc"\r\nEnd Sub\r\n')},
     "VBA module Helper is not one cims ships"),
    ({"changes": {"Sheet1": None}}, "VBA code in the document module Sheet1"),
    ({"changes": {"CIMSRibbon": "ribbon"}}, "VBA module CIMSRibbon differs from the one cims ships"),
])
def test_a_planted_vba_project_stops_sync_and_restore_puts_back_the_one_cims_ships(
        run, tmp_path, shipped, plant, named):
    shipped_modules = {n: s for _k, n, s in vba_modules(13)}
    changes = {}
    for name, how in plant.get("changes", {}).items():
        src = shipped_modules[name]
        changes[name] = src + SHELL if how is None else src.replace("End Sub", "    Shell \"calc\"\r\nEnd Sub", 1)
    book = _book(tmp_path, shipped)
    _swap_part(book, "xl/vbaProject.bin", _vba_with(changes, plant.get("extra")))
    before = book.read_bytes()
    for args in (("workbook", "check", str(book)), ("sync", str(book), "refresh")):
        code, _out, err = run(*args)
        assert code == UNTRUSTED
        assert named in err
    assert book.read_bytes() == before
    code, _out, err = run("sync", str(book), "refresh", "--restore-settings")
    assert code == 0, err
    restored = vba_modules_of(_part(book, "xl/vbaProject.bin"))
    assert restored == shipped_modules
    assert hashlib.sha256(_part(book, "xl/vbaProject.bin")).digest() == \
        hashlib.sha256(_part(io.BytesIO(shipped), "xl/vbaProject.bin")).digest()
    assert run("workbook", "check", str(book))[0] == 0


def test_an_xlwings_conf_file_next_to_the_workbook_is_named_and_restore_does_not_remove_it(run, tmp_path, shipped):
    book = _book(tmp_path, shipped)
    conf = tmp_path / "xlwings.conf"
    conf.write_text('"PYTHONPATH","/tmp/lina-writable"\n', encoding="utf-8")
    before = book.read_bytes()
    for args in (("sync", str(book), "save"), ("sync", str(book), "save", "--restore-settings")):
        code, _out, err = run(*args)
        assert code == UNTRUSTED
        assert "xlwings.conf sits next to the workbook" in " ".join(err.split())
    assert book.read_bytes() == before and conf.exists()
    conf.unlink()
    assert run("sync", str(book), "save")[0] == 0


def test_a_workbook_cims_built_and_synced_passes_the_check(run, admin, tmp_path, shipped):
    records.create(admin, "customer", {"name": "Émilie Laurent", "city": "Lyon"})
    book = _book(tmp_path, shipped)
    for action in ("refresh", "save", "reports"):
        code, _out, err = run("sync", str(book), action)
        assert code == 0, err
    code, out, err = run("workbook", "check", str(book))
    assert code == 0 and "no xlwings settings or VBA that cims did not write" in out + err
    assert build.XLWINGS_CONF and _conf_block(book) == OURS
