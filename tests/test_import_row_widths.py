"""CSV rows with more fields than the header, decided on the whole file (issue 14, tester
19): a separator inside a value that is not in quotes shifts every value after it,
whether the field it adds at the end is empty or not; only the same empty fields at the
end of every line (a trailing separator, as Excel writes CSV) are the file's own shape,
and the summary says so. Small files of our own: comma, semicolon and tab; several
languages; customers and orders."""

from __future__ import annotations

import pytest

from cims_xl.errors import CimsError
from cims_xl.importer import import_file
from cims_xl.services import records


def write(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refused(session, path, **options) -> str:
    with pytest.raises(CimsError) as caught:
        import_file(session, path, **options)
    return str(caught.value)


def by_name(session, kind: str = "customer") -> dict[str, dict]:
    return {r["name"]: r for r in records.list_records(session, kind)}


# A row whose last column (Phone, Telefon, 电话, Телефон) is empty: the field a split adds
# at the end is empty too, so only the row's width tells it apart.
SPLIT_ROWS = [
    (",", ["Name", "Email", "Address", "City", "Postal Code", "Country", "Phone"],
     ["Greta Neu", "greta@example.de", "Ring 1", "Berlin", "10115", "DE", ""],
     ["Otto Alt", "otto@example.de", "Acme, Inc. Hof 2", "Hamburg", "20095", "DE", ""], "Acme, Inc. Hof 2"),
    (";", ["Name", "E-Mail", "Straße", "Ort", "PLZ", "Land", "Telefon"],
     ["Jörg Weiß", "joerg@example.de", "Ring 1", "Köln", "50667", "DE", ""],
     ["Uwe Groß", "uwe@example.de", "Müller; Söhne Hof 3", "Bonn", "53111", "DE", ""], "Müller; Söhne Hof 3"),
    ("\t", ["姓名", "邮箱", "地址", "城市", "邮编", "国家", "电话"],
     ["李娜", "lina@example.cn", "漕溪北路88号", "上海", "200030", "CN", ""],
     ["王伟", "wangwei@example.cn", "建国路\t88号", "北京", "100022", "CN", ""], "建国路 88号"),
    (",", ["Имя", "Email", "Адрес", "Город", "Индекс", "Страна", "Телефон"],
     ["Иван Петров", "ivan@example.ru", "ул. Ленина 1", "Москва", "101000", "RU", ""],
     ["Ольга Смирнова", "olga@example.ru", "ООО Рога, и Копыта", "Казань", "420000", "RU", ""],
     "ООО Рога, и Копыта"),
]


@pytest.mark.parametrize("sep, header, good, bad, address", SPLIT_ROWS)
def test_a_value_split_by_an_unquoted_separator_stops_even_when_the_field_it_adds_at_the_end_is_empty(
        admin, tmp_path, sep, header, good, bad, address):
    path = write(tmp_path, "people.csv", [sep.join(header), sep.join(good), sep.join(bad)])
    for dry in (True, False):
        message = refused(admin, path, dry_run=dry)
        assert "row 3 (8 fields)" in message and "header's 7" in message
        assert "double quotes" in message and "Nothing was imported" in message
        assert "@" not in message and bad[0] not in message     # no personal values in the message
    assert records.list_records(admin, "customer") == []
    # the same rows with the value in quotes, as RFC 4180 writes it, import right
    quoted = [f'"{v}"' if sep in v else v for v in bad]
    fixed = write(tmp_path, "fixed.csv", [sep.join(header), sep.join(good), sep.join(quoted)])
    assert import_file(admin, fixed).created == 2
    stored = by_name(admin)[bad[0]]
    assert " ".join(stored["address"].split()) == address
    assert (stored["city"], stored["postal_code"]) == (bad[3], bad[4])
    assert not stored.get("phone") and not stored.get("notes")


def test_a_row_with_empty_extra_fields_stops_the_same_way_as_one_with_a_value_there(admin, tmp_path):
    header = "Name,Email,Company,Country,Phone"
    empty = write(tmp_path, "empty.csv", [header, "Ann Lee,ann@example.com,Beta,FR,",
                                          "Bob Ray,bob@example.com,Acme, Inc.,FR,"])
    filled = write(tmp_path, "filled.csv", [header, "Ann Lee,ann@example.com,Beta,FR,",
                                            "Bob Ray,bob@example.com,Acme, Inc.,FR,+33 1 23 45 67 89"])
    one, other = refused(admin, empty), refused(admin, filled)
    assert "row 3 (6 fields)" in one
    assert one.replace("empty.csv", "F") == other.replace("filled.csv", "F")
    assert records.list_records(admin, "customer") == []


@pytest.mark.parametrize("sep, header_end", [(",", ""), (";", ""), ("\t", ""), (",", ","), (";", ";;")])
def test_the_same_empty_fields_at_the_end_of_every_line_import_and_the_summary_says_so(
        admin, tmp_path, sep, header_end):
    pad = sep * max(1, len(header_end))
    lines = [sep.join(["Name", "Email", "City", "Phone"]) + header_end,
             sep.join(["Ann Lee", "ann@example.com", "Paris", "+33 1 23 45 67 89"]) + pad,
             sep.join(["Bob Ray", "bob@example.com", "Lyon", ""]) + pad,
             sep.join(["Cy Moe", "cy@example.com", "", ""]) + pad]
    path = write(tmp_path, "padded.csv", lines)
    dry = import_file(admin, path, dry_run=True)
    (said,) = [i for i in dry.inferences if i["what"] == "trailing separator"]
    assert said["decided"] == ("the 2 empty fields" if len(pad) == 2 else "the empty field") + \
        " at the end of every line ignored"
    assert "4 columns" in said["evidence"]
    assert ("header's too" in said["evidence"]) == bool(header_end)
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (3, 0)
    people = by_name(admin)
    assert people["Ann Lee"]["phone"] == "+33123456789" and people["Bob Ray"]["city"] == "Lyon"
    assert not any(p.get("notes") for p in people.values())


@pytest.mark.parametrize("header_end", ["", ","])
def test_a_split_row_in_a_file_whose_every_line_ends_with_a_separator_still_stops(admin, tmp_path, header_end):
    path = write(tmp_path, "padded.csv", ["Name,Email,Company,City" + header_end,
                                          "Ann Lee,ann@example.com,Beta,Paris,",
                                          "Bob Ray,bob@example.com,Acme, Inc.,Lyon,",
                                          "Cy Moe,cy@example.com,Gamma,Nice,"])
    message = refused(admin, path)
    assert "1 row(s) have more fields than the " in message and "row 3 (6 fields)" in message
    assert "row 2" not in message and "row 4" not in message
    assert records.list_records(admin, "customer") == []


def test_lines_that_do_not_all_end_with_the_separator_stop_naming_the_ones_that_differ(admin, tmp_path):
    # two rows split by "Acme, Inc." with Phone empty, one row right: most rows are the
    # longer ones, which is no evidence that they are whole
    path = write(tmp_path, "people.csv", ["Name,Email,Company,Phone",
                                          "Ann Lee,ann@example.com,Acme, Inc.,",
                                          "Bob Ray,bob@example.com,Beta, Ltd.,",
                                          "Cy Moe,cy@example.com,Gamma,"])
    message = refused(admin, path)
    assert "most rows have 5 fields" in message and "1 row(s) have fewer: row 4 (4 fields)" in message
    assert records.list_records(admin, "customer") == []


def test_a_footer_line_without_the_trailing_separator_does_not_undo_the_files_shape(admin, tmp_path):
    path = write(tmp_path, "report.csv", ["Name,Email,City",
                                          "Ann Lee,ann@example.com,Paris,",
                                          "Bob Ray,bob@example.com,Lyon,",
                                          "",
                                          "Total: 2 customers"])
    result = import_file(admin, path)
    assert (result.created, result.footer_rows) == (2, 1)
    assert any(i["what"] == "trailing separator" for i in result.inferences)


def test_an_order_line_with_an_unquoted_formula_stops_instead_of_shifting_the_amounts(admin, tmp_path):
    # Shopify's orders export; the product name a formula with a comma, not in quotes
    header = ("Name,Email,Financial Status,Currency,Total,Created at,Lineitem quantity,Lineitem name,"
              "Lineitem price,Billing Name,Billing Country,Phone")
    rows = ["#1001,sarah@example.com,paid,USD,139.90,2026-03-01 10:15:20 -0800,2,Blue Mug,35.00,Sarah Connor,US,",
            "#1002,john@example.co.uk,paid,GBP,50.00,2026-03-05 11:59:00 +0000,3,Green Mug,15.00,John Public,GB,",
            '#1003,greta@example.de,paid,EUR,1200.00,2026-03-07 07:58:00 +0100,1,'
            '=HYPERLINK("http://evil.example","Big Order"),1200.00,Greta Neu,DE,']
    path = write(tmp_path, "orders_export.csv", [header, *rows])
    message = refused(admin, path, kind="orders")
    assert "row 4 (13 fields)" in message and "Nothing was imported" in message
    assert "evil" not in message
    assert records.list_records(admin, "order") == [] and records.list_records(admin, "customer") == []
    # quoted, as Shopify writes it: the formula is kept as text, neutralised
    rows[2] = rows[2].replace('=HYPERLINK("http://evil.example","Big Order")',
                              '"=HYPERLINK(""http://evil.example"",""Big Order"")"')
    fixed = write(tmp_path, "fixed.csv", [header, *rows])
    assert import_file(admin, fixed, kind="orders").created == 3
    (big,) = [o for o in records.list_records(admin, "order") if o["order_number"] == "#1003"]
    assert str(big["amount"]) in ("1200.00", "1200", "1200.0")
    assert big["currency"] == "EUR"
