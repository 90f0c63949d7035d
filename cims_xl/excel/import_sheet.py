"""The ribbon's "Import spreadsheet": the Import sheet's flow, through the workbook adapter.

Reads the file path, record type, currency and options from the Import sheet (names
CIMS_ImportFile, CIMS_ImportKind, CIMS_ImportCurrency and CIMS_ImportOptions: `cims
import` options as its stop messages name them, see import_options), runs a dry run with
progress in the status bar, fills the mapping table (CIMS_ImportMapping) and the
summary (CIMS_ImportSummary), lists rejected rows and skipped duplicates on
the "Import Errors" sheet (original values and reason, written as text), and imports
on confirmation. Works the same on a closed workbook file and in live Excel.
A stop message (ImportRefused) says where on the sheet the option it names goes.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import CimsError
from ..importer.errors import ImportRefused
from ..importer.mapping import REPORT_LEAD, entity_for, report_lead
from ..importer.run import ImportResult, has_currency, import_file
from .import_options import OPTIONS_NAME, options_text, parse_options, with_sheet_hint
from .import_report import ERRORS_SHEET


UPDATES_SHOWN = 20      # updated records the summary names with their changed fields


def _summary(result: ImportResult, *, done: bool, options: str = "") -> str:
    d = result.as_dict()
    lines = [("Imported" if done else "Dry run") + f": {Path(d['file']).name}"
             + (f" (sheet {d['sheet']})" if d["sheet"] else "")]
    if options:
        lines.append(f"Options: {options}")
    lines += [f"Rows: {d['rows']}",
             f"{'Created' if done else 'Would create'}: {d['created']}",
             f"{'Updated' if done else 'Would update'}: {d['updated']}",
             f"Skipped as duplicates: {d['duplicates']}",
             f"Rejected: {d['rejected']}"]
    if d.get("customers_created"):
        lines.append(f"New customers: {result.customers_created_text()}")
    # Notes that name an option say where it goes on this sheet.
    lines += [with_sheet_hint(n) for n in result.currency_notes() + result.sheet_notes()]
    if d["batch"]:
        lines.append(f"Batch: {d['batch']} (undo: cims import undo {d['batch']})")
    if d.get("warnings"):
        lines.append(f"Imported with a warning (a field it could not read left empty, kept in Notes; "
                     f"a phone another customer shares): {d['warnings']}")
    if d.get("above_header"):
        lines.append(f"Rows before the header (row {d['header_row']}) not read: {d['above_header']}")
    if d.get("footer_rows"):
        lines.append(f"Footer or total rows skipped: {d['footer_rows']}")
    updated = [o for o in result.outcomes if o.action == "updated"]
    if updated:
        lines.append("Updated records, fields changed:" if done else "Records it would update, fields changed:")
        lines += [f"  row {o.row} → {o.record}: {', '.join(o.changed or ())}" for o in updated[:UPDATES_SHOWN]]
        if len(updated) > UPDATES_SHOWN:
            lines.append(f"  … and {len(updated) - UPDATES_SHOWN:,} more")
    if d["date_orders"]:
        lines.append("Dates: " + ", ".join(f"{k} {v}" for k, v in d["date_orders"].items()))
    if d.get("inferences"):
        lines.append("")
        lines.append("What was decided about the file:")
        for i in d["inferences"]:
            lines.append(f"  {i['what']}: {i['decided']} ({i['evidence']})")
    lines.append("")
    lines.append("Column mapping:")
    for m in d["mapping"]:
        lines.append(f"  {m['column']} → {_target_text(m, result.kind)}")
    return "\n".join(lines)


def _mapping_rows(result: ImportResult) -> list[list]:
    """Column in file | CIMS field | sample values, for the table on the Import sheet."""
    rows = []
    for i, m in enumerate(result.mapping):
        target = m["field"] or f"({_target_text(m, result.kind)})"
        samples = result.samples[i] if i < len(result.samples) else []
        rows.append([m["column"], target, " | ".join(samples)])
    return rows


def _target_text(m: dict, kind: str = "customer") -> str:
    """Where a column's values go, in words (unmapped columns: Notes, or the field a
    record without Notes keeps them in)."""
    if m["field"]:
        return m["field"]
    from ..importer.plan import kept_in_header

    return {"ignored": "left out", "secret": "left out: a password"}.get(m["how"], f"kept in {kept_in_header(kind)}")


def _keep_sheet_choice(done: ImportResult, dry: ImportResult) -> None:
    """The import after the dry run reads the sheet the dry run chose (the file is read
    again): its summary says why that sheet, and which were not read, as the dry run's
    did, not "given with --sheet"."""
    done.unread_sheets = list(dry.unread_sheets)
    said = {i["what"]: i for i in dry.inferences}
    done.inferences = [said.get("sheet", i) if i["what"] == "sheet" else i for i in done.inferences]


def _error_rows(result: ImportResult, path: Path, kind: str, sheet) -> list[list]:
    """Rejected rows and duplicates with their original values (re-read from the file)."""
    wanted = {o.row: o for o in result.outcomes if o.action in ("rejected", "duplicate")}
    if not wanted:
        return [list(REPORT_LEAD)]
    from ..importer.readers import open_sheet
    from ..importer.table import MergeFiller, data_rows, header_text, is_blank_cell
    with open_sheet(path, sheet) as src:
        header = None
        out: list[list] = []
        filler = MergeFiller(src.merged, (result.header_row or 1) - 1)
        for number, values in src.rows():
            if number == result.header_row:
                header = list(values)
            if number > (result.header_row or 0):
                break
        skip = report_lead(header or [])     # importing a fixed error report again
        hidden = {m["column"] for m in result.mapping if m["how"] == "secret"}
        blank = [c for c, h in enumerate(header or []) if c >= skip and not is_blank_cell(h)
                 and header_text(h) in hidden]
        for number, values in data_rows(src.rows(), result.header_row or 1, filler):
            o = wanted.get(number)
            if o is not None:
                values = [("" if c in blank else v) for c, v in enumerate(values)]
                out.append([number, o.reason, *values[skip:]])
    return [[*REPORT_LEAD, *(header or [])[skip:]], *out]


def _confirm_other_kind(book, dry: ImportResult, kind: str, path: Path) -> None:
    """The Record type cell names a kind, but the file's headings say clearly that the
    rows are another (`mapping.clear_other_kind`: an orders export read as customers
    makes a customer of each order). The cell may hold what an older workbook was built
    with ("customer") rather than the user's choice, so ask; No (or no one to ask)
    stops before anything is written, naming the kind and the Record type cell."""
    from ..importer.mapping import clear_other_kind

    ent = entity_for(kind)
    found = clear_other_kind(ent, [str(m["column"]) for m in dry.mapping])
    if found is None:
        return
    other, own = found
    shown = ", ".join(f"'{h}'" for h in own[:5]) + (" …" if len(own) > 5 else "")
    question = (f"The headings of {path.name} look like {other} ({shown}), but the Record type cell says "
                f"{kind}.\n\nImport each row as a {ent.kind} all the same?")
    if book.ui.confirm(question, "CIMS import"):
        return
    raise ImportRefused(
        f"The Record type cell of the Import sheet: {path.name}: the headers look like {other} ({shown}), not "
        f"{ent.kind} records, and the Record type cell says {kind}. Nothing was imported. Put {other} in the "
        f"Record type cell to import the rows as {other}, or answer Yes to import each row as a {ent.kind} all "
        "the same.")


def import_from_book(session, book) -> str:
    """Run the Import sheet's import: dry run, summary, confirmation, import.

    Returns the status line. Raises CimsError for a missing path, ImportRefused for a
    bad Options cell (before anything is read) and for a file the importer stops on,
    its message then saying where on the sheet the option it names goes.
    """
    path_text = book.get_name("CIMS_ImportFile")
    from_cell = bool(path_text) and bool(str(path_text).strip())
    if not from_cell:
        path_text = book.ui.ask("File to import (full path):", "CIMS import")
    if not path_text or not str(path_text).strip():
        raise CimsError("put the path of the file to import in the File cell of the Import sheet")
    path = Path(str(path_text).strip().strip('"'))
    from ..security.known_stores import is_remote

    # A path the workbook holds is opened only with the person's yes when it names another
    # computer: opening \\host\share\x sends this computer's sign-in to that host.
    if from_cell and is_remote(str(path_text).strip().strip('"')) and not book.ui.confirm(
            f"The File cell names a file on another computer:\n{str(path_text).strip()}\n\nOpening it "
            "connects to that computer with your Windows sign-in. Open it?", "CIMS import"):
        return "Import cancelled; nothing was read."
    # An empty Record type cell is no choice: as `cims import` without --kind, the rows
    # are customers unless the file's headings say clearly that they are another kind,
    # and then the import stops naming it (the Record type cell's hint).
    kind = str(book.get_name("CIMS_ImportKind") or "").strip() or None
    # Only records with amounts have a currency; a code left over from an orders import
    # does not get in the way of a customers one.
    currency = str(book.get_name("CIMS_ImportCurrency") or "").strip() or None
    try:
        if not has_currency(entity_for(kind or "customer")):
            currency = None
    except ImportRefused:
        pass   # import_file names the wrong record type
    options = options_text(book)
    given = parse_options(book.get_name(OPTIONS_NAME))

    def progress(done: int, total: int, phase: str) -> None:
        book.ui.progress(done, total, f"Import: {phase} {done:,} of {total:,} rows" if total
                         else f"Import: {phase}…")

    try:
        dry = import_file(session, path, **given, kind=kind, dry_run=True, progress=progress, currency=currency)
        if kind is not None:
            _confirm_other_kind(book, dry, kind, path)
        book.set_name("CIMS_ImportSummary", _summary(dry, done=False, options=options))
        book.write_below("CIMS_ImportMapping", _mapping_rows(dry))
        book.write_block(ERRORS_SHEET, _error_rows(dry, path, dry.kind, dry.sheet))
        question = (f"Import {dry.rows:,} rows from {path.name}?\n{dry.created:,} new, "
                    f"{dry.duplicates:,} duplicates skipped, {dry.rejected:,} rejected "
                    f"(listed on the '{ERRORS_SHEET}' sheet).")
        if not dry.created and not dry.updated:
            return f"Nothing to import from {path.name}: {dry.duplicates} duplicates, {dry.rejected} rejected."
        if not book.ui.confirm(question, "CIMS import"):
            return "Import cancelled; nothing was written."
        done = import_file(session, path, **{**given, "sheet": dry.sheet}, kind=kind, progress=progress,
                           currency=currency)
        if not given.get("sheet"):
            _keep_sheet_choice(done, dry)
        book.set_name("CIMS_ImportSummary", _summary(done, done=True, options=options))
        book.write_block(ERRORS_SHEET, _error_rows(done, path, done.kind, done.sheet))
    except ImportRefused as exc:
        # The importer speaks in `cims import` options; on the sheet they go in a cell.
        exc.message = with_sheet_hint(exc.message)
        exc.args = (exc.message,)
        raise
    finally:
        book.ui.clear_progress()
    return (f"Imported {path.name}: {done.created:,} created, {done.updated:,} updated, "
            f"{done.duplicates:,} duplicates, {done.rejected:,} rejected (batch {done.batch}).")
