"""`--format csv` output stays text in a spreadsheet whatever list separator opens it:
Excel in de/fr/nl splits a .csv on ';', others on tab or '|', and a line break inside a
field starts a new row for a reader that does not see the field's quotes. A formula start
after any of them inside a field gets an apostrophe, as one at the field's start does;
our importer reads the export back to the same stored values. Opened here with
LibreOffice under each separator; stored values read back from a real encrypted store."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest

from cims_xl import cli
from cims_xl.cell_text import csv_guarded, csv_unguarded_inner
from cims_xl.importer.run import import_file
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

PLANTED = [      # name and city: columns `customer list` exports
    {"name": "Anna;=1+41;x", "city": "Berlin;=cmd|'/c calc'!A1;"},
    {"name": "Zoë\t=2*21\tTab", "city": "Lyon\t+SUM(1;2)"},
    {"name": "a; -2+3", "city": "Wien"},
    {"name": "李娜", "city": "北京|@SUM(1,2)"},
    {"name": "第一行\n=2+2", "city": "上海"},
    {"name": "Ñoño; ＝1+1", "city": "Sevilla\r\n-3+4"},
    {"name": "x|+5", "city": "Oslo"},
    {"name": "'=already guarded by its author", "city": "Gent;'+x"},
    {"name": "''=two", "city": "Bern"},
    {"name": "﹦1+1 small equals", "city": "Taipei;﹢2;﹣3|﹫x"},
]


def _export(store_path, monkeypatch, capsys) -> str:
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    code = cli.main(["--store", str(store_path), "--user", "admin", "--format", "csv",
                     "customer", "list"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _plant(admin):
    for fields in PLANTED:
        records.create(admin, "customer", dict(fields))


@pytest.mark.parametrize("sep", [";", "|"])   # a tab: the stored one-line fields have none
def test_an_export_opened_with_any_list_separator_has_no_formula_cell(
        admin, store_path, tmp_path, monkeypatch, capsys, sep):
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is needed for this test")
    _plant(admin)
    src = tmp_path / "export.csv"
    src.write_text(_export(store_path, monkeypatch, capsys), encoding="utf-8")
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    f"--infilter=CSV:{ord(sep)},34,76,1", "--convert-to", "xlsx",
                    "--outdir", str(tmp_path / "out"), str(src)],
                   check=True, capture_output=True, timeout=240)
    book = openpyxl.load_workbook(tmp_path / "out" / "export.xlsx")
    cells = [c for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
    assert len(cells) > len(PLANTED)
    formulas = [(c.coordinate, c.value) for c in cells
                if c.data_type == "f" or (isinstance(c.value, str) and c.value[:1] in "=+-@")]
    assert formulas == []


def test_an_export_imported_into_another_store_gives_back_the_same_stored_values(
        admin, store_path, tmp_path, monkeypatch, capsys):
    _plant(admin)
    path = tmp_path / "customers.csv"
    path.write_text(_export(store_path, monkeypatch, capsys), encoding="utf-8")
    other = tmp_path / "other.cims"
    auth.init_store(other, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    session = auth.sign_in(other, "admin", ADMIN_PASSWORD)
    try:
        import_file(session, path, kind="customers")
        # the importer turns a tab or line break in a one-line field into a space (its
        # own rule); every apostrophe the export added is gone, none of the author's is
        got = {_spaced(c["city"]): c for c in records.list_records(session, "customer")}
        for fields in PLANTED:
            city = _spaced(fields["city"])
            assert city in got, (city, sorted(got))
            for key, value in fields.items():
                assert _spaced(got[city][key]) == _spaced(value), key
    finally:
        session.close()


@pytest.mark.parametrize("text", [
    "a;=b", "a;'=b", "a;''=b", "\t=x", "'\t'=x", "'=x", "''=x", "a\t\t=b", "a; ; -1", "x|@y|'@z",
    "plain, with a comma", "-5", "+49 30 1234", "Ω;＠mention", "", "﹦1+1", "a;﹣2", "'﹫x",
])
def test_the_guard_is_undone_exactly_by_the_importers_two_rules(text):
    guarded = csv_guarded(text)
    back = csv_unguarded_inner(guarded)
    if back[:1] == "'" and back.lstrip("'")[:1] in "=+-@\t\r\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b" and back.lstrip("'"):
        back = back[1:]
    assert back == text
    for sep in ";|\t\n":
        for piece in guarded.split(sep):
            assert not piece.lstrip(" ")[:1] or piece.lstrip(" ")[0] not in "=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"
