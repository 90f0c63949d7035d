"""Pending-row detection and the field-by-field merge, without a store."""

from __future__ import annotations

import datetime as dt

from cims_xl.domain.schema import CUSTOMER
from cims_xl.excel.adapter import TableData
from cims_xl.excel.layout import LAYOUTS
from cims_xl.excel.sync import plan_merge, read_rows, record_cells

LAYOUT = LAYOUTS["customer"]
UTC = dt.timezone.utc
NOW = dt.datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def _record(**values):
    rec = {f.key: None for f in CUSTOMER.fields}
    rec.update(id="C-000001", version=1, created_at=NOW, updated_at=NOW, name="Alice", type="Person",
               email="a@x.cn", city="Shanghai")
    rec.update(values)
    return rec


def _table(*rows: dict) -> TableData:
    headers = list(LAYOUT.headers)
    return TableData("Customers", headers, [[r.get(h) for h in headers] for r in rows])


def _refreshed(**values) -> dict:
    return record_cells(LAYOUT, _record(**values), UTC)


def test_a_row_as_refreshed_is_not_pending():
    [row] = read_rows(LAYOUT, _table(_refreshed()))
    assert not row.pending and row.key == "C-000001" and row.version == 1


def test_an_edited_row_is_pending_and_undoing_the_edit_makes_it_clean_again():
    cells = _refreshed()
    assert read_rows(LAYOUT, _table({**cells, "City": "Beijing"}))[0].pending
    assert not read_rows(LAYOUT, _table({**cells, "City": "Shanghai"}))[0].pending


def test_a_row_without_a_key_is_new_unless_it_is_blank():
    new, blank = read_rows(LAYOUT, _table({"Name": "Bob"}, {}))
    assert new.pending and new.key is None
    assert not blank.pending and blank.blank


def test_editing_only_the_status_or_a_meta_column_does_not_make_a_row_pending():
    cells = _refreshed()
    [row] = read_rows(LAYOUT, _table({**cells, "Status": "whatever", "Created": None}))
    assert not row.pending


def test_numbers_read_back_as_floats_do_not_make_a_row_pending():
    cells = _refreshed()
    cells["_version"] = 1.0
    [row] = read_rows(LAYOUT, _table(cells))
    assert not row.pending and row.version == 1


def test_fields_only_the_other_writer_changed_are_left_to_the_store():
    base = _record()
    store = _record(version=2, phone="+8613800138000")
    plan = plan_merge(CUSTOMER, {"city": "Beijing"}, base, store)
    assert plan.send == {"city": "Beijing"} and not plan.conflicts


def test_a_field_changed_on_both_sides_is_a_conflict():
    base = _record()
    store = _record(version=2, city="Hangzhou")
    plan = plan_merge(CUSTOMER, {"city": "Beijing"}, base, store)
    assert plan.conflicts == {"city": "Hangzhou"}


def test_both_sides_making_the_same_change_is_no_conflict_and_nothing_to_send():
    base = _record()
    store = _record(version=2, city="Beijing")
    plan = plan_merge(CUSTOMER, {"city": "Beijing"}, base, store)
    assert not plan.conflicts and not plan.send


def test_without_the_base_every_differing_field_counts_as_changed_by_both():
    store = _record(version=3)
    plan = plan_merge(CUSTOMER, {"city": "Beijing"}, None, store)
    assert plan.conflicts == {"city": "Shanghai"}


def test_forcing_lets_the_sheet_value_win_a_conflict():
    base = _record()
    store = _record(version=2, city="Hangzhou")
    plan = plan_merge(CUSTOMER, {"city": "Beijing"}, base, store, force=True)
    assert plan.send == {"city": "Beijing"} and not plan.conflicts
