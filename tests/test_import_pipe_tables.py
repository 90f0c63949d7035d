"""Text tables drawn with "|" between cells and ruled lines are read as tables (issue 14).

What went wrong: SAP's list output (a title line, lines of dashes, `| 1001 | Ann Lee |
… | 1.234,50 |`) was sniffed as a comma-separated file: a data row was taken for the
header and split at its decimal comma. A table drawn this way (SAP lists, a Markdown
table, a database console's result) is now read cell by cell, its ruled lines are no
rows, a title above is left out as any line above a header is, and the summary says
what kind of file it was.
"""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records

SAP = """Sales Orders                                         05.03.2024
------------------------------------------------------------------
| Order No | Customer   | Email      | Order Date |     Amount |
------------------------------------------------------------------
| 1001     | Ann Lee    | ann@x.example  | 05.03.2024 |   1.234,50 |
| 1002     | Bob Ray    | bob@x.example  | 06.03.2024 |      45,00 |
------------------------------------------------------------------
"""

MARKDOWN = """| Order No | Customer | Email | Order Date | Amount |
|---|:---|---|---|---:|
| 1001 | Ann Lee | ann@x.example | 2024-03-05 | 1,234.50 |
| 1002 | Bob Ray | bob@x.example | 2024-03-06 | 45.00 |
"""

CONSOLE = """+----------+----------+---------------+------------+----------+
| Order No | Customer | Email         | Order Date | Amount   |
+----------+----------+---------------+------------+----------+
| 1001     | Ann Lee  | ann@x.example | 2024-03-05 | 1234.50  |
| 1002     | Bob Ray  | bob@x.example | 2024-03-06 | 45.00    |
+----------+----------+---------------+------------+----------+
2 rows in set (0.00 sec)
"""


PSQL = """ Order No | Customer | Email         | Order Date | Amount
----------+----------+---------------+------------+---------
 1001     | Ann Lee  | ann@x.example | 2024-03-05 | 1234.50
 1002     | Bob Ray  | bob@x.example | 2024-03-06 |   45.00
(2 rows)
"""

MARKDOWN_ALIGNED = """| Order No | Customer | Email | Order Date | Amount |
|:-----|:-----:|:---|---|-----:|
| 1001 | Ann Lee | ann@x.example | 2024-03-05 | 1,234.50 |
| 1002 | Bob Ray | bob@x.example | 2024-03-06 | 45.00 |
"""

MARKDOWN_BARE = """Order No | Customer | Email | Order Date | Amount
--- | --- | --- | --- | ---:
1001 | Ann Lee | ann@x.example | 2024-03-05 | 1,234.50
1002 | Bob Ray | bob@x.example | 2024-03-06 | 45.00
"""


@pytest.mark.parametrize("text", [SAP, MARKDOWN, CONSOLE, PSQL, MARKDOWN_ALIGNED, MARKDOWN_BARE],
                         ids=["sap-list", "markdown", "console", "psql", "markdown-aligned", "markdown-bare"])
def test_a_drawn_table_s_orders_are_stored_cell_by_cell(admin, tmp_path, text):
    path = tmp_path / "orders.txt"
    path.write_text(text, encoding="utf-8")
    result = import_file(admin, path, kind="orders", currency="EUR")
    got = {o["order_number"]: o for o in records.list_records(admin, "order")}
    assert sorted(got) == ["1001", "1002"]
    assert (str(got["1001"]["amount"]), str(got["1002"]["amount"])) == ("1234.5", "45")
    assert (got["1001"]["order_date"].isoformat(), got["1002"]["order_date"].isoformat()) == ("2024-03-05",
                                                                                          "2024-03-06")
    names = sorted(c["name"] for c in records.list_records(admin, "customer"))
    assert names == ["Ann Lee", "Bob Ray"]
    kind = next(i for i in result.inferences if i["what"] == "kind of file")
    assert "|" in kind["decided"]


def test_a_drawn_customer_list_in_chinese_keeps_each_cell(admin, tmp_path):
    path = tmp_path / "客户.txt"
    path.write_text("客户名单\n"
                    "| 客户名称 | 手机        | 城市 |\n"
                    "|----------|-------------|------|\n"
                    "| 王伟     | 13800138000 | 上海 |\n"
                    "| 李娜     | 13900139000 | 北京 |\n", encoding="utf-8")
    import_file(admin, path, kind="customers")
    got = {c["name"]: (c["mobile"] or c["phone"], c["city"]) for c in records.list_records(admin, "customer")}
    assert got == {"王伟": ("+8613800138000", "上海"), "李娜": ("+8613900139000", "北京")}


def test_a_csv_whose_cells_hold_a_pipe_stays_a_csv(admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Notes\nAnn Lee,ann@x.example,a|b|c\nBob Ray,bob@x.example,|x|\n", encoding="utf-8")
    import_file(admin, path, kind="customers")
    got = {c["name"]: c["notes"] for c in records.list_records(admin, "customer")}
    assert got == {"Ann Lee": "a|b|c", "Bob Ray": "|x|"}


def test_a_markdown_cell_s_escaped_pipe_is_a_pipe_in_the_value(admin, tmp_path):
    path = tmp_path / "people.md"
    path.write_text("| Name | Email | Notes |\n|---|---|---|\n"
                    "| Ann Lee | ann@x.example | likes A\\|B testing |\n"
                    "| Bob Ray | bob@x.example | |\n", encoding="utf-8")
    import_file(admin, path, kind="customers")
    got = {c["name"]: c["notes"] for c in records.list_records(admin, "customer")}
    assert got == {"Ann Lee": "likes A|B testing", "Bob Ray": None}
