"""Rows whose values moved one column right though the row still has the header's number
of fields (try25f #1): a separator inside an unquoted value ("Acme, Inc", 12,50) where
the row's last column was empty. The rows are rejoined where one pair of fields explains
them (a legal form alone after a name, a 1–2 digit fragment after a whole amount) and the
summary says so; otherwise the import stops before writing, naming the rows and
--rejoin, which then imports the file right. Small files of our own, several languages,
separators and encodings; values read back from a real encrypted store."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.errors import CimsError
from cims_xl.importer import import_file
from cims_xl.services import records


def write(tmp_path, name: str, lines: list[str], encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def refused(session, path, **options) -> str:
    with pytest.raises(CimsError) as caught:
        import_file(session, path, **options)
    return str(caught.value)


def by_name(session, kind: str = "customer") -> dict[str, dict]:
    return {r["name"]: r for r in records.list_records(session, kind)}


def said(result, what: str = "values split by an unquoted separator") -> dict:
    (line,) = [i for i in result.inferences if i["what"] == what]
    return line


# (separator, encoding, header, good rows, the split row, name, company, city, the
# column of codes' value)
COMPANY_SPLITS = [
    (",", "utf-8", ["Name", "Company", "City", "State", "Notes"],
     [["Bob Wu", "Beta LLC", "Denver", "CO", ""], ["Cat Li", "Gamma Ltd", "Austin", "TX", ""]],
     ["Ann Lee", "Acme", " Inc", "Boston", "MA"], "Ann Lee", "Acme, Inc", "Boston", "MA"),
    (",", "cp1252", ["Nombre", "Empresa", "Ciudad", "País", "Notas"],
     [["Luis Peña", "Sol Ibérica SA", "Sevilla", "ES", ""], ["Inés Ruiz", "Mar Azul SL", "Cádiz", "ES", ""],
      ["José Díaz", "Río Verde SA", "Córdoba", "ES", ""]],
     ["Ana Gómez", "Gil Hermanos", " S.L.", "Málaga", "ES"], "Ana Gómez", "Gil Hermanos, S.L.", "Málaga", None),
    (";", "utf-8", ["Name", "Firma", "Ort", "Land", "Bemerkung"],
     [["Max Ohm", "Ohm Elektro AG", "Bonn", "DE", ""], ["Lia Berg", "Berg KG", "Kiel", "DE", ""]],
     ["Eva Roth", "Roth Bau", " GmbH", "Köln", "DE"], "Eva Roth", "Roth Bau; GmbH", "Köln", None),
]


@pytest.mark.parametrize("sep, encoding, header, good, bad, name, company, city, code", COMPANY_SPLITS)
def test_a_legal_form_split_off_by_an_unquoted_separator_is_rejoined_and_the_summary_says_so(
        admin, tmp_path, sep, encoding, header, good, bad, name, company, city, code):
    path = write(tmp_path, "people.csv", [sep.join(header), sep.join(bad)] + [sep.join(r) for r in good],
                 encoding)
    dry = import_file(admin, path, dry_run=True)
    line = said(dry)
    assert "1 row(s) read with two fields rejoined" in line["decided"] and "row 2" in line["decided"]
    assert "legal form" in line["evidence"] and "--rejoin none" in line["evidence"]
    result = import_file(admin, path)
    assert result.created == len(good) + 1 and result.rejected == 0
    got = by_name(admin)[name]
    assert got["company"] == company and got["city"] == city
    assert not got.get("notes")
    if code:
        assert got["province"] == code
    for row in good:                   # the other rows as they were
        assert by_name(admin)[row[0]]["city"] == row[2]


def test_a_customer_name_split_before_the_amount_is_rejoined_in_an_orders_file(admin, tmp_path):
    path = write(tmp_path, "orders.csv", [
        "Order ID,Order Date,Customer,Amount,Notes",
        "O1,2024-03-05,Acme, Inc,12.00",
        "O2,2024-03-06,Bob Wu,8.00,",
        "O3,2024-03-07,Cat Li,15.00,gift wrap"])
    import_file(admin, path, kind="orders", currency="EUR")
    orders = {o["order_number"]: o for o in records.list_records(admin, "order")}
    assert Decimal(str(orders["O1"]["amount"])) == Decimal("12.00")
    assert not orders["O1"].get("notes")
    assert "Acme, Inc" in {c["name"] for c in records.list_records(admin, "customer")}


@pytest.mark.parametrize("lines, number, amount", [
    (["Order ID,Order Date,Customer,Amount,Notes",
      "O1,2024-03-05,Ann Lee,12,50",
      "O2,2024-03-06,Bob Wu,8.00,",
      "O3,2024-03-07,Cat Li,15.00,gift wrap"], "O1", "12.50"),
    (["Auftrag,Datum,Kunde,Betrag,Notiz",
      "A1,05.03.2024,Eva Roth,1.234,50",
      'A2,06.03.2024,Max Ohm,"8,00",',
      'A3,07.03.2024,Lia Berg,"15,00",Geschenk'], "A1", "1234.50"),
])
def test_an_amount_split_at_its_decimal_comma_in_a_row_of_the_headers_width_is_stored_whole(
        admin, tmp_path, lines, number, amount):
    path = write(tmp_path, "orders.csv", lines)
    line = said(import_file(admin, path, kind="orders", currency="EUR", dry_run=True))
    assert "decimal comma" in line["evidence"]
    import_file(admin, path, kind="orders", currency="EUR")
    orders = {o["order_number"]: o for o in records.list_records(admin, "order")}
    assert Decimal(str(orders[number]["amount"])) == Decimal(amount)
    assert not orders[number].get("notes")


def test_a_value_that_breaks_a_column_of_codes_stops_naming_the_row_and_rejoin_then_imports_it(admin, tmp_path):
    path = write(tmp_path, "people.csv", [
        "Name,Company,City,State,Notes",
        "Ann Lee,Acme,Boston, Back Bay,MA",
        "Bob Wu,Beta,Denver,CO,",
        "Cat Li,Gamma,Austin,TX,"])
    message = refused(admin, path)
    assert "row 2" in message and "'State' holds 2-letter codes" in message
    assert "Nothing was imported" in message and "double quotes" in message
    assert '--rejoin "2=City"' in message and "Ann Lee" not in message
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, rejoin=["2=City"])
    assert result.created == 3
    ann = by_name(admin)["Ann Lee"]
    assert ann["city"] == "Boston, Back Bay" and ann["province"] == "MA" and not ann.get("notes")
    assert "--rejoin" in said(result)["evidence"]


def test_rejoin_none_keeps_the_fields_as_the_file_separates_them(admin, tmp_path):
    path = write(tmp_path, "people.csv", [
        "Name,Company,City,State,Notes",
        "Ann Lee,Acme, Inc,Boston,MA",
        "Bob Wu,Beta,Denver,CO,"])
    import_file(admin, path, rejoin=["none"])
    assert by_name(admin)["Ann Lee"]["company"] == "Acme"


def test_only_the_rows_whose_values_do_not_fit_are_named(admin, tmp_path):
    # a state code that is also a legal form (CO) after a city, a column of legal forms, a
    # filled last column: those rows fit; only row 5's city split at its comma is named
    path = write(tmp_path, "people.csv", [
        "Name,Company,Legal Form,City,State,Notes",
        "Bob Wu,Beta,LLC,Denver,CO,call back",
        "Cat Li,Gamma,Inc,Austin,TX,",
        "Dan Ho,Delta,Ltd,Boston,MA,vip",
        "Eve Ng,Echo,GmbH,Miami, Dade,FL"])
    message = refused(admin, path)
    assert "1 row(s)" in message and "row 5" in message and "row 2" not in message
    assert '--rejoin "5=City"' in message
    import_file(admin, path, rejoin=["City"])
    got = by_name(admin)
    assert got["Eve Ng"]["city"] == "Miami, Dade" and got["Eve Ng"]["province"] == "FL"
    assert got["Bob Wu"]["city"] == "Denver" and got["Bob Wu"]["province"] == "CO"
    assert got["Bob Wu"]["company"] == "Beta"


def test_the_cli_names_rejoin_and_takes_it(run, admin, tmp_path):
    path = write(tmp_path, "people.csv", [
        "Name,Company,City,State,Notes",
        "Ann Lee,Acme,Boston, Back Bay,MA",
        "Bob Wu,Beta,Denver,CO,",
        "Cat Li,Gamma,Austin,TX,"])
    code, out, err = run("import", "file", str(path))
    assert code != 0 and "--rejoin" in out + err
    code, out, err = run("import", "file", str(path), "--rejoin", "2=City")
    assert code == 0, out + err
    assert by_name(admin)["Ann Lee"]["city"] == "Boston, Back Bay"
