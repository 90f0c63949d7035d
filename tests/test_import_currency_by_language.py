"""Amounts naming no currency in a file whose headings are written in an alphabet of one
language (Thai, Vietnamese, Hebrew, Greek) or in Cyrillic, where the language's countries
use another currency than the store's (CLDR territory languages and currencies, through
babel): the import stops before writing, naming the column, examples, the evidence and
--currency, which then imports the file. Where the store's currency is one of the
language's, the import goes on and the summary says so."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import settings

from table_files import orders_by_number, said_about, write_csv, write_xlsx

WRITERS = pytest.mark.parametrize("writer, suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])

FILES = {
    "thai": (["เลขที่ใบสั่งซื้อ", "วันที่", "ลูกค้า", "จำนวนเงิน"], "บริษัท สยาม จำกัด", "THB", "Thai"),
    "vietnamese": (["Mã đơn hàng", "Ngày đặt hàng", "Khách hàng", "Thành tiền"], "Nguyễn Văn An", "VND", "Vietnamese"),
    "hebrew": (["מספר הזמנה", "תאריך הזמנה", "לקוח", "סכום"], "דוד כהן", "ILS", "Hebrew"),
    "greek": (["Αριθμός παραγγελίας", "Ημερομηνία", "Πελάτης", "Ποσό"], "Γιώργος Νικολάου", "EUR", "Greek"),
    "russian": (["Номер заказа", "Дата", "Клиент", "Сумма"], "ООО Ромашка", "RUB", "Cyrillic"),
    "ukrainian": (["Номер замовлення", "Дата", "Клієнт", "Сума"], "ТОВ Світанок", "UAH", "Cyrillic"),
}


def _write(tmp_path, writer, suffix, head, customer, amounts=("1250.00", "830.50")):
    rows = [head] + [[f"N{i}", f"2024-03-0{i + 4}", customer, a] for i, a in enumerate(amounts, start=1)]
    return writer(tmp_path / f"orders.{suffix}", rows)


@WRITERS
@pytest.mark.parametrize("lang", list(FILES))
def test_a_file_headed_in_a_language_of_another_currency_stops_until_the_currency_is_given(
        admin, tmp_path, writer, suffix, lang):
    head, customer, code, name = FILES[lang]
    amounts = ("1250000", "830000") if code == "VND" else ("1250.00", "830.50")
    f = _write(tmp_path, writer, suffix, head, customer, amounts)
    for dry in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, f, kind="orders", dry_run=dry)
    said = str(stop.value)
    assert f"'{unicodedata.normalize('NFKC', head[3])}'" in said and f"'{amounts[0]}'" in said and "row 2" in said
    assert name in said and code in said and "CNY" in said and "--currency" in said
    assert "Nothing was imported" in said
    assert orders_by_number(admin) == {}
    import_file(admin, f, kind="orders", currency=code)
    assert orders_by_number(admin) == {"N1": (Decimal(amounts[0]).normalize(), code),
                                       "N2": (Decimal(amounts[1]).normalize(), code)}
    # the same customers' names under English headings say where the customers are, not
    # where the books are kept: the store's currency, as before
    rows = [["Order No", "Date", "Customer", "Amount"], ["E1", "2024-03-07", customer, "500"]]
    import_file(admin, writer(tmp_path / f"english.{suffix}", rows), kind="orders")
    assert orders_by_number(admin)["E1"] == (Decimal("500"), "CNY")


@pytest.mark.parametrize("lang, store", [("greek", "EUR"), ("russian", "RUB"), ("ukrainian", "RUB"),
                                         ("thai", "THB")])
def test_a_file_in_a_language_whose_countries_use_the_stores_currency_goes_on_and_says_so(
        admin, tmp_path, lang, store):
    settings.set_store_currency(admin, store)
    head, customer, _, name = FILES[lang]
    f = _write(tmp_path, write_csv, "csv", head, customer)
    result = import_file(admin, f, kind="orders")
    assert orders_by_number(admin) == {"N1": (Decimal("1250"), store), "N2": (Decimal("830.5"), store)}
    line = said_about(result, "currency of amounts written without one")
    assert store in line and name in line


def test_a_cyrillic_file_names_the_currencies_of_the_countries_writing_cyrillic(admin, tmp_path):
    head, customer, _, _ = FILES["russian"]
    f = _write(tmp_path, write_csv, "csv", head, customer)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    said = str(stop.value)
    assert all(code in said for code in ("RUB", "UAH", "BYN", "KZT")) and "--currency RUB" in said
