"""Text tables written by other systems' rules: Excel's ="…" text wrapper (Taobao, JD, Alipay,
ERP exports) is the text inside it; database exports (MySQL OUTFILE, PostgreSQL COPY) write
NULL as \\N and escape quotes with a backslash. Each is decided on the file's evidence and said."""
from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def _said(result, what: str) -> str:
    return " ".join(f"{i['decided']} {i['evidence']}" for i in result.inferences if i["what"] == what)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_excel_text_wrappers_around_ids_codes_phones_and_amounts_are_the_text_inside(admin, tmp_path, delimiter):
    d = delimiter
    path = tmp_path / "c.csv"
    path.write_text(d.join(["客户编号", "姓名", "手机", "邮编", "国家"]) + "\n"
                    + d.join(['="007"', "王小明", '="13912345678"', '="010010"', "中国"]) + "\n"
                    + d.join(['"=""008"""', "李华", '"=""13812345678"""', '"=""200001"""', "中国"]) + "\n",
                    encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.warnings) == (2, 0)
    got = {c["name"]: (c["tags"], c["mobile"], c["postal_code"], c["notes"]) for c in records.list_records(admin, "customer")}
    assert got == {"王小明": ("src:007", "+8613912345678", "010010", None),
                   "李华": ("src:008", "+8613812345678", "200001", None)}
    assert "00124" in _said(result, "Excel text wrappers")


def test_an_order_file_with_wrapped_order_numbers_and_amounts_stores_the_numbers_and_amounts(admin, tmp_path):
    path = tmp_path / "o.csv"
    path.write_text('Order No,Customer,Order Date,Amount,Currency\n'
                    '="00124",Ann Lee,2024-03-05,"=""120.50""",EUR\n'
                    '="0000987654321098765",Bob Ray,2024-03-06,="99.00",EUR\n', encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    got = {o["order_number"]: o["amount"] for o in records.list_records(admin, "order")}
    assert got == {"00124": Decimal("120.50"), "0000987654321098765": Decimal("99.00")}


def test_a_real_formula_is_not_taken_for_a_text_wrapper(admin, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('Name,Company,Postal Code\nAnn Lee,="Acme"&B2,="02134"\n'
                    'Bob Ray,"=HYPERLINK(""http://x.example"")",="10115"\n', encoding="utf-8")
    import_file(admin, path)
    got = {c["name"]: (c["company"] or "", c["postal_code"]) for c in records.list_records(admin, "customer")}
    assert got["Ann Lee"][1] == "02134" and got["Bob Ray"][1] == "10115"
    # the formulas are not read as their quoted text (="Acme"&"Ltd", literals only, is what Excel shows:
    # AcmeLtd, test_import_text_concatenations; a cell reference is a formula)
    assert got["Ann Lee"][0] not in ("Acme", "AcmeB2") and "http" not in (got["Bob Ray"][0] or "").split("(")[0]


@pytest.mark.parametrize("delimiter,suffix", [(",", "csv"), ("\t", "tsv"), (";", "csv")])
def test_database_nulls_are_empty_cells_and_backslash_escaped_quotes_are_quotes(admin, tmp_path, delimiter, suffix):
    d = delimiter
    path = tmp_path / f"dump.{suffix}"
    path.write_text(d.join(["name", "email", "phone", "company", "city"]) + "\n"
                    + d.join(['"Ann Lee"', '"ann@x.com"', "\\N", "\\N", '"Berlin"']) + "\n"
                    + d.join(['"Bob Ray"', "\\N", '"+4930123456"', '"Acme \\"Best\\" GmbH"', "\\N"]) + "\n"
                    + d.join(['"Cé Dúr"', "\\N", "\\N", '"Back\\\\slash AG"', "\\N"]) + "\n", encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.warnings) == (3, 0)
    got = {c["name"]: (c["email"], c["phone"], c["company"], c["city"]) for c in records.list_records(admin, "customer")}
    assert got == {"Ann Lee": ("ann@x.com", None, None, "Berlin"),
                   "Bob Ray": (None, "+4930123456", 'Acme "Best" GmbH', None),
                   "Cé Dúr": (None, None, "Back\\slash AG", None)}
    assert "\\N" in _said(result, "database NULLs")


def test_a_file_that_doubles_its_quotes_keeps_its_backslashes_as_text(admin, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('Name,Company,Notes\n"Ann Lee","Acme ""Best"" Ltd","C:\\\\share\\"x"\n'
                    '"Bob Ray",\\N,"path C:\\temp"\n', encoding="utf-8")
    import_file(admin, path)
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert got["Ann Lee"]["company"] == 'Acme "Best" Ltd'
    assert "C:\\temp" in got["Bob Ray"]["notes"] and got["Bob Ray"]["company"] is None


@pytest.mark.parametrize("delimiter,suffix", [("\t", "tsv"), (",", "csv")])
def test_mysql_escapes_of_line_breaks_tabs_and_nul_in_a_database_dump_are_those_characters(admin, tmp_path,
                                                                                            delimiter, suffix):
    d = delimiter
    path = tmp_path / f"dump.{suffix}"
    path.write_text(d.join(["Name", "City", "Phone", "Notes"]) + "\n"
                    + d.join(['Acme \\"Best\\" Ltd', "\\N", "\\N", "line1\\nline2\\r\\nline3"]) + "\n"
                    + d.join(["Bob\\tRay", "Paris", "\\N", "C:\\\\new\\\\table\\0"]) + "\n"
                    + d.join(["Jürgen Weiß", "Köln", "\\N", "a \\\\n is a backslash and n"]) + "\n",
                    encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (3, 0)
    got = {c["name"]: c["notes"] for c in records.list_records(admin, "customer")}
    assert got == {'Acme "Best" Ltd': "line1\nline2\nline3",
                   "Bob Ray": "C:\\new\\table", "Jürgen Weiß": "a \\n is a backslash and n"}
    assert "\\n a line break" in _said(result, "quote escapes")
