"""Customers named with a company's legal form are companies (issue 14, tester round 19
finding 10): "Acme GmbH", "上海华联有限公司", "ООО «Ромашка»" were stored as Person. The
forms come from cleanco's list and the Chinese, Japanese and Korean company laws; only
a file without a Type column of its own is typed so, and the summary counts them."""

from __future__ import annotations

import pytest

from cims_xl.domain.legal_forms import legal_form
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

COMPANIES = ["Acme GmbH", "Weiß AG", "Müller & Söhne GmbH", "Dupont SARL", "Beta S.A.", "Rossi SRL",
             "Bianchi SpA", "Holzbau KG", "Smith Ltd", "Brightpath Inc.", "Northwind, LLC", "Tesco PLC",
             "Nordic AB", "Suomi Oy", "Kowalski Sp. z o.o.", "ООО «Ромашка»", "PT Maju Jaya", "Silva Ltda",
             "上海华联有限公司", "台积电股份有限公司", "株式会社トヨタ", "山田商事株式会社", "한빛 주식회사", "(주)대한",
             # Vietnamese and Thai forms written before (and Thai after) the name, and firms named for
             # a family or partners (tester round 20)
             "Công ty TNHH ABC", "Công ty Cổ phần XYZ", "Tổng công ty Điện lực", "CTCP Vinamilk",
             "บริษัท สยาม จำกัด", "บริษัทสยามจำกัด", "ปตท. จำกัด (มหาชน)", "ห้างหุ้นส่วนจำกัด ดีดี",
             "Müller & Söhne", "Smith and Sons", "Dupont & Fils", "Meyer & Co.", "Pérez e Hijos", "Rossi & Figli"]
PEOPLE = ["Anna Schmidt", "Nguyen Tien Dat", "Kim Ok", "Le Van Ba", "Anna Sa", "Maria Da Costa", "Jan As",
          "王伟", "山田太郎", "김민수", "José Ag", "Иван Петров",
          "Nguyễn Văn An", "Lê Công Ty", "สมชาย ใจดี", "Ann & Bob Smith", "Tom and Jerry Co"]


@pytest.mark.parametrize("name", COMPANIES)
def test_a_name_with_a_legal_form_in_any_language_has_one(name):
    assert legal_form(name)


@pytest.mark.parametrize("name", PEOPLE)
def test_a_persons_name_whose_last_word_is_also_a_short_form_has_none(name):
    assert legal_form(name) is None


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_customers_named_with_a_legal_form_are_companies_and_the_summary_counts_them(admin, tmp_path, writer):
    rows = [["Name", "Email"], *[[n, f"c{i}@example.com"] for i, n in enumerate(COMPANIES + PEOPLE)]]
    path = writer(tmp_path / ("c.csv" if writer is write_csv else "c.xlsx"), rows)
    result = import_file(admin, path)
    assert result.created == len(COMPANIES) + len(PEOPLE)
    types = {c["name"]: c["type"] for c in records.list_records(admin, "customer")}
    assert {n for n, t in types.items() if t == "Company"} == set(COMPANIES)
    line = next(i for i in result.inferences if i["what"] == "customer type")
    assert f"Company for {len(COMPANIES)} row(s)" in line["decided"] and "'GmbH' (2)" in line["decided"]
    assert "no Type column" in line["evidence"]


def test_a_files_own_type_column_decides_over_the_legal_form(admin, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Name", "Type"], ["Acme GmbH", "Person"], ["Jane Roe", ""],
                                          ["Beta AG", ""]])
    result = import_file(admin, path)
    types = {c["name"]: c["type"] for c in records.list_records(admin, "customer")}
    assert types == {"Acme GmbH": "Person", "Jane Roe": "Person", "Beta AG": "Person"}
    assert not any(i["what"] == "customer type" for i in result.inferences)


def test_customers_an_orders_file_creates_are_companies_by_their_legal_form(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["单据编号", "日期", "客户", "价税合计", "币别"],
                                          ["X1", "2024-03-05", "上海华联有限公司", "250.00", "人民币"],
                                          ["X2", "2024-03-28", "北京京东世纪贸易有限公司", "2400.00", "人民币"],
                                          ["X3", "2024-04-01", "王伟", "100.00", "人民币"]])
    result = import_file(admin, path, kind="orders")
    assert result.created == 3
    types = {c["name"]: c["type"] for c in records.list_records(admin, "customer")}
    assert types == {"上海华联有限公司": "Company", "北京京东世纪贸易有限公司": "Company", "王伟": "Person"}
    line = next(i for i in result.inferences if i["what"] == "customer type")
    assert "2 new customer(s)" in line["decided"]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_contacts_company_with_a_legal_form_is_a_company(admin, tmp_path, writer):
    rows = [["Vorname", "Nachname", "Firma", "E-Mail-Adresse"],
            ["Jürgen", "Müller", "Müller & Söhne GmbH", "j@example.de"],
            ["Anna", "Weiß", "Weiß AG", "a@example.at"],
            ["Luca", "Rossi", "Rossi SRL", "l@example.it"]]
    import_file(admin, writer(tmp_path / ("k.csv" if writer is write_csv else "k.xlsx"), rows), kind="contacts")
    types = {c["name"]: c["type"] for c in records.list_records(admin, "customer")}
    assert types == {"Müller & Söhne GmbH": "Company", "Weiß AG": "Company", "Rossi SRL": "Company"}
