"""A Phone cell whose only number is labelled as a fax ("Fax: 030 1234567", "FAX:06-…",
"Telefax 089 …", "传真：…", "팩스 …", "Факс: …") is never stored as the phone: the phone is
left empty, the text kept in Notes and the row warned, in every language and label shape.
A cell with a phone and a fax keeps the phone whichever comes first."""

from __future__ import annotations

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import settings

from table_files import customers_by_name, write_table


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("country, cell", [
    ("Germany", "Fax: 030 1234567"),
    ("Germany", "Fax +49 30 1111111"),
    ("Germany", "Telefax: 089 123456"),
    ("Germany", "Fax-Nr. 030 1234567"),
    ("Germany", "F: +49 30 7654321"),
    ("Japan", "FAX:06-1234-5679"),
    ("Japan", "ＦＡＸ：06-1234-5679"),
    ("China", "传真：010-12345678"),
    ("Taiwan", "傳真 02-2345-6789"),
    ("South Korea", "팩스 02-123-4567"),
    ("Russia", "Факс: +7 495 123-45-67"),
    ("France", "Télécopie : 01 23 45 67 89"),
])
def test_a_phone_cell_whose_only_number_is_labelled_fax_is_never_stored_as_the_phone(admin, tmp_path, fmt, country,
                                                                                      cell):
    f = write_table(tmp_path, fmt, [["Name", "Email", "Phone", "Country"],
                                    ["Acme Ltd", "info@acme.example", cell, country],
                                    ["Beta Ltd", "info@beta.example", "", country]])
    result = import_file(admin, f, kind="customers")
    acme = customers_by_name(admin)["Acme Ltd"]
    assert acme["phone"] is None
    assert cell in acme["notes"]
    warned = [w for o in result.outcomes if o.warnings for w in o.warnings.values()]
    assert any("fax" in w for w in warned)


@pytest.mark.parametrize("cell, phone", [
    ("FAX 03-1234-5679 / TEL 03-1234-5678", "+81312345678"),
    ("TEL 03-1234-5678 / FAX 03-1234-5679", "+81312345678"),
    ("Fax: 03-1234-5679; Tel: 03-1234-5678", "+81312345678"),
])
def test_a_cell_with_a_fax_and_a_phone_keeps_the_phone_whichever_comes_first(admin, tmp_path, cell, phone):
    settings.set_store_currency(admin, "JPY")
    f = write_table(tmp_path, "csv", [["Name", "Phone", "Country"], ["Yamada Shoten", cell, "Japan"],
                                      ["Sato Kogyo", "", "Japan"]])
    import_file(admin, f, kind="customers")
    yamada = customers_by_name(admin)["Yamada Shoten"]
    assert yamada["phone"] == phone
    assert "1234-5679" in yamada["notes"]
