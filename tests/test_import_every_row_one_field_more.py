"""Every row one field longer than the header at the same place (an id padded with a
separator, as systems in the WeChat family export TSV), or a header one heading longer
than every row (try25f #10a): the empty field every row carries is dropped and the
summary says where; where it may be at more than one place the import stops saying so,
never advising a --value that would map shifted data. Values read back from a real
encrypted store."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.errors import CimsError
from cims_xl.importer import import_file
from cims_xl.services import records


def write(tmp_path, name: str, lines: list[str], encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def said(result) -> dict:
    (line,) = [i for i in result.inferences if i["what"] in ("one field more than the header",
                                                             "one heading more than the rows")]
    return line


@pytest.mark.parametrize("name, sep, encoding, header, rows, after", [
    ("orders.tsv", "\t", "utf-8", ["Order ID", "Order Date", "Customer", "Amount", "Currency"],
     [["T1", "", "2024-03-05", "Ann Lee", "10.00", "USD"], ["T2", "", "2024-03-06", "Bob Wu", "20.00", "USD"]],
     "after column 1 'Order ID'"),
    ("auftraege.csv", ";", "cp1252", ["Auftrag", "Datum", "Kunde", "Betrag", "Währung"],
     [["A1", "", "05.03.2024", "Jörg Weiß", "10,00", "EUR"], ["A2", "", "06.03.2024", "Uwe Groß", "20,00", "EUR"],
      ["A3", "", "07.03.2024", "Eva Roth", "5,50", "EUR"]],
     "after column 1 'Auftrag'"),
    ("订单.tsv", "\t", "gb18030", ["订单号", "下单日期", "客户", "金额", "币种"],
     [["D1", "2024-03-05", "", "张三", "10.00", "CNY"], ["D2", "2024-03-06", "", "李四", "20.00", "CNY"]],
     "after column 2 '下单日期'"),
])
def test_every_order_row_with_one_empty_field_more_at_one_place_is_read_under_its_headings(
        admin, tmp_path, name, sep, encoding, header, rows, after):
    path = write(tmp_path, name, [sep.join(header)] + [sep.join(r) for r in rows], encoding)
    result = import_file(admin, path, kind="orders")
    line = said(result)
    assert after in line["decided"] and "every row has one field more than the header" in line["evidence"]
    assert result.created == len(rows) and result.rejected == 0
    orders = {o["order_number"]: o for o in records.list_records(admin, "order")}
    for r in rows:
        values = [v for v in r if v != ""]
        got = orders[values[0]]
        assert Decimal(str(got["amount"])) == Decimal(values[3].replace(",", "."))
        assert got["currency"] == values[4]
        assert str(got["order_date"])[:10].endswith(("-03-05", "-03-06", "-03-07"))
    names = {c["name"] for c in records.list_records(admin, "customer")}
    assert names == {[v for v in r if v != ""][2] for r in rows}


def test_every_customer_row_with_a_tab_padded_number_is_read_under_its_headings(admin, tmp_path):
    path = write(tmp_path, "customers.tsv", ["Customer No\tName\tCity\tCountry",
                                             "100234\t\tAnn Lee\tBoston\tUS",
                                             "100235\t\tBob Wu\tDenver\tUS"])
    result = import_file(admin, path)
    assert result.created == 2 and result.rejected == 0
    assert "after column 1 'Customer No'" in said(result)["decided"]
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert got["Ann Lee"]["city"] == "Boston" and got["Bob Wu"]["city"] == "Denver"


def test_a_header_with_one_empty_heading_more_than_every_row_is_read_under_its_headings(admin, tmp_path):
    path = write(tmp_path, "customers.csv", ["Name,,City,Country",
                                             "Ann Lee,Boston,US",
                                             "Bob Wu,Denver,US"])
    result = import_file(admin, path)
    assert "after column 1 'Name'" in said(result)["decided"]
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert got["Ann Lee"]["city"] == "Boston" and got["Bob Wu"]["city"] == "Denver"


def test_an_empty_extra_field_at_two_places_in_every_row_stops_without_advising_a_value(admin, tmp_path):
    # every row: an empty field after Order ID, and an empty Notes then one field more
    lines = ["Order ID\tOrder Date\tCustomer\tAmount\tCurrency\tNotes",
             "T1\t\t2024-03-05\tAnn Lee\t10.00\t\tUSD",
             "T2\t\t2024-03-06\tBob Wu\t20.00\t\tUSD"]
    path = write(tmp_path, "orders2.tsv", lines)
    with pytest.raises(CimsError) as caught:
        import_file(admin, path, kind="orders")
    message = str(caught.value)
    assert "every row has one field more than the header" in message
    assert "after column 1 'Order ID'" in message and "after column 5 'Currency'" in message
    assert "--value" not in message and "Nothing was imported" in message
    assert records.list_records(admin, "order") == []
