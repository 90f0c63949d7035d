"""An amount before tax beside the amount with tax (a VAT invoice list): which is the
order's amount is the user's to say. In every language (Chinese 金额/税额/价税合计 and
不含税金额/含税金额, German Netto/Brutto, English Net/Gross, French HT/TTC, Spanish Neto/Bruto,
Japanese 税抜/税込, Korean 공급가액/세액/합계) the import stops before writing, naming both
columns and the --map for each; either --map then imports the file with that amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx

# (customer heading, number heading, date heading, net heading, tax heading, gross heading)
FILES = {
    "chinese-vat-list": ("购方名称", "发票号码", "开票日期", "金额", "税额", "价税合计"),
    "chinese-with-words": ("客户名称", "单号", "日期", "不含税金额", "税额", "含税金额"),
    "german": ("Kunde", "Rechnungsnummer", "Datum", "Nettobetrag", "MwSt", "Bruttobetrag"),
    "english": ("Customer", "Invoice No", "Date", "Net Amount", "VAT", "Gross Amount"),
    "french": ("Client", "N° facture", "Date", "Montant HT", "TVA", "Montant TTC"),
    "spanish": ("Cliente", "Número", "Fecha", "Importe neto", "IVA", "Importe bruto"),
}
# files whose headings already take the amount with tax (税込金額, 합계): no stop, the
# gross is stored and the summary says the net is beside it
GROSS_TAKEN = {
    "japanese": ("顧客名", "請求書番号", "日付", "税抜金額", "消費税", "税込金額"),
    "korean": ("거래처명", "번호", "작성일자", "공급가액", "세액", "합계"),
}


def _rows(name: str) -> list[list]:
    who, number, date, net, tax, gross = {**FILES, **GROSS_TAKEN}[name]
    return [[who, number, date, net, tax, gross],
            ["Ann Lee", "A-1", "2024-03-05", "1000.00", "130.00", "1130.00"],
            ["Bo Li", "A-2", "2024-03-06", "500.00", "30.00", "530.00"]]


def _stored(session) -> dict[str, Decimal]:
    return {o["order_number"]: Decimal(str(o["amount"])).normalize() for o in records.list_records(session, "order")}


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
@pytest.mark.parametrize("which,expected", [(5, {"A-1": "1130", "A-2": "530"}), (3, {"A-1": "1000", "A-2": "500"})],
                         ids=["gross", "net"])
def test_a_net_amount_beside_a_gross_one_stops_naming_both_columns_and_the_named_map_imports_that_amount(
        admin, tmp_path, name, writer, suffix, which, expected):
    headers = FILES[name]
    _who, _n, _d, net, _tax, gross = headers
    path = writer(tmp_path / f"vat.{suffix}", _rows(name))
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    message = str(stop.value)
    assert f'--map "{gross}=Amount"' in message and f'--map "{net}=Amount"' in message, message
    assert "Nothing was imported" in message
    assert records.list_records(admin, "order") == [] and records.list_records(admin, "customer") == []
    import_file(admin, path, kind="orders", mapping={headers[which]: "Amount", headers[0]: "Customer Name",
                                                     headers[1]: "Order Number", headers[2]: "Order Date"})
    assert _stored(admin) == {k: Decimal(v) for k, v in expected.items()}


@pytest.mark.parametrize("name", list(GROSS_TAKEN))
def test_a_gross_amount_its_heading_takes_is_stored_and_the_summary_names_the_net_beside_it(admin, tmp_path, name):
    headers = GROSS_TAKEN[name]
    # (--currency CNY: a Japanese or Korean list's bare amounts in the CNY store would stop asking for it)
    result = import_file(admin, write_csv(tmp_path / "vat.csv", _rows(name)), kind="orders", currency="CNY",
                         mapping={headers[0]: "Customer Name", headers[1]: "Order Number", headers[2]: "Order Date"})
    assert _stored(admin) == {"A-1": Decimal("1130"), "A-2": Decimal("530")}
    (line,) = [i for i in result.inferences if i["what"] == "amount with tax or before it"]
    assert f"'{headers[5]}'" in line["decided"] and f"'{headers[3]}'" in line["decided"]
    assert f'--map "{headers[3]}=Amount"' in line["evidence"]


def test_a_vat_invoice_lists_buyer_is_the_customer(admin, tmp_path):
    f = write_csv(tmp_path / "vat.csv", [["发票号码", "开票日期", "购方名称", "价税合计"],
                                         ["00012345", "2024-03-05", "深圳明达科技有限公司", "1130.00"]])
    import_file(admin, f, kind="orders")
    assert {c["name"] for c in records.list_records(admin, "customer")} == {"深圳明达科技有限公司"}
    assert _stored(admin) == {"00012345": Decimal("1130")}
