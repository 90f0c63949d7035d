"""A column of ids Excel rounded (try24f A3): a CSV saved from Excel holds a number of more
than 15 digits as its first 15 digits and zeros (an Alipay/Taobao customer or order id
`2088102123456789012` becomes `2088102123456780000`), and an xlsx number cell cannot hold
more than 15. Stored, such ids link nothing (the orders file with the real id finds no
customer). A column whose long ids are all zero-filled, by at least three zeros in all,
stops the import before writing, naming the column, examples and `--map "COLUMN=-"`; a
column holding long ids that are not zero-filled was kept as text, and is stored."""
from __future__ import annotations

import openpyxl
import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records
from table_files import write_csv

ROUNDED = ["2088102123456780000", "2088102123456790000", "2088102123456800000"]


def _customers(session) -> dict[str, list[str]]:
    return {c["name"]: sorted(t for t in (c.get("tags") or "").split(",") if t.strip().startswith("src:"))
            for c in records.list_records(session, "customer")}


def _stops(session, path, header, **options) -> str:
    with pytest.raises(ImportRefused) as err:
        import_file(session, path, **options)
    text = str(err.value)
    assert f"'{header}'" in text and "Excel rounded" in text and f'--map "{header}=-"' in text, text
    assert "Nothing was imported" in text
    return text


@pytest.mark.parametrize("header, names", [
    ("Customer ID", ["Ann Lee", "Bob Roe", "Cy Doe"]),
    ("客户编号", ["李安", "罗波", "杜希"]),
    ("Kundennummer", ["Anna Lehmann", "Bernd Roth", "Carla Dorn"]),
])
def test_a_customer_id_column_excel_rounded_stops_before_writing_and_the_map_option_imports_without_it(
        admin, tmp_path, header, names):
    rows = [[header, "Name", "Email"]] + [[i, n, f"p{k}@example.com"] for k, (i, n) in enumerate(zip(ROUNDED, names))]
    rows.append(["2.0881E+15", "Di Poe", "di@example.com"])
    path = write_csv(tmp_path / "customers.csv", rows)
    text = _stops(admin, path, header)
    assert ROUNDED[0] in text
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, mapping=[f"{header}=-"])
    assert result.created == 4
    assert all(tags == [] for tags in _customers(admin).values())


def test_an_orders_file_of_rounded_order_numbers_stops_even_when_no_two_collide(admin, tmp_path):
    path = write_csv(tmp_path / "taobao.csv", [
        ["订单编号", "买家会员名", "买家实际支付金额", "订单创建时间"],
        ["1234567890123450000", "buyer1", "100.00", "2024-03-05 10:00:00"],
        ["1234567890123460000", "buyer2", "200.00", "2024-03-06 10:00:00"]])
    _stops(admin, path, "订单编号", kind="orders", currency="CNY")
    assert records.list_records(admin, "order") == []


def test_an_xlsx_column_of_number_cells_longer_than_fifteen_digits_stops(admin, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Customer ID", "Name", "Email"])
    for k, n in enumerate(["Ann Lee", "Bob Roe"]):
        ws.append([2088102123456780000 + k * 10000, n, f"p{k}@example.com"])
        ws.cell(ws.max_row, 1).number_format = "0"
    path = tmp_path / "ids.xlsx"
    wb.save(path)
    _stops(admin, path, "Customer ID")
    assert records.list_records(admin, "customer") == []


def test_long_ids_kept_as_text_are_stored_exactly_even_where_one_ends_in_zeros(admin, tmp_path):
    ids = ["2088102123456789012", "2088102123456780000", "2088102123456791234"]
    path = write_csv(tmp_path / "text_ids.csv", [["Customer ID", "Name", "Email"]] + [
        [i, n, f"p{k}@example.com"] for k, (i, n) in enumerate(zip(ids, ["Ann Lee", "Bob Roe", "Cy Doe"]))])
    assert import_file(admin, path).created == 3
    assert sorted(t for tags in _customers(admin).values() for t in tags) == sorted(f"src:{i}" for i in ids)


def test_one_sixteen_digit_id_ending_in_one_zero_is_no_evidence_and_is_stored(admin, tmp_path):
    path = write_csv(tmp_path / "one.csv", [["Customer ID", "Name", "Email"],
                                            ["2024031512345670", "Ann Lee", "ann@example.com"],
                                            ["K-17", "Bob Roe", "bob@example.com"]])
    assert import_file(admin, path).created == 2
    assert _customers(admin)["Ann Lee"] == ["src:2024031512345670"]


@pytest.mark.parametrize("written, delimiter", [
    ("{:,}", ","),                                              # 2,088,102,123,456,780,000
    ("{:,}.replace(',', '\u00a0')", ";"),                       # German/French Excel: no-break spaces
    ("{:,}.replace(',', ' ')", ";"),
    ("{}.0", ","),                                              # a float export's .0
])
def test_rounded_ids_written_grouped_or_with_point_zero_stop_like_plain_ones(admin, tmp_path, written, delimiter):
    def shown(number: int) -> str:
        text = "{:,}".format(number) if written.startswith("{:,}") else f"{number}.0"
        if "replace" in written:
            text = text.replace(",", "\u00a0" if "00a0" in written else " ")
        return text
    ids = [2088102123456780000, 2088102123456790000]
    path = write_csv(tmp_path / "grouped.csv", [["Order No", "Customer", "Amount", "Date"]] + [
        [shown(i), f"Buyer {k}", "10.00", "2024-03-05"] for k, i in enumerate(ids)], delimiter=delimiter)
    _stops(admin, path, "Order No", kind="orders", currency="USD")
    assert records.list_records(admin, "order") == []


def test_ids_written_as_text_on_purpose_are_stored_whole(admin, tmp_path):
    path = write_csv(tmp_path / "wrapped.csv", [["Customer ID", "Name", "Email"],
                                                ['="9876543210987650000"', "Ann Lee", "ann@example.com"],
                                                ['="9876543210987660000"', "Bob Roe", "bob@example.com"]])
    assert import_file(admin, path).created == 2
    assert sorted(t for tags in _customers(admin).values() for t in tags) == [
        "src:9876543210987650000", "src:9876543210987660000"]


def test_three_real_sixteen_digit_ids_ending_in_one_zero_are_stored_and_six_stop(admin, tmp_path):
    def rows(n):
        return [["Customer ID", "Name", "Email"]] + [
            [f"20240315123456{k}0", f"Person {k}", f"p{k}@example.com"] for k in range(n)]
    assert import_file(admin, write_csv(tmp_path / "three.csv", rows(3))).created == 3
    _stops(admin, write_csv(tmp_path / "six.csv", rows(6)), "Customer ID")
