"""元 (圆, 圓) is the unit word of four currencies: CNY, TWD (新台币), HKD (港元) and
MOP (澳门元). An amount written "1,200元" is settled by its row's Country, then by the
store's currency when it is one of them (and the file's script does not point
elsewhere), else the import stops before writing naming the column, examples and
--currency, which then imports the file. The short names of China's foreign-exchange
market (美元, 澳元, 加元, 新元, 卢布 …) name their currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import settings

from table_files import orders_by_number, said_about, write_csv, write_xlsx

WRITERS = pytest.mark.parametrize("writer, suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])


def _file(tmp_path, writer, suffix, amounts, head=("Order No", "Order Date", "Customer", "Amount"),
          countries=None, name="orders"):
    rows = [list(head) + (["Country"] if countries else [])]
    for i, a in enumerate(amounts, 1):
        rows.append([f"Y{i}", f"2024-03-{i:02d}", f"Client {i}", a] + ([countries[i - 1]] if countries else []))
    return writer(tmp_path / f"{name}.{suffix}", rows)


@WRITERS
@pytest.mark.parametrize("unit, store", [("元", "TWD"), ("元", "HKD"), ("元", "MOP"), ("圓", "TWD"), ("圓", "HKD")])
def test_yuan_amounts_in_a_taiwan_or_hong_kong_store_are_stored_in_the_stores_currency(
        admin, tmp_path, writer, suffix, unit, store):
    settings.set_store_currency(admin, store)
    f = _file(tmp_path, writer, suffix, [f"1,200{unit}", f"350{unit}"])
    result = import_file(admin, f, kind="orders")
    assert orders_by_number(admin) == {"Y1": (Decimal("1200"), store), "Y2": (Decimal("350"), store)}
    assert store in said_about(result, f"currency of '{unit.strip()}' in 'Amount'")


@WRITERS
@pytest.mark.parametrize("country, code", [("Taiwan", "TWD"), ("台灣", "TWD"), ("Hong Kong", "HKD"),
                                           ("香港", "HKD"), ("MO", "MOP")])
def test_yuan_amounts_take_the_currency_of_the_rows_country(admin, tmp_path, writer, suffix, country, code):
    settings.set_store_currency(admin, "USD")
    f = _file(tmp_path, writer, suffix, ["1,200元", "80元"], countries=[country, country])
    import_file(admin, f, kind="orders")
    assert orders_by_number(admin) == {"Y1": (Decimal("1200"), code), "Y2": (Decimal("80"), code)}


@WRITERS
@pytest.mark.parametrize("unit", ["元", "圓"])
def test_yuan_amounts_in_a_store_of_another_currency_stop_until_the_currency_is_given(
        admin, tmp_path, writer, suffix, unit):
    settings.set_store_currency(admin, "USD")
    f = _file(tmp_path, writer, suffix, [f"1,200{unit}", f"350{unit}"])
    for dry in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, f, kind="orders", dry_run=dry)
    said = str(stop.value)
    assert "'Amount'" in said and f"'1,200{unit}'" in said and "--currency" in said and "TWD" in said
    assert "Nothing was imported" in said
    assert orders_by_number(admin) == {}
    import_file(admin, f, kind="orders", currency="TWD")
    assert orders_by_number(admin) == {"Y1": (Decimal("1200"), "TWD"), "Y2": (Decimal("350"), "TWD")}


@WRITERS
@pytest.mark.parametrize("head", [("訂單編號", "訂單日期", "客戶名稱", "金額"), ("訂單編號", "日期", "客戶", "總金額")])
def test_a_traditional_chinese_file_with_yuan_amounts_in_a_cny_store_stops_naming_the_option(
        admin, tmp_path, writer, suffix, head):
    f = _file(tmp_path, writer, suffix, ["1,200元", "350元"], head=head)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    said = str(stop.value)
    assert f"'{head[3]}'" in said and "'1,200元'" in said and "--currency" in said
    assert "TWD" in said and "HKD" in said and "CNY" in said and "traditional" in said
    assert orders_by_number(admin) == {}
    import_file(admin, f, kind="orders", currency="HKD")
    assert orders_by_number(admin) == {"Y1": (Decimal("1200"), "HKD"), "Y2": (Decimal("350"), "HKD")}


def test_a_traditional_chinese_file_in_a_hong_kong_store_takes_the_stores_dollar(admin, tmp_path):
    settings.set_store_currency(admin, "HKD")
    f = _file(tmp_path, write_csv, "csv", ["1,200元", "350元"], head=("訂單編號", "訂單日期", "客戶名稱", "金額"))
    import_file(admin, f, kind="orders")
    assert orders_by_number(admin) == {"Y1": (Decimal("1200"), "HKD"), "Y2": (Decimal("350"), "HKD")}


def test_a_simplified_chinese_file_in_a_taiwan_store_stops_rather_than_take_either(admin, tmp_path):
    settings.set_store_currency(admin, "TWD")
    f = _file(tmp_path, write_csv, "csv", ["1,200元", "350元"], head=("订单编号", "订单日期", "客户名称", "金额"))
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    assert "'金额'" in str(stop.value) and "--currency" in str(stop.value) and "CNY" in str(stop.value)
    assert orders_by_number(admin) == {}
    import_file(admin, f, kind="orders", currency="CNY")
    assert orders_by_number(admin)["Y1"] == (Decimal("1200"), "CNY")


@pytest.mark.parametrize("store", ["TWD", "HKD", "USD"])
def test_amounts_written_with_the_simplified_form_of_yuan_are_renminbi_by_their_script(admin, tmp_path, store):
    # 圆 is the simplified form (Taiwan, Hong Kong and Macau write 圓): the amounts' own
    # script says mainland China, which a Taiwan or Hong Kong store does not settle
    settings.set_store_currency(admin, store)
    f = _file(tmp_path, write_csv, "csv", ["1,200圆", "350圆"])
    if store == "USD":
        result = import_file(admin, f, kind="orders")
        assert orders_by_number(admin) == {"Y1": (Decimal("1200"), "CNY"), "Y2": (Decimal("350"), "CNY")}
        assert "simplified" in said_about(result, "currency of '圆' in 'Amount'")
        return
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    assert "'1,200圆'" in str(stop.value) and "--currency" in str(stop.value) and store in str(stop.value)
    assert orders_by_number(admin) == {}
    import_file(admin, f, kind="orders", currency=store)
    assert orders_by_number(admin) == {"Y1": (Decimal("1200"), store), "Y2": (Decimal("350"), store)}


@WRITERS
# (日元, 港元, 港币, 英镑, 新西兰元, 新加坡元, 韩元, 台币, 新台币, 泰铢 were read before: CLDR)
@pytest.mark.parametrize("word, code", [("美元", "USD"), ("欧元", "EUR"), ("澳元", "AUD"), ("加元", "CAD"),
                                        ("新元", "SGD"), ("瑞士法郎", "CHF"), ("新臺幣", "TWD"), ("澳门元", "MOP"),
                                        ("卢布", "RUB"), ("盧布", "RUB")])
def test_the_short_chinese_names_of_the_exchange_market_name_their_currency(
        admin, tmp_path, writer, suffix, word, code):
    f = _file(tmp_path, writer, suffix, [f"1,200{word}", f"{word}35"])
    import_file(admin, f, kind="orders")
    assert orders_by_number(admin) == {"Y1": (Decimal("1200"), code), "Y2": (Decimal("35"), code)}
