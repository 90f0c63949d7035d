"""A phone number written without a country code, in a store whose region is only
ASSUMED (never set), is taken in that region only on evidence for it from the whole
file, and refused where the file, the row or the record points elsewhere (issue 14:
never silently wrong). The evidence: a Country column's other rows, postal codes in
another country's format, cities of another country, the file's encoding and script,
and for the assumed region its own script, mobiles, emails and +CC numbers."""
from __future__ import annotations

import json

import pytest

from cims_xl.domain.countries import region_for_country
from cims_xl.importer.run import import_file
from cims_xl.services import records


def _customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def _warnings(result) -> dict[int, str]:
    return {o.row: " ".join(o.warnings.values()) for o in result.outcomes if o.warnings}


# ----- Taiwan's official name ------------------------------------------------------------

@pytest.mark.parametrize("name, code", [
    ("Republic of China", "TW"), ("REPUBLIC OF CHINA", "TW"), ("China, Republic of", "TW"),
    ("Republic of China (Taiwan)", "TW"), ("People's Republic of China", "CN"),
    ("China, People's Republic of", "CN"), ("PR China", "CN"), ("China", "CN"),
])
def test_the_republic_of_china_is_taiwan_and_the_peoples_republic_is_china(name, code):
    assert region_for_country(name) == code


def test_a_row_in_the_republic_of_china_has_its_taipei_number_stored_as_taiwanese(admin, tmp_path):
    src = tmp_path / "countries.csv"
    src.write_text("Name,Phone,Country\nTW Person,02 2345 6789,Republic of China\n"
                   "CN Person,010 1234 5678,People's Republic of China\n", encoding="utf-8")
    result = import_file(admin, src)
    got = _customers(admin)
    assert not _warnings(result)
    assert got["TW Person"]["phone"] == "+886223456789"
    assert got["CN Person"]["phone"] == "+861012345678"


def test_customer_add_in_the_republic_of_china_stores_a_taiwanese_number(run, admin):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Lin Mei",
                         "--phone", "02 2345 6789", "--country", "Republic of China")
    assert code == 0, err
    assert json.loads(out)["phone"] == "+886223456789"


# ----- no evidence for the assumed region, the file pointing at one other country ------

def _store(tmp_path, currency):
    from cims_xl.services import auth
    from conftest import ADMIN_PASSWORD, FAST_KDF

    path = tmp_path / f"{currency}.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF, currency=currency)
    return auth.sign_in(path, "admin", ADMIN_PASSWORD)


UK = ("Name,Company,City,Postcode,Phone\n"
      "Oliver Brown,Brown & Sons Ltd,London,SW1A 1AA,020 7946 0958\n"
      "Amelia Jones,Jones Consulting,London,EC1A 1BB,020 7946 0321\n")


def test_london_numbers_with_british_postcodes_stop_the_import_naming_the_column_and_region_gb(admin, tmp_path):
    from cims_xl.importer.errors import ImportRefused

    src = tmp_path / "uk.csv"
    src.write_text(UK, encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, src)
    said = str(stop.value)
    assert "'Phone'" in said and "'020 7946 0958'" in said and "SW1A 1AA" in said
    assert "--region GB" in said and "cims settings region" in said and "Country column" in said
    assert records.list_records(admin, "customer") == []          # nothing written
    result = import_file(admin, src, region="GB")                  # the option named settles it
    got = _customers(admin)
    assert result.created == 2 and not _warnings(result)
    assert got["Oliver Brown"]["phone"] == "+442079460958" and got["Amelia Jones"]["phone"] == "+442079460321"


def test_a_turkish_file_in_cp1254_stops_naming_turkey_and_imports_with_it(admin, tmp_path):
    from cims_xl.importer.errors import ImportRefused

    src = tmp_path / "musteriler.csv"
    src.write_bytes(("Ad Soyad,Şirket,Şehir,Telefon\n"
                     "Ayşe Yılmaz,Yılmaz Tekstil A.Ş.,İstanbul,0212 555 12 34\n"
                     "Mehmet Öztürk,Öztürk Gıda Ltd. Şti.,İzmir,0232 444 56 78\n"
                     "Gülşen Doğan,Doğan Ticaret,Ankara,0312 333 90 12\n").encode("cp1254"))
    with pytest.raises(ImportRefused, match="--region TR") as stop:
        import_file(admin, src)
    assert "'Telefon'" in str(stop.value) and "0212 555 12 34" in str(stop.value)
    assert records.list_records(admin, "customer") == []
    import_file(admin, src, region="TR")
    assert _customers(admin)["Ayşe Yılmaz"]["phone"] == "+902125551234"


def test_a_gbp_store_stops_on_berlin_numbers_that_are_also_valid_british_ones(tmp_path):
    # Beyond China: the assumed region is the store's (GBP: GB); 030 1234 5678 is a UK
    # non-geographic number and a Berlin one.
    from cims_xl.importer.errors import ImportRefused

    session = _store(tmp_path, "GBP")
    try:
        src = tmp_path / "kunden.csv"
        src.write_text("Name,Firma,Stadt,PLZ,Telefon\nJürgen Weiß,Weiß GmbH,Berlin,10115,030 12345678\n"
                       "Hanna Schmidt,Schmidt KG,Berlin,10117,030 87654321\n", encoding="utf-8")
        with pytest.raises(ImportRefused, match="--region DE"):
            import_file(session, src)
        assert records.list_records(session, "customer") == []
        import_file(session, src, region="DE")
        assert _customers(session)["Jürgen Weiß"]["phone"] == "+493012345678"
    finally:
        session.close()


# ----- no evidence either way: each such number refused, the summary says why ----------

def _xlsx(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_an_indian_xlsx_without_country_leaves_numbers_china_would_take_empty_and_says_why(admin, tmp_path):
    # Pune's 020 and a six-digit PIN code read in China too; nothing in the file says China.
    src = _xlsx(tmp_path / "clients.xlsx", [["Name", "City", "PIN", "Phone"],
                                            ["Ravi Kumar", "Pune", "411001", "020 2612 3456"],
                                            ["Priya Shah", "Mumbai", "400001", "022 2345 6789"]])
    dry = import_file(admin, src, dry_run=True)
    line = next(i for i in dry.inferences if i["what"] == "assumed phone region CN")
    assert "nothing in the file says" in line["evidence"] and "--region" in line["evidence"]
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, src)
    got = _customers(admin)
    assert result.created == 2
    assert got["Ravi Kumar"]["phone"] is None and "020 2612 3456" in got["Ravi Kumar"]["notes"]
    assert set(_warnings(result)) == {2, 3} and "--region" in _warnings(result)[2]
    import_file(admin, src, region="IN", on_duplicate="update", update_mode="overwrite")
    assert _customers(admin)["Ravi Kumar"]["phone"] == "+912026123456"


# ----- evidence for the assumed region: Chinese files with ASCII-only names still import --

@pytest.mark.parametrize("extra_header, extra, evidence", [
    ("Mobile", "13912345678", "mobiles"),                # a mainland mobile in the file
    ("Email", "wang@example.cn", "email"),               # a .cn address
    ("City", "Shanghai", "cities"),                      # a Chinese city
    ("Mobile", "+86 21 6234 5679", "country code"),      # a number written with +86
])
def test_a_chinese_file_with_ascii_names_reads_its_landlines_as_chinese_on_its_own_evidence(
        admin, tmp_path, extra_header, extra, evidence):
    src = tmp_path / "cn.csv"
    src.write_text(f"Name,Phone,{extra_header}\nWang Fang,010-6552 9988,{extra}\nLi Lei,021 6234 5678,\n",
                   encoding="utf-8")
    result = import_file(admin, src)
    got = _customers(admin)
    assert not _warnings(result)
    assert got["Wang Fang"]["phone"] == "+861065529988" and got["Li Lei"]["phone"] == "+862162345678"
    line = next(i for i in result.inferences if i["what"] == "assumed phone region CN")
    assert evidence in line["evidence"]


def test_han_text_or_a_gb18030_file_is_evidence_for_china(admin, tmp_path):
    src = tmp_path / "客户.csv"
    src.write_bytes("姓名,电话\n王芳,010-6552 9988\n李雷,021 6234 5678\n".encode("gb18030"))
    result = import_file(admin, src)
    assert {c["phone"] for c in _customers(admin).values()} == {"+861065529988", "+862162345678"}
    line = next(i for i in result.inferences if i["what"] == "assumed phone region CN")
    assert "script" in line["evidence"]
    assert "王芳" not in json.dumps(result.inferences, ensure_ascii=False)      # no name in the summary


def test_a_row_whose_own_postcode_is_british_is_refused_in_a_chinese_file(admin, tmp_path):
    src = tmp_path / "mixed.csv"
    src.write_text("Name,City,Postal Code,Phone\n王芳,上海,200000,021 6234 5678\n"
                   "Oliver Brown,London,SW1A 1AA,020 7946 0958\n", encoding="utf-8")
    result = import_file(admin, src)
    got = _customers(admin)
    assert got["王芳"]["phone"] == "+862162345678"
    assert got["Oliver Brown"]["phone"] is None and "020 7946 0958" in got["Oliver Brown"]["notes"]
    assert set(_warnings(result)) == {3} and "SW1A 1AA" in _warnings(result)[3]


# ----- a blank Country among rows that name one country, or several ---------------------

def test_a_blank_country_among_british_rows_takes_britain_never_the_assumed_region(admin, tmp_path):
    src = tmp_path / "uk_blank.csv"
    src.write_text("Name,Phone,Country\nOliver Brown,020 7946 0958,United Kingdom\n"
                   "Amelia Jones,0161 496 0123,United Kingdom\nHarry Wilson,0113 496 0456,United Kingdom\n"
                   "Jack Taylor,020 7946 0999,\n", encoding="utf-8")
    result = import_file(admin, src)
    assert _customers(admin)["Jack Taylor"]["phone"] == "+442079460999"
    line = next(i for i in result.inferences if i["what"] == "blank Country cells")
    assert "GB" in line["decided"] and "GB" in line["evidence"]


def test_a_blank_country_among_several_countries_is_refused_unless_the_row_points_to_china(admin, tmp_path):
    src = tmp_path / "world.csv"
    src.write_text("Name,Email,Phone,Country\nOliver Brown,,020 7946 0958,United Kingdom\n"
                   "Ayşe Yılmaz,,0212 555 12 34,Türkiye\nJack Taylor,,020 7946 0999,\n"
                   "王芳,,021 6234 5678,\n", encoding="utf-8")
    result = import_file(admin, src)
    got = _customers(admin)
    assert got["Jack Taylor"]["phone"] is None and "020 7946 0999" in got["Jack Taylor"]["notes"]
    assert "blank" in _warnings(result)[4]
    assert got["王芳"]["phone"] == "+862162345678"          # her own name's script is China's
    assert got["Ayşe Yılmaz"]["phone"] == "+902125551234"


# ----- customer add ---------------------------------------------------------------------

@pytest.mark.parametrize("phone, city, postal", [
    ("020 7946 0958", "London", "SW1A 1AA"),
    ("020 7946 0958", "London", None),
    ("0212 555 12 34", "İstanbul", None),
    ("020 7946 0958", None, "EC1A 1BB"),
])
def test_customer_add_refuses_a_national_number_its_city_or_postcode_puts_elsewhere(run, admin, phone, city, postal):
    args = ["customer", "add", "--name", "Oliver Brown", "--phone", phone]
    args += ["--city", city] if city else []
    args += ["--postal-code", postal] if postal else []
    code, out, err = run(*args)
    assert code != 0 and "--country" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert records.list_records(admin, "customer") == []


def test_customer_add_with_the_country_or_a_chinese_city_stores_the_number(run, admin):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Oliver Brown", "--phone",
                         "020 7946 0958", "--city", "London", "--postal-code", "SW1A 1AA", "--country", "GB")
    assert code == 0, err and json.loads(out)["phone"] == "+442079460958"
    assert json.loads(out)["phone"] == "+442079460958"
    code, out, err = run("--format", "json", "customer", "add", "--name", "Wang Fang", "--phone",
                         "010 6552 9988", "--city", "Beijing", "--postal-code", "100080")
    assert code == 0, err
    assert json.loads(out)["phone"] == "+861065529988"


# ----- what a city or postal code elsewhere does not outweigh ------------------------------

def test_a_chinese_mobile_of_a_customer_in_paris_is_kept_its_landline_of_both_countries_is_not(admin, tmp_path):
    src = tmp_path / "clients.csv"
    src.write_text("Name,City,Mobile,Phone\n王芳,上海,13912345678,021 6234 5678\n"
                   "Li Wei,Paris,13812345678,01 42 68 53 00\n", encoding="utf-8")
    result = import_file(admin, src)
    got = _customers(admin)
    assert got["Li Wei"]["mobile"] == "+8613812345678"          # no French number is written so
    assert got["Li Wei"]["phone"] is None and "01 42 68 53 00" in got["Li Wei"]["notes"]
    assert set(_warnings(result)) == {3}


def test_customer_add_in_paris_keeps_a_chinese_mobile(run, admin):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Li Wei", "--mobile", "13812345678",
                         "--city", "Paris", "--postal-code", "75008")
    assert code == 0, err
    assert json.loads(out)["mobile"] == "+8613812345678"


def test_a_usd_store_reads_a_toronto_file_in_the_plan_the_us_shares_with_canada(tmp_path):
    session = _store(tmp_path, "USD")
    try:
        src = tmp_path / "toronto.csv"
        src.write_text("Name,City,Postal Code,Phone\nAnn Lee,Toronto,M5V 3L9,(416) 555-0123\n"
                       "Bob Ray,Toronto,M4C 1B5,416-555-0188\n", encoding="utf-8")
        result = import_file(session, src)
        got = _customers(session)
        assert not _warnings(result)
        assert got["Ann Lee"]["phone"] == "+14165550123" and got["Bob Ray"]["phone"] == "+14165550188"
    finally:
        session.close()


def test_the_dry_run_stops_the_same_way_and_writes_nothing(admin, tmp_path):
    from cims_xl.importer.errors import ImportRefused

    src = tmp_path / "uk.csv"
    src.write_text(UK, encoding="utf-8")
    with pytest.raises(ImportRefused, match="--region GB"):
        import_file(admin, src, dry_run=True)
    assert records.list_records(admin, "customer") == []
    dry = import_file(admin, src, dry_run=True, region="GB")
    assert dry.created == 2 and records.list_records(admin, "customer") == []


def test_han_characters_beside_kana_are_japanese_not_evidence_for_china(admin, tmp_path):
    # 090-… and 070-… are Japanese mobiles and valid Chinese landlines (0901 Tacheng)
    from cims_xl.importer.errors import ImportRefused

    src = tmp_path / "顧客.csv"
    src.write_text("名前,会社,携帯\n田中 はなこ,株式会社サクラ,090-1234-5678\n山田 太郎,ヤマダ商事,070-1234-5678\n",
                   encoding="utf-8")
    with pytest.raises(ImportRefused, match="--region JP"):
        import_file(admin, src)
    assert records.list_records(admin, "customer") == []
    import_file(admin, src, region="JP")
    assert {c["mobile"] for c in _customers(admin).values()} == {"+819012345678", "+817012345678"}
