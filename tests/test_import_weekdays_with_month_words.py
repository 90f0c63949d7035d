"""A weekday's name written with a date whose month is a word ("Tuesday, March 5, 2024", RFC 2822
"Tue, 05 Mar 2024 10:00:00 +0000", "Dienstag, 5. März 2024", "mardi 5 mars 2024") is checked
against the date, in every language whose month words the importer reads: a row whose weekday
contradicts its date is rejected, saying so; the others are stored as written."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records

from table_files import write_csv


def _orders(tmp_path, dates):
    rows = [["Order No", "Customer", "Order Date", "Amount"]] + [
        [f"A{i}", f"Ann Lee {chr(65 + i)}", d, "10.00"] for i, d in enumerate(dates)]
    return write_csv(tmp_path / "o.csv", rows)


def _stored(admin):
    return {o["order_number"]: str(o["order_date"])[:10] for o in records.list_records(admin, "order")}


# (right, right, wrong): 5 and 7 March 2024 are a Tuesday and a Thursday; the third names Monday
@pytest.mark.parametrize("dates", [
    ["Tuesday, March 5, 2024", "Thursday, March 7, 2024", "Monday, March 5, 2024"],            # English
    ["Tue, 05 Mar 2024 10:00:00 +0000", "Thu, 07 Mar 2024 09:30:00 +0000",
     "Mon, 05 Mar 2024 10:00:00 +0000"],                                                        # RFC 2822
    ["Dienstag, 5. März 2024", "Donnerstag, 7. März 2024", "Montag, 5. März 2024"],            # German
    ["mardi 5 mars 2024", "jeudi 7 mars 2024", "lundi 5 mars 2024"],                           # French
    ["martes, 5 de marzo de 2024", "jueves, 7 de marzo de 2024", "lunes, 5 de marzo de 2024"],  # Spanish
    ["вторник, 5 марта 2024 г.", "четверг, 7 марта 2024 г.", "понедельник, 5 марта 2024 г."],  # Russian
    ["wtorek, 5 marca 2024", "czwartek, 7 marca 2024", "poniedziałek, 5 marca 2024"],          # Polish
    ["5 mars 2024 (mardi)", "7 mars 2024 (jeudi)", "5 mars 2024 (lundi)"],                    # bracketed after
])
def test_a_weekday_that_contradicts_a_date_with_a_month_word_rejects_the_row(admin, tmp_path, dates):
    result = import_file(admin, _orders(tmp_path, dates), kind="orders", currency="EUR")
    assert _stored(admin) == {"A0": "2024-03-05", "A1": "2024-03-07"}
    assert result.rejected == 1
    why = [o.problems for o in result.outcomes if o.action == "rejected"]
    assert len(why) == 1 and "weekday" in why[0]["Order Date"] and "2024-03-05" in why[0]["Order Date"]


def test_a_file_whose_every_month_word_date_names_the_wrong_weekday_stores_nothing(admin, tmp_path):
    result = import_file(admin, _orders(tmp_path, ["Monday, March 5, 2024", "Monday, March 6, 2024"]),
                         kind="orders", currency="EUR")
    assert _stored(admin) == {}
    assert result.rejected == 2


# a weekday's name in brackets after a date in digits, in a language whose names the importer reads
@pytest.mark.parametrize("dates", [
    ["05/03/2024 (mar.)", "07/03/2024 (jeu.)", "05/03/2024 (lun.)"],        # French
    ["05.03.2024 (Di.)", "07.03.2024 (Do.)", "05.03.2024 (Mo.)"],            # German
    ["05/03/2024 (martes)", "07/03/2024 (jueves)", "05/03/2024 (lunes)"],    # Spanish
])
def test_a_bracketed_weekday_after_a_date_in_digits_settles_the_order_and_is_checked(admin, tmp_path, dates):
    result = import_file(admin, _orders(tmp_path, dates), kind="orders", currency="EUR")
    assert _stored(admin) == {"A0": "2024-03-05", "A1": "2024-03-07"}
    assert result.rejected == 1
    assert any(i["what"] == "date order in 'Order Date'" for i in result.inferences)



# a date in digits among month-word ones whose weekday falls on none of its readings (6 March 2024 is
# a Wednesday, 3 June a Monday) is rejected for its weekday, not as an ambiguous date
@pytest.mark.parametrize("first, other", [
    ("Dienstag, 5. März 2024", "Di., 06.03.2024"),       # German
    ("mardi 5 mars 2024", "mar. 06/03/2024"),            # French
    ("Tuesday, March 5, 2024", "Tue 06/03/2024"),        # English
    ("martes, 5 de marzo de 2024", "06/03/2024 (mar.)"),  # Spanish, bracketed
])
def test_a_weekday_that_falls_on_no_reading_of_a_lone_date_rejects_it_for_the_weekday(
        admin, tmp_path, first, other):
    result = import_file(admin, _orders(tmp_path, [first, other]), kind="orders", currency="EUR")
    assert _stored(admin) == {"A0": "2024-03-05"}
    why = [o.problems for o in result.outcomes if o.action == "rejected"]
    assert len(why) == 1 and "weekday" in why[0]["Order Date"] and "ambiguous" not in why[0]["Order Date"]
