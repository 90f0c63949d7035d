"""A customer's Type as other systems write it in other languages (issue 14: Firma,
Privatperson, 法人, 個人, 회사, B2B… were left empty with a warning)."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records

WORDS = {"Firma": "Company", "Unternehmen": "Company", "Privatperson": "Person", "Entreprise": "Company",
         "Particulier": "Person", "Empresa": "Company", "Particular": "Person", "法人": "Company", "個人": "Person",
         "会社": "Company", "회사": "Company", "개인": "Person", "B2B": "Company", "B2C": "Person",
         "Pessoa Jurídica": "Company", "Pessoa Física": "Person"}


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_type_words_of_other_systems_are_read(admin, tmp_path, suffix):
    rows = [(f"Kunde {i}", f"k{i}@example.com", word) for i, word in enumerate(WORDS)]
    if suffix == "csv":
        path = tmp_path / "customers.csv"
        path.write_text("Name,Email,Type\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    else:
        import openpyxl
        wb = openpyxl.Workbook()
        wb.active.append(["Name", "Email", "Type"])
        for r in rows:
            wb.active.append(list(r))
        path = tmp_path / "customers.xlsx"
        wb.save(path)
    result = import_file(admin, path)
    assert (result.created, result.warnings) == (len(WORDS), 0)
    got = {c["name"]: c["type"] for c in records.list_records(admin, "customer")}
    assert got == {f"Kunde {i}": want for i, want in enumerate(WORDS.values())}
