"""A payment API's objects flattened into a CSV or a sheet (a script's dump of Stripe
charges, payment intents or invoices) keep the API's amounts in the currency's minor unit:
1999 usd is 19.99 USD, 50000 jpy is 50000 JPY, 1250 kwd is 1.250 KWD (ISO 4217). Two
agreeing signs of the API decide it (and the summary says so); one sign alone stops,
naming --amount-scale. A column of the API's opaque ids (cus_…) headed "customer" is the
customer's id in that system, never the name: the name comes from billing_details.name."""

from __future__ import annotations

import csv
from decimal import Decimal

import openpyxl
import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

PEOPLE = [("Ann Lee", "ann@x.example", 1999, "usd", "cus_PQR1"), ("Ken Sato", "ken@y.example", 50000, "jpy", "cus_Nf2K"),
          ("Ali Sabah", "ali@z.example", 1250, "kwd", "cus_9XyZ")]
EXPECTED = {"Ann Lee": (Decimal("19.99"), "USD"), "Ken Sato": (Decimal("50000"), "JPY"),
            "Ali Sabah": (Decimal("1.25"), "KWD")}
SHAPES = {   # object type, id prefix, the amount's field, its name field
    "charge": ("charge", "ch", "amount", "billing_details.name"),
    "payment_intent": ("payment_intent", "pi", "amount_received", "customer_name"),
    "invoice": ("invoice", "in", "amount_paid", "customer_name"),
}


def _write(tmp_path, suffix: str, header: list[str], rows: list[list]):
    path = tmp_path / f"api_dump.{suffix}"
    if suffix == "csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([header, *rows])
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        for row in [header, *rows]:
            sheet.append(row)
        book.save(path)
    return path


def _api_rows(shape: str) -> tuple[list[str], list[list]]:
    obj, prefix, amount, name = SHAPES[shape]
    header = ["id", "object", amount, "currency", "created", "customer", "billing_details.email", name, "status"]
    rows = [[f"{prefix}_3Oab{i}", obj, a, c, 1709632800 + 86400 * i, cus, email, who, "succeeded"]
            for i, (who, email, a, c, cus) in enumerate(PEOPLE)]
    return header, rows


def _stored(session) -> dict[str, tuple[Decimal, str]]:
    names = {c["id"]: c["name"] for c in records.list_records(session, "customer")}
    return {names[o["customer_id"]]: (Decimal(str(o["amount"])).normalize(), o["currency"])
            for o in records.list_records(session, "order")}


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_flattened_api_dump_stores_minor_units_of_each_rows_currency_and_says_so(admin, tmp_path, shape, suffix):
    header, rows = _api_rows(shape)
    amount = SHAPES[shape][2]
    result = import_file(admin, _write(tmp_path, suffix, header, rows), kind="orders",
                         mapping={amount: "Amount"} if amount != "amount" else None)
    assert _stored(admin) == EXPECTED
    (line,) = [i for i in result.inferences if i["what"] == f"amount scale of '{amount}'"]
    assert "minor units" in line["decided"] and "--amount-scale 1" in line["evidence"]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_column_of_opaque_api_ids_headed_customer_is_the_customers_id_and_the_name_column_names_them(
        admin, tmp_path, suffix):
    header, rows = _api_rows("charge")
    import_file(admin, _write(tmp_path, suffix, header, rows), kind="orders")
    customers = {c["name"]: c["tags"] for c in records.list_records(admin, "customer")}
    assert customers == {"Ann Lee": "src:cus_PQR1", "Ken Sato": "src:cus_Nf2K", "Ali Sabah": "src:cus_9XyZ"}


def test_a_stripe_refund_in_a_csv_is_in_minor_units_as_the_amount_is(admin, tmp_path):
    header = ["id", "object", "amount", "amount_captured", "amount_refunded", "currency", "created",
              "billing_details.name"]
    rows = [["ch_1a2B", "charge", 1250, 1250, 250, "eur", 1709632800, "Cy Doe"],
            ["ch_1a2C", "charge", 700, 700, 0, "eur", 1709719200, "Di Roe"]]
    import_file(admin, _write(tmp_path, "csv", header, rows), kind="orders")
    assert _stored(admin) == {"Cy Doe": (Decimal("10"), "EUR"), "Di Roe": (Decimal("7"), "EUR")}


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_one_api_sign_alone_in_a_table_stops_naming_amount_scale_which_then_imports_it(admin, tmp_path, suffix):
    header = ["Reference", "object", "amount", "Currency", "Date", "Customer Name"]
    rows = [["R1", "charge", 1999, "USD", "2024-03-05", "Ann Lee"], ["R2", "charge", 500, "USD", "2024-03-06", "Bo Li"]]
    path = _write(tmp_path, suffix, header, rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    message = str(stop.value)
    assert "'amount'" in message and "--amount-scale 0.01" in message and "--amount-scale 1" in message, message
    assert records.list_records(admin, "order") == []
    import_file(admin, path, kind="orders", amount_scale="0.01")
    assert _stored(admin) == {"Ann Lee": (Decimal("19.99"), "USD"), "Bo Li": (Decimal("5"), "USD")}


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_an_api_dump_is_in_minor_units_while_a_dashboard_export_of_whole_dollars_is_as_written(
        admin, tmp_path, suffix):
    # the dashboard's export names its columns for people ("Amount", "Created (UTC)") and
    # writes major units; its ch_ ids and lowercase codes are no sign of cents there
    header, rows = _api_rows("charge")
    import_file(admin, _write(tmp_path, suffix, header, rows[:1]), kind="orders")
    board = tmp_path / "board"
    board.mkdir()
    header = ["id", "Created (UTC)", "Amount", "Amount Refunded", "Currency", "Customer Description",
              "Customer Email"]
    rows = [["ch_3Oab1", "2024-03-05 10:00:00", 20, 0, "usd", "Bo Li", "bo@x.example"],
            ["ch_3Oab2", "2024-03-06 10:00:00", 35, 0, "usd", "Di Roe", "di@x.example"]]
    import_file(admin, _write(board, suffix, header, rows), kind="orders")
    assert _stored(admin) == {"Ann Lee": (Decimal("19.99"), "USD"), "Bo Li": (Decimal("20"), "USD"),
                              "Di Roe": (Decimal("35"), "USD")}
