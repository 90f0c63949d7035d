"""Customers and orders files whose headings are in Hebrew, Persian, Urdu, Hindi, Bengali,
Malay, Filipino, Swedish, Danish, Norwegian, Finnish, Romanian, Bulgarian, Serbian (both
scripts), Croatian or Slovak import without --map, as CSV and as .xlsx, every field
stored where it belongs (header_words.LANGUAGES); bidi marks and Arabic presentation
forms around a right-to-left heading do not stop the match; a heading that means two
fields is listed with both and not guessed, and --map settles it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cims_xl.domain.schema import ENTITIES
from cims_xl.importer import import_file
from cims_xl.importer import mapping as mp
from cims_xl.services import records

from table_files import write_table

FIELDS = ["name", "company", "email", "phone", "mobile", "address", "city", "province", "postal_code",
          "country", "notes", "tags"]

# language -> customers headings in FIELDS order (None: the language's exports have no such
# column), the customer's name, and orders headings: number, date, customer, amount,
# status, currency, product, quantity.
LANGS = {
    "he": (["שם", "חברה", 'דוא"ל', "טלפון", "נייד", "כתובת", "עיר", "מחוז", "מיקוד", "מדינה", "הערות", "תגיות"],
           "דנה כהן", ["מספר הזמנה", "תאריך הזמנה", "לקוח", 'סה"כ', "סטטוס", "מטבע", "מוצר", "כמות"]),
    "fa": (["نام", "شرکت", "ایمیل", "تلفن", "موبایل", "آدرس", "شهر", "استان", "کد پستی", "کشور", "توضیحات",
            "برچسب‌ها"],
           "مریم احمدی", ["شماره سفارش", "تاریخ سفارش", "نام مشتری", "مبلغ کل", "وضعیت سفارش", "واحد پول",
                          "نام کالا", "تعداد"]),
    "ur": (["نام", "کمپنی کا نام", "ای میل", "فون نمبر", "موبائل نمبر", "پتہ", "شہر", "صوبہ", "پوسٹل کوڈ", "ملک",
            "ریمارکس", "ٹیگز"],
           "عائشہ خان", ["آرڈر نمبر", "آرڈر کی تاریخ", "گاہک کا نام", "کل رقم", "اسٹیٹس", "کرنسی", "پروڈکٹ",
                         "مقدار"]),
    "hi": (["नाम", "कंपनी", "ईमेल", "फ़ोन", "मोबाइल नंबर", "पता", "शहर", "राज्य", "पिन कोड", "देश", "टिप्पणी", "टैग"],
           "अनीता शर्मा", ["ऑर्डर नंबर", "ऑर्डर की तारीख", "ग्राहक का नाम", "कुल राशि", "ऑर्डर स्थिति", "मुद्रा",
                          "उत्पाद", "मात्रा"]),
    "bn": (["নাম", "কোম্পানির নাম", "ইমেইল", "ফোন নম্বর", "মোবাইল", "ঠিকানা", "শহর", "রাজ্য", "পোস্ট কোড", "দেশ",
            "মন্তব্য", "ট্যাগ"],
           "রহিম উদ্দিন", ["অর্ডার নম্বর", "অর্ডারের তারিখ", "গ্রাহকের নাম", "মোট টাকা", "অবস্থা", "মুদ্রা", "পণ্যের নাম",
                           "সংখ্যা"]),
    "ms": (["Nama", "Syarikat", "E-mel", "No. Telefon", "Telefon Bimbit", "Alamat", "Bandar", "Negeri", "Poskod",
            "Negara", "Catatan", "Tag"],
           "Siti Aminah", ["No. Pesanan", "Tarikh Pesanan", "Nama Pelanggan", "Amaun", "Status Pesanan", "Mata Wang",
                           "Nama Produk", "Kuantiti"]),
    "tl": (["Pangalan", "Kumpanya", "Email", "Telepono", "Cellphone", "Tirahan", "Lungsod", "Lalawigan", "Zip Code",
            "Bansa", "Mga Tala", "Mga Tag"],
           "Juan dela Cruz", ["Numero ng Order", "Petsa ng Order", "Pangalan ng Kustomer", "Kabuuang Halaga",
                              "Katayuan", "Pera", "Produkto", "Dami"]),
    "sv": (["Namn", "Företag", "E-post", "Telefon", "Mobil", "Gatuadress", "Postort", "Län", "Postnummer", "Land",
            "Anteckningar", "Taggar"],
           "Anna Berg", ["Ordernummer", "Orderdatum", "Kundnamn", "Belopp", "Orderstatus", "Valuta", "Artikel",
                         "Antal"]),
    "da": (["Navn", "Virksomhed", "E-mailadresse", "Telefon", "Mobil", "Adresse", "Bynavn", None, "Postnr.", "Land",
            "Bemærkninger", "Mærker"],
           "Mette Hansen", ["Ordrenummer", "Ordredato", "Kundenavn", "Beløb i alt", "Ordrestatus", "Valuta", "Varenavn",
                            "Antal"]),
    "nb": (["Navn", "Bedrift", "E-post", "Telefon", "Mobilnummer", "Gateadresse", "Poststed", "Fylke", "Postnummer",
            "Land", "Merknader", "Merkelapper"],
           "Ola Nordmann", ["Ordrenummer", "Ordredato", "Kunde", "Beløp", "Ordrestatus", "Valuta", "Vare", "Antall"]),
    "fi": (["Nimi", "Yritys", "Sähköposti", "Puhelin", "Matkapuhelin", "Katuosoite", "Postitoimipaikka", "Maakunta",
            "Postinumero", "Maa", "Lisätiedot", "Tunnisteet"],
           "Matti Virtanen", ["Tilausnumero", "Tilauspäivä", "Asiakas", "Yhteensä", "Tila", "Valuutta", "Tuote",
                              "Määrä"]),
    "ro": (["Nume", "Firmă", "Adresă de e-mail", "Telefon", "Telefon mobil", "Adresă", "Localitate", "Județ",
            "Cod poștal", "Țară", "Observații", "Etichete"],
           "Ion Popescu", ["Nr. comandă", "Data comenzii", "Client", "Valoare totală", "Stare comandă", "Monedă",
                           "Denumire produs", "Cantitate"]),
    "bg": (["Име и фамилия", "Фирма", "Имейл", "Телефон", "Мобилен телефон", "Адрес", "Град", "Област",
            "Пощенски код", "Държава", "Бележки", "Етикети"],
           "Иван Петров", ["Номер на поръчка", "Дата на поръчката", "Клиент", "Обща сума", "Статус на поръчката",
                           "Валута", "Продукт", "Количество"]),
    "sr-Cyrl": (["Име и презиме", "Предузеће", "Е-пошта", "Телефон", "Мобилни телефон", "Адреса", "Град", "Округ",
                 "Поштански број", "Држава", "Напомена", "Ознаке"],
                "Марко Јовановић", ["Број поруџбине", "Датум поруџбине", "Купац", "Укупан износ", "Статус поруџбине",
                                    "Валута", "Производ", "Количина"]),
    "sr-Latn": (["Ime i prezime", "Preduzeće", "E-pošta", "Telefon", "Mobilni telefon", "Adresa", "Grad", "Okrug",
                 "Poštanski broj", "Država", "Napomena", "Oznake"],
                "Marko Jovanović", ["Broj porudžbine", "Datum porudžbine", "Kupac", "Ukupan iznos", "Status porudžbine",
                                    "Valuta", "Proizvod", "Količina"]),
    "hr": (["Ime i prezime", "Tvrtka", "E-pošta", "Telefon", "Mobitel", "Adresa", "Grad", "Županija",
            "Poštanski broj", "Država", "Napomene", "Oznake"],
           "Ana Horvat", ["Broj narudžbe", "Datum narudžbe", "Kupac", "Iznos", "Status narudžbe", "Valuta", "Artikl",
                          "Količina"]),
    "sk": (["Meno a priezvisko", "Spoločnosť", "E-mailová adresa", "Telefón", "Mobilný telefón", "Ulica", "Mesto",
            None, "PSČ", "Krajina", "Poznámky", "Štítky"],
           "Peter Kováč", ["Číslo objednávky", "Dátum objednávky", "Zákazník", "Suma spolu", "Stav objednávky",
                           "Mena", "Tovar", "Množstvo"]),
}

VALUES = {"company": "Nord Handel AB", "email": "kund@nord.example", "phone": "+46 8 123 456 78",
          "mobile": "+46 70 123 45 67", "address": "Storgatan 1", "city": "Uppsala", "province": "Uppsala län",
          "postal_code": "753 20", "country": "SE", "notes": "ring efter 10", "tags": "vip"}
STORED = {**VALUES, "phone": "+46812345678", "mobile": "+46701234567"}


def customers_rows(lang: str) -> tuple[list[list[str]], list[str]]:
    headings, name, _ = LANGS[lang]
    fields = [f for f, h in zip(FIELDS, headings) if h is not None]
    return [[h for h in headings if h is not None], [name if f == "name" else VALUES[f] for f in fields]], fields


def by_name(session) -> dict[str, dict]:
    return {r["name"]: r for r in records.list_records(session, "customer")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", list(LANGS))
def test_a_customers_file_in_the_language_stores_every_field_where_it_belongs(admin, tmp_path, lang, fmt):
    rows, fields = customers_rows(lang)
    result = import_file(admin, write_table(tmp_path, fmt, rows, name=f"customers_{lang}"), kind="customers")
    assert (result.created, result.rejected, result.unmapped) == (1, 0, [])
    stored = by_name(admin)[LANGS[lang][1]]
    assert {f: stored[f] for f in fields if f != "name"} == {f: STORED[f] for f in fields if f != "name"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", list(LANGS))
def test_an_orders_file_in_the_language_stores_every_field_and_links_its_customer(admin, tmp_path, lang, fmt):
    name, headings = LANGS[lang][1], LANGS[lang][2]
    rows = [headings, ["A-101", "2024-03-15", name, "1250.50", "Paid", "SEK", "Stol", "3"],
            ["A-102", "2024-04-02", name, "99.90", "Paid", "SEK", "Bord", "1"]]
    result = import_file(admin, write_table(tmp_path, fmt, rows, name=f"orders_{lang}"), kind="orders")
    assert (result.created, result.rejected, result.customers_created, result.unmapped) == (2, 0, 1, [])
    orders = {o["order_number"]: o for o in records.list_records(admin, "order")}
    first = orders["A-101"]
    assert (first["order_date"], first["amount"], first["status"], first["currency"], first["product"],
            first["quantity"]) == (date(2024, 3, 15), Decimal("1250.50"), "Paid", "SEK", "Stol", 3)
    assert orders["A-102"]["amount"] == Decimal("99.90")
    assert first["customer_id"] == orders["A-102"]["customer_id"] == by_name(admin)[name]["id"]


@pytest.mark.parametrize("headers", [
    ["\u200fשם\u200f", "\u202bטלפון\u202c", "דוא״ל", "\u200eעיר"],            # bidi marks, a gershayim
    ["\ufee7\ufe8e\ufee1", "\ufe97\ufee0\ufed4\ufee6", "\u200fایمیل", "شهر"],   # Arabic presentation forms
    ["نام", "تلفن", "ايميل", "شهر"],                                            # Persian typed with Arabic ي
    ["\u2067نام\u2069", "فون", "ای میل", "شہر"],                                 # Urdu in an isolate
])
def test_a_right_to_left_heading_maps_through_bidi_marks_and_presentation_forms(admin, tmp_path, headers):
    path = write_table(tmp_path, "csv", [headers, ["Dana", "+972 3 555 0101", "dana@example.org", "Haifa"]])
    result = import_file(admin, path, kind="customers")
    assert (result.created, result.unmapped) == (1, [])
    dana = by_name(admin)["Dana"]
    assert (dana["phone"], dana["email"], dana["city"]) == ("+97235550101", "dana@example.org", "Haifa")


@pytest.mark.parametrize("headers, name", [
    (["שם", "שם משפחה", "טלפון"], "דנה כהן"),
    (["نام", "نام خانوادگی", "تلفن"], "مریم احمدی"),
    (["Prenume", "Nume", "Telefon"], "Ion Popescu"),
    (["Förnamn", "Efternamn", "Telefon"], "Anna Berg"),
    (["Etunimi", "Sukunimi", "Puhelin"], "Matti Virtanen"),
    (["Ime", "Prezime", "Telefon"], "Ana Horvat"),
    (["Meno", "Priezvisko", "Telefón"], "Peter Kováč"),
    (["पहला नाम", "अंतिम नाम", "फ़ोन"], "अनीता शर्मा"),
])
def test_a_name_in_two_columns_is_joined_into_the_customers_name(admin, tmp_path, headers, name):
    given, family = name.split(" ", 1)
    path = write_table(tmp_path, "xlsx", [headers, [given, family, "+46 8 123 456 78"]])
    result = import_file(admin, path, kind="customers")
    assert (result.created, result.unmapped) == (1, [])
    assert by_name(admin)[name]["phone"] == "+46812345678"


@pytest.mark.parametrize("kind, headers, column, could_be, settle, field, value", [
    ("customers", ["نام", "رابطہ"], "رابطہ", ["Email", "Phone"], "Phone", "phone", "+923001234567"),
    ("customers", ["नाम", "संपर्क"], "संपर्क", ["Email", "Phone"], "Phone", "phone", "+923001234567"),
    ("orders", ["অর্ডার নম্বর", "তারিখ", "গ্রাহকের নাম", "মোট টাকা", "পরিমাণ"], "পরিমাণ", ["Amount", "Quantity"],
     "Quantity", "quantity", 3),
    ("orders", ["מספר", "תאריך", "לקוח", 'סה"כ'], "מספר", ["Customer Ref", "Order No."], "Order No.",
     "order_number", "3"),
])
def test_a_heading_that_means_two_fields_is_not_guessed_and_map_settles_it(admin, tmp_path, kind, headers, column,
                                                                            could_be, settle, field, value):
    ent = ENTITIES[mp.KINDS[kind]]
    got = mp.build_mapping(ent, headers)
    assert got.columns[headers.index(column)].target is None
    assert sorted(got.ambiguous[column]) == could_be
    row = {"customers": ["Aisha", "+92 300 1234567"], "orders": ["A-1", "2024-03-15", "Aisha", "500", "3"]}[kind]
    if column == "מספר":
        row = ["3", "2024-03-15", "Aisha", "10"]
    # a Hebrew file's bare amounts: shekels, said (importer.plain_amounts)
    currency = "ILS" if column == "מספר" else None
    result = import_file(admin, write_table(tmp_path, "csv", [headers, row]), kind=kind, currency=currency)
    assert column in result.unmapped
    if column != "מספר":
        row[0] = "A-2" if kind == "orders" else "Bilal"      # a new record, not the one imported above
    result = import_file(admin, write_table(tmp_path, "csv", [headers, row], name="settled"), kind=kind,
                         mapping=[f"{column}={settle}"], currency=currency)
    assert result.unmapped == []
    stored = records.list_records(admin, ent.kind)
    assert value in [r[field] for r in stored]


@pytest.mark.parametrize("header", ["Презиме"])
def test_a_cyrillic_prezime_is_bulgarian_middle_name_or_serbian_family_name_and_not_guessed(header):
    got = mp.build_mapping(ENTITIES["customer"], ["Име", header, "Телефон"])
    assert got.columns[1].target is None
    assert sorted(got.ambiguous[header]) == ["Last Name", "Middle Name"]
