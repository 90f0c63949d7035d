"""A customers file that gives one other-system id (Customer ID, kept as tag src:ID) to
two different people refuses the later row (issue 14: both were created with the one id,
and every later orders or contacts file naming it was refused as ambiguous)."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def _write(tmp_path, rows, suffix="csv"):
    path = tmp_path / f"customers.{suffix}"
    path.write_text("Customer ID,Name,Email\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("second", [("K100", "Ben Beta", "ben@beta.de"), ("k100", "王伟", "wang@example.cn"),
                                    ("K100\u200b", "Jörg Weiß", "")])
def test_one_id_on_two_people_refuses_the_later_row(admin, tmp_path, second):
    path = _write(tmp_path, [("K100", "Anna Alpha", "anna@alpha.de"), second])
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (1, 1)
    why = " ".join(" ".join(o.problems.values()) for o in result.outcomes if o.action == "rejected")
    assert "already the id of another customer on row 2" in why
    assert [c["name"] for c in records.list_records(admin, "customer")] == ["Anna Alpha"]


def test_the_same_person_twice_under_one_id_is_a_duplicate_not_a_refusal(admin, tmp_path):
    path = _write(tmp_path, [("K100", "Anna Alpha", "anna@alpha.de"), ("K100", "ANNA ALPHA", "anna@alpha.de")])
    result = import_file(admin, path)
    assert (result.created, result.rejected, result.duplicates) == (1, 0, 1)


def test_guest_ids_shared_by_many_customers_refuse_nobody(admin, tmp_path):
    path = _write(tmp_path, [("0", "Anna Alpha", "anna@alpha.de"), ("0", "Ben Beta", "ben@beta.de"),
                             ("guest", "Cy Gamma", "cy@gamma.de"), ("guest", "Di Delta", "di@delta.de")])
    assert import_file(admin, path).created == 4
