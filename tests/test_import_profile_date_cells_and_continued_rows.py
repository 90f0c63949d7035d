"""A saved import profile keeps --date-cells and --continued-rows as it keeps --date-order.

Next month's export from the same system has the same half-swapped date cells (a
day-first file opened in an Excel set to month first) or the same address lines under
their records; the profile that settled it once settles it again, and only where the
new file's own evidence would stop (tests/test_import_profile_evidence.py): the summary
names the option the profile gave, or lists it as kept and not used.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_xlsx

D = dt.datetime


def _saved(config, name: str) -> dict:
    return json.loads((config / "import-profiles" / f"{name}.json").read_text(encoding="utf-8"))


def _said(result, what: str) -> str:
    return next(i["decided"] for i in result.inferences if i["what"] == what)


def _orders_file(tmp_path, name, dates, first=100):
    rows = [["Customer", "Email", "Order No", "Order Date", "Amount", "Currency"]]
    for i, d in enumerate(dates):
        rows.append([f"Buyer {first + i}", f"b{first + i}@example.com", f"N{first + i}", d, 10 * (i + 1), "EUR"])
    return write_xlsx(tmp_path / f"{name}.xlsx", rows)


def _order_dates(session) -> dict[str, str]:
    return {o["order_number"]: str(o["order_date"])[:10] for o in records.list_records(session, "order")}


@pytest.mark.parametrize("choice, april_cell", [("swap", "2024-04-05"), ("keep", "2024-05-04")])
def test_date_cells_given_once_are_saved_and_settle_next_months_half_swapped_file(
        admin, tmp_path, config_dir, choice, april_cell):
    march = _orders_file(tmp_path, "march", [D(2024, 5, 4), "25/03/2024", D(2024, 6, 3)])
    april = _orders_file(tmp_path, "april", [D(2024, 5, 4), "28/04/2024"], first=200)
    import_file(admin, march, kind="orders", profile="shop", date_cells=choice)
    assert _saved(config_dir, "shop")["date_cells"] == choice
    with pytest.raises(ImportRefused, match="--date-cells"):
        import_file(admin, april, kind="orders")                 # without the profile it still stops
    result = import_file(admin, april, kind="orders", profile="shop")
    assert _order_dates(admin)["N200"] == april_cell
    assert _order_dates(admin)["N201"] == "2024-04-28"
    assert _said(result, "options from profile 'shop'") == f"--date-cells {choice}"


def test_a_profiles_date_cells_are_not_used_on_a_file_whose_dates_are_all_cells(admin, tmp_path, config_dir):
    march = _orders_file(tmp_path, "march", [D(2024, 5, 4), "25/03/2024"])
    import_file(admin, march, kind="orders", profile="shop", date_cells="swap")
    cells_only = _orders_file(tmp_path, "may", [D(2024, 5, 4), D(2024, 5, 20)], first=300)
    result = import_file(admin, cells_only, kind="orders", profile="shop")
    assert _order_dates(admin)["N300"] == "2024-05-04"       # nothing says these cells were swapped
    assert "--date-cells swap" in _said(result, "options kept in profile 'shop', not used")


MIXED = ("Name,Phone,City\n"
         "Acme GmbH,+49 30 1234567,Berlin\n"
         "Hauptstr. 1,,\n"
         "Beta AG,+49 89 7654321,München\n"
         "Ann Lee,,\n"
         "Gamma KG,+49 40 1112223,Hamburg\n")
NEXT = ("Name,Phone,City\n"
        "Delta SE,+49 69 5556667,Frankfurt\n"
        "Kaiserstr. 5,,\n"
        "Bob Ray,,\n")


@pytest.mark.parametrize("choice, names", [
    ("fold", {"Delta SE"}),
    ("records", {"Delta SE", "Kaiserstr. 5", "Bob Ray"}),
])
def test_continued_rows_given_once_are_saved_and_settle_next_months_file(
        admin, tmp_path, config_dir, choice, names):
    first = tmp_path / "first.csv"
    first.write_text(MIXED, encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text(NEXT, encoding="utf-8")
    import_file(admin, first, profile="partners", continued=choice)
    assert _saved(config_dir, "partners")["continued"] == choice
    with pytest.raises(ImportRefused, match="--continued-rows"):
        import_file(admin, second)
    before = {c["name"] for c in records.list_records(admin, "customer")}
    result = import_file(admin, second, profile="partners")
    added = {c["name"] for c in records.list_records(admin, "customer")} - before
    assert added == names
    assert _said(result, "options from profile 'partners'") == f"--continued-rows {choice}"


def test_a_hand_edited_profile_with_an_unknown_date_cells_value_is_refused_naming_the_profile(
        admin, tmp_path, config_dir):
    folder = config_dir / "import-profiles"
    folder.mkdir(parents=True)
    (folder / "bad.json").write_text(json.dumps({"kind": "order", "map": {}, "date_cells": "flip"}),
                                     encoding="utf-8")
    f = _orders_file(tmp_path, "any", [D(2024, 5, 4)])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders", profile="bad")
    assert "profile 'bad' holds --date-cells 'flip'" in stop.value.message
    assert _order_dates(admin) == {}
