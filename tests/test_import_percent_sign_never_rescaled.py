"""A value written with its percent sign (%, full-width ％, Arabic ٪, per mille ‰) says
its own scale and is never rescaled by a decision about the column's bare numbers; a
percent column gets one scale decision, made on the whole column and shown once
(prob24: "1%" beside "0.7" was stored as 100, "50%" was refused as 5000)."""

from __future__ import annotations

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx

HEAD = ["Opportunity", "Customer", "Stage", "Amount", "Currency", "Probability", "Expected Close"]


def _deals(session) -> dict[str, dict]:
    return {o["name"]: o for o in records.list_records(session, "opportunity")}


def _import(admin, tmp_path, probabilities, writer=write_csv, head=HEAD):
    rows = [head] + [[f"T{i}", "Kunde 1", "Proposal", 1000, "CNY", p, "2026-12-20"]
                     for i, p in enumerate(probabilities, 1)]
    path = writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"), rows)
    return import_file(admin, path, kind="opportunities")


def _scale_lines(result, column="Probability") -> list[dict]:
    return [i for i in result.inferences
            if i["what"] in (f"percentages in '{column}'", f"probability in '{column}'")]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("one, zero", [("1%", "0%"), ("1 ％", "0 ％"), ("٪1", "٪0"), ("10‰", "0‰"),
                                       ("1,0 %", "0 %")])
def test_a_signed_one_percent_beside_a_bare_fraction_is_stored_as_one(admin, tmp_path, writer, one, zero):
    result = _import(admin, tmp_path, [one, "0.7", zero], writer)
    assert result.created == 3 and result.rejected == 0
    deals = _deals(admin)
    assert deals["T1"]["probability"] == 1
    assert deals["T3"]["probability"] == 0
    # the bare 0.7 beside signed values reads two ways (70 % or 0.7 %): left empty, said
    assert deals["T2"]["probability"] is None
    warned = {o.row: o.warnings for o in result.outcomes if o.warnings}
    assert set(warned) == {3}
    lines = _scale_lines(result)
    assert len(lines) == 1, lines
    assert "left empty" in lines[0]["decided"]


@pytest.mark.parametrize("half", ["50%", "50 ％", "٪50", "500‰", "%50"])
def test_a_signed_half_beside_a_bare_fraction_is_kept_not_refused_as_five_thousand(admin, tmp_path, half):
    result = _import(admin, tmp_path, [half, "0.7"])
    assert result.rejected == 0, [o.reason for o in result.outcomes]
    deals = _deals(admin)
    assert deals["T1"]["probability"] == 50
    assert deals["T2"]["probability"] is None
    assert len(_scale_lines(result)) == 1


def test_signed_values_beside_bare_zeros_and_ones_are_not_scaled_and_one_decision_is_shown(admin, tmp_path):
    # no fraction with digits: the signed values say the column writes percent points,
    # so a bare 1 is 1 % as in any column of points; "35%" stays 35, never 3500
    result = _import(admin, tmp_path, ["35%", "1", "0", "5%"])
    assert result.rejected == 0, [o.reason for o in result.outcomes]
    deals = _deals(admin)
    assert [deals[f"T{i}"]["probability"] for i in range(1, 5)] == [35, 1, 0, 5]
    assert not any(i["decided"].startswith("shares of 1") for i in _scale_lines(result))


def test_a_column_of_bare_zeros_and_ones_still_reads_them_as_shares_once(admin, tmp_path):
    result = _import(admin, tmp_path, ["1", "0", "1"])
    assert [d["probability"] for _, d in sorted(_deals(admin).items())] == [100, 0, 100]
    assert len(_scale_lines(result)) == 1


def test_an_order_discount_written_with_its_sign_is_a_share_whatever_the_other_rows_write(admin, tmp_path):
    head = ["Order No", "Customer", "Order Date", "Amount", "Currency", "Discount"]
    rows = [head,
            ["A-1", "Kunde 1", "2026-01-02", "100", "CNY", "5%"],
            ["A-2", "Kunde 1", "2026-01-03", "100", "CNY", "0.1"],
            ["A-3", "Kunde 1", "2026-01-04", "100", "CNY", "٪20"],
            ["A-4", "Kunde 1", "2026-01-05", "100", "CNY", "50‰"]]
    result = import_file(admin, write_csv(tmp_path / "orders.csv", rows), kind="orders")
    assert result.rejected == 0, [o.reason for o in result.outcomes]
    got = {o["order_number"]: o["discount"] for o in records.list_records(admin, "order")}
    from decimal import Decimal
    assert {k: Decimal(str(v)) for k, v in got.items()} == {
        "A-1": Decimal("0.05"), "A-2": Decimal("0.1"), "A-3": Decimal("0.2"), "A-4": Decimal("0.05")}


@pytest.mark.parametrize("cells, stored", [
    ([(0.01, "0%"), (0.7, "General"), (0, "0%")], [1, None, 0]),        # 1% shown: 1, never 100
    ([(0.5, "0%"), (0.7, "General")], [50, None]),                      # 50% shown: 50, never 5000
    ([(0.5, "0.0%"), (40, "General"), (15, '0"%"')], [50, 40, 15]),     # 15 shown "15%" (sign as text)
])
def test_a_workbook_cell_formatted_as_a_percentage_is_the_percentage_it_shows(admin, tmp_path, cells, stored):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    for i, (value, fmt) in enumerate(cells, 1):
        ws.append([f"T{i}", "Kunde 1", "Proposal", 1000, "CNY", value, "2026-12-20"])
        ws.cell(i + 1, HEAD.index("Probability") + 1).number_format = fmt
    wb.save(tmp_path / "p.xlsx")
    result = import_file(admin, tmp_path / "p.xlsx", kind="opportunities")
    assert result.rejected == 0, [o.reason for o in result.outcomes]
    deals = _deals(admin)
    assert [deals[f"T{i}"]["probability"] for i in range(1, len(cells) + 1)] == stored
    assert len(_scale_lines(result)) <= 1
