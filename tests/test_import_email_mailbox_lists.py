"""Email cells written as a mail program writes recipients (try24f B16): Outlook's
"Roe, Bob <bob@x.com>" and "\"Doe, Cy\" <cy@x.com>; \"Doe, Dee\" <dee@x.com>" were left
empty ("contains spaces") while "\"Lee, Ann\" <ann@x.com>" was read. A cell holding
<addresses> is read as RFC 5322 mailboxes (email.utils.getaddresses): the first address
is the Email, the others go to Notes as several values do, and the display name is the
Name only when the row's Name is empty."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_table


def _people(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


CELLS = {
    "last, first unquoted": ("Roe, Bob <bob@x.com>", "bob@x.com", []),
    "quoted list with semicolons": ('"Roe, Bob" <bob@x.com>; "Doe, Dee" <dee@x.com>', "bob@x.com",
                                    ['"Doe, Dee" <dee@x.com>']),
    "unquoted list with commas": ("Roe, Bob <bob@x.com>, Doe, Dee <dee@x.com>", "bob@x.com",
                                  ['"Doe, Dee" <dee@x.com>']),
    "german umlauts": ("Röhl, Bernd <bob@x.com>; info@firma.de", "bob@x.com", ["info@firma.de"]),
    "upper-case domain": ("Roe, Bob <bob@X.COM>", "bob@x.com", []),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("cell", sorted(CELLS))
def test_an_outlook_recipient_cell_gives_its_first_address_and_keeps_the_others_in_notes(admin, tmp_path, cell, fmt):
    text, email, others = CELLS[cell]
    rows = [["Name", "Email"], ["Bob Roe", text]]
    result = import_file(admin, write_table(tmp_path, fmt, rows, "people"))
    assert result.created == 1
    bob = _people(admin)["Bob Roe"]
    assert bob["email"] == email
    notes = bob["notes"] or ""
    for other in others:
        assert other in notes
    assert "contains spaces" not in str([o.warnings for o in result.outcomes])


def test_the_display_name_is_the_name_only_when_the_rows_name_is_empty(admin, tmp_path):
    rows = [["Name", "Email", "City"],
            ["", "Roe, Bob <bob@x.com>", "Boston"],
            ["Ann Lee", "\"Lee, A.\" <ann@x.com>", "Paris"],
            ["Cy Doe", "Doe, Cy <cy(at)x.com>", "Rome"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, "names"))
    assert result.created == 3
    people = _people(admin)
    assert people["Roe, Bob"]["email"] == "bob@x.com"
    assert people["Ann Lee"]["email"] == "ann@x.com"
    assert "Lee, A." not in (people["Ann Lee"]["notes"] or "")
    # brackets around no real address: still no email, the text kept in Notes
    assert people["Cy Doe"]["email"] is None and "cy(at)x.com" in (people["Cy Doe"]["notes"] or "")
