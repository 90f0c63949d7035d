"""An import pauses the garbage collector while it runs, makes no reference cycles that
would then hold its rows, and leaves the collector as it was."""

from __future__ import annotations

import gc
import weakref

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.importer import collector
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF


def test_automatic_collection_is_paused_during_an_import_and_turned_back_on_after(admin, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_text("Name,Email,Phone\nJörg Müller,jorg@example.de,+49 30 1234567\n"
                    "李雷,lilei@example.cn,+86 139 1234 5678\n", encoding="utf-8")
    assert gc.isenabled()
    seen: list[bool] = []
    result = import_file(admin, path, progress=lambda done, total, phase: seen.append(gc.isenabled()))
    assert result.created == 2 and len(records.list_records(admin, "customer")) == 2
    assert seen and not any(seen)
    assert gc.isenabled()


def test_a_refused_import_turns_the_collector_back_on_too(admin, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ImportRefused):
        import_file(admin, path)
    assert gc.isenabled()


def test_a_collector_the_caller_had_turned_off_stays_off_after_the_import(admin, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Order ID,Order Date,Customer Name,Sales\nA-1,2024-03-05,Ana,\"$1,200.50\"\n",
                    encoding="utf-8")
    gc.disable()
    try:
        import_file(admin, path, kind="orders")
        assert not gc.isenabled()
    finally:
        gc.enable()


def _customers(n: int) -> str:
    # every kind of row: created, kept with a warning (an unreadable optional field),
    # rejected (no name), a duplicate, several values in one cell
    lines = ["Name,Email,Phone,Mobile,Company"]
    for i in range(n):
        kind = i % 5
        if kind == 0:
            lines.append(f"Ana Silva {i},ana{i}@example.com,+44 20 7946 {i % 10000:04d},,Acme {i}")
        elif kind == 1:
            lines.append(f"Bo Chen {i},bo{i}@example.cn,+86 139 {i % 10000:04d} 5678,not a number,Beta {i}")
        elif kind == 2:
            lines.append(f",nobody{i}@example.com,,,")
        elif kind == 3:
            lines.append(f"Ana Silva {i - 3},ana{i - 3}@example.com,,,")
        else:
            lines.append(f"Cy Dee {i},cy{i}@example.com ::: cy{i}@example.org,,,")
    return "\n".join(lines) + "\n"


def _orders(n: int) -> str:
    lines = ["Order ID,Order Date,Customer Name,Customer Email,Sales,Status"]
    for i in range(n):
        if i % 4 == 3:
            lines.append(f"SO-{i},2024-13-45,Ana {i},ana{i}@example.com,12.50,Completed")   # bad date
        elif i % 4 == 2:
            lines.append(f"SO-{i},2024-03-05,Ana {i},ana{i}@example.com,-3.00,Completed")   # refused amount
        else:
            lines.append(f"SO-{i},2024-03-05,Ana {i},ana{i}@example.com,\"1,200.50\",Completed")
    return "\n".join(lines) + "\n"


def _contacts(n: int) -> str:
    lines = ["First Name,Last Name,Email,Pager,Company"]
    for i in range(n):
        pager = "call the desk" if i % 3 == 1 else ""
        email = "" if i % 7 == 6 else f"c{i}@example.com"
        lines.append(f"Li,Wei {i},{email},{pager},Acme {i % 5}")
    return "\n".join(lines) + "\n"


def _tickets(n: int) -> str:
    lines = ["Subject,Customer,Priority,Status,Opened"]
    for i in range(n):
        opened = "yesterday-ish" if i % 4 == 3 else "2024-03-05 10:00"
        lines.append(f"Printer {i} jams,Acme {i % 5},{'High' if i % 2 else 'Low'},Open,{opened}")
    return "\n".join(lines) + "\n"


def _garbage_after_import(session, path, kind: str) -> int:
    gc.collect()
    gc.disable()
    try:
        import_file(session, path, kind=kind, on_duplicate="skip")
        return gc.collect()
    finally:
        gc.enable()


@pytest.mark.parametrize("kind, rows", [("customers", _customers), ("orders", _orders),
                                        ("contacts", _contacts), ("tickets", _tickets)])
def test_an_import_leaves_no_reference_cycles_however_many_rows_it_has(kind, rows, admin, tmp_path):
    # A caught exception kept in a local holds its traceback, whose frames hold the
    # chunk: with the collector paused, such a cycle would keep every row in memory.
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    small.write_text(rows(40), encoding="utf-8")
    big.write_text(rows(1200), encoding="utf-8")
    # once into another store first: what is made once per process (phone metadata of a
    # country seen for the first time, classes inspect makes on a first use: the big file
    # repeats rows of the small one) is not the import's
    warm = tmp_path / "warm.cims"
    auth.init_store(warm, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    other = auth.sign_in(warm, "admin", ADMIN_PASSWORD)
    try:
        _garbage_after_import(other, small, kind)
        _garbage_after_import(other, big, kind)
    finally:
        other.close()
    first = _garbage_after_import(admin, small, kind)
    second = _garbage_after_import(admin, big, kind)
    assert second - first < 200, (first, second)


def test_memory_stays_bounded_when_something_does_make_cycles_while_collection_is_paused(monkeypatch):
    class Node:
        pass

    monkeypatch.setattr(collector, "GC_SAFETY_CONTAINERS", 1_000)
    gc.disable()
    try:
        node = Node()
        node.me = node                    # a cycle that is garbage once `node` goes
        gone = weakref.ref(node)
        del node
        _ = [[] for _ in range(2_000)]    # containers made since the last collection
        collector.bounded_garbage()
        assert gone() is None
    finally:
        gc.enable()


def test_below_the_bound_nothing_is_collected_at_a_chunk_boundary(monkeypatch):
    class Node:
        pass

    monkeypatch.setattr(collector, "GC_SAFETY_CONTAINERS", 10_000_000)
    gc.collect()
    gc.disable()
    try:
        node = Node()
        node.me = node
        gone = weakref.ref(node)
        del node
        collector.bounded_garbage()
        assert gone() is not None
    finally:
        gc.enable()
        gc.collect()


def test_cycles_a_library_makes_on_every_row_are_collected_at_chunk_boundaries(admin, tmp_path, monkeypatch):
    # phonenumbers keeps a caught exception in a local for a number with an unknown
    # country code: a cycle through its frame that holds the importer's frames and chunk.
    monkeypatch.setattr(collector, "GC_SAFETY_CONTAINERS", 20_000)
    path = tmp_path / "unknown_codes.csv"
    path.write_text("Name,Email,Phone\n" + "".join(f"P {i},p{i}@example.com,+999 {1_000_000 + i}\n"
                                                  for i in range(3_000)), encoding="utf-8")
    gc.collect()
    gc.disable()
    try:
        result = import_file(admin, path, chunk_rows=200)
        left = gc.collect()
    finally:
        gc.enable()
    assert result.created == 3_000 and result.warnings == 3_000     # the phone left empty, in Notes
    assert left < 2 * collector.GC_SAFETY_CONTAINERS, left           # about 100,000 without the bound
