"""Headings that were left in Notes, and fields written in parts that were not joined
(task heads21): consent headings and opt-in levels, the contact person at a company, a
Japanese order's orderer, Japanese and Chinese addresses in parts (番地, 建物名, 区), phone
numbers in parts (Area Code + Phone, 区号 + 电话, 電話番号1/2/3, 市外局番/市内局番/加入者番号).
Every file is written here; every value is read back from a real encrypted store."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records

from table_files import customers_by_name, linked_owners, said_about, write_table


def _field(result, column: str) -> str | None:
    """The field a column was mapped to, as a key ("Marketing Consent" -> "marketing_consent")."""
    field = {c["column"]: c["field"] for c in result.mapping}[column]
    return None if field is None else field.casefold().replace(" ", "_")


# ----- 1. consent headings and opt-in levels -------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("heading", ["Email Marketing Consent", "Accepts Email Marketing", "Accepts Marketing",
                                     "Email Opt-in"])
def test_a_shopify_consent_heading_with_opt_in_levels_is_read_as_yes_or_no(admin, tmp_path, fmt, heading):
    rows = [["Name", "Email", heading],
            ["Ann Lee", "ann@example.com", "Single opt-in"],
            ["Bob Ray", "bob@example.com", "DOUBLE_OPT_IN"],
            ["Cy Doe", "cy@example.com", "subscribed"],
            ["Di Fox", "di@example.com", "Opted in"],
            ["Ed Gray", "ed@example.com", "unsubscribed"],
            ["Flo Hart", "flo@example.com", "not_subscribed"]]
    result = import_file(admin, write_table(tmp_path, fmt, rows, name="shop_customers"), kind="customers")
    assert _field(result, heading) == "marketing_consent" and result.rejected == 0
    got = {name: c["marketing_consent"] for name, c in customers_by_name(admin).items()}
    assert got == {"Ann Lee": True, "Bob Ray": True, "Cy Doe": True, "Di Fox": True, "Ed Gray": False,
                   "Flo Hart": False}


@pytest.mark.parametrize("opt_out", ["Email Opt Out", "Unsubscribed", "Do Not Email"])
def test_beside_an_opt_out_heading_the_consent_heading_is_read_and_the_opt_out_stays_in_notes(admin, tmp_path,
                                                                                               opt_out):
    # Shopify's "Accepts Email Marketing" is the consent; an opt-out column is never inverted into it
    rows = [["Name", "Email", opt_out, "Accepts Email Marketing"],
            ["Ann Lee", "ann@example.com", "yes", "no"], ["Bob Ray", "bob@example.com", "no", "yes"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, name="optout"), kind="customers")
    got = customers_by_name(admin)
    assert _field(result, opt_out) is None and _field(result, "Accepts Email Marketing") == "marketing_consent"
    assert (got["Ann Lee"]["marketing_consent"], got["Bob Ray"]["marketing_consent"]) == (False, True)
    assert f"{opt_out}: yes" in (got["Ann Lee"]["notes"] or "")


# ----- 2. the contact person at a company, the orderer -----------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("headings,region", [
    (["Company", "Contact Person", "Email"], "US"),
    (["会社名", "担当者名", "メールアドレス"], "JP"),
    (["회사명", "담당자", "이메일"], "KR"),
    (["Customer Number", "Contact Person", "Email"], "GB"),
])
def test_the_contact_person_beside_a_company_is_the_name(admin, tmp_path, fmt, headings, region):
    # as German "Ansprechpartner" and Chinese "联系人" beside "Firma"/"公司名称"
    rows = [headings, ["Acme Trading", "Mia Sato", "mia@acme.example"],
            ["Beta Works", "Leo Kim", "leo@beta.example"]]
    result = import_file(admin, write_table(tmp_path, fmt, rows, name="b2b"), kind="customers", region=region)
    got = customers_by_name(admin)
    assert set(got) == {"Mia Sato", "Leo Kim"} and result.rejected == 0
    assert got["Leo Kim"]["email"] == "leo@beta.example"
    if headings[0] != "Customer Number":
        assert got["Mia Sato"]["company"] == "Acme Trading"


@pytest.mark.parametrize("heading", ["注文者", "注文者名", "購入者"])
def test_a_japanese_orders_orderer_is_its_customer(admin, tmp_path, heading):
    rows = [["注文番号", "注文日", heading, "合計金額"],
            ["A-1001", "2024-05-01", "山田 太郎", "¥12,000"],
            ["A-1002", "2024-05-02", "佐藤 花子", "¥8,500"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, name="注文"), kind="orders", region="JP")
    assert _field(result, heading) == "customer_name" and result.rejected == 0
    assert linked_owners(admin, "order", "order_number") == {"A-1001": "山田 太郎", "A-1002": "佐藤 花子"}


# ----- 3. addresses in parts ------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("street", ["番地", "町名・番地"])
def test_a_japanese_address_in_parts_is_joined_with_its_building(admin, tmp_path, fmt, street):
    # the building first in the file: still joined after the street
    rows = [["氏名", "建物名", "都道府県", "市区町村", street],
            ["山田 太郎", "丸の内ビル5F", "東京都", "千代田区", "丸の内1-1-1"],
            ["佐藤 花子", None, "大阪府", "大阪市北区", "梅田2-2-2"]]
    result = import_file(admin, write_table(tmp_path, fmt, rows, name="顧客"), kind="customers", region="JP")
    got = customers_by_name(admin)
    assert (got["山田 太郎"]["province"], got["山田 太郎"]["city"]) == ("東京都", "千代田区")
    assert got["山田 太郎"]["address"] == "丸の内1-1-1 丸の内ビル5F"
    assert got["佐藤 花子"]["address"] == "梅田2-2-2"
    assert "'建物名' joined into Address" in said_about(result, "address lines")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("district", ["区", "区县", "區"])
def test_a_chinese_district_goes_before_the_street_in_the_address(admin, tmp_path, fmt, district):
    rows = [["姓名", "地址", district, "省", "市"],
            ["王伟", "建国路88号", "朝阳区", "北京市", "北京市"],
            ["李娜", "世纪大道100号", "浦东新区", "上海市", "上海市"]]
    result = import_file(admin, write_table(tmp_path, fmt, rows, name="客户"), kind="customers", region="CN")
    got = customers_by_name(admin)
    assert got["王伟"]["address"] == "朝阳区建国路88号" and got["李娜"]["address"] == "浦东新区世纪大道100号"
    assert got["王伟"]["province"] == "北京市" and got["李娜"]["city"] == "上海市"
    assert f"'{district}' + '地址'" in said_about(result, "address lines")
    # a district with no street address is not the address alone: kept in Notes
    rows = [["姓名", district, "市"], ["张强", "海淀区", "北京市"]]
    import_file(admin, write_table(tmp_path, fmt, rows, name="客户2"), kind="customers", region="CN")
    got = customers_by_name(admin)["张强"]
    assert got["address"] is None and "海淀区" in (got["notes"] or "")


# ----- 4. phone numbers in parts -------------------------------------------------------

PHONE_PARTS = [
    (["Name", "Area Code", "Phone"], [["Ann Lee", "212", "555-0123"], ["Bob Ray", "415", "555-0199"]], "US",
     {"Ann Lee": "+12125550123", "Bob Ray": "+14155550199"}),
    (["Name", "Phone", "Area Code"], [["Ann Lee", "555-0123", "212"], ["Bob Ray", "555-0199", "415"]], "US",
     {"Ann Lee": "+12125550123", "Bob Ray": "+14155550199"}),
    (["姓名", "区号", "电话"], [["Ann Lee", "010", "65123456"], ["Bob Ray", "021", "58881234"]], "CN",
     {"Ann Lee": "+861065123456", "Bob Ray": "+862158881234"}),
    (["氏名", "電話番号1", "電話番号2", "電話番号3"], [["Ann Lee", "03", "1234", "5678"],
                                                  ["Bob Ray", "06", "6123", "4567"]], "JP",
     {"Ann Lee": "+81312345678", "Bob Ray": "+81661234567"}),
    (["氏名", "加入者番号", "市内局番", "市外局番"], [["Ann Lee", "5678", "1234", "03"],
                                                ["Bob Ray", "4567", "6123", "06"]], "JP",
     {"Ann Lee": "+81312345678", "Bob Ray": "+81661234567"}),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("headings,body,region,phones", PHONE_PARTS)
def test_a_phone_number_in_parts_is_joined_in_order_before_it_is_read(admin, tmp_path, fmt, headings, body,
                                                                      region, phones):
    result = import_file(admin, write_table(tmp_path, fmt, [headings, *body], name="phones"), kind="customers",
                         region=region)
    got = customers_by_name(admin)
    assert {n: got[n]["phone"] for n in phones} == phones
    assert result.rejected == 0 and result.warnings == 0
    assert all(not (got[n]["notes"] or "").strip() for n in phones)      # no half number left in Notes
    assert "joined into one number" in said_about(result, "phone in parts")


@pytest.mark.parametrize("stem", ["電話番号", "Phone "])
def test_numbered_phone_columns_are_joined_only_when_the_first_holds_no_whole_number(admin, tmp_path, stem):
    rows = [["Name", f"{stem}1", f"{stem}2", f"{stem}3"], ["Ann Lee", "03", "1234", "5678"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, name="parts"), kind="customers", region="JP")
    assert customers_by_name(admin)["Ann Lee"]["phone"] == "+81312345678"
    assert "digit groups" in said_about(result, "phone in parts")
    # three whole numbers under numbered headings are three numbers: the first is the Phone
    rows = [["Name", f"{stem}1", f"{stem}2", f"{stem}3"],
            ["Bob Ray", "03-1234-5678", "06-6123-4567", "090-1234-5678"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, name="whole"), kind="customers", region="JP")
    assert customers_by_name(admin)["Bob Ray"]["phone"] == "+81312345678"
    assert all(i["what"] != "phone in parts" for i in result.inferences)


def test_a_number_written_whole_beside_an_area_code_is_taken_as_written(admin, tmp_path):
    rows = [["Name", "Area Code", "Phone"], ["Ann Lee", "212", "+44 20 7946 0958"],
            ["Bob Ray", "415", "555-0199"]]
    import_file(admin, write_table(tmp_path, "csv", rows, name="phones"), kind="customers", region="US")
    got = customers_by_name(admin)
    assert (got["Ann Lee"]["phone"], got["Bob Ray"]["phone"]) == ("+442079460958", "+14155550199")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("headings", [["Name", "City", "Postcode", "Area Code", "Phone"],
                                      ["Name", "Phone", "City", "Area Code", "Postcode"]])
def test_a_number_in_parts_is_weighed_whole_when_the_file_s_country_is_asked(admin, tmp_path, fmt, headings):
    # the store's assumed region does not read London numbers: the stop shows the joined
    # numbers and names the --region that settles it; with it they are stored whole
    values = [{"Name": "Oliver Brown", "City": "London", "Postcode": "SW1A 1AA", "Area Code": "020",
               "Phone": "7946 0958"},
              {"Name": "Amelia Jones", "City": "London", "Postcode": "EC1A 1BB", "Area Code": "020",
               "Phone": "7946 0321"}]
    path = write_table(tmp_path, fmt, [headings, *([row[h] for h in headings] for row in values)], name="uk")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="customers")
    said = str(stop.value)
    assert "--region GB" in said and "'020 7946 0958'" in said
    assert records.list_records(admin, "customer") == []
    import_file(admin, path, kind="customers", region="GB")
    assert {c["name"]: c["phone"] for c in records.list_records(admin, "customer")} == {
        "Oliver Brown": "+442079460958", "Amelia Jones": "+442079460321"}
