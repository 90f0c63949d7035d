"""A Chinese amount written twice, 大写 in capital numerals (壹仟贰佰元整) and 小写 in figures
(1200.00): the figures column is the Amount, the capitals are kept in Notes, whatever the
bracket or script (金额(小写), 金额（小写）, 金額(小寫), 金额小写)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv


@pytest.mark.parametrize("capitals, figures", [("金额(大写)", "金额(小写)"), ("金额（大写）", "金额（小写）"),
                                               ("金額(大寫)", "金額(小寫)"), ("金额大写", "金额小写"),
                                               ("金额【大写】", "金额【小写】")])
@pytest.mark.parametrize("order", ["capitals first", "figures first"])
def test_the_amount_in_figures_is_stored_and_the_capitals_kept_in_notes(admin, tmp_path, capitals, figures, order):
    settings.set_store_currency(admin, "CNY")
    head = ["订单号", "客户名称", "下单时间"]
    pairs = [(capitals, "壹仟贰佰元整", "叁佰伍拾元伍角"), (figures, "1200.00", "350.50")]
    if order == "figures first":
        pairs.reverse()
    f = write_csv(tmp_path / "o.csv", [head + [p[0] for p in pairs],
                                       ["1", "华为", "2024-03-05"] + [p[1] for p in pairs],
                                       ["2", "小米", "2024-03-06"] + [p[2] for p in pairs]])
    import_file(admin, f, kind="orders")
    stored = {o["order_number"]: o for o in records.list_records(admin, "order")}
    assert {k: o["amount"] for k, o in stored.items()} == {"1": Decimal("1200"), "2": Decimal("350.5")}
    assert "壹仟贰佰元整" in stored["1"]["notes"]
