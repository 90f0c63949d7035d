"""A phone number without a country code is never stored under a country the evidence
does not give, or one it contradicts (issue 14, kind: phone country). The evidence: the
row's Country column (as other systems name it), the row's email domain, the other
numbers of its column, the store's currency, and the digits themselves (a country code
whose "+" Excel dropped)."""
from __future__ import annotations

import json

import pytest

from cims_xl.domain.normalize import normalize_phone
from cims_xl.importer.run import import_file
from cims_xl.services import auth, records
from cims_xl.services import settings as st

from conftest import ADMIN_PASSWORD, FAST_KDF


def _customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def _warnings(result) -> dict[int, str]:
    return {o.row: " ".join(o.warnings.values()) for o in result.outcomes if o.warnings}


def _store(tmp_path, currency=None):
    path = tmp_path / "own.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF, currency=currency)
    return auth.sign_in(path, "admin", ADMIN_PASSWORD)


# ----- country columns other systems write ---------------------------------------------

@pytest.mark.parametrize("header, country, phone, e164", [
    ("POCountry", "New Zealand", "09 379 0123", "+6493790123"),                 # Xero
    ("Address Country", "GB", "020 7946 0958", "+442079460958"),                # Stripe
    ("Card Address Country", "JP", "090-1111-2222", "+819011112222"),          # Stripe
    ("Mailing Country", "Germany", "030 12345678", "+493012345678"),           # Salesforce / Zoho
    ("Billing Country", "United Kingdom", "07700 900456", "+447700900456"),
    ("CC", "KR", "010-1234-5678", "+821012345678"),                            # Mailchimp
    ("Country/Region", "United States", "(415) 555-0132", "+14155550132"),     # HubSpot
    ("Person - Postal address - Country", "Poland", "512 345 678", "+48512345678"),   # Pipedrive
    ("Organization - Address - Country", "Japan", "03-1234-5678", "+81312345678"),
    ("국가", "대한민국", "02-312-3456", "+8223123456"),                            # Korean
    ("国", "日本", "070-1234-5678", "+817012345678"),                            # Japanese
    ("国家/地区", "英国", "020 7946 0958", "+442079460958"),                      # Chinese
])
def test_a_country_column_as_other_systems_name_it_gives_the_country_and_the_phone_region(
        admin, tmp_path, header, country, phone, e164):
    src = tmp_path / "export.csv"
    src.write_text(f"Name,Phone,{header}\nAna Test,{phone},{country}\n王芳,13912345678,China\n", encoding="utf-8")
    result = import_file(admin, src)
    got = _customers(admin)
    assert result.created == 2 and not _warnings(result)
    assert got["Ana Test"]["phone"] == e164
    assert got["Ana Test"]["country"] == country          # the Country field, not Notes or Postal Code
    assert got["Ana Test"]["postal_code"] is None and got["Ana Test"]["address"] is None
    assert got["王芳"]["phone"] == "+8613912345678"


def test_pipedrive_persons_country_is_not_taken_for_a_postal_code(admin, tmp_path):
    src = tmp_path / "persons.csv"
    src.write_text("Name,Person - Email - Work,Person - Phone - Work,Person - Postal address - Country\n"
                   "Jan Kowalski,jan@firma.pl,512 345 678,Poland\n", encoding="utf-8")
    import_file(admin, src)
    (c,) = records.list_records(admin, "customer")
    assert (c["country"], c["postal_code"], c["phone"]) == ("Poland", None, "+48512345678")


def test_a_contacts_file_takes_the_phone_country_from_a_mailing_country_column(admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Acme Ltd"})["id"]
    src = tmp_path / "contacts.csv"
    src.write_text(f"Name,Customer ID,Phone,Mailing Country\nTom Baker,{cid},020 7946 0958,United Kingdom\n",
                   encoding="utf-8")
    import_file(admin, src, kind="contacts")
    (c,) = records.list_records(admin, "contact")
    assert c["phone"] == "+442079460958"


# ----- no country column: the evidence of the file ---------------------------------------

FOREIGN = ("Name,Email,Mobile,Phone\n"
           "Kim Minsu,kim@x.kr,010-1234-5678,\n"
           "Park Jiwoo,park@x.kr,,02-312-3456\n"
           "Sato Yui,sato@x.jp,080-3333-4444,\n"
           "Tanaka Ken,tanaka@x.jp,070-1234-5678,\n"
           "Amy Jones,amy@x.co.uk,07911 123456,\n"
           "Ben Smith,ben@x.co.uk,,020 7946 0958\n"
           "Hans Weber,hans@x.de,,030 12345678\n"
           "Eva Roth,eva@x.de,0160 1234567,\n")


def test_national_numbers_of_other_countries_are_not_stored_as_chinese(admin, tmp_path):
    src = tmp_path / "world.csv"
    src.write_text(FOREIGN, encoding="utf-8")
    result = import_file(admin, src)
    got = _customers(admin)
    assert result.created == 8
    for c in got.values():                       # none of them is stored under a guess
        assert c["phone"] is None and c["mobile"] is None, c
    # the text is kept, and every row says so
    assert "010-1234-5678" in got["Kim Minsu"]["notes"]
    assert "020 7946 0958" in got["Ben Smith"]["notes"]
    assert "070-1234-5678" in got["Tanaka Ken"]["notes"]
    assert len(_warnings(result)) == 8
    assert "in KR" in _warnings(result)[2] and "+821012345678" in _warnings(result)[2]
    # the summary names the columns, examples and the options that settle it
    said = {i["what"]: i for i in result.inferences}
    for column in ("Mobile", "Phone"):
        line = said[f"phone country in '{column}'"]
        assert "--region" in line["evidence"] and "Country column" in line["evidence"]
        assert "'0" in line["evidence"]              # examples from the column


def test_the_same_file_with_a_country_column_imports_every_number(admin, tmp_path):
    countries = ["KR", "South Korea", "Japan", "JP", "United Kingdom", "GB", "Deutschland", "DE"]
    lines = FOREIGN.splitlines()
    text = lines[0] + ",Mailing Country\n" + "".join(f"{line},{c}\n" for line, c in zip(lines[1:], countries))
    src = tmp_path / "world_country.csv"
    src.write_text(text, encoding="utf-8")
    result = import_file(admin, src)
    got = _customers(admin)
    assert not _warnings(result)
    assert got["Kim Minsu"]["mobile"] == "+821012345678"
    assert got["Tanaka Ken"]["mobile"] == "+817012345678"
    assert got["Ben Smith"]["phone"] == "+442079460958"
    assert got["Eva Roth"]["mobile"] == "+491601234567"


def test_one_country_file_imports_with_region(admin, tmp_path):
    src = tmp_path / "korea.csv"
    src.write_text("Name,Mobile,Phone\n김민수,010-1234-5678,02-312-3456\n이지은,010-9876-5432,031-123-4567\n",
                   encoding="utf-8")
    result = import_file(admin, src, region="KR")
    got = _customers(admin)
    assert not _warnings(result)
    assert got["김민수"]["mobile"] == "+821012345678" and got["이지은"]["phone"] == "+82311234567"


def test_an_email_domain_of_another_country_keeps_a_number_that_reads_in_both_out(admin, tmp_path):
    # No other number of the column is foreign: the row's own email is the evidence.
    src = tmp_path / "mixed.csv"
    src.write_text("Name,Email,Mobile,Phone\n"
                   "Kim Minsu,kim@example.kr,010-1234-5678,\n"
                   "Ben Smith,ben@example.co.uk,,020 7946 0958\n"
                   "王芳,wangfang@example.cn,13912345678,010-6552 9988\n"
                   "Li Lei,lilei@example.de,13812345678,\n",
                   encoding="utf-8")
    result = import_file(admin, src)
    got = _customers(admin)
    warned = _warnings(result)
    assert got["Kim Minsu"]["mobile"] is None and "010-1234-5678" in got["Kim Minsu"]["notes"]
    assert "email" in warned[2] and "KR" in warned[2]
    assert got["Ben Smith"]["phone"] is None and "GB" in warned[3]
    # a Chinese mobile with a German address stays Chinese: Germany does not read it
    assert got["王芳"]["phone"] == "+861065529988" and got["Li Lei"]["mobile"] == "+8613812345678"
    assert set(warned) == {2, 3}


def test_a_chinese_file_with_landlines_local_numbers_and_mobiles_imports_without_new_noise(admin, tmp_path):
    src = tmp_path / "客户.csv"
    src.write_text("姓名,手机,电话,邮箱\n"
                   "张伟,13912345678,010-6552 9988,zw@example.cn\n"
                   "王芳,138 0013 8000,021 6234 5678,wf@example.com\n"
                   "李娜,137-0013-7000,0755-2678 0000,\n"
                   "陈静,18612345678,0571-8888 1234,\n"
                   "赵磊,13512345678,020-8765 4321,\n"
                   "周杰,13712345678,400-820-8820,\n"
                   "刘洋,15912345678,62345678,\n",
                   encoding="utf-8")
    result = import_file(admin, src)
    got = _customers(admin)
    assert not any(i["what"].startswith("phone country in") for i in result.inferences)
    assert got["张伟"]["phone"] == "+861065529988" and got["王芳"]["phone"] == "+862162345678"
    assert got["赵磊"]["phone"] == "+862087654321" and got["周杰"]["phone"] == "+864008208820"
    assert all(c["mobile"].startswith("+861") for c in got.values())
    assert set(_warnings(result)) <= {8}          # only the local number without its area code


# ----- the store's currency --------------------------------------------------------------

def test_a_usd_store_without_a_region_reads_american_numbers_as_american(tmp_path):
    session = _store(tmp_path, "USD")
    try:
        assert st.assumed_region(session) == "US"
        src = tmp_path / "us.csv"
        src.write_text("Name,Phone\nJohn Doe,(415) 555-0132\nJane Roe,212-555-0187\n", encoding="utf-8")
        result = import_file(session, src)
        got = _customers(session)
        assert got["John Doe"]["phone"] == "+14155550132" and got["Jane Roe"]["phone"] == "+12125550187"
        assert any("US (assumed" in i["decided"] for i in result.inferences if i["what"] == "phone region")
        c = records.create_customer(session, {"name": "Sam Hill", "phone": "(415) 555-0134"})
        assert c["phone"] == "+14155550134"
    finally:
        session.close()


@pytest.mark.parametrize("currency, region", [("GBP", "GB"), ("JPY", "JP"), ("KRW", "KR"), ("CNY", "CN"),
                                              ("EUR", "CN"), ("XAF", "CN")])
def test_the_assumed_region_is_the_one_country_of_the_store_currency(tmp_path, currency, region):
    session = _store(tmp_path, currency)
    try:
        assert st.assumed_region(session) == region
    finally:
        session.close()


def test_a_gbp_store_still_refuses_a_number_not_written_as_britain_writes_it(tmp_path):
    session = _store(tmp_path, "GBP")
    try:
        src = tmp_path / "uk.csv"
        # (the file's evidence for GB: a British email domain; without any, the region is
        # only assumed and its numbers are refused: test_phone_region_evidence.py)
        src.write_text("Name,Email,Phone\nAmy Jones,amy@example.co.uk,020 7946 0958\nKim Minsu,,02-312-3456\n",
                       encoding="utf-8")
        result = import_file(session, src)
        got = _customers(session)
        assert got["Amy Jones"]["phone"] == "+442079460958"
        assert got["Kim Minsu"]["phone"] is None and 3 in _warnings(result)
    finally:
        session.close()


def test_customer_add_with_a_foreign_email_refuses_a_number_that_reads_in_both(run, admin):
    code, out, err = run("customer", "add", "--name", "Kim Minsu", "--email", "kim@example.kr",
                         "--mobile", "010-1234-5678")
    assert code != 0 and "KR" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert records.list_records(admin, "customer") == []
    code, out, err = run("--format", "json", "customer", "add", "--name", "Kim Minsu", "--email",
                         "kim@example.kr", "--mobile", "010-1234-5678", "--country", "KR")
    assert code == 0, err
    assert json.loads(out)["mobile"] == "+821012345678"


# ----- a country code whose "+" Excel dropped ---------------------------------------------

def _xlsx(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_a_number_cell_that_reads_two_ways_in_its_country_is_left_out_with_a_warning(admin, tmp_path):
    src = _xlsx(tmp_path / "plus_lost.xlsx", [
        ["Name", "Mobile", "Country"],
        ["Jürgen Weiß", 4915123456789, "Germany"],      # +49 151 23456789, or 04915 123456789
        ["Amy Jones", 447700900456, "United Kingdom"],
        ["Marie Curie", 33612345678, "France"],
        ["Ravi Kumar", 919876543210, "India"],
        ["John Doe", 14155550132, "United States"],
    ])
    result = import_file(admin, src)
    got = _customers(admin)
    assert got["Jürgen Weiß"]["mobile"] is None
    assert "4915123456789" in got["Jürgen Weiß"]["notes"]
    assert "two ways" in _warnings(result)[2] and "+4915123456789" in _warnings(result)[2]
    assert got["Amy Jones"]["mobile"] == "+447700900456"
    assert got["Marie Curie"]["mobile"] == "+33612345678"
    assert got["Ravi Kumar"]["mobile"] == "+919876543210"
    assert got["John Doe"]["mobile"] == "+14155550132"
    assert set(_warnings(result)) == {2}


@pytest.mark.parametrize("typed, region, e164", [
    ("4915123456789", "DE", "+4915123456789"),      # text without the trunk 0: not a German national form
    ("49 151 23456789", "DE", "+4915123456789"),
    ("3921234567", "IT", "+393921234567"),          # an Italian mobile starting 39: only national is valid
    ("0151 23456789", "DE", "+4915123456789"),
    ("8613912345678", "CN", "+8613912345678"),
])
def test_text_with_the_countrys_code_is_read_on_evidence(typed, region, e164):
    assert normalize_phone(typed, region) == e164


def test_a_number_cell_with_the_countrys_code_that_reads_two_ways_is_refused():
    with pytest.raises(ValueError, match="two ways"):
        normalize_phone(4915123456789, "DE")


def test_the_dry_run_names_the_email_countries_and_writes_nothing(admin, tmp_path):
    src = tmp_path / "world.csv"
    src.write_text(FOREIGN, encoding="utf-8")
    result = import_file(admin, src, dry_run=True)
    said = {i["what"]: i for i in result.inferences}
    line = said["phone country from email domains"]
    assert "KR (2)" in line["evidence"] and "GB (2)" in line["evidence"] and "--region" in line["evidence"]
    assert len(_warnings(result)) == 8
    assert records.list_records(admin, "customer") == []


def test_init_names_the_phone_region_it_assumes_and_takes_one_given(tmp_path, monkeypatch, capsys):
    from cims_xl.cli import main

    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    usd = tmp_path / "usd.cims"
    assert main(["--store", str(usd), "--format", "json", "init", "--admin", "owner", "--currency", "USD"]) == 0
    assert json.loads(capsys.readouterr().out)["phone_region"].startswith("US (assumed")
    de = tmp_path / "de.cims"
    assert main(["--store", str(de), "--format", "json", "init", "--admin", "owner", "--currency", "EUR",
                 "--region", "Deutschland"]) == 0
    assert json.loads(capsys.readouterr().out)["phone_region"] == "DE"
    session = auth.sign_in(de, "owner", ADMIN_PASSWORD)
    try:
        assert st.store_region(session) == "DE"
        src = tmp_path / "kunden.csv"
        src.write_text("Name,Telefon\nHans Weber,030 12345678\n", encoding="utf-8")
        import_file(session, src)
        assert records.list_records(session, "customer")[0]["phone"] == "+493012345678"
    finally:
        session.close()
    code = main(["--store", str(tmp_path / "bad.cims"), "init", "--admin", "owner", "--region", "Atlantis"])
    err = capsys.readouterr().err
    assert code != 0 and "--region" in err and "Traceback" not in err
    assert not (tmp_path / "bad.cims").exists()


def test_without_emails_the_other_numbers_of_the_column_are_the_evidence(admin, tmp_path):
    src = _xlsx(tmp_path / "world.xlsx", [
        ["Name", "Mobile", "Phone"],
        ["Kim Minsu", "010-1234-5678", None],       # also a Beijing number
        ["Park Jiwoo", None, "02-312-3456"],        # no Chinese area code 2
        ["Sato Yui", "080-3333-4444", None],
        ["Tanaka Ken", "070-1234-5678", None],      # also a Chinese number
        ["Amy Jones", "07911 123456", None],
        ["Ben Smith", None, "020 7946 0958"],       # London, and Guangzhou
        ["Hans Weber", None, "030 12345678"],
        ["Eva Roth", "0160 1234567", None],
        ["王芳", "13912345678", None],               # a mainland mobile stays
    ])
    result = import_file(admin, src)
    got = _customers(admin)
    assert got["王芳"]["mobile"] == "+8613912345678"
    for name in ("Kim Minsu", "Tanaka Ken", "Ben Smith"):
        c = got[name]
        assert c["phone"] is None and c["mobile"] is None
        assert "0" in c["notes"]
    warned = _warnings(result)
    assert "+861012345678" in warned[2] and "column" in warned[2]     # both readings named
    assert "+862079460958" in warned[7] and "column" in warned[7]
    assert 10 not in warned


def test_a_few_mistyped_local_numbers_in_a_big_chinese_column_cast_no_doubt_on_the_rest(admin, tmp_path):
    # Two numbers China refuses but another country reads (a typo can do that) among 300
    # good Chinese landlines: under 1 in 100, no evidence of another country; every good
    # number is stored as Chinese, with no warning.
    import phonenumbers
    odd = []
    for area in ("010", "021", "020", "022", "023", "024", "025", "027", "028", "029"):
        for n in range(1000_0000, 1000_0000 + 200_000, 997):
            text = f"{area}-{n}"
            if not phonenumbers.is_valid_number(phonenumbers.parse(text, "CN")) and any(
                    phonenumbers.is_valid_number(phonenumbers.parse(text, r)) for r in ("IT", "FI", "KR", "DE")):
                odd.append(text)
            if len(odd) == 2:
                break
        if len(odd) == 2:
            break
    assert len(odd) == 2
    rows = [["Name", "Phone"]] + [[f"客户{i}", f"021-{6000_0000 + i * 7}"] for i in range(300)] + \
           [["客户甲", odd[0]], ["客户乙", odd[1]]]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    result = import_file(admin, path)
    assert not any(i["what"].startswith("phone country in") for i in result.inferences)
    phones = {c["name"]: c["phone"] for c in records.list_records(admin, "customer")}
    assert all(phones[f"客户{i}"] == f"+8621{6000_0000 + i * 7}" for i in range(300))
