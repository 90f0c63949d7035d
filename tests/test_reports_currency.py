"""US Superstore in USD and the Chinese one in CNY in one store: no figure adds the two.

Both real files are imported once (module fixture) into a real encrypted store; every
expected figure is computed here with pandas on the raw files.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cims_xl.importer import import_file
from cims_xl.reports import build_for_session
from cims_xl.reports.compute import SALES, SEGMENTS
from cims_xl.reports.model import MONEY
from cims_xl.services import auth, records, settings
from conftest import ADMIN_PASSWORD, FAST_KDF, realworld

AS_OF = dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc)
US_FILE = ("superstore", "superstore_us_classic_2014-2017.xlsx")
CN_FILE = ("chinese", "superstore_cn_2015-2018_strict_ooxml.xlsx")
USD_RATE = 7.10


@pytest.fixture(scope="module")
def raw():
    us = pd.read_excel(realworld(*US_FILE), sheet_name="Orders", engine="calamine")
    cn = pd.read_excel(realworld(*CN_FILE), engine="calamine")
    return us, cn


@pytest.fixture(scope="module")
def two_currency_store(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fx") / "two.cims"
    auth.init_store(path, "owner", ADMIN_PASSWORD, kdf=FAST_KDF, currency="CNY")
    session = auth.sign_in(path, "owner", ADMIN_PASSWORD)
    us = import_file(session, realworld(*US_FILE), kind="orders", sheet="Orders", currency="USD")
    cn = import_file(session, realworld(*CN_FILE), kind="orders")
    assert (us.created, cn.created) == (9994, 9959)
    yield session
    session.close()


def _money_tables(reports):
    for sheet in reports.values():
        for t in sheet.tables:
            if any(f == MONEY for f in t.formats.values()):
                yield sheet.sheet, t


def test_imported_rows_keep_their_currency(two_currency_store):
    counts = pd.Series([o["currency"] for o in records.list_records(two_currency_store, "order")]).value_counts()
    assert counts.to_dict() == {"USD": 9994, "CNY": 9959}


def test_every_money_table_has_a_currency_column_no_money_total_and_no_mixed_chart(two_currency_store):
    reports = build_for_session(two_currency_store, as_of=AS_OF)
    seen = charts = 0
    for _sheet, t in _money_tables(reports):
        if not len(t.data):
            continue
        seen += 1
        assert t.data.columns[1] == "Currency", t.name
        assert not any(t.formats.get(k) == MONEY for k in t.totals), t.name
        if t.chart is not None:          # it plots the first rows, all in one currency, and says which
            charts += 1
            shown = t.data["Currency"].iloc[:t.chart.max_points]
            assert t.chart.max_points and shown.nunique() == 1, t.name
            assert t.chart.title.endswith(f"({shown.iloc[0]} only)") and shown.iloc[0] in t.chart.y_title
            assert f"the chart shows {shown.iloc[0]} only" in t.note
    assert seen >= 8 and charts >= 8


def test_sales_by_region_shows_each_region_in_its_own_currency_and_shares_within_it(two_currency_store, raw):
    us, cn = raw
    t = build_for_session(two_currency_store, as_of=AS_OF)[SALES].table("tblSalesByRegion").data
    got = {(r["Region"], r["Currency"]): float(r["Sales"]) for _, r in t.iterrows()}
    want = {**{(k, "USD"): v for k, v in us.groupby("Region")["Sales"].sum().items()},
            **{(k, "CNY"): v for k, v in cn.groupby("地区")["销售额"].sum().items()}}
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=0.01), key
    for code in ("USD", "CNY"):
        assert t.loc[t["Currency"] == code, "Share"].sum() == pytest.approx(1.0)


def test_sales_by_year_and_the_month_pivot_keep_the_two_files_apart(two_currency_store, raw):
    us, cn = raw
    sales = build_for_session(two_currency_store, as_of=AS_OF)[SALES]
    years = sales.table("tblSalesByYear").data
    by = {(int(r["Year"]), r["Currency"]): float(r["Sales"]) for _, r in years.iterrows() if r["Sales"]}
    want = {**{(y, "USD"): v for y, v in us.groupby(pd.to_datetime(us["Order Date"]).dt.year)["Sales"].sum().items()},
            **{(y, "CNY"): v for y, v in cn.groupby(pd.to_datetime(cn["订单日期"]).dt.year)["销售额"].sum().items()}}
    assert by.keys() == want.keys()
    for key, value in want.items():
        assert by[key] == pytest.approx(value, abs=0.01), key
    pivot = sales.table("tblSalesByMonthRegion").data
    for code, total in (("USD", us["Sales"].sum()), ("CNY", cn["销售额"].sum())):
        assert float(pivot.loc[pivot["Currency"] == code, "Total"].sum()) == pytest.approx(total, abs=0.05)


def test_top_lifetime_values_rank_within_one_currency(two_currency_store, raw):
    us, cn = raw
    t = build_for_session(two_currency_store, as_of=AS_OF)[SEGMENTS].table("tblTopCustomers").data
    usd = t[t["Currency"] == "USD"]
    top_us = us.groupby("Customer ID")["Sales"].sum().sort_values(ascending=False)
    assert float(usd["Lifetime Value"].iloc[0]) == pytest.approx(top_us.iloc[0], abs=0.01)
    cny = t[t["Currency"] == "CNY"]
    top_cn = cn.groupby("客户 ID")["销售额"].sum().sort_values(ascending=False)
    assert float(cny["Lifetime Value"].iloc[0]) == pytest.approx(top_cn.iloc[0], abs=0.01)
    assert list(t["Currency"].unique()) == ["CNY", "USD"]      # the store's currency first


def test_with_a_rate_entered_totals_are_converted_and_equal_the_hand_computation(two_currency_store, raw):
    us, cn = raw
    settings.set_fx_rate(two_currency_store, "USD", "7.10", "2014-01-01")
    try:
        sales = build_for_session(two_currency_store, as_of=AS_OF)[SALES]
    finally:
        two_currency_store.store.conn.execute("DELETE FROM fx_rates")
    years = sales.table("tblSalesByYear")
    assert "Currency" not in years.data.columns and years.totals.get("Sales") == "sum"
    assert "(CNY)" in years.title and years.chart is not None and "CNY" in years.chart.y_title
    assert any("1 USD = 7.1 CNY from 2014-01-01" in n for n in sales.notes)
    assert "7.1" in years.note
    us_year = us.groupby(pd.to_datetime(us["Order Date"]).dt.year)["Sales"].sum() * USD_RATE
    cn_year = cn.groupby(pd.to_datetime(cn["订单日期"]).dt.year)["销售额"].sum()
    want = us_year.add(cn_year, fill_value=0.0)
    got = years.data.set_index("Year")["Sales"].astype("float64")
    for year, value in want.items():
        assert got[year] == pytest.approx(value, abs=0.05), year
    assert float(years.data["Sales"].sum()) == pytest.approx(us["Sales"].sum() * USD_RATE + cn["销售额"].sum(), abs=0.5)
    region = sales.table("tblSalesByRegion").data.set_index("Region")["Sales"].astype("float64")
    assert region["West"] == pytest.approx(us.loc[us["Region"] == "West", "Sales"].sum() * USD_RATE, abs=0.05)
    assert region["华东"] == pytest.approx(cn.loc[cn["地区"] == "华东", "销售额"].sum(), abs=0.05)


def test_rows_dated_before_the_first_rate_are_shown_apart_not_summed(two_currency_store, raw):
    us, _cn = raw
    settings.set_fx_rate(two_currency_store, "USD", "7.10", "2016-01-01")
    try:
        sales = build_for_session(two_currency_store, as_of=AS_OF)[SALES]
    finally:
        two_currency_store.store.conn.execute("DELETE FROM fx_rates")
    years = sales.table("tblSalesByYear").data
    kept = years[years["Currency"] == "USD"]
    early = us[pd.to_datetime(us["Order Date"]) < "2016-01-01"]
    assert set(kept.loc[kept["Sales"] > 0, "Year"]) == {2014, 2015}
    assert float(kept["Sales"].sum()) == pytest.approx(early["Sales"].sum(), abs=0.05)
    assert any("stay in USD" in n for n in sales.notes)


def test_a_one_currency_store_names_its_currency_on_titles_and_axes(admin):
    cust = records.create(admin, "customer", {"name": "Koala Pty"})
    records.create(admin, "order", {"customer_id": cust["id"], "order_date": "2024-01-02", "amount": "10"})
    sales = build_for_session(admin, as_of=AS_OF.replace(year=2025))[SALES]
    t = sales.table("tblSalesByMonth")
    assert "Currency" not in t.data.columns and t.title.endswith("(CNY)")
    assert t.chart.y_title == "Sales (CNY)" and t.totals["Sales"] == "sum"


def test_the_report_workbook_shows_the_currency_column_and_says_nothing_is_added(two_currency_store, tmp_path):
    import openpyxl
    from cims_xl.excel.report_writer import write_report_workbook
    path = tmp_path / "reports.xlsx"
    write_report_workbook(path, two_currency_store, as_of=AS_OF)
    wb = openpyxl.load_workbook(path)
    ws = wb[SALES]
    table = ws.tables["tblSalesByRegion"]
    header = [c.value for c in ws[table.ref.split(":")[0]:table.ref.split(":")[1]][0]]
    assert header[:3] == ["Region", "Currency", "Orders"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("nothing adds two currencies" in t for t in texts)
    assert any("the chart shows CNY only" in t for t in texts)


def test_rfm_monetary_ranks_customers_within_their_own_currency():
    from cims_xl.reports.compute import rfm_segments
    ids = [f"C-{i:06d}" for i in range(1, 11)]
    # five CNY customers with big yuan totals, five USD customers with small dollar totals
    amounts = [10000.0, 20000.0, 30000.0, 40000.0, 50000.0, 10.0, 20.0, 30.0, 40.0, 50.0]
    orders = pd.DataFrame({"id": [f"O-{i:06d}" for i in range(1, 11)], "order_number": ids,
                           "customer_id": ids, "order_date": pd.to_datetime(["2024-01-10"] * 10),
                           "amount": amounts, "currency": ["CNY"] * 5 + ["USD"] * 5, "status": "Completed"})
    rfm = rfm_segments(orders, None, dt.date(2024, 3, 1), base="CNY").set_index("customer_id")
    assert list(rfm.loc[ids[:5], "m"]) == [1, 2, 3, 4, 5]
    assert list(rfm.loc[ids[5:], "m"]) == [1, 2, 3, 4, 5]        # the biggest dollar buyer scores 5 too
    assert rfm.loc[ids[9], "currency"] == "USD" and rfm.loc[ids[9], "monetary"] == 50.0


def test_the_segments_written_back_to_customers_rank_each_currency_apart(two_currency_store):
    from cims_xl.services import segments
    segments.update_rfm_segments(two_currency_store, as_of=dt.date(2019, 1, 1))
    seg = pd.DataFrame(records.list_records(two_currency_store, "customer")).set_index("id")["rfm_segment"]
    assert seg.notna().sum() == 793 + 790        # every customer with orders has one
    orders = pd.DataFrame(records.list_records(two_currency_store, "order"))
    for code in ("USD", "CNY"):
        ids = orders.loc[orders["currency"] == code, "customer_id"].unique()
        top = (seg.reindex(ids).isin(["Champions", "Loyal", "Cannot lose"])).mean()
        assert 0.15 < top < 0.6, (code, top)      # each currency has its own best customers


def test_pipeline_and_forecast_keep_each_currency_apart_and_convert_with_a_rate():
    from cims_xl.reports.compute import PIPELINE, build_report
    from cims_xl.reports.currency import FxRate
    created = pd.Timestamp("2024-01-02", tz="UTC")
    opp = pd.DataFrame({
        "id": ["OP-000001", "OP-000002", "OP-000003"], "customer_id": ["C-000001"] * 3,
        "stage": ["Proposal", "Proposal", "Won"], "amount": [1000.0, 200.0, 50.0],
        "currency": ["CNY", "USD", "USD"], "probability": [50.0, 50.0, None],
        "expected_close": pd.to_datetime(["2024-05-10", "2024-05-20", "2024-04-01"]),
        "closed_at": pd.to_datetime([None, None, "2024-04-01"]), "created_at": [created] * 3,
        "owner": ["amy"] * 3,
    })
    kw = dict(include_personal=True, as_of=dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc), tz="UTC",
              currency="CNY")
    apart = build_report(PIPELINE, {"opportunity": opp}, **kw)
    stage = apart.table("tblPipelineByStage").data.set_index(["Stage", "Currency"])["Amount"]
    assert stage[("Proposal", "CNY")] == 1000.0 and stage[("Proposal", "USD")] == 200.0
    forecast = apart.table("tblForecast").data
    may = forecast[forecast["Month"] == pd.Timestamp("2024-05-01")].set_index("Currency")
    assert may.loc["CNY", "Expected"] == 500.0 and may.loc["USD", "Expected"] == 100.0
    converted = build_report(PIPELINE, {"opportunity": opp}, **kw,
                             rates=[FxRate("USD", dt.date(2024, 1, 1), 7.0)])
    f = converted.table("tblForecast")
    assert "Currency" not in f.data.columns and "(CNY)" in f.title
    may = f.data[f.data["Month"] == pd.Timestamp("2024-05-01")].iloc[0]
    assert may["Expected"] == pytest.approx(500.0 + 200.0 * 7.0 * 0.5)
    won = f.data[f.data["Month"] == pd.Timestamp("2024-04-01")].iloc[0]
    assert won["Won"] == pytest.approx(350.0)


def test_growth_is_not_shown_for_a_year_compared_across_the_day_a_currencys_first_rate_starts(
        two_currency_store, raw):
    # From 2016-01-01 USD orders are converted to CNY; before, they stay in USD. 2016's
    # CNY figure then holds USD orders 2015's does not: its growth would be inflated.
    settings.set_fx_rate(two_currency_store, "USD", "7.10", "2016-01-01")
    try:
        sales = build_for_session(two_currency_store, as_of=AS_OF)[SALES]
    finally:
        two_currency_store.store.conn.execute("DELETE FROM fx_rates")
    table = sales.table("tblSalesByYear")
    cny = table.data[table.data["Currency"] == "CNY"].set_index("Year")
    assert pd.isna(cny.loc[2016, "Growth"])
    assert cny.loc[2017, "Growth"] == pytest.approx(float(cny.loc[2017, "Sales"] / cny.loc[2016, "Sales"] - 1))
    usd = table.data[table.data["Currency"] == "USD"].set_index("Year")
    assert usd.loc[2015, "Growth"] == pytest.approx(float(usd.loc[2015, "Sales"] / usd.loc[2014, "Sales"] - 1))
    assert "2016: USD orders are converted from 2016-01-01 only" in table.note


def test_a_rate_starting_mid_year_blanks_the_growth_of_that_year_and_the_next():
    from cims_xl.reports.compute import build_reports
    from cims_xl.reports.currency import FxRate
    days = ["2022-06-01", "2023-06-01", "2024-06-01", "2025-06-01"]
    orders = pd.DataFrame({
        "id": [f"O-{i:06d}" for i in range(8)], "order_number": [f"N{i}" for i in range(8)],
        "customer_id": ["C-000001"] * 8, "order_date": pd.to_datetime(days * 2),
        "amount": [100.0, 110.0, 120.0, 130.0, 10.0, 10.0, 10.0, 10.0],
        "profit": [None] * 8, "currency": ["CNY"] * 4 + ["USD"] * 4, "status": "Completed",
        "quantity": 1, "region": None, "province": None, "category": None, "product": None})
    customers = pd.DataFrame({"id": ["C-000001"], "name": ["A"], "segment": [None], "province": [None],
                              "owner": ["admin"], "created_at": pd.to_datetime(["2022-01-01"], utc=True)})
    # a later rate is no new start: growth over it compares the same orders
    rate = [FxRate("USD", dt.date(2023, 9, 1), 7.0), FxRate("USD", dt.date(2025, 1, 1), 7.2)]
    years = build_reports({"order": orders, "customer": customers}, sheets=(SALES,), currency="CNY",
                          rates=rate, include_personal=True, as_of=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))[SALES]
    t = years.table("tblSalesByYear").data
    cny = t[t["Currency"] == "CNY"].set_index("Year") if "Currency" in t else t.set_index("Year")
    # 2023 holds the USD order of 2023-06 unconverted (before the rate): CNY 2023 vs 2022
    # compares CNY orders only; 2024 vs 2023: 2024 holds a converted USD order, 2023 not.
    assert cny.loc[2023, "Growth"] == pytest.approx(110 / 100 - 1)
    assert pd.isna(cny.loc[2024, "Growth"])
    assert cny.loc[2025, "Growth"] == pytest.approx((130 + 72) / (120 + 70) - 1)
    assert "2024: USD orders are converted from 2023-09-01 only" in years.table("tblSalesByYear").note
