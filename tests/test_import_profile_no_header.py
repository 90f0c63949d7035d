"""A profile saved from a file without a header row keeps that (issue 14).

What went wrong: `cims import march.csv --no-header --map "A=Name" … --profile monthly`
saved the columns A, B, C… but not that the file had no header row, so `--profile
monthly` on next month's headerless file read its first record as a header and stopped
(or, with no data-shaped cell in it, lost that record and found no columns A, B, C).
Now the profile keeps `no_header`; a file whose first row reads as a header stops naming
`--header`, which reads it as one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cims_xl.services import settings
from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_csv, write_xlsx

WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


def write(tmp_path: Path, fmt: str, name: str, rows: list[list[object]]) -> Path:
    return WRITERS[fmt](tmp_path / f"{name}.{fmt}", rows)


def customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


MONTHS = {
    # (the map, march's rows, april's rows): columns A, B, C… by position
    "de": (["A=Name", "B=Email", "C=City"],
           [["Jürgen Weiß", "juergen@example.de", "München"], ["Anna Groß", "anna@example.de", "Köln"]],
           [["Günter Faß", "guenter@example.de", "Düsseldorf"], ["Eva Schön", "eva@example.de", "Jena"]]),
    "zh": (["A=City", "B=Name", "C=Phone"],
           [["北京", "王伟", "+86 138 0013 8000"], ["上海", "李娜", "+86 139 0013 9000"]],
           # a first row of words only: nothing in it says it is data but the profile
           [["深圳", "张敏", ""], ["广州", "陈静", "+86 137 0013 7000"]]),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", sorted(MONTHS))
def test_next_months_headerless_file_imports_with_the_profile_alone_its_first_row_kept_as_a_record(
        admin, tmp_path, config_dir, lang, fmt):
    mapping, march, april = MONTHS[lang]
    first = import_file(admin, write(tmp_path, fmt, "march", march), no_header=True, mapping=mapping,
                        profile="monthly")
    assert (first.created, first.rejected) == (2, 0)
    saved = json.loads((config_dir / "import-profiles" / "monthly.json").read_text(encoding="utf-8"))
    assert saved["no_header"] is True
    second = import_file(admin, write(tmp_path, fmt, "april", april), profile="monthly")
    assert (second.rows, second.created, second.rejected) == (2, 2, 0)
    header = next(i for i in second.inferences if i["what"] == "header row")
    assert "profile 'monthly'" in header["decided"]
    stored = customers(admin)
    fields = [m.split("=")[1].lower() for m in mapping]
    for row in march + april:
        values = dict(zip(fields, row))
        customer = stored[values["name"]]
        assert customer["city"] == values["city"]
        if values.get("email"):
            assert customer["email"] == values["email"]
        if values.get("phone"):
            assert customer["phone"] == values["phone"].replace(" ", "")


@pytest.mark.parametrize("kind,ent,field,mapping,march,april", [
    ("orders", "order", "order_number", ["A=Order ID", "B=Order Date", "C=Customer Name", "D=Amount"],
     [["A-1", "2024-03-05", "Lucía Fernández", "19.90"]], [["A-2", "2024-04-02", "Κώστας Παπαδόπουλος", "7.50"]]),
    ("contacts", "contact", "name", ["A=Name", "B=Email", "C=Customer Name"],
     [["Eva Novak", "eva@novak.cz", "Novák s.r.o."]], [["Petr Dvořák", "petr@dvorak.cz", "Dvořák a syn"]]),
])
def test_a_headerless_profile_of_another_kind_reads_next_months_file_by_position(
        admin, tmp_path, config_dir, kind, ent, field, mapping, march, april):
    import_file(admin, write_csv(tmp_path / "march.csv", march), kind=kind, no_header=True, mapping=mapping,
                profile="monthly")
    second = import_file(admin, write_csv(tmp_path / "april.csv", april), kind=kind, profile="monthly")
    assert (second.created, second.rejected) == (1, 0)
    names = {c["id"]: c["name"] for c in records.list_records(admin, "customer")}
    stored = {str(r[field]): names[r["customer_id"]] for r in records.list_records(admin, ent)}
    assert stored == {march[0][0]: march[0][2], april[0][0]: april[0][2]}


def test_a_file_with_a_header_under_a_headerless_profile_stops_and_header_reads_it(admin, tmp_path, config_dir):
    import_file(admin, write_csv(tmp_path / "march.csv", [["Ann Lee", "ann@example.com"]]), no_header=True,
                mapping=["A=Name", "B=Email"], profile="monthly")
    april = write_csv(tmp_path / "april.csv", [["Name", "Email"], ["Bo Chan", "bo@example.com"]])
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, april, profile="monthly")
    message = str(caught.value)
    assert "profile 'monthly'" in message and "'Name', 'Email'" in message and "--header" in message
    assert "Nothing was imported" in message and set(customers(admin)) == {"Ann Lee"}
    result = import_file(admin, april, profile="monthly", no_header=False)
    assert (result.created, result.rejected) == (1, 0)
    assert customers(admin)["Bo Chan"]["email"] == "bo@example.com"
    # saved again from a file with a header: the profile no longer says there is none
    saved = json.loads((config_dir / "import-profiles" / "monthly.json").read_text(encoding="utf-8"))
    assert "no_header" not in saved


def test_a_profile_saved_from_a_file_with_a_header_still_stops_on_a_headerless_one(admin, tmp_path, config_dir):
    import_file(admin, write_csv(tmp_path / "march.csv", [["Name", "Email"], ["Ann Lee", "ann@example.com"]]),
                profile="monthly")
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, write_csv(tmp_path / "april.csv", [["Bo Chan", "bo@example.com"]]), profile="monthly")
    assert "--no-header" in str(caught.value)
    assert set(customers(admin)) == {"Ann Lee"}


def test_the_command_line_keeps_no_header_in_the_profile_and_header_overrides_it(tmp_path, config_dir, run):
    march = write_csv(tmp_path / "march.csv", [["Olga Ivanova", "olga@example.ru", "Kazan"]], delimiter=";")
    code, out, err = run("import", "file", str(march), "--no-header", "--map", "A=Name", "--map", "B=Email",
                         "--map", "C=City", "--profile", "monthly")
    assert code == 0, err
    april = write_csv(tmp_path / "april.csv", [["Ivan Petrov", "ivan@example.ru", "Tomsk"]], delimiter=";")
    code, out, err = run("--format", "json", "import", "file", str(april), "--profile", "monthly")
    assert code == 0, err
    assert json.loads(out)["created"] == 1
    code, out, err = run("--format", "json", "customer", "list")
    listed = {c["name"]: c for c in json.loads(out)}
    assert listed["Ivan Petrov"]["city"] == "Tomsk" and listed["Ivan Petrov"]["email"] == "ivan@example.ru"
    may = write_csv(tmp_path / "may.csv", [["Name", "Email", "City"], ["Lev Sokolov", "lev@example.ru", "Omsk"]],
                    delimiter=";")
    code, out, err = run("import", "file", str(may), "--profile", "monthly")
    assert code != 0 and "--header" in err
    code, out, err = run("import", "file", str(may), "--profile", "monthly", "--header")
    assert code == 0, err


# ----- --map and the profile's columns, when the file lacks the column -------------------------

@pytest.mark.parametrize("kind,header,row,wrong", [
    ("customers", ["Name", "Mail", "Ort"], ["Jürgen Weiß", "juergen@example.de", "Köln"], "Kundennr=Customer Ref"),
    ("orders", ["Bestellnr", "Datum", "Kunde", "Betrag"], ["B-1", "2024-03-05", "Anna Groß", "12.50"],
     "Kundennummer=Customer Ref"),
])
def test_a_map_for_a_column_the_file_lacks_stops_with_a_profile_too_and_the_profile_is_unchanged(
        admin, tmp_path, config_dir, kind, header, row, wrong):
    settings.set_store_currency(admin, "EUR")  # fix26m: a German/Spanish file's bare amounts stop in a CNY store; its store is in EUR
    path = write_csv(tmp_path / "file.csv", [header, row])
    first = import_file(admin, path, kind=kind, profile="monthly")
    assert first.created == 1
    saved = (config_dir / "import-profiles" / "monthly.json").read_text(encoding="utf-8")
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, write_csv(tmp_path / "next.csv", [header, row]), kind=kind, profile="monthly",
                    mapping=[wrong])
    column = wrong.split("=")[0]
    assert f"'{column}'" in str(caught.value) and "no such column" in str(caught.value)
    assert (config_dir / "import-profiles" / "monthly.json").read_text(encoding="utf-8") == saved
    assert len(records.list_records(admin, "order" if kind == "orders" else "customer")) == 1


def test_a_profile_column_this_file_lacks_is_said_in_the_summary_and_kept_for_the_next_file(
        admin, tmp_path, config_dir):
    import_file(admin, write_csv(tmp_path / "march.csv", [["Nom", "Courriel", "Ville"],
                                                          ["Amélie Dupré", "amelie@example.fr", "Lyon"]]),
                mapping=["Nom=Name", "Courriel=Email", "Ville=City"], profile="monthly")
    april = import_file(admin, write_csv(tmp_path / "april.csv", [["Nom", "Ville"], ["Hélène Roux", "Nantes"]]),
                        profile="monthly")
    assert april.created == 1
    said = next(i for i in april.inferences if i["what"] == "columns of profile 'monthly' not in this file")
    assert "'Courriel' (Email)" in said["decided"]
    saved = json.loads((config_dir / "import-profiles" / "monthly.json").read_text(encoding="utf-8"))
    assert saved["map"]["Courriel"] == "email"
    may = import_file(admin, write_csv(tmp_path / "may.csv", [["Nom", "Courriel", "Ville"],
                                                              ["Céline Petit", "celine@example.fr", "Brest"]]),
                      profile="monthly")
    assert may.created == 1 and not any("not in this file" in i["what"] for i in may.inferences)
    assert customers(admin)["Céline Petit"]["email"] == "celine@example.fr"
