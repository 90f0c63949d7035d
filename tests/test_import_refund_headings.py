"""A refunded-amount column is read by what its heading says in any of the languages of
the shop and payment exports the importer reads (``Rückerstattung``, ``返金額``,
``환불금액``, ``Montant remboursé``, Alipay's ``成功退款（元）``), not only by a list of
English and Chinese headings: the amount kept is stored, never the amount charged. A
refund's date, reason, id, status or currency column is no amount refunded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.refunds import names_refunded_amount
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_table

REFUND_HEADINGS = ["Rückerstattung", "Erstatteter Betrag", "返金額", "払戻金額", "환불금액", "환불 금액",
                   "Montant remboursé", "Importe reembolsado", "Valor reembolsado", "Importo rimborsato",
                   "Terugbetaald bedrag", "Återbetalt belopp", "Kwota zwrotu", "Сумма возврата",
                   "成功退款", "退款金額", "Refunded", "Amount Refunded", "İade Tutarı", "IADE TUTARI",
                   "Hoàn tiền", "Returned Amount", "Jumlah Pengembalian Dana", "ยอดคืนเงิน", "مبلغ الاسترداد"]


def _amounts(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["status"]) for o in records.list_records(session, "order")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("heading", REFUND_HEADINGS)
def test_an_amount_refunded_under_a_heading_in_any_language_is_subtracted_from_the_amount_stored(
        admin, tmp_path, heading, fmt):
    f = write_table(tmp_path, fmt, [
        ["Customer", "Email", "Order No", "Order Date", "Amount", "Currency", heading],
        ["Ann Lee", "ann@example.com", "1001", "2024-03-05", "200.00", "USD", "50.00"],
        ["Bob Ray", "bob@example.com", "1002", "2024-03-06", "80.00", "USD", "80.00"],
        ["Cai Wen", "cai@example.com", "1003", "2024-03-07", "30.00", "USD", "0.00"]])
    result = import_file(admin, f, kind="orders")
    assert (result.created, result.rejected) == (3, 0)
    got = _amounts(admin)
    assert got["1001"][0] == Decimal("150")
    assert got["1002"][1] == "Returned"
    assert got["1003"] == (Decimal("30"), "Completed")


@pytest.mark.parametrize("heading", ["Refund Date", "Erstattet am", "返金日", "退款时间", "환불일자", "Refund Reason",
                                     "退款原因", "Refund ID", "退款单号", "Refund Status", "Converted Amount Refunded",
                                     "Refund Currency", "Refunded Quantity", "Refund Method", "Refunded Items",
                                     "Returned Items", "İade Tarihi", "Media Details", "Ngày hoàn tiền",
                                     "返品点数"])
def test_a_refunds_date_reason_id_status_or_currency_column_is_no_amount_refunded(heading):
    assert not names_refunded_amount(heading)


def test_a_refund_date_column_leaves_the_amount_charged(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Customer", "Order No", "Order Date", "Amount", "Currency", "Erstattet am"],
        ["Ann Lee", "1001", "2024-03-05", "200.00", "EUR", ""],
        ["Bob Ray", "1002", "2024-03-06", "80.00", "EUR", "2024-03-20"]])
    result = import_file(admin, f, kind="orders")
    assert result.created == 2
    assert {n: a for n, (a, _s) in _amounts(admin).items()} == {"1001": Decimal("200"), "1002": Decimal("80")}


def test_an_alipay_bill_subtracts_its_successful_refunds_column(admin, tmp_path):
    # Alipay's 交易记录明细 download: GB18030, a preamble, the refunded amount in 成功退款（元）
    lines = ["支付宝交易记录明细查询", "账号:[20880012345678]",
             "交易号,交易创建时间,付款时间,交易对方,商品名称,金额（元）,交易状态,成功退款（元）",
             "2024030522001,2024-03-05 10:00:00,2024-03-05 10:00:05,王伟,货款,100.00,交易成功,0.00",
             "2024030622001,2024-03-06 10:00:00,2024-03-06 10:00:05,李娜,货款,200.00,交易成功,50.00"]
    f = tmp_path / "alipay.csv"
    f.write_bytes("\r\n".join(lines).encode("gb18030"))
    result = import_file(admin, f, kind="orders", mapping={"交易对方": "Customer Name"})
    assert result.created == 2
    stored = sorted(o["amount"] for o in records.list_records(admin, "order"))
    assert stored == [Decimal("100"), Decimal("150")]


def test_a_refund_in_the_currency_its_heading_names_is_not_subtracted_from_an_amount_in_another(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Customer", "Order No", "Order Date", "Amount", "Currency", "Amount Refunded (EUR)"],
        ["Ann Lee", "1001", "2024-03-05", "100.00", "USD", "30.00"],
        ["Bob Ray", "1002", "2024-03-06", "100.00", "EUR", "30.00"]])
    result = import_file(admin, f, kind="orders")
    got = _amounts(admin)
    assert (got["1001"][0], got["1002"][0]) == (Decimal("100"), Decimal("70"))
    warned = {o.row: " ".join(o.warnings.values()) for o in result.outcomes if o.warnings}
    assert "EUR" in warned[2] and "not subtracted" in warned[2]


def _charges(tmp_path, charges: list[dict]):
    import json

    f = tmp_path / "charges.json"
    f.write_text(json.dumps({"object": "list", "data": charges}), encoding="utf-8")
    return f


def test_a_payment_apis_amount_refunded_is_in_minor_units_as_its_amount_is(admin, tmp_path):
    f = _charges(tmp_path, [
        {"id": "ch_1", "object": "charge", "amount": 1000, "amount_refunded": 500, "currency": "usd",
         "created": 1767225600, "refunded": False, "billing_details": {"name": "Acme", "email": "a@acme.example"}},
        {"id": "ch_2", "object": "charge", "amount": 2000, "amount_refunded": 500, "currency": "jpy",
         "created": 1767312000, "refunded": False, "billing_details": {"name": "Beta", "email": "b@beta.example"}},
        {"id": "ch_3", "object": "charge", "amount": 1050, "amount_refunded": 1050, "currency": "eur",
         "created": 1767312000, "refunded": True, "billing_details": {"name": "Cai", "email": "c@cai.example"}}])
    result = import_file(admin, f, kind="orders")
    assert result.created == 3
    assert _amounts(admin) == {"ch_1": (Decimal("5"), "Completed"), "ch_2": (Decimal("1500"), "Completed"),
                               "ch_3": (Decimal("10.5"), "Returned")}
    # the yes/no `refunded` flag is no amount: never read, never warned about as one
    assert not any("cannot read the refunded amount" in w for o in result.outcomes for w in o.warnings.values())


def test_a_refund_currency_column_names_the_refunds_currency(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Customer", "Order No", "Order Date", "Amount", "Currency", "Refund Amount", "Refund Currency"],
        ["Ann Lee", "1001", "2024-03-05", "100.00", "USD", "20.00", "EUR"],
        ["Bob Ray", "1002", "2024-03-06", "100.00", "USD", "20.00", "USD"]])
    result = import_file(admin, f, kind="orders")
    got = _amounts(admin)
    assert (got["1001"][0], got["1002"][0]) == (Decimal("100"), Decimal("80"))
    warned = {o.row: " ".join(o.warnings.values()) for o in result.outcomes if o.warnings}
    assert "EUR" in warned[2] and "not subtracted" in warned[2]


@pytest.mark.parametrize("heading", ["Refund %", "Refund rate %", "退款率", "返金割合", "Refund ％"])
def test_a_share_refunded_is_no_amount_refunded(admin, tmp_path, heading):
    assert not names_refunded_amount(heading)
    f = write_table(tmp_path, "csv", [["Customer", "Order No", "Order Date", "Amount", "Currency", heading],
                                      ["Ann Lee", "1001", "2024-03-05", "50.00", "USD", "20"]])
    import_file(admin, f, kind="orders")
    assert _amounts(admin)["1001"][0] == Decimal("50")
