"""Import existing spreadsheets: any format people have, mapped automatically, every
row accounted for, duplicates found in the file and in the store, undoable by batch.

    from cims_xl.importer import import_file
    result = import_file(session, "customers.xlsx", dry_run=True)
    result.as_dict()   # rows, created, updated, duplicates, rejected, batch, mapping, ...

Modules: readers (files -> rows), xlsx_stream (huge .xlsx sheets), table (header,
merged cells, blank rows), mapping (synonyms, --map, profiles), plan (normalise,
classify, duplicate keys), run (the use case). The error workbook and the Import sheet's flow are in
cims_xl.excel (import_report, import_sheet).
Undo a batch with `cims_xl.services.batches.undo_batch(session, "B-000001")`.
"""

from .errors import AmbiguousDates, AmbiguousNumbers, ImportRefused
from .run import ImportResult, import_file

__all__ = ["import_file", "ImportResult", "ImportRefused", "AmbiguousDates", "AmbiguousNumbers"]
