"""An import collects garbage less often while it runs, and leaves the collector as it was."""

from __future__ import annotations

import gc

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.importer import run
from cims_xl.services import records


def test_the_collector_runs_less_often_during_an_import_and_is_set_back_after(admin, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_text("Name,Email,Phone\nJörg Müller,jorg@example.de,+49 30 1234567\n"
                    "李雷,lilei@example.cn,+86 139 1234 5678\n", encoding="utf-8")
    before = gc.get_threshold()
    seen: list[int] = []
    result = import_file(admin, path, progress=lambda done, total, phase: seen.append(gc.get_threshold()[0]))
    assert result.created == 2 and len(records.list_records(admin, "customer")) == 2
    assert seen and min(seen) >= max(run.GC_YOUNG_THRESHOLD, before[0])
    assert gc.get_threshold() == before


def test_a_refused_import_sets_the_collector_back_too(admin, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    before = gc.get_threshold()
    with pytest.raises(ImportRefused):
        import_file(admin, path)
    assert gc.get_threshold() == before


def test_a_lower_first_threshold_set_by_the_caller_is_kept_after_the_import(admin, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Order ID,Order Date,Customer Name,Sales\nA-1,2024-03-05,Ana,\"$1,200.50\"\n",
                    encoding="utf-8")
    before = gc.get_threshold()
    gc.set_threshold(321, before[1], before[2])
    try:
        import_file(admin, path, kind="orders")
        assert gc.get_threshold() == (321, before[1], before[2])
    finally:
        gc.set_threshold(*before)
