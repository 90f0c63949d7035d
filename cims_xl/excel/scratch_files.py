"""Where workbook writes keep their temporary data, so that a process killed at any
moment leaves no plain-text copy of customer data behind.

Two kinds of temporary data hold a workbook's values while it is written:

* our own: the whole new workbook, written beside the target and then renamed over
  it (atomic save). It is named `.cims-save-<pid>-*` (`cims_xl.scratch`), so the next
  save into that folder removes any that a killed process left. It is the finished
  (zip-compressed) file the user asked for, in the folder they chose;
* openpyxl's: it writes every worksheet's XML to a `tempfile` (`/tmp/openpyxl.*`)
  before zipping it, for every save, and for the whole life of a write-only workbook
  (an import's error report). That XML is plain text. `keep_openpyxl_in_memory`
  makes openpyxl write it to a `DeflatedSpool` in memory instead (zlib-compressed as
  it goes, so a large error report costs about a tenth of its XML), and copies it
  into the workbook's zip from there: nothing of it ever reaches the disk.
"""

from __future__ import annotations

import os
import tempfile
import threading
import zlib
from pathlib import Path
from typing import Callable, Iterator

from ..crashpoints import crash_point
from ..scratch import keep_mode, scratch_file, sweep

_lock = threading.Lock()
_installed = False
_CHUNK = 1 << 20


class DeflatedSpool:
    """A write-only, in-memory stream of bytes (or UTF-8 text), kept deflated.

    `write` takes what lxml's or et_xmlfile's `xmlfile` writes; `chunks()` gives the
    bytes back once, in order, in pieces of about 1 MB. Nothing touches the disk.
    """

    def __init__(self) -> None:
        self._z = zlib.compressobj(1)
        self._parts: list[bytes] = []
        self._done = False
        self.size = 0

    def write(self, data) -> int:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self._done:
            raise ValueError("the spool was already read")
        self.size += len(data)
        out = self._z.compress(data)
        if out:
            self._parts.append(out)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def chunks(self) -> Iterator[bytes]:
        if not self._done:
            self._parts.append(self._z.flush())
            self._done = True
        d = zlib.decompressobj()
        parts, self._parts = self._parts, []
        for part in parts:
            while part:
                out = d.decompress(part, _CHUNK)
                part = d.unconsumed_tail
                if out:
                    yield out
        rest = d.flush()
        if rest:
            yield rest

    def read(self) -> bytes:
        return b"".join(self.chunks())


def keep_openpyxl_in_memory() -> None:
    """Make openpyxl keep every worksheet's XML in memory (`DeflatedSpool`), never in a temp file.

    Idempotent. openpyxl (3.1) has no setting for this: its
    `worksheet._writer.create_temporary_file` is replaced by one that returns a spool
    (its `WorksheetWriter` writes to any file-like object; `read()` already handles
    one), and `writer.excel.ExcelWriter.write_worksheet` by the same steps that copy
    the spool into the zip instead of a file by name. Also sweeps the
    `.cims-openpyxl-*` folders that earlier versions left in the temp folder.
    """
    global _installed
    from openpyxl.worksheet import _writer
    from openpyxl.writer import excel

    with _lock:
        if _installed and getattr(excel.ExcelWriter.write_worksheet, "cims", False):
            return
        sweep(tempfile.gettempdir(), "openpyxl", dirs=True)

        def create_temporary_file(suffix: str = "") -> DeflatedSpool:
            return DeflatedSpool()

        def write_worksheet(self, ws) -> None:
            from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing

            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            if self.workbook.write_only:
                if not ws.closed:
                    ws.close()
                writer = ws._writer
            else:
                writer = _writer.WorksheetWriter(ws)
                writer.write()
            crash_point("workbook.sheet-spooled")     # tests: killed with the sheet's XML in hand
            ws._rels = writer._rels
            _copy_into(self._archive, ws.path[1:], writer.out)
            self.manifest.append(ws)
            if not isinstance(writer.out, DeflatedSpool):
                writer.cleanup()

        write_worksheet.cims = True  # type: ignore[attr-defined]
        _writer.create_temporary_file = create_temporary_file
        excel.ExcelWriter.write_worksheet = write_worksheet
        _installed = True


def _copy_into(archive, name: str, out) -> None:
    if isinstance(out, DeflatedSpool):
        # zip64 only where the entry needs it (ZipFile.write decides the same way by size).
        with archive.open(name, "w", force_zip64=out.size > (1 << 31) - (1 << 26)) as dst:
            for chunk in out.chunks():
                dst.write(chunk)
    else:      # a file name (openpyxl's own default) or a BytesIO
        archive.write(out, name) if isinstance(out, (str, os.PathLike)) else archive.writestr(name, out.getvalue())


def route_openpyxl_temp_files() -> None:
    """Kept for callers of the earlier name: same as `keep_openpyxl_in_memory`."""
    keep_openpyxl_in_memory()


def save_workbook(wb, target: str | os.PathLike, *, fixup: Callable[[Path], None] | None = None) -> None:
    """Write an openpyxl workbook to `target` atomically, readable by its owner only (0600).

    The new file is written to a `.cims-save-<pid>-*` scratch file beside the target
    (`fixup(tmp)` may edit it there), then renamed over the target: a crash leaves the
    old file whole, and the scratch file is swept by the next save into that folder.
    """
    target = Path(target)
    keep_openpyxl_in_memory()
    tmp = scratch_file(target.parent, "save", target.suffix)
    try:
        wb.save(tmp)
        if fixup is not None:
            fixup(tmp)
        keep_mode(target, tmp)       # the workbook's own mode and group; a new one 0600
        crash_point("workbook.temp-written")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
