"""A DOS file (CP850 or CP437) whose only non-ASCII letters are ß (byte E1) and a few
umlauts is read as DOS, decided on the whole file: its words ("Hauptstraße", "Grüße",
"Maße", "Weiß") are German words, while the Windows-1252 reading ("Hauptstraáe") and the
Mac Roman one ("Hauptstra·e") write runs of letters no language's words hold. A file
with too few words to tell stops naming --encoding, and that option imports it right.
A Windows-1252 file of Spanish words with á stays Windows-1252. Files written by the
tests in tmp_path, read back from a real encrypted store."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.encoding import EncodingUncertain
from table_files import customers_by_name

GERMAN = {
    "addresses": [("Anna Berg", "Hauptstraße 5", "Berlin", "Maße prüfen"),
                  ("Bob Klein", "Große Straße 2", "Köln", "Viele Grüße"),
                  ("Carl Weiß", "Schloßallee 3", "Hamburg", "")],
    "notes_only": [("Dora Roe", "Am Hang 1", "Bonn", "Grüße an Frau Strauß"),
                   ("Emil Fox", "Ring 2", "Kiel", "Maße fehlen"),
                   ("Fritz Moe", "Weg 3", "Jena", "Fußweg hinten")],
    "names": [("Jürgen Weiß", "Parkweg 1", "Essen", ""), ("Heinz Groß", "Lindenstraße 9", "Mainz", ""),
              ("Eva Strauß", "Dorfplatz 4", "Ulm", "")],
}
SPANISH = [("Ana Gómez", "Calle Mayor 5", "Málaga", "Llamar más tarde"),
           ("Luis Díaz", "Plaza España 2", "Cádiz", "Envío rápido"),
           ("Rosa Peña", "Avenida 3", "Ávila", "")]


def _csv(tmp_path, name: str, rows, encoding: str):
    text = "Name,Address,City,Notes\r\n" + "".join(",".join(r) + "\r\n" for r in rows)
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("dos", ["cp850", "cp437"])
def test_a_dos_file_with_sharp_s_is_read_as_dos_on_its_german_words(admin, tmp_path, dos):
    for sample, rows in GERMAN.items():
        result = import_file(admin, _csv(tmp_path, f"kunden_{sample}.csv", rows, dos))
        assert (result.created, result.rejected) == (3, 0), sample
        assert result.encoding in ("cp850", "cp437"), sample
        stored = customers_by_name(admin)
        for name, address, city, notes in rows:
            assert (stored[name]["address"], stored[name]["city"]) == (address, city)
            assert (stored[name]["notes"] or "") == notes
    # the same bytes' rule the other way: a Windows-1252 file of Spanish words keeps its á
    result = import_file(admin, _csv(tmp_path, "clientes.csv", SPANISH, "cp1252"))
    assert result.encoding == "cp1252" and result.created == 3
    stored = customers_by_name(admin)
    assert [stored[n]["city"] for n, *_ in SPANISH] == ["Málaga", "Cádiz", "Ávila"]


def test_a_dos_file_with_one_sharp_s_word_stops_naming_cp850_and_the_option_imports_it(admin, tmp_path):
    path = _csv(tmp_path, "kurz.csv", [("Anna Berg", "Hauptstraße 5", "Berlin", "")], "cp850")
    with pytest.raises(EncodingUncertain) as stop:
        import_file(admin, path)
    assert "--encoding cp850" in str(stop.value) and "Hauptstraße" in str(stop.value)
    assert customers_by_name(admin) == {}
    result = import_file(admin, path, encoding="cp850")
    assert result.created == 1 and customers_by_name(admin)["Anna Berg"]["address"] == "Hauptstraße 5"
