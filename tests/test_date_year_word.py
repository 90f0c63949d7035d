"""Dates that write the word for "year" after it (Russian "г.", Ukrainian
"р.") are read, in digits and with month names."""
from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.domain.normalize import parse_date, parse_datetime
from cims_xl.importer import import_file
from cims_xl.services import records


@pytest.mark.parametrize("text", ["28 ноября 2023 г.", "28 ноября 2023 года", "28.11.2023 г.", "28.11.2023г.",
                                  "28 листопада 2023 р."])
def test_a_date_with_the_word_for_year_after_it_is_read(text):
    assert parse_date(text, "DMY") == dt.date(2023, 11, 28)


def test_the_time_after_the_year_word_is_kept():
    assert parse_datetime("28 ноября 2023 г. 14:30", "DMY") == dt.datetime(2023, 11, 28, 14, 30, tzinfo=dt.timezone.utc)


def test_an_import_of_russian_dates_with_the_year_word_stores_them(admin, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("Name,Email,Consent Date\nИван Петров,ivan@example.ru,28 ноября 2023 г.\n"
                    "Анна Смирнова,anna@example.ru,5 марта 2024 г.\n", encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (2, 0)
    got = {c["name"]: str(c["marketing_consent_at"])[:10] for c in records.list_records(admin, "customer")}
    assert got == {"Иван Петров": "2023-11-28", "Анна Смирнова": "2024-03-05"}
