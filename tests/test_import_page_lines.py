"""A printed report's page lines are not records (issue 14, "never silently wrong").

What went wrong: a report printed to a file repeats its header on every page, with the
page's title above it ("Customer Directory - ACME Corp") and a footer below the page's
last record ("Printed 05.03.2024   Page 1 of 2"). The repeated header row was skipped,
but the title line just above it was created as a customer. Now a line filling one cell
right before a repeated header row is skipped as a page line, counted and named in the
summary, when its text says so (a page number) or it is printed on several pages (above
the first header too, or before two repeated headers). Any other such line may be a
record (a name alone): it is kept, and the summary names it.

Each test writes its own small file (CSV and .xlsx, several languages) and reads the
stored records back.
"""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_table

PAGES = {
    "en": (["Name", "Email", "Phone", "City"],
           [["Ann Lee", "ann@example.com", "+1 212 555 0134", "New York"],
            ["Bob Ray", "bob@example.com", "+1 212 555 0135", "Boston"]],
           [["Cat Poe", "cat@example.com", "+1 212 555 0136", "Chicago"]],
           ["Page 1 of 2", "Customer Directory - ACME Corp"]),
    "zh": (["客户名称", "邮箱", "手机", "城市"],
           [["王伟", "wangwei@example.cn", "13800138000", "上海"],
            ["李娜", "lina@example.cn", "13900139000", "北京"]],
           [["张敏", "zhangmin@example.cn", "13700137000", "广州"]],
           ["第 1 页，共 2 页", "客户名录"]),
    "de": (["Name", "E-Mail", "Telefon", "Ort"],
           [["Jürgen Weiß", "juergen@example.de", "+49 30 1234567", "Berlin"],
            ["Anna Schmidt", "anna@example.de", "+49 89 7654321", "München"]],
           [["Eva Braun", "eva@example.de", "+49 40 1122334", "Hamburg"]],
           ["Gedruckt am 05.03.2024, Seite 1 von 2", "Kundenliste – Seite 2"]),
}


def _names(session) -> list[str]:
    return sorted(c["name"] for c in records.list_records(session, "customer"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", sorted(PAGES))
def test_a_page_title_and_footer_before_a_repeated_header_are_skipped_and_counted(admin, tmp_path, lang, fmt):
    header, page1, page2, lines = PAGES[lang]
    title = [lines[-1], "", "", ""]         # a report's title is printed on its first page too
    rows = [title, header, *page1, *[[line, "", "", ""] for line in lines], header, *page2]
    result = import_file(admin, write_table(tmp_path, fmt, rows, f"report_{lang}"), kind="customers")
    assert _names(admin) == sorted(r[0] for r in page1 + page2)
    d = result.as_dict()
    assert d["created"] == 3 and d["rejected"] == 0
    assert d["footer_rows"] == len(lines), "every page line is counted as skipped"
    page = next(i for i in result.inferences if i["what"] == "page lines")
    assert lines[-1][:20] in page["evidence"]
    assert page["decided"].startswith("row(s) ")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_page_of_a_long_report_loses_its_title_not_a_customer(admin, tmp_path, fmt):
    header = ["Name", "Email", "City"]
    rows = [["Report: all customers", "", ""], header]
    for page in range(4):
        rows += [[f"Person {page}{i}", f"p{page}{i}@example.com", "Leeds"] for i in range(3)]
        rows += [[f"Page {page + 1} of 5", "", ""], ["Report: all customers", "", ""], header]
    rows += [["Person last", "last@example.com", "York"]]
    import_file(admin, write_table(tmp_path, fmt, rows, "long"), kind="customers")
    names = _names(admin)
    assert len(names) == 13
    assert not any(n.startswith(("Page", "Report")) for n in names)


def test_an_orders_report_s_page_title_makes_no_customer_and_no_order(admin, tmp_path):
    header = ["Order No", "Order Date", "Customer", "Amount"]
    rows = [["Sales by order – ACME", "", "", ""], header, ["A1", "2024-03-05", "Ann Lee", "10.00"],
            ["A2", "2024-03-06", "Bob Ray", "20.00"],
            ["Sales by order – ACME", "", "", ""], header, ["A3", "2024-03-07", "Cat Poe", "30.00"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, "orders"), kind="orders")
    assert _names(admin) == ["Ann Lee", "Bob Ray", "Cat Poe"]
    assert sorted(o["order_number"] for o in records.list_records(admin, "order")) == ["A1", "A2", "A3"]
    assert result.as_dict()["footer_rows"] == 1


@pytest.mark.parametrize("alone", ["Carol White", "Customer Directory - ACME Corp", "王芳"])
def test_a_line_alone_before_a_repeated_header_with_no_page_evidence_is_kept_and_named(admin, tmp_path, alone):
    # no page number, not printed on another page: a record may be a name alone, and is
    # never dropped for its place alone; the summary names it
    header = ["Name", "Email", "City"]
    rows = [header, ["Ann Lee", "ann@example.com", "Leeds"], ["Eve Ng", "eve@example.com", "Hull"],
            [alone, "", ""], header, ["Dan Fox", "dan@example.com", "York"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, "names"), kind="customers")
    assert _names(admin) == sorted(["Ann Lee", "Eve Ng", alone, "Dan Fox"])
    kept = next(i for i in result.inferences if i["what"] == "page lines?")
    assert kept["decided"] == "row(s) 4 kept as records" and alone in kept["evidence"]
    assert not any(i["what"] == "page lines" for i in result.inferences)


def test_page_lines_are_skipped_even_where_records_are_a_name_alone(admin, tmp_path):
    header = ["Name", "Email", "City"]
    rows = [["Customer Directory - ACME Corp", "", ""], header, ["Ann Lee", "ann@example.com", "Leeds"],
            ["Bob Ray", "", ""], ["Page 1 of 2", "", ""], ["Customer Directory - ACME Corp", "", ""], header,
            ["Dan Fox", "dan@example.com", "York"], ["Acme Holdings", "", ""]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, "names"), kind="customers")
    assert _names(admin) == ["Acme Holdings", "Ann Lee", "Bob Ray", "Dan Fox"]
    page = next(i for i in result.inferences if i["what"] == "page lines")
    assert page["decided"].startswith("row(s) 5, 6 ")


BREAKS = {
    "en": ["Page 1 of 3", "Page 2 of 3", "Printed 2024-03-12  Page 3 of 3"],
    "ja": ["ページ 1 / 3", "2 ページ", "- 3 -"],
    "zh": ["第 1 页，共 3 页", "第 2 頁", "(续)"],
    "de": ["Seite 1 von 3", "Gedruckt am 05.03.2024 Seite 2 von 3", "(Fortsetzung)"],
    "ko": ["페이지 1/3", "2 페이지", "(continued)"],
    "short": ["Pg 1", "P. 2", "Page iii"],                      # try24z 4
    "zh2": ["第一页", "续表", "接上页"],
    "fr": ["(suite)", "Continued on next page", "[continued]"],
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", sorted(BREAKS))
def test_page_numbers_between_records_with_no_repeated_header_are_skipped_and_counted(admin, tmp_path, lang, fmt):
    """A report printed once, its page breaks left as lines between records (try24f A2):
    each line that is wholly a page number or a "(continued)" mark is no customer."""
    header, page1, page2, _ = PAGES["en"]
    records_ = page1 + page2 + [["Dee Fox", "dee@example.com", "+1 212 555 0137", "Denver"]]
    rows = [header]
    for record, line in zip(records_, BREAKS[lang]):
        rows += [record, [line, "", "", ""]]
    result = import_file(admin, write_table(tmp_path, fmt, rows, f"breaks_{lang}"), kind="customers")
    assert _names(admin) == sorted(r[0] for r in records_[:3])
    d = result.as_dict()
    assert d["created"] == 3 and d["rejected"] == 0
    assert d["created"] + d["footer_rows"] == len(rows) - 1, "every row is accounted for"
    page = next(i for i in result.inferences if i["what"] == "page lines")
    assert BREAKS[lang][0][:8] in page["evidence"]


@pytest.mark.parametrize("name", ["Page Turner", "Seite Zwei GmbH", "Continua Health", "12", "Suite 2",
                                  "Continued", "Cont.", "Suite", "P. Smith", "Pg Industries"])
def test_a_name_alone_between_records_that_only_looks_like_a_page_is_kept(admin, tmp_path, name):
    header, page1, page2, _ = PAGES["en"]
    rows = [header, page1[0], [name, "", "", ""], page1[1]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, "names"), kind="customers")
    assert name in _names(admin) or any(o.action == "rejected" for o in result.outcomes)
    assert not any(i["what"] == "page lines" for i in result.inferences)
