"""Sign columns written beyond ASCII + and -: full-width ＋/－ (folded with NFKC), the
minus sign U+2212 mixed with them, 1/-1 with no plus, words of money flowing in and out
(流入/流出, 유입/유출, Inflow/Outflow), and ▲/▼ under a heading naming a trend or a
direction. The minus rows are money paid out, never orders."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import orders_by_number, rejected_problems, write_csv

# name -> (the sign column's heading, what its plus rows write, what its minus rows write)
FILES = {
    "full-width": ("Sign", ["＋", "＋"], ["－", "－"]),
    "full-width-and-unicode-minus": ("符号", ["＋", "＋"], ["－", "\u2212"]),
    "one-and-minus-one": ("Direction", ["1", "1"], ["-1", "-1"]),
    "full-width-one": ("Vorzeichen", ["１", "１"], ["－１", "－１"]),
    "chinese-flow-words": ("方向", ["流入", "流入"], ["流出", "流出"]),
    "korean-flow-words": ("구분", ["유입", "유입"], ["유출", "유출"]),
    "english-flow-words": ("Cash", ["Inflow", "Inflow"], ["Outflow", "Outflow"]),
    "triangles-under-trend": ("Trend", ["▲", "▲"], ["▼", "▼"]),
    "triangles-under-zhangdie": ("涨跌", ["▲", "▲"], ["▼", "▼"]),
}


@pytest.mark.parametrize("name", list(FILES))
def test_a_sign_column_written_in_wide_signs_words_or_triangles_rejects_its_minus_rows(admin, tmp_path, name):
    heading, plus, minus = FILES[name]
    rows = [["Ref", "Date", "Customer Name", heading, "Amount"],
            ["S1", "2024-03-01", "Ann Lee", plus[0], "120.00"],
            ["S2", "2024-03-02", "Office Depot", minus[0], "45.50"],
            ["S3", "2024-03-03", "Bo Chen", plus[1], "80.00"],
            ["S4", "2024-03-04", "City Power", minus[1], "300.00"]]
    path = write_csv(tmp_path / "book.csv", rows)
    result = import_file(admin, path, kind="orders", currency="EUR",
                         mapping={"Ref": "Order Number", "Date": "Order Date", "Customer Name": "Customer Name"})
    assert orders_by_number(admin) == {"S1": (Decimal("120"), "EUR"), "S3": (Decimal("80"), "EUR")}
    assert {c["name"] for c in records.list_records(admin, "customer")} == {"Ann Lee", "Bo Chen"}
    bad = rejected_problems(result)
    assert set(bad) == {3, 5} and all("money paid out" in r for r in bad.values()), bad
    (line,) = [i for i in result.inferences if i["what"] == f"money in and out in '{heading}'"]
    assert "2 row(s) of money paid out" in line["decided"], line
