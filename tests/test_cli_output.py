"""What a person reads in `--format table`: money, percentages, one time zone, help text.

JSON output stays machine values; these tests check both sides.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
from decimal import Decimal
from zoneinfo import ZoneInfo

import click
import pytest

from cims_xl.cli import cli, main
from cims_xl.domain import display
from cims_xl.domain.schema import ENTITIES, SEGMENTS, STAGES, TICKET_STATUSES

from conftest import ADMIN_PASSWORD

ZONE = "America/Sao_Paulo"        # UTC-3 all year: neither UTC nor the reports' Asia/Shanghai


@pytest.fixture
def run(store_path, monkeypatch, capsys):
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("CIMS_TZ", ZONE)                 # the machine's zone, as the sheets use it
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))

    def invoke(*args: str):
        code = main(list(args))
        out, err = capsys.readouterr()
        assert code == 0, err
        return out
    return invoke


# ----- the helpers -------------------------------------------------------------------------

@pytest.mark.parametrize("amount, currency, shown", [
    (Decimal("1234.5"), "CNY", "1,234.50 CNY"),
    (Decimal("-0.005"), "eur", "-0.005 EUR"),     # a stored third decimal is shown, never rounded away
    (1234567, "JPY", "1,234,567 JPY"),             # no minor unit (ISO 4217)
    (Decimal("2.4685"), "BHD", "2.4685 BHD"),     # three decimals, or the store's 4 where it has them
    (Decimal("2.46855"), "BHD", "2.4686 BHD"),    # past the store's 4: half up
    (1.00005, "USD", "1.0001 USD"),               # a float by its text, not its binary digits
    (99.9, None, "99.90"),
    ({"CNY": Decimal("10"), "USD": Decimal("2.5")}, None, "10.00 CNY, 2.50 USD"),
    (None, "CNY", ""),
])
def test_money_reads_with_its_currencys_decimal_places_and_code(amount, currency, shown):
    assert display.money(amount, currency) == shown


def test_percentages_and_times_read_as_a_person_expects():
    assert display.percent(75) == "75%"
    assert display.percent(0.3423, fraction=True, decimals=1) == "34.2%"
    utc = dt.datetime(2026, 3, 1, 20, 30, tzinfo=dt.timezone.utc)
    assert display.local_time(utc, "Asia/Shanghai") == "2026-03-02 04:30"
    assert display.local_time(utc, ZoneInfo("Europe/Berlin")) == "2026-03-01 21:30"
    assert display.zone_label("Asia/Shanghai") == "Asia/Shanghai (UTC+08:00)"
    assert display.zone_label(dt.timezone(dt.timedelta(hours=-3))) == "UTC-03:00"


def test_only_the_empty_months_at_either_end_are_left_out():
    rows = [{"Month": m, "Sales": s} for m, s in
            (("2023-01", 0), ("2023-02", None), ("2023-03", 5), ("2023-04", 0), ("2023-05", 7), ("2023-06", 0.0))]
    assert [r["Month"] for r in display.trim_empty_ends(rows, ["Month"])] == ["2023-03", "2023-04", "2023-05"]
    assert display.trim_empty_ends([{"Month": "2023-01", "Sales": 0}], ["Month"]) == []


# ----- the CLI -----------------------------------------------------------------------------

def test_order_and_opportunity_tables_show_amounts_with_their_currency_and_json_keeps_numbers(run, admin):
    from cims_xl.services import records

    cid = records.create(admin, "customer", {"name": "Lars Ørsted"})["id"]
    records.create(admin, "order", {"customer_id": cid, "order_date": "2025-02-03", "amount": "1234.5",
                                    "currency": "EUR"})
    records.create(admin, "order", {"customer_id": cid, "order_date": "2025-02-04", "amount": "88"})
    records.create(admin, "opportunity", {"customer_id": cid, "name": "Fjord deal", "stage": "Negotiation",
                                          "amount": "250000"})
    table = run("order", "list")
    assert "1,234.50 EUR" in table and "88.00 CNY" in table
    assert "1234.5" not in table
    table = run("opportunity", "list")
    assert "250,000.00 CNY" in table and re.search(r"│\s+75%\s+│", table)
    orders = json.loads(run("--format", "json", "order", "list"))
    assert sorted(o["amount"] for o in orders) == ["1234.5", "88"]
    assert json.loads(run("--format", "json", "opportunity", "list"))[0]["probability"] == 75


def test_times_in_tables_are_in_one_named_time_zone_and_json_keeps_utc(run):
    created = json.loads(run("--format", "json", "customer", "add", "--name", "Nguyễn Văn An"))
    at_utc = dt.datetime.fromisoformat(created["created_at"])
    assert at_utc.utcoffset() == dt.timedelta(0)
    local = at_utc.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M")
    table = run("customer", "show", created["id"])
    assert local in table and created["created_at"] not in table
    assert f"times in {ZONE} (UTC-03:00)" in table
    history = run("customer", "history", created["id"])
    assert local in history and f"times in {ZONE}" in history


def test_report_tables_show_money_and_rates_and_no_empty_months_at_the_ends(run, admin):
    from cims_xl.services import records

    cid = records.create(admin, "customer", {"name": "Aiko Tanaka"})["id"]
    for day, amount, status in (("2022-06-10", "500", "Cancelled"), ("2025-03-05", "1200.5", "Completed"),
                                ("2025-05-20", "300", "Completed")):
        records.create(admin, "order", {"customer_id": cid, "order_date": day, "amount": amount, "status": status})
    out = run("report", "--from", "2020-01-01", "--to", "2026-12-31")
    by_month = out[out.index("Sales by month"):out.index("Sales by year")]
    months = re.findall(r"│ (\d{4}-\d\d) ", by_month)
    assert months == ["2025-03", "2025-04", "2025-05"]
    assert "1,200.50" in by_month
    by_region = out[out.index("Sales by region"):]
    assert re.search(r"100\.0%", by_region)
    assert f"times in {ZONE}" in out                  # the reports use the same zone


def test_customer_360_says_the_lifetime_value_with_its_currency(run, admin):
    from cims_xl.services import records

    cid = records.create(admin, "customer", {"name": "Olu Adeyemi"})["id"]
    records.create(admin, "order", {"customer_id": cid, "order_date": "2025-02-03", "amount": "1000",
                                    "currency": "USD"})
    assert "lifetime value 1,000.00 USD" in re.sub(r"\s+", " ", run("customer", "360", cid))


# ----- help --------------------------------------------------------------------------------

def _help(*path: str) -> str:
    cmd, names = cli, ["cims"]
    for name in path:
        cmd = cmd.commands[name]
        names.append(name)
    return cmd.get_help(click.Context(cmd, info_name=" ".join(names)))


def _all_commands(group=cli, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,)
        if isinstance(cmd, click.Group):
            yield from _all_commands(cmd, prefix + (name,))


@pytest.mark.parametrize("path, values", [
    (("customer", "add"), SEGMENTS),
    (("customer", "search"), SEGMENTS),
    (("opportunity", "edit"), STAGES),
    (("ticket", "add"), TICKET_STATUSES),
    (("ticket", "add"), ENTITIES["ticket"].field("channel").choices),
    (("ticket", "edit"), ENTITIES["ticket"].field("priority").choices),
    (("order", "add"), ENTITIES["order"].field("status").choices),
])
def test_help_lists_the_values_of_fields_with_a_fixed_set(path, values):
    text = re.sub(r"\s+", " ", _help(*path))
    assert "[" + "|".join(values) + "]" in text


def test_no_help_text_has_a_wrong_article_or_a_doubled_full_stop():
    vowel_labels = "|".join(e.label for e in ENTITIES.values() if e.label[0] in "aeiou")
    problems = []
    for path in _all_commands():
        text = _help(*path)
        if re.search(rf"\ba ({vowel_labels})\b", text) or re.search(r"[^.]\.\.(\s|$)", text):
            problems.append(" ".join(path))
    assert problems == []
    assert "Add an interaction." in _help("interaction", "add")
    assert "Add an opportunity." in _help("opportunity", "add")


def _cells_text(path, sheet: str) -> str:
    import openpyxl

    ws = openpyxl.load_workbook(path)[sheet]
    return " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def test_report_workbooks_name_the_same_zone_as_the_cli_tables(run, admin, tmp_path):
    from cims_xl.services import records

    from test_sync_support import new_workbook

    cid = records.create(admin, "customer", {"name": "Zanele Dlamini"})["id"]
    records.create(admin, "order", {"customer_id": cid, "order_date": "2025-02-03", "amount": "10"})
    run("report", "--out", str(tmp_path / "r.xlsx"))
    assert f"({ZONE})" in _cells_text(tmp_path / "r.xlsx", "Report - Sales")
    book = new_workbook(tmp_path / "shop.xlsx")
    run("sync", str(book), "reports")
    assert f"({ZONE})" in _cells_text(book, "Report - Sales")
