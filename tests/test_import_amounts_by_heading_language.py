"""Amounts naming no currency in a file headed in German, French, Spanish, Italian,
Portuguese, Polish, Dutch … (the importer's own heading words, by language), where the
language's countries use another currency than the store's (CLDR territory languages
and currencies via babel): the import stops before writing, naming the column, examples,
the language and --currency, which then imports the file. Where the store's currency is
one of the language's, the import goes on and says so. English files never stop."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.mapping import entity_for, resolve_target
from cims_xl.importer.run import import_file
from cims_xl.services import settings

from table_files import orders_by_number, said_about, write_csv, write_xlsx

WRITERS = pytest.mark.parametrize("writer, suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])

FILES = {
    "german": (["Bestellnummer", "Bestelldatum", "Kunde", "Betrag"], "Müller GmbH", "EUR", "German"),
    "french": (["Numéro de commande", "Date de commande", "Nom du client", "Montant"], "Dupont SARL", "EUR", "French"),
    "spanish": (["Número de pedido", "Fecha", "Cliente", "Importe"], "García S.L.", "EUR", "Spanish"),
    "italian": (["Numero ordine", "Data ordine", "Cliente", "Importo"], "Rossi S.r.l.", "EUR", "Italian"),
    "portuguese": (["Número do pedido", "Data do pedido", "Cliente", "Valor"], "Silva Lda", "BRL", "Portuguese"),
    "polish": (["Numer zamówienia", "Data zamówienia", "Klient", "Kwota"], "Kowalski sp. z o.o.", "PLN", "Polish"),
    "dutch": (["Ordernummer", "Orderdatum", "Klant", "Bedrag"], "Jansen B.V.", "EUR", "Dutch"),
}


def _write(tmp_path, writer, suffix, head, customer, amounts=("1250", "830")):
    rows = [head] + [[f"N{i}", f"2024-03-0{i + 4}", customer, a] for i, a in enumerate(amounts, start=1)]
    return writer(tmp_path / f"orders.{suffix}", rows)


@WRITERS
@pytest.mark.parametrize("lang", list(FILES))
def test_a_file_headed_in_a_latin_letter_language_of_another_currency_stops_until_the_currency_is_given(
        admin, tmp_path, writer, suffix, lang):
    head, customer, code, name = FILES[lang]
    f = _write(tmp_path, writer, suffix, head, customer)
    for dry in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, f, kind="orders", dry_run=dry)
    said = str(stop.value)
    assert f"'{head[3]}'" in said and "'1250'" in said and "row 2" in said
    assert name in said and f"--currency {code}" in said and "--currency CNY" in said
    assert "Nothing was imported" in said
    assert orders_by_number(admin) == {}
    import_file(admin, f, kind="orders", currency=code)
    assert orders_by_number(admin) == {"N1": (Decimal("1250"), code), "N2": (Decimal("830"), code)}
    # the same amounts under English headings: a Chinese business's English export, in the store's CNY
    rows = [["Order No", "Order Date", "Customer", "Amount"], ["E1", "2024-03-07", customer, "500"]]
    import_file(admin, writer(tmp_path / f"english.{suffix}", rows), kind="orders")
    assert orders_by_number(admin)["E1"] == (Decimal("500"), "CNY")


@WRITERS
@pytest.mark.parametrize("lang, store", [("german", "EUR"), ("german", "CHF"), ("french", "EUR"), ("french", "CAD"),
                                         ("spanish", "MXN"), ("portuguese", "BRL"), ("polish", "PLN"),
                                         ("dutch", "EUR"), ("italian", "EUR")])
def test_a_file_in_a_language_whose_countries_use_the_stores_currency_imports_and_says_so(
        admin, tmp_path, writer, suffix, lang, store):
    settings.set_store_currency(admin, store)
    head, customer, _, name = FILES[lang]
    result = import_file(admin, _write(tmp_path, writer, suffix, head, customer), kind="orders")
    assert orders_by_number(admin) == {"N1": (Decimal("1250"), store), "N2": (Decimal("830"), store)}
    line = said_about(result, "currency of amounts written without one")
    assert store in line and name in line


def _maps(kind: str, word: str) -> bool:
    try:
        return bool(resolve_target(entity_for(kind), word))
    except ImportRefused:
        return False


def test_every_labelled_heading_word_is_one_the_importer_maps():
    from cims_xl.importer import heading_language
    unmapped = [(langs, word) for langs, words in heading_language._WORDS.items() for word in words
                if not any(_maps(kind, word) for kind in ("orders", "customers", "contacts"))]
    assert unmapped == []
