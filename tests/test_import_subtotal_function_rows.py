"""Excel's Data > Subtotal rows with COUNT, AVERAGE, MAX or MIN ("Acme Count", "Beta Anzahl",
"华为 计数", "小米 平均值", "Acme Max", "Grand Count", "Gesamtergebnis") are skipped as
subtotal rows like SUM rows are, counted in the summary, when their number is that
function of the group's (or the whole table's) amounts; no order is lost or added."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv


def _stored(session) -> dict[str, Decimal]:
    return {o["order_number"]: o["amount"] for o in records.list_records(session, "order")}


CASES = [
    (["Order ID", "Date", "Customer", "Amount"], "Count", "Grand Count", ["2", "1", "3"], "USD"),
    (["Order ID", "Date", "Customer", "Amount"], "Average", "Grand Average", ["150", "50", "116.67"], "USD"),
    (["Order ID", "Date", "Customer", "Amount"], "Max", "Grand Max", ["200", "50", "200"], "USD"),
    (["Order ID", "Date", "Customer", "Amount"], "Min", "Grand Min", ["100", "50", "50"], "USD"),
    (["Auftrag", "Datum", "Kunde", "Betrag"], "Anzahl", "Gesamtanzahl", ["2", "1", "3"], "EUR"),
    (["Auftrag", "Datum", "Kunde", "Betrag"], "Mittelwert", "Gesamtmittelwert", ["150", "50", "116.67"], "EUR"),
    (["Auftrag", "Datum", "Kunde", "Betrag"], "Ergebnis", "Gesamtergebnis", ["300", "50", "350"], "EUR"),
    (["订单号", "日期", "客户", "金额"], "计数", "总计数", ["2", "1", "3"], "CNY"),
    (["订单号", "日期", "客户", "金额"], "平均值", "总平均值", ["150", "50", "116.67"], "CNY"),
    (["注文番号", "日付", "顧客名", "金額"], "最大", "総計 最大", ["200", "50", "200"], "JPY"),
]


@pytest.mark.parametrize("head, word, grand, figures, currency", CASES)
def test_excel_subtotal_rows_of_any_function_are_skipped_as_subtotals(admin, tmp_path, head, word, grand, figures,
                                                                       currency):
    settings.set_store_currency(admin, currency)
    f = write_csv(tmp_path / "o.csv", [head,
                                       ["1", "2024-03-05", "Acme", "100"],
                                       ["2", "2024-03-06", "Acme", "200"],
                                       ["", "", f"Acme {word}", figures[0]],
                                       ["3", "2024-03-07", "Beta", "50"],
                                       ["", "", f"Beta {word}", figures[1]],
                                       ["", "", grand, figures[2]]])
    result = import_file(admin, f, kind="orders")
    assert _stored(admin) == {"1": Decimal("100"), "2": Decimal("200"), "3": Decimal("50")}
    assert result.rejected == 0
    said = " ".join(f"{i['what']} {i['decided']}" for i in result.inferences)
    assert "subtotal rows" in said and "4, 6, 7" in said


def test_a_count_labelled_row_whose_number_is_no_count_of_the_group_is_not_skipped(admin, tmp_path):
    settings.set_store_currency(admin, "USD")
    f = write_csv(tmp_path / "o.csv", [["Order ID", "Date", "Customer", "Amount"],
                                       ["1", "2024-03-05", "Acme", "100"],
                                       ["2", "2024-03-06", "Acme", "200"],
                                       ["3", "2024-03-07", "Acme Count", "7"]])
    import_file(admin, f, kind="orders")
    assert _stored(admin) == {"1": Decimal("100"), "2": Decimal("200"), "3": Decimal("7")}
