"""Every worksheet function reads its text arguments (query, stage, currency, field, id)
as Excel shows the cell, through one reader.

Found by a fresh tester (try27w item 2): xlwings passes a number cell as a float and a
range as a list of lists; CIMS_COUNT(4155550100.0) searched the text "4155550100.0" and
answered 0, CIMS_COUNT(A2:B2) searched "[['Alice', 'Boston']]" and answered 0, TRUE
answered 0, and CIMS_PIPELINE([["Proposal","Won"]]) showed a Python list in its cell."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records, settings


@pytest.fixture
def shop(admin):
    settings.set_store_currency(admin, "USD")
    alice = records.create(admin, "customer", {"name": "Alice Smith", "city": "Boston", "country": "US",
                                                "phone": "+1 415 555 0100", "notes": "old id 12520"})["id"]
    wang = records.create(admin, "customer", {"name": "王小明", "city": "上海", "country": "CN",
                                               "notes": "ref 0.3"})["id"]
    records.create(admin, "customer", {"name": "Tanaka Taro", "city": "Tokyo", "country": "JP",
                                       "phone": "+81 3 1234 5678", "notes": "code 123456789012345"})
    records.create(admin, "order", {"customer_id": alice, "order_date": "2025-03-04", "amount": Decimal("10"),
                                    "currency": "USD"})
    records.create(admin, "opportunity", {"customer_id": wang, "name": "Deal", "stage": "Proposal",
                                          "amount": Decimal("100"), "currency": "USD", "probability": 50,
                                          "expected_close": "2026-12-30"})
    return admin


@pytest.mark.parametrize("cell, text", [
    (4155550100.0, "4155550100"),             # a phone typed into a number cell
    (12520.0, "12520"),                       # an old id typed into a number cell
    (0.1 + 0.2, "0.3"),                       # a computed fraction as General shows it (15 digits)
    (123456789012345.0, "123456789012345"),   # 15 digits: still its digits
    (81312345678.0, "81312345678"),
])
def test_a_number_cell_counts_and_finds_what_its_general_format_text_does(shop, cell, text):
    as_text = wf.cims_count(text, session=shop)
    assert isinstance(as_text, int) and as_text >= 1, as_text
    assert wf.cims_count(cell, session=shop) == as_text
    assert wf.cims_find(cell, "ID", session=shop) == wf.cims_find(text, "ID", session=shop)


@pytest.mark.parametrize("cell, text", [
    (4155550100.0, "4155550100"), (7.25, "7.25"), (0.1 + 0.2, "0.3"), (-0.0, "0"), (1e20, "1E+20"),
    (1234567890123456789.0, "1.23456789012346E+18"), (1e-10, "1E-10"), (0.000123, "0.000123"), (42, "42"),
])
def test_the_reader_gives_a_number_as_excel_general_format_text(cell, text):
    assert wf.cell_text(cell, "query") == text


@pytest.mark.parametrize("cell, shown", [(True, "TRUE"), (False, "FALSE")])
def test_true_or_false_as_a_query_is_refused_in_words_not_counted_as_0(shop, cell, shown):
    for said in (wf.cims_count(cell, session=shop), wf.cims_find(cell, "ID", session=shop)):
        assert isinstance(said, str) and said.startswith("#CIMS: ") and "one cell of text" in said, said
        assert shown in said


@pytest.mark.parametrize("cells, n", [([["Alice", "Boston"]], 2), ([["city:Boston"], ["city:Tokyo"]], 2),
                                      (["a", "b", "c"], 3)])
def test_a_range_of_several_cells_as_a_query_is_refused_naming_how_many_cells(shop, cells, n):
    for said in (wf.cims_count(cells, session=shop), wf.cims_find(cells, "ID", session=shop)):
        assert isinstance(said, str) and f"range of {n} cells" in said and "[" not in said, said


@pytest.mark.parametrize("cell", [[["city:Boston"]], ["city:Boston"], [[4155550100.0]]])
def test_a_one_cell_range_is_that_cell(shop, cell):
    assert wf.cims_count(cell, session=shop) == 1
    assert wf.cims_find(cell, "ID", session=shop) == [["ID"], ["C-000001"]]


@pytest.mark.parametrize("error", ["#N/A", "#VALUE!", "#REF!"])
def test_an_error_cell_is_refused_naming_the_error_never_searched(shop, error):
    said = wf.cims_count(error, session=shop)
    assert isinstance(said, str) and error in said and "one cell of text" in said, said


def test_a_stage_range_is_refused_without_a_python_list_and_a_one_cell_range_is_its_stage(shop):
    said = wf.cims_pipeline([["Proposal", "Won"]], session=shop)
    assert isinstance(said, str) and "range of 2 cells" in said and "[" not in said and "'" not in said, said
    assert wf.cims_pipeline([["Proposal"]], session=shop) == wf.cims_pipeline("Proposal", session=shop)
    assert "TRUE" in wf.cims_pipeline(True, session=shop)


def test_a_currency_or_field_given_as_a_range_or_boolean_is_refused_in_words(shop):
    assert "range of 2 cells" in wf.cims_ltv("C-000001", [["USD", "EUR"]], session=shop)
    assert wf.cims_ltv("C-000001", [["USD"]], session=shop) == 10.0
    assert "FALSE" in wf.cims_ltv("C-000001", False, session=shop)
    said = wf.cims_get("C-000001", [["City", "Name"]], session=shop)
    assert "range of 2 cells" in said and "[" not in said, said
    assert wf.cims_get("C-000001", [["City"]], session=shop) == "Boston"
    assert "TRUE" in wf.cims_get("C-000001", True, session=shop)


def test_an_id_given_as_a_one_cell_range_or_boolean_is_read_by_the_same_reader(shop):
    assert "Alice Smith" in wf.cims_360([["C-000001"]], session=shop)
    assert wf.cims_360([[None]], session=shop) == ""
    assert "TRUE" in wf.cims_360(True, session=shop)
    assert "TRUE" in wf.cims_get(True, "City", session=shop)
