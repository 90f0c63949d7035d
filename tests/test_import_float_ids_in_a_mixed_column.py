"""A float export writes an id as "12520.0"; in a column that mixes it with text ids
("CG-1") it is still the whole number 12520, read cell by cell (as postal codes are) and
said in the summary. A stray real decimal ("1010.5") in a Postal Code column does not turn
the per-cell rule off for the other cells: that cell is no postal code and is unreadable."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def customers(session) -> list[dict]:
    return records.list_records(session, "customer")


@pytest.mark.parametrize("float_id,other", [("12520.0", "CG-1"), ("77.00", "ЖК-9"), ("4001.0000", "客户-3")])
def test_a_float_written_id_beside_text_ids_is_stored_as_its_whole_number(admin, tmp_path, float_id, other):
    path = tmp_path / "customers.csv"
    path.write_text(f"Customer Ref,Name\n{float_id},A A\n{other},B B\n", encoding="utf-8")
    dry = import_file(admin, path, kind="customers", dry_run=True)
    line = next(i for i in dry.inferences if i["what"] == "column 'Customer Ref'")
    assert f"'{float_id}' is '{float_id.split('.')[0]}'" in line["decided"]
    import_file(admin, path, kind="customers")
    tags = sorted(t for c in customers(admin) for t in (c.get("tags") or "").split(",") if t.startswith("src:"))
    whole = float_id.split(".")[0]
    assert f"src:{whole}" in tags and f"src:{other}" in tags
    assert not any(".0" in t for t in tags)


def test_a_stray_decimal_in_a_postal_code_column_leaves_the_other_float_codes_read_as_codes(admin, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("Name,Postal Code,Country\nA A,2134.0,US\nB B,SW1A 1AA,GB\nC C,1010.5,AT\n", encoding="utf-8")
    dry = import_file(admin, path, kind="customers", dry_run=True)
    line = next(i for i in dry.inferences if i["what"] == "column 'Postal Code'")
    assert "'1010.5'" in line["evidence"]
    import_file(admin, path, kind="customers")
    postal = {c["name"]: c.get("postal_code") for c in customers(admin)}
    assert postal["A A"] == "02134"
    assert postal["B B"] == "SW1A 1AA"
    assert postal.get("C C") != "1010.5"
