"""A column mapped by one word of its heading is the record's OWN field only when its
heading names no other party or thing and its values fit the field (issue 14, "never
silently wrong"): "Sales Rep Email" is the rep's, "IP Address" an IP, "Store City" the
store's. Such a column is left unmapped, kept in Notes and said in the summary (and in
a dry run), and no customer is dropped as a "duplicate" of another with the same rep.
Every value is read back from a real encrypted store."""
from __future__ import annotations

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records




def _stored(session, kind="customer") -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, kind)}


def _said(result, what="columns not the record's own") -> str:
    line = next((i for i in result.inferences if i["what"] == what), None)
    assert line is not None, [i["what"] for i in result.inferences]
    return line["decided"] + " " + line["evidence"]


PEOPLE = [("Ann Lee", "Acme Ltd"), ("Bob Ray", "Beta Ltd"), ("Cat Poe", "Gamma Ltd")]
REP_EMAILS = ["rep.jane@mycompany.com", "rep.jane@mycompany.com", "rep.tom@mycompany.com"]
REP_PHONES = ["+44 20 7946 0958", "+44 20 7946 0958", "+44 20 7946 0960"]

# Another party's email or phone, in the languages of the brief
OTHER_PARTY_EMAILS = ["Sales Rep Email", "Account Manager Email", "Referred By Email", "Vertreter E-Mail",
                      "E-Mail Außendienst", "E-mail du commercial", "Courriel du représentant",
                      "Correo del vendedor", "业务员邮箱", "営業担当メール", "AssistantEmail"]
OTHER_PARTY_PHONES = ["Emergency Contact Phone", "Assistant's Phone", "Referrer Mobile", "Kundenbetreuer Telefon",
                      "Notfallkontakt Telefon", "Téléphone d'urgence", "Teléfono del asesor", "Teléfono de emergencia",
                      "业务员电话", "紧急联系人电话", "客户经理手机", "業務員電話", "緊急聯絡人電話", "営業担当電話",
                      "緊急連絡先電話"]


@pytest.mark.parametrize("heading", OTHER_PARTY_EMAILS)
def test_another_partys_email_is_not_the_customers_and_no_customer_is_dropped_as_a_duplicate(
        admin, tmp_path, heading):
    rows = [["Name", heading, "Company"]] + [[n, e, c] for (n, c), e in zip(PEOPLE, REP_EMAILS)]
    src = _write(tmp_path / "customers.csv", rows)
    dry = import_file(admin, src, dry_run=True)
    assert heading in _said(dry) and records.list_records(admin, "customer") == []
    result = import_file(admin, src)
    got = _stored(admin)
    assert set(got) == {"Ann Lee", "Bob Ray", "Cat Poe"} and result.duplicates == 0
    assert all(c["email"] is None for c in got.values())
    assert "rep.jane@mycompany.com" in got["Bob Ray"]["notes"]          # kept, in Notes
    assert heading in _said(result) and "--map" in _said(result)


@pytest.mark.parametrize("heading", OTHER_PARTY_PHONES)
def test_another_partys_phone_is_not_the_customers(admin, tmp_path, heading):
    rows = [["Name", heading, "Country"]] + [[n, p, "GB"] for (n, _c), p in zip(PEOPLE, REP_PHONES)]
    result = import_file(admin, _write(tmp_path / "customers.xlsx", rows))
    got = _stored(admin)
    assert set(got) == {"Ann Lee", "Bob Ray", "Cat Poe"}
    assert all(c["phone"] is None and c["mobile"] is None for c in got.values())
    assert "7946 0958" in got["Ann Lee"]["notes"] and heading in _said(result)


def test_a_contacts_assistants_email_and_phone_are_not_the_contacts_own(admin, tmp_path):
    # Outlook's export: the CEO and the CFO share one assistant
    rows = [["Customer", "First Name", "Last Name", "Job Title", "Assistant Email", "Assistant Phone"],
            ["Acme Ltd", "Ann", "Lee", "CEO", "pa@acme.com", "+44 20 7946 0958"],
            ["Acme Ltd", "Bob", "Ray", "CFO", "pa@acme.com", "+44 20 7946 0958"]]
    result = import_file(admin, _write(tmp_path / "contacts.csv", rows), kind="contacts")
    got = _stored(admin, "contact")
    assert set(got) == {"Ann Lee", "Bob Ray"} and result.duplicates == 0
    assert got["Bob Ray"]["email"] is None and got["Bob Ray"]["phone"] is None
    assert "pa@acme.com" in got["Bob Ray"]["notes"]


# Another thing's address or city: an IP, a web address, a store, a warehouse
OTHER_THINGS = [("IP Address", "10.0.0.5"), ("IP地址", "192.168.1.20"), ("IP-Adresse", "10.0.0.7"),
                ("Adresse IP", "10.0.0.8"), ("Dirección IP", "2001:db8::1"), ("Web Address", "https://acme.example"),
                ("Webadresse", "www.acme.example"), ("Warehouse Address", "1 Dock Rd, Newark"),
                ("Lager Adresse", "Hafenstraße 1"), ("Adresse de l'entrepôt", "1 quai du Port"),
                ("Dirección del almacén", "Calle del Puerto 1"), ("仓库地址", "上海市浦东新区港口路1号"),
                ("倉庫地址", "高雄市前鎮區1號"), ("倉庫住所", "東京都江東区1-1"), ("Store City", "Boston"),
                ("门店城市", "杭州")]


@pytest.mark.parametrize("heading,value", OTHER_THINGS)
def test_another_things_address_or_city_is_not_the_customers(admin, tmp_path, heading, value):
    rows = [["Name", heading], ["Ann Lee", value], ["Bob Ray", value]]
    result = import_file(admin, _write(tmp_path / "customers.csv", rows))
    got = _stored(admin)
    assert set(got) == {"Ann Lee", "Bob Ray"}
    assert all(c["address"] is None and c["city"] is None for c in got.values())
    assert value in got["Ann Lee"]["notes"] and heading in _said(result)


def test_a_parent_company_is_not_the_customers_company(admin, tmp_path):
    rows = [["Name", "Parent Company"], ["Ann Lee", "Acme Holdings"], ["Bob Ray", "Beta Group"]]
    result = import_file(admin, _write(tmp_path / "customers.csv", rows))
    got = _stored(admin)
    assert got["Ann Lee"]["company"] is None and got["Bob Ray"]["company"] is None
    assert "Beta Group" in got["Bob Ray"]["notes"] and "Parent Company" in result.unmapped


# Headings guessed from a word that the values contradict: an email address is no postal
# address, "Yes" no email address
VALUES_CONTRADICT = [
    (["Contact Address"], [["ann@x.com"], ["bob@x.com"]], "address"),
    (["Dirección electrónica"], [["ann@x.es"], ["bob@x.es"]], "address"),
    (["Email Verified"], [["Yes"], ["No"]], "email"),      # ("Email Opt In" is the consent: heads21)
    (["Home Page Address"], [["https://ann.example"], ["https://bob.example"]], "address"),
]


@pytest.mark.parametrize("headings,values,field", VALUES_CONTRADICT)
def test_a_guessed_column_whose_values_plainly_do_not_fit_is_not_mapped(admin, tmp_path, headings, values,
                                                                        field):
    rows = [["Name", *headings], ["Ann Lee", *values[0]], ["Bob Ray", *values[1]]]
    src = _write(tmp_path / "customers.csv", rows)
    result = import_file(admin, src)
    got = _stored(admin)
    assert got["Ann Lee"][field] is None and values[0][0] in got["Ann Lee"]["notes"]
    assert not any(o.warnings for o in result.outcomes)               # not a warning per row: a decision
    said = _said(result)
    assert headings[0] in said and "values" in said


def test_of_two_guessed_columns_the_one_whose_values_fit_takes_the_field(admin, tmp_path):
    rows = [["Name", "Contact Address", "Address Street Line"],
            ["Ann Lee", "ann@x.com", "12 High St"], ["Bob Ray", "bob@x.com", "4 Low Rd"]]
    result = import_file(admin, _write(tmp_path / "customers.csv", rows))
    got = _stored(admin)
    assert got["Ann Lee"]["address"] == "12 High St" and got["Bob Ray"]["address"] == "4 Low Rd"
    assert "Contact Address" in _said(result)


def test_a_guessed_column_is_judged_by_the_whole_file_not_its_first_rows(admin, tmp_path):
    # forty rows of IP addresses under a heading without a qualifier, a few blank first
    rows = [["Name", "Contact Address"]] + [[f"Person {i:02d} Lee", "" if i < 3 else f"10.0.0.{i}"]
                                            for i in range(40)]
    result = import_file(admin, _write(tmp_path / "customers.csv", rows))
    got = _stored(admin)
    assert len(got) == 40 and all(c["address"] is None for c in got.values())
    assert "IP addresses" in _said(result)


def test_the_summary_names_the_map_that_settles_it_and_that_map_is_taken(admin, tmp_path):
    # "Address" is the customer's whatever the other columns are; --map says what a column is
    rows = [["Name", "Address", "Sales Rep Email", "Warehouse City"], ["Ann Lee", "12 High St", "rep@x.com", "Newark"],
            ["Bob Ray", "4 Low Rd", "rep2@x.com", "Newark"]]
    src = _write(tmp_path / "customers.csv", rows)
    said = _said(import_file(admin, src, dry_run=True))
    assert "'Sales Rep Email'" in said and "'Warehouse City'" in said and '--map "Column=Field"' in said
    import_file(admin, src, mapping=["Sales Rep Email=Email"])
    got = _stored(admin)
    assert got["Ann Lee"]["address"] == "12 High St" and got["Ann Lee"]["email"] == "rep@x.com"
    assert got["Ann Lee"]["city"] is None and "Newark" in got["Ann Lee"]["notes"]


# ----- Hong Kong and Taiwan headings ----------------------------------------------------------

@pytest.mark.parametrize("mobile", ["手提電話", "流動電話"])
@pytest.mark.parametrize("email", ["電郵地址", "電子郵件", "電郵"])
def test_hong_kong_headings_for_email_mobile_and_region_map_to_their_fields(admin, tmp_path, email, mobile):
    rows = [["客戶編號", "姓名", email, mobile, "辦公室電話", "地區"],
            ["H001", "陳大文", "chan@example.hk", "9123 4567", "2345 6789", "香港"],
            ["H002", "李小明", "lee@example.hk", "5123 4567", "", "九龍"]]
    import_file(admin, _write(tmp_path / "hk.csv", rows), region="HK")
    got = _stored(admin)
    assert got["陳大文"]["email"] == "chan@example.hk" and got["陳大文"]["address"] is None
    assert got["陳大文"]["mobile"] == "+85291234567" and got["李小明"]["mobile"] == "+85251234567"
    assert got["陳大文"]["phone"] == "+85223456789"
    assert got["陳大文"]["province"] == "香港" and got["李小明"]["province"] == "九龍"


@pytest.mark.parametrize("heading", ["電郵", "電子郵件", "電郵地址"])
def test_an_orders_traditional_email_heading_gives_the_customer_its_email(admin, tmp_path, heading):
    rows = [["訂單編號", "客戶名稱", heading, "訂單日期", "金額"],
            ["1001", "陳大文", "chen@example.tw", "2024-03-05", "NT$1,200"],
            ["1002", "林小美", "lin@example.tw", "2024-03-06", "NT$350"]]
    import_file(admin, _write(tmp_path / "orders.csv", rows), kind="orders")
    got = _stored(admin)
    assert got["陳大文"]["email"] == "chen@example.tw" and got["林小美"]["email"] == "lin@example.tw"
    assert len(records.list_records(admin, "order")) == 2


def test_a_salespersons_email_in_an_orders_file_is_not_the_customers_but_billing_email_is(admin, tmp_path):
    rows = [["Order ID", "Customer Name", "Salesperson - Email", "Order Date", "Total"],
            ["1001", "Ann Lee", "rep@x.com", "2024-03-05", "12.00"],
            ["1002", "Bob Ray", "rep@x.com", "2024-03-06", "30.00"]]
    import_file(admin, _write(tmp_path / "orders.csv", rows), kind="orders", currency="USD")
    got = _stored(admin)
    assert got["Ann Lee"]["email"] is None and got["Bob Ray"]["email"] is None
    rows = [["Order ID", "Customer Name", "Billing Email", "Order Date", "Total"],
            ["1003", "Cat Poe", "cat@x.com", "2024-03-05", "12.00"]]
    import_file(admin, _write(tmp_path / "orders2.csv", rows), kind="orders", currency="USD")
    assert _stored(admin)["Cat Poe"]["email"] == "cat@x.com"


# ----- the lines of one street address ---------------------------------------------------------

@pytest.mark.parametrize("lines", [["Address Line 1", "Address Line 2", "Address Line 3"], ["Address1", "Address2"],
                                   ["Street", "Street 2", "Street 3"], ["地址", "地址2"], ["Address", "Address 2"]])
@pytest.mark.parametrize("name", ["people.csv", "people.xlsx"])
def test_address_lines_two_and_three_are_joined_into_the_address_in_order(admin, tmp_path, lines, name):
    parts = ["Suite 400", "123 Main St", "Building B"][:len(lines)]
    rows = [["Name", *lines, "City"], ["Ann Lee", *parts, "Springfield"], ["Bob Ray", "45 Oak Ave", 2, *[""] * (len(lines) - 2), "Boston"]]
    result = import_file(admin, _write(tmp_path / name, rows))
    got = _stored(admin)
    assert got["Ann Lee"]["address"] == ", ".join(parts) and got["Bob Ray"]["address"] == "45 Oak Ave, 2"
    assert got["Ann Lee"]["city"] == "Springfield" and not (got["Ann Lee"]["notes"] or "").strip()
    assert lines[-1] in _said(result, "address lines")


def test_another_addresss_second_line_is_not_joined_into_the_one_taken(admin, tmp_path):
    rows = [["Name", "Billing Address1", "Billing Address2", "Billing City", "Shipping Address1", "Shipping Address2",
             "Shipping City"],
            ["Ann Lee", "1 Main St", "Floor 2", "Boston", "9 Dock Rd", "Gate 4", "Newark"]]
    import_file(admin, _write(tmp_path / "people.csv", rows))
    got = _stored(admin)["Ann Lee"]
    assert got["address"] == "1 Main St, Floor 2" and got["city"] == "Boston" and "Gate 4" in got["notes"]


# ----- what a refusal suggests --------------------------------------------------------------

from cims_xl.importer.errors import ImportRefused  # noqa: E402
from table_files import write_rows as _write

CATEGORY_FILES = [
    # (交易对方 and 거래처 are known now: payment bills' and Korean ledgers' customer)
    (["交易时间", "交易类型", "交易伙伴", "商品", "收/支", "金额(元)"],
     [["2024-03-05 10:12:00", "商户消费", "张伟", "咖啡豆", "收入", "¥128.00"],
      ["2024-03-06 11:00:00", "商户消费", "顺丰速运", "运费", "支出", "¥23.00"],
      ["2024-03-07 12:00:00", "转账", "王芳", "/", "收入", "¥500.00"]], "交易伙伴"),
    (["거래일자", "구분", "상대처", "적요", "금액"],
     [["2024-03-05", "입금", "(주)한빛", "매출", "1,200,000"], ["2024-03-06", "출금", "(주)사무용품", "소모품", "80,000"],
      ["2024-03-07", "입금", "(주)대한", "매출", "350,000"]], "상대처"),
    (["日付", "取引種別", "相手先", "金額"],
     [["2024-03-05", "入金", "山田商事", "120000"], ["2024-03-06", "出金", "鈴木工業", "2300"],
      ["2024-03-07", "入金", "佐藤物産", "50000"]], "相手先"),
]


@pytest.mark.parametrize("headings,rows,whom", CATEGORY_FILES)
def test_a_refusal_suggests_the_column_naming_whom_not_a_category_column(admin, tmp_path, headings, rows, whom):
    src = _write(tmp_path / "bill.csv", [headings, *rows])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, src, kind="orders")
    said = str(stop.value)
    assert f'--map "{whom}=Customer Name"' in said
    assert not any(f'--map "{h}=Customer Name"' in said for h in headings if h != whom)
    assert records.list_records(admin, "order") == []


@pytest.mark.parametrize("headings,field,held", [
    (["Invoice No", "Customer", "Invoice Date", "Tax Amount", "Amount Due"], "Amount", ["Tax Amount", "Amount Due"]),
    (["Invoice No", "Customer", "Due Date", "Amount"], "Order Date", ["Due Date"]),
    (["Rechnungsnr.", "Kunde", "Fälligkeitsdatum", "Betrag"], "Order Date", ["Fälligkeitsdatum"]),
])
def test_a_refusal_names_the_columns_holding_the_values_and_why_they_were_not_taken(admin, tmp_path, headings,
                                                                                      field, held):
    values = {"Invoice No": "INV-1", "Rechnungsnr.": "R-1", "Customer": "Acme Ltd", "Kunde": "Acme GmbH",
              "Invoice Date": "2024-03-05", "Due Date": "2024-04-05", "Fälligkeitsdatum": "2024-04-05",
              "Tax Amount": "15.00", "Amount Due": "115.00", "Amount": "115.00", "Betrag": "115.00"}
    rows = [headings] + [[values[h].replace("1", str(k)) if h in ("Invoice No", "Rechnungsnr.") else values[h]
                          for h in headings] for k in (1, 2)]
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, _write(tmp_path / "invoices.csv", rows), kind="orders", currency="EUR")
    said = str(stop.value)
    assert "No column's values look like" not in said
    assert all(f"'{h}'" in said for h in held) and f'--map "{held[0]}={field}"' in said


@pytest.mark.parametrize("heading", ["Account Manager", "Sales Representative", "Account Executive", "Représentant",
                                     "Ejecutivo de cuenta", "Außendienstmitarbeiter", "销售代表", "業務經理", "영업 담당자"])
def test_the_rep_is_the_customers_owner_and_the_reps_email_stays_in_notes(admin, tmp_path, heading):
    rows = [["Name", heading, f"{heading} Email"], ["Ann Lee", "Jane Roe", "jane@mycompany.com"],
            ["Bob Ray", "Jane Roe", "jane@mycompany.com"]]
    import_file(admin, _write(tmp_path / "customers.csv", rows))
    got = _stored(admin)
    assert got["Ann Lee"]["owner"] == "Jane Roe" and got["Bob Ray"]["owner"] == "Jane Roe"
    assert got["Bob Ray"]["email"] is None and "jane@mycompany.com" in got["Bob Ray"]["notes"]


@pytest.mark.parametrize("own,other,field", [("담당자 이메일", "영업담당 이메일", "email"), ("대표 전화", "비상연락처 전화", "phone"),
                                             ("회사 주소", "창고 주소", "address"), ("담당자 휴대폰", "추천인 휴대폰", "mobile")])
def test_korean_headings_take_the_customers_own_field_and_leave_another_partys_in_notes(admin, tmp_path, own, other,
                                                                                    field):
    values = {"email": ("kim@hanbit.kr", "rep@mycompany.kr", "lee@daehan.kr"),
              "phone": ("+82 2-312-3456", "+82 2-312-9999", "+82 2-777-3456"),
              "address": ("서울특별시 중구 세종대로 110", "인천광역시 중구 항구로 1", "부산광역시 중구 중앙대로 1"),
              "mobile": ("+82 10-1234-5678", "+82 10-9999-0000", "+82 10-7777-5678")}[field]
    rows = [["고객명", other, own], ["김민준", values[1], values[0]], ["이서연", values[1], values[2]]]
    import_file(admin, _write(tmp_path / "고객.csv", rows))
    got = _stored(admin)
    assert set(got) == {"김민준", "이서연"}
    stored = got["김민준"][field]
    assert stored is not None and stored.replace("-", "").replace(" ", "") != values[1].replace("-", "").replace(" ", "")
    assert values[1] in got["김민준"]["notes"]


def test_a_shop_exports_address_company_is_no_street_and_its_two_address_lines_are_joined(admin, tmp_path):
    # Shopify's customers export
    rows = [["First Name", "Last Name", "Email", "Default Address Company", "Default Address Address1",
             "Default Address Address2", "Default Address City", "Default Address Zip"],
            ["Ann", "Lee", "ann@x.com", "Acme Ltd", "12 High St", "Unit 4", "Leeds", "LS1 4AB"]]
    result = import_file(admin, _write(tmp_path / "customers_export.csv", rows))
    got = _stored(admin)["Ann Lee"]
    assert got["address"] == "12 High St, Unit 4" and got["city"] == "Leeds"
    # the address's company is the customer's Company (try24f A10: a prefix naming an
    # address and a known part is that part), never the street
    assert got["company"] == "Acme Ltd" and "Default Address Company" not in result.unmapped
