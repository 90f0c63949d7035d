"""Count lines in words under a table ("共3家", "Insgesamt 3 Kunden", "(3 rows)") and the
plain status headings of many languages ("상태", "Estado", "Statut"): small files of our
own, read back from a real store."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
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


# ----- the order's status under a plain heading ------------------------------------------------

@pytest.mark.parametrize("heading, paid, refunded", [
    ("상태", "Paid", "환불완료"),
    ("Stato", "Pagato", "Rimborsato"),
    ("Zustand", "Bezahlt", "Erstattet"),
])
def test_a_plain_status_heading_in_many_languages_stores_refunded_orders_as_returned(
        admin, tmp_path, heading, paid, refunded):
    path = write(tmp_path, "orders.csv", f"Customer,Order Date,Amount,{heading}\n"
                                         f"Ana Souza,2026-01-05,100.00,{paid}\n"
                                         f"Bruno Lima,2026-01-06,50.00,{refunded}\n")
    result = import_file(admin, path, kind="orders", currency="USD")
    assert (result.created, result.rejected) == (2, 0)
    got = orders(admin)
    assert got["Ana Souza"]["status"] == "Paid"
    assert got["Bruno Lima"]["status"] == "Returned"


@pytest.mark.parametrize("heading", ["Estado", "État", "Estado "])
def test_an_ambiguous_status_or_state_heading_whose_values_are_statuses_is_taken_as_the_status_and_said(
        admin, tmp_path, heading):
    path = write(tmp_path, "estado.csv", f"Cliente,Fecha,Importe,{heading}\n"
                                         "Ana Souza,2026-01-05,100.00,Pagado\n"
                                         "Bruno Lima,2026-01-06,50.00,Reembolsado\n"
                                         "Carla Ruiz,2026-01-07,80.00,Refunded\n")
    result = import_file(admin, path, kind="orders", currency="EUR")
    assert (result.created, result.rejected) == (3, 0)
    got = orders(admin)
    assert [got[n]["status"] for n in ("Ana Souza", "Bruno Lima", "Carla Ruiz")] == ["Paid", "Returned", "Returned"]
    assert any("from its values" in str(i.get("decided")) for i in result.inferences)


def test_an_ambiguous_status_or_state_column_of_statuses_and_places_stops_before_writing_and_map_settles_it(
        admin, tmp_path):
    path = write(tmp_path, "estado.csv", "Cliente,Fecha,Importe,Estado\n"
                                         "Ana Souza,2026-01-05,100.00,Jalisco\n"
                                         "Bruno Lima,2026-01-06,50.00,Reembolsado\n")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", currency="MXN")
    said = str(stop.value)
    assert "'Estado'" in said and "Jalisco" in said and "Reembolsado" in said and '--map "Estado=' in said
    assert orders(admin) == {}
    result = import_file(admin, path, kind="orders", currency="MXN", mapping={"Estado": "Notes"})
    assert result.created == 2


# ----- a time column of decimal numbers -----------------------------------------------------------

@pytest.mark.parametrize("heading, date_heading", [("Time", "Date"), ("Uhrzeit", "Datum"), ("Heure", "Date")])
def test_a_time_column_of_decimal_numbers_is_not_taken_as_the_time_and_the_summary_says_why(
        admin, tmp_path, heading, date_heading):
    path = write(tmp_path, "calls.csv", f"Customer,{date_heading},{heading},Type,Subject\n"
                                        "Ana Souza,2026-01-05,10.3,Call,Offer\n"
                                        "Bruno Lima,2026-01-06,10.50,Call,Follow-up\n"
                                        "Carla Ruiz,2026-01-07,1.5,Call,Renewal\n")
    result = import_file(admin, path, kind="interactions")
    line = next(i for i in result.inferences if i["what"] == f"column '{heading}'")
    assert "not taken as the time" in line["decided"]
    assert "'10.3'" in line["evidence"] and "decimal numbers" in line["evidence"]
    stored = {c["name"]: c for c in records.list_records(admin, "customer")}
    kept = [i for i in records.list_records(admin, "interaction") if i["customer_id"] == stored["Ana Souza"]["id"]]
    assert "10.3" in (kept[0]["notes"] or "")
