"""Single numbers people type (CLI options, services, a sheet's text cell) are never
read silently wrong: one that reads two ways with no decimal mark known ("1.200" is
1200 in Germany and 1.2 in England) is refused naming both readings; exchange rates
far from the last one entered need a confirmation."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from cims_xl.domain import money
from cims_xl.domain import normalize as nz
from cims_xl.errors import NeedsConfirmation, NotFound, PermissionDenied, ValidationFailed
from cims_xl.excel import sync
from cims_xl.importer import import_file
from cims_xl.services import audit_log, batches, records
from cims_xl.services import settings as fx
from test_sync_support import Editor, new_workbook, row_of

# (typed, thousands reading, decimal reading)
AMBIGUOUS = [
    ("1.200", "1200", "1.2"),
    ("1,200", "1200", "1.2"),
    ("12,345", "12345", "12.345"),
    ("999.999", "999999", "999.999"),
    ("€1.200", "1200", "1.2"),
    ("1.200 EUR", "1200", "1.2"),
    ("-3,500", "-3500", "-3.5"),
    ("US$ 2,000", "2000", "2"),
    ("(4.250)", "-4250", "-4.25"),
    ("１.２００", "1200", "1.2"),
]

# (typed, amount): one reading only
UNAMBIGUOUS = [
    ("0.125", "0.125"), ("0,125", "0.125"), ("1.5", "1.5"), ("1,5", "1.5"), ("12.34", "12.34"),
    ("1,200.50", "1200.50"), ("1.200,50", "1200.50"), ("1.234.567", "1234567"),
    ("1,234,567", "1234567"), ("1 200", "1200"), ("1200", "1200"), ("1234.567", "1234.567"),
    ("€1.200,00", "1200.00"), ("$1,200.00", "1200.00"), ("12.3450", "12.345"),
]


# ----- the readers ------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "grouped", "decimal"), AMBIGUOUS)
def test_an_amount_that_reads_two_ways_is_refused_naming_the_value_and_both_readings(typed, grouped, decimal):
    for read in (lambda v: money.read_money(v), lambda v: nz.parse_money(v)):
        with pytest.raises(ValueError) as exc:
            read(typed)
        message = str(exc.value)
        assert message.startswith(f"'{typed}' could be {grouped} or {decimal}; write "), message
        assert "\n" not in message
        assert exc.value.grouped == Decimal(grouped) and exc.value.decimal == Decimal(decimal)


@pytest.mark.parametrize(("typed", "grouped", "decimal"), AMBIGUOUS)
def test_every_way_the_refusal_suggests_reads_back_as_the_number_it_stands_for(typed, grouped, decimal):
    message = str(pytest.raises(ValueError, money.read_money, typed).value)
    ways = message.split("; write ")[1].replace(" or ", ", ").split(", ")   # "1,200.00" has no space
    readings = {money.read_money(w).amount for w in ways}
    assert readings == {Decimal(grouped), Decimal(decimal)}


@pytest.mark.parametrize(("typed", "amount"), UNAMBIGUOUS)
def test_an_amount_with_one_reading_is_read_as_it(typed, amount):
    assert nz.parse_money(typed) == Decimal(amount)


@pytest.mark.parametrize("number", [1200.0, 1200, Decimal("1.200"), 1.2])
def test_numbers_from_excel_are_never_ambiguous(number):
    assert nz.parse_money(number) == Decimal(str(number))


def test_a_known_decimal_mark_reads_the_same_text_without_asking():
    assert nz.parse_money("1.200", ",") == Decimal("1200")
    assert nz.parse_money("1.200", ".") == Decimal("1.200")
    assert money.read_money("€1.200", ",") == (Decimal("1200"), "EUR", "€", False)
    assert nz.parse_int("1,000", ".") == 1000 and nz.parse_int("1.000", ",") == 1000


def test_a_whole_number_that_reads_two_ways_is_refused_too():
    with pytest.raises(ValueError, match=r"^'1\.500' could be 1500 or 1\.5; write 1500$"):
        nz.parse_int("1.500")
    with pytest.raises(ValueError, match=r"^'-2,000' could be -2000 or -2; write -2000 or -2$"):
        nz.parse_int("-2,000")
    assert nz.parse_int("1 500") == 1500 and nz.parse_int("1,500,000") == 1500000


def test_the_currency_an_ambiguous_amount_names_is_still_known_to_the_importer():
    assert money.named_currency("€1.200") == "EUR"
    assert money.named_currency("1.200 CHF") == "CHF"


# Random amounts written the way each locale writes them (CLDR through babel): read
# back as the same number, or refused; never a different number, except where the
# currency written with it settles a number that reads two ways ("¥1.000": every place
# using ¥ writes "." as the decimal mark, so 1.0, whoever typed it).
_LOCALES = ["en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "pt_BR", "nl_NL", "zh_CN", "en_IN", "de_CH"]


@hsettings(max_examples=400, deadline=None)
@given(units=st.integers(min_value=0, max_value=10**12), places=st.integers(min_value=0, max_value=4),
       negative=st.booleans(), locale=st.sampled_from(_LOCALES), grouped=st.booleans(),
       symbol=st.sampled_from(["", "€", "US$ ", " EUR", "¥"]))
def test_a_formatted_amount_is_read_as_its_number_or_refused_never_as_another(
        units, places, negative, locale, grouped, symbol):
    amount = Decimal(units).scaleb(-places) * (-1 if negative else 1)
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * places if places else "")
    text = format_decimal(amount, format=pattern, locale=locale, group_separator=grouped)
    typed = f"{symbol}{text}" if not symbol.startswith(" ") else f"{text}{symbol}"
    try:
        got = money.read_money(typed).amount
    except ValueError:
        return                          # refused: the user is asked, nothing is guessed
    if got != amount:
        digits = text.lstrip("-")
        assert symbol == "¥" and nz.ambiguous_readings(digits) is not None, (typed, got)
        assert got == money.read_money(typed, ".").amount, (typed, got)


@hsettings(max_examples=200, deadline=None)
@given(units=st.one_of(st.integers(min_value=0, max_value=10**9),
                       st.integers(min_value=1, max_value=999).map(lambda n: n * 1000)),   # 2.000: 2000 or 2
       locale=st.sampled_from(_LOCALES))
def test_a_formatted_whole_number_is_read_as_its_number_or_refused(units, locale):
    text = format_decimal(units, format="#,##0", locale=locale)
    try:
        got = nz.parse_int(text)
    except ValueError:
        return
    assert got == units, (text, got)


# ----- through the services -----------------------------------------------------------------

@pytest.fixture
def customer(admin):
    return records.create(admin, "customer", {"name": "Koala Pty"})["id"]


def test_the_service_refuses_an_ambiguous_amount_and_stores_nothing(admin, customer):
    with pytest.raises(ValidationFailed) as exc:
        records.create(admin, "order", {"customer_id": customer, "order_date": "2024-01-05", "amount": "1.200"})
    assert exc.value.problems == {"Amount": "'1.200' could be 1200 or 1.2; write 1200, 1,200.00 or 1.20"}
    with pytest.raises(ValidationFailed) as exc:
        records.create(admin, "opportunity", {"customer_id": customer, "name": "Big", "amount": "5",
                                              "probability": "1,000"})
    assert "Probability %" in exc.value.problems
    assert records.list_records(admin, "order") == records.list_records(admin, "opportunity") == []


def test_the_service_stores_numbers_with_one_reading(admin, customer):
    order = records.create(admin, "order", {"customer_id": customer, "order_date": "2024-01-05",
                                            "amount": "1.200,50 €", "quantity": "1 000", "discount": "0,125"})
    assert (order["amount"], order["currency"], order["quantity"], order["discount"]) == (
        Decimal("1200.50"), "EUR", 1000, Decimal("0.125"))
    again = records.create(admin, "order", {"customer_id": customer, "order_date": "2024-01-05",
                                            "amount": 1200.0})
    assert again["amount"] == Decimal("1200")


def test_an_edit_with_an_ambiguous_amount_leaves_the_record_as_it_was(admin, customer):
    order = records.create(admin, "order", {"customer_id": customer, "order_date": "2024-01-05", "amount": "75"})
    with pytest.raises(ValidationFailed, match="2,500"):
        records.update(admin, order["id"], {"amount": "2,500"})
    after = records.get(admin, order["id"])
    assert (after["amount"], after["version"]) == (Decimal("75"), 1)


# ----- through the CLI ------------------------------------------------------------------------

def _customer_by_cli(run) -> str:
    code, out, err = run("--format", "json", "customer", "add", "--name", "Koala Pty")
    assert code == 0, err
    return json.loads(out)["id"]


@pytest.mark.parametrize(("option", "typed"), [
    ("--amount", "1.200"), ("--amount", "€12,345"), ("--amount", "-3,500"), ("--quantity", "2.000"),
    ("--discount", "1,250"),
])
def test_cli_order_add_refuses_an_ambiguous_number_in_one_line_and_stores_nothing(run, option, typed):
    cid = _customer_by_cli(run)
    args = ["order", "add", "--customer-id", cid, "--order-date", "2024-01-05", option, typed]
    if option != "--amount":
        args += ["--amount", "10"]
    code, out, err = run(*args)
    assert code != 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and f"'{typed}' could be" in lines[0] and "Traceback" not in err, err
    code, out, _ = run("--format", "json", "order", "list")
    assert json.loads(out) == []


def test_cli_opportunity_probability_that_reads_two_ways_is_refused(run):
    cid = _customer_by_cli(run)
    code, _, err = run("opportunity", "add", "--customer-id", cid, "--name", "Big", "--amount", "5",
                       "--probability", "1.000")
    assert code != 0 and "'1.000' could be 1000 or 1" in err
    code, out, _ = run("--format", "json", "opportunity", "list")
    assert json.loads(out) == []


def test_cli_order_edit_refuses_an_ambiguous_amount_and_keeps_the_old_one(run):
    cid = _customer_by_cli(run)
    code, out, err = run("--format", "json", "order", "add", "--customer-id", cid, "--order-date",
                         "2024-01-05", "--amount", "1,200.00")
    assert code == 0, err
    oid = json.loads(out)["id"]
    code, _, err = run("order", "edit", oid, "--amount", "1.200")
    assert code != 0 and "'1.200' could be 1200 or 1.2" in err
    code, out, _ = run("--format", "json", "order", "show", oid)
    assert (Decimal(json.loads(out)["amount"]), json.loads(out)["version"]) == (Decimal("1200"), 1)


@pytest.mark.parametrize(("typed", "stored"), [("1,200.50", "1200.50"), ("1.200,50", "1200.50"),
                                               ("1200", "1200"), ("0.125", "0.125"), ("1,5", "1.5")])
def test_cli_order_add_stores_an_unambiguous_amount_right(run, typed, stored):
    cid = _customer_by_cli(run)
    code, out, err = run("--format", "json", "order", "add", "--customer-id", cid, "--order-date",
                         "2024-01-05", "--amount", typed)
    assert code == 0, err
    assert Decimal(json.loads(out)["amount"]) == Decimal(stored)


def test_cli_search_refuses_an_ambiguous_lifetime_value_bound(run):
    _customer_by_cli(run)
    code, _, err = run("customer", "search", "--ltv-min", "1.000")
    assert code != 0 and "'1.000' could be 1000 or 1" in err


def test_cli_fx_set_refuses_a_rate_that_reads_two_ways(run):
    code, _, err = run("fx", "set", "USD", "7,100", "--from", "2024-01-01")
    assert code != 0 and "'7,100' could be 7100 or 7.1" in err
    code, out, _ = run("--format", "json", "fx", "list")
    assert json.loads(out) == []


# ----- through a sheet's Save -----------------------------------------------------------------

def test_saving_a_text_cell_that_reads_two_ways_marks_the_row_invalid_and_keeps_the_store(admin, customer, tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    order = records.create(admin, "order", {"customer_id": customer, "order_date": "2024-01-05", "amount": "75"})
    other = records.create(admin, "order", {"customer_id": customer, "order_date": "2024-01-06", "amount": "80"})
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    with Editor(book, "Orders") as ed:
        ed.set(order["id"], "Amount", "1.200")
        ed.set(other["id"], "Amount", "1.200,00")
    counts = sync.sync_file(admin, book, "save", sheets=["Orders"])["sheets"]["Orders"]
    assert (counts["invalid"], counts["updated"]) == (1, 1)
    status = row_of(book, order["id"], "Orders")["Status"]
    assert status.startswith("Invalid: Amount: '1.200' could be 1200 or 1.2"), status
    assert records.get(admin, order["id"])["amount"] == Decimal("75")
    assert records.get(admin, other["id"])["amount"] == Decimal("1200")


# ----- the importer decides per column, as before ---------------------------------------------

def test_an_imported_column_whose_mark_was_decided_reads_the_same_text_by_it(admin, tmp_path):
    path = tmp_path / "de.csv"
    path.write_text("Order ID;Order Date;Customer Name;Sales\n"
                    "D-1;2024-03-05;Anna;1.200\nD-2;2024-03-06;Anna;99,90\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert result.created == 2
    got = {o["order_number"]: o["amount"] for o in records.list_records(admin, "order")}
    assert got == {"D-1": Decimal("1200"), "D-2": Decimal("99.90")}


def test_undoing_an_import_restores_an_amount_the_audit_trail_holds_as_1_234(admin, tmp_path):
    # The trail writes 1.234 as "1.234": the program's own text, read with its point.
    path = tmp_path / "a.csv"
    path.write_text("Order ID,Order Date,Customer Name,Sales,Discount\n"
                    "A-1,2024-03-05,Anna,2.5,0.5\n", encoding="utf-8")
    import_file(admin, path, kind="orders")
    order = records.list_records(admin, "order")[0]
    records.update(admin, order["id"], {"amount": Decimal("1.234"), "discount": Decimal("0.125")})
    path.write_text("Order ID,Order Date,Customer Name,Sales,Discount\n"
                    "A-1,2024-03-05,Anna,9.75,0.25\n", encoding="utf-8")
    upd = import_file(admin, path, kind="orders", on_duplicate="update", update_mode="overwrite")
    assert upd.updated == 1
    assert records.get(admin, order["id"])["amount"] == Decimal("9.75")
    batches.undo_batch(admin, upd.batch)
    back = records.get(admin, order["id"])
    assert (back["amount"], back["discount"]) == (Decimal("1.234"), Decimal("0.125"))


# ----- exchange rates far from the last one -----------------------------------------------------

def _rates(session) -> list[tuple[str, str, str]]:
    return [(r.currency, str(r.rate), r.valid_from.isoformat()) for r in fx.fx_rates(session)]


def test_an_inverted_rate_is_refused_showing_the_last_rate_its_date_and_the_inverse(admin):
    fx.set_fx_rate(admin, "USD", "7.05", "2023-07-01")
    fx.set_fx_rate(admin, "USD", "7.10", "2024-01-01")          # two rates that agree: a sure reference
    with pytest.raises(NeedsConfirmation) as exc:
        fx.set_fx_rate(admin, "USD", "0.139", "2024-07-01")
    message = exc.value.problems["Rate"]
    assert "1 USD = 0.139 CNY" in message and "2024-01-01" in message and "7.10" in message
    assert "did you mean 7.19" in message and "Nothing was stored" in message
    assert _rates(admin) == [("USD", "7.05", "2023-07-01"), ("USD", "7.10", "2024-01-01")]
    assert audit_log.verify(admin).ok


def test_a_rate_checked_against_a_lone_first_rate_does_not_steer_towards_it(admin):
    fx.set_fx_rate(admin, "EUR", "0.128", "2026-01-01", confirm=True)    # the wrong way round, confirmed
    with pytest.raises(NeedsConfirmation) as exc:
        fx.set_fx_rate(admin, "EUR", "7.9", "2026-02-01")
    message = exc.value.problems["Rate"]
    assert message.startswith("1 EUR = 7.9 CNY is 62 times the rate in force (0.128 from 2026-01-01); "
                              "if that earlier rate was wrong, fix it with "
                              "`cims fx set EUR 7.9 --from 2026-01-01 --confirm`")
    assert "did you mean" not in message and "Nothing was stored" in message
    fx.set_fx_rate(admin, "EUR", "7.9", "2026-01-01", confirm=True)      # the fix it names
    fx.set_fx_rate(admin, "EUR", "7.85", "2026-02-01")                  # now accepted without asking
    assert _rates(admin) == [("EUR", "7.9", "2026-01-01"), ("EUR", "7.85", "2026-02-01")]
    assert audit_log.verify(admin).ok


def test_a_lone_rate_after_the_new_ones_day_is_not_called_the_rate_in_force(admin):
    fx.set_fx_rate(admin, "GBP", "0.11", "2026-03-01", confirm=True)
    with pytest.raises(NeedsConfirmation, match=r"the rate after it \(0\.11 from 2026-03-01\)"):
        fx.set_fx_rate(admin, "GBP", "9.1", "2026-01-01")


def test_a_deleted_rate_is_gone_audited_and_the_trail_still_verifies(admin, session_as):
    fx.set_fx_rate(admin, "EUR", "0.128", "2026-01-01", confirm=True)
    fx.set_fx_rate(admin, "EUR", "0.129", "2026-02-01")
    with pytest.raises(PermissionDenied):
        fx.delete_fx_rate(session_as("manager"), "EUR", "2026-01-01")
    removed = fx.delete_fx_rate(admin, "eur", "2026-01-01")
    assert (removed.currency, str(removed.rate), removed.valid_from.isoformat()) == ("EUR", "0.128", "2026-01-01")
    assert _rates(admin) == [("EUR", "0.129", "2026-02-01")]
    last = audit_log.show(admin, limit=1)[0]
    assert (last["action"], last["changes"]) == ("settings.fx", {"EUR/CNY from 2026-01-01": ["0.128", None]})
    result = audit_log.verify(admin)
    assert result.ok, result.problems
    fx.set_fx_rate(admin, "EUR", "7.9", "2026-01-01", confirm=True)       # the same day again
    assert audit_log.verify(admin).ok
    with pytest.raises(NotFound, match="no EUR rate starts on 2026-03-01; EUR rates start on 2026-01-01, 2026-02-01"):
        fx.delete_fx_rate(admin, "EUR", "2026-03-01")
    with pytest.raises(NotFound, match="there is no JPY rate"):
        fx.delete_fx_rate(admin, "JPY", "2026-03-01")


def test_a_rate_removed_outside_cims_is_still_named_by_audit_verify(admin):
    fx.set_fx_rate(admin, "EUR", "7.9", "2026-01-01")
    with admin.unit_of_work() as uow:            # not through the service: no audit entry
        admin.store.delete_fx_rate("EUR", "CNY", dt.date(2026, 1, 1))
        uow.commit()
    result = audit_log.verify(admin)
    assert not result.ok and any("EUR/CNY from 2026-01-01 was removed outside cims" in p for p in result.problems)


def test_cli_fx_delete_removes_a_rate_and_fx_list_no_longer_shows_it(run):
    assert run("fx", "set", "EUR", "0.128", "--from", "2026-01-01", "--confirm")[0] == 0
    code, out, err = run("fx", "set", "EUR", "7.9", "--from", "2026-02-01")
    assert code != 0 and "cims fx delete EUR --from 2026-01-01" in " ".join(err.split())
    code, out, err = run("fx", "delete", "EUR", "--from", "2026-01-01")
    assert code == 0, err
    assert "0.128" in out
    code, out, err = run("--format", "json", "fx", "list")
    assert json.loads(out) == []
    code, out, err = run("fx", "delete", "EUR", "--from", "2026-01-01")
    assert code != 0 and "no EUR rate starts on 2026-01-01" in err and "Traceback" not in err


@pytest.mark.parametrize("typed", ["710", "7100", "0.0071", "0.071"])
def test_a_rate_off_by_a_power_of_ten_is_refused_asking_about_the_decimal_point(admin, typed):
    fx.set_fx_rate(admin, "USD", "7.10", "2024-01-01")
    with pytest.raises(NeedsConfirmation, match="decimal point") as exc:
        fx.set_fx_rate(admin, "USD", typed, "2024-07-01")
    assert "did you mean" not in str(exc.value)
    assert _rates(admin) == [("USD", "7.10", "2024-01-01")]


@pytest.mark.parametrize(("typed", "stored"), [("3.55", True), ("14.2", True), ("7.5", True),
                                               ("3.54", False), ("14.3", False), ("21", False)])
def test_a_rate_within_a_factor_of_two_of_the_last_one_is_stored_and_beyond_it_is_checked(admin, typed, stored):
    fx.set_fx_rate(admin, "USD", "7.10", "2024-01-01")
    if stored:
        fx.set_fx_rate(admin, "USD", typed, "2024-07-01")
    else:
        with pytest.raises(NeedsConfirmation, match=r"times|1/"):
            fx.set_fx_rate(admin, "USD", typed, "2024-07-01")
    assert len(_rates(admin)) == (2 if stored else 1)


def test_a_confirmed_rate_is_stored_audited_and_the_trail_verifies(admin):
    fx.set_fx_rate(admin, "USD", "7.10", "2024-01-01")
    fx.set_fx_rate(admin, "USD", "0.14", "2024-07-01", confirm=True)
    assert _rates(admin) == [("USD", "7.10", "2024-01-01"), ("USD", "0.14", "2024-07-01")]
    assert audit_log.verify(admin).ok


def test_a_rate_entered_for_an_earlier_day_is_compared_with_the_rate_in_force_then(admin):
    fx.set_fx_rate(admin, "JPY", "0.05", "2020-01-01")
    fx.set_fx_rate(admin, "JPY", "0.048", "2024-01-01")
    fx.set_fx_rate(admin, "JPY", "0.049", "2022-01-01")          # between the two: fine
    with pytest.raises(NeedsConfirmation, match="JPY rate from 2020-01-01"):
        fx.set_fx_rate(admin, "JPY", "20", "2021-01-01")           # inverted, compared with 2020's
    with pytest.raises(NeedsConfirmation, match="JPY rate from 2020-01-01"):
        fx.set_fx_rate(admin, "JPY", "5", "2019-01-01")            # before any: the first after it
    assert len(_rates(admin)) == 3


@pytest.mark.parametrize("typed", ["25000", "0.00005", "10001"])
def test_a_first_rate_outside_the_usual_range_needs_confirmation(admin, typed):
    with pytest.raises(NeedsConfirmation, match="no other VND rate"):
        fx.set_fx_rate(admin, "VND", typed, "2024-01-01")
    assert _rates(admin) == []
    fx.set_fx_rate(admin, "VND", typed, "2024-01-01", confirm=True)
    assert _rates(admin) == [("VND", typed, "2024-01-01")]
    assert audit_log.verify(admin).ok


@pytest.mark.parametrize("typed", ["10000", "0.0001", "7.10", "0.00028"])
def test_a_first_rate_inside_the_usual_range_is_stored_without_asking(admin, typed):
    fx.set_fx_rate(admin, "VND", typed, "2024-01-01")
    assert _rates(admin) == [("VND", typed, "2024-01-01")]


def test_a_first_rate_far_out_says_which_way_round_it_was_read(admin):
    fx.set_store_currency(admin, "USD")        # "25000" meant 1 USD = 25000 VND
    with pytest.raises(NeedsConfirmation, match=r"^Rate: 1 VND = 25000 USD is outside the usual range"):
        fx.set_fx_rate(admin, "VND", "25000", "2024-01-01")


def test_rates_of_other_pairs_and_other_base_currencies_are_no_reference(admin):
    fx.set_fx_rate(admin, "USD", "7.10", "2024-01-01")
    fx.set_fx_rate(admin, "EUR", "0.13", "2024-07-01", confirm=True)    # another pair: first EUR rate
    fx.set_store_currency(admin, "EUR")
    fx.set_fx_rate(admin, "USD", "0.92", "2024-07-01")       # USD/EUR: its first rate
    assert _rates(admin) == [("USD", "0.92", "2024-07-01")]


def test_cli_fx_set_refuses_an_implausible_rate_in_one_line_and_confirm_stores_it(run):
    assert run("fx", "set", "USD", "7.10", "--from", "2024-01-01")[0] == 0
    code, out, err = run("fx", "set", "USD", "0.14", "--from", "2024-07-01")
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 4 and len(lines) == 1 and "Traceback" not in err, err
    assert "7.10" in lines[0] and "2024-01-01" in lines[0] and "its inverse is 7.14" in lines[0]
    assert "repeat with --confirm" in lines[0]
    code, out, _ = run("--format", "json", "fx", "list")
    assert [(r["rate"], r["from"]) for r in json.loads(out)] == [("7.10", "2024-01-01")]
    code, _, err = run("fx", "set", "USD", "0.14", "--from", "2024-07-01", "--confirm")
    assert code == 0, err
    code, out, _ = run("--format", "json", "fx", "list")
    assert [(r["rate"], r["from"]) for r in json.loads(out)] == [("7.10", "2024-01-01"), ("0.14", "2024-07-01")]
    code, out, err = run("audit", "verify")
    assert code == 0, err


def test_cli_fx_set_checks_a_first_rate_far_outside_the_usual_range(run):
    # (VND: a currency the ECB does not quote, so only the usual range can be checked)
    code, _, err = run("fx", "set", "VND", "16000", "--from", "2024-01-01")
    assert code == 4 and "no other VND rate" in err and "--confirm" in err
    code, out, _ = run("--format", "json", "fx", "list")
    assert json.loads(out) == []
    assert run("fx", "set", "VND", "16000", "--from", "2024-01-01", "--confirm")[0] == 0


@pytest.mark.parametrize("code, typed, day, says", [
    ("EUR", "0.128", "2026-01-01", "written the other way round (1 CNY = 0.128 EUR)? Then it is 7.81"),
    ("USD", "0.139", "2024-07-01", "written the other way round (1 CNY = 0.139 USD)? Then it is 7.19"),
    ("JPY", "4.7", "2026-01-01", "is the decimal point in the right place?"),
    ("KRW", "0.53", "2025-06-01", "is the decimal point in the right place?"),
    ("GBP", "0.11", "2019-03-01", "written the other way round (1 CNY = 0.11 GBP)? Then it is 9.09"),
])
def test_a_first_rate_far_from_the_ecb_reference_rate_of_its_day_is_checked(admin, code, typed, day, says):
    """A first rate has no earlier rate to compare with; for the currencies the ECB quotes
    its euro reference rates (crossed) are the evidence: an inverted rate inside the
    usual range (1 EUR = 0.128 CNY) is no longer stored without asking."""
    with pytest.raises(NeedsConfirmation) as exc:
        fx.set_fx_rate(admin, code, typed, day)
    message = exc.value.problems["Rate"]
    assert message.startswith(f"1 {code} = {typed} CNY is ") and "European Central Bank's reference rate" in message
    assert says in message and message.endswith("Nothing was stored.")
    assert _rates(admin) == []
    fx.set_fx_rate(admin, code, typed, day, confirm=True)
    assert _rates(admin) == [(code, typed, day)]


@pytest.mark.parametrize("code, typed, day", [("EUR", "7.9", "2026-01-01"), ("USD", "7.10", "2024-01-01"),
                                              ("JPY", "0.047", "2026-01-01"), ("EUR", "7.70", "2031-01-01"),
                                              ("HKD", "0.91", "2024-01-01")])
def test_a_first_rate_near_the_ecb_reference_is_stored_without_asking(admin, code, typed, day):
    fx.set_fx_rate(admin, code, typed, day)
    assert _rates(admin) == [(code, typed, day)]


# ----- the currency as evidence of the decimal mark -----------------------------------------

def test_what_cldr_says_of_the_decimal_mark_of_each_currencys_places():
    # Every place using these writes "." (CLDR: zh_Hans_CN, ug_CN, ja_JP, ko_KR, hi_IN, dz_BT ...).
    for code in ("CNY", "JPY", "KRW", "INR", "HKD", "TWD", "GBP", "AUD"):
        assert money.decimal_mark_of_currency(code) == ".", code
    # Their places disagree: USD (en_US "." but es_EC, fr_HT, nl_BQ ","), EUR, CAD (fr_CA), CHF (fr_CH).
    for code in ("USD", "EUR", "CAD", "CHF", "BRL"):
        assert money.decimal_mark_of_currency(code) is None, code
    assert money.decimal_mark_of_currency("XXX") is None


@pytest.mark.parametrize("typed,amount,code", [
    ("¥1,200", "1200", "CNY"), ("¥1.200", "1.2", "CNY"), ("1,200元", "1200", "CNY"),
    ("JPY 12,345", "12345", "JPY"), ("₩3,000", "3000", "KRW"), ("INR 1,200", "1200", "INR"),
    ("-£2,500", "-2500", "GBP"), ("(HK$ 1,500)", "-1500", "HKD"), ("¥1,200万", "12000000", "CNY"),
])
def test_a_currency_whose_places_share_a_decimal_mark_settles_a_number_that_reads_two_ways(typed, amount, code):
    reading = money.read_money(typed)
    assert (reading.amount, reading.currency) == (Decimal(amount), code)
    assert nz.parse_money(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["€1.200", "1.200 €", "USD 1,200", "$1,200", "CHF 1.200", "C$ 1,500",
                                   "1,200"])
def test_a_currency_whose_places_disagree_leaves_the_number_refused(typed):
    with pytest.raises(nz.AmbiguousNumber, match="could be"):
        money.read_money(typed)


def test_a_currency_settled_amount_is_accepted_by_order_add(customer, admin):
    order = records.create(admin, "order", {"customer_id": customer, "order_date": "2024-01-05",
                                            "amount": "¥1,200"})
    assert (order["amount"], order["currency"]) == (Decimal("1200"), "CNY")
    with pytest.raises(ValidationFailed, match="could be 1200 or 1.2"):
        records.create(admin, "order", {"customer_id": customer, "order_date": "2024-01-05",
                                        "amount": "USD 1,200"})
