"""A viewer cannot confirm that an email, phone or name is in the store through the
worksheet functions (=CIMS_COUNT, =CIMS_FIND): they answer as if nothing matched, in
every query form (free text, partial, quoted, other case, phone written other ways), while other roles get the match."""

from __future__ import annotations

import pytest

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records


@pytest.fixture
def people(admin):
    a = records.create(admin, "customer", {"name": "Søren Kierkegaard", "email": "soren.k@example.dk",
                                           "mobile": "+45 20 12 34 56", "city": "København"})["id"]
    b = records.create(admin, "customer", {"name": "Nguyễn Thị Mai", "email": "mai.nguyen@example.vn",
                                           "phone": "+84 28 3822 1234", "city": "Hà Nội"})["id"]
    return a, b


PROBES = ["soren.k@example.dk", "SOREN.K@EXAMPLE.DK", '"soren.k@example.dk"', "soren.k",
          "+45 20 12 34 56", "+4520123456", "Kierkegaard",
          "mai.nguyen@example.vn", "+84 28 3822 1234", "+842838221234", "Nguyễn"]


@pytest.mark.parametrize("probe", PROBES)
def test_a_viewer_cannot_confirm_an_email_or_phone_with_cims_count_or_cims_find(session_as, people, probe):
    sales = session_as("manager", "mgr")
    viewer = session_as("viewer", "vic")
    assert wf.cims_count(probe, session=sales) == 1, probe          # the data is there
    refused = wf.cims_count(probe, session=viewer)     # refused, never a 0 that looks like a count
    assert isinstance(refused, str) and refused.startswith("#CIMS:") and "personal data" in refused, refused
    found = wf.cims_find(probe, session=viewer)
    assert found == [["ID", "City"]] or (isinstance(found, str) and found.startswith("#CIMS:")), found
    assert "Kierkegaard" not in repr(found) and "soren" not in repr(found).lower()


def test_a_viewer_still_counts_and_finds_by_fields_that_are_not_personal(session_as, people):
    viewer = session_as("viewer", "vic")
    assert wf.cims_count("city:København", session=viewer) == 1
    assert wf.cims_find("city:København", "ID,City", session=viewer) == [["ID", "City"], [people[0], "København"]]
