"""A store whose region is SET (`cims settings region`) and a file whose numbers without
a country code are valid there AND in the one other country the whole file points to
(its letters, headings, cities, addresses, postal codes): a Korean file's
"010-1234-5678" is a Beijing number too, a Singapore "9123 4567" a German one, a
Mexican "55 1234 5678" a US one, a Belgian mobile "0470 12 34 56" a French landline.
The numbers cannot tell which is meant, so the import stops before writing, naming
the column, both readings and `--region XX` (and `--region <store's>` to keep the
store's reading); either option then imports the file that way. A file pointing to
the store's own country or nowhere, or a domestic file with one foreign city, is read
as before."""
from __future__ import annotations

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records
from cims_xl.services.settings import set_store_region


def _phones(session) -> dict[str, str | None]:
    return {c["name"]: c["phone"] for c in records.list_records(session, "customer")}


def _write(path, rows: list[list[str]]) -> None:
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        book.save(path)
    else:
        path.write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")


KOREAN = [["이름", "전화", "도시"],
          ["김민수", "010-1234-5678", "서울"],
          ["이영희", "010-2345-6789", "부산"],
          ["박지성", "010-3456-7890", "서울"]]
SINGAPORE = [["Name", "Phone", "City"],
             ["Tan Ah Kow", "9123 4567", "Singapore"],
             ["Lim Bee Hoon", "8123 4567", "Singapore"],
             ["Ng Wei Ling", "6123 4567", "Singapore"]]
HONG_KONG = [["Name", "Phone"],              # no place at all: only its traditional characters
             ["陳大文", "9123 4567"],
             ["李小明", "6123 4567"],
             ["黃志強", "2123 4567"]]
MEXICAN = [["Nombre", "Teléfono", "Ciudad"],
           ["Juan Pérez", "55 1234 5678", "Ciudad de México"],
           ["María López", "33 1234 5678", "Guadalajara"],
           ["Luis García", "55 8765 4321", "Monterrey"]]
BELGIAN = [["Nom", "Téléphone", "Ville"],
           ["Lucas Peeters", "0470 12 34 56", "Liège"],
           ["Emma Janssens", "0485 12 34 56", "Namur"],
           ["Noah Maes", "0475 98 76 54", "Antwerpen"]]
JAPANESE = [["氏名", "電話", "都市"],
            ["山田太郎", "03-1234-5678", "東京"],
            ["佐藤花子", "052-123-4567", "名古屋"],
            ["鈴木一郎", "03-9876-5432", "東京"]]


def _names(rows):
    return [r[0] for r in rows[1:]]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("store, rows, foreign, as_foreign, as_store", [
    ("CN", KOREAN, "KR", ["+821012345678", "+821023456789", "+821034567890"],
     ["+861012345678", "+861023456789", "+861034567890"]),
    ("DE", SINGAPORE, "SG", ["+6591234567", "+6581234567", "+6561234567"],
     ["+4991234567", "+4981234567", "+4961234567"]),
    ("DE", HONG_KONG, "HK", ["+85291234567", "+85261234567", "+85221234567"],
     ["+4991234567", "+4961234567", "+4921234567"]),
    ("US", MEXICAN, "MX", ["+525512345678", "+523312345678", "+525587654321"],
     ["+15512345678", "+13312345678", "+15587654321"]),
    ("FR", BELGIAN, "BE", ["+32470123456", "+32485123456", "+32475987654"],
     ["+33470123456", "+33485123456", "+33475987654"]),
    ("KR", JAPANESE, "JP", ["+81312345678", "+81521234567", "+81398765432"],
     ["+8231234567", "+82521234567", "+8239876543"]),
])
def test_numbers_valid_in_the_stores_region_and_where_the_file_points_stop_naming_both_readings_and_the_options(
        admin, tmp_path, suffix, store, rows, foreign, as_foreign, as_store):
    set_store_region(admin, store)
    src = tmp_path / f"customers{suffix}"
    _write(src, rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, src)
    said = str(stop.value)
    assert f"'{rows[0][1]}'" in said and "Nothing was imported" in said
    assert f"--region {foreign}" in said and f"--region {store}" in said
    assert as_foreign[0] in said and as_store[0] in said         # both readings shown
    names = [r[0] for r in rows[1:]]
    assert not [n for n in names if n in said]                    # never a name, nor letters cut out of one
    others = "".join(c for r in rows for c in r[1:]) + "".join(rows[0])
    assert not {ch for n in names for ch in n if not ch.isascii() and ch not in others} & set(said)
    assert _phones(admin) == {}
    with pytest.raises(ImportRefused):
        import_file(admin, src, dry_run=True)
    assert _phones(admin) == {}
    import_file(admin, src, region=foreign)
    assert _phones(admin) == dict(zip(_names(rows), as_foreign))


@pytest.mark.parametrize("store, rows, as_store", [
    ("CN", KOREAN, ["+861012345678", "+861023456789", "+861034567890"]),
    ("US", MEXICAN, ["+15512345678", "+13312345678", "+15587654321"]),
    ("DE", SINGAPORE, ["+4991234567", "+4981234567", "+4961234567"]),
])
def test_the_stores_own_region_given_as_the_option_keeps_its_reading(admin, tmp_path, store, rows, as_store):
    set_store_region(admin, store)
    src = tmp_path / "customers.csv"
    _write(src, rows)
    with pytest.raises(ImportRefused):
        import_file(admin, src)
    import_file(admin, src, region=store)
    assert _phones(admin) == dict(zip(_names(rows), as_store))


def test_one_foreign_city_in_a_big_domestic_file_changes_nothing_a_file_mostly_from_there_stops(admin, tmp_path):
    set_store_region(admin, "DE")
    cities = [("Berlin", "030"), ("Hamburg", "040"), ("Köln", "0221"), ("Frankfurt am Main", "069"),
              ("Stuttgart", "0711")]
    rows = [["Name", "Phone", "City"]]
    rows += [[f"Kunde {i}", f"{cities[i % 5][1]} {2345600 + i}", cities[i % 5][0]] for i in range(40)]
    rows.append(["Tan Ah Kow", "9123 4567", "Singapore"])
    src = tmp_path / "kunden.csv"
    _write(src, rows)
    import_file(admin, src)
    got = _phones(admin)
    assert len(got) == 41 and got["Tan Ah Kow"] == "+4991234567"       # as before: the store's reading
    assert got["Kunde 0"] == "+49302345600" and got["Kunde 2"] == "+492212345602"
    # the same foreign rows making up most of a file: it stops
    most = tmp_path / "mostly_singapore.csv"
    _write(most, [["Name", "Phone", "City"], ["Anna Schmidt", "030 1234567", "Berlin"]]
           + [[f"Customer {i}", f"9{i}12 4567", "Singapore"] for i in range(1, 8)])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, most)
    assert "--region SG" in str(stop.value) and "--region DE" in str(stop.value)
    assert "Customer 1" not in _phones(admin)


def test_a_file_pointing_to_the_stores_own_country_is_read_as_before_one_pointing_elsewhere_stops(admin, tmp_path):
    set_store_region(admin, "FR")
    src = tmp_path / "clients.csv"
    _write(src, [["Nom", "Téléphone", "Ville"], ["Léa Martin", "0470 12 34 56", "Lyon"],
                 ["Hugo Bernard", "0485 12 34 56", "Marseille"], ["Chloé Petit", "01 42 68 53 00", "Paris"]])
    import_file(admin, src)
    assert _phones(admin) == {"Léa Martin": "+33470123456", "Hugo Bernard": "+33485123456",
                              "Chloé Petit": "+33142685300"}
    be = tmp_path / "clients_be.csv"
    _write(be, BELGIAN)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, be)
    assert "'Téléphone'" in str(stop.value) and "+32470123456" in str(stop.value)
    assert "Lucas Peeters" not in _phones(admin)


def test_chinese_writing_with_numbers_that_read_in_singapore_stops_a_file_of_plain_names_is_read_as_before(
        admin, tmp_path):
    set_store_region(admin, "DE")
    plain = tmp_path / "plain.csv"
    _write(plain, [["Name", "Phone"], ["Ann Berg", "9123 4567"], ["Ben Roth", "6123 4567"]])
    import_file(admin, plain)         # nothing in it points anywhere: the store's reading, as before
    assert _phones(admin) == {"Ann Berg": "+4991234567", "Ben Roth": "+4961234567"}
    src = tmp_path / "kunden_zh.csv"
    _write(src, [["Name", "Phone"], ["王芳", "9123 4567"], ["李娜", "6123 4567"], ["张伟", "9876 5432"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, src)
    said = str(stop.value)
    assert "--region SG" in said and "--region DE" in said and "+6598765432" in said
    assert not {"王", "芳", "李", "娜", "张", "伟"} & set(said)     # never a name, nor letters of one
    import_file(admin, src, region="SG")
    assert _phones(admin)["张伟"] == "+6598765432" and _phones(admin)["Ann Berg"] == "+4991234567"


def test_the_cli_import_stops_with_one_line_and_its_region_option_imports_the_file(run, admin, tmp_path):
    set_store_region(admin, "CN")
    src = tmp_path / "고객.csv"
    _write(src, KOREAN)
    code, out, err = run("import", str(src))
    assert code != 0 and "--region KR" in err and "--region CN" in err and "Traceback" not in err
    assert _phones(admin) == {}
    code, out, err = run("import", str(src), "--region", "KR")
    assert code == 0, err
    assert _phones(admin) == dict(zip(_names(KOREAN), ["+821012345678", "+821023456789", "+821034567890"]))
