"""A date in the Islamic (Hijri) or Persian calendar is refused with what it looks like,
not only "no real date here" (issue 14: a clear message that says what to do)."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused


@pytest.mark.parametrize("written", ["1445/08/24", "1403-01-15", "24/08/1445"])
def test_a_hijri_or_persian_year_stops_the_import_naming_both_calendars(admin, tmp_path, written):
    # since time22 the column stops the import before anything is written (it was a
    # rejection per row): test_import_hijri_persian_dates.py reads it with --calendar
    path = tmp_path / "orders.csv"
    path.write_text(f"Order ID,Customer Name,Order Date,Amount,Currency\nA1,محمد علي,{written},100,SAR\n",
                    encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    why = str(stop.value)
    assert "Hijri" in why and "Persian" in why and "convert it to Gregorian" in why


def test_a_year_far_from_any_calendar_is_refused_without_that_hint(admin, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Order ID,Customer Name,Order Date,Amount,Currency\nA1,Ann Lee,1066-10-14,100,GBP\n",
                    encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    why = " ".join(o.reason or "" for o in result.outcomes)
    assert "no real date here" in why and "Hijri" not in why
