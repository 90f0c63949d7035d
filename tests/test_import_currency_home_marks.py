"""An amount like "12.000" reads two ways (twelve thousand, or twelve with three
decimals). The currency it is in settles it when that currency is named — in the cell
("12.000 VNĐ", "Rp 15.000", "1.500 TRY") or in the row's Currency column ("15.000" with
Currency IDR) — and every place where it is legal tender writes one decimal mark, or it
has no minor unit (VND, IDR, COP: CLDR via babel). A currency whose places disagree
(EUR, CHF, USD) settles nothing: the import stops and names --decimal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import AmbiguousNumbers
from cims_xl.importer.run import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])), o["currency"])
            for o in records.list_records(session, "order")}


def _file(tmp_path, amounts: list[str], currencies: list[str] | None = None, writer=write_csv):
    head = ["Order ID", "Order Date", "Customer Name", "Amount"] + (["Currency"] if currencies else [])
    rows = [head] + [[f"N-{i + 1}", f"2026-03-{i + 1:02d}", "Test Ltd", a] + ([currencies[i]] if currencies else [])
                     for i, a in enumerate(amounts)]
    return writer(tmp_path / f"orders.{'csv' if writer is write_csv else 'xlsx'}", rows)


def _said(result) -> str:
    (line,) = [i for i in result.inferences if i["what"] == "decimal mark in 'Amount'"]
    return line["evidence"]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("amounts, code, expected", [
    (["12.000 VNĐ", "150.000 VNĐ"], "VND", ["12000", "150000"]),          # the Vietnamese spelling of VND
    (["VNĐ 12.000", "2.500 vnđ"], "VND", ["12000", "2500"]),
    (["12.000 VND", "150.000 ₫"], "VND", ["12000", "150000"]),
    (["Rp 15.000", "Rp2.500"], "IDR", ["15000", "2500"]),
    (["COP 1.500", "2.000 COP"], "COP", ["1500", "2000"]),
])
def test_a_currency_named_in_the_cell_settles_its_separator(admin, tmp_path, writer, amounts, code, expected):
    import_file(admin, _file(tmp_path, amounts, writer=writer), kind="orders")
    got = _orders(admin)
    assert [got[f"N-{i + 1}"] for i in range(len(amounts))] == [(Decimal(e), code) for e in expected]


@pytest.mark.parametrize("amounts, currencies, expected", [
    (["15.000", "2.500"], ["IDR", "IDR"], ["15000", "2500"]),              # no minor unit
    (["12.000", "150.000"], ["VNĐ", "VND"], ["12000", "150000"]),
    (["1.500", "2.000"], ["TRY", "TRY"], ["1500", "2000"]),                # Türkiye writes a decimal comma
    (["1,500", "2,000"], ["THB", "THB"], ["1500", "2000"]),                # Thailand a decimal point
    (["1.500", "2.000"], ["BRL", "R$"], ["1500", "2000"]),
])
def test_a_currency_named_in_the_rows_currency_column_settles_its_separator(admin, tmp_path, amounts, currencies,
                                                                            expected):
    path = _file(tmp_path, amounts, currencies)
    dry = import_file(admin, path, kind="orders", dry_run=True)
    assert "row's Currency" in _said(dry) and f"'{amounts[0]}'" in _said(dry)
    import_file(admin, path, kind="orders")
    got = _orders(admin)
    assert [got[f"N-{i + 1}"][0] for i in range(len(amounts))] == [Decimal(e) for e in expected]


@pytest.mark.parametrize("amounts, currencies", [
    (["EUR 1.234", "EUR 2.500"], None),            # Germany 1.234,00 but Ireland 1,234.00
    (["1.234", "2.500"], ["EUR", "EUR"]),
    (["1.500", "2.000"], ["CHF", "CHF"]),          # de_CH "." beside fr_CH ","
    (["1.500", "2.000"], ["IDR", "EUR"]),          # one row settles, the other does not
    (["15.000", "2,500"], ["IDR", "IDR"]),         # both separators: none of them settles the column
])
def test_a_currency_whose_places_write_different_marks_settles_nothing(admin, tmp_path, amounts, currencies):
    path = _file(tmp_path, amounts, currencies)
    with pytest.raises(AmbiguousNumbers) as stop:
        import_file(admin, path, kind="orders")
    assert "'Amount'" in str(stop.value) and "--decimal" in str(stop.value)
    assert _orders(admin) == {}
    import_file(admin, path, kind="orders", decimal="comma")
    assert _orders(admin)["N-1"][0] in (Decimal("1234"), Decimal("1500"), Decimal("15000"))


def test_chinas_decimal_mark_comes_from_cldrs_locale_with_its_script(admin, tmp_path):
    """CLDR names China's locale zh_Hans_CN, not zh_CN: the yuan's home mark is "." and
    "¥1,200" from China is 1200 yuan without asking for --decimal."""
    from cims_xl.domain.money import decimal_mark_at_home

    assert [decimal_mark_at_home(c) for c in ("CNY", "TWD", "HKD", "JPY")] == [".", ".", ".", "."]
    path = tmp_path / "yen_cn.csv"
    path.write_text('Order No,Order Date,Customer,Amount,Country\nA1,2026-03-05,Li Na,"¥1,200",China\n'
                    'A2,2026-03-06,Wang Wei,"¥2,500",China\n', encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    assert sorted((str(o["amount"]), o["currency"]) for o in records.list_records(admin, "order")) == [
        ("1200", "CNY"), ("2500", "CNY")]
