"""Save / Refresh / Delete selected: the sheet <-> store protocol (PRODUCT.md).

Engine-independent: everything goes through `adapter.SheetAdapter`, so the ribbon in
Excel and `cims sync WORKBOOK save|refresh` on a closed file run the same code.

Rows are identified by the hidden `_key` column, never by position, so sorting,
filtering and inserting rows in Excel are harmless. The visible ID must agree with it,
and one record has one row: a copied row, a typed ID or a changed `_key` is refused,
never saved as a second record (docs/sheet-save-identity.md). New customers and
contacts that are a stored record again (email, phone) are refused as duplicates. `_version` is the store version
the row was last in step with; `_fingerprint` hashes the business values as written
then (see `sheet_codec.canonical`), so a row is *pending* when it has no key (new)
or its values no longer match the fingerprint (edited).

Save validates pending rows, commits all valid ones in one unit of work, then writes
keys, versions, fingerprints and a Status per row. Before the commit, each new row
gets a random row id (`~` and 24 hex digits) in its `_key` cell and the workbook is
saved; the store remembers which record it created from which row id, so a Save
repeated after a crash between the commit and the write-back creates nothing twice. When the store moved on since the
row was read, the row is merged field by field against the values it was read at
(replayed from the audit trail): fields only the other writer changed are kept, a
field both changed is a Conflict and nothing of that row is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import stat
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..domain.legal_forms import company_by_name, typed_by_name_note
from ..domain.models import DEFAULT_REGION, for_update, stored_fractions, validate_record
from ..domain.schema import CUSTOMER, Entity
from ..errors import CimsError, Conflict, NotFound, PermissionDenied, ValidationFailed
from ..crashpoints import crash_point
from ..services import records, sheet_rows
from ..services.erase_copies import WORKBOOK_FILE_ACTION
from .adapter import (MAX_GAP_ROWS, NOT_TAKEN, FileWorkbook, Progress, QuietUI, SheetAdapter, SheetError,
                      TableData, ensure_writable, sheet_label)
from .layout import (HIDDEN_FINGERPRINT, HIDDEN_KEY, HIDDEN_VERSION, LAYOUTS, STATUS_HEADER, SheetLayout,
                     fit_widths, unknown_headings)
from .sheet_codec import (Uncomputed, canonical, display, fingerprint, from_cell, local_zone, report_zone_kwargs,
                          same, to_cell)
from .package import require_cims_layout
from .report_writer import OpenpyxlWriter, drawn_objects, refresh_reports_file
from ..reports.refresh import REPORT_SHEETS, include_personal, refresh_with_writer

CREATED = "Created"
UPDATED = "Updated"
ACTIONS = ("save", "refresh", "reports")
DATA_SHEETS = tuple(lay.sheet for lay in LAYOUTS.values())


class UnsavedChanges(CimsError):
    """Refresh would overwrite rows that were edited but not saved."""

    exit_code = 12


# ----- reading rows ----------------------------------------------------------------------

ROW_ID_PREFIX = "~"     # a `_key` that is a new row's random id, not a record id


def new_row_id() -> str:
    return ROW_ID_PREFIX + secrets.token_hex(12)


@dataclass
class SheetRow:
    index: int                 # position in the table when read
    key: str | None
    version: int | None
    stored_fp: str | None
    cells: dict[str, Any]      # header -> value, layout columns present in the table
    fp: str                    # fingerprint of the business cells as they are now
    blank: bool
    row_id: str | None = None  # a new row's random id, given by a Save that may not have finished

    @property
    def status(self) -> Any:
        return self.cells.get(STATUS_HEADER)

    @property
    def pending(self) -> bool:
        if self.key is None:
            return not self.blank
        return self.fp != self.stored_fp


def _text_or_none(value: Any) -> str | None:
    if value is None or isinstance(value, Uncomputed):
        return None
    if isinstance(value, float) and value == int(value):
        value = int(value)
    text = str(value).strip()
    return text or None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def row_fingerprint(layout: SheetLayout, cells: Mapping[str, Any]) -> str:
    return fingerprint(cells.get(c.header) for c in layout.field_columns)


def read_rows(layout: SheetLayout, data: TableData) -> list[SheetRow]:
    ours = [h for h in layout.headers if h in data.columns]
    fields = [c.header for c in layout.field_columns]
    out = []
    for i, values in enumerate(data.rows):
        cells = {h: values[data.columns[h]] for h in ours}
        key = _text_or_none(cells.get(HIDDEN_KEY))
        row_id = key if key and key.startswith(ROW_ID_PREFIX) else None
        if row_id:
            key = None
        blank = all(canonical(cells.get(h)) == "" for h in fields)
        out.append(SheetRow(i, key.upper() if key else None, _int_or_none(cells.get(HIDDEN_VERSION)),
                            _text_or_none(cells.get(HIDDEN_FINGERPRINT)), cells,
                            row_fingerprint(layout, cells), blank, row_id))
    return out


def unsaved_rows(layout: SheetLayout, data: TableData) -> list[SheetRow]:
    return [r for r in read_rows(layout, data) if r.pending]


# ----- store record -> sheet cells --------------------------------------------------------

def _masked(session, ent: Entity) -> frozenset[str]:
    """Personal fields the signed-in role may not read (shown blank)."""
    return frozenset() if session.may("read_personal", ent.kind) else frozenset(ent.private_keys)


def customer_names(session, ids: Iterable[str] | None = None) -> dict[str, str | None]:
    """Customer id -> current name, for the read-only Customer Name columns.

    `ids` None: every live customer (Refresh); else just those (Save write-back).
    Roles that may not read personal fields get None for every name (shown blank).
    """
    if ids is None:
        from ..services.frames import load_frame
        frame = load_frame(session, "customer", ["id", "name"])
        return dict(zip(frame["id"], frame["name"]))
    ids = sorted({i for i in ids if i})
    if not ids:
        return {}
    return {rec["id"]: rec.get("name") for rec in records.list_records(session, "customer", ids=ids)}


def _lookup_ids(layout: SheetLayout, recs: Iterable[Mapping[str, Any]]) -> set[str]:
    keys = [c.key for c in layout.lookup_columns]
    return {rec.get(k) for rec in recs for k in keys if rec.get(k)}


def record_cells(layout: SheetLayout, rec: Mapping[str, Any], tz: dt.tzinfo,
                 masked: frozenset[str] = frozenset(),
                 names: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every column we own for one record (Status excepted), fingerprint included.

    Lookup columns (Customer Name) are filled from `names` (customer id -> name) and
    left out when `names` is None; they are never part of the fingerprint.
    """
    cells: dict[str, Any] = {}
    for col in layout.columns:
        if col.role == "field":
            value = None if col.key in masked else rec.get(col.key)
            cells[col.header] = to_cell(col.field.kind, value, tz)
        elif col.role == "lookup":
            if names is not None:
                cells[col.header] = names.get(rec.get(col.key))
        elif col.role == "id":
            cells[col.header] = rec["id"]
        elif col.role == "created":
            cells[col.header] = to_cell("datetime", rec.get("created_at"), tz)
        elif col.role == "updated":
            cells[col.header] = to_cell("datetime", rec.get("updated_at"), tz)
    cells[HIDDEN_KEY] = rec["id"]
    cells[HIDDEN_VERSION] = rec["version"]
    cells[HIDDEN_FINGERPRINT] = row_fingerprint(layout, cells)
    return cells


def _changed_cells(data: TableData, row: int, desired: Mapping[str, Any]) -> dict[str, Any]:
    return {h: v for h, v in desired.items()
            if h in data.columns and not same(data.value(row, h), v)}


def _note(progress: Progress | None, done: int, total: int, text: str) -> None:
    if progress is not None:
        progress(done, total, text)


# ----- Refresh -----------------------------------------------------------------------------

def check_headings(sheets: Iterable[SheetAdapter], *, action: str = "saved") -> None:
    """SheetError, before anything is read from or written to the store or the file, when
    a data table holds a heading that names none of our columns where one of ours is
    missing (`layout.unknown_headings`: City renamed Stadt, mistyped or translated).
    Such a column would be skipped by Save (the user's edits lost) and left stale by
    Refresh. A column the user added inside the table, with ours all there, is fine."""
    from openpyxl.utils import get_column_letter

    problems = []
    for sheet in sheets:
        found = unknown_headings(sheet.layout, sheet.headers, getattr(sheet, "defined_headers", None))
        left = getattr(sheet, "_bounds", None)
        first_col = left()[0] if left is not None else getattr(sheet, "_left", 1)
        for u in found:
            problems.append(f"sheet {sheet.name!r}, column {get_column_letter(first_col + u.position)}: the "
                            f"heading {u.heading!r} names no {sheet.layout.entity.label} field; it is most likely "
                            f"{u.was!r} (that column is missing from table {sheet.layout.table})")
    if not problems:
        return
    raise SheetError(
        "; ".join(problems) + f". Nothing was {action}. Put the heading back (a heading that differs only "
        "in capitals or spaces is taken as the same). To keep a column of your own inside the table, insert "
        "a new column for it and leave cims's columns and their headings as they are")


def check_refresh(sheet: SheetAdapter, data: TableData | None = None, *,
                  anyway: str = "refresh anyway") -> None:
    """Raise UnsavedChanges when the sheet holds rows not yet saved; `anyway` says how
    to go ahead and discard them (the CLI: "refresh with --force")."""
    data = data if data is not None else sheet.read()
    pending = unsaved_rows(sheet.layout, data)
    if pending:
        n = len(pending)
        raise UnsavedChanges(f"{sheet.name} has {n} unsaved row{'s' if n != 1 else ''}; save first, "
                             f"or {anyway} to discard {'them' if n != 1 else 'it'}")


def refresh_sheet(session, sheet: SheetAdapter, *, force: bool = False, tz: dt.tzinfo | None = None,
                  progress: Progress | None = None) -> dict:
    """Write the store's current rows into the sheet's table, in place by `_key`.

    Rows keep their position (a sorted table stays sorted); records new in the store
    are appended, rows whose record is gone (or that were never saved, with `force`)
    are removed. Cells beside and inside the table that are not ours are left alone.
    """
    layout, tz = sheet.layout, tz or local_zone()
    check_headings([sheet], action="refreshed")
    data = sheet.read()
    if not force:
        check_refresh(sheet, data)
    _note(progress, 0, 1, f"Reading {layout.entity.label} records")
    recs = records.list_records(session, layout.entity.kind)
    masked = _masked(session, layout.entity)
    names = customer_names(session) if layout.lookup_columns else None
    desired = {rec["id"]: record_cells(layout, rec, tz, masked, names) for rec in recs}
    checks = {rec["id"]: note for rec in recs if (note := stored_check(layout.entity, rec)) is not None}
    for key, note in checks.items():
        desired[key][STATUS_HEADER] = note
    updates: dict[int, dict[str, Any]] = {}
    unmark: list[tuple[int, str]] = []
    drop: list[int] = []
    seen: set[str] = set()
    rows = read_rows(layout, data)
    for n, row in enumerate(rows):
        if row.key in desired and row.key not in seen:
            seen.add(row.key)
            diff = _changed_cells(data, row.index, {STATUS_HEADER: None, **desired[row.key]})
            if diff:
                updates[row.index] = diff
            if _flagged(row):  # only rows with a bad status can carry our highlight
                unmark += [(row.index, c.header) for c in layout.field_columns]
        elif row.key is None and row.blank:
            continue
        else:
            drop.append(row.index)
        if n % 500 == 0:
            _note(progress, n, len(rows), f"Refreshing {sheet.name}")
    new = [desired[rec["id"]] for rec in recs if rec["id"] not in seen]
    sheet.write(updates)
    sheet.highlight(unmark, on=False)
    sheet.delete_rows(drop)
    sheet.append(new)
    reapply = getattr(sheet, "reapply_filter", None)
    if reapply is not None:     # rows hidden by what they hold, not by their old row numbers
        reapply()
    widen = getattr(sheet, "widen_columns", None)
    if widen is not None:  # emails, tags and names shown whole (up to a cap)
        widen(fit_widths(layout, desired.values()))
    _show_money(sheet)
    _protect(sheet)
    _note(progress, len(rows), len(rows), f"Refreshed {sheet.name}")
    out = {"rows": len(recs), "changed": len(updates), "added": len(new), "removed": len(drop)}
    notes = list(getattr(sheet, "notes", None) or ())
    if notes:   # what the rows moved by Refresh left where it was (row_shift)
        out["notes"] = notes
    return out


def _show_money(sheet: SheetAdapter) -> None:
    """Every money cell shows its row's currency's decimals (`show_money` of the adapter)."""
    show = getattr(sheet, "show_money", None)
    if show is not None:
        show()


def _protect(sheet: SheetAdapter) -> None:
    """Text that starts like a formula keeps its text mark on every row of the table,
    not only the rows just written: LibreOffice drops the mark when it saves."""
    protect = getattr(sheet, "protect_formula_text", None)
    if protect is not None:
        protect()


def stored_check(ent, rec: Mapping[str, Any]) -> str | None:
    """The Status a row shows for a record whose stored amount has a fraction its currency
    has not (1.5 JPY, from before amounts were checked: models.stored_fractions), naming
    the value and what to do; None for any other record. The value is shown as stored,
    never rounded."""
    found = stored_fractions(ent, dict(rec))
    if not found:
        return None
    return ("Check: " + "; ".join(f"{header}: {why}" for header, why in found.items())
            + f" ({rec.get('id')} was stored so before amounts were checked: type the right amount or currency "
              "and Save)")


# ----- Save: planning (pure, testable without a store) --------------------------------------

@dataclass
class Outcome:
    """What Save did to one row: the Status text, the record to write back, bad cells."""

    status: str | None
    record: dict | None = None
    bad: tuple[str, ...] = ()


@dataclass
class FieldChange:
    """Who last changed a field in the store after the row was read."""

    actor: str
    at: dt.datetime | None


@dataclass
class MergePlan:
    send: dict[str, Any] = field(default_factory=dict)         # field key -> clean value
    conflicts: dict[str, Any] = field(default_factory=dict)    # field key -> store value


def _from_json(kind: str, value: Any) -> Any:
    """An audit-trail value (stored JSON form) back as the type records use."""
    if value is None or not isinstance(value, str):
        if kind in ("money", "decimal") and isinstance(value, (int, float)) and not isinstance(value, bool):
            return Decimal(str(value))
        return value
    try:
        if kind == "date":
            return dt.date.fromisoformat(value[:10])
        if kind == "datetime":
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
        if kind in ("money", "decimal"):
            return Decimal(value)
        if kind == "int":
            return int(value)
    except (ValueError, InvalidOperation):
        return value
    return value


def plan_merge(ent: Entity, mine: Mapping[str, Any], base: Mapping[str, Any] | None,
               store: Mapping[str, Any], *, force: bool = False) -> MergePlan:
    """Decide what to send for one row.

    `mine`: clean values of the fields the user changed on the sheet (relative to the
    row's base). `base`: the record as it was when the row was read (None when
    unknown: then every field whose value differs from the store counts as changed by
    the other writer). `store`: the record now. A field changed on both sides to
    different values is a conflict (unless `force`: ours wins); fields only the
    other writer changed are left as the store has them.
    """
    plan = MergePlan()
    for key, value in mine.items():
        theirs_changed = base is None or store.get(key) != base.get(key)
        if value == store.get(key):
            continue
        if theirs_changed and not force:
            plan.conflicts[key] = store.get(key)
        else:
            plan.send[key] = value
    return plan


class _Context:
    def __init__(self, session, layout: SheetLayout, tz: dt.tzinfo, force: bool):
        self.session, self.layout, self.tz, self.force = session, layout, tz, force
        self.ent = layout.entity
        self.masked = _masked(session, self.ent)
        self.legal_forms: dict[int, str] = {}      # new row -> the legal form that typed it Company
        from ..services.settings import phone_context
        self.validation = {"region": DEFAULT_REGION, "tz": tz, **phone_context(session)}
        if any(f.key == "currency" for f in self.ent.fields):
            from ..services.settings import store_currency
            self.validation["currency"] = store_currency(session)


def _uncomputed(layout: SheetLayout, row: SheetRow, headers: Iterable[str]) -> dict[str, str]:
    return {h: "a formula Excel has not calculated; type the value, or save the workbook in Excel first"
            for h in headers if isinstance(row.cells.get(h), Uncomputed)}


# What a cell's ambiguous date asks for in an import (an order of the file's dates) is no
# choice on a sheet: there, the date is typed year first or entered as a date cell.
_ORDER_ASKED = re.compile(r"give the date order \((?:DMY, MDY or YMD|DMY or MDY)\) or write it as YYYY-MM-DD")
_ON_A_SHEET = ("type it year first as YYYY-MM-DD (2026-04-03), or enter it as a date cell (Excel's date format "
               "of your computer's region)")


def _invalid(problems: Mapping[str, str]) -> Outcome:
    text = "; ".join(f"{h}: {r}" if h else r for h, r in problems.items())
    text = _ORDER_ASKED.sub(_ON_A_SHEET, text)
    return Outcome(f"Invalid: {text}", bad=tuple(h for h in problems if h))


def _inputs(ctx: _Context, row: SheetRow, headers: Iterable[str]) -> dict[str, Any]:
    lay = ctx.layout
    return {lay.column(h).key: from_cell(lay.column(h).field.kind, row.cells.get(h)) for h in headers}


def plan_new(ctx: _Context, row: SheetRow) -> tuple[dict | None, Outcome | None]:
    """Clean values for a new row, or the Invalid outcome."""
    headers = [c.header for c in ctx.layout.field_columns if c.editable and c.header in row.cells]
    problems = _uncomputed(ctx.layout, row, headers)
    if problems:
        return None, _invalid(problems)
    inputs = _inputs(ctx, row, headers)
    if ctx.ent.kind == "customer" and (form := company_by_name(inputs)):
        # a blank Type: "Acme GmbH" is a Company, as the import and `customer add` read it
        inputs["type"] = "Company"
        ctx.legal_forms[row.index] = form
    try:
        return validate_record(ctx.ent, inputs, context=ctx.validation), None
    except ValidationFailed as exc:
        return None, _invalid(exc.problems)


def _base_record(ctx: _Context, row: SheetRow, store_rec: dict) -> tuple[dict | None, frozenset[str]]:
    """(the record as it was when the row was read, or None if that cannot be known;
    the fields hidden in the row as it was written). A sheet refreshed by someone who may
    not see personal fields (a viewer) holds them blank: saved by someone who may, those
    blanks are not edits (they would have emptied a required name)."""
    lay = ctx.layout
    masks = [ctx.masked] + ([frozenset(ctx.ent.private_keys)] if set(ctx.ent.private_keys) - ctx.masked else [])

    def written(rec: dict) -> frozenset[str] | None:
        return next((m for m in masks if record_cells(lay, rec, ctx.tz, m)[HIDDEN_FINGERPRINT] == row.stored_fp),
                    None)

    if row.stored_fp and (row.version is None or row.version == store_rec["version"]) \
            and (mask := written(store_rec)) is not None:
        return store_rec, mask
    if row.version is None or row.version > store_rec["version"] or row.version < 1:
        return None, ctx.masked
    values = records.values_at(ctx.session, store_rec["id"], row.version)
    base = dict(store_rec)
    for col in lay.field_columns:
        base[col.key] = _from_json(col.field.kind, values.get(col.key))
    base["version"] = row.version
    # Trust the replay only if it reproduces what the sheet was written from.
    mask = written(base) if row.stored_fp else None
    return (base, mask) if mask is not None else (None, ctx.masked)


def _erased_since(ctx: _Context, record_id: str, version: int | None, store_rec: dict) -> Outcome | None:
    """A conflict outcome when the record's personal data was erased (GDPR/PIPL) after the
    row was read: nothing of the row is saved, whatever its edits (they were made to
    values that no longer exist). Only looked up when the record changed since."""
    if version is not None and store_rec.get("version", 0) <= version:
        return None
    for entry in reversed(records.history(ctx.session, record_id)):
        if version is not None and entry["version"] <= version:
            break
        if entry.get("action") == "erase":
            return Outcome(f"Conflict: erased (GDPR/PIPL) by {entry.get('actor') or '?'} at "
                           f"{_when(entry.get('at'), ctx.tz)}; its personal data is no longer in the store "
                           "and this row was not saved. Refresh to see what is left", bad=("ID",))
    return None


def _who_changed(ctx: _Context, record_id: str, since_version: int | None) -> dict[str, FieldChange]:
    out: dict[str, FieldChange] = {}
    for entry in records.history(ctx.session, record_id):
        if since_version is not None and entry["version"] <= since_version:
            continue
        for key in entry.get("changes") or {}:
            out[key] = FieldChange(entry.get("actor") or "?", entry.get("at"))
    return out


def _when(at: dt.datetime | None, tz: dt.tzinfo) -> str:
    if at is None:
        return "an unknown time"
    if at.tzinfo is not None:
        at = at.astimezone(tz)
    return at.strftime("%Y-%m-%d %H:%M")


def conflict_status(ctx: _Context, conflicts: Mapping[str, Any], who: Mapping[str, FieldChange],
                    store_rec: Mapping[str, Any]) -> Outcome:
    parts, bad = [], []
    for key, value in conflicts.items():
        col = next(c for c in ctx.layout.field_columns if c.key == key)
        change = who.get(key) or FieldChange(store_rec.get("updated_by") or "?", store_rec.get("updated_at"))
        shown = "hidden" if key in ctx.masked else display(value, ctx.tz)
        parts.append(f"{col.header} changed by {change.actor} at {_when(change.at, ctx.tz)} (store: {shown})")
        bad.append(col.header)
    return Outcome("Conflict: " + "; ".join(parts), bad=tuple(bad))


def plan_existing(ctx: _Context, row: SheetRow, store_rec: dict | None) -> tuple[tuple | None, Outcome | None]:
    """(record id, changes, expected version) to send for an edited row, or its outcome."""
    lay, key = ctx.layout, row.key
    if store_rec is None or store_rec.get("id") != key:
        return None, Outcome(f"Conflict: {key} is not a {ctx.ent.label} in the store "
                             f"(deleted for good, gone with a restore of an older backup, or from another store)", bad=("ID",))
    if store_rec.get("deleted_at") is not None:
        return None, Outcome(f"Conflict: deleted by {store_rec.get('deleted_by') or '?'} at "
                             f"{_when(store_rec.get('deleted_at'), ctx.tz)}", bad=("ID",))
    if "ID" in row.cells and not same(row.cells["ID"], key):
        return None, _invalid({"ID": f"cannot be changed (this row is {key}); add a new row instead"})
    erased = _erased_since(ctx, key, row.version, store_rec)
    if erased is not None:
        return None, erased
    base, hidden = _base_record(ctx, row, store_rec)
    reference = base if base is not None else store_rec
    ref_cells = record_cells(lay, reference, ctx.tz, hidden)
    changed = [c.header for c in lay.field_columns
               if c.header in row.cells and not same(row.cells[c.header], ref_cells[c.header])]
    locked = [h for h in changed if not lay.column(h).editable]
    if locked:
        return None, _invalid({h: "is computed by cims and cannot be changed" for h in locked})
    problems = _uncomputed(lay, row, changed)
    if problems:
        return None, _invalid(problems)
    try:
        clean = validate_record(ctx.ent, _inputs(ctx, row, changed), partial=True,
                                context=for_update(ctx.validation, reference)) if changed else {}
    except ValidationFailed as exc:
        return None, _invalid(exc.problems)
    if base is not None:
        clean = {k: v for k, v in clean.items() if v != base.get(k)}
    plan = plan_merge(ctx.ent, clean, base, store_rec, force=ctx.force)
    if plan.conflicts:
        who = _who_changed(ctx, key, row.version if base is not None else None)
        return None, conflict_status(ctx, plan.conflicts, who, store_rec)
    if not plan.send:
        return None, Outcome(None, record=store_rec)
    return (key, plan.send, store_rec["version"]), None


# ----- Save: the whole thing ---------------------------------------------------------------

@dataclass
class SheetSave:
    sheet: SheetAdapter
    ctx: _Context
    data: TableData
    rows: list[SheetRow]
    creates: list[tuple[int, dict]] = field(default_factory=list)
    updates: list[tuple[int, tuple]] = field(default_factory=list)
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    row_ids: dict[int, str] = field(default_factory=dict)     # table row -> new row's id


def _plan_sheet(session, sheet: SheetAdapter, tz: dt.tzinfo, force: bool,
                progress: Progress | None) -> SheetSave:
    layout = sheet.layout
    data = sheet.read()
    rows = read_rows(layout, data)
    job = SheetSave(sheet, _Context(session, layout, tz, force), data, rows)
    label = layout.entity.label
    shown = {r.index: _shown_id(r) for r in rows} if "ID" in data.columns else {}
    # A row whose ID cell does not say its key (the ID was typed over, or the hidden _key
    # changed): it is refused, and never the row that speaks for that key.
    moved = {r.index for r in rows if r.key and r.index in shown and shown[r.index] != r.key}
    # ... except a copy of a row whose ID the user cleared, the other row still showing it:
    # a new record, as the status of such a copy says.
    kept = {r.key for r in rows if r.key and r.index not in moved}
    for row in rows:
        if row.index in moved and shown[row.index] is None and row.key in kept and not row.blank:
            moved.discard(row.index)
            row.key, row.version, row.stored_fp = None, None, None
    owners: dict[str, SheetRow] = {}
    for row in rows:  # a copied row shares its ID and _key: the unchanged one keeps it, else the first
        if row.key and row.index not in moved and (
                row.key not in owners or (owners[row.key].pending and not row.pending)):
            owners[row.key] = row
    pending = [r for r in rows if r.pending or (r.key and owners.get(r.key) is not r)]
    typed = {r.index: shown[r.index] for r in pending if r.key is None and shown.get(r.index)}
    ids = sorted({r.key for r in pending if r.key and owners.get(r.key) is r} | set(typed.values()))
    store = {rec["id"]: rec for rec in
             records.list_records(session, layout.entity.kind, ids=ids, include_deleted=True)} if ids else {}
    kind = layout.entity.kind
    if pending and not any(session.may(a, kind, owner=session.username) for a in ("create", "update")):
        # A role that may write no record of this kind (a viewer; support on customers):
        # every pending row is refused before any merge planning; the denial is audited
        # once per action and sheet, not once per row.
        refusals: dict[str, Outcome] = {}
        for row in pending:
            action = "create" if row.key is None else "update"
            if action not in refusals:
                try:
                    session.ensure(action, kind, record_id=row.key)
                except CimsError as exc:
                    refusals[action] = _refused(exc)
            job.outcomes[row.index] = refusals[action]
        return job
    zone = _written_zone(session, job.ctx, rows, pending, store)
    if zone is not None:
        # The sheet was refreshed in another zone than this Save runs in: its times are read
        # in the zone they were written in (compared as instants), never as changes.
        job.ctx.tz = zone
        job.ctx.validation["tz"] = zone
    for n, row in enumerate(pending):
        if n % 200 == 0:
            _note(progress, n, len(pending), f"Checking {sheet.name}")
        clean = None
        if row.index in moved:
            outcome = _invalid({"ID": f"cannot be changed (this row is {row.key}); to change another "
                                      f"{label} edit its own row, to add one use a new row without an ID"})
        elif row.key and owners.get(row.key) is not row:
            # The ID column names the record: a second row with the same ID is never
            # another record, edited or not.
            outcome = _second_row(row.key, label)
        elif row.index in typed:
            outcome = _typed_id(typed[row.index], owners, store, label)
        elif row.key is None:
            clean, outcome = plan_new(job.ctx, row)
        else:
            update, outcome = plan_existing(job.ctx, row, store.get(row.key))
            if update is not None:
                job.updates.append((row.index, update))
        if outcome is not None:
            job.outcomes[row.index] = outcome
        elif clean is not None:
            job.creates.append((row.index, clean))
    _refuse_computed_columns(job)
    return job


def _refuse_computed_columns(job: SheetSave) -> None:
    """A column added to the table for a field cims computes and never shows (a ticket's
    Paused Seconds or Pending Since, from status changes): each row with a value in it is
    refused naming the field, not saved without it (nothing of the row is written)."""
    from ..domain.schema import computed_problem

    ent, data = job.ctx.ent, job.data
    ours = set(job.ctx.layout.headers)
    added = {}
    for header, col in data.columns.items():
        wanted = str(header).strip().lower()
        f = next((f for f in ent.fields if not f.editable and wanted in (f.key, f.header.lower())), None)
        if f is not None and header not in ours:
            added[f] = col
    if not added:
        return
    refused = set()
    for row in job.rows:
        given = [f for f, col in added.items() if canonical(data.rows[row.index][col]) != ""]
        if given:
            refused.add(row.index)
            job.outcomes[row.index] = Outcome("Invalid: " + "; ".join(
                f"{f.header}: {computed_problem(ent, f.key)}; delete the column" for f in given))
    job.creates = [c for c in job.creates if c[0] not in refused]
    job.updates = [u for u in job.updates if u[0] not in refused]


_ZONE_SAMPLE = 3      # rows whose fingerprint tells the zone a sheet's times were written in


def _written_zone(session, ctx: _Context, rows: Sequence[SheetRow], pending: Sequence[SheetRow],
                  store: Mapping[str, dict]) -> dt.tzinfo | None:
    """The time zone the sheet's times were written in by its last Refresh or Save, when it
    is not the zone this Save runs in ($CIMS_TZ or the machine's differ); None when it is the
    same or cannot be told. A row's hidden fingerprint is of the cells as written: the zone
    that reproduces it from the stored record (same version) is the one its wall-clock times
    are in. Checked only when some row is to be saved; the zones are tried only when the
    Save's own zone reproduces none of the sample."""
    from zoneinfo import ZoneInfo, available_timezones

    if not pending or not any(f.kind == "datetime" for f in ctx.ent.fields):
        return None
    lay = ctx.layout
    masks = [ctx.masked] + ([frozenset(ctx.ent.private_keys)] if set(ctx.ent.private_keys) - ctx.masked else [])
    sample = []
    for r in pending:
        rec = store.get(r.key) if r.key and r.stored_fp and r.version else None
        if rec is None or len(sample) == _ZONE_SAMPLE or not 1 <= r.version <= rec["version"]:
            continue
        if r.version < rec["version"]:
            # the record as the row was written from (changed in the store since)
            values = records.values_at(ctx.session, rec["id"], r.version)
            rec = {**rec, **{c.key: _from_json(c.field.kind, values.get(c.key)) for c in lay.field_columns},
                   "version": r.version}
        sample.append((r, rec))
    if len(sample) < _ZONE_SAMPLE:
        others = [r for r in rows if r.key and r.stored_fp and r.version and not r.pending][:_ZONE_SAMPLE]
        if others:
            found = {rec["id"]: rec for rec in records.list_records(session, ctx.ent.kind,
                                                                     ids=sorted({r.key for r in others}))}
            sample += [(r, found[r.key]) for r in others
                       if r.key in found and found[r.key]["version"] == r.version][:_ZONE_SAMPLE - len(sample)]
    if not sample:
        return None

    def fits(zone: dt.tzinfo) -> bool:
        return all(any(record_cells(lay, rec, zone, m)[HIDDEN_FINGERPRINT] == row.stored_fp for m in masks)
                   for row, rec in sample)

    if fits(ctx.tz):
        return None
    for name in ["UTC", *sorted(available_timezones() - {"UTC"})]:
        try:
            zone = ZoneInfo(name)
        except (OSError, ValueError):
            continue
        if fits(zone):
            return zone
    return None


def _shown_id(row: SheetRow) -> str | None:
    """The record id the row's visible ID cell shows (upper case), or None when blank."""
    text = _text_or_none(row.cells.get("ID"))
    return text.upper() if text else None


def _second_row(record_id: str, label: str) -> Outcome:
    return Outcome(f"Duplicate of {record_id}: not saved; delete this row (another row is {record_id}). "
                   f"To add a new {label} like it, clear its ID", bad=("ID",))


def _typed_id(record_id: str, owners: Mapping[str, SheetRow], store: Mapping[str, dict], label: str) -> Outcome:
    """The status of a new row (no hidden key) whose ID the user typed. The ID column names
    the record, but a typed row has no version to check an edit against and its empty
    cells would empty the record's fields: it is refused, saying which row to edit."""
    if record_id in owners:
        return _second_row(record_id, label)
    rec = store.get(record_id)
    if rec is not None:
        gone = " (deleted)" if rec.get("deleted_at") is not None else ""
        return _invalid({"ID": f"{record_id} is a stored {label}{gone} that is not on this sheet: to change "
                               f"it, Refresh and edit its row; to add a new {label}, clear the ID"})
    return _invalid({"ID": f"leave it empty for a new {label}: cims gives the ID when the row is saved"})


def _mark_new_rows(jobs: Sequence[SheetSave]) -> bool:
    """Give every row to be created a row id of its own in `_key`; True if a cell changed.

    A row keeps the id an unfinished Save gave it; a copy of such a row gets a new one.
    """
    changed = False
    for job in jobs:
        if HIDDEN_KEY not in job.data.columns:
            continue
        seen: set[str] = set()
        writes: dict[int, dict[str, Any]] = {}
        for index, _clean in job.creates:
            row_id = job.rows[index].row_id
            if not row_id or row_id in seen:
                row_id = new_row_id()
                writes[index] = {HIDDEN_KEY: row_id}
            seen.add(row_id)
            job.row_ids[index] = row_id
        if writes:
            job.sheet.write(writes)
            changed = True
    return changed


def _created_before(session, ctx: _Context, rec: dict, clean: dict) -> Outcome:
    """A row whose record an earlier, unfinished Save created: bring the record up to the row."""
    if rec.get("deleted_at") is not None:
        return Outcome(f"Conflict: saved before as {rec['id']}, then deleted by {rec.get('deleted_by') or '?'} "
                       f"at {_when(rec.get('deleted_at'), ctx.tz)}", bad=("ID",))
    changes = {k: v for k, v in clean.items() if v is not None and v != rec.get(k) and k not in ctx.masked}
    if not changes:
        return Outcome(CREATED, record=rec)
    rec = records._service_update_many(session, [(rec["id"], changes, rec["version"])], token=records._SERVICE,
                                       action="update", validated=True, context=ctx.validation)[0]
    return Outcome(UPDATED, record=rec)


# The Status of a new customer row refused because its phone or role mailbox is another
# customer's under another name: it may be the same person (a "Duplicate" count).
MAYBE_SAME = "Duplicate? "


def _duplicate(ctx: _Context, dup: "sheet_rows.Duplicate") -> Outcome:
    """A new row that is a stored record (or one created earlier in this Save) again:
    not saved, as `cims customer add` refuses it; the cells that say so are marked."""
    lay = ctx.layout
    bad = tuple(c.header for c in lay.field_columns if c.key in dup.fields)
    if dup.deleted_on:
        return Outcome(f"{dup.record_id}, deleted on {dup.deleted_on}, has this {dup.how}: not saved. Restore it "
                       f"(cims customer restore {dup.record_id}) to bring it back with its records, or delete "
                       "this row", bad=bad)
    if dup.maybe:
        # as `cims customer add` refuses it (services.records._ensure_no_customer_has)
        what = "phone" if dup.how == "phone" else "email (a role's mailbox several people share)"
        return Outcome(f"{MAYBE_SAME}{dup.record_id} already has this {what} under another name: may be the same "
                       f"person; not saved. Edit {dup.record_id}'s row instead, or, if this is another person who "
                       f"shares it, save it allowing duplicates (answer Yes when Save asks; "
                       f"`cims sync FILE save --allow-duplicate`)", bad=bad)
    return Outcome(f"Duplicate of {dup.record_id}: not saved (the same {dup.how}); edit that "
                   f"{ctx.ent.label}'s row instead, or delete this one", bad=bad)


def _takes_anothers(session, ctx: _Context, record_id: str, changes: Mapping[str, Any]) -> Outcome | None:
    """An edited customer row given another customer's email, phone or mobile: not saved,
    as `cims customer edit` refuses it (records.update_customer: the same check), with the
    option that saves it anyway; None when the values are its own or no one else's."""
    keys = ("email", "phone", "mobile")
    if not any(changes.get(k) not in (None, "") for k in keys):
        return None
    current = session.store.fetch_record(CUSTOMER, record_id)
    if current is None:
        return None
    new = {k: changes[k] for k in keys if changes.get(k) not in (None, "") and changes[k] != current.get(k)}
    if not new:
        return None
    try:
        records._ensure_no_customer_has(session, new, "changed", record_id)
    except Conflict as exc:
        said = exc.message.split("; nothing was", 1)[0]
        bad = tuple(c.header for c in ctx.layout.field_columns if c.key in new)
        return Outcome(f"{MAYBE_SAME}{said}: not saved (as `cims customer edit` refuses it). Change the cell back "
                       "or edit that customer's row; if both really share it, save allowing duplicates (answer "
                       "Yes when Save asks; `cims sync FILE save --allow-duplicate`)", bad=bad)
    return None


def _apply(session, jobs: Sequence[SheetSave], progress: Progress | None, allow_duplicate: bool = False) -> None:
    """Send every planned create/update in one unit of work; per-row refusals become statuses."""
    total = sum(len(j.creates) + len(j.updates) for j in jobs)
    done = 0
    with session.unit_of_work() as uow:
        for job in jobs:
            kind, ctx = job.ctx.ent.kind, job.ctx
            earlier = sheet_rows.records_for_rows(session, kind, sorted(set(job.row_ids.values())))
            # Read inside the unit of work: what another writer saved a moment ago counts.
            dups = sheet_rows.NewRowDuplicates(
                session, kind, (clean for index, clean in job.creates if job.row_ids.get(index) not in earlier),
                allow_duplicate=allow_duplicate) \
                if kind in sheet_rows.DEDUPED_KINDS else None
            for index, clean in job.creates:
                row_id = job.row_ids.get(index)
                try:
                    if row_id in earlier:
                        job.outcomes[index] = _created_before(session, ctx, earlier[row_id], clean)
                    elif dups is not None and (dup := dups.find(clean)) is not None:
                        job.outcomes[index] = _duplicate(ctx, dup)
                    else:
                        rec = sheet_rows.create_for_row(session, kind, clean, row_id, context=ctx.validation)
                        job.outcomes[index] = Outcome(CREATED, record=rec)
                        if dups is not None:
                            dups.add(clean, rec["id"])
                except CimsError as exc:
                    job.outcomes[index] = _refused(exc)
                done += 1
                if done % 200 == 0:
                    _note(progress, done, total, "Saving")
            for index, (record_id, changes, version) in job.updates:
                try:
                    if kind == "customer" and not allow_duplicate \
                            and (taken := _takes_anothers(session, ctx, record_id, changes)) is not None:
                        job.outcomes[index] = taken
                        continue
                    if kind == "contact" and (said := records.contact_duplicate(session, record_id, changes)):
                        # edited into another contact of its customer again: as `contact edit` refuses it
                        bad = tuple(c.header for c in ctx.layout.field_columns
                                    if c.key in changes and c.key in ("email", "phone", "mobile", "customer_id"))
                        job.outcomes[index] = Outcome(
                            "Duplicate of " + said.split(" is already", 1)[0] + ": not saved (" + said.split(
                                "; nothing was", 1)[0] + "); change the cell back, or edit that contact's row "
                            "instead", bad=bad)
                        continue
                    rec = records._service_update_many(session, [(record_id, changes, version)],
                                                       token=records._SERVICE, action="update",
                                                       validated=True, context=ctx.validation)[0]
                    job.outcomes[index] = Outcome(UPDATED, record=rec)
                except CimsError as exc:
                    job.outcomes[index] = _refused(exc)
                done += 1
                if done % 200 == 0:
                    _note(progress, done, total, "Saving")
        uow.commit()


def _refused(exc: CimsError) -> Outcome:
    if isinstance(exc, ValidationFailed):
        return _invalid(exc.problems)
    if isinstance(exc, Conflict):
        return Outcome(f"Conflict: {exc.message}")
    if isinstance(exc, PermissionDenied):
        return Outcome(f"Not allowed: {exc.message}")
    if isinstance(exc, NotFound):
        return Outcome(f"Conflict: {exc.message}")
    return Outcome(f"Not saved: {exc.message}")


BAD_STATUS = ("Invalid", "Conflict", "Not allowed", "Not saved", "Duplicate")


def _flagged(row: SheetRow) -> bool:
    """Does the row show a problem from an earlier Save (and maybe highlighted cells)?"""
    return isinstance(row.status, str) and row.status.startswith(BAD_STATUS)


@dataclass
class RowNotSaved:
    """A row Save left as it was, as its Status cell says: the sheet, the worksheet row
    (None when the adapter cannot tell), the record id (None for a new row) and the
    Status text (masked as the sheet masks it)."""

    sheet: str
    row: int | None
    id: str | None
    status: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "id": self.id, "status": self.status}


def _write_back(job: SheetSave, not_saved: list[RowNotSaved] | None = None) -> dict:
    layout, data, ctx = job.ctx.layout, job.data, job.ctx
    first_row = getattr(job.sheet, "first_row", None)     # FileSheet: the worksheet row of table row 0
    updates: dict[int, dict[str, Any]] = {}
    mark: list[tuple[int, str]] = []
    unmark: list[tuple[int, str]] = []
    # "untouched": record rows not edited since the last refresh or save; "edited_but_equal":
    # rows edited whose values came out as the store has them (nothing to write). One
    # count "unchanged" of only the second read as "none unchanged" after a save of
    # untouched rows.
    counts = {"created": 0, "updated": 0, "untouched": 0, "edited_but_equal": 0, "invalid": 0, "conflicts": 0,
              "duplicates": 0, "refused": 0}
    fields = [c.header for c in layout.field_columns]
    names = customer_names(ctx.session, _lookup_ids(layout, (o.record for o in job.outcomes.values()
                                                              if o.record is not None))) \
        if layout.lookup_columns else None
    for row in job.rows:
        outcome = job.outcomes.get(row.index)
        if outcome is None:
            if row.key is not None:
                counts["untouched"] += 1
            # Not pending: an old Invalid/Conflict that the user undid is cleared.
            if _flagged(row):
                updates[row.index] = {STATUS_HEADER: None}
                unmark += [(row.index, h) for h in fields]
            continue
        desired: dict[str, Any] = {STATUS_HEADER: outcome.status}
        if outcome.record is not None:
            desired.update(record_cells(layout, outcome.record, ctx.tz, ctx.masked, names))
            if (note := stored_check(layout.entity, outcome.record)) is not None:
                desired[STATUS_HEADER] = f"{outcome.status}; {note}" if outcome.status else note
            elif outcome.status == CREATED and (form := ctx.legal_forms.get(row.index)):
                desired[STATUS_HEADER] = f"{CREATED}; {typed_by_name_note(form)}"
        diff = _changed_cells(data, row.index, desired)
        if diff:
            updates[row.index] = diff
        if _flagged(row):
            unmark += [(row.index, h) for h in fields if h not in outcome.bad]
        mark += [(row.index, h) for h in outcome.bad]
        status = outcome.status or ""
        if status == CREATED:
            counts["created"] += 1
        elif status == UPDATED:
            counts["updated"] += 1
        elif not status:
            counts["edited_but_equal"] += 1
        else:
            if status.startswith("Invalid"):
                counts["invalid"] += 1
            elif status.startswith("Conflict"):
                counts["conflicts"] += 1
            elif status.startswith("Duplicate"):
                counts["duplicates"] += 1
                if status.startswith(MAYBE_SAME):
                    counts["maybe_same"] = counts.get("maybe_same", 0) + 1
            else:
                counts["refused"] += 1
            if not_saved is not None:
                not_saved.append(RowNotSaved(job.sheet.name, None if first_row is None else first_row + row.index,
                                             row.key, status))
    job.sheet.write(updates)
    job.sheet.highlight(unmark, on=False)
    job.sheet.highlight(mark, on=True)
    _protect(job.sheet)
    left = _note_rows_left_below(job.sheet, not_saved)
    if left:
        counts["left_below"] = left
    return counts


def not_taken_status(sheet: SheetAdapter, end: int | None) -> str:
    """The Status of a row that looks like a record but is too far under the table for
    Save to take it in (adapter.rows_left_below): what happened and what to do."""
    table = getattr(getattr(sheet, "table", None), "displayName", None) or \
        getattr(getattr(sheet, "table", None), "name", None) or sheet.layout.table
    ends = f" (it ends at row {end})" if end else ""
    return (f"{NOT_TAKEN} the {table} table{ends}, after more than {MAX_GAP_ROWS} empty rows or a line that is "
            f"no record, so it is not one of its rows. Move it up right under the table (or delete the rows "
            f"between) and Save again")


def _note_rows_left_below(sheet: SheetAdapter, not_saved: list[RowNotSaved] | None) -> int:
    """Give each row under the table that looks like a record but was not taken in a
    Status saying so (and a line among the rows not saved); clear that Status from rows
    that no longer look like one. Returns how many were left."""
    left = list(getattr(sheet, "left_below", ()) or ())
    for row in getattr(sheet, "stale_below", ()) or ():
        sheet.note_below(row, None)
    if not left:
        return 0
    end = getattr(sheet, "last_row", None) or getattr(sheet, "end_row", None)
    text = not_taken_status(sheet, end)
    for row in left:
        sheet.note_below(row, text)
        if not_saved is not None:
            not_saved.append(RowNotSaved(sheet.name, row, None, text))
    return len(left)


def save_sheets(session, sheets: Sequence[SheetAdapter], *, force: bool = False,
                tz: dt.tzinfo | None = None, progress: Progress | None = None,
                before_commit: Callable[[], None] | None = None,
                keep_row_ids: Callable[[], None] | None = None,
                not_saved: list[RowNotSaved] | None = None, allow_duplicate: bool = False) -> dict[str, dict]:
    """Save the pending rows of `sheets` in one unit of work; returns counts per sheet.

    A new customer row with another customer's phone (or role mailbox) under a name that
    is not surely that customer's ("Jon Smith" beside "John Smith") is refused as `cims
    customer add` refuses it ("Duplicate? May be the same person as …"; counted in
    "maybe_same" too), unless `allow_duplicate` (`customer add --allow-duplicate`). A row
    that is surely that customer ("Mr JOHN SMITH") is a Duplicate either way.

    `force`: a field changed both on the sheet and in the store takes the sheet's value
    instead of being reported as a conflict. `before_commit` runs after planning, before
    anything is written (FileWorkbook uses it to fail early if the file is locked).
    `keep_row_ids` runs after new rows got their row ids and before the commit: it
    makes them durable (FileWorkbook saves the file), so that a crash after the commit
    cannot make the next Save create the same records again. `not_saved`, when given,
    gets a RowNotSaved for each row left Invalid, in Conflict, a Duplicate or Refused, in
    sheet order.
    """
    tz = tz or local_zone()
    check_headings(sheets)
    jobs = [_plan_sheet(session, s, tz, force, progress) for s in sheets]
    if before_commit is not None:
        before_commit()
    if _mark_new_rows(jobs) and keep_row_ids is not None:
        keep_row_ids()
    crash_point("save.row-ids-kept")
    if any(j.creates or j.updates for j in jobs):
        _apply(session, jobs, progress, allow_duplicate)
    crash_point("save.committed")
    out = {}
    for job in jobs:
        _note(progress, 0, 1, f"Writing back {job.sheet.name}")
        out[job.sheet.name] = _write_back(job, not_saved)
        _show_money(job.sheet)
    _note(progress, 1, 1, "Saved")
    return out


def save_sheet(session, sheet: SheetAdapter, **kw) -> dict:
    return save_sheets(session, [sheet], **kw)[sheet.name]


# ----- Delete selected ------------------------------------------------------------------------

def delete_selected(session, sheet: SheetAdapter, rows: Iterable[int], *,
                    confirm: Callable[[str], bool]) -> dict:
    """Soft-delete the records of the given table rows after `confirm`; remove their rows.

    The role is checked (and a refusal audited) before asking and again by the service
    per record. Rows never saved are simply removed from the sheet; nothing is deleted
    without confirmation.
    """
    layout = sheet.layout
    data = sheet.read()
    chosen = [r for r in read_rows(layout, data) if r.index in set(rows)]
    saved = [r for r in chosen if r.key]
    if not chosen:
        raise CimsError(f"select one or more rows of the {layout.table} table first")
    label = layout.entity.label
    if saved:
        # Refuse before asking (a refusal is audited); per-record checks run again below.
        session.ensure("delete", layout.entity.kind)
        ids = ", ".join(r.key for r in saved[:5]) + (f" and {len(saved) - 5} more" if len(saved) > 5 else "")
        question = (f"Delete {len(saved)} {label} record{'s' if len(saved) != 1 else ''} ({ids}) in the store?\n"
                    "They disappear from every sheet and report; the audit trail keeps them.")
        if layout.entity.kind == "customer":
            under = [records.records_under(session, r.key) for r in saved]
            taken = {k: [i for u in under for i in u.get(k, [])] for k in records.UNDER_CUSTOMER if any(k in u for u in under)}
            if taken:
                question += (f"\nDeleted with them: {records.describe_records(taken)}; "
                             "`cims customer restore ID` brings a customer back with its records.")
    else:
        question = f"Remove {len(chosen)} unsaved row{'s' if len(chosen) != 1 else ''} from the sheet?"
    if not confirm(question):
        return {"deleted": 0, "removed": 0, "cancelled": True}
    gone: list[int] = [r.index for r in chosen if not r.key]
    statuses: dict[int, dict[str, Any]] = {}
    with session.unit_of_work() as uow:
        for row in saved:
            try:
                records.delete(session, row.key, expected_version=row.version)
                gone.append(row.index)
            except NotFound:
                gone.append(row.index)  # already gone from the store
            except PermissionDenied:
                raise
            except CimsError as exc:
                statuses[row.index] = {STATUS_HEADER: _refused(exc).status}
        uow.commit()
    sheet.write(statuses)
    sheet.delete_rows(gone)
    return {"deleted": len([r for r in saved if r.index in gone]), "removed": len(gone),
            "refused": len(statuses), "cancelled": False}


# ----- headless entry point (cims sync WORKBOOK save|refresh|reports) -------------------------

def _data_sheets(book, sheets: Iterable[str] | None, missing: list[str] | None = None) -> list[str]:
    """The workbook's sheets to work on, by their names in the workbook.

    A data sheet the user renamed (Tickets -> 工单) is found by its table and taken
    under its new name; `--sheet` takes either name. Without `sheets`, every data sheet
    present; the layout names of those deleted entirely are added to `missing`.
    Raises SheetError for a name that is no data sheet, or one the workbook lacks.
    """
    located = book.data_sheets()        # layout sheet -> sheet name in the workbook
    if sheets:
        known = {n.casefold(): n for n in DATA_SHEETS}     # --sheet customers means Customers
        actual = set(located.values())
        names: list[str] = []
        for given in sheets:
            text = str(given).strip()
            if text in actual:          # a data sheet by its name in the workbook (maybe renamed)
                name = text
            elif (lay := known.get(text.casefold())) is None:
                raise SheetError(f"{text!r} is not a data sheet; use one of: {', '.join(DATA_SHEETS)}")
            elif lay not in located:
                raise SheetError(f"the workbook has no sheet {lay!r} (no sheet holds its table "
                                 f"{LAYOUTS_BY_SHEET[lay].table})")
            else:
                name = located[lay]
            if name not in names:
                names.append(name)
        return names
    if len(located) < len(DATA_SHEETS):
        _refuse_unknown_data_tables(book, located)
    if missing is not None:
        missing += [name for name in DATA_SHEETS if name not in located]
    return [located[name] for name in DATA_SHEETS if name in located]


def _refuse_unknown_data_tables(book, located: Mapping[str, str]) -> None:
    """SheetError, before anything is read or written, when a data sheet is not found
    but a table elsewhere holds the hidden columns of one (_key, _version, _fingerprint):
    a data sheet renamed, its table renamed and its headings changed too is the user's
    rows, which must not be skipped as if the sheet were deleted."""
    from .layout import looks_like_data_table

    headers = getattr(book, "table_headers", None)
    if headers is None:
        return
    placed = set(located.values())
    unknown = [(sheet, table) for sheet, tables in headers() if sheet not in placed
               for table, row in tables.items() if looks_like_data_table(row)]
    if not unknown:
        return
    lost = [name for name in DATA_SHEETS if name not in located]
    shown = ", ".join(f"table {table} on sheet {sheet!r}" for sheet, table in unknown[:3])
    raise SheetError(
        f"the workbook has no {' or '.join(lost)} sheet that cims can recognise, but {shown} holds the hidden "
        f"columns of a data sheet (_key, _version, _fingerprint) and its headings are not those of any data "
        f"sheet; nothing was saved or refreshed. Give the table its name back (Table Design > Table Name: "
        + " or ".join(LAYOUTS_BY_SHEET[name].table for name in lost)
        + ") or its column headings, then run it again")


LAYOUTS_BY_SHEET = {lay.sheet: lay for lay in LAYOUTS.values()}


def missing_sheet_note(name: str, *, saved: bool = False) -> str:
    """What Refresh (or Save, `saved`) says about a data sheet deleted from the workbook."""
    return (f"{name}: the workbook has no {name} sheet (no sheet holds its table {LAYOUTS_BY_SHEET[name].table} "
            f"or its columns), so it was not {'saved' if saved else 'refreshed'}; if you renamed it, give its "
            f"table the name {LAYOUTS_BY_SHEET[name].table} again (Table Design > Table Name), else build a new "
            f"workbook (cims workbook build) to get it back")


def refresh_book(session, book, sheets: Iterable[str] | None = None, *, force: bool = False,
                 tz: dt.tzinfo | None = None, progress: Progress | None = None,
                 anyway: str = "refresh anyway", missing: list[str] | None = None,
                 notes: list[str] | None = None, rebuilt_reports: list[str] | None = None) -> dict[str, dict]:
    """Refresh several sheets; refuses before changing any if one holds unsaved rows.
    By a role that may not read personal fields, the report sheets are rebuilt for it
    too (`rescope_reports`; their names go in `rebuilt_reports` when given).

    Returns counts by sheet label (`adapter.sheet_label`: "Tickets (sheet renamed 工单)"
    for a renamed one). `missing`, when given, gets the names of data sheets deleted
    from the workbook (only when `sheets` is None).
    """
    adapters = [book.table_sheet(n) for n in _data_sheets(book, sheets, missing)]
    check_headings(adapters, action="refreshed")
    if not force:
        for sheet in adapters:
            check_refresh(sheet, anyway=anyway)
    rebuilt = rescope_reports(session, book, progress=progress)   # before any sheet changes: it may refuse
    out = {sheet_label(s): refresh_sheet(session, s, force=True, tz=tz, progress=progress) for s in adapters}
    for counts in out.values():
        said = counts.pop("notes", None) or []
        if notes is not None:
            notes += said
    if rebuilt and rebuilt_reports is not None:
        rebuilt_reports[:] = rebuilt
    return out


def rescope_reports(session, book, *, progress: Progress | None = None) -> list[str] | None:
    """A refresh by a role that may not read personal fields (a viewer) leaves no report
    content another role made: the report sheets the workbook holds (an administrator's
    reports name customers, in their cells and in their charts' cached values) are rebuilt
    as this user's reports, which name nobody, in the same write as the data sheets.
    Returns the report sheets rebuilt (None for a role whose reports are as the sheets'
    own, which are left as they are: `sync … reports` refreshes them)."""
    if include_personal(session):
        return None
    present = tuple(s for s in REPORT_SHEETS if s in book.sheet_names())
    if not present:
        return []
    _note(progress, 0, 1, "Rebuilding the report sheets for your role")
    kwargs = {"sheets": present, **report_zone_kwargs()}
    if hasattr(book, "wb"):   # a file: into the open workbook, written by the same save as the rows
        row_changes = getattr(book, "row_changes", None)
        drawn = drawn_objects(book) if row_changes is not None and hasattr(book, "original_bytes") else None
        refresh_with_writer(OpenpyxlWriter(book.wb, row_changes, drawn), session, **kwargs)
    else:
        from .report_writer_live import refresh_reports_live

        refresh_reports_live(book.book, session, **kwargs)
    _note(progress, 1, 1, "Report sheets rebuilt")
    return list(present)


def rescoped_note(session, rebuilt: Sequence[str]) -> str:
    """What the summary of a refresh that rebuilt the report sheets (`rescope_reports`) says."""
    return (f"{', '.join(rebuilt)} rebuilt as {session.username} ({session.role}) sees them: a report "
            "another user made can name customers, and a refresh by a role that may not see names "
            "leaves none of it in the workbook (cells and charts)")


def save_book(session, book, sheets: Iterable[str] | None = None, *, force: bool = False,
              tz: dt.tzinfo | None = None, progress: Progress | None = None,
              before_commit: Callable[[], None] | None = None,
              keep_row_ids: Callable[[], None] | None = None,
              not_saved: list[RowNotSaved] | None = None,
              missing: list[str] | None = None, allow_duplicate: bool = False) -> dict[str, dict]:
    """Save every data sheet (or `sheets`); counts by sheet label, as `refresh_book`.
    A data sheet deleted from the workbook holds no edits: it is not an error here, but
    its name goes in `missing` (when given) for the summary to say so; a data table that
    is there but cannot be recognised stops the Save (`_refuse_unknown_data_tables`)."""
    adapters = [book.table_sheet(n) for n in _data_sheets(book, sheets, missing)]
    counts = save_sheets(session, adapters, force=force, tz=tz, progress=progress, before_commit=before_commit,
                         keep_row_ids=keep_row_ids, not_saved=not_saved, allow_duplicate=allow_duplicate)
    return {sheet_label(s): counts[s.name] for s in adapters}


def _reports(session, path: Path, sheets, progress: Progress | None) -> dict:
    from ..services.segments import refresh_before_reports

    kwargs = {"sheets": tuple(sheets)} if sheets else {}
    kwargs.update(report_zone_kwargs())      # the zone the sheets and the CLI show times in
    refresh_before_reports(session)
    _note(progress, 0, 1, "Refreshing reports")
    notes: list[str] = []
    reports = refresh_reports_file(path, session, notes=notes, **kwargs)
    _note(progress, 1, 1, "Reports refreshed")
    return {"workbook": str(path), "action": "reports", "sheets": {name: {"refreshed": True} for name in reports},
            "notes": notes}


# What openpyxl opens and keeps as a workbook: sync reads and writes the file in place.
WORKBOOK_SUFFIXES = (".xlsm", ".xlsx", ".xltm", ".xltx")


def check_workbook_kind(path: Path) -> None:
    """Refuse a file sync cannot work on (a .csv, an old .xls, ...) before opening it.

    Raises SheetError naming what sync takes and, for a file of rows, `cims import`.
    """
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        kind = f"a {path.suffix.lower()} file" if path.suffix else "a file without an extension"
        raise SheetError(f"{path.name} is {kind}: sync works on an Excel workbook (.xlsm, like the cims "
                         "workbook, or .xlsx); to bring rows from it into the store use `cims import "
                         f"{path.name}`" + (" (or save it from Excel as .xlsx)" if path.suffix.lower() == ".xls"
                                            else ""))


# How long a second sync of one workbook waits for the first before it refuses (seconds).
WORKBOOK_LOCK_WAIT = 10.0


class WorkbookBusy(CimsError):
    """Another cims sync holds this workbook; nothing was read or written."""
    exit_code = 75      # EX_TEMPFAIL: try again


def lock_path(path: Path) -> Path:
    """The lock file beside a workbook: `.~cims-lock.<name>` (hidden; Excel's own lock is
    `~$<name>`), named from the resolved path, so a symlink and the file it points to, a
    `..` path and a symlinked folder all share one lock."""
    path = Path(path).resolve()
    return path.parent / f".~cims-lock.{path.name}"


def _lock_mode(path: Path) -> int:
    """The lock file's permission bits: the workbook's read/write bits for owner, group and
    others (as the store's lock has the store's), so every account that may write the
    workbook may take its lock; 0o600 for a workbook not there yet."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode) & 0o666 | 0o600
    except OSError:
        return 0o600


@contextlib.contextmanager
def workbook_lock(path: str | Path, wait: float | None = None):
    """One save or refresh of a workbook at a time, across processes and OS accounts that
    share the folder. An OS lock (flock / LockFileEx through filelock) on a file beside
    the workbook: a process that dies, however it dies, releases it, so nothing is left
    stuck. A second sync waits `WORKBOOK_LOCK_WAIT` seconds, then raises WorkbookBusy.
    The lock is taken before the workbook is read, so a sync that waited sees what the
    first one wrote (the ids of the rows it created). A lock that cannot be taken (another
    account's lock file this one may not open, a folder or symlink in its place, a name
    too long) refuses the sync, saying why (WorkbookBusy): it never runs unlocked. Only a
    folder where nothing can be written runs on (the write itself then says why)."""
    import errno

    from filelock import FileLock, Timeout

    path = Path(path)
    where = lock_path(path)
    try:
        planted = os.lstat(where).st_mode
    except OSError:
        planted = 0
    if stat.S_ISLNK(planted) or stat.S_ISDIR(planted):
        raise WorkbookBusy(f"cannot lock {path.name}: {where} is a "
                           f"{'symlink' if stat.S_ISLNK(planted) else 'folder'}, not cims's lock file; nothing "
                           "was read or written: remove it (if no cims sync is running) and run this again")
    lock = FileLock(str(where), mode=_lock_mode(path))
    try:
        lock.acquire(timeout=WORKBOOK_LOCK_WAIT if wait is None else wait)
    except Timeout:
        raise WorkbookBusy(f"another cims sync is working on {path.name} (saving or refreshing it); "
                           "nothing was read or written: wait for it to finish and run this again") from None
    except OSError as exc:
        if exc.errno in (errno.EROFS,) or (exc.errno in (errno.EACCES, errno.EPERM)
                                           and not where.exists() and not os.access(where.parent, os.W_OK)):
            yield               # nothing can be written in this folder: the write says so
            return
        why = os.strerror(exc.errno) if exc.errno else str(exc)
        raise WorkbookBusy(f"cannot lock {path.name} ({where.name}: {why}); nothing was read or written"
                           + (": the lock file belongs to another account that did not share it; ask them "
                              "or an administrator to delete it (when no cims sync is running)"
                              if exc.errno in (errno.EACCES, errno.EPERM) else
                              ": give the workbook a shorter name" if exc.errno == errno.ENAMETOOLONG else "")
                           ) from None
    try:
        yield
    finally:
        lock.release()


def real_workbook(path: Path) -> Path:
    """The workbook file a sync reads and writes: a symlink's target (a save replaces the
    file it points to, never the link with a private copy). A file with more than one
    hard link is refused: a save writes a new file, and the other names would keep the
    old one."""
    real = Path(path).resolve()
    try:
        links = os.stat(real).st_nlink
    except OSError:
        return real
    if links > 1:
        raise SheetError(f"{path.name} has {links} hard links (other names for the same file): a sync writes "
                         "a new file under one name and the others would keep the old one; nothing was read "
                         "or written. Use one name (a symlink to the file is fine)")
    return real


def sync_file(session, path: str | Path, action: str, *, sheets: Iterable[str] | None = None,
              force: bool = False, progress: Progress | None = None, restore_settings: bool = False,
              allow_duplicate: bool = False) -> dict:
    """Run Save, Refresh or Reports on a closed workbook file (the CLI's `cims sync`;
    `allow_duplicate`: Save's, see `save_sheets`).

    Returns {"workbook", "action", "sheets": {sheet: counts}} (reports: whatever the
    reports module returns); Save adds "not_saved": a list of {"sheet", "row" (the
    worksheet row), "id" (None for a new row), "status" (the Status text)} for every
    row left Invalid, in Conflict or Refused; Refresh adds "missing": a sentence for each
    data sheet deleted from the workbook. Sheets are named as `adapter.sheet_label` says
    ("Tickets (sheet renamed 工单)"). The file is written only when the action succeeds; for
    Save the file is checked to be writable before anything is committed, so keys of
    new records are never lost to a locked file.

    The workbook is a trust boundary (`trust`): one holding settings or VBA cims did not
    write is refused before anything is read into the store or written, naming them
    (UntrustedWorkbook); with `restore_settings` cims's own are put back on the way
    and named under "restored".
    """
    path = Path(path)
    if action not in ACTIONS:
        raise CimsError(f"unknown sync action {action!r}; use one of: {', '.join(ACTIONS)}")
    check_workbook_kind(path)
    given, path = path, real_workbook(path)
    require_cims_layout(path, reports=action == "reports")
    with workbook_lock(path):
        record_workbook_file(session, given)        # before any write, every action
        return _sync_file(session, path, action, sheets=sheets, force=force, progress=progress,
                          restore_settings=restore_settings, allow_duplicate=allow_duplicate)


def record_workbook_file(session, path: Path) -> None:
    """Audit, once per workbook path, that cims writes this workbook: a sync killed while
    writing leaves a partly written copy (`.cims-save-<pid>-….xlsm`, 0600) beside it,
    with the rows it held, and `gdpr erase` removes those beside every workbook named so
    (services.erase_copies). Recorded before the first write, so a killed first sync is
    covered too."""
    from ..security.audit import AuditEvent
    from ..store.db import utcnow

    import json

    # the path as given (absolute, links kept) and resolved: wherever the scratch lands
    wheres = list(dict.fromkeys((str(Path(os.path.abspath(path))), str(Path(path).resolve()))))
    for row in session.store.iter_audit_actions((WORKBOOK_FILE_ACTION,)):
        changes = json.loads(row[7] or "{}")
        done = (changes.get("path") or [None, None])[1]
        if done in wheres:
            wheres.remove(done)
    if not wheres:
        return
    with session.unit_of_work() as uow:
        session.audit([AuditEvent(utcnow(), session.username, WORKBOOK_FILE_ACTION, None, None, None,
                                  {"path": [None, where]}) for where in wheres])
        uow.commit()


def _sync_file(session, path: Path, action: str, *, sheets, force, progress, restore_settings,
               allow_duplicate: bool = False) -> dict:
    book = FileWorkbook(path, ui=QuietUI(progress))
    restored = _trusted(book, action, restore_settings, store=session.store_path)
    if action == "reports":
        if restored:
            book.save()
        return {**_reports(session, path, list(sheets) if sheets else None, progress), "restored": restored}
    if action == "refresh":
        missing: list[str] = []
        notes: list[str] = []
        rebuilt: list[str] = []
        result = refresh_book(session, book, sheets, force=force, progress=progress,
                              anyway="refresh with --force", missing=missing, notes=notes, rebuilt_reports=rebuilt)
        book.save()
        notes += [n for n in book.saved_notes if n not in notes]    # objects the rows moved
        return {"workbook": str(path), "action": action, "sheets": result,
                "missing": [missing_sheet_note(name) for name in missing], "restored": restored,
                "notes": notes, "reports": rebuilt,
                "reports_note": rescoped_note(session, rebuilt) if rebuilt else None}
    not_saved: list[RowNotSaved] = []
    missing = []
    # Said if writing the workbook back fails (a full disk, a locked file) after the store
    # committed: the rows are saved; the workbook lacks their ids and Status until a new Save.
    import shlex

    from .. import interrupts

    left = (
        f"the workbook {path.name} was not updated (new rows have no ID, and no row its new Status); "
        f"run `cims sync {shlex.quote(str(path))} save` again to write them back: it finds the rows already saved "
        "and does not save them twice")
    interrupts.note_left_after_save(left)
    result = save_book(session, book, sheets, force=force, progress=progress,
                       before_commit=lambda: ensure_writable(path), keep_row_ids=book.save,
                       not_saved=not_saved, missing=missing, allow_duplicate=allow_duplicate)
    book.save()
    interrupts.left_done(left)
    return {"workbook": str(path), "action": action, "sheets": result,
            "not_saved": [r.as_dict() for r in not_saved],
            "missing": [missing_sheet_note(name, saved=True) for name in missing], "restored": restored}


def _trusted(book: FileWorkbook, action: str, restore_settings: bool, *, store=None) -> list[str]:
    """Refuse a workbook with settings or code cims did not write, or values cims acts on
    that point where cims would not go by itself (a store this account did not choose, a
    name moved to a hidden sheet), or (restore_settings) put cims's own back; returns what
    was restored. `store`: the store this sync signed in to."""
    from . import trust

    found = trust.inspect(book, store=store)
    if not found:
        return []
    if not restore_settings:
        raise trust.refusal(book.path, found, action)
    return trust.restore(book, found, store=store)
