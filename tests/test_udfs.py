"""The CIMS_* worksheet functions, called as plain Python against a real encrypted store."""

from __future__ import annotations

import datetime as dt
import re
import sys
import time

import pytest

from cims_xl.excel import live_session
from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import auth, records
from conftest import ADMIN_PASSWORD


@pytest.fixture
def signed_in(admin):
    live_session.use(admin)
    yield admin
    live_session.use(None)


@pytest.fixture
def shop(admin):
    """Two customers with orders, opportunities and a ticket."""
    a = records.create(admin, "customer", {"name": "Alice Wang", "email": "alice@example.cn",
                                           "city": "Shanghai", "segment": "VIP"})["id"]
    b = records.create(admin, "customer", {"name": "Bob Li", "email": "bob@example.cn", "city": "Beijing"})["id"]
    for amount, status in ((100, "Completed"), (250.5, "Paid"), (999, "Cancelled")):
        records.create(admin, "order", {"customer_id": a, "order_date": "2024-03-01", "amount": amount,
                                        "status": status})
    records.create(admin, "opportunity", {"customer_id": a, "name": "Big deal", "stage": "Proposal", "amount": 1000})
    records.create(admin, "opportunity", {"customer_id": b, "name": "Small deal", "stage": "Lead", "amount": 200})
    records.create(admin, "opportunity", {"customer_id": b, "name": "Done", "stage": "Won", "amount": 5000})
    records.create(admin, "ticket", {"customer_id": a, "subject": "Printer"})
    return a, b


def _is_cims_message(value) -> bool:
    return isinstance(value, str) and value.startswith("#CIMS: ") and "Traceback" not in value and len(value) < 100


# ----- signed in or not ------------------------------------------------------------------

def test_every_function_says_sign_in_first_when_no_one_is_signed_in():
    live_session.use(None)
    calls = [lambda: wf.cims_get("C-000001", "Name"), lambda: wf.cims_find("x"), lambda: wf.cims_count("x"),
             lambda: wf.cims_ltv("C-000001"), lambda: wf.cims_pipeline(), lambda: wf.cims_360("C-000001")]
    assert [call() for call in calls] == [wf.SIGN_IN_FIRST] * 6 == ["#CIMS: sign in first"] * 6


def test_a_session_that_timed_out_means_sign_in_first(store_path):
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD, idle_timeout=0.05)
    live_session.use(session)
    try:
        time.sleep(0.1)
        assert wf.cims_get("C-000001", "Name") == "#CIMS: sign in first"
        assert live_session.peek() is None
    finally:
        live_session.use(None)


def test_functions_use_the_session_signed_in_from_the_ribbon(signed_in, shop):
    assert wf.cims_get(shop[0], "Name") == "Alice Wang"


# ----- CIMS_GET ---------------------------------------------------------------------------

def test_get_returns_a_field_by_header_or_key_in_any_case(admin, shop):
    assert wf.cims_get(shop[0], "Email", session=admin) == "alice@example.cn"
    assert wf.cims_get(shop[0], "email", session=admin) == "alice@example.cn"
    assert wf.cims_get(shop[0].lower(), "CITY", session=admin) == "Shanghai"
    assert wf.cims_get(shop[0], "ID", session=admin) == shop[0]


def test_get_returns_numbers_and_dates_as_excel_takes_them(admin, shop):
    order = records.list_records(admin, "order")[0]
    assert wf.cims_get(order["id"], "Amount", session=admin) == 100.0
    assert wf.cims_get(order["id"], "Order Date", session=admin) == dt.date(2024, 3, 1)
    created = wf.cims_get(shop[0], "Created", session=admin)
    assert isinstance(created, dt.datetime) and created.tzinfo is None
    assert wf.cims_get(shop[0], "Phone", session=admin) == ""


def test_get_over_a_range_of_ids_keeps_the_shape_and_reports_per_cell(admin, shop):
    result = wf.cims_get([[shop[0]], [shop[1]], [None], ["C-999999"]], "City", session=admin)
    assert result[:3] == [["Shanghai"], ["Beijing"], [""]]
    assert result[3] == ["#CIMS: no customer C-999999"]


@pytest.mark.parametrize("record_id, field, message", [
    ("C-999999", "Name", "#CIMS: no customer C-999999"),
    ("nonsense", "Name", "#CIMS: 'NONSENSE' is not a record id (e.g. C-000123)"),
    ("C-000001", "Shoe size", "#CIMS: customers have no field 'Shoe size'"),
    ("C-000001", "", '#CIMS: which field? e.g. "Email"'),
])
def test_get_explains_what_is_wrong_in_a_short_message(admin, shop, record_id, field, message):
    assert wf.cims_get(record_id, field, session=admin) == message


def test_a_viewer_gets_no_personal_fields_but_the_rest(session_as, shop):
    viewer = session_as("viewer")
    assert wf.cims_get(shop[0], "Email", session=viewer) == "#CIMS: Email is personal data; viewer may not read it"
    assert wf.cims_get(shop[0], "Name", session=viewer).startswith("#CIMS: Name is personal data")
    assert wf.cims_get(shop[0], "City", session=viewer) == "Shanghai"


def test_a_change_saved_in_this_process_is_seen_by_the_next_call(admin, shop):
    assert wf.cims_get(shop[0], "City", session=admin) == "Shanghai"
    records.update(admin, shop[0], {"city": "Hangzhou"})
    assert wf.cims_get(shop[0], "City", session=admin) == "Hangzhou"


def test_a_change_saved_by_another_user_is_seen_by_the_next_call(admin, session_as, shop):
    assert wf.cims_get(shop[1], "City", session=admin) == "Beijing"
    records.update(session_as("manager", "bob"), shop[1], {"city": "Tianjin"})
    assert wf.cims_get(shop[1], "City", session=admin) == "Tianjin"


def test_a_deleted_record_is_no_longer_found(admin, shop):
    assert wf.cims_get(shop[1], "Name", session=admin) == "Bob Li"
    records.delete(admin, shop[1])
    assert wf.cims_get(shop[1], "Name", session=admin) == f"#CIMS: no customer {shop[1]}"


# ----- CIMS_FIND / CIMS_COUNT -----------------------------------------------------------------

def test_find_returns_a_header_row_and_the_matching_customers(admin, shop):
    result = wf.cims_find("Alice", session=admin)
    assert result[0] == list(wf.DEFAULT_FIND_FIELDS)
    assert [row[0] for row in result[1:]] == [shop[0]]
    assert result[1][1] == "Alice Wang"


def test_find_takes_filters_and_chosen_fields(admin, shop):
    assert wf.cims_find("city:Beijing", "ID, Name", session=admin) == [["ID", "Name"], [shop[1], "Bob Li"]]
    assert wf.cims_find("segment:VIP", [["ID", "Segment"]], session=admin) == [["ID", "Segment"], [shop[0], "VIP"]]


def test_find_with_no_match_returns_only_the_header(admin, shop):
    assert wf.cims_find("nobody-like-this", "ID", session=admin) == [["ID"]]


def test_find_for_a_viewer_leaves_out_personal_columns_and_refuses_them_by_name(session_as, shop):
    viewer = session_as("viewer")
    result = wf.cims_find("city:Shanghai", session=viewer)
    assert result[0] == ["ID", "City"] and result[1][0] == shop[0]     # a company may name a person
    assert wf.cims_find("x", "ID,Email", session=viewer).startswith("#CIMS: Email is personal data")


def test_count_counts_the_matches_of_the_same_query(admin, shop):
    assert wf.cims_count("", session=admin) == 2
    assert wf.cims_count("city:Shanghai", session=admin) == 1
    records.create(admin, "customer", {"name": "Carol", "city": "Shanghai"})
    assert wf.cims_count("city:Shanghai", session=admin) == 2


# ----- CIMS_LTV / CIMS_PIPELINE / CIMS_360 ------------------------------------------------------

def test_ltv_totals_the_customers_orders_without_cancelled_ones(admin, shop):
    assert wf.cims_ltv(shop[0], session=admin) == 350.5
    assert wf.cims_ltv(shop[1], session=admin) == 0.0
    assert wf.cims_ltv([[shop[0]], [shop[1]]], session=admin) == [[350.5], [0.0]]
    assert wf.cims_ltv("C-999999", session=admin) == "#CIMS: no customer C-999999"


def test_a_column_of_ltv_ids_after_a_write_recomputes_only_the_customer_whose_orders_changed(admin):
    ids = [r["id"] for r in records.create_many(admin, "customer", [{"name": f"C {i}"} for i in range(300)])]
    records.create_many(admin, "order", [{"customer_id": ids[i % 300], "order_date": "2024-01-02",
                                          "amount": i % 7 + 0.25} for i in range(900)])
    wf.cims_ltv([[i] for i in ids], session=admin)     # warm the session's cache, as a recalculation would
    records.create(admin, "order", {"customer_id": ids[1], "order_date": "2024-01-03", "amount": 1})
    statements: list[str] = []
    admin.store._raw.set_trace_callback(statements.append)
    try:
        got = wf.cims_ltv([[i] for i in ids], session=admin)
    finally:
        admin.store._raw.set_trace_callback(None)
    expected = {cid: 0.0 for cid in ids}
    for i in range(900):
        expected[ids[i % 300]] += i % 7 + 0.25
    expected[ids[1]] += 1
    assert got == [[expected[cid]] for cid in ids]
    # The cache catches up on what changed (one query per record table, and the removed
    # ids), then recomputes only the one customer whose orders changed: nothing per id.
    sums = [s for s in statements if "SUM(" in s.upper()]
    assert len(sums) == 1 and ids[1] in sums[0] and ids[2] not in sums[0]
    # data_version, the clock, two per record table, the store's currency, live ids, the total
    assert len(statements) <= 2 + 2 * len(records.ENTITIES) + 4


def test_a_range_of_ltv_ids_keeps_its_shape_and_says_which_ids_are_not_customers(admin, shop):
    gone = records.create(admin, "customer", {"name": "Gone"})["id"]
    records.delete(admin, gone)
    got = wf.cims_ltv([[shop[0], "C-999999"], ["", gone], [shop[1].lower(), "O-000001"]], session=admin)
    assert got == [[350.5, "#CIMS: no customer C-999999"], ["", f"#CIMS: no customer {gone}"],
                   [0.0, "#CIMS: O-000001 is an order id, not a customer id (e.g. C-000123)"]]


def test_an_imported_customers_old_id_works_wherever_an_id_does(admin, tmp_path):
    from cims_xl.importer import import_file
    f = tmp_path / "orders.csv"
    f.write_text("Order ID,Order Date,Customer ID,Customer Name,Sales\n"
                 "CA-1,2024-01-02,CG-12520,Claire Gute,100.50\nCA-2,2024-01-03,CG-12520,Claire Gute,20\n"
                 "CA-3,2024-01-04,DV-13045,Darrin Van Huff,5\n", encoding="utf-8")
    import_file(admin, f, kind="orders")
    claire = records.list_records(admin, "customer", name="Claire Gute")[0]["id"]
    assert wf.cims_get("CG-12520", "ID", session=admin) == claire
    assert wf.cims_get([["cg-12520"], ["DV-13045"]], "Name", session=admin) == [["Claire Gute"], ["Darrin Van Huff"]]
    assert wf.cims_ltv("CG-12520", session=admin) == 120.5
    assert wf.cims_ltv([["CG-12520"], ["DV-13045"], ["XX-1"]], session=admin) == [
        [120.5], [5.0], ["#CIMS: no customer XX-1"]]
    assert "LTV 120.50" in wf.cims_360("CG-12520", session=admin)
    assert wf.cims_get("XX-1", "Name", session=admin) == "#CIMS: 'XX-1' is not a record id (e.g. C-000123)"


def test_pipeline_gives_open_and_weighted_amounts(admin, shop):
    assert wf.cims_pipeline(session=admin) == [["Currency", "Open amount", "Weighted amount"],
                                               ["CNY", 1200.0, 520.0]]
    assert wf.cims_pipeline("proposal", session=admin)[1] == ["CNY", 1000.0, 500.0]
    assert wf.cims_pipeline("Won", session=admin)[1] == ["CNY", 5000.0, 5000.0]
    assert wf.cims_pipeline("Maybe", session=admin).startswith("#CIMS: no stage 'Maybe'")


def test_360_is_a_one_cell_summary_of_the_customer(admin, shop):
    text = wf.cims_360(shop[0], session=admin)
    assert text.startswith(f"{shop[0]} Alice Wang")
    # the orders the LTV counts: the cancelled one is neither (as the Top customers report counts them)
    for part in ("VIP", "LTV 350.50", "2 orders, last 2024-03-01", "1 open opportunity (1,000.00 CNY)", "1 open ticket"):
        assert part in text
    assert wf.cims_360("C-999999", session=admin) == "#CIMS: no customer C-999999"


# ----- errors never leak --------------------------------------------------------------------

def test_an_unexpected_error_is_a_short_message_and_the_traceback_goes_to_the_log(admin, shop, monkeypatch, tmp_path):
    monkeypatch.setenv("CIMS_LOG_DIR", str(tmp_path / "logs"))

    data = "database on fire"

    def broken(*a, **kw):
        raise RuntimeError(data)

    monkeypatch.setattr("cims_xl.services.search.search_customers", broken)
    value = wf.cims_count("x", session=admin)
    assert value == "#CIMS: internal error (RuntimeError); details are in the log"
    log = (tmp_path / "logs" / "excel.log").read_text()
    assert "Traceback" in log and "in broken" in log and "RuntimeError" in log
    assert "database on fire" not in log        # messages can hold customer data: left out


@pytest.mark.parametrize("call", [
    lambda s: wf.cims_get(None, None, session=s), lambda s: wf.cims_get(3.5, "x", session=s),
    lambda s: wf.cims_find('"unbalanced', 123, session=s), lambda s: wf.cims_ltv("", session=s),
    lambda s: wf.cims_pipeline(42, session=s), lambda s: wf.cims_360(None, session=s),
])
def test_odd_arguments_give_a_value_or_a_short_message_never_an_exception(admin, shop, call):
    value = call(admin)
    assert not isinstance(value, str) or not value.startswith("#") or _is_cims_message(value)


# ----- the xlwings module -----------------------------------------------------------------------

def test_every_worksheet_function_is_an_xlwings_udf_named_as_documented():
    udfs = pytest.importorskip("cims_xl.excel.udfs")
    for name in wf.FUNCTIONS:
        fn = getattr(udfs, name)
        assert callable(fn) and fn.__name__ == name
        if sys.platform.startswith("win"):  # elsewhere xlwings' @func is a no-op stand-in
            assert hasattr(fn, "__xlfunc__"), name
    from cims_xl.excel import build

    documented = {re.match(r"(\w+)\(", usage).group(1) for usage, _, _ in build.UDF_HELP}
    assert documented == set(wf.FUNCTIONS)


def test_the_xlwings_wrappers_call_the_plain_functions(signed_in, shop):
    udfs = pytest.importorskip("cims_xl.excel.udfs")
    assert udfs.CIMS_GET([[shop[0]]], "Name") == "Alice Wang"
    assert udfs.CIMS_GET([[shop[0]], [shop[1]]], "Name") == [["Alice Wang"], ["Bob Li"]]
    assert udfs.CIMS_COUNT("") == 2
    assert udfs.CIMS_PIPELINE()[0] == ["Currency", "Open amount", "Weighted amount"]
