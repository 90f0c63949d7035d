"""A file without a header row takes its columns by position (--map "B=Email", or a
profile saved from last month's file). When a column's values plainly are not its
field's (names under Email, emails under Name: the columns moved), the import stops
before writing, naming the columns and the --map that fits (issue 14: the tester's
next-month file stored emails as names and phone numbers as cities, with a warning per
row only)."""

from __future__ import annotations

import re

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_csv, write_xlsx

WRITERS = {"csv": write_csv, "xlsx": write_xlsx}

MARCH = [["Anna Schmidt", "anna@example.de", "+49 30 1234567", "Berlin"],
         ["Bob Ray", "bob@example.com", "+1 415 555 0132", "Boston"]]
# April's export puts the email first and the city before the phone
APRIL = [["anna2@example.de", "Anna Zwei", "Berlin", "+49 30 1234568"],
         ["bob2@example.com", "Bob Two", "Boston", "+1 415 555 0133"]]
CHINESE_MARCH = [["王伟", "13800138000", "wangwei@example.cn", "北京"], ["李娜", "13900139000", "lina@example.cn", "上海"]]
CHINESE_APRIL = [["wangfang@example.cn", "王芳", "13700137000", "广州"], ["zhaolei@example.cn", "赵磊", "13600136000", "深圳"]]
MAPS = {"latin": ["A=Name", "B=Email", "C=Phone", "D=City"], "chinese": ["A=Name", "B=Mobile", "C=Email", "D=City"]}


def _names(session) -> set[str]:
    return {c["name"] for c in records.list_records(session, "customer")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang, march, april", [("latin", MARCH, APRIL), ("chinese", CHINESE_MARCH, CHINESE_APRIL)])
def test_next_months_file_whose_columns_moved_stops_before_writing(admin, tmp_path, config_dir, fmt, lang, march, april):
    first = WRITERS[fmt](tmp_path / f"march.{fmt}", march)
    assert import_file(admin, first, no_header=True, mapping=MAPS[lang], profile="monthly").created == 2
    second = WRITERS[fmt](tmp_path / f"april.{fmt}", april)
    with pytest.raises(ImportRefused) as exc:
        import_file(admin, second, profile="monthly")
    said = exc.value.message
    assert "profile 'monthly'" in said and "Nothing was imported" in said and "(Email) holds" in said
    assert len(_names(admin)) == 2                       # nothing of April's written
    # the message names the column that fits Email; the map for this file imports it right
    fixes = re.findall(r'--map "([^"]+)"', said)
    assert any(f.endswith("=Email") for f in fixes)
    result = import_file(admin, second, no_header=True, mapping=[
        "A=Email", "B=Name", *(["C=City", "D=Phone"] if lang == "latin" else ["C=Mobile", "D=City"])])
    assert (result.created, result.warnings) == (2, 0)
    stored = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert stored[april[0][1]]["email"] == april[0][0]


def test_a_mistyped_letter_in_a_map_stops_naming_the_column(admin, tmp_path):
    path = write_csv(tmp_path / "list.csv", MARCH)
    with pytest.raises(ImportRefused, match=r"--map gives them.*column C \(Email\) holds '\+49 30 1234567'"):
        import_file(admin, path, no_header=True, mapping=["A=Name", "C=Email"])
    assert _names(admin) == set()


def test_columns_that_fit_their_fields_import_as_before(admin, tmp_path):
    # mobiles written as plain digits, CJK names: nothing misfits
    path = write_csv(tmp_path / "list.csv", CHINESE_MARCH)
    result = import_file(admin, path, no_header=True, mapping=MAPS["chinese"])
    assert (result.created, result.rejected) == (2, 0)


ORDERS_MARCH = [["A1", "2024-03-05", "Acme Ltd", "2", "19.99"], ["A2", "2024-03-06", "Beta Ltd", "3", "29.50"]]
ORDERS_MAP = ["A=Order No.", "B=Order Date", "C=Customer Name", "D=Quantity", "E=Amount"]


@pytest.mark.parametrize("april, column, fits", [
    # amount and quantity swapped: 19.99 is no quantity
    ([["B1", "2024-04-05", "Acme Ltd", "19.99", "2"], ["B2", "2024-04-06", "Beta Ltd", "29.50", "3"]],
     "column D (Quantity)", "E=Quantity"),
    # date and name swapped: a name is no date
    ([["B1", "Acme Ltd", "2024-04-05", "2", "19.99"], ["B2", "Beta Ltd", "2024-04-06", "3", "29.50"]],
     "column B (Order Date)", "C=Order Date"),
])
def test_order_columns_that_moved_stop_before_writing(admin, tmp_path, config_dir, april, column, fits):
    first = write_csv(tmp_path / "march.csv", ORDERS_MARCH)
    import_file(admin, first, kind="orders", no_header=True, mapping=ORDERS_MAP, currency="USD", profile="orders")
    second = write_csv(tmp_path / "april.csv", april)
    with pytest.raises(ImportRefused) as exc:
        import_file(admin, second, kind="orders", profile="orders")
    assert column in exc.value.message and f'--map "{fits}"' in exc.value.message
    assert len(records.list_records(admin, "order")) == 2
