"""Money has a currency: read from the cell, checked where typed, the store's own by default."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from cims_xl.domain import money
from cims_xl.errors import NotConvertible, PermissionDenied, ValidationFailed
from cims_xl.importer import ImportRefused, import_file
from cims_xl.importer.errors import AmbiguousCurrency
from cims_xl.services import auth, records, settings
from cims_xl.store.schema import MIGRATIONS

from conftest import ADMIN_PASSWORD, FAST_KDF, REALWORLD


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _orders(session) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(session, "order")}


@pytest.mark.parametrize("cell, amount, currency", [
    ("$2,000.00", "2000.00", "USD"),
    ("2,000.00 $", "2000.00", "USD"),
    ("US$ 15", "15", "USD"),
    ("USD 1,200.00", "1200.00", "USD"),
    ("1,200.00 USD", "1200.00", "USD"),
    ("usd 7", "7", "USD"),
    ("£99.00", "99.00", "GBP"),
    ("€15.50", "15.50", "EUR"),
    ("1.200,00 €", "1200.00", "EUR"),
    ("EUR 1.234,56", "1234.56", "EUR"),
    ("1 234,56 zł", "1234.56", "PLN"),
    ("¥300", "300", "CNY"),
    ("￥1,234.5", "1234.5", "CNY"),
    ("300元", "300", "CNY"),
    ("RMB 88", "88", "CNY"),
    ("HK$ 5", "5", "HKD"),
    ("NT$120", "120", "TWD"),
    ("S$9.90", "9.90", "SGD"),
    ("A$10", "10", "AUD"),
    ("C$10", "10", "CAD"),
    ("₩5,000", "5000", "KRW"),
    ("₹1,500.25", "1500.25", "INR"),
    ("R$ 10,50", "10.50", "BRL"),
    ("12 CHF", "12", "CHF"),
    ("300 euros", "300", "EUR"),
])
def test_an_imported_amount_keeps_the_currency_written_with_it(admin, tmp_path, cell, amount, currency):
    f = write(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales"],
                                   ["M-1", "2024-03-05", "Test Ltd", cell]])
    result = import_file(admin, f, kind="orders")
    assert result.created == 1, result.outcomes
    order = _orders(admin)["M-1"]
    assert (order["amount"], order["currency"]) == (Decimal(amount), currency)


def test_an_accounting_negative_is_read_with_its_currency_and_refused_as_no_order(admin, tmp_path):
    f = write(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales"],
                                   ["M-1", "2024-03-05", "Test Ltd", "(£5.00)"]])
    result = import_file(admin, f, kind="orders")
    assert (result.created, result.rejected) == (0, 1)
    assert "a negative amount (-5.00)" in result.outcomes[0].reason


def test_the_sample_file_stores_four_currencies_and_says_which_symbols_it_assumed(admin):
    sample = REALWORLD.parent / "cases" / "orders_currency_symbol_in_amount.csv"
    if not sample.exists():
        pytest.skip(f"shared sample not found at {sample}")
    result = import_file(admin, sample, kind="orders")
    got = {n: (o["amount"], o["currency"]) for n, o in _orders(admin).items()}
    assert got == {"M-1": (Decimal("2000.00"), "USD"), "M-2": (Decimal("99.00"), "GBP"),
                   "M-3": (Decimal("15.50"), "EUR"), "M-4": (Decimal("300"), "CNY")}
    # "¥" is the store's currency (CNY) and the file names no other yen: said as an inference
    assert result.currency_assumed == {"$ = USD": 1}
    assert any(i["what"] == "currency of '¥' in 'Sales'" and i["decided"] == "CNY" for i in result.inferences)


def test_a_bare_dollar_beside_c_dollar_stops_the_import_and_the_currency_option_settles_it(admin, tmp_path):
    f = write(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales"],
                                   ["A-1", "2024-03-05", "Maple Ltd", "C$ 10.00"],
                                   ["A-2", "2024-03-06", "Maple Ltd", "$20.00"],
                                   ["A-3", "2024-03-07", "Maple Ltd", "€5"]])
    with pytest.raises(AmbiguousCurrency, match=r"column 'Sales' \(e.g. '\$20.00'\).*--currency"):
        import_file(admin, f, kind="orders")
    assert _orders(admin) == {}
    result = import_file(admin, f, kind="orders", currency="USD")
    assert {n: o["currency"] for n, o in _orders(admin).items()} == {"A-1": "CAD", "A-2": "USD", "A-3": "EUR"}
    assert result.currency_assumed == {}


def test_two_other_dollars_in_a_file_leave_a_bare_dollar_undecided(admin, tmp_path):
    f = write(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales"],
                                   ["B-1", "2024-03-05", "Maple Ltd", "CAD 10"],
                                   ["B-2", "2024-03-06", "Koala Pty", "AUD 10"],
                                   ["B-3", "2024-03-07", "Koala Pty", "$20"]])
    with pytest.raises(AmbiguousCurrency, match="AUD, CAD"):
        import_file(admin, f, kind="orders")
    import_file(admin, f, kind="orders", currency="AUD")
    assert {n: o["currency"] for n, o in _orders(admin).items()} == {"B-1": "CAD", "B-2": "AUD", "B-3": "AUD"}


def test_the_currency_option_names_the_dollar_and_fills_only_rows_without_evidence(admin, tmp_path):
    f = write(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales"],
                                   ["D-1", "2024-03-05", "Koala Pty", "$20"],
                                   ["D-2", "2024-03-06", "Koala Pty", "20"],
                                   ["D-3", "2024-03-07", "Koala Pty", "£20"]])
    result = import_file(admin, f, kind="orders", currency="aud")
    assert {n: o["currency"] for n, o in _orders(admin).items()} == {"D-1": "AUD", "D-2": "AUD", "D-3": "GBP"}
    assert result.currency_assumed == {}


def test_an_amount_whose_currency_contradicts_the_currency_column_is_rejected_naming_both(admin, tmp_path):
    f = write(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales", "Currency"],
                                   ["X-1", "2024-03-05", "Test Ltd", "£99.00", "USD"],
                                   ["X-2", "2024-03-06", "Test Ltd", "$5.00", "cad"],
                                   ["X-3", "2024-03-07", "Test Ltd", "7,50 €", "EUR"]])
    result = import_file(admin, f, kind="orders")
    assert (result.created, result.rejected) == (2, 1)
    (bad,) = [o for o in result.outcomes if o.action == "rejected"]
    assert bad.row == 2 and "GBP" in bad.reason and "USD" in bad.reason
    got = {n: (o["amount"], o["currency"]) for n, o in _orders(admin).items()}
    assert got == {"X-2": (Decimal("5.00"), "CAD"), "X-3": (Decimal("7.50"), "EUR")}


def test_a_symbol_several_currencies_share_without_a_default_is_refused_with_the_codes():
    with pytest.raises(ValueError, match="DKK, NOK, SEK"):
        money.parse_money("5 kr")
    assert money.parse_money("5 kr", prefer=["SEK"]) == (Decimal("5"), "SEK")


def test_a_known_decimal_mark_decides_what_a_lone_separator_means():
    assert money.parse_money("1.200", ",") == (Decimal("1200"), None)
    assert money.parse_money("1.200", ".") == (Decimal("1.200"), None)
    assert money.parse_money("1,200 €", ",") == (Decimal("1.200"), "EUR")
    assert money.parse_money("$1,200", ".") == (Decimal("1200"), "USD")
    with pytest.raises(ValueError):
        money.parse_money("1,200.50", ",")


@pytest.mark.parametrize("typed, code", [("usd", "USD"), (" eur ", "EUR"), ("Cny", "CNY"),
                                         ("€", "EUR"), ("人民币", "CNY"), ("港幣", "HKD"), ("yen", "JPY"),
                                         ("NTD", "TWD")])
def test_a_typed_currency_becomes_its_upper_case_iso_code(typed, code):
    assert money.check_currency(typed) == code


@pytest.mark.parametrize("typed, first", [("dollars", "USD"), ("eurs", "EUR"), ("pounds", "GBP"),
                                          ("yens", "JPY"), ("USDD", "USD")])
def test_a_word_that_is_not_a_code_is_refused_with_the_nearest_codes(typed, first):
    with pytest.raises(money.CurrencyError) as error:
        money.check_currency(typed)
    assert f"did you mean {first}" in str(error.value)


def test_dollars_suggests_several_dollars():
    near = money.suggest_currencies("dollars")
    assert near[0] == "USD" and {"CAD", "AUD"} <= set(near)


def test_a_lower_case_code_typed_in_is_stored_upper_case_and_a_word_is_refused(admin):
    cust = records.create(admin, "customer", {"name": "Koala Pty"})
    order = records.create(admin, "order", {"customer_id": cust["id"], "order_date": "2024-01-02",
                                            "amount": "45.00", "currency": "usd"})
    assert order["currency"] == "USD"
    with pytest.raises(ValidationFailed) as error:
        records.create(admin, "order", {"customer_id": cust["id"], "order_date": "2024-01-02",
                                        "amount": "45", "currency": "dollars"})
    assert "did you mean USD" in error.value.problems["Currency"]


def test_an_amount_typed_with_a_symbol_sets_the_currency_of_a_new_record(admin):
    cust = records.create(admin, "customer", {"name": "Koala Pty"})
    order = records.create(admin, "order", {"customer_id": cust["id"], "order_date": "2024-01-02",
                                            "amount": "$45.00"})
    assert (order["amount"], order["currency"]) == (Decimal("45.00"), "USD")
    opp = records.create(admin, "opportunity", {"customer_id": cust["id"], "name": "Deal",
                                                "amount": "2.500,00 €"})
    assert (opp["amount"], opp["currency"]) == (Decimal("2500.00"), "EUR")


def test_a_new_store_has_the_currency_it_was_made_with_and_amounts_default_to_it(tmp_path):
    path = tmp_path / "eur.cims"
    auth.init_store(path, "owner", ADMIN_PASSWORD, kdf=FAST_KDF, currency="eur")
    with auth.sign_in(path, "owner", ADMIN_PASSWORD) as s:
        assert settings.store_currency(s) == "EUR"
        cust = records.create(s, "customer", {"name": "Café Lyon"})
        order = records.create(s, "order", {"customer_id": cust["id"], "order_date": "2024-01-02",
                                            "amount": "12,50"})
        assert order["currency"] == "EUR"


def test_a_store_cannot_be_made_with_a_word_for_a_currency(tmp_path):
    with pytest.raises(ValidationFailed, match="did you mean USD"):
        auth.init_store(tmp_path / "x.cims", "owner", ADMIN_PASSWORD, kdf=FAST_KDF, currency="dollars")
    assert not (tmp_path / "x.cims").exists()


def test_only_an_admin_changes_the_store_currency_and_the_change_is_audited(admin, session_as):
    with pytest.raises(PermissionDenied):
        settings.set_store_currency(session_as("manager"), "USD")
    assert settings.set_store_currency(admin, "usd") == "USD"
    assert settings.store_currency(session_as("viewer")) == "USD"
    from cims_xl.services import audit_log
    assert any(e["action"] == "settings.currency" for e in audit_log.show(admin, limit=5))


def test_the_store_currency_is_the_import_default_when_the_file_gives_none(admin, tmp_path):
    settings.set_store_currency(admin, "GBP")
    f = write(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales"],
                                   ["G-1", "2024-03-05", "Tea Ltd", "10"]])
    import_file(admin, f, kind="orders")
    assert _orders(admin)["G-1"]["currency"] == "GBP"


def test_an_import_currency_option_that_is_a_word_is_refused_before_anything_is_written(admin, tmp_path):
    f = write(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales"],
                                   ["G-1", "2024-03-05", "Tea Ltd", "10"]])
    with pytest.raises(ImportRefused, match="did you mean USD"):
        import_file(admin, f, kind="orders", currency="dollars")
    assert records.list_records(admin, "order") == []


def test_migration_5_upper_cases_currency_codes_stored_before_it(admin):
    cust = records.create(admin, "customer", {"name": "Old Data Co"})
    a = records.create(admin, "order", {"customer_id": cust["id"], "order_date": "2020-01-02", "amount": "1"})
    b = records.create(admin, "opportunity", {"customer_id": cust["id"], "name": "Old deal", "amount": "2"})
    store = admin.store
    with store.transaction():       # what an older version could leave behind
        store.conn.execute("UPDATE orders SET currency = 'usd' WHERE id = ?", (a["id"],))
        store.conn.execute("UPDATE opportunities SET currency = 'rmb' WHERE id = ?", (b["id"],))
        store.conn.execute("DROP TABLE fx_rates")
        store.conn.execute("DELETE FROM schema_migrations WHERE version = 5")
    assert MIGRATIONS[4][0] == 5
    store.migrate()
    assert records.get(admin, a["id"])["currency"] == "USD"
    assert records.get(admin, b["id"])["currency"] == "CNY"


# ----- lifetime value, the pipeline and the 360 view never add currencies ---------------------

@pytest.fixture
def two_currency_customer(admin):
    from cims_xl.services import records as r
    cust = r.create(admin, "customer", {"name": "Maple & Panda"})
    for day, amount in (("2024-01-02", "¥1,000.00"), ("2024-01-03", "$300.00"), ("2024-01-04", "200 CNY")):
        r.create(admin, "order", {"customer_id": cust["id"], "order_date": day, "amount": amount})
    r.create(admin, "opportunity", {"customer_id": cust["id"], "name": "Big", "amount": "USD 5,000.00",
                                    "stage": "Proposal", "probability": 50})
    r.create(admin, "opportunity", {"customer_id": cust["id"], "name": "Small", "amount": "800",
                                    "stage": "Lead", "probability": 10})
    return cust["id"]


def test_ltv_of_a_customer_in_two_currencies_names_both_and_adds_neither(admin, two_currency_customer):
    from cims_xl.excel import worksheet_functions as wf
    from cims_xl.services import search
    cid = two_currency_customer
    assert wf.cims_ltv(cid, session=admin) == "1,200.00 CNY; 300.00 USD"
    assert wf.cims_ltv(cid, "usd", session=admin) == 300.0
    assert wf.cims_ltv(cid, "CNY", session=admin) == 1200.0
    assert wf.cims_ltv(cid, "dollars", session=admin).startswith("#CIMS: not a currency code")
    assert search.lifetime_value(admin, cid, "CNY") == Decimal("1200.00")
    with pytest.raises(NotConvertible, match=r"USD \(no exchange rate entered\)"):
        search.lifetime_value(admin, cid)       # in the store's currency: unknown without a USD rate
    assert search.lifetime_values(admin, [cid]) == {cid: None}
    assert search.lifetime_values_by_currency(admin, [cid])[cid] == {"CNY": Decimal("1200"), "USD": Decimal("300")}


def test_pipeline_gives_one_row_per_currency(admin, two_currency_customer):
    from cims_xl.excel import worksheet_functions as wf
    assert wf.cims_pipeline(session=admin) == [["Currency", "Open amount", "Weighted amount"],
                                               ["CNY", 800.0, 80.0], ["USD", 5000.0, 2500.0]]


def test_the_360_view_names_each_currency(admin, two_currency_customer):
    from cims_xl.excel import worksheet_functions as wf
    text = wf.cims_360(two_currency_customer, session=admin)
    assert "LTV 1,200.00 CNY; 300.00 USD" in text
    assert "2 open opportunities (5,000.00 USD; 800.00 CNY)" in text


def test_ltv_search_filters_and_sorts_in_one_currency_or_refuses_to_count_dollars_as_nothing(
        admin, two_currency_customer):
    from cims_xl.errors import NotConvertible
    from cims_xl.services import records as r
    from cims_xl.services import search
    other = r.create(admin, "customer", {"name": "Only Dollars"})
    r.create(admin, "order", {"customer_id": other["id"], "order_date": "2024-01-02", "amount": "$5,000.00"})
    names = lambda page: [c["name"] for c in page.rows]
    # No USD rate: a lifetime value in CNY is unknown for both, never their CNY part alone.
    with pytest.raises(NotConvertible, match="USD"):
        search.search_customers(admin, ltv_min="1000")
    with pytest.raises(NotConvertible, match="USD"):
        search.search_customers(admin, sort="ltv", descending=True)
    assert names(search.search_customers(admin, ltv_min="1000", ltv_currency="CNY")) == ["Maple & Panda"]
    assert names(search.search_customers(admin, ltv_min="1000", ltv_currency="usd")) == ["Only Dollars"]
    assert names(search.search_customers(admin, sort="ltv", descending=True, ltv_currency="CNY")) == [
        "Maple & Panda", "Only Dollars"]
    with pytest.raises(ValidationFailed, match="did you mean USD"):
        search.search_customers(admin, ltv_min="1", ltv_currency="dollars")


# ----- the sheet's Save and the Home line ---------------------------------------------------------

def test_sheet_save_reads_the_currency_from_the_amount_and_checks_typed_codes(admin, tmp_path):
    from cims_xl.excel import sync
    from test_sync_support import Editor, new_workbook, table_rows

    cust = records.create(admin, "customer", {"name": "Sheet Shop"})["id"]
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    with Editor(book, "Orders") as ed:
        ed.add_row({"Customer ID": cust, "Order Date": "2024-05-01", "Amount": "£12.50", "Order No.": "S-1"})
    with Editor(book, "Orders") as ed:
        ed.add_row({"Customer ID": cust, "Order Date": "2024-05-02", "Amount": "7", "Currency": "usd",
                    "Order No.": "S-2"})
    with Editor(book, "Orders") as ed:
        ed.add_row({"Customer ID": cust, "Order Date": "2024-05-03", "Amount": "9", "Currency": "dollars",
                    "Order No.": "S-3"})
    with Editor(book, "Orders") as ed:
        ed.add_row({"Customer ID": cust, "Order Date": "2024-05-04", "Amount": "€9", "Currency": "GBP",
                    "Order No.": "S-4"})
    counts = sync.sync_file(admin, book, "save", sheets=["Orders"])["sheets"]["Orders"]
    assert (counts["created"], counts["invalid"]) == (2, 2)
    got = {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(admin, "order")}
    assert got == {"S-1": (Decimal("12.50"), "GBP"), "S-2": (Decimal("7"), "USD")}
    status = {r["Order No."]: r["Status"] for r in table_rows(book, "Orders")}
    assert "did you mean USD" in status["S-3"]
    assert "EUR" in status["S-4"] and "GBP" in status["S-4"]


def test_home_says_the_store_currency_once_signed_in(admin, monkeypatch):
    import datetime as dt
    from cims_xl.excel import live_session
    settings.set_store_currency(admin, "HKD")
    monkeypatch.setattr(live_session, "_session", admin)
    monkeypatch.setattr(live_session, "_signed_in_at", dt.datetime.now())
    assert "Store currency HKD." in live_session.home_values()[live_session.NAME_STATUS]


@pytest.mark.parametrize("code", ["XXX", "xxx", "XTS"])
def test_the_iso_4217_codes_for_no_currency_and_testing_are_refused(code):
    with pytest.raises(ValueError, match="not a currency code"):
        money.check_currency(code)


@pytest.mark.parametrize("token, codes", [("Rs.", {"INR", "LKR", "PKR"}), ("kr.", {"DKK", "NOK", "SEK"})])
def test_a_symbol_written_with_an_abbreviations_dot_is_as_ambiguous_as_without_it(token, codes):
    from cims_xl.domain.money import CurrencyError, currency_of_token
    with pytest.raises(CurrencyError) as caught:
        currency_of_token(token)
    assert codes <= set(caught.value.codes)
    assert currency_of_token(token, prefer=("INR",) if token == "Rs." else ("SEK",))[0] in codes


def test_an_order_amount_written_rs_dot_is_refused_not_stored_as_sri_lankan_rupees(admin, tmp_path):
    from cims_xl.importer import import_file
    from cims_xl.services import records
    f = tmp_path / "o.csv"
    f.write_text("Order No,Customer,Order Date,Amount\nR1,Acme Ltd,2024-01-05,Rs. 1500\n", encoding="utf-8")
    with pytest.raises(AmbiguousCurrency, match=r"column 'Amount' \(e.g. 'Rs. 1500'\).*INR.*--currency"):
        import_file(admin, f, kind="orders")
    assert records.list_records(admin, "order") == []
    import_file(admin, f, kind="orders", currency="INR")
    assert [(o["amount"], o["currency"]) for o in records.list_records(admin, "order")] == [(Decimal("1500"), "INR")]
