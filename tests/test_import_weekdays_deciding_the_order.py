"""Dates written with their weekday ("05/03/2024 (Tue)", "Di., 05.03.2024", "2024/03/05(火)") where
day and month could be read either way: the weekdays decide the order, said in the summary. When
the order given (--date-order) contradicts every weekday of a column while the other order fits
them all, the import stops before writing (naming the column, examples, and the --date-order the
weekdays fit) instead of rejecting every row; a single row whose weekday contradicts its date
stays rejected with its reason."""
from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records
from table_files import rejected_problems, write_table

DAYS = [dt.date(2024, 3, 5), dt.date(2024, 4, 6), dt.date(2024, 10, 7), dt.date(2024, 2, 11)]
GERMAN = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")
SHAPES = {
    "MDY": [lambda d: f"{d:%m/%d/%Y} ({d:%a})", lambda d: f"{d:%a}, {d:%m/%d/%Y}",
            lambda d: f"{d:%m/%d/%y} ({d:%a}) 10:00"],
    "DMY": [lambda d: f"{d:%d/%m/%Y} ({d:%a})", lambda d: f"{d:%d.%m.%Y} ({'月火水木金土日'[d.weekday()]})",
            lambda d: f"{GERMAN[d.weekday()]}, {d:%d.%m.%Y}"],
}


def stored(admin) -> dict[str, str]:
    return {o["order_number"]: str(o["order_date"])[:10] for o in records.list_records(admin, "order")}


def orders_file(tmp_path, fmt, cells):
    return write_table(tmp_path, fmt, [["Order ID", "Customer", "Order Date", "Amount", "Currency"]] + [
        [str(i), f"Customer {i}", c, "10", "USD"] for i, c in enumerate(cells, 1)])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("order,shape", [(o, i) for o in SHAPES for i in range(3)])
def test_a_given_order_every_weekday_contradicts_stops_naming_the_order_they_fit(admin, tmp_path, fmt, order, shape):
    cells = [SHAPES[order][shape](d) for d in DAYS]
    other = "DMY" if order == "MDY" else "MDY"
    path = orders_file(tmp_path, fmt, cells)
    for dry_run in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, path, kind="orders", date_order=other, dry_run=dry_run)
        said = str(stop.value)
        assert "'Order Date'" in said and any(f"'{c}'" in said for c in cells) and "weekday" in said
        assert f"--date-order {order}" in said and "Nothing was imported" in said
    assert stored(admin) == {}
    # without the option (or with the order the weekdays fit) the weekdays decide, and say so
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (4, 0)
    assert stored(admin) == {str(i): d.isoformat() for i, d in enumerate(DAYS, 1)}
    said = [i for i in result.inferences if i["what"] == "date order in 'Order Date'"]
    assert said and said[0]["decided"] == order and "weekday" in said[0]["evidence"]
    # one row whose weekday contradicts its date under the order given is rejected alone, with its reason
    wrong = SHAPES[order][shape](dt.date(2024, 12, 25)).replace("Wed", "Fri").replace("水", "金").replace("Mi.", "Fr.")
    (tmp_path / "more").mkdir()
    result = import_file(admin, orders_file(tmp_path / "more", fmt, cells + [wrong]), kind="orders",
                         date_order=order)
    problems = rejected_problems(result)
    assert list(problems) == [6] and "weekday" in problems[6] and "Wednesday" in problems[6]
