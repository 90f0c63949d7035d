"""What is typed beside an amount that is not the amount: magnitude suffixes (``10k``,
``$1.5M``, ``€3m``, ``1.2bn``, ``1,5 Mio. €``; Korean ``120만원``, ``3억``, ``1.5천만원``) are read
as the number they say on the column's evidence, never dropped; tax notes (``1,200円（税込）``,
``zzgl. MwSt.``, ``TTC``) are left out and said, and a column mixing amounts with and without
tax stops the import."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_table


def _deals(session) -> dict[str, tuple[Decimal, str]]:
    return {o["name"]: (o["amount"], o["currency"]) for o in records.list_records(session, "opportunity")}


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_deal_values_typed_with_k_m_and_bn_suffixes_are_stored_as_the_whole_number(admin, tmp_path, fmt):
    f = write_table(tmp_path, fmt, [
        ["Deal Name", "Organization", "Value", "Stage", "Expected Close Date", "Currency"],
        ["Alpha", "Acme Ltd", "10k", "Negotiation", "2024-06-30", "USD"],
        ["Beta", "Beta Ltd", "$1.5M", "Proposal", "2024-07-31", "USD"],
        ["Gamma", "Gamma Ltd", "2.5K", "Qualified", "2024-08-31", "USD"],
        ["Delta", "Delta GmbH", "€3m", "Qualified", "2024-08-31", "EUR"],
        ["Epsilon", "Eps Ltd", "1.2bn", "Lead", "2024-09-30", "USD"],
        ["Zeta", "Zeta Ltd", "750", "Lead", "2024-09-30", "USD"]])
    dry = import_file(admin, f, kind="opportunities", dry_run=True)
    said = [i["decided"] for i in dry.inferences if i["what"] == "magnitude suffixes in 'Value'"]
    assert said and said[0].startswith("5 amount(s)")
    result = import_file(admin, f, kind="opportunities")
    assert (result.created, result.rejected) == (6, 0)
    assert _deals(admin) == {"Alpha": (Decimal("10000"), "USD"), "Beta": (Decimal("1500000"), "USD"),
                             "Gamma": (Decimal("2500"), "USD"), "Delta": (Decimal("3000000"), "EUR"),
                             "Epsilon": (Decimal("1200000000"), "USD"), "Zeta": (Decimal("750"), "USD")}


def test_german_mio_and_tsd_amounts_with_a_decimal_comma_are_read_with_their_scale(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Kunde", "Auftragsnummer", "Datum", "Betrag"],
        ["Müller GmbH", "A1", "2024-03-05", "1,5 Mio. €"],
        ["Schmidt AG", "A2", "2024-03-06", "20 Tsd. €"],
        ["Weber KG", "A3", "2024-03-07", "3,25 Mio. €"]])
    result = import_file(admin, f, kind="orders")
    assert result.rejected == 0
    assert _orders(admin) == {"A1": (Decimal("1500000"), "EUR"), "A2": (Decimal("20000"), "EUR"),
                              "A3": (Decimal("3250000"), "EUR")}


def test_an_amount_column_with_m_beside_unit_words_stops_naming_the_column_and_both_kinds(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Customer", "Order No", "Order Date", "Amount", "Currency"],
        ["Ann Lee", "1", "2024-03-05", "10m", "USD"],
        ["Bob Ray", "2", "2024-03-06", "5 min", "USD"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    assert "'Amount'" in stop.value.message and "'10m'" in stop.value.message and "'5 min'" in stop.value.message
    assert "USD 10" not in stop.value.message
    assert records.list_records(admin, "order") == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_korean_man_eok_and_cheon_amounts_are_read_as_chinese_wan_is(admin, tmp_path, fmt):
    f = write_table(tmp_path, fmt, [
        ["고객명", "주문번호", "주문일", "금액"],
        ["김민수", "K1", "2024-03-05", "120만원"],
        ["이영희", "K2", "2024-03-06", "3억"],
        ["박지훈", "K3", "2024-03-07", "1.5천만원"],
        ["최수진", "K4", "2024-03-08", "5천원"],
        ["정하늘", "K5", "2024-03-09", "35,000원"]])
    dry = import_file(admin, f, kind="orders", currency="KRW", dry_run=True)
    said = [i["decided"] for i in dry.inferences if i["what"] == "number words in '금액'"]
    assert said and "'120만원' = 1,200,000" in said[0]
    import_file(admin, f, kind="orders", currency="KRW")
    assert _orders(admin) == {"K1": (Decimal("1200000"), "KRW"), "K2": (Decimal("300000000"), "KRW"),
                              "K3": (Decimal("15000000"), "KRW"), "K4": (Decimal("5000"), "KRW"),
                              "K5": (Decimal("35000"), "KRW")}


def test_chinese_compound_number_words_are_read(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["客户名称", "订单号", "下单日期", "金额"],
        ["王伟", "C1", "2024-03-05", "1.2千万元"],
        ["李娜", "C2", "2024-03-06", "3百万"],
        ["张三", "C3", "2024-03-07", "8千元"]])
    import_file(admin, f, kind="orders")
    assert {k: a for k, (a, _c) in _orders(admin).items()} == {
        "C1": Decimal("12000000"), "C2": Decimal("3000000"), "C3": Decimal("8000")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("cells,kind,expected,currency", [
    (["1,200円（税込）", "¥3,300(税込)", "税込 500円"], "included", ["1200", "3300", "500"], "JPY"),
    (["1,000円(税抜)", "2,000円（税別）", "800円税抜"], "excluded", ["1000", "2000", "800"], "JPY"),
    (["100,00 € zzgl. MwSt.", "1.250,50 € zzgl. MwSt.", "80,00 € zzgl. MwSt."], "excluded",
     ["100", "1250.5", "80"], "EUR"),
    (["120,00 € TTC", "99,90 € TTC", "1 200,00 € TTC"], "included", ["120", "99.9", "1200"], "EUR"),
    (["$100.00 (incl. VAT)", "$250.00 (incl. VAT)", "$80.00 (incl. VAT)"], "included", ["100", "250", "80"], "USD"),
])
def test_amounts_with_one_kind_of_tax_note_are_read_and_the_summary_says_which(
        admin, tmp_path, fmt, cells, kind, expected, currency):
    f = write_table(tmp_path, fmt, [["Customer", "Order No", "Order Date", "Amount"]]
                    + [[f"Kunde {i}", f"T{i}", "2024-03-05", c] for i, c in enumerate(cells)])
    dry = import_file(admin, f, kind="orders", dry_run=True)
    said = [i["decided"] for i in dry.inferences if i["what"] == "tax notes in 'Amount'"]
    assert said and f"tax {kind}" in said[0]
    result = import_file(admin, f, kind="orders")
    assert result.rejected == 0
    assert _orders(admin) == {f"T{i}": (Decimal(e), currency) for i, e in enumerate(expected)}


def test_a_column_mixing_amounts_with_and_without_tax_stops_naming_the_column_and_both(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["顧客名", "メールアドレス", "注文番号", "注文日", "金額"],
        ["山田太郎", "yamada@x.jp", "J001", "2024/03/05", "1,200円（税込）"],
        ["佐藤花子", "sato@x.jp", "J002", "2024/03/06", "1,000円(税抜)"],
        ["鈴木一郎", "suzuki@x.jp", "J003", "2024/03/07", "¥3,300(税込)"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    message = stop.value.message
    assert "'金額'" in message and "1,200円（税込）" in message and "1,000円(税抜)" in message
    assert "--decimal" not in message
    assert records.list_records(admin, "order") == []


@pytest.mark.parametrize("typed,whole", [("10k", "10000"), ("1.5M", "1500000"), ("1.2bn", "1200000000"),
                                         ("3 Mio.", "3000000")])
def test_an_amount_with_a_suffix_typed_alone_is_refused_naming_the_whole_number_never_dropping_it(typed, whole):
    from cims_xl.domain.money import read_money
    with pytest.raises(ValueError) as refused:
        read_money(typed)
    assert f"({whole})" in str(refused.value)
    assert "ISO code in its place" not in str(refused.value)
