"""Amounts are stored in the currency the file gives them, never silently in the store's
(issue 14): an .ods currency cell's own currency (office:currency); "¥"/"￥" read as yen
or yuan on the file's language (its characters, its encoding, its era dates), "\\" before
an amount in a Shift_JIS file read as the yen sign, and a currency without minor unit
grouping thousands; amount and currency headings in Korean, Japanese, traditional
Chinese, Vietnamese, Thai, Indonesian, Turkish and Polish; Odoo's sale order statuses.
Where the evidence is mixed or absent, the import stops before writing and names
--currency, which then imports the same file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from cims_xl.domain.schema import ENTITIES
from cims_xl.importer import mapping as mp
from cims_xl.importer.errors import AmbiguousCurrency, ImportRefused
from cims_xl.importer.file_language import LanguageEvidence
from cims_xl.importer.run import import_file
from cims_xl.services.records import list_records
from cims_xl.services.settings import set_store_currency


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])).normalize(), o["currency"])
            for o in list_records(session, "order")}


def _decided(result, start: str) -> list[dict]:
    return [i for i in result.inferences if i["what"].startswith(start)]


def _csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


# ----- 1. .ods currency cells ------------------------------------------------------------------

def _ods_cell(text: str, attrs: str = 'office:value-type="string"') -> str:
    return f"<table:table-cell {attrs}><text:p>{escape(text)}</text:p></table:table-cell>"


def _money_cell(value: str, shown: str, code: str | None) -> str:
    named = f' office:currency="{code}"' if code else ""
    return _ods_cell(shown, f'office:value-type="currency" office:value="{value}"{named}')


def _ods(path: Path, rows: list[list[str]]) -> Path:
    from hostile_files import ods

    return ods(path, "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows))


def test_ods_currency_cells_are_stored_in_the_currency_each_cell_names(admin, tmp_path):
    head = [_ods_cell(h) for h in ("N° commande", "Client", "Date", "Montant")]
    rows = [head,
            [_ods_cell("F-1"), _ods_cell("Dupont SARL"), _ods_cell("2024-03-05"), _money_cell("1234.5", "1 234,50 €", "EUR")],
            [_ods_cell("F-2"), _ods_cell("Käser AG"), _ods_cell("2024-03-06"), _money_cell("99.95", "CHF 99.95", "CHF")],
            [_ods_cell("F-3"), _ods_cell("Bath Ltd"), _ods_cell("2024-03-07"), _money_cell("250", "£250.00", "GBP")],
            [_ods_cell("F-4"), _ods_cell("Osaka KK"), _ods_cell("2024-03-08"), _money_cell("1200", "￥1,200", "JPY")],
            [_ods_cell("F-5"), _ods_cell("Plain SA"), _ods_cell("2024-03-09"),
             _ods_cell("80", 'office:value-type="float" office:value="80"')]]
    path = _ods(tmp_path / "commandes.ods", rows)
    # a plain number beside four currencies is in none of them, nor in the store's: it stops (cur20b)
    with pytest.raises(ImportRefused, match=r"'80'.*--currency"):
        import_file(admin, path, kind="orders")
    result = import_file(admin, path, kind="orders", currency="EUR")
    assert _orders(admin) == {"F-1": (Decimal("1234.5"), "EUR"), "F-2": (Decimal("99.95"), "CHF"),
                              "F-3": (Decimal("250"), "GBP"), "F-4": (Decimal("1200"), "JPY"),
                              "F-5": (Decimal("80"), "EUR")}          # a plain number: as --currency says
    said = _decided(result, "currency formats")
    assert said and said[0]["decided"].startswith("4 number") and "office:currency" in said[0]["evidence"]


def test_an_ods_currency_cell_without_a_code_takes_the_symbol_it_shows(admin, tmp_path):
    rows = [[_ods_cell(h) for h in ("Order No", "Customer", "Order Date", "Amount")],
            [_ods_cell("A-1"), _ods_cell("Leeds Ltd"), _ods_cell("2024-03-05"), _money_cell("75.5", "£75.50", None)],
            [_ods_cell("A-2"), _ods_cell("Köln GmbH"), _ods_cell("2024-03-06"), _money_cell("12", "12,00 €", None)]]
    import_file(admin, _ods(tmp_path / "orders.ods", rows), kind="orders")
    assert _orders(admin) == {"A-1": (Decimal("75.5"), "GBP"), "A-2": (Decimal("12"), "EUR")}


# ----- 2. "¥" on the file's language ------------------------------------------------------------

JAPANESE = [
    # kanji only, no kana: 顧 and 額 are no simplified forms, 会 no traditional one
    pytest.param(["受注番号,取引先,受注日,金額", 'R-10,大阪商会株式会社,2025/01/10,"¥2,400"',
                  'R-11,神戸精機,2025/01/11,"¥38,000"', "R-12,名古屋顧問,2025/01/12,¥700"], "utf-8", id="kanji"),
    # kana in the headings, names in Latin letters
    pytest.param(["注文ID,お客様名,日付,お支払い金額", 'W-1,Kenji Mori,2025-02-01,"¥5,500"',
                  'W-2,Aiko Ueda,2025-02-02,"¥12,800"'], "utf-8", id="kana-headings"),
    # Shift_JIS, full-width yen and era dates
    pytest.param(["伝票番号,得意先,伝票日付,金額", '1001,株式会社丸井商店,令和7年1月6日,"￥3,300"',
                  '1002,有限会社エビス,令和7年1月7日,"￥110,000"'], "cp932", id="shift-jis-fullwidth"),
    # English headings, names in Latin letters: only the era dates say Japan
    pytest.param(["Order No,Customer,Order Date,Amount", 'E-1,Tanaka Ichiro,R7.1.6,"¥9,900"',
                  'E-2,Suzuki Jiro,R7.1.7,"¥1,100"'], "utf-8", id="era-dates"),
]


@pytest.mark.parametrize("lines,encoding", JAPANESE)
def test_yen_in_a_japanese_file_is_yen_and_its_separator_groups_thousands(admin, tmp_path, lines, encoding):
    result = import_file(admin, _csv(tmp_path / "jp.csv", lines, encoding), kind="orders")
    got = _orders(admin)
    assert {c for _, c in got.values()} == {"JPY"}
    expected = [Decimal(v.split(",", 3)[3].strip('"').lstrip("¥￥").replace(",", "")).normalize()
                for v in lines[1:]]
    assert sorted(a for a, _ in got.values()) == sorted(expected)
    said = _decided(result, "currency of '")
    assert said and said[0]["decided"] == "JPY" and "Japanese" in said[0]["evidence"]


def test_a_backslash_before_amounts_in_a_shift_jis_file_is_the_yen_sign(admin, tmp_path):
    lines = ["注文番号,顧客名,注文日,金額,備考", r'N-1,株式会社青葉,2025/04/01,"\2,500",C:\見積\2025',
             r'N-2,緑川産業,2025/04/02,\800,', r'N-3,白石工務店,2025/04/03,"\1,000,000",']
    path = _csv(tmp_path / "sjis.csv", lines, "cp932")
    assert b"\\2,500" in path.read_bytes()                 # byte 0x5C, as Excel saves it
    result = import_file(admin, path, kind="orders")
    assert _orders(admin) == {"N-1": (Decimal("2500"), "JPY"), "N-2": (Decimal("800"), "JPY"),
                              "N-3": (Decimal("1000000"), "JPY")}
    said = _decided(result, "yen sign")
    assert said and "'金額' (3)" in said[0]["decided"] and "Shift_JIS" in said[0]["evidence"]
    notes = [o["notes"] or "" for o in list_records(admin, "order")]
    assert any("C:\\見積\\2025" in n for n in notes)        # not an amount column: left as written


def test_the_same_backslash_in_a_utf8_file_is_no_amount(admin, tmp_path):
    path = _csv(tmp_path / "utf8.csv", ["Order No,Customer,Order Date,Amount",
                                        r"B-1,Ann Lee,2025-04-01,\800", "B-2,Bo Li,2025-04-02,900"])
    result = import_file(admin, path, kind="orders", currency="JPY")
    assert result.rejected == 1 and set(_orders(admin)) == {"B-2"}


@pytest.mark.parametrize("lines,encoding", [
    pytest.param(["订单编号,客户名称,下单日期,订单金额", 'D-1,北京华联商贸,2025-03-01,"¥1,280.50"',
                  "D-2,深圳明达科技,2025-03-02,¥99.90"], "utf-8", id="simplified-characters"),
    pytest.param(["Order No,Customer,Order Date,Amount", 'G-1,张伟 (北京华联商贸有限公司),2025-03-01,"¥1,280.50"',
                  "G-2,刘洋 (深圳明达科技有限公司),2025-03-02,¥99.90"], "gb18030", id="gb18030"),
])
def test_yen_sign_in_a_chinese_file_is_yuan_even_in_a_store_of_another_currency(admin, tmp_path, lines, encoding):
    set_store_currency(admin, "JPY")
    result = import_file(admin, _csv(tmp_path / "cn.csv", lines, encoding), kind="orders")
    got = _orders(admin)
    assert {c for _, c in got.values()} == {"CNY"}
    assert sorted(a for a, _ in got.values()) == [Decimal("99.9"), Decimal("1280.5")]
    said = _decided(result, "currency of '")
    assert said and said[0]["decided"] == "CNY" and "Chinese (simplified)" in said[0]["evidence"]


@pytest.mark.parametrize("head,names,code", [
    (["受注番号", "得意先", "受注日", "売上金額"], ["丸井商店", "エビス"], "JPY"),
    (["订单编号", "客户名称", "下单日期", "订单金额"], ["华联商贸", "明达科技"], "CNY"),
])
def test_a_yen_number_format_in_a_workbook_is_read_in_the_workbooks_language(admin, tmp_path, head, names, code):
    import openpyxl

    set_store_currency(admin, "USD")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(head)
    for i, (name, amount) in enumerate(zip(names, (3300, 110000)), start=1):
        ws.append([f"X-{i}", name, f"2025-01-0{i}", amount])
        ws.cell(ws.max_row, 4).number_format = "¥#,##0.00"
    wb.save(tmp_path / "book.xlsx")
    import_file(admin, tmp_path / "book.xlsx", kind="orders")
    assert _orders(admin) == {"X-1": (Decimal("3300"), code), "X-2": (Decimal("110000"), code)}


def test_a_currency_column_writing_the_yen_sign_is_read_in_the_files_language(admin, tmp_path):
    set_store_currency(admin, "EUR")
    path = _csv(tmp_path / "cur.csv", ["注文番号,顧客名,注文日,金額,通貨", "A1,株式会社佐藤,2025-03-05,1200,¥",
                                       "A2,山田商会,2025-03-06,300,￥", "A3,Jean Dupont,2025-03-07,45.50,EUR"])
    import_file(admin, path, kind="orders")
    assert _orders(admin) == {"A1": (Decimal("1200"), "JPY"), "A2": (Decimal("300"), "JPY"),
                              "A3": (Decimal("45.5"), "EUR")}


def test_mixed_language_evidence_stops_and_names_the_currency_option(admin, tmp_path):
    # kana (Japanese) beside characters only simplified Chinese writes (订, 单)
    path = _csv(tmp_path / "mixed.csv", ["订单号,客户,日期,金额,备注", 'M-1,王芳,2025-03-01,"¥1,200.50",発送済み',
                                         "M-2,李雷,2025-03-02,¥300,キャンセル"])
    with pytest.raises(AmbiguousCurrency) as stop:
        import_file(admin, path, kind="orders", dry_run=True)
    message = str(stop.value)
    assert "'金额'" in message and "'¥1,200.50'" in message and "--currency" in message
    assert "Japanese" in message and "Chinese (simplified)" in message and "Nothing was imported" in message
    assert _orders(admin) == {}
    import_file(admin, path, kind="orders", currency="CNY")
    assert _orders(admin) == {"M-1": (Decimal("1200.5"), "CNY"), "M-2": (Decimal("300"), "CNY")}


def test_a_yen_amount_that_reads_two_ways_names_the_currency_option_too(admin, tmp_path):
    path = _csv(tmp_path / "mixed.csv", ["订单号,客户,日期,金额,备注", 'M-1,王芳,2025-03-01,"¥1,200",発送済み',
                                         "M-2,李雷,2025-03-02,¥300,キャンセル"])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    assert "--decimal" in str(stop.value) and "--currency CNY or --currency JPY" in str(stop.value)
    import_file(admin, path, kind="orders", currency="JPY")
    assert _orders(admin) == {"M-1": (Decimal("1200"), "JPY"), "M-2": (Decimal("300"), "JPY")}


def test_yen_with_no_evidence_stops_in_a_store_of_neither_currency(admin, tmp_path):
    set_store_currency(admin, "EUR")
    path = _csv(tmp_path / "bare.csv", ["Order No,Customer,Order Date,Amount",
                                        "Y-1,Ann Lee,2025-03-01,¥1200.50", "Y-2,Bo Li,2025-03-02,¥300"])
    with pytest.raises(AmbiguousCurrency) as stop:
        import_file(admin, path, kind="orders")
    message = str(stop.value)
    assert "column 'Amount'" in message and "CNY" in message and "JPY" in message and "--currency" in message
    assert _orders(admin) == {}
    import_file(admin, path, kind="orders", currency="CNY")
    assert _orders(admin) == {"Y-1": (Decimal("1200.5"), "CNY"), "Y-2": (Decimal("300"), "CNY")}


def test_yen_with_no_evidence_in_a_yuan_store_is_the_stores_currency_as_said(admin, tmp_path):
    path = _csv(tmp_path / "bare.csv", ["Order No,Customer,Order Date,Amount",
                                        "Y-1,Ann Lee,2025-03-01,¥1200.50", "Y-2,Bo Li,2025-03-02,¥300"])
    result = import_file(admin, path, kind="orders")
    assert _orders(admin) == {"Y-1": (Decimal("1200.5"), "CNY"), "Y-2": (Decimal("300"), "CNY")}
    said = _decided(result, "currency of '")
    assert said and "store's currency" in said[0]["evidence"]


def test_a_rows_country_still_comes_before_the_files_language(admin, tmp_path):
    lines = ["注文番号,顧客名,注文日,金額,国", "C-1,上海商会,2025/01/10,¥1200.50,中国", "C-2,大阪商会,2025/01/11,¥3000,日本"]
    import_file(admin, _csv(tmp_path / "c.csv", lines), kind="orders")
    assert _orders(admin) == {"C-1": (Decimal("1200.5"), "CNY"), "C-2": (Decimal("3000"), "JPY")}
    # a row naming no country, in a file whose rows name both: not settled by the language
    with pytest.raises(AmbiguousCurrency, match="--currency"):
        import_file(admin, _csv(tmp_path / "d.csv", [*lines, "C-3,京都商会,2025/01/12,¥500,"]), kind="orders")


def test_currency_option_wins_over_the_files_language(admin, tmp_path):
    path = _csv(tmp_path / "jp.csv", ["注文番号,顧客名,注文日,金額", "J-1,株式会社佐藤,2025/01/10,¥1200"])
    import_file(admin, path, kind="orders", currency="CNY")
    assert _orders(admin) == {"J-1": (Decimal("1200"), "CNY")}


@pytest.mark.parametrize("headers,cells,encoding,language", [
    (["顧客名"], ["株式会社佐藤"], "utf-8", "ja"),
    (["Name"], ["山田太郎"], "cp932", "ja"),
    (["姓名"], ["王芳"], "utf-8", None),               # characters all three write: nothing said
    (["客户名称"], ["王芳"], "utf-8", "zh_Hans"),
    (["客戶名稱"], ["王小明"], "utf-8", "zh_Hant"),
    (["고객명"], ["김민수"], "utf-8", "ko"),
    (["Name"], ["Zoë"], "cp1252", None),
])
def test_the_language_of_a_file_is_what_all_its_evidence_allows(headers, cells, encoding, language):
    ev = LanguageEvidence(encoding, headers)
    ev.add(cells)
    verdict = ev.verdict()
    assert verdict.language == language and not verdict.mixed
    assert verdict.currency_for(("CNY", "JPY")) == {"ja": "JPY", "zh_Hans": "CNY"}.get(language)


def test_a_stray_word_in_another_script_does_not_turn_a_long_file(tmp_path):
    ev = LanguageEvidence("utf-8", ["注文番号", "顧客名", "金額"])
    for i in range(60):
        ev.add([f"株式会社山田{i}", "東京都千代田区丸の内"])
    ev.add(["张伟"])                                    # one Chinese customer among many
    assert ev.verdict().language == "ja"


@pytest.mark.parametrize("amount,code,expected", [
    ('"12,000원"', "KRW", Decimal("12000")),
    ('"₩35,500"', "KRW", Decimal("35500")),
    ("1.500.000₫", "VND", Decimal("1500000")),
    ('"1,200円"', "JPY", Decimal("1200")),
])
def test_a_currency_without_minor_unit_groups_thousands(admin, tmp_path, amount, code, expected):
    path = _csv(tmp_path / "z.csv", ["Order No,Customer,Order Date,Amount", f"Z-1,Kim Min,2025-03-01,{amount}"])
    import_file(admin, path, kind="orders")
    assert _orders(admin) == {"Z-1": (expected, code)}


# ----- 3. headings and Odoo statuses ----------------------------------------------------------------

@pytest.mark.parametrize("language,amount,currency", [
    ("ko", "금액", "통화"), ("ko", "합계금액", "화폐"), ("ja", "合計", "通貨"), ("ja", "請求金額", "通貨"),
    ("zh-Hant", "總額", "幣別"), ("zh-Hant", "合計", "幣種"), ("vi", "giá trị đơn hàng", "tiền tệ"),
    ("th", "ราคารวม", "สกุลเงิน"), ("id", "total pesanan", "mata uang"), ("tr", "sipariş tutarı", "para birimi"),
    ("pl", "suma", "waluta"),
])
def test_amount_and_currency_headings_of_many_languages_map_for_orders(language, amount, currency):
    got = mp.build_mapping(ENTITIES["order"], ["Order No", amount, currency])
    assert [c.target for c in got.columns] == ["order_number", "amount", "currency"], language


@pytest.mark.parametrize("amount,currency", [("금액", "통화"), ("kwota", "waluta"), ("tutar", "para birimi"),
                                             ("số tiền", "tiền tệ"), ("จำนวนเงิน", "สกุลเงิน")])
def test_amount_and_currency_headings_map_for_deals_too(amount, currency):
    got = mp.build_mapping(ENTITIES["opportunity"], ["Deal", amount, currency])
    assert [c.target for c in got.columns][1:] == ["amount", "currency"]


@pytest.mark.parametrize("price", ["단가", "単価", "單價", "đơn giá", "ราคาต่อหน่วย", "harga satuan", "birim fiyat",
                                   "cena jednostkowa"])
def test_a_unit_price_heading_is_not_taken_for_the_amount(price):
    got = mp.build_mapping(ENTITIES["order"], ["Order No", price])
    assert got.columns[1].target is None


def test_a_korean_order_file_imports_its_amounts_in_won(admin, tmp_path):
    path = _csv(tmp_path / "kr.csv", ["주문번호,고객명,주문일자,금액,통화", 'K-1,박지훈,2025-03-05,"48,000",KRW',
                                      'K-2,최수진,2025-03-06,"7,500원",'])
    import_file(admin, path, kind="orders")
    assert _orders(admin) == {"K-1": (Decimal("48000"), "KRW"), "K-2": (Decimal("7500"), "KRW")}


def test_odoo_sale_orders_import_with_their_statuses(admin, tmp_path):
    path = _csv(tmp_path / "odoo.csv", [
        "Order Reference,Customer,Order Date,Salesperson,Total,Status",
        'SO101,Wood Corner,2025-02-03 09:00:00,Marc Demo,"4,200.00",Quotation',
        "SO102,Gemini Furniture,2025-02-04 09:00:00,Marc Demo,310.00,Quotation Sent",
        'SO103,Deco Addict,2025-02-05 09:00:00,Marc Demo,"1,050.00",Sales Order',
        "SO104,Ready Mat,2025-02-06 09:00:00,Marc Demo,99.00,Locked",
        "SO105,Lumber Inc,2025-02-07 09:00:00,Marc Demo,12.00,Cancelled"])
    result = import_file(admin, path, kind="orders", currency="USD")
    assert result.created == 5
    status = {o["order_number"]: o["status"] for o in list_records(admin, "order")}
    assert status == {"SO101": "Draft", "SO102": "Draft", "SO103": "Open", "SO104": "Open", "SO105": "Cancelled"}
    assert _orders(admin)["SO101"] == (Decimal("4200"), "USD")


def test_an_unknown_status_still_stops_with_the_value_option(admin, tmp_path):
    path = _csv(tmp_path / "odoo.csv", ["Order Reference,Customer,Order Date,Total,Status",
                                        "SO201,Wood Corner,2025-02-03,10.00,Done"])
    with pytest.raises(ImportRefused, match="--value"):
        import_file(admin, path, kind="orders", currency="USD")
    assert _orders(admin) == {}


# ----- the language verdict never reads "¥" the wrong way ----------------------------------------------

def _pool(test) -> str:
    """Common ideographs (the first 3,000 of the URO block) for which `test` holds."""
    return "".join(ch for ch in map(chr, range(0x4E00, 0x4E00 + 3000)) if test(ch))


def _in(ch: str, charset: str) -> bool:
    try:
        ch.encode(charset)
    except UnicodeEncodeError:
        return False
    return True


SHARED = _pool(lambda c: _in(c, "gb2312") and _in(c, "big5") and _in(c, "cp932"))
SIMPLIFIED_ONLY = _pool(lambda c: _in(c, "gb2312") and not _in(c, "big5") and not _in(c, "cp932"))
JAPANESE_ONLY = (_pool(lambda c: _in(c, "cp932") and not _in(c, "gb2312") and not _in(c, "big5"))
                 + "".join(map(chr, range(0x3041, 0x3097))))       # and hiragana


def _texts(draw, pools: list[str], min_share: int):
    from hypothesis import strategies as st

    cells = []
    for _ in range(draw(st.integers(1, 8))):
        length = draw(st.integers(2, 12))
        chars = [draw(st.sampled_from(SHARED)) for _ in range(length)]
        for pool in pools:        # each pool at least `min_share` in every cell
            for _ in range(max(1, length * min_share // 100)):
                chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(pool)))
        cells.append("".join(chars))
    return cells


def test_generated_text_never_reads_yen_as_the_other_countrys_currency():
    from hypothesis import HealthCheck, given, settings, strategies as st

    @st.composite
    def files(draw):
        kind = draw(st.sampled_from(["ja", "zh", "both"]))
        pools = {"ja": [JAPANESE_ONLY], "zh": [SIMPLIFIED_ONLY], "both": [JAPANESE_ONLY, SIMPLIFIED_ONLY]}[kind]
        encoding = draw(st.sampled_from(["utf-8", None, {"ja": "cp932", "zh": "gb18030", "both": "utf-8"}[kind]]))
        return kind, encoding, _texts(draw, pools, 10)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(files())
    def check(case):
        kind, encoding, cells = case
        ev = LanguageEvidence(encoding, cells[:1])
        ev.add(cells[1:])
        code = ev.verdict().currency_for(("CNY", "JPY"))
        assert code == {"ja": "JPY", "zh": "CNY", "both": None}[kind], (cells, ev.verdict())

    check()
