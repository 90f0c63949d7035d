"""A Discount cell that writes its % sign ("5%", "5 %", "%5", "５％") is unambiguous even in a
column that mixes shares of 1 (0.1) and numbers above 1 (15): stored as that share, never
asked again as "0.05 could be 5 % or 0.05 %"; the cells still asked keep their own text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv


@pytest.mark.parametrize("written, share", [("5%", "0.05"), ("5 %", "0.05"), ("%5", "0.05"), ("５％", "0.05"),
                                            ("12.5%", "0.125"), ("40 %", "0.4")])
def test_a_discount_written_with_its_percent_sign_is_stored_in_a_mixed_column(admin, tmp_path, written, share):
    settings.set_store_currency(admin, "USD")
    f = write_csv(tmp_path / "o.csv", [["Order ID", "Date", "Customer", "Amount", "Discount"],
                                       ["1", "2024-03-05", "Acme", "100.00", written],
                                       ["2", "2024-03-06", "Beta", "200.00", "0.1"],
                                       ["3", "2024-03-07", "Gamma", "300.00", "15"]])
    result = import_file(admin, f, kind="orders")
    stored = {o["order_number"]: o for o in records.list_records(admin, "order")}
    assert stored["1"]["discount"] == Decimal(share)
    assert not [o for o in result.outcomes if o.row == 2 and o.warnings]
    assert stored["2"]["discount"] is None and "Discount: 0.1" in stored["2"]["notes"]
