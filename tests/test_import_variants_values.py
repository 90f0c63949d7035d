"""Other variants of the value kinds of issue 14, tried as a new user's files would
bring them: each is read right, or the import stops before writing and names the
column, examples and the option that settles it. Never a wrong value stored silently."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def customers(admin) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(admin, "customer")}


def orders(admin) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(admin, "order")}


def decided(result, what: str) -> dict:
    return next(i for i in result.inferences if i["what"] == what)


def write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# ----- 11. footers ----------------------------------------------------------------------------

@pytest.mark.parametrize("footer", ["Grand Total,2,", "合计,2,", "Summe,,2", "Total général,2,",
                                    "TOTALES,2,", "Razem:,2,", "Count: 2,,", ",Total,2"])
@pytest.mark.parametrize("blank_before", [True, False])
def test_a_total_label_followed_by_figures_is_a_footer_however_many_columns_it_fills(
        admin, tmp_path, footer, blank_before):
    path = write(tmp_path / "report.csv", "Name,Email,City\nAna Souza,ana@example.com,Curitiba\n"
                 "Bo Wu,bo@example.com,Hangzhou\n" + ("\n" if blank_before else "") + footer + "\n")
    result = import_file(admin, path)
    assert (result.rows, result.created, result.footer_rows, result.rejected) == (2, 2, 1, 0)
    assert sorted(customers(admin)) == ["Ana Souza", "Bo Wu"]
    assert decided(result, "footer")["evidence"]


def test_a_total_line_under_an_orders_table_with_its_amounts_spread_out_is_not_an_order(admin, tmp_path):
    path = write(tmp_path / "orders.csv", "Order ID;Order Date;Customer Name;Sales;Quantity\n"
                 "A-1;2024-01-05;Ana Souza;1.234,50 €;2\nA-2;2024-01-06;Bo Wu;99,90 €;1\n"
                 "Gesamtsumme;;;1.334,40 €;3\n")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.footer_rows, result.rejected) == (2, 1, 0)
    assert sorted(orders(admin)) == ["A-1", "A-2"]


@pytest.mark.parametrize("last", ["Total Wine Shop,shop@example.com,Austin", "Summe GmbH,,2",
                                  "Total,total@example.com,Lyon"])
def test_a_last_customer_whose_name_is_or_starts_with_a_total_word_is_still_a_customer(admin, tmp_path, last):
    path = write(tmp_path / "c.csv", "Name,Email,City\nAna,ana@example.com,Curitiba\n" + last + "\n")
    result = import_file(admin, path)
    assert (result.created, result.footer_rows) == (2, 0)
