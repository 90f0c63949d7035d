"""Amounts in a currency without a minor unit (ISO 4217 exponent 0, babel's precision:
JPY, KRW, VND) read per value (issue 14, "never silently wrong"): a separator before
exactly three digits groups thousands whatever the column's decimal mark, and an amount
that would need a fraction in such a currency is refused for its row, never rounded."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services.records import list_records


def _orders(admin) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])).normalize(), o["currency"])
            for o in list_records(admin, "order")}


def _csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _d(text: str) -> Decimal:
    return Decimal(text).normalize()


@pytest.mark.parametrize("lines,expected", [
    pytest.param(["Order ID,Customer,Order Date,Amount,Currency", "A-1,Ann Lee,2026-03-01,12.50,USD",
                  "A-2,Nguyen An,2026-03-02,12.000,VND", "A-3,Sato Ken,2026-03-03,1.200,JPY",
                  "A-4,Kim Min,2026-03-04,15.000,KRW"],
                 {"A-1": ("12.5", "USD"), "A-2": ("12000", "VND"), "A-3": ("1200", "JPY"), "A-4": ("15000", "KRW")},
                 id="point-column"),
    pytest.param(["Order ID;Customer;Order Date;Amount;Currency", "B-1;Anna Berg;2026-03-01;12,50;EUR",
                  "B-2;Tran Binh;2026-03-02;12,000;VND", "B-3;Mori Aiko;2026-03-03;1,200;JPY"],
                 {"B-1": ("12.5", "EUR"), "B-2": ("12000", "VND"), "B-3": ("1200", "JPY")}, id="comma-column"),
    pytest.param(["Order ID,Customer,Order Date,Amount", "C-1,Ann Lee,2026-03-01,$9.99",
                  "C-2,Kim Min,2026-03-02,₩1.500", "C-3,Lee Seo,2026-03-03,1.500 KRW"],
                 {"C-1": ("9.99", "USD"), "C-2": ("1500", "KRW"), "C-3": ("1500", "KRW")}, id="named-in-value"),
    pytest.param(["Order ID,Customer,Order Date,Amount", "D-1,Ann Lee,2026-03-01,12.50 USD",
                  "D-2,Nguyen An,2026-03-02,12.000 ₫", "D-3,Tran Binh,2026-03-03,12.000 VNĐ"],
                 {"D-1": ("12.5", "USD"), "D-2": ("12000", "VND"), "D-3": ("12000", "VND")}, id="dong-signs"),
])
def test_a_separator_before_three_digits_groups_thousands_in_a_currency_without_minor_unit(
        admin, tmp_path, lines, expected):
    import_file(admin, _csv(tmp_path / "orders.csv", lines), kind="orders")
    assert _orders(admin) == {k: (_d(a), c) for k, (a, c) in expected.items()}


def test_the_currency_option_makes_a_yen_sign_group_thousands_beside_a_point_column(admin, tmp_path):
    path = _csv(tmp_path / "yen.csv", ["Order ID,Customer,Order Date,Amount", "E-1,Ann Lee,2026-03-01,¥9.5",
                                       "E-2,Bo Li,2026-03-02,¥1.500"])
    result = import_file(admin, path, kind="orders", currency="JPY")
    assert _orders(admin).get("E-2") == (_d("1500"), "JPY")
    # 9.5 yen needs a fraction the yen does not have: refused, not rounded
    assert result.rejected == 1 and "E-1" not in _orders(admin)


@pytest.mark.parametrize("lines,refused,reason", [
    pytest.param(["受注番号,取引先,受注日,金額", 'R-1,大阪商会,2025/01/10,"¥1,200.50"', 'R-2,神戸精機,2025/01/11,"¥3,000"'],
                 "R-1", "1200.5", id="japanese-file"),
    pytest.param(["Order ID,Customer,Order Date,Amount,Currency", 'K-1,Kim Min,2026-03-01,"12,345.50",KRW',
                  "K-2,Ann Lee,2026-03-02,7.25,USD"], "K-1", "12345.5", id="currency-column"),
    pytest.param(["Order ID;Customer;Order Date;Amount;Currency", "S-1;Kim Min;2026-03-01;1,5;KRW",
                  "S-2;Anna Berg;2026-03-02;3,75;EUR"], "S-1", "1.5", id="decimal-comma"),
])
def test_an_amount_needing_a_fraction_in_such_a_currency_is_refused_with_the_reason(
        admin, tmp_path, lines, refused, reason):
    result = import_file(admin, _csv(tmp_path / "frac.csv", lines), kind="orders")
    got = _orders(admin)
    assert refused not in got and result.rejected == 1 and len(got) == 1
    said = " ".join(str(o) for o in result.outcomes)
    assert "no minor unit" in said and reason in said


def _ods_cell(text: str, attrs: str = 'office:value-type="string"') -> str:
    return f"<table:table-cell {attrs}><text:p>{escape(text)}</text:p></table:table-cell>"


def test_an_ods_yen_cell_with_a_fraction_is_refused_not_stored(admin, tmp_path):
    from hostile_files import ods

    money = 'office:value-type="currency" office:value="{}" office:currency="JPY"'
    rows = [[_ods_cell(h) for h in ("Order No", "Customer", "Order Date", "Amount")],
            [_ods_cell("J-1"), _ods_cell("Osaka KK"), _ods_cell("2024-03-08"), _ods_cell("￥1,200", money.format("1200.4"))],
            [_ods_cell("J-2"), _ods_cell("Kobe KK"), _ods_cell("2024-03-09"), _ods_cell("￥800", money.format("800"))]]
    path = ods(tmp_path / "yen.ods", "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows))
    result = import_file(admin, path, kind="orders")
    assert _orders(admin) == {"J-2": (_d("800"), "JPY")} and result.rejected == 1


# ----- messages ------------------------------------------------------------------------------

def test_the_decimal_advice_shows_the_files_own_backslash_amounts(admin, tmp_path):
    path = _csv(tmp_path / "utf8.csv", ["Order No,Customer,Order Date,Amount",
                                        r'B-1,Ann Lee,2025-04-01,"\1,200"', r'B-2,Bo Li,2025-04-02,"\3,500"'])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    message = str(stop.value)
    assert r"--decimal point: '\1,200' is 1200" in message and r"--decimal comma: '\1,200' is 1.2" in message
    assert "1.234" not in message


def test_a_shared_sign_beside_another_currency_says_the_sign_and_the_currency_disagree(admin, tmp_path):
    path = _csv(tmp_path / "sjis.csv", ["注文番号,顧客名,注文日,金額,通貨", r'N-1,株式会社青葉,2025/04/01,"\2,500",USD',
                                        "N-2,緑川産業,2025/04/02,800,USD"], "cp932")
    result = import_file(admin, path, kind="orders")
    said = " ".join(str(o.problems) for o in result.outcomes if o.action == "rejected")
    assert result.rejected == 1 and "is CNY" not in said
    assert "the sign and the Currency disagree" in said and "JPY" in said


def test_mixed_language_evidence_is_said_in_plain_words(admin, tmp_path):
    from cims_xl.importer.errors import AmbiguousCurrency

    path = _csv(tmp_path / "mixed.csv", ["订单号,客户,日期,金额,备注", 'M-1,王芳,2025-03-01,"¥1,200.50",発送済み',
                                         "M-2,李雷,2025-03-02,¥300,キャンセル"])
    with pytest.raises(AmbiguousCurrency) as stop:
        import_file(admin, path, kind="orders")
    message = str(stop.value)
    assert "none of them by" not in message and "only none of them" not in message
    assert "no one language by its Chinese characters" in message and "Japanese by kana" in message


def test_a_cell_formatted_in_dollars_beside_a_euro_currency_says_so(admin, tmp_path):
    from hostile_files import ods

    rows = [[_ods_cell(h) for h in ("Order No", "Customer", "Order Date", "Amount", "Currency")],
            [_ods_cell("U-1"), _ods_cell("Ann Lee"), _ods_cell("2024-03-05"),
             _ods_cell("$12.00", 'office:value-type="currency" office:value="12" office:currency="USD"'), _ods_cell("EUR")]]
    path = ods(tmp_path / "usd.ods", "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows))
    result = import_file(admin, path, kind="orders")
    said = " ".join(str(o.problems) for o in result.outcomes)
    assert result.rejected == 1
    assert "the cell is formatted as US dollars (USD) but the Currency column says EUR" in said


@pytest.mark.parametrize("lines,decimal,expected", [
    pytest.param(["Order ID,Customer,Order Date,Amount,Currency", "A-1,Ann Lee,2026-03-01,12.50,USD",
                  "A-2,Sato Ken,2026-03-02,1.200,JPY", "A-3,Bo Li,2026-03-03,1.500,USD"], "point",
                 {"A-1": ("12.5", "USD"), "A-2": ("1200", "JPY"), "A-3": ("1.5", "USD")}, id="point"),
    pytest.param(["Order ID;Customer;Order Date;Amount;Currency", "B-1;Anna Berg;2026-03-01;12,50;EUR",
                  "B-2;Kim Min;2026-03-02;15,000;KRW", "B-3;Jan Vos;2026-03-03;2,500;EUR"], "comma",
                 {"B-1": ("12.5", "EUR"), "B-2": ("15000", "KRW"), "B-3": ("2.5", "EUR")}, id="comma"),
])
def test_the_same_form_read_as_thousands_and_as_decimals_in_one_column_stops_and_asks(
        admin, tmp_path, lines, decimal, expected):
    path = _csv(tmp_path / "both.csv", lines)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    message = str(stop.value)
    assert "no minor unit" in message and "--decimal" in message and lines[3].split(lines[0][8])[3] in message
    assert _orders(admin) == {}
    import_file(admin, path, kind="orders", decimal=decimal)
    assert _orders(admin) == {k: (_d(a), c) for k, (a, c) in expected.items()}


@pytest.mark.parametrize("value,row_currency,expected", [
    ("12.000 ₫", None, ("12000", "VND")), ("12.000 VNĐ", None, ("12000", "VND")), ("₩1.500", None, ("1500", "KRW")),
    ("1.200", "JPY", ("1200", None)), ("-15,000", "KRW", ("-15000", None)), ("12.50", "JPY", None),
    ("1,200", "USD", None), ("€1.200", None, None), ("1.234.567", "VND", None), ("990,50 Ft", None, None),
])
def test_only_a_three_digit_group_in_a_currency_without_minor_unit_reads_as_thousands(value, row_currency, expected):
    from cims_xl.domain.money import whole_currency_reading

    got = whole_currency_reading(value, row_currency)
    assert (None if got is None else (got.amount, got.currency)) == (
        None if expected is None else (Decimal(expected[0]), expected[1]))


@pytest.mark.parametrize("amount,code,refused", [
    (Decimal("1200.50"), "JPY", True), (1.5, "KRW", True), (Decimal("1200.00"), "JPY", False),
    (Decimal("990.50"), "HUF", False), (Decimal("12.5"), "USD", False), (Decimal("7"), "VND", False),
])
def test_a_fraction_is_refused_only_in_a_currency_without_minor_unit(amount, code, refused):
    from cims_xl.domain.money import whole_currency_problem

    problem = whole_currency_problem(amount, code)
    assert (problem is not None) == refused
    assert problem is None or ("no minor unit" in problem and code in problem)
