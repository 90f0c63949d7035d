"""One answer per customer: the RFM segment written back to customers (searches,
CIMS_GET, the Customers sheet) is the segment the Segments report shows for them.

Real encrypted stores in tmp_path, the real `cims report` and `cims customer list`."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from cims_xl.services import auth, records, settings

from conftest import ADMIN_PASSWORD, FAST_KDF


@pytest.fixture
def usd_store(tmp_path):
    path = tmp_path / "usd.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF, currency="USD")
    return path


@pytest.fixture
def cli(usd_store, monkeypatch, capsys):
    from cims_xl.cli import main

    monkeypatch.setenv("CIMS_STORE", str(usd_store))
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)

    def invoke(*args: str):
        code = main(["--format", "json", *args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return json.loads(out)
    return invoke


def _session(path):
    return auth.sign_in(path, "admin", ADMIN_PASSWORD)


def _customer(session, name: str, orders: list[tuple[str, float, str]]) -> str:
    cid = records.create(session, "customer", {"name": name})["id"]
    for day, amount, code in orders:
        records.create(session, "order", {"customer_id": cid, "order_date": day, "amount": amount,
                                          "currency": code})
    return cid


def _random_orders(rnd: random.Random, code: str) -> list[tuple[str, float, str]]:
    today = dt.date.today()
    return [((today - dt.timedelta(days=rnd.randint(5, 900))).isoformat(), float(rnd.randint(5, 5000)), code)
            for _ in range(rnd.randint(1, 6))]


def _report_counts(report: dict) -> dict[tuple[str | None, str], int]:
    rows = report["Report - Segments"]["tables"]["tblRfmSegments"]
    return {(r.get("Currency"), r["Segment"]): r["Customers"] for r in rows if r["Customers"]}


def _stored(cli) -> dict[str, str | None]:
    return {c["id"]: c["rfm_segment"] for c in cli("customer", "list", "--limit", "1000")}


@pytest.mark.parametrize("codes", [("USD", "CNY"), ("EUR", "JPY", "KWD")])
def test_the_stored_segments_count_as_the_segments_report_in_every_currency_block(usd_store, cli, codes):
    session = _session(usd_store)
    rnd = random.Random(len(codes))
    block = {}
    for code in codes:                    # customers buying in one currency each
        for i in range(10):
            block[_customer(session, f"{code} buyer {i}", _random_orders(rnd, code))] = code
    session.close()
    report = cli("report")
    stored = _stored(cli)
    counted: dict[tuple[str, str], int] = {}
    for cid, code in block.items():
        assert stored[cid] is not None, cid          # ten customers in a block: every one ranked
        counted[(code, stored[cid])] = counted.get((code, stored[cid]), 0) + 1
    assert counted == _report_counts(report)


def test_with_a_rate_the_converted_currency_joins_the_store_block_and_the_stored_segments_still_count_as_the_report(
        usd_store, cli):
    session = _session(usd_store)
    settings.set_fx_rate(session, "CNY", "0.14", "2000-01-01")
    rnd = random.Random(7)
    block = {}
    for i in range(16):       # dollars and yuan (converted: one block), yen without a rate (its own)
        code = ("USD", "CNY", "JPY", "JPY")[i % 4]
        block[_customer(session, f"B{i}", _random_orders(rnd, code))] = "JPY" if code == "JPY" else "USD"
    session.close()
    report = cli("report")
    stored = _stored(cli)
    counted: dict[tuple[str, str], int] = {}
    for cid, code in block.items():
        counted[(code, stored[cid])] = counted.get((code, stored[cid]), 0) + 1
    assert counted == _report_counts(report)
    assert {code for code, _ in counted} == {"USD", "JPY"}


def test_a_customer_alone_in_its_currency_is_left_unsegmented_with_the_reason_never_new(usd_store, cli):
    session = _session(usd_store)
    old = (dt.date.today() - dt.timedelta(days=655)).isoformat()
    alone = _customer(session, "Only dinar buyer", [(old, 12.5, "BHD")])
    others = [_customer(session, f"Dollar {i}", [((dt.date.today() - dt.timedelta(days=10 * i + 3)).isoformat(),
                                                 100.0 * (i + 1), "USD")] * (i + 1)) for i in range(5)]
    # while a second customer bought in dinars, both were ranked and stored a segment
    second = _customer(session, "Second dinar buyer", [(dt.date.today().isoformat(), 99.0, "BHD")])
    session.close()
    cli("report")
    assert _stored(cli)[alone] == "Lost"
    session = _session(usd_store)
    records.delete(session, second)
    session.close()
    report = cli("report")          # alone now: the stored segment is cleared, not kept
    stored = _stored(cli)
    assert stored[alone] is None
    assert all(stored[c] for c in others)
    # the table's note names the block and why; the block has no segment row counted
    assert "BHD: 1 customer(s) with orders not segmented" in cli_notes(report)["tblRfmSegments"]
    assert not any(k == "BHD" for k, _ in _report_counts(report))


def cli_notes(report: dict) -> dict[str, str]:
    return report["Report - Segments"]["notes"]


def test_a_store_with_one_customer_gives_no_segment_and_says_why(usd_store, cli):
    session = _session(usd_store)
    cid = _customer(session, "王小明", [((dt.date.today() - dt.timedelta(days=655)).isoformat(), 99.0, "USD")])
    session.close()
    report = cli("report")
    assert _stored(cli)[cid] is None
    assert _report_counts(report) == {}
    assert "1 customer(s) with orders not segmented" in cli_notes(report)["tblRfmSegments"]


def test_a_customer_buying_in_two_currencies_stores_the_segment_of_its_main_currency_block(usd_store, cli):
    session = _session(usd_store)
    today = dt.date.today()

    def ago(days):
        return (today - dt.timedelta(days=days)).isoformat()

    # in dollars: the best of five (latest, most orders, most money) -> Champions in that block,
    # though the euro buyers all bought more recently (ranked together it would be Loyal)
    both = _customer(session, "Both", [(ago(300), 900.0, "USD"), (ago(301), 900.0, "USD"),
                                       (ago(302), 900.0, "USD"), (ago(800), 1.0, "EUR")])
    for i in range(4):
        _customer(session, f"USD {i}", [(ago(400 + 50 * i), 10.0 + i, "USD")])
    # in euros: the oldest, smallest buyer of five -> Lost there
    for i in range(4):
        _customer(session, f"EUR {i}", [(ago(5 + i), 500.0 + i, "EUR"), (ago(6 + i), 500.0, "EUR")])
    session.close()
    report = cli("report")
    counts = _report_counts(report)
    assert counts[("USD", "Champions")] >= 1 and counts[("EUR", "Lost")] >= 1
    assert _stored(cli)[both] == "Champions"    # three of its four order lines are in dollars
