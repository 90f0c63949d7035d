"""The trust check finds code the way Excel and LibreOffice do: by following the package's
relationships (ECMA-376 Part 2, OPC), by content type, and by what a part is, with part
names compared without case, not by reading xl/vbaProject.bin. Each test builds the cims
workbook, plants code somewhere else in the package (another part name, a second
relationship, a content type only, a case variant, a `../` target, a macro sheet, a ribbon
callback, a DDE link), and checks that `cims workbook check` and `cims sync` refuse it
naming the part, and that `--restore-settings` leaves one project, cims's, where the
workbook's relationship points."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from lxml import etree

from cims_xl.excel.build import WORKBOOK_CODE_NAME, build_bytes, vba_modules, vba_project_bin
from cims_xl.excel.trust import UntrustedWorkbook, package_code, vba_modules_of
from cims_xl.services import records

UNTRUSTED = UntrustedWorkbook.exit_code
RELS = "xl/_rels/workbook.xml.rels"
CT = "[Content_Types].xml"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
ON_OPEN = 'Private Sub Workbook_Open()\r\n    Shell "sh /tmp/drop/run.sh"\r\nEnd Sub\r\n'


@pytest.fixture(scope="module")
def shipped() -> bytes:
    return build_bytes()


def _evil_project() -> bytes:
    n = 13
    return vba_project_bin([(k, name, src.rstrip("\r\n") + "\r\n" + ON_OPEN if name == WORKBOOK_CODE_NAME else src)
                            for k, name, src in vba_modules(n)])


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def _write(path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)


def _add_rel(rels: bytes, rid: str, rtype: str, target: str) -> bytes:
    return rels.replace(b"</Relationships>", f'<Relationship Id="{rid}" Type="{rtype}" '
                                             f'Target="{target}" /></Relationships>'.encode())


def _add_override(ct: bytes, part: str, content_type: str) -> bytes:
    return ct.replace(b"</Types>", f'<Override PartName="/{part}" ContentType="{content_type}" /></Types>'.encode())


def _moved(parts):                # the project moved; cims's clean one left behind, unreferenced
    parts[RELS] = parts[RELS].replace(b'Target="vbaProject.bin"', b'Target="media/vbaData.bin"')
    parts[CT] = parts[CT].replace(b'PartName="/xl/vbaProject.bin"', b'PartName="/xl/media/vbaData.bin"')
    parts["xl/media/vbaData.bin"] = _evil_project()
    return "xl/media/vbaData.bin"


def _second_rel(parts):           # a second vbaProject relationship from the workbook
    parts[RELS] = _add_rel(parts[RELS], "rIdX", VBA_REL, "extra/project2.bin")
    parts["xl/extra/project2.bin"] = _evil_project()
    return "xl/extra/project2.bin"


def _content_type_only(parts):    # no relationship: only [Content_Types].xml says what it is
    parts[CT] = _add_override(parts[CT], "xl/media/image9.bin", "application/vnd.ms-office.vbaProject")
    parts["xl/media/image9.bin"] = _evil_project()
    return "xl/media/image9.bin"


def _nothing_says_it(parts):      # neither relationship nor content type: a VBA storage by what it is
    parts["xl/printerSettings/printerSettings1.bin"] = _evil_project()
    return "xl/printerSettings/printerSettings1.bin"


def _case_variant(parts):         # the same part name in other case: OPC names ignore ASCII case
    del parts["xl/vbaProject.bin"]
    parts["xl/VBAProject.BIN"] = _evil_project()
    parts[RELS] = parts[RELS].replace(b'Target="vbaProject.bin"', b'Target="VBAPROJECT.bin"')
    return "Workbook_Open"


def _dot_dot_target(parts):       # a relative target climbing out of xl/
    parts[RELS] = parts[RELS].replace(b'Target="vbaProject.bin"', b'Target="../customUI/../docProps/thumb.bin"')
    parts["docProps/thumb.bin"] = _evil_project()
    return "docProps/thumb.bin"


@pytest.mark.parametrize("plant", [_moved, _second_rel, _content_type_only, _nothing_says_it, _case_variant,
                                   _dot_dot_target])
def test_a_vba_project_planted_away_from_xl_vbaproject_bin_is_refused_and_restore_leaves_only_cims_project(
        run, admin, tmp_path, shipped, plant):
    records.create(admin, "customer", {"name": "Oluwaseun Adeyemi", "city": "Lagos"})
    book = tmp_path / "book.xlsm"
    parts = _parts(shipped)
    named = plant(parts)
    _write(book, parts)
    before = book.read_bytes()
    for args in (("workbook", "check", str(book)), ("sync", str(book), "save"), ("sync", str(book), "refresh")):
        code, _out, err = run(*args)
        assert code == UNTRUSTED, (args, err)
        assert named in err, err
    assert book.read_bytes() == before

    code, out, err = run("sync", str(book), "refresh", "--restore-settings")
    assert code == 0, err
    assert "restored the VBA project cims ships" in out + err
    after = book.read_bytes()
    found = package_code(after)
    assert found.project == "xl/vbaProject.bin" and found.vba_parts == {"xl/vbaProject.bin"}
    assert not found.findings
    assert vba_modules_of(_parts(after)["xl/vbaProject.bin"]) == {n: s for _k, n, s in vba_modules(13)}
    rels = etree.fromstring(_parts(after)[RELS])
    assert [el.get("Target") for el in rels if el.get("Type") == VBA_REL] == ["vbaProject.bin"]
    assert run("workbook", "check", str(book))[0] == 0
    sheet = openpyxl.load_workbook(book)["Customers"]
    assert "Oluwaseun Adeyemi" in [row[1].value for row in sheet.iter_rows(min_row=2)]


def _macro_sheet(parts):
    parts[RELS] = _add_rel(parts[RELS], "rIdM", "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
                           "worksheets/sheet99.xml")
    parts[CT] = _add_override(parts[CT], "xl/worksheets/sheet99.xml", "application/vnd.ms-excel.macrosheet+xml")
    parts["xl/worksheets/sheet99.xml"] = (b'<xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/'
                                          b'main"><sheetData/></xm:macrosheet>')
    return "an Excel 4.0 macro sheet (xl/worksheets/sheet99.xml)"


def _ribbon_elsewhere(parts):
    name = next(n for n in parts if n.lower().startswith("customui/"))
    parts[name] = parts[name].replace(b'onAction="', b'onAction="\'\\\\share\\x\\tools.xlsm\'!Run', 1)
    return f"the ribbon ({name}) calls"


def _dde_link(parts):
    parts[RELS] = _add_rel(parts[RELS], "rIdE", "http://schemas.openxmlformats.org/officeDocument/2006/"
                                                "relationships/externalLink", "externalLinks/externalLink1.xml")
    parts["xl/externalLinks/externalLink1.xml"] = (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<ddeLink ddeService="cmd" ddeTopic="/c calc"/></externalLink>')
    return "a DDE link (xl/externalLinks/externalLink1.xml) to cmd"


def _activex(parts):
    parts["xl/activeX/activeX1.bin"] = b"\x00" * 64
    parts[CT] = _add_override(parts[CT], "xl/activeX/activeX1.bin", "application/vnd.ms-office.activeX")
    return "an ActiveX control (xl/activeX/activeX1.bin)"


@pytest.mark.parametrize("plant", [_macro_sheet, _ribbon_elsewhere, _dde_link, _activex])
def test_other_code_cims_does_not_write_is_named_wherever_it_sits_and_restore_does_not_hide_it(
        run, tmp_path, shipped, plant):
    book = tmp_path / "book.xlsm"
    parts = _parts(shipped)
    named = plant(parts)
    _write(book, parts)
    before = book.read_bytes()
    for args in (("workbook", "check", str(book)), ("sync", str(book), "save"),
                 ("sync", str(book), "save", "--restore-settings")):
        code, _out, err = run(*args)
        assert code == UNTRUSTED, (args, err)
        assert named in " ".join(err.split()), err
    assert book.read_bytes() == before
