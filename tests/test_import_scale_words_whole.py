"""Scale words inside an amount are read whole or the import stops, never a partial
number: Korean and Japanese (and Chinese) amounts of several number words ("1만2천원" =
12,000 won, "3천만원", "1万2千円", "12万3千4百元"), and Spanish and Portuguese "mil"
(thousand: "15 mil" = 15,000, "2,5 mil" = 2,500), which English shorthand uses for
million: read as thousand where the file is Spanish or Portuguese (its headings, or the
amounts' currency), else the import stops naming the column, examples and --currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import settings

from table_files import orders_by_number, write_csv, write_xlsx

WRITERS = pytest.mark.parametrize("writer, suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
ENGLISH = ["Order No", "Order Date", "Customer", "Amount"]


def _write(tmp_path, writer, suffix, amounts, head=ENGLISH):
    rows = [list(head)] + [[f"S{i}", f"2024-03-{i:02d}", f"Client {i}", a] for i, a in enumerate(amounts, 1)]
    return writer(tmp_path / f"orders.{suffix}", rows)


@WRITERS
@pytest.mark.parametrize("cells, code, amounts", [
    (["1만2천원", "3천만원", "2만5천원"], "KRW", ["12000", "30000000", "25000"]),
    (["1万2千円", "3万5000円", "1億2000万円"], "JPY", ["12000", "35000", "120000000"]),
    (["12万3千4百元", "1万2千元", "1.5万元"], "CNY", ["123400", "12000", "15000"]),
])
def test_amounts_of_several_east_asian_number_words_are_read_whole(admin, tmp_path, writer, suffix, cells,
                                                                   code, amounts):
    import_file(admin, _write(tmp_path, writer, suffix, cells), kind="orders")
    assert orders_by_number(admin) == {f"S{i}": (Decimal(a), code) for i, a in enumerate(amounts, 1)}


@pytest.mark.parametrize("cell", ["1万5円", "1만2천5원", "2千3万円"])
def test_number_words_whose_digits_do_not_say_their_place_are_never_stored_as_a_part(admin, tmp_path, cell):
    f = _write(tmp_path, write_csv, "csv", [cell, "1万2千円" if "円" in cell else "1만2천원"])
    try:
        result = import_file(admin, f, kind="orders")
    except ImportRefused as stop:
        assert f"'{cell}'" in str(stop) or "S1" not in orders_by_number(admin)
        assert orders_by_number(admin) == {}
        return
    assert "S1" not in orders_by_number(admin)
    assert result.rejected == 1 and "S2" in orders_by_number(admin)


@WRITERS
@pytest.mark.parametrize("head, store", [
    (["Número de pedido", "Fecha", "Cliente", "Importe"], "EUR"),
    (["Número do pedido", "Data do pedido", "Cliente", "Valor"], "BRL"),
])
def test_mil_in_a_spanish_or_portuguese_file_is_thousand(admin, tmp_path, writer, suffix, head, store):
    settings.set_store_currency(admin, store)
    import_file(admin, _write(tmp_path, writer, suffix, ["15 mil", "2,5 mil", "300"], head), kind="orders")
    assert orders_by_number(admin) == {"S1": (Decimal("15000"), store), "S2": (Decimal("2500"), store),
                                       "S3": (Decimal("300"), store)}


@WRITERS
def test_mil_beside_a_currency_of_a_portuguese_speaking_country_is_thousand(admin, tmp_path, writer, suffix):
    import_file(admin, _write(tmp_path, writer, suffix, ["R$ 15 mil", "R$ 2,5 mil"]), kind="orders")
    assert orders_by_number(admin) == {"S1": (Decimal("15000"), "BRL"), "S2": (Decimal("2500"), "BRL")}


@WRITERS
@pytest.mark.parametrize("cells", [["15 mil", "20 mil"], ["$15 mil", "$20 mil"]])
def test_mil_in_an_english_file_stops_naming_the_column_and_the_option(admin, tmp_path, writer, suffix, cells):
    f = _write(tmp_path, writer, suffix, cells)
    for dry in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, f, kind="orders", dry_run=dry)
    said = str(stop.value)
    assert "'Amount'" in said and f"'{cells[0]}'" in said and "--currency" in said and "Nothing was imported" in said
    assert orders_by_number(admin) == {}
    import_file(admin, f, kind="orders", currency="MXN")
    assert orders_by_number(admin) == {"S1": (Decimal("15000"), "MXN"), "S2": (Decimal("20000"), "MXN")}
