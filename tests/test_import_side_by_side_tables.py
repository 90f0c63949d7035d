"""A second table beside the first, past an entirely empty column (a lookup list to the
right of the customers): not merged into the rows beside it. A blank spacer column inside
one table still reads as one table. Small files of our own, read back from a real store."""

from __future__ import annotations

import openpyxl

from cims_xl.importer import import_file
from cims_xl.services import records


def customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def xlsx(tmp_path, name: str, rows: list[list]):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    path = tmp_path / name
    wb.save(path)
    return path


def beside_line(result) -> dict:
    (said,) = [i for i in result.inferences if i["what"] == "another table beside"]
    return said


def test_a_short_lookup_right_of_the_customers_is_another_table_and_gives_them_no_city(admin, tmp_path):
    path = xlsx(tmp_path, "kunden.xlsx", [
        ["Name", "Email", "Phone", None, "Region", "City"],
        ["Ana Ruiz", "ana@ruiz.es", "+34 91 123 4567", None, "Nord", "Bilbao"],
        ["Luis Paz", "luis@paz.es", "+34 93 765 4321", None, "Süd", "Sevilla"],
        ["Eva Sanz", "eva@sanz.es", "+34 96 111 2233", None, None, None],
        ["Iker Gil", "iker@gil.es", "+34 94 444 5566", None, None, None],
        ["Noa Vidal", "noa@vidal.es", "+34 95 777 8899", None, None, None],
    ])
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (5, 0)
    got = customers(admin)
    assert not got["Ana Ruiz"]["city"]
    assert "Nord" not in (got["Ana Ruiz"]["notes"] or "")
    assert not got["Luis Paz"]["city"]
    said = beside_line(result)
    assert "E:F" in said["decided"] and "column D is empty" in said["evidence"]


def test_a_lookup_longer_than_the_list_beside_it_leaves_no_rejected_or_empty_customers(admin, tmp_path):
    path = tmp_path / "客户.csv"
    path.write_text("客户名称,电话,,销售组,城市\n"
                    "王芳,+86 138 0013 8000,,华东组,上海\n"
                    "李强,+86 139 0013 9000,,华南组,广州\n"
                    ",,,华北组,北京\n"
                    ",,,西南组,成都\n", encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (2, 0)
    got = customers(admin)
    assert set(got) == {"王芳", "李强"}
    assert not got["王芳"]["city"] and "华东组" not in (got["王芳"]["notes"] or "")
    assert "row 4" in beside_line(result)["evidence"]


def test_a_table_beside_with_its_own_header_lower_down_is_not_read_as_unnamed_columns(admin, tmp_path):
    path = xlsx(tmp_path, "liste.xlsx", [
        ["Nom", "Téléphone", "Ville", None, None],
        ["Dupont SARL", "+33 1 42 68 53 00", "Paris", None, None],
        ["Martin SA", "+33 4 91 13 89 00", "Marseille", None, "Objectif"],
        ["Bernard SAS", "+33 5 56 00 66 00", "Bordeaux", None, "120000"],
    ])
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (3, 0)
    got = customers(admin)
    assert "Objectif" not in (got["Martin SA"]["notes"] or "")
    assert "120000" not in (got["Bernard SAS"]["notes"] or "")
    assert got["Bernard SAS"]["city"] == "Bordeaux"
    assert "E" in beside_line(result)["decided"]


def test_a_blank_spacer_column_inside_one_table_keeps_the_columns_beyond_it(admin, tmp_path):
    path = xlsx(tmp_path, "spacer.xlsx", [
        ["Name", "Email", None, "City", "Segment"],
        ["Ann Lee", "ann@x.com", None, "Boston", "A"],
        ["Bob Ray", "bob@y.com", None, "Chicago", "B"],
        ["Cy Fox", "cy@z.com", None, "Denver", "C"],
        ["Di Wu", "di@z.com", None, "Austin", "A"],
    ])
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (4, 0)
    got = customers(admin)
    assert got["Di Wu"]["city"] == "Austin"
    assert got["Cy Fox"]["segment"] == "C"
    assert not [i for i in result.inferences if i["what"] == "another table beside"]


def test_a_spacer_column_with_columns_beyond_it_filled_here_and_there_is_still_one_table(admin, tmp_path):
    path = tmp_path / "sparse.csv"
    path.write_text("Name,Email,,City\n"
                    "Ann Lee,ann@x.com,,\n"
                    "Bob Ray,bob@y.com,,Chicago\n"
                    "Cy Fox,cy@z.com,,\n"
                    "Di Wu,di@z.com,,Austin\n", encoding="utf-8")
    result = import_file(admin, path)
    assert result.created == 4
    got = customers(admin)
    assert got["Bob Ray"]["city"] == "Chicago" and got["Di Wu"]["city"] == "Austin"
    assert not [i for i in result.inferences if i["what"] == "another table beside"]


def test_one_row_missing_its_left_cells_in_a_table_with_a_spacer_column_keeps_it_one_table(admin, tmp_path):
    path = tmp_path / "spacer_gap.csv"
    path.write_text("Name,Email,,City\n"
                    "Ann Lee,ann@x.com,,Boston\n"
                    ",,,Denver\n"
                    "Bob Ray,bob@y.com,,Chicago\n"
                    "Cy Fox,cy@z.com,,Austin\n", encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (3, 1)
    assert customers(admin)["Cy Fox"]["city"] == "Austin"
    assert not [i for i in result.inferences if i["what"] == "another table beside"]


import pytest  # noqa: E402


@pytest.mark.parametrize("rows, kept", [
    ([["Name", "Email", "Phone", "City", None, "Notes"],
      ["Acme Ltd", "info@acme.com", "+1 212 555 0100", "New York", None, "VIP customer"],
      ["Beta GmbH", "kontakt@beta.de", "+49 30 1234567", "Berlin", None, "call monday"],
      ["Cust Zero", "c0@x.com", "+1 212 555 0110", "Boston", None, None],
      ["Cust One", "c1@x.com", "+1 212 555 0111", "Boston", None, None],
      ["Cust Two", "c2@x.com", "+1 212 555 0112", "Boston", None, None]],
     {"Acme Ltd": ("notes", "VIP customer"), "Beta GmbH": ("notes", "call monday")}),
    ([["Name", "Email", "City", None, "Phone", "Notes"],
      ["Anna Berg", "a@x.com", "Berlin", None, "+49 30 1234567", "VIP"],
      ["Bob Kraus", "b@x.com", "Hamburg", None, "+49 40 1234567", None],
      ["Carl Link", "carl@x.com", "Bonn", None, None, None],
      ["Dora Falk", "dora@x.com", "Bonn", None, None, None],
      ["Emil Roth", "emil@x.com", "Bonn", None, None, None]],
     {"Anna Berg": ("notes", "VIP"), "Bob Kraus": ("phone", "+49 40 1234567")}),
    ([["Nom", "Courriel", "Ville", None, "Remarques"],
      ["Ana Roux", "ana@x.fr", "Lyon", None, "cliente fidèle"],
      ["Léo Petit", "leo@x.fr", "Nice", None, "rappeler lundi"],
      ["Max Blanc", "max@x.fr", "Metz", None, None],
      ["Zoé Noir", "zoe@x.fr", "Caen", None, None]],
     {"Ana Roux": ("notes", "cliente fidèle"), "Léo Petit": ("notes", "rappeler lundi")}),
])
def test_a_field_column_past_a_spacer_filled_only_in_the_first_rows_stays_in_the_table(admin, tmp_path, rows, kept):
    result = import_file(admin, xlsx(tmp_path, "spacer.xlsx", rows), kind="customers")
    assert not [i for i in result.inferences if i["what"] == "another table beside"]
    got = customers(admin)
    assert len(got) == len(rows) - 1
    for name, (fieldname, value) in kept.items():
        stored = got[name][fieldname] or ""
        assert value.replace(" ", "") in stored.replace(" ", "").replace("-", "")


def test_a_lookup_of_unnamed_headings_past_a_spacer_in_the_first_rows_is_still_another_table(admin, tmp_path):
    f = xlsx(tmp_path, "side.xlsx", [
        ["Name", "Email", "City", None, "Sales team", "Target"],
        ["Anna Berg", "a@x.com", "Berlin", None, "Nord", "120000"],
        ["Bob Kraus", "b@x.com", "Hamburg", None, "Süd", "90000"],
        ["Carl Link", "carl@x.com", "Bonn", None, None, None],
        ["Dora Falk", "dora@x.com", "Bonn", None, None, None]])
    result = import_file(admin, f, kind="customers")
    assert "E:F" in beside_line(result)["decided"]
    assert "Nord" not in (customers(admin)["Anna Berg"]["notes"] or "")
