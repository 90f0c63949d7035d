"""A saved import profile keeps the options that settle how the file's values are read.

`--profile NAME` saves the mapping, the date order, the sheet and --value items; it keeps
--calendar, --decimal, --encoding, --amount-per and --currency too, so next month's file
from the same system imports with the profile alone. An option given again wins, and
the summary names the options the profile gave. A profile settles only what the next
file's own values cannot (tests/test_import_profile_evidence.py).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_csv

HEADERS = ["Order No", "Customer", "Order Date", "Amount"]


@pytest.fixture
def config(config_dir):
    return config_dir


def saved(config, name: str) -> dict:
    return json.loads((config / "import-profiles" / f"{name}.json").read_text(encoding="utf-8"))


def orders(session) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(session, "order")}


def test_a_buddhist_era_calendar_given_once_is_saved_and_applied_by_the_profile(admin, tmp_path, config):
    march = write_csv(tmp_path / "march.csv", [HEADERS, ["A1", "Somchai Co", "15/03/2569", "1200"],
                                               ["A2", "Nok Ltd", "28/03/2569", "800"]])
    april = write_csv(tmp_path / "april.csv", [HEADERS, ["A3", "Somchai Co", "20/04/2569", "300"]])
    with pytest.raises(ImportRefused, match="--calendar buddhist"):
        import_file(admin, april, kind="orders")
    import_file(admin, march, kind="orders", profile="shop", calendar="buddhist", date_order="DMY")
    assert saved(config, "shop")["calendar"] == "buddhist"
    result = import_file(admin, april, kind="orders", profile="shop")
    assert result.created == 1
    assert orders(admin)["A3"]["order_date"] == dt.date(2026, 4, 20)
    line = next(i for i in result.inferences if i["what"] == "options from profile 'shop'")
    assert line["decided"] == "--calendar buddhist"      # the year 2569 could be read two ways
    kept = next(i for i in result.inferences if i["what"] == "options kept in profile 'shop', not used")
    assert kept["decided"] == "--date-order DMY"            # 20/04 says day first on its own


def test_minguo_years_beside_common_era_years_take_the_saved_calendar(admin, tmp_path, config):
    rows = [HEADERS, ["B1", "台北商行", "113/03/05", "500"], ["B2", "高雄公司", "2024/03/06", "700"]]
    first = write_csv(tmp_path / "first.csv", rows)
    with pytest.raises(ImportRefused, match="--calendar roc"):
        import_file(admin, first, kind="orders")
    import_file(admin, first, kind="orders", profile="tw", calendar="roc")
    assert saved(config, "tw")["calendar"] == "roc"
    second = write_csv(tmp_path / "second.csv", [HEADERS, ["B3", "台北商行", "113/04/01", "900"],
                                                 ["B4", "高雄公司", "2024/04/02", "100"]])
    result = import_file(admin, second, kind="orders", profile="tw")
    assert result.created == 2
    assert orders(admin)["B3"]["order_date"] == dt.date(2024, 4, 1)


def test_a_decimal_mark_saved_with_the_profile_reads_the_next_file_and_an_option_given_again_wins(
        admin, tmp_path, config):
    headers = ["Order No", "Customer", "Order Date", "Amount"]
    first = write_csv(tmp_path / "first.csv", [headers, ["C1", "Müller GmbH", "2026-03-02", "1.234"],
                                               ["C2", "Schmidt AG", "2026-03-03", "2.500"]])
    with pytest.raises(ImportRefused, match="--decimal"):
        import_file(admin, first, kind="orders")
    import_file(admin, first, kind="orders", profile="de", decimal="comma")
    assert saved(config, "de")["decimal"] == "comma"
    second = write_csv(tmp_path / "second.csv", [headers, ["C3", "Müller GmbH", "2026-04-02", "3.750"]])
    import_file(admin, second, kind="orders", profile="de")
    assert orders(admin)["C3"]["amount"] == Decimal("3750")
    third = write_csv(tmp_path / "third.csv", [headers, ["C4", "Müller GmbH", "2026-05-02", "1.500"]])
    import_file(admin, third, kind="orders", profile="de", decimal="point")
    assert orders(admin)["C4"]["amount"] == Decimal("1.5")
    assert saved(config, "de")["decimal"] == "point"


def test_a_profile_holding_an_unknown_calendar_is_refused_before_anything_is_read(admin, tmp_path, config):
    (config / "import-profiles").mkdir(parents=True)
    (config / "import-profiles" / "bad.json").write_text(json.dumps({"kind": "order", "map": {},
                                                                     "calendar": "mayan"}))
    path = write_csv(tmp_path / "x.csv", [HEADERS, ["D1", "Ana", "2026-01-02", "10"]])
    with pytest.raises(ImportRefused, match="profile .bad. holds --calendar .mayan.*--calendar must be one of"):
        import_file(admin, path, kind="orders", profile="bad")
    assert records.list_records(admin, "order") == []
