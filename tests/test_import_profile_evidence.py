"""A profile's reading options settle only what the next file's own values cannot.

A profile saved from last month's file keeps the date order, decimal mark, encoding,
amounts per order or line and calendar that file needed. The next file may not be like
it: its values are read on their own evidence first, and a kept option is used only
where the import would otherwise stop and ask for it. The summary says which options
the profile gave and which it keeps but this file did not need.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv

HEADERS = ["Order No", "Customer", "Order Date", "Amount"]


@pytest.fixture
def config(config_dir):
    return config_dir


def _orders(session) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(session, "order")}


def _profile(config, name: str, **options) -> None:
    folder = config / "import-profiles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps({"kind": "order", "map": {}, **options}), encoding="utf-8")


def _line(result, what: str) -> str:
    return next(i["decided"] for i in result.inferences if i["what"] == what)


def test_dates_that_show_their_own_order_are_read_so_whatever_order_the_profile_keeps(admin, tmp_path, config):
    _profile(config, "shop", date_order="DMY")
    path = write_csv(tmp_path / "us.csv", [HEADERS, ["A1", "Ann", "03/25/2026", "10"], ["A2", "Bo", "04/05/2026", "20"]])
    result = import_file(admin, path, kind="orders", profile="shop")
    assert result.created == 2
    assert _orders(admin)["A2"]["order_date"] == dt.date(2026, 4, 5)
    assert _line(result, "options kept in profile 'shop', not used") == "--date-order DMY"
    # a file that cannot tell takes the profile's order, and says so
    path = write_csv(tmp_path / "eu.csv", [HEADERS, ["A3", "Cy", "04/05/2026", "30"]])
    result = import_file(admin, path, kind="orders", profile="shop")
    assert _orders(admin)["A3"]["order_date"] == dt.date(2026, 5, 4)
    assert _line(result, "options from profile 'shop'") == "--date-order DMY"


@pytest.mark.parametrize("saved, amounts, stored", [
    ("comma", ["1,234.56", "2,500", "7,125"], ["1234.56", "2500", "7125"]),      # a point proven by 1,234.56
    ("point", ["1.234,56", "2.500", "7.125"], ["1234.56", "2500", "7125"]),      # a comma proven by 1.234,56
])
def test_numbers_that_show_their_decimal_mark_are_read_so_whatever_mark_the_profile_keeps(
        admin, tmp_path, config, saved, amounts, stored):
    _profile(config, "books", decimal=saved)
    rows = [HEADERS] + [[f"B{i}", f"Firm {i}", "2026-03-0" + str(i + 1), a] for i, a in enumerate(amounts)]
    result = import_file(admin, write_csv(tmp_path / "n.csv", rows), kind="orders", profile="books")
    assert result.created == 3
    assert [_orders(admin)[f"B{i}"]["amount"] for i in range(3)] == [Decimal(s) for s in stored]
    assert _line(result, "options kept in profile 'books', not used") == f"--decimal {saved}"


def test_a_file_that_cannot_show_its_decimal_mark_takes_the_profiles(admin, tmp_path, config):
    _profile(config, "books", decimal="comma")
    path = write_csv(tmp_path / "n.csv", [HEADERS, ["C1", "Müller GmbH", "2026-03-02", "3.750"]])
    result = import_file(admin, path, kind="orders", profile="books")
    assert _orders(admin)["C1"]["amount"] == Decimal("3750")
    assert _line(result, "options from profile 'books'") == "--decimal comma"


def test_a_utf8_file_is_read_as_utf8_whatever_code_page_the_profile_keeps(admin, tmp_path, config):
    _profile(config, "legacy", encoding="cp1252")
    path = tmp_path / "u.csv"
    path.write_text("Order No,Customer,Order Date,Amount\nD1,张伟,2026-03-02,10\nD2,Zoë Brontë,2026-03-03,20\n",
                    encoding="utf-8")
    result = import_file(admin, path, kind="orders", profile="legacy")
    names = {c["name"] for c in records.list_records(admin, "customer")}
    assert names == {"张伟", "Zoë Brontë"}
    assert result.encoding.lower().replace("-", "") == "utf8"


def test_order_lines_that_show_their_own_amounts_are_kept_whatever_the_profile_says(admin, tmp_path, config):
    _profile(config, "shop", amount_per="order")
    head = ["Order No", "Customer", "Order Date", "Product", "Amount"]
    path = write_csv(tmp_path / "lines.csv", [head, ["E1", "Ann", "2026-03-02", "Pen", "12.50"],
                                              ["E1", "Ann", "2026-03-02", "Ink", "7.25"],
                                              ["E1", "Ann", "2026-03-02", "Pad", "80.00"]])
    import_file(admin, path, kind="orders", profile="shop")
    assert sum(o["amount"] for o in records.list_records(admin, "order")) == Decimal("99.75")


def test_a_gregorian_file_is_read_as_gregorian_whatever_calendar_the_profile_keeps(admin, tmp_path, config):
    _profile(config, "th", calendar="buddhist")
    path = write_csv(tmp_path / "g.csv", [HEADERS, ["F1", "Somchai Co", "2026-04-20", "300"]])
    result = import_file(admin, path, kind="orders", profile="th")
    assert result.created == 1 and _orders(admin)["F1"]["order_date"] == dt.date(2026, 4, 20)


def test_the_profile_keeps_the_options_a_file_did_not_need(admin, tmp_path, config):
    _profile(config, "shop", date_order="DMY", decimal="comma")
    path = write_csv(tmp_path / "us.csv", [HEADERS, ["G1", "Ann", "03/25/2026", "1,234.56"]])
    import_file(admin, path, kind="orders", profile="shop")
    kept = json.loads((config / "import-profiles" / "shop.json").read_text(encoding="utf-8"))
    assert kept["date_order"] == "DMY" and kept["decimal"] == "comma"


def test_a_profiles_currency_is_what_bare_amounts_are_in_and_a_named_currency_still_wins(admin, tmp_path, config):
    _profile(config, "eu", currency="EUR")
    path = write_csv(tmp_path / "c.csv", [HEADERS, ["H1", "Ann", "2026-03-02", "10.00"],
                                          ["H2", "Bo", "2026-03-03", "US$20.00"]])
    import_file(admin, path, kind="orders", profile="eu")
    assert _orders(admin)["H1"]["currency"] == "EUR" and _orders(admin)["H2"]["currency"] == "USD"
