"""Address headings with a prefix naming the address (try24f A10): Shopify's customer
export writes "Default Address Province Code", "… Country Code", "… Company", "… Phone";
they went to Notes (Country and Province empty, a phone lost to Notes) while "… Address1",
"… City", "… Zip" were mapped as a guess. A prefix naming an address ("Default Address",
"Billing Address", "Shipping", "Mailing") with a known part is that part; "… Country
Code" and "… Province Code" are the country and the province, as ISO codes; the
address's phone fills an empty Phone."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_table


def _people(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


PREFIXES = ["Default Address", "Billing Address", "Mailing Address", "Shipping"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("prefix", PREFIXES)
def test_prefixed_address_parts_with_codes_are_stored_in_their_fields(admin, tmp_path, prefix, fmt):
    p = prefix
    rows = [["First Name", "Last Name", "Email", f"{p} Company", f"{p} Address1", f"{p} City",
             f"{p} Province Code", f"{p} Country Code", f"{p} Zip", f"{p} Phone", "Phone", "Shipping Method",
             "Discount Code"],
            ["Ann", "Lee", "ann@x.com", "Acme Inc", "123 Main St", "Boston", "MA", "US", "02134", "+16175550100", "",
             "UPS", "SPRING10"],
            ["Bob", "Roe", "bob@x.com", "", "10 Queen St W", "Toronto", "ON", "CA", "M5H 2N2", "", "+14165550101",
             "", ""]]
    result = import_file(admin, write_table(tmp_path, fmt, rows, "shop"))
    assert result.created == 2
    people = _people(admin)
    ann, bob = people["Ann Lee"], people["Bob Roe"]
    assert (ann["company"], ann["address"], ann["city"], ann["province"], ann["country"], ann["postal_code"]) == \
        ("Acme Inc", "123 Main St", "Boston", "MA", "US", "02134")
    assert ann["phone"] == "+16175550100"
    assert (bob["province"], bob["country"], bob["phone"]) == ("ON", "CA", "+14165550101")
    assert f"{p} Country Code" not in (ann["notes"] or "")
    # a heading whose rest names no part of an address stays in Notes
    assert "Shipping Method: UPS" in ann["notes"] and "Discount Code: SPRING10" in ann["notes"]
