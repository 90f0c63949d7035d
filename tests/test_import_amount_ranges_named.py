"""An amount cell writing a range ("10,000-15,000", "10k–15k", "5.000 bis 8.000", "1万至2万")
or an approximate value ("~5000", ">2000", "2000+", "约5000", "ca. 5.000", "5000左右", "약
5000") is refused as what it is, never offered as one number under --decimal nor named an
unknown currency sign; the file's other rows are stored."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import rejected_problems, write_csv

RANGES = ["10,000-15,000", "10k–15k", "100~200", "5.000 bis 8.000", "1万至2万", "$10 to $20", "12 - 15 EUR"]
ABOUT = ["~5000", ">2000", "2000+", "约5000", "約5000円", "ca. 5.000", "5000左右", "약 5000", "≈ 1,500", "5000 approx."]


@pytest.mark.parametrize("cell, word", [(c, "a range") for c in RANGES] + [(c, "an approximate value") for c in ABOUT])
def test_a_range_or_an_estimate_in_an_amount_is_refused_as_what_it_is(admin, tmp_path, cell, word):
    settings.set_store_currency(admin, "USD")
    f = write_csv(tmp_path / "d.csv", [["Deal Name", "Account", "Amount", "Stage", "Close Date"],
                                       ["D1", "Acme", cell, "Proposal", "2025-09-30"],
                                       ["D2", "Beta", "2500", "Proposal", "2025-09-30"]])
    result = import_file(admin, f, kind="opportunities")
    problem = rejected_problems(result)[2]
    assert word in problem and "currency sign" not in problem
    assert [d["amount"] for d in records.list_records(admin, "opportunity")] == [Decimal("2500")]


@pytest.mark.parametrize("plain, amount", [("1,200.50", "1200.50"), ("$-75", "-75"), ("-$50", "-50"),
                                           ("+300", "300"), ("234,50-", "-234.50"), ("(200.00)", "-200.00"),
                                           ("USD 1,200.00", "1200.00"), ("1.234,56 €", "1234.56")])
def test_signed_and_grouped_amounts_are_no_range(admin, tmp_path, plain, amount):
    settings.set_store_currency(admin, "USD")
    f = write_csv(tmp_path / "o.csv", [["Order ID", "Date", "Customer", "Amount"],
                                       ["1", "2024-03-05", "Acme", plain], ["2", "2024-03-06", "Beta", "10"]])
    result = import_file(admin, f, kind="orders", decimal="comma" if plain in ("234,50-", "1.234,56 €") else None)
    stored = {o["order_number"]: o["amount"] for o in records.list_records(admin, "order")}
    if amount.startswith("-"):        # a negative order is a refund, refused as such: never "a range"
        problem = rejected_problems(result).get(2, "")
        assert "range" not in problem and "approximate" not in problem and "1" not in stored
    else:
        assert stored["1"] == Decimal(amount)
