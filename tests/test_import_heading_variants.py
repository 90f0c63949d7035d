"""Heading and address variants that were lost or misplaced (task addr21): look-alike
letters in a heading, address lines out of order and supplements under other names, SAP's
Name 1 / Name 2, the order-number headings of German, French, Spanish, Portuguese and
Dutch order lists. Every file is written here; every value is read back from a real
encrypted store."""
from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records

from table_files import customers_by_name, linked_owners, orders_by_number, said_about, write_table


# ----- 1. look-alike letters ------------------------------------------------------------

# (headings, what the second and third column are): Romanian written with the cedilla
# letters ş ţ (CLDR and our word lists write ș ț), in capitals too; a Latin heading with a
# Cyrillic look-alike letter pasted in (Cyrillic "а" in "Nаme", "Е" in "Е-mail", "С" in "Сity")
LOOK_ALIKE = [
    (["Nume", "Oraş", "Judeţ"], ("city", "province")),
    (["NUME", "ORAŞ", "JUDEŢ"], ("city", "province")),
    (["ＮＵＭＥ", "Ｏｒａş", "ﬁrma judeţ"], ("city", None)),              # full-width, a ligature
    (["Nume", "Localitaţi", "Ţară"], (None, "country")),
    (["N\u0430me", "\u0415-mail", "\u0421ity"], ("email", "city")),
    # Greek capitals drawn as Latin ones (Ν, Ε, Τ, Α: case folding would make "Ν" a "ν", drawn as v)
    (["\u039dame", "\u0395mail", "C\u03b9ty"], ("email", "city")),
    (["\u039d\u0391ME", "\u0395-MAIL", "CI\u03a4Y"], ("email", "city")),
    (["Nam\u03b5", "E\u039cail", "\u039fraş"], ("email", "city")),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("headings,fields", LOOK_ALIKE)
def test_a_heading_typed_with_a_look_alike_letter_is_read_as_its_word(admin, tmp_path, fmt, headings, fields):
    values = {"city": "Cluj-Napoca", "province": "Cluj", "country": "RO", "email": "ion@exemplu.ro", None: "x"}
    rows = [headings, ["Ana Pop", *("ana@exemplu.ro" if f == "email" else values[f] for f in fields)],
            ["Ion Rusu", *(values[f] for f in fields)]]
    result = import_file(admin, write_table(tmp_path, fmt, rows, name="clienti"), kind="customers")
    got = customers_by_name(admin)
    assert set(got) == {"Ana Pop", "Ion Rusu"} and result.rejected == 0
    for field in fields:
        if field == "country":
            assert got["Ana Pop"]["country"] in ("RO", "Romania")
        elif field:
            assert got["Ion Rusu"][field] == values[field], (field, got["Ion Rusu"])
    mapped = [c["field"] for c in result.mapping]
    assert all(m for m, f in zip(mapped[1:], fields) if f), mapped


def test_the_fold_does_not_merge_words_that_differ(admin, tmp_path):
    # a wholly Cyrillic heading keeps its letters ("Город" is a city, not Latin look-alikes);
    # a Turkish "İl" (province) and "İlçe" (district, the city) stay two fields; Romanian "Oraş"
    # (typed with a cedilla) is read as "Oraș"
    rows = [["Ad Soyad", "İL", "İLÇE", "Oraş"], ["Ayşe Kaya", "İzmir", "Konak", "x"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, name="musteriler"), kind="customers")
    got = customers_by_name(admin)["Ayşe Kaya"]
    assert (got["province"], got["city"]) == ("İzmir", "Konak")
    assert {c["column"]: c["field"] for c in result.mapping}["Oraş"] is None      # the city is taken already
    from cims_xl.importer.heading_fold import fold
    assert fold("Город") == "город" and fold("Oraş") == fold("ORAȘ") and fold("Kır") != fold("Kir")


# ----- 2. address lines out of order, supplements ---------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("headings", [
    ["Name", "Address Line 2", "Address Line 1", "City"],
    ["Name", "Address 3", "Address 2", "Address 1", "City"],
    ["Name", "Street2", "Street", "City"],
])
def test_address_lines_out_of_column_order_are_joined_in_line_order(admin, tmp_path, fmt, headings):
    lines = {"Address Line 1": "12 Main St", "Address Line 2": "Apt 4", "Address 1": "12 Main St",
             "Address 2": "Apt 4", "Address 3": "Rear entrance", "Street": "12 Main St", "Street2": "Apt 4"}
    rows = [headings, ["Ann Lee", *(lines[h] for h in headings[1:-1]), "Leeds"]]
    result = import_file(admin, write_table(tmp_path, fmt, rows, name="customers"), kind="customers")
    want = ", ".join(v for v in ("12 Main St", "Apt 4", "Rear entrance") if v in rows[1])
    assert customers_by_name(admin)["Ann Lee"]["address"] == want
    assert "line order" in said_about(result, "address lines")


# (street heading, supplement heading): the supplement written BEFORE the street in the file
SUPPLEMENTS = [("Adresse", "Complément d'adresse"), ("Straße", "Adresszusatz"), ("Dirección", "Complemento"),
               ("Endereço", "Complemento"), ("Adres", "Toevoeging"), ("住所", "建物名"),
               ("Indirizzo", "Complemento indirizzo"), ("Address", "Apt/Suite"), ("Dirección 1", "Dirección 2")]


@pytest.mark.parametrize("street,supplement", SUPPLEMENTS)
def test_an_address_supplement_named_in_the_language_joins_after_the_street(admin, tmp_path, street, supplement):
    rows = [["Name", supplement, street, "City"], ["Ann Lee", "Bât. B, 3e étage", "12 rue Victor Hugo", "Lyon"],
            ["Bob Ray", "", "3 rue Nationale", "Lille"]]
    result = import_file(admin, write_table(tmp_path, "xlsx", rows, name="customers"), kind="customers")
    got = customers_by_name(admin)
    assert got["Ann Lee"]["address"] == "12 rue Victor Hugo, Bât. B, 3e étage"
    assert got["Bob Ray"]["address"] == "3 rue Nationale"
    assert "Bât. B" not in (got["Ann Lee"]["notes"] or "")
    assert supplement in said_about(result, "address lines")


@pytest.mark.parametrize("supplement", ["Adresszusatz", "Address Line 2", "Complemento", "建物名", "Toevoeging"])
def test_a_supplement_alone_is_not_the_address_and_is_kept_in_notes(admin, tmp_path, supplement):
    rows = [["Name", supplement, "City"], ["Ann Lee", "c/o Hausverwaltung Nord", "Kiel"]]
    dry = import_file(admin, write_table(tmp_path, "csv", rows, name="customers"), kind="customers", dry_run=True)
    assert supplement in said_about(dry, "columns not the record's own") and records.list_records(admin, "customer") == []
    result = import_file(admin, write_table(tmp_path, "csv", rows, name="customers"), kind="customers")
    got = customers_by_name(admin)["Ann Lee"]
    assert got["address"] is None and "c/o Hausverwaltung Nord" in got["notes"]
    assert "no first line" in said_about(result, "columns not the record's own")


# ----- 3. SAP Name 1 / Name 2, DATEV ------------------------------------------------------

SAP_ROWS = [["Müller Maschinenbau und Anlagen-", "technik GmbH", "Berlin"],
            ["Weber Holz- &", "Bautechnik GmbH & Co. KG", "Köln"],
            ["Schmidt Logistik", "z. Hd. Frau Meier", "Hamburg"],
            ["Beta Handel GmbH", "Niederlassung Süd", "Bonn"],
            ["Anna Schulz", "", "Essen"]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("heads", [("Name 1", "Name 2"), ("Name1", "NAME2"), ("NAME 1", "Name 2")])
def test_sap_name_1_is_the_customers_name_and_name_2_joins_it_only_where_it_continues_it(admin, tmp_path, fmt,
                                                                                         heads):
    rows = [[*heads, "Ort"], *SAP_ROWS]
    dry = import_file(admin, write_table(tmp_path, fmt, rows, name="debitoren"), kind="customers", dry_run=True)
    assert "joined to the name in 2 row(s)" in said_about(dry, "Name 2") and records.list_records(admin, "customer") == []
    result = import_file(admin, write_table(tmp_path, fmt, rows, name="debitoren"), kind="customers")
    got = customers_by_name(admin)
    assert set(got) == {"Müller Maschinenbau und Anlagen-technik GmbH", "Weber Holz- & Bautechnik GmbH & Co. KG",
                        "Schmidt Logistik", "Beta Handel GmbH", "Anna Schulz"}
    assert f"{heads[1]}: z. Hd. Frau Meier" in got["Schmidt Logistik"]["notes"]
    assert f"{heads[1]}: Niederlassung Süd" in got["Beta Handel GmbH"]["notes"]
    assert "technik" not in (got["Müller Maschinenbau und Anlagen-technik GmbH"]["notes"] or "")
    assert got["Weber Holz- & Bautechnik GmbH & Co. KG"]["type"] == "Company"
    assert "kept in Notes in 2 row(s)" in said_about(result, "Name 2")


def test_an_sap_order_list_takes_name_1_as_the_customer_and_auftrag_as_the_order_number(admin, tmp_path):
    rows = [["Auftrag", "Auftragsdatum", "Name 1", "Name 2", "Nettowert", "Währung"],
            ["4711", "2024-03-15", "Müller Maschinenbau und Anlagen-", "technik GmbH", "1250.50", "EUR"],
            ["4712", "2024-03-16", "Schmidt Logistik", "z. Hd. Frau Meier", "99.90", "EUR"]]
    result = import_file(admin, write_table(tmp_path, "xlsx", rows, name="va05"), kind="orders")
    assert result.rejected == 0
    assert orders_by_number(admin) == {"4711": (Decimal("1250.5"), "EUR"), "4712": (Decimal("99.9"), "EUR")}
    assert linked_owners(admin, "order", "order_number") == {"4711": "Müller Maschinenbau und Anlagen-technik GmbH",
                                                               "4712": "Schmidt Logistik"}


def test_a_datev_list_takes_unternehmensname_as_the_company(admin, tmp_path):
    rows = [["Unternehmensname", "Kurzbezeichnung", "Ort"], ["Weber Bautechnik GmbH", "WEBER", "Köln"]]
    import_file(admin, write_table(tmp_path, "csv", rows, name="datev"), kind="customers")
    got = records.list_records(admin, "customer")
    assert [(c["company"], c["city"]) for c in got] == [("Weber Bautechnik GmbH", "Köln")]
    assert "Kurzbezeichnung: WEBER" in got[0]["notes"]


# ----- 4. order-number headings -----------------------------------------------------------

@pytest.mark.parametrize("heading", ["Auftrag", "Beleg", "Belegnr.", "Rechnung", "N° de commande", "N° de facture",
                                     "N.º de pedido", "Nº do pedido", "Número de factura",
                                     "Bestelling", "Factuur", "n.° ordine", "# Bestelling"])
def test_an_orders_files_order_number_heading_in_the_language_is_read(admin, tmp_path, heading):
    rows = [[heading, "Datum", "Kunde", "Betrag", "Währung"], ["A-101", "2024-03-15", "Acme GmbH", "120.00", "EUR"],
            ["A-102", "2024-03-16", "Acme GmbH", "80.00", "EUR"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, name="orders"), kind="orders")
    assert (result.created, result.rejected, result.unmapped) == (2, 0, [])
    assert orders_by_number(admin) == {"A-101": (Decimal("120"), "EUR"), "A-102": (Decimal("80"), "EUR")}


def test_a_number_mark_before_the_customer_word_is_the_customers_id_not_its_name(admin, tmp_path):
    rows = [["N° de commande", "Date", "N° client", "Client", "Montant", "Devise"],
            ["C-1", "2024-03-15", "K-77", "Acme SARL", "50", "EUR"]]
    import_file(admin, write_table(tmp_path, "csv", rows, name="commandes"), kind="orders")
    customer = customers_by_name(admin)["Acme SARL"]
    assert "src:K-77" in (customer["tags"] or "")
    assert linked_owners(admin, "order", "order_number") == {"C-1": "Acme SARL"}


# ----- 5. headings translated: a second header row, "Name / 名称" -----------------------------

SECOND_ROWS = [(["Name", "Email", "City", "Phone"], ["名称", "邮箱", "城市", "电话"]),
               (["Customer Name", "E-mail", "City", "Phone"], ["Nom du client", "Courriel", "Ville", "Téléphone"]),
               (["Kundenname", "E-Mail", "Ort", "Telefon"], ["Customer name", "Email", "City", "Phone"]),
               (["氏名", "メールアドレス", "市区町村", "電話番号"], ["Name", "Email", "City", "Phone"])]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("first,second", SECOND_ROWS)
def test_a_second_header_row_in_another_language_is_read_as_headings_not_stored_as_a_record(admin, tmp_path, fmt,
                                                                                             first, second):
    rows = [first, second, ["Ann Lee", "ann@example.com", "Leeds", "+44 20 7946 0958"],
            ["Bob Ray", "bob@example.com", "York", "+44 20 7946 0959"]]
    src = write_table(tmp_path, fmt, rows, name="customers")
    dry = import_file(admin, src, kind="customers", dry_run=True)
    assert "row 2 read as the headings" in said_about(dry, "header row in two languages")
    result = import_file(admin, src, kind="customers")
    got = customers_by_name(admin)
    assert set(got) == {"Ann Lee", "Bob Ray"} and result.created == 2
    assert (got["Ann Lee"]["email"], got["Ann Lee"]["city"]) == ("ann@example.com", "Leeds")
    assert got["Bob Ray"]["phone"] == "+442079460959" and not got["Bob Ray"]["notes"]
    assert f"'{first[0]}' = '{second[0]}'" in said_about(result, "header row in two languages")


@pytest.mark.parametrize("headings", [["Name / 名称", "Email / 邮箱", "City / 城市"],
                                      ["Name／名称", "E-mail／邮箱", "City／城市"],
                                      ["名称（Name）", "邮箱（Email）", "城市（City）"],
                                      ["Name\n名称", "Email\n邮箱", "City\n城市"],
                                      ["Nom | Name", "Courriel | Email", "Ville | City"]])
def test_a_heading_written_in_two_languages_maps_to_the_field_both_name(admin, tmp_path, headings):
    rows = [headings, ["Ann Lee", "ann@example.com", "Leeds"]]
    result = import_file(admin, write_table(tmp_path, "xlsx", rows, name="customers"), kind="customers")
    got = customers_by_name(admin)["Ann Lee"]
    assert (got["email"], got["city"]) == ("ann@example.com", "Leeds")
    # a second row naming other fields than the headings above it is a record, not a translation
    rows = [["Name", "Company", "City"], ["Email", "Ville", "Firma"], ["Bob Ray", "Beta Ltd", "York"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, name="more"), kind="customers")
    assert not any(i["what"] == "header row in two languages" for i in result.inferences)
    assert {"Email", "Bob Ray"} <= set(customers_by_name(admin))



@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_word_cut_between_name_1_and_name_2_without_a_hyphen_is_joined_without_a_space(admin, tmp_path, fmt):
    rows = [["Kunde", "Name 1", "Name 2", "Ort"],
            ["100237", "Internationale Handelsgesellsch", "aft mbH", "Bonn"],
            ["100238", "Global Logistics Corpor", "ation Ltd", "Leeds"],
            ["100239", "Société Générale de Transpor", "ts SA", "Lyon"],
            ["100240", "Weber Holz", "und Bau GmbH", "Köln"],
            ["100241", "Schmidt", "von Berg KG", "Essen"],
            ["100242", "Müller Maschinenbau", "GmbH & Co. KG", "Berlin"]]
    import_file(admin, write_table(tmp_path, fmt, rows, name="debitoren"), kind="customers")
    assert set(customers_by_name(admin)) == {"Internationale Handelsgesellschaft mbH", "Global Logistics Corporation Ltd",
                                      "Société Générale de Transports SA", "Weber Holz und Bau GmbH",
                                      "Schmidt von Berg KG", "Müller Maschinenbau GmbH & Co. KG"}
