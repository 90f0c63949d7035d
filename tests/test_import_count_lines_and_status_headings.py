"""Count lines in words under a table ("共3家", "Insgesamt 3 Kunden", "(3 rows)") and the
plain status headings of many languages ("상태", "Estado", "Statut"): small files of our
own, read back from a real store."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def orders(session) -> dict[str, dict]:
    names = {c["id"]: c["name"] for c in records.list_records(session, "customer")}
    return {names[o["customer_id"]]: o for o in records.list_records(session, "order")}


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("footer", [
    "共3家\n", "共3名\n", "Insgesamt 3 Kunden\n", "3 Datensätze\n", "(3 rows)\n", "(3 Zeilen)\n", "3 records\n",
    "(3 filas)\n", "3 enregistrements\n",
])
def test_a_count_line_in_words_after_the_data_is_a_footer_not_a_customer(admin, tmp_path, footer):
    path = write(tmp_path, "list.csv", "Name,City\n"
                                       "Ana Souza,Lisboa\n"
                                       "Bernd Krause,Köln\n"
                                       "Chen Jing,上海\n" + footer)
    result = import_file(admin, path)
    assert (result.created, result.rejected, result.footer_rows) == (3, 0, 1)
    assert set(customers(admin)) == {"Ana Souza", "Bernd Krause", "Chen Jing"}


def test_names_starting_with_a_number_stay_customers_above_a_count_line_in_words(admin, tmp_path):
    path = write(tmp_path, "list.csv", "Name,City\n"
                                       "7天酒店,北京\n"
                                       "3M Deutschland,Neuss\n"
                                       "99 Ranch Market,Irvine\n"
                                       "共3家\n")
    result = import_file(admin, path)
    assert (result.created, result.footer_rows) == (3, 1)
    assert set(customers(admin)) == {"7天酒店", "3M Deutschland", "99 Ranch Market"}
